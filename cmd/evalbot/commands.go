package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/go-telegram/bot"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/robfig/cron/v3"

	"evalbot/internal/calendar"
	"evalbot/internal/citizen"
	"evalbot/internal/delivery"
	"evalbot/internal/demo"
	"evalbot/internal/httpserve"
	"evalbot/internal/inbound"
	"evalbot/internal/locale"
	"evalbot/internal/ops"
	"evalbot/internal/pgcluster"
	"evalbot/internal/roster"
	"evalbot/internal/schedule"
	"evalbot/internal/signin"
	"evalbot/internal/store"
	"evalbot/internal/telegram"
)

func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// openDB connects to DATABASE_URL and applies the migrations.
func openDB(ctx context.Context) (*pgxpool.Pool, error) {
	url := os.Getenv("DATABASE_URL")
	if url == "" {
		return nil, errNoDatabaseURL
	}
	pool, err := store.Open(ctx, url)
	if err != nil {
		return nil, err
	}
	if err := store.Migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, err
	}
	return pool, nil
}

func migrateCmd(ctx context.Context, args []string) error {
	c := newCommand("migrate", args)
	if err := c.parse(false); err != nil {
		return err
	}
	pool, err := openDB(ctx)
	if err != nil {
		return err
	}
	pool.Close()
	fmt.Println(c.say("MigrateDone", nil))
	return nil
}

// webhookConnections is setWebhook's max_connections: Telegram posts at most
// this many updates to the bot at once (1–100; Telegram's default is 40).
// Each post waits one network round trip (about 40 ms from Vietnam) plus
// the update's handling, so 40 connections would carry at most about 900
// updates a second; 100 carry over 2,000.
const webhookConnections = 100

// checkCitizenKey refuses to serve real people with a key anyone can
// recompute citizens' hashes with: against Telegram's own Bot API, or with a
// webhook (production either way), EVALBOT_CITIZEN_KEY must be a real key
// (citizen.CheckProductionKey). A self-hosted or fake Bot API server without
// a webhook (development, tests) may use the development key, with a WARN.
func (c *clerk) checkCitizenKey(apiURL, webhook string) error {
	if !isTelegramAPI(apiURL) && webhook == "" {
		return nil
	}
	err := citizen.CheckProductionKey()
	data := map[string]any{"Name": citizen.KeyEnv, "Max": citizen.ProductionMinKeyLen}
	switch {
	case err == nil:
		return nil
	case errors.Is(err, citizen.ErrKeyUnset):
		return c.refuse("ServeKeyUnset", data)
	case errors.Is(err, citizen.ErrKeyDevelopment):
		return c.refuse("ServeKeyDevelopment", data)
	}
	return c.refuse("ServeKeyWeak", data)
}

// isTelegramAPI: u is Telegram's own Bot API (api.telegram.org), not a
// self-hosted server or a fake.
func isTelegramAPI(u string) bool {
	p, err := url.Parse(strings.TrimSpace(u))
	if err != nil || p.Host == "" {
		return true // unreadable: assume production
	}
	return strings.EqualFold(strings.TrimSuffix(p.Hostname(), "."), "api.telegram.org")
}

