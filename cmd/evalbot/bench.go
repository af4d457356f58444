package main

// evalbot bench: the delivery benchmarks of docs/decisions/0001-delivery-outbox.md.
//
//	evalbot bench fanout  --n 900 --rate 30       month-end prompts through the fake API with its limits on
//	evalbot bench updates --rate 1000 --duration 10s   button presses through the webhook
//	evalbot bench idle    --n 100000              RSS of an idle `serve` with that roster
//
// Each runs on DATABASE_URL when set (a new, empty database), otherwise on a
// throwaway PostgreSQL cluster removed at exit.

import (
	"bytes"
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
	"runtime/debug"
	"runtime/metrics"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/jackc/pgx/v5/pgxpool"

	"evalbot/internal/botapitest"
	"evalbot/internal/calendar"
	"evalbot/internal/citizen"
	"evalbot/internal/delivery"
	"evalbot/internal/httpserve"
	"evalbot/internal/inbound"
	"evalbot/internal/locale"
	"evalbot/internal/pgcluster"
	"evalbot/internal/schedule"
	"evalbot/internal/store"
	"evalbot/internal/telegram"
)

func benchCmd(ctx context.Context, args []string) error {
	c := newCommand("bench", args)
	c.extra = func() string {
		var b strings.Builder
		fmt.Fprintf(&b, "%s\n", c.say("CLICommands", nil))
		for _, name := range benchCommands {
			fmt.Fprintf(&b, "  %-14s %s\n", name, c.say("Cmd_"+strings.ReplaceAll(name, " ", "_")+"_Purpose", nil))
		}
		return b.String()
	}
	if err := c.parse(true); err != nil {
		return err
	}
	if c.fs.NArg() == 0 {
		return c.usageFault("BenchNeedKind", nil)
	}
	args = c.fs.Args()
	switch args[0] {
	case "fanout":
		// The fake Bot API runs in this process and keeps every card it is
		// sent (about 8 KB each: 800 MB at 100,000); a larger GC target
		// keeps the collector's marking of that heap from taking the CPU the
		// sender needs. bench updates runs with Go's default, as serve does:
		// there a larger target made p99 worse (at 800/s, three runs each:
		// 95–137 ms with 400, 38–106 ms with 100).
		if os.Getenv("GOGC") == "" {
			debug.SetGCPercent(400)
		}
		return benchFanout(ctx, args[1:])
	case "updates":
		return benchUpdates(ctx, args[1:])
	case "idle":
		return benchIdle(ctx, args[1:])
	}
	return c.usageFault("BenchUnknownKind", map[string]any{"Kind": args[0]})
}

// benchDB opens DATABASE_URL, or a throwaway cluster; stop releases it.
func benchDB(ctx context.Context, maxConns int32, planMode string) (pool *pgxpool.Pool, url string, stop func(), err error) {
	url = os.Getenv("DATABASE_URL")
	var cluster *pgcluster.Cluster
	if url == "" {
		if cluster, err = pgcluster.Start(ctx); err != nil {
			return nil, "", nil, err
		}
		url = cluster.URL("postgres")
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		cluster.Stop()
		return nil, "", nil, err
	}
	store.Tune(cfg)
	cfg.MaxConns = maxConns
	// A fresh database has no statistics: a statement prepared while a table
	// is empty keeps a sequential-scan plan as the table grows (quadratic at
	// 100,000 officials). Real databases have statistics from earlier months;
	// a benchmark on a fresh database re-plans (force_custom_plan), one that
	// seeds a month of history first runs as serve does (auto).
	cfg.ConnConfig.RuntimeParams["plan_cache_mode"] = planMode
	pool, err = pgxpool.NewWithConfig(ctx, cfg)
	if err == nil && cluster == nil {
		err = refuseDatabaseInUse(ctx, pool)
	}
	if err == nil {
		err = store.Migrate(ctx, pool)
	}
	if err != nil {
		cluster.Stop()
		return nil, "", nil, err
	}
	return pool, url, func() { pool.Close(); cluster.Stop() }, nil
}

