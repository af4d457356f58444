package bench

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-telegram/bot/models"
	"github.com/jackc/pgx/v5/pgxpool"

	"evalbot/internal/botapitest"
	"evalbot/internal/calendar"
	"evalbot/internal/citizen"
	"evalbot/internal/delivery"
	"evalbot/internal/httpserve"
	"evalbot/internal/inbound"
	"evalbot/internal/locale"
	"evalbot/internal/schedule"
	"evalbot/internal/store"
	"evalbot/internal/telegram"
)

// Updates is `evalbot bench updates`: it presses self-assessment buttons
// through the webhook at o.Rate a second. Each press is an update POSTed with the secret token, as Telegram posts it
// (botapitest.PostWebhook), handled in its own transaction while the call
// waits (the assessment updated, the card re-rendered and edited), and its
// callback query answered in the webhook's reply.
func Updates(ctx context.Context, r Report, o UpdatesOptions) error {
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))

	pool, dbURL, stop, err := benchDB(ctx, r, int32(o.Conns), "force_custom_plan")
	if err != nil {
		return err
	}
	defer stop()
	// The fake remembers only its last calls: all 10,000 edited cards would
	// be 120 MB that the garbage collector marks in this process.
	srv := botapitest.New(botapitest.WithJournal(1000))
	defer srv.Close()
	if err := seedRoster(ctx, pool, srv, o.N); err != nil {
		return err
	}
	b, err := benchBot(srv, 64)
	if err != nil {
		return err
	}
	cat, err := locale.Load()
	if err != nil {
		return err
	}
	cal := calendar.Default()
	at := monthEnd(cal, calendar.Month{Year: 2026, Month: 11})
	app := &telegram.App{Pool: pool, Bot: b, Cat: cat, Cal: cal, Now: func() time.Time { return at }, Log: log,
		BeforeRoute: inbound.Reachability(cat)}
	if !o.GoTelegram {
		app.API = &telegram.BotAPI{URL: srv.URL(), Token: srv.Token(), Client: apiClient(o.Queues + 16)}
	}
	if err := onlySelfAssessment(ctx, pool, at); err != nil {
		return err
	}
	sched := &schedule.Scheduler{Pool: pool, Cal: cal, Prompter: app, Times: schedule.DefaultTimes, Log: log}
	if err := sched.RunDue(ctx, at); err != nil {
		return err
	}
	sender := delivery.NewSender(pool, b, delivery.Limits{PerSecond: 100000, PerChatSecond: 1000, PerChatBurst: 100, GroupPerMinute: 6000, GroupBurst: 100}, log)
	sender.Workers = 16
	sctx, scancel := context.WithCancel(ctx)
	sdone := make(chan struct{})
	go func() { defer close(sdone); sender.Run(sctx, 50*time.Millisecond) }()
	for {
		var open int
		_ = pool.QueryRow(ctx, `SELECT count(*) FROM outbox WHERE state IN ('pending', 'claimed', 'sending')`).Scan(&open)
		if open == 0 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	// The cards and their criterion buttons.
	type card struct {
		user *botapitest.User
		msg  botapitest.Message
	}
	var cards []card
	if o.PlanCacheMode != "force_custom_plan" {
		hpool, err := pressPool(ctx, dbURL, int32(o.Conns), o.PlanCacheMode)
		if err != nil {
			scancel()
			return err
		}
		defer hpool.Close()
		app.Pool, pool = hpool, hpool
	}
	for k := 1; k <= o.N; k++ {
		u := srv.NewUser(int64(1000000+k), "", "vi")
		for _, m := range u.Messages() {
			if len(m.Keyboard) > 0 {
				cards = append(cards, card{u, m})
			}
		}
	}
	if len(cards) == 0 {
		scancel()
		return r.Fail("BenchNoCards", nil)
	}

	srv.SetLatency(o.APILatency)

	// The webhook, as `serve --webhook` mounts it.
	var handled sync.Map // update id → chan struct{}
	app.Done = func(id int64) {
		if ch, ok := handled.Load(id); ok {
			close(ch.(chan struct{}))
		}
	}
	var hmu sync.Mutex
	var handling []time.Duration
	var measureNanos atomic.Int64 // when the measured part starts (Unix ns); read by the handlers
	measured := func(t time.Time) bool { return t.UnixNano() >= measureNanos.Load() }
	timed := func(ctx context.Context, u *models.Update, settle func([]byte) bool) {
		t0 := time.Now()
		app.HandleUpdate(ctx, u, settle)
		if !measured(t0) {
			return
		}
		hmu.Lock()
		handling = append(handling, time.Since(t0))
		hmu.Unlock()
	}
	box, err := inbound.NewBox(citizen.Secret())
	if err != nil {
		scancel()
		return err
	}
	disp := inbound.NewDispatcher(pool, timed, log, inbound.Options{Workers: o.Queues, Timeout: 10 * time.Second, Box: box})
	secret := inbound.DeriveSecret(srv.Token())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		scancel()
		return err
	}
	hs := httpserve.New(&inbound.Webhook{D: disp, Secret: secret, Log: log}, httpserve.Default)
	go func() { _ = hs.Serve(ln) }()
	hookURL := "http://" + ln.Addr().String() + "/telegram"
	// The pressing client is Telegram: at most max_connections requests at
	// once, as serve's setWebhook asks.
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxConnsPerHost, tr.MaxIdleConnsPerHost = o.WebhookConnections, o.WebhookConnections
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}

	// A forged call first: 401, nothing stored.
	if resp, err := client.Post(hookURL, "application/json", strings.NewReader(`{"update_id":1}`)); err == nil {
		r.Printf("BenchForged", resp.StatusCode)
		resp.Body.Close()
	}

	via := "telegram.BotAPI (JSON)"
	if o.GoTelegram {
		via = "go-telegram/bot"
	}
	r.Printf("BenchUpdatesHead", len(cards), o.Press, o.Rate, o.Duration, o.Queues, o.Conns, o.PlanCacheMode, via, o.APILatency)
	var mu sync.Mutex
	var ack, e2e []time.Duration
	var starts []time.Time
	var failed atomic.Int64
	var whyMu sync.Mutex
	why := map[string]int{} // failures by reason
	fail := func(reason string) {
		failed.Add(1)
		whyMu.Lock()
		why[reason]++
		whyMu.Unlock()
	}
	var wg sync.WaitGroup
	interval := time.Duration(float64(time.Second) / o.Rate)
	var tupBefore, xactBefore, scanBefore int64
	snapshot := func() {
		_ = pool.QueryRow(ctx, `SELECT tup_returned, xact_commit FROM pg_stat_database WHERE datname = current_database()`).Scan(&tupBefore, &xactBefore)
		_ = pool.QueryRow(ctx, `SELECT coalesce(sum(seq_tup_read), 0) FROM pg_stat_user_tables`).Scan(&scanBefore)
	}
	snapped := false // the measured part has begun
	var cpuFrom cpuSample
	if o.CPUProfile != "" {
		f, err := os.Create(o.CPUProfile)
		if err != nil {
			scancel()
			return err
		}
		_ = pprof.StartCPUProfile(f)
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}
	// The warm-up presses, then a pause until all of them are handled, then
	// the measured ones: a backlog left by the warm-up (connections opening,
	// statements being prepared) is not counted against the steady state.
	measureNanos.Store(math.MaxInt64)
	busy := make([]atomic.Bool, len(cards))
	start := time.Now()
	measureFrom := start
	var heapFrom heapSample
	var offered, skipped int // in the measured part
	for i := 0; ; i++ {
		if !snapped && time.Since(start) >= o.Warmup {
			wg.Wait()
			start = time.Now()
			i = 0
			measureFrom = start
			measureNanos.Store(measureFrom.UnixNano())
			snapshot() // the database's counters from the measured part on
			cpuFrom = sampleCPU()
			heapFrom = sampleHeap()
			snapped = true
		}
		if snapped && time.Since(start) >= o.Duration {
			break
		}
		next := start.Add(time.Duration(i) * interval)
		if d := time.Until(next); d > 0 {
			time.Sleep(d)
		}
		k := rand.IntN(len(cards))
		if snapped {
			offered++
		}
		if !busy[k].CompareAndSwap(false, true) {
			if snapped {
				skipped++
			}
			continue // one press at a time per person, as on a phone
		}
		wg.Add(1)
		go func(k int) {
			defer wg.Done()
			defer busy[k].Store(false)
			c := cards[k]
			m, ok := srv.Message(c.msg.ChatID, c.msg.ID)
			if !ok || len(m.Keyboard) == 0 {
				fail("the card is gone or has no buttons")
				return
			}
			row := m.Keyboard[rand.IntN(min(4, len(m.Keyboard)))]
			if len(row) < 2 {
				fail("a keyboard row without score buttons")
				return
			}
			btn := row[1+rand.IntN(len(row)-1)]
			if o.Press == "label" {
				btn = row[0]
			}
			id := c.user.PressData(m, btn.Data)
			done := make(chan struct{})
			handled.Store(id, done)
			t0 := time.Now()
			// Telegram's side: the post, and the call its reply carries.
			status, err := srv.PostWebhook(context.Background(), client, hookURL, secret, id)
			if err != nil {
				fail("webhook: " + err.Error())
				return
			}
			if status != http.StatusOK {
				fail("webhook: " + http.StatusText(status))
				return
			}
			t1 := time.Now()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				fail("not handled within 10 s")
				return
			}
			t2 := time.Now()
			if !measured(t0) {
				return
			}
			mu.Lock()
			ack = append(ack, t1.Sub(t0))
			e2e = append(e2e, t2.Sub(t0))
			starts = append(starts, t0)
			mu.Unlock()
		}(k)
	}
	wg.Wait()
	elapsed := time.Since(measureFrom)
	cpu := cpuBetween(cpuFrom, sampleCPU(), len(e2e))
	heap := sampleHeap()
	if o.MemProfile != "" {
		if err := writeHeapProfile(o.MemProfile); err != nil {
			scancel()
			return err
		}
	}
	_ = hs.Close()
	disp.Stop(5 * time.Second)
	scancel()
	<-sdone

	var unanswered, leftover int
	unanswered = srv.UnansweredCount()
	_ = pool.QueryRow(ctx, `SELECT count(*) FROM inbound_updates`).Scan(&leftover)
	r.Printf("BenchHandled",
		len(e2e), elapsed.Seconds(), float64(len(e2e))/elapsed.Seconds(), failed.Load(), unanswered, leftover)
	r.Printf("BenchSkipped", offered, skipped)
	r.Printf("BenchAnswers",
		srv.ReplyCalls()["answerCallbackQuery"], srv.Calls()["answerCallbackQuery"])
	for reason, k := range why {
		r.Printf("BenchFailed", k, reason)
	}
	if o.Trace != "" {
		if err := writePressTrace(o.Trace, starts, ack, e2e); err != nil {
			return err
		}
	}
	r.Printf("BenchWebhookReply", pct(ack, 50), pct(ack, 99))
	r.Printf("BenchPressHandled",
		pct(e2e, 50), pct(e2e, 99), pct(e2e, 100))
	time.Sleep(600 * time.Millisecond) // statistics are reported every 500 ms
	var tupAfter, xactAfter, scanAfter int64
	_ = pool.QueryRow(ctx, `SELECT tup_returned, xact_commit FROM pg_stat_database WHERE datname = current_database()`).Scan(&tupAfter, &xactAfter)
	_ = pool.QueryRow(ctx, `SELECT coalesce(sum(seq_tup_read), 0) FROM pg_stat_user_tables`).Scan(&scanAfter)
	if k := int64(len(e2e)); k > 0 {
		r.Printf("BenchDBPerPress",
			float64(xactAfter-xactBefore)/float64(k), (tupAfter-tupBefore)/k, (scanAfter-scanBefore)/k)
		rows, err := pool.Query(ctx, `SELECT relname, seq_scan, seq_tup_read FROM pg_stat_user_tables WHERE seq_tup_read > 0 ORDER BY seq_tup_read DESC LIMIT 5`)
		if err == nil {
			for rows.Next() {
				var name string
				var scans, read int64
				_ = rows.Scan(&name, &scans, &read)
				r.Printf("BenchSeqScans", name, scans, read)
			}
			rows.Close()
		}
	}
	r.Printf("BenchCPU",
		cpu.machinePerOp.Round(time.Microsecond), cpu.selfPerOp.Round(time.Microsecond), cpu.cores, runtime.NumCPU())
	if k := len(e2e); k > 0 {
		r.Printf("BenchHeap",
			float64(heap.allocs-heapFrom.allocs)/float64(k)/1024, heap.cycles-heapFrom.cycles,
			float64(heap.cycles-heapFrom.cycles)/elapsed.Seconds())
	}
	r.Printf("BenchHandlerAlone", pct(handling, 50), pct(handling, 99))
	if o.Pgbench {
		if tps, err := runPgbench(ctx, dbURL); err != nil {
			r.Printf("BenchPgbenchErr", err)
		} else {
			r.Printf("BenchPgbench", tps)
		}
	}
	return nil
}

