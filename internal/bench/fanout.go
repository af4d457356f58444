package bench

import (
	"context"
	"log/slog"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"sort"
	"sync"
	"time"

	"evalbot/internal/botapitest"
	"evalbot/internal/calendar"
	"evalbot/internal/delivery"
	"evalbot/internal/locale"
	"evalbot/internal/schedule"
	"evalbot/internal/telegram"
)

// Fanout is `evalbot bench fanout`: the month-end self-assessment prompt of
// o.N officials enqueued by the campaign and sent through the fake Bot API
// with Telegram's limits on (o.Rate messages/s); it reports the rate
// achieved, duplicates, losses, 429s and the busiest second, and fails
// (BenchFanoutLost) when a message was lost or sent twice.
func Fanout(ctx context.Context, r Report, o FanoutOptions) error {
	// The fake Bot API runs in this process and keeps every card it is
	// sent (about 8 KB each: 800 MB at 100,000); a larger GC target
	// keeps the collector's marking of that heap from taking the CPU the
	// sender needs. Updates runs with Go's default, as serve does:
	// there a larger target made p99 worse (at 800/s, three runs each:
	// 95–137 ms with 400, 38–106 ms with 100).
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))

	mode := "force_custom_plan"
	if o.History {
		mode = "auto"
	}
	pool, _, stop, err := benchDB(ctx, r, 40, mode)
	if err != nil {
		return err
	}
	defer stop()
	// The fake keeps every message (as Telegram does) but only its last
	// events; sends are counted from its Deliveries.
	srv := botapitest.New(botapitest.WithLimits(o.Rate, 1, 20), botapitest.WithJournal(10000))
	defer srv.Close()
	r.Printf("BenchFanoutHead", o.N, o.Rate, o.Rate)
	t0 := time.Now()
	if err := seedRoster(ctx, pool, srv, o.N); err != nil {
		return err
	}
	if o.History {
		if err := seedLastMonth(ctx, pool, calendar.Month{Year: 2026, Month: 10}); err != nil {
			return err
		}
	}
	history := r.Say("BenchNo")
	if o.History {
		history = r.Say("BenchYes")
	}
	r.Printf("BenchSeeded", time.Since(t0).Round(time.Millisecond), history, mode)

	b, err := benchBot(srv, o.Workers*(o.Senders)+8)
	if err != nil {
		return err
	}
	cat, err := locale.Load()
	if err != nil {
		return err
	}
	cal := calendar.Default()
	at := monthEnd(cal, calendar.Month{Year: 2026, Month: 11})
	app := &telegram.App{Pool: pool, Bot: b, Cat: cat, Cal: cal, Now: func() time.Time { return at }, Log: log}
	if err := onlySelfAssessment(ctx, pool, at); err != nil {
		return err
	}
	sched := &schedule.Scheduler{Pool: pool, Cal: cal, Prompter: app, Times: schedule.DefaultTimes, Log: log}
	t0 = time.Now()
	how := r.Say("BenchHowCampaign")
	if o.EnqueueCPUProfile != "" {
		f, err := os.Create(o.EnqueueCPUProfile)
		if err != nil {
			return err
		}
		_ = pprof.StartCPUProfile(f)
	}
	err = sched.RunDue(ctx, at)
	if o.EnqueueCPUProfile != "" {
		pprof.StopCPUProfile()
	}
	if err != nil {
		return err
	}
	var queued int
	_ = pool.QueryRow(ctx, `SELECT count(*) FROM outbox WHERE state = 'pending'`).Scan(&queued)
	r.Printf("BenchEnqueued", at, queued, how, time.Since(t0).Round(time.Millisecond))

	if o.Analyze {
		// What autovacuum does after a table grew by more than 10 %: the
		// claim query is planned with statistics of the 100,000 new rows.
		if _, err := pool.Exec(ctx, `ANALYZE outbox; ANALYZE chat_pace`); err != nil {
			return err
		}
	}
	limits := delivery.Limits{PerSecond: o.Rate, PerChatSecond: 1, PerChatBurst: 3, GroupPerMinute: 20, GroupBurst: 1}
	var ss []*delivery.Sender
	sctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for range o.Senders {
		s := delivery.NewSender(pool, b, limits, log)
		s.Workers, s.Cat = o.Workers, cat
		if !o.GoTelegram {
			s.API = &delivery.API{URL: srv.URL(), Token: srv.Token(), Client: apiClient(o.Workers + 8)}
		}
		ss = append(ss, s)
		wg.Add(1)
		go func() { defer wg.Done(); s.Run(sctx, 200*time.Millisecond) }()
	}
	if o.CPUProfile != "" {
		f, err := os.Create(o.CPUProfile)
		if err != nil {
			cancel()
			return err
		}
		_ = pprof.StartCPUProfile(f)
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}
	t0 = time.Now()
	lastReport := t0
	for {
		// EXISTS stops at the first open row (the partial index): a count
		// every 100 ms scanned the whole outbox and took a tenth of a core
		// at 100,000 rows from the run it measures.
		var open bool
		if err := pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM outbox WHERE state IN ('pending', 'claimed', 'sending'))`).Scan(&open); err != nil {
			cancel()
			return err
		}
		if !open || ctx.Err() != nil {
			break
		}
		if time.Since(lastReport) > 10*time.Second {
			ok, _ := srv.Sent()
			r.Printf("BenchProgress", ok, time.Since(t0).Seconds())
			lastReport = time.Now()
		}
		time.Sleep(100 * time.Millisecond)
	}
	cancel()
	wg.Wait()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if o.MemProfile != "" {
		if err := writeHeapProfile(o.MemProfile); err != nil {
			return err
		}
	}

	perChat := map[int64]int{}
	var first, last time.Time
	for _, e := range srv.Deliveries() {
		perChat[e.ChatID]++
		if first.IsZero() || e.Time.Before(first) {
			first = e.Time
		}
		if e.Time.After(last) {
			last = e.Time
		}
	}
	rows, err := pool.Query(ctx, `SELECT chat_id FROM officials o WHERE EXISTS (SELECT 1 FROM outbox x WHERE x.chat_id = o.chat_id)`)
	if err != nil {
		return err
	}
	var expected []int64
	for rows.Next() {
		var c int64
		_ = rows.Scan(&c)
		expected = append(expected, c)
	}
	rows.Close()
	dups, losses, total := 0, 0, 0
	for _, c := range expected {
		switch k := perChat[c]; {
		case k == 0:
			losses++
		case k > 1:
			dups += k - 1
		}
		total += perChat[c]
	}
	ok, rejected := srv.Sent()
	span := last.Sub(first).Seconds()
	achieved := float64(total-1) / span
	var states string
	_ = pool.QueryRow(ctx, `SELECT string_agg(state || '=' || n, ', ' ORDER BY state) FROM (SELECT state, count(*) n FROM outbox GROUP BY state) s`).Scan(&states)
	var wasted int64
	for _, s := range ss {
		wasted += s.WastedSlots()
	}
	r.Printf("BenchSent", ok, span)
	r.Printf("BenchAchieved", achieved, achieved/(o.Rate))
	r.Printf("BenchDups",
		dups, losses, len(expected), rejected, maxPerWindow(srv, time.Second))
	client := "delivery.API (JSON)"
	if o.GoTelegram {
		client = "go-telegram/bot"
	}
	r.Printf("BenchOutbox", states, wasted, o.Senders, o.Workers, client)
	if dups > 0 || losses > 0 {
		return r.Fail("BenchFanoutLost", map[string]any{"Lost": losses, "Dups": dups})
	}
	return nil
}

// writeHeapProfile writes the live heap, after a collection, to path.
func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	runtime.GC()
	if err := pprof.WriteHeapProfile(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func maxPerWindow(srv *botapitest.Server, w time.Duration) int {
	var ts []time.Time
	for _, e := range srv.Deliveries() {
		ts = append(ts, e.Time)
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i].Before(ts[j]) })
	best, j := 0, 0
	for i := range ts {
		for ts[i].Sub(ts[j]) >= w {
			j++
		}
		best = max(best, i-j+1)
	}
	return best
}
