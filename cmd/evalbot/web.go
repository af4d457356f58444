package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"evalbot/internal/calendar"
	"evalbot/internal/locale"
	"evalbot/internal/signin"
	"evalbot/internal/signin/initdata"
	"evalbot/internal/store"
	"evalbot/internal/telegram"
	"evalbot/internal/web"
)

// weblinkCmd prints a one-time sign-in link to the web face for an operator
// to pass on: evalbot weblink --code HB005 [--ttl 15m].
func weblinkCmd(ctx context.Context, args []string) error {
	cmd := newCommand("weblink", args)
	code := cmd.String("code", "")
	ttl := cmd.fs.Duration("ttl", signin.DefaultLinkTTL, cmd.flagText("ttl"))
	if err := cmd.parse(false); err != nil {
		return err
	}
	c := newClerk(cmd)
	if err := cmd.need(map[string]string{"--code": *code}); err != nil {
		return err
	}
	if err := signin.CheckPublicURL(); err != nil {
		return err // told by explain
	}
	if *ttl < time.Minute || *ttl > signin.MaxLinkTTL {
		return c.refuse("WeblinkBadTTL", nil)
	}
	pool, err := openDB(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	return store.InTx(ctx, pool, func(tx pgx.Tx) error {
		o, err := c.official(ctx, tx, *code)
		if err != nil {
			return err
		}
		token, expires, err := signin.Issue(ctx, tx, o.ID, *ttl, time.Now())
		if errors.Is(err, signin.ErrInactive) {
			return c.refuse("WeblinkInactive", map[string]any{"Code": o.EmployeeCode})
		}
		if err != nil {
			return err
		}
		fmt.Println(c.say("WeblinkIssued", map[string]any{"Code": o.EmployeeCode, "Name": o.FullName, "Time": when(c.lang, expires)}))
		fmt.Println(signin.LinkURL(signin.PublicURL(), token))
		return nil
	})
}

// startWeb starts the web face on EVALBOT_WEB_ADDR (default :8081; "off"
// for none) for serve; it stops when ctx ends.
// The bot's token signs the Mini App's initData; app is told of the review
// board's decisions (the head's cards in chat) and resolves frameworks.
func startWeb(ctx context.Context, pool *pgxpool.Pool, cat *locale.Catalog, cal *calendar.Calendar, now func() time.Time, log *slog.Logger,
	token string, app *telegram.App) error {
	addr := env("EVALBOT_WEB_ADDR", web.DefaultAddr)
	if addr == "off" {
		return nil
	}
	maxAge := envDuration("EVALBOT_MINIAPP_MAX_AGE", initdata.DefaultMaxAge)
	s := &web.Server{Pool: pool, Cat: cat, Cal: cal, Now: now, Log: log, PublicURL: signin.PublicURL(),
		TrustProxy: os.Getenv("EVALBOT_WEB_TRUST_PROXY") == "1", BotToken: token, MiniAppMaxAge: maxAge,
		Chat: app, Frameworks: app.Framework}
	_, _, err := s.Start(ctx, addr)
	return err
}