// serve runs the bot until SIGTERM/SIGINT (ctx), then stops within --grace:
// no new updates are taken, the updates and campaign jobs in flight finish,
// the sender finishes its requests and records them, and what is left stays
// in PostgreSQL for the next start or another replica.
func serve(ctx context.Context, log *slog.Logger, args []string) error {
	cmd := newCommand("serve", args)
	holidays := cmd.String("holidays", os.Getenv("EVALBOT_HOLIDAYS"))
	webhook := cmd.String("webhook", os.Getenv("TELEGRAM_WEBHOOK_URL"))
	listen := cmd.String("listen", env("EVALBOT_LISTEN", ":8080"))
	rateFlag := cmd.fs.Float64("rate", envFloat("EVALBOT_RATE", delivery.DefaultLimits.PerSecond), cmd.flagText("rate"))
	grace := cmd.fs.Duration("grace", envDuration("EVALBOT_GRACE", 20*time.Second), cmd.flagText("grace"))
	updateTimeout := cmd.fs.Duration("update-timeout", 30*time.Second, cmd.flagText("update-timeout"))
	queues := cmd.Int("queues", inbound.DefaultQueues, 1, 1024)
	senders := cmd.Int("send-workers", 16, 1, 256)
	campaigns := cmd.Bool("campaigns", true)
	clockStart := cmd.String("clock-start", os.Getenv("EVALBOT_CLOCK_START"))
	if err := cmd.parse(false); err != nil {
		return err
	}
	op := newClerk(cmd)
	token := os.Getenv("TELEGRAM_BOT_TOKEN")
	if token == "" {
		return cmd.fail("ServeNoToken", nil)
	}
	if err := signin.CheckPublicURL(); err != nil {
		return err // told by explain
	}
	apiURL := env("TELEGRAM_API_URL", "https://api.telegram.org")
	if err := op.checkCitizenKey(apiURL, *webhook); err != nil {
		return err
	}
	cal := calendar.Default()
	if *holidays != "" {
		var err error
		if cal, err = calendar.Load(*holidays); err != nil {
			if errors.As(err, new(*fs.PathError)) {
				return err // told by explain: which file, and why
			}
			return cmd.fail("ServeBadHolidays", map[string]any{"File": *holidays, "Err": errText(cmd.lang, err)})
		}
	}
	now := time.Now
	if *clockStart != "" {
		start, err := time.Parse(time.RFC3339, *clockStart)
		if err != nil {
			return cmd.fail("CLIErrBadValue", map[string]any{"Flag": "--clock-start", "Value": *clockStart})
		}
		t0 := time.Now()
		now = func() time.Time { return start.Add(time.Since(t0)) }
	}
	specs, err := schedule.ParseSpecs(os.Getenv("EVALBOT_CRON"))
	if err != nil {
		return cmd.fail("ServeBadCron", map[string]any{"Err": errText(cmd.lang, err)})
	}
	times, err := schedule.WithYearDay(schedule.DefaultTimes, os.Getenv("EVALBOT_YEAR_DAY"))
	if err != nil {
		return cmd.fail("ServeBadYearDay", map[string]any{"Err": errText(cmd.lang, err)})
	}
	pool, err := openDB(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	if dev, err := citizen.LoadKey(); err != nil {
		return err
	} else if dev {
		log.Warn("EVALBOT_CITIZEN_KEY is not set: citizens' ids are hashed with the development key")
	}
	box, err := inbound.NewBox(citizen.Secret())
	if err != nil {
		return err
	}
	cat, err := locale.Load()
	if err != nil {
		return err
	}
	// Everything below runs on hard, which outlives ctx by the grace period.
	hard, stopHard := context.WithCancel(context.WithoutCancel(ctx))
	defer stopHard()

	transport := http.DefaultTransport.(*http.Transport).Clone()
	// One idle connection per sender and per queue: beyond the idle pool, a
	// busy bot opens (and closes) a TLS connection per request.
	transport.MaxIdleConnsPerHost = *senders + *queues
	b, err := bot.New(token,
		bot.WithServerURL(apiURL),
		bot.WithSkipGetMe(),
		bot.WithHTTPClient(time.Minute, &http.Client{Timeout: 30 * time.Second, Transport: transport}),
		bot.WithErrorsHandler(func(err error) { log.Warn("telegram", "err", err.Error()) }))
	if err != nil {
		return fmt.Errorf("telegram: %w", err)
	}
	app := &telegram.App{Pool: pool, Cat: cat, Cal: cal, Now: now, Log: log, Bot: b, BotUsername: os.Getenv("TELEGRAM_BOT_USERNAME"),
		MiniAppName: os.Getenv("EVALBOT_MINIAPP_NAME")}
	if pub := signin.PublicURL(); strings.HasPrefix(strings.ToLower(pub), "https://") {
		app.BoardURL = pub + "/tg" // Telegram opens only https Mini Apps
	}
	// A person back after blocking the bot gets the prompts the campaigns
	// skipped meanwhile (every replica, campaigns or not).
	catchUp := &schedule.Scheduler{Pool: pool, Cal: cal, Prompter: app, Times: times, Log: log}
	app.BeforeRoute = inbound.ReachabilityWith(cat, catchUp.Back(now))
	// Edits and answers after a button press: the lean JSON client.
	app.API = &telegram.BotAPI{URL: apiURL, Token: token, Client: &http.Client{Timeout: 30 * time.Second, Transport: transport}}
	limits := delivery.DefaultLimits
	limits.PerSecond = *rateFlag
	app.Limits = limits // edits and direct replies share the chats' pace
	sender := delivery.NewSender(pool, b, limits, log)
	sender.Workers, sender.Cat = *senders, cat
	sender.API = &delivery.API{URL: apiURL, Token: token, Client: &http.Client{Timeout: 30 * time.Second, Transport: transport}}
	app.Kick = sender.Kick

	// /healthz, /readyz, /metrics (internal/ops) on their own port.
	reg := ops.NewRegistry()
	metrics, err := ops.NewMetrics(reg, pool)
	if err != nil {
		return err
	}
	sender.Metrics = metrics
	opsCtx, stopOps := context.WithCancel(hard)
	defer stopOps()
	if _, _, err := ops.Start(opsCtx, env("EVALBOT_OPS_ADDR", ":9090"), ops.Handler(pool, reg), log); err != nil {
		return err
	}

	if err := startWeb(opsCtx, pool, cat, cal, now, log, token, app); err != nil {
		return err
	}

	disp := inbound.NewDispatcher(pool, metrics.Timed(app.HandleUpdate), log, inbound.Options{Workers: *queues, Timeout: *updateTimeout, Box: box})
	if _, err := disp.Recover(ctx, 0); err != nil {
		return err
	}
	go disp.Sweep(ctx, 30*time.Second, *updateTimeout+30*time.Second)
	// Card edits a previous process left unconfirmed (a kill while one
	// waited for a retry_after), then every minute those of a dead replica.
	go app.SweepEdits(ctx, time.Minute, 2*time.Minute)
	// The reviewers' menu button opens the review board (a few a second), at
	// start and then every ten minutes (a delegation starts or ends, a head
	// changes); only the chats that differ are called.
	const menuEvery = 10 * time.Minute
	go func() {
		for {
			if n, err := app.SetBoardMenus(ctx, 5); err != nil && ctx.Err() == nil {
				log.Warn("menu buttons", "err", err)
			} else if n > 0 {
				log.Info("menu buttons set", "chats", n)
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(menuEvery):
			}
		}
	}()

	senderCtx, stopSender := context.WithCancel(hard)
	senderDone := make(chan struct{})
	go func() { defer close(senderDone); sender.Run(senderCtx, time.Second) }()

	var c *cron.Cron
	if *campaigns {
		sched := &schedule.Scheduler{Pool: pool, Cal: cal, Prompter: app, Times: times, Log: log, Sent: sender.Kick}
		if c, err = sched.Start(hard, specs, now); err != nil {
			stopSender()
			<-senderDone
			return err
		}
	}

	var srv *http.Server
	intakeDone := make(chan struct{})
	if *webhook != "" {
		u, err := url.Parse(*webhook)
		if err != nil || u.Scheme == "" || u.Host == "" {
			stopSender()
			<-senderDone
			return cmd.fail("ServeBadWebhook", map[string]any{"URL": *webhook})
		}
		secret := env("TELEGRAM_WEBHOOK_SECRET", inbound.DeriveSecret(token))
		mux := http.NewServeMux()
		path := u.Path
		if path == "" {
			path = "/"
		}
		mux.Handle("POST "+path, &inbound.Webhook{D: disp, Secret: secret, Log: log})
		mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok\n") })
		srv = httpserve.New(mux, httpserve.Default)
		ln, err := net.Listen("tcp", *listen)
		if err != nil {
			stopSender()
			<-senderDone
			return err
		}
		go func() {
			defer close(intakeDone)
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				log.Error("webhook server", "err", err)
			}
		}()
		if _, err := b.SetWebhook(ctx, &bot.SetWebhookParams{URL: *webhook, SecretToken: secret, MaxConnections: webhookConnections,
			AllowedUpdates: []string{"message", "callback_query", "my_chat_member"}}); err != nil {
			log.Error("setWebhook failed; Telegram will not post updates until it succeeds", "err", err)
		}
		log.Info("evalbot serving (webhook)", "listen", ln.Addr().String(), "path", path, "rate", limits.PerSecond)
	} else {
		if _, err := b.DeleteWebhook(ctx, &bot.DeleteWebhookParams{}); err != nil {
			log.Warn("deleteWebhook", "err", err)
		}
		poller := &inbound.Poller{Pool: pool, D: disp, APIURL: apiURL, Token: token, Timeout: 30 * time.Second, Log: log,
			Allowed: []string{"message", "callback_query", "my_chat_member"}}
		go func() { defer close(intakeDone); poller.Run(ctx) }()
		log.Info("evalbot serving (long polling)", "rate", limits.PerSecond)
	}

	<-ctx.Done()
	deadline := time.Now().Add(*grace)
	log.Info("shutting down", "grace", grace.String())
	timer := time.AfterFunc(*grace, stopHard)
	defer timer.Stop()
	if srv != nil {
		sctx, cancel := context.WithDeadline(context.Background(), deadline)
		_ = srv.Shutdown(sctx)
		cancel()
	}
	select {
	case <-intakeDone:
	case <-hard.Done():
	}
	if c != nil {
		select {
		case <-c.Stop().Done():
		case <-hard.Done():
		}
	}
	if !disp.Stop(time.Until(deadline)) {
		log.Warn("updates still running at the end of the grace period; they stay stored for the next start")
	}
	stopSender()
	select {
	case <-senderDone:
	case <-hard.Done():
		log.Warn("sender still busy at the end of the grace period")
	}
	log.Info("stopped", "outbox", sender.Stats().String())
	return nil
}