// refuseDatabaseInUse stops a benchmark pointed (by DATABASE_URL) at a
// database that already has officials: it would add thousands of synthetic
// ones to a real roster.
func refuseDatabaseInUse(ctx context.Context, pool *pgxpool.Pool) error {
	var exists bool
	if err := pool.QueryRow(ctx, `SELECT to_regclass('officials') IS NOT NULL`).Scan(&exists); err != nil || !exists {
		return err
	}
	var used bool
	if err := pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM officials)`).Scan(&used); err != nil {
		return err
	}
	if used {
		return &cliError{msg: say(argLang(os.Args), "BenchDatabaseInUse", nil)}
	}
	return nil
}

// seedRoster makes n officials in units of 50 (the first of each unit its
// head) under one root unit whose head is the top; every official is bound to
// Telegram user/chat 1,000,000 + k and has started the bot on srv (if given).
func seedRoster(ctx context.Context, pool *pgxpool.Pool, srv *botapitest.Server, n int) error {
	units := (n + 49) / 50
	_, err := pool.Exec(ctx, `
		WITH root AS (INSERT INTO units (code, name) VALUES ('ROOT', 'UBND (bench)') RETURNING id),
		top AS (INSERT INTO officials (employee_code, full_name, unit_id, category, is_head, telegram_user_id, chat_id)
		        SELECT 'E0', 'Nguyễn Văn Chủ', id, 'can_bo', true, 1000000, 1000000 FROM root)
		INSERT INTO units (code, name, parent_id) SELECT 'U' || g, 'Phòng ' || g, root.id FROM root, generate_series(1, $1) g`, units)
	if err != nil {
		return err
	}
	_, err = pool.Exec(ctx, `
		INSERT INTO officials (employee_code, full_name, unit_id, category, is_head, telegram_user_id, chat_id)
		SELECT 'E' || g, 'Cán bộ Số ' || g, u.id, 'cong_chuc', (g - 1) % 50 = 0, 1000000 + g, 1000000 + g
		FROM generate_series(1, $1) g JOIN units u ON u.code = 'U' || ((g - 1) / 50 + 1)`, n)
	if err != nil || srv == nil {
		return err
	}
	for k := 0; k <= n; k++ {
		srv.NewUser(int64(1000000+k), "CB"+strconv.Itoa(k), "vi").Start("")
	}
	return nil
}

// seedLastMonth gives every official an approved, graded assessment of m
// and analyzes the tables: what a database has at the end of its second
// month, so that generic plans are made with real statistics.
func seedLastMonth(ctx context.Context, pool *pgxpool.Pool, m calendar.Month) error {
	_, err := pool.Exec(ctx, `
		INSERT INTO assessments (official_id, month, framework_id, framework_version, status, self_total, self_grade,
		                         graded, total, grade, submitted_at, approved_at)
		SELECT id, $1::date, 'hanoi-3814-2018', '1', 'approved', 9000, 'B', true, 9000, 'B', now(), now() FROM officials`,
		m.First().String())
	if err != nil {
		return err
	}
	_, err = pool.Exec(ctx, `ANALYZE units, officials, assessments`)
	return err
}

// monthEnd is the self-assessment moment of a month: its last working day, 09:05.
func monthEnd(cal *calendar.Calendar, m calendar.Month) time.Time {
	return cal.LastWorkingDay(m).Time(9, 5)
}

// onlySelfAssessment marks the other campaigns due at t as fired, so that
// RunDue at t sends the month-end prompt alone.
func onlySelfAssessment(ctx context.Context, pool *pgxpool.Pool, t time.Time) error {
	day := calendar.DateOf(t)
	m := day.YearMonth()
	_, err := pool.Exec(ctx, `INSERT INTO campaign_runs (campaign, period) VALUES
		('week_plan', $1), ('week_report', $1), ('month_plan', $2), ('self_remind', $3), ('publish', $3), ('review_chase', $4)
		ON CONFLICT DO NOTHING`, calendar.WeekOf(day).String(), m.String(), m.Prev().String(), day.String())
	return err
}

func apiClient(conns int) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = conns
	return &http.Client{Timeout: 30 * time.Second, Transport: tr}
}

func benchBot(srv *botapitest.Server, conns int) (*bot.Bot, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = conns
	return bot.New(srv.Token(), bot.WithServerURL(srv.URL()), bot.WithSkipGetMe(),
		bot.WithHTTPClient(time.Minute, &http.Client{Timeout: 30 * time.Second, Transport: tr}))
}

func benchFanout(ctx context.Context, args []string) error {
	c := newCommand("bench fanout", args)
	n := c.fs.Int("n", 900, c.flagText("n"))
	rate := c.fs.Float64("rate", 30, c.flagText("rate"))
	workers := c.fs.Int("workers", 16, c.flagText("workers"))
	senders := c.fs.Int("senders", 1, c.flagText("senders"))
	cpuprofile := c.fs.String("cpuprofile", "", c.flagText("cpuprofile"))
	enqProfile := c.fs.String("enqueue-cpuprofile", "", c.flagText("enqueue-cpuprofile"))
	memprofile := c.fs.String("memprofile", "", c.flagText("memprofile"))
	analyze := c.fs.Bool("analyze", true, c.flagText("analyze"))
	gotg := c.fs.Bool("go-telegram", false, c.flagText("go-telegram"))
	history := c.fs.Bool("history", true, c.flagText("history"))
	if err := c.parse(false); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))

	mode := "force_custom_plan"
	if *history {
		mode = "auto"
	}
	pool, _, stop, err := benchDB(ctx, 40, mode)
	if err != nil {
		return err
	}
	defer stop()
	// The fake keeps every message (as Telegram does) but only its last
	// events; sends are counted from its Deliveries.
	srv := botapitest.New(botapitest.WithLimits(*rate, 1, 20), botapitest.WithJournal(10000))
	defer srv.Close()
	c.printf("BenchFanoutHead", *n, *rate, *rate)
	t0 := time.Now()
	if err := seedRoster(ctx, pool, srv, *n); err != nil {
		return err
	}
	if *history {
		if err := seedLastMonth(ctx, pool, calendar.Month{Year: 2026, Month: 10}); err != nil {
			return err
		}
	}
	c.printf("BenchSeeded", time.Since(t0).Round(time.Millisecond), *history, mode)

	b, err := benchBot(srv, *workers*(*senders)+8)
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
	how := c.say("BenchHowCampaign", nil)
	if *enqProfile != "" {
		f, err := os.Create(*enqProfile)
		if err != nil {
			return err
		}
		_ = pprof.StartCPUProfile(f)
	}
	err = sched.RunDue(ctx, at)
	if *enqProfile != "" {
		pprof.StopCPUProfile()
	}
	if err != nil {
		return err
	}
	var queued int
	_ = pool.QueryRow(ctx, `SELECT count(*) FROM outbox WHERE state = 'pending'`).Scan(&queued)
	c.printf("BenchEnqueued", at.Format("2006-01-02 15:04"), queued, how, time.Since(t0).Round(time.Millisecond))

	if *analyze {
		// What autovacuum does after a table grew by more than 10 %: the
		// claim query is planned with statistics of the 100,000 new rows.
		if _, err := pool.Exec(ctx, `ANALYZE outbox; ANALYZE chat_pace`); err != nil {
			return err
		}
	}
	limits := delivery.Limits{PerSecond: *rate, PerChatSecond: 1, PerChatBurst: 3, GroupPerMinute: 20, GroupBurst: 1}
	var ss []*delivery.Sender
	sctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for range *senders {
		s := delivery.NewSender(pool, b, limits, log)
		s.Workers, s.Cat = *workers, cat
		if !*gotg {
			s.API = &delivery.API{URL: srv.URL(), Token: srv.Token(), Client: apiClient(*workers + 8)}
		}
		ss = append(ss, s)
		wg.Add(1)
		go func() { defer wg.Done(); s.Run(sctx, 200*time.Millisecond) }()
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
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
			c.printf("BenchProgress", ok, time.Since(t0).Seconds())
			lastReport = time.Now()
		}
		time.Sleep(100 * time.Millisecond)
	}
	cancel()
	wg.Wait()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if *memprofile != "" {
		if err := writeHeapProfile(*memprofile); err != nil {
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
	c.printf("BenchSent", ok, span)
	c.printf("BenchAchieved", achieved, achieved/(*rate))
	c.printf("BenchDups",
		dups, losses, len(expected), rejected, maxPerWindow(srv, time.Second))
	client := "delivery.API (JSON)"
	if *gotg {
		client = "go-telegram/bot"
	}
	c.printf("BenchOutbox", states, wasted, *senders, *workers, client)
	if dups > 0 || losses > 0 {
		return c.fail("BenchFanoutLost", map[string]any{"Lost": losses, "Dups": dups})
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

// benchUpdates presses self-assessment buttons through the webhook: each
// press is an update POSTed with the secret token, as Telegram posts it
// (botapitest.PostWebhook), handled in its own transaction while the call
// waits (the assessment updated, the card re-rendered and edited), and its
// callback query answered in the webhook's reply.
func benchUpdates(ctx context.Context, args []string) error {
	c := newCommand("bench updates", args)
	n := c.fs.Int("n", 2000, c.flagText("n"))
	rate := c.fs.Float64("rate", 1000, c.flagText("rate"))
	dur := c.fs.Duration("duration", 10*time.Second, c.flagText("duration"))
	warmup := c.fs.Duration("warmup", 3*time.Second, c.flagText("warmup"))
	queues := c.fs.Int("queues", inbound.DefaultQueues, c.flagText("queues"))
	pgb := c.fs.Bool("pgbench", true, c.flagText("pgbench"))
	cpuprofile := c.fs.String("cpuprofile", "", c.flagText("cpuprofile"))
	memprofile := c.fs.String("memprofile", "", c.flagText("memprofile"))
	trace := c.fs.String("trace", "", c.flagText("trace"))
	press := c.fs.String("press", "criterion", c.flagText("press"))
	conns := c.fs.Int("conns", 16, c.flagText("conns"))
	apiLatency := c.fs.Duration("api-latency", 0, c.flagText("api-latency"))
	gotg := c.fs.Bool("go-telegram", false, c.flagText("go-telegram"))
	planMode := c.fs.String("plan-cache-mode", "auto", c.flagText("plan-cache-mode"))
	if err := c.parse(false); err != nil {
		return err
	}
	if *planMode != "auto" && *planMode != "force_custom_plan" && *planMode != "force_generic_plan" {
		return c.usageFault("BenchBadPlanMode", map[string]any{"Value": *planMode})
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))

	pool, dbURL, stop, err := benchDB(ctx, int32(*conns), "force_custom_plan")
	if err != nil {
		return err
	}
	defer stop()
	// The fake remembers only its last calls: all 10,000 edited cards would
	// be 120 MB that the garbage collector marks in this process.
	srv := botapitest.New(botapitest.WithJournal(1000))
	defer srv.Close()
	if err := seedRoster(ctx, pool, srv, *n); err != nil {
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
	if !*gotg {
		app.API = &telegram.BotAPI{URL: srv.URL(), Token: srv.Token(), Client: apiClient(*queues + 16)}
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
	if *planMode != "force_custom_plan" {
		hpool, err := pressPool(ctx, dbURL, int32(*conns), *planMode)
		if err != nil {
			scancel()
			return err
		}
		defer hpool.Close()
		app.Pool, pool = hpool, hpool
	}
	for k := 1; k <= *n; k++ {
		u := srv.NewUser(int64(1000000+k), "", "vi")
		for _, m := range u.Messages() {
			if len(m.Keyboard) > 0 {
				cards = append(cards, card{u, m})
			}
		}
	}
	if len(cards) == 0 {
		scancel()
		return c.fail("BenchNoCards", nil)
	}

	srv.SetLatency(*apiLatency)

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
	disp := inbound.NewDispatcher(pool, timed, log, inbound.Options{Workers: *queues, Timeout: 10 * time.Second, Box: box})
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
	tr.MaxConnsPerHost, tr.MaxIdleConnsPerHost = webhookConnections, webhookConnections
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}

	// A forged call first: 401, nothing stored.
	if resp, err := client.Post(hookURL, "application/json", strings.NewReader(`{"update_id":1}`)); err == nil {
		c.printf("BenchForged", resp.StatusCode)
		resp.Body.Close()
	}

	via := "telegram.BotAPI (JSON)"
	if *gotg {
		via = "go-telegram/bot"
	}
	c.printf("BenchUpdatesHead", len(cards), *press, *rate, *dur, *queues, *conns, *planMode, via, *apiLatency)
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
	interval := time.Duration(float64(time.Second) / *rate)
	var tupBefore, xactBefore, scanBefore int64
	snapshot := func() {
		_ = pool.QueryRow(ctx, `SELECT tup_returned, xact_commit FROM pg_stat_database WHERE datname = current_database()`).Scan(&tupBefore, &xactBefore)
		_ = pool.QueryRow(ctx, `SELECT coalesce(sum(seq_tup_read), 0) FROM pg_stat_user_tables`).Scan(&scanBefore)
	}
	snapped := false // the measured part has begun
	var cpuFrom cpuSample
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
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
		if !snapped && time.Since(start) >= *warmup {
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
		if snapped && time.Since(start) >= *dur {
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
			if *press == "label" {
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
	if *memprofile != "" {
		if err := writeHeapProfile(*memprofile); err != nil {
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
	c.printf("BenchHandled",
		len(e2e), elapsed.Seconds(), float64(len(e2e))/elapsed.Seconds(), failed.Load(), unanswered, leftover)
	c.printf("BenchSkipped", offered, skipped)
	c.printf("BenchAnswers",
		srv.ReplyCalls()["answerCallbackQuery"], srv.Calls()["answerCallbackQuery"])
	for reason, k := range why {
		c.printf("BenchFailed", k, reason)
	}
	if *trace != "" {
		if err := writePressTrace(*trace, starts, ack, e2e); err != nil {
			return err
		}
	}
	c.printf("BenchWebhookReply", pct(ack, 50), pct(ack, 99))
	c.printf("BenchPressHandled",
		pct(e2e, 50), pct(e2e, 99), pct(e2e, 100))
	time.Sleep(600 * time.Millisecond) // statistics are reported every 500 ms
	var tupAfter, xactAfter, scanAfter int64
	_ = pool.QueryRow(ctx, `SELECT tup_returned, xact_commit FROM pg_stat_database WHERE datname = current_database()`).Scan(&tupAfter, &xactAfter)
	_ = pool.QueryRow(ctx, `SELECT coalesce(sum(seq_tup_read), 0) FROM pg_stat_user_tables`).Scan(&scanAfter)
	if k := int64(len(e2e)); k > 0 {
		c.printf("BenchDBPerPress",
			float64(xactAfter-xactBefore)/float64(k), (tupAfter-tupBefore)/k, (scanAfter-scanBefore)/k)
		rows, err := pool.Query(ctx, `SELECT relname, seq_scan, seq_tup_read FROM pg_stat_user_tables WHERE seq_tup_read > 0 ORDER BY seq_tup_read DESC LIMIT 5`)
		if err == nil {
			for rows.Next() {
				var name string
				var scans, read int64
				_ = rows.Scan(&name, &scans, &read)
				c.printf("BenchSeqScans", name, scans, read)
			}
			rows.Close()
		}
	}
	c.printf("BenchCPU",
		cpu.machinePerOp.Round(time.Microsecond), cpu.selfPerOp.Round(time.Microsecond), cpu.cores, runtime.NumCPU())
	if k := len(e2e); k > 0 {
		c.printf("BenchHeap",
			float64(heap.allocs-heapFrom.allocs)/float64(k)/1024, heap.cycles-heapFrom.cycles,
			float64(heap.cycles-heapFrom.cycles)/elapsed.Seconds())
	}
	c.printf("BenchHandlerAlone", pct(handling, 50), pct(handling, 99))
	if *pgb {
		if tps, err := runPgbench(ctx, dbURL); err != nil {
			c.printf("BenchPgbenchErr", err)
		} else {
			c.printf("BenchPgbench", tps)
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
func runPgbench(ctx context.Context, dbURL string) (string, error) {
	bin, err := exec.LookPath("pgbench")
	if err != nil {
		dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pgbench")
		if len(dirs) == 0 {
			return "", errors.New("pgbench not found")
		}
		sort.Strings(dirs)
		bin = dirs[len(dirs)-1]
	}
	admin, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		return "", err
	}
	_, _ = admin.Exec(ctx, `DROP DATABASE IF EXISTS evalbot_pgbench`)
	_, err = admin.Exec(ctx, `CREATE DATABASE evalbot_pgbench`)
	admin.Close()
	if err != nil {
		return "", err
	}
	u := regexp.MustCompile(`/[^/?]*(\?|$)`).ReplaceAllString(dbURL, "/evalbot_pgbench$1")
	if out, err := exec.CommandContext(ctx, bin, "-i", "-q", "-s", "10", u).CombinedOutput(); err != nil {
		return "", fmt.Errorf("pgbench -i: %v: %s", err, out)
	}
	out, err := exec.CommandContext(ctx, bin, "-c", "8", "-j", "2", "-T", "10", "-M", "prepared", u).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("pgbench: %v: %s", err, out)
	}
	m := regexp.MustCompile(`tps = ([0-9.]+)`).FindSubmatch(out)
	if m == nil {
		return "", fmt.Errorf("pgbench: no tps in %s", out)
	}
	return string(m[1]), nil
}

// benchIdle starts `evalbot serve` (this binary) on a seeded roster and the
// fake API, lets it settle, and reads its resident memory.
func benchIdle(ctx context.Context, args []string) error {
	c := newCommand("bench idle", args)
	n := c.fs.Int("n", 100000, c.flagText("n"))
	settle := c.fs.Duration("settle", 15*time.Second, c.flagText("settle"))
	if err := c.parse(false); err != nil {
		return err
	}
	pool, dbURL, stop, err := benchDB(ctx, 8, "force_custom_plan")
	if err != nil {
		return err
	}
	defer stop()
	srv := botapitest.New()
	defer srv.Close()
	if err := seedRoster(ctx, pool, nil, *n); err != nil {
		return err
	}
	// Idle: nothing is due (the month's campaigns have run).
	at := time.Date(2026, 11, 15, 10, 0, 0, 0, calendar.Location) // a Sunday
	if err := onlySelfAssessment(ctx, pool, at); err != nil {
		return err
	}
	if _, err := pool.Exec(ctx, `INSERT INTO campaign_runs (campaign, period) VALUES ('self_assess', '2026-11') ON CONFLICT DO NOTHING`); err != nil {
		return err
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, exe, "serve", "--clock-start", at.Format(time.RFC3339))
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL, "TELEGRAM_BOT_TOKEN="+srv.Token(), "TELEGRAM_API_URL="+srv.URL(), "EVALBOT_OPS_ADDR=127.0.0.1:0")
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		<-exited
	}()
	select {
	case err := <-exited:
		exited <- err
		return c.fail("BenchServeExited", map[string]any{"Err": err.Error(), "Log": logs.String()})
	case <-time.After(*settle):
	}
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", cmd.Process.Pid))
	if err != nil {
		return err
	}
	var rss, hwm string
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			rss = strings.TrimSpace(v)
		}
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			hwm = strings.TrimSpace(v)
		}
	}
	var officials int
	_ = pool.QueryRow(ctx, `SELECT count(*) FROM officials`).Scan(&officials)
	c.printf("BenchIdle", officials, *settle, rss, hwm)
	return nil
}
