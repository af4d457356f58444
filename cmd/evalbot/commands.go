package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/jackc/pgx/v5/pgxpool"

	"evalbot/internal/calendar"
	"evalbot/internal/delivery"
	"evalbot/internal/demo"
	"evalbot/internal/locale"
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

func serve(ctx context.Context, log *slog.Logger, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ExitOnError)
	holidays := fs.String("holidays", os.Getenv("EVALBOT_HOLIDAYS"), "holiday file (TOML); default: the shipped list")
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
	specs := schedule.DefaultSpecs
	pool, err := openDB(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	cat, err := locale.Load()
	if err != nil {
		return err
	}
	app := &telegram.App{Pool: pool, Cat: cat, Cal: cal, Now: time.Now, Log: log}
	b, err := bot.New(token,
		bot.WithServerURL(env("TELEGRAM_API_URL", "https://api.telegram.org")),
		bot.WithDefaultHandler(func(ctx context.Context, _ *bot.Bot, u *models.Update) { app.HandleUpdate(ctx, u) }),
		bot.WithHTTPClient(time.Minute, &http.Client{Timeout: 70 * time.Second}),
		bot.WithErrorsHandler(func(err error) { log.Warn("telegram", "err", err.Error()) }))
	if err != nil {
		return fmt.Errorf("telegram: %w", err)
	}
	app.Bot = b
	sender := delivery.NewSender(pool, b, delivery.DefaultLimits, log)
	app.Kick = sender.Kick
	sched := &schedule.Scheduler{Pool: pool, Cal: cal, Prompter: app, Times: schedule.DefaultTimes, Log: log, Sent: sender.Kick}
	c, err := sched.Start(ctx, specs, time.Now)
	if err != nil {
		return err
	}
	go sender.Run(ctx, time.Second)
	log.Info("evalbot serving (long polling)")
	b.Start(ctx)
	<-c.Stop().Done()
	return nil
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