// writePressTrace writes one CSV line per measured press, in milliseconds:
// its start (Unix time, to line up with PostgreSQL's log and gctrace), the
// webhook's reply and the whole press.
func writePressTrace(path string, starts []time.Time, ack, e2e []time.Duration) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	_ = w.Write([]string{"start_unix_ms", "reply_ms", "handled_ms"})
	ms := func(d time.Duration) string { return strconv.FormatFloat(float64(d)/1e6, 'f', 2, 64) }
	for i := range starts {
		_ = w.Write([]string{strconv.FormatInt(starts[i].UnixMilli(), 10), ms(ack[i]), ms(e2e[i])})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// heapSample is the Go heap's cumulative counters (runtime/metrics).
type heapSample struct{ allocs, cycles uint64 }

// sampleHeap reads the bytes allocated and the collections finished so far.
func sampleHeap() heapSample {
	ms := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}, {Name: "/gc/cycles/total:gc-cycles"}}
	metrics.Read(ms)
	return heapSample{allocs: ms[0].Value.Uint64(), cycles: ms[1].Value.Uint64()}
}

// pressPool opens the connections that handle the presses with the given
// plan_cache_mode, after vacuuming and analyzing the seeded tables and the
// catalogs the migrations changed (statistics and visibility maps, as a
// database in use has). Without it, autovacuum's first visit to the new
// database fell inside the measured seconds: at 1,000/s, analyzing a dozen
// tables at once invalidated every connection's plans, and presses queued
// for 0.3–1 s (one run's p99 went from about 60 to 134 ms). Tables still
// empty are left unanalyzed: statistics of an empty table would keep
// sequential scans in the generic plans as it grows (processed_updates,
// which a database in use has many rows of).
func pressPool(ctx context.Context, url string, conns int32, mode string) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, err
	}
	store.Tune(cfg)
	cfg.MaxConns = conns
	cfg.ConnConfig.RuntimeParams["plan_cache_mode"] = mode
	p, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if _, err := p.Exec(ctx, `VACUUM (ANALYZE) units, officials, assessments, outbox, `+
		`pg_catalog.pg_class, pg_catalog.pg_attribute, pg_catalog.pg_attrdef, pg_catalog.pg_constraint, `+
		`pg_catalog.pg_index, pg_catalog.pg_trigger, pg_catalog.pg_depend, pg_catalog.pg_type`); err != nil {
		p.Close()
		return nil, err
	}
	return p, nil
}