func envFloat(name string, def float64) float64 {
	if v, err := strconv.ParseFloat(os.Getenv(name), 64); err == nil && v > 0 {
		return v
	}
	return def
}

func envDuration(name string, def time.Duration) time.Duration {
	if v, err := time.ParseDuration(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

func invitesCmd(ctx context.Context, args []string) error {
	c := newCommand("invites", args)
	botName := c.String("bot", os.Getenv("TELEGRAM_BOT_USERNAME"))
	ttl := c.fs.Duration("ttl", 7*24*time.Hour, c.flagText("ttl"))
	if err := c.parse(false); err != nil {
		return err
	}
	if *botName == "" {
		return c.usageFault("CLIErrNeedBot", nil)
	}
	if *ttl < roster.MinInviteTTL || *ttl > roster.MaxInviteTTL {
		return c.usageFault("InvitesBadTTL", nil)
	}
	pool, err := openDB(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	invs, err := roster.CreateInvites(ctx, pool, nil, *ttl, time.Now())
	if err != nil {
		return err
	}
	for _, inv := range invs {
		fmt.Printf("%s\t%s\t%s\n", inv.EmployeeCode, inv.FullName, roster.DeepLink(*botName, inv.Token))
	}
	return nil
}

// demoCmd runs the demo month on DATABASE_URL when set (a new schema-clean
// database is expected), otherwise on a throwaway cluster removed at exit.
// demoCmd runs the demo month: the condensed story (--verbose: every line) in
// --lang (default vi, or EVALBOT_LANG).
func demoCmd(ctx context.Context, args []string) error {
	c := newCommand("demo", args)
	verbose := c.fs.Lookup("verbose").Value.(flag.Getter) // every command's --verbose: here, every event too
	withWeb := c.Bool("web", false)
	if err := c.parse(false); err != nil {
		return err
	}
	url := os.Getenv("DATABASE_URL")
	var cluster *pgcluster.Cluster
	if url == "" {
		var err error
		cluster, err = pgcluster.Start(ctx)
		if err != nil {
			return err
		}
		defer cluster.Stop()
		url = cluster.URL("postgres")
	}
	pool, err := store.Open(ctx, url)
	if err != nil {
		return err
	}
	defer pool.Close()
	if err := store.Migrate(ctx, pool); err != nil {
		return err
	}
	if err := demo.RunWith(ctx, pool, os.Stdout, demo.Options{Lang: locale.Lang(c.lang), Verbose: verbose.Get().(bool)}); err != nil || !*withWeb {
		return err
	}
	return demoWeb(ctx, c, pool)
}

// demoWeb serves the demo month's web pages (on EVALBOT_WEB_ADDR, or a free
// port of localhost) and prints the dashboard's URL with the admin's
// one-time sign-in link and a desk's citizens' page, until Ctrl-C.
func demoWeb(ctx context.Context, c *command, pool *pgxpool.Pool) error {
	addr := os.Getenv("EVALBOT_WEB_ADDR")
	if addr == "" || addr == "off" {
		addr = "127.0.0.1:0"
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	site, done, err := demo.ServeWeb(ctx, pool, addr, log)
	if err != nil {
		return err
	}
	fmt.Println()
	fmt.Println(c.say("DemoWebDashboard", map[string]any{"URL": site.Dashboard, "Code": demo.WebAdmin}))
	fmt.Println("  " + site.SignIn)
	fmt.Println(c.say("DemoWebBoard", map[string]any{"Code": demo.WebHead}))
	fmt.Println("  " + site.HeadSignIn)
	fmt.Println(c.say("DemoWebOfficial", map[string]any{"Code": demo.WebOfficial}))
	fmt.Println("  " + site.OfficialSignIn)
	fmt.Println(c.say("DemoWebDesk", map[string]any{"Desk": demo.WebDesk}))
	fmt.Println("  " + site.Desk)
	fmt.Println(c.say("DemoWebStop", nil))
	<-ctx.Done()
	if err := <-done; err != nil {
		return err
	}
	return nil
}
