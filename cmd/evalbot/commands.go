package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"time"

	"github.com/go-telegram/bot"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/robfig/cron/v3"

	"evalbot/internal/calendar"
	"evalbot/internal/citizen"
	"evalbot/internal/delivery"
	"evalbot/internal/demo"
	"evalbot/internal/inbound"
	"evalbot/internal/locale"
	"evalbot/internal/ops"
	"evalbot/internal/pgcluster"
	"evalbot/internal/roster"
	"evalbot/internal/schedule"
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
		return nil, errors.New("DATABASE_URL is not set (e.g. postgres://user:pass@localhost:5432/evalbot)")
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

func migrateCmd(ctx context.Context) error {
	pool, err := openDB(ctx)
	if err != nil {
		return err
	}
	pool.Close()
	fmt.Println("migrations applied")
	return nil
}

// webhookConnections is setWebhook's max_connections: Telegram posts at most
// this many updates to the bot at once (1–100; Telegram's default is 40).
// Each post waits one network round trip (about 40 ms from Vietnam) plus
// the update's handling, so 40 connections would carry at most about 900
// updates a second; 100 carry over 2,000.
const webhookConnections = 100

// serve runs the bot until SIGTERM/SIGINT (ctx), then stops within --grace:
// no new updates are taken, the updates and campaign jobs in flight finish,
// the sender finishes its requests and records them, and what is left stays
// in PostgreSQL for the next start or another replica.
func serve(ctx context.Context, log *slog.Logger, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ExitOnError)
	holidays := fs.String("holidays", os.Getenv("EVALBOT_HOLIDAYS"), "holiday file (TOML); default: the shipped list")
	webhook := fs.String("webhook", os.Getenv("TELEGRAM_WEBHOOK_URL"), "public HTTPS URL Telegram posts updates to (production); empty: long polling")
	listen := fs.String("listen", env("EVALBOT_LISTEN", ":8080"), "address the webhook server listens on")
	rateFlag := fs.Float64("rate", envFloat("EVALBOT_RATE", delivery.DefaultLimits.PerSecond), "global send limit in messages/s, shared by all replicas (30; more for paid broadcasts)")
	grace := fs.Duration("grace", envDuration("EVALBOT_GRACE", 20*time.Second), "on SIGTERM, how long in-flight updates, jobs and sends may take")
	updateTimeout := fs.Duration("update-timeout", 30*time.Second, "time limit of one update")
	queues := fs.Int("queues", inbound.DefaultQueues, "per-chat update queues (workers); each waits for the Bot API after its commit")
	senders := fs.Int("send-workers", 16, "requests to Telegram in flight at once")
	campaigns := fs.Bool("campaigns", true, "run the monthly cycle's campaigns")
	clockStart := fs.String("clock-start", os.Getenv("EVALBOT_CLOCK_START"), "testing only: the campaigns' clock starts at this RFC 3339 time")
	_ = fs.Parse(args)
	token := os.Getenv("TELEGRAM_BOT_TOKEN")
	if token == "" {
		return errors.New("TELEGRAM_BOT_TOKEN is not set")
	}
	cal := calendar.Default()
	if *holidays != "" {
		var err error
		if cal, err = calendar.Load(*holidays); err != nil {
			return err
		}
	}
	now := time.Now
	if *clockStart != "" {
		start, err := time.Parse(time.RFC3339, *clockStart)
		if err != nil {
			return fmt.Errorf("--clock-start: %w", err)
		}
		t0 := time.Now()
		now = func() time.Time { return start.Add(time.Since(t0)) }
	}
	specs, err := schedule.ParseSpecs(os.Getenv("EVALBOT_CRON"))
	if err != nil {
		return fmt.Errorf("EVALBOT_CRON: %w", err)
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

	apiURL := env("TELEGRAM_API_URL", "https://api.telegram.org")
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
	app := &telegram.App{Pool: pool, Cat: cat, Cal: cal, Now: now, Log: log, Bot: b, BotUsername: os.Getenv("TELEGRAM_BOT_USERNAME")}
	// A person back after blocking the bot gets the prompts the campaigns
	// skipped meanwhile (every replica, campaigns or not).
	catchUp := &schedule.Scheduler{Pool: pool, Cal: cal, Prompter: app, Times: schedule.DefaultTimes, Log: log}
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

	disp := inbound.NewDispatcher(pool, metrics.Timed(app.HandleUpdate), log, inbound.Options{Workers: *queues, Timeout: *updateTimeout, Box: box})
	if _, err := disp.Recover(ctx, 0); err != nil {
		return err
	}
	go disp.Sweep(ctx, 30*time.Second, *updateTimeout+30*time.Second)
	// Card edits a previous process left unconfirmed (a kill while one
	// waited for a retry_after), then every minute those of a dead replica.
	go app.SweepEdits(ctx, time.Minute, 2*time.Minute)

	senderCtx, stopSender := context.WithCancel(hard)
	senderDone := make(chan struct{})
	go func() { defer close(senderDone); sender.Run(senderCtx, time.Second) }()

	var c *cron.Cron
	if *campaigns {
		sched := &schedule.Scheduler{Pool: pool, Cal: cal, Prompter: app, Times: schedule.DefaultTimes, Log: log, Sent: sender.Kick}
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
			return fmt.Errorf("--webhook %q: not a URL", *webhook)
		}
		secret := env("TELEGRAM_WEBHOOK_SECRET", inbound.DeriveSecret(token))
		mux := http.NewServeMux()
		path := u.Path
		if path == "" {
			path = "/"
		}
		mux.Handle("POST "+path, &inbound.Webhook{D: disp, Secret: secret, Log: log})
		mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok\n") })
		srv = &http.Server{Addr: *listen, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
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
	fs := flag.NewFlagSet("invites", flag.ExitOnError)
	botName := fs.String("bot", os.Getenv("TELEGRAM_BOT_USERNAME"), "the bot's username, for t.me links")
	ttl := fs.Duration("ttl", 7*24*time.Hour, "how long the links stay valid")
	_ = fs.Parse(args)
	if *botName == "" {
		return errors.New("give --bot <username> or set TELEGRAM_BOT_USERNAME")
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
func demoCmd(ctx context.Context) error {
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
	start := time.Now()
	if err := demo.Run(ctx, pool, os.Stdout); err != nil {
		return err
	}
	fmt.Printf("(demo took %s)\n", time.Since(start).Round(time.Millisecond))
	return nil
}