func pct(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := min(len(s)-1, len(s)*p/100)
	return s[i].Round(10 * time.Microsecond)
}

// runPgbench runs pgbench (from the PostgreSQL binaries) on a new database of
// the same server.
func runPgbench(ctx context.Context, dbURL string) (float64, error) {
	bin, err := exec.LookPath("pgbench")
	if err != nil {
		dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pgbench")
		if len(dirs) == 0 {
			return 0, errors.New("pgbench not found")
		}
		sort.Strings(dirs)
		bin = dirs[len(dirs)-1]
	}
	admin, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		return 0, err
	}
	_, _ = admin.Exec(ctx, `DROP DATABASE IF EXISTS evalbot_pgbench`)
	_, err = admin.Exec(ctx, `CREATE DATABASE evalbot_pgbench`)
	admin.Close()
	if err != nil {
		return 0, err
	}
	u := regexp.MustCompile(`/[^/?]*(\?|$)`).ReplaceAllString(dbURL, "/evalbot_pgbench$1")
	if out, err := exec.CommandContext(ctx, bin, "-i", "-q", "-s", "10", u).CombinedOutput(); err != nil {
		return 0, fmt.Errorf("pgbench -i: %v: %s", err, out)
	}
	out, err := exec.CommandContext(ctx, bin, "-c", "8", "-j", "2", "-T", "10", "-M", "prepared", u).CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("pgbench: %v: %s", err, out)
	}
	m := regexp.MustCompile(`tps = ([0-9.]+)`).FindSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("pgbench: no tps in %s", out)
	}
	return strconv.ParseFloat(string(m[1]), 64)
}
