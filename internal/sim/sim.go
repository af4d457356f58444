// Package sim wires the whole bot — the Telegram adapter, the outbox sender
// and the campaigns — to the fake Bot API server (botapitest) on a simulated
// clock, and steps it deterministically: after each user action it waits
// until the update is handled and the outbox is empty. The end-to-end tests
// and `evalbot demo` both drive the bot through it.
package sim

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"github.com/go-telegram/bot"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"evalbot/internal/botapitest"
	"evalbot/internal/calendar"
	"evalbot/internal/citizen"
	"evalbot/internal/delivery"
	"evalbot/internal/inbound"
	"evalbot/internal/locale"
	"evalbot/internal/schedule"
	"evalbot/internal/telegram"
)

// Clock is a settable clock shared by the bot and the fake server.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// Now returns the simulated time.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// Set moves the simulated time.
func (c *Clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// Speed is how many times faster than real time Telegram's flood limits run
// in the simulation: the fake server enforces Telegram's own limits (30/s,
// 1/s per private chat with a burst of 3, 20/min per group) on a clock that
// runs Speed times faster than the wall clock, and the bot paces with the
// same limits times Speed on the wall clock, so that it keeps to them as it
// would in real time while a simulated month takes minutes less. The fake
// counts what it refused (botapitest.Server.FloodRefusals).
const Speed = 5

// Limits are Telegram's limits as the simulated bot keeps them: Speed times
// delivery.DefaultLimits (see Speed), with production's margin of 50 ms of
// real time for requests that land later than their slot.
var Limits = delivery.Limits{
	PerSecond:      delivery.DefaultLimits.PerSecond * Speed,
	PerChatSecond:  delivery.DefaultLimits.PerChatSecond * Speed,
	PerChatBurst:   delivery.DefaultLimits.PerChatBurst,
	GroupPerMinute: delivery.DefaultLimits.GroupPerMinute * Speed,
	GroupBurst:     delivery.DefaultLimits.GroupBurst,
	PaceMargin:     50 * time.Millisecond, // production's, for the same jitter
}

// Harness is a running bot against a fake Telegram.
type Harness struct {
	Srv    *botapitest.Server
	App    *telegram.App
	Bot    *bot.Bot
	Sender *delivery.Sender
	Sched  *schedule.Scheduler
	Pool   *pgxpool.Pool
	Clock  *Clock

	o       options
	log     *slog.Logger
	cat     *locale.Catalog
	cancel  context.CancelFunc
	disp    *inbound.Dispatcher
	polling sync.WaitGroup
	hook    *httptest.Server // the bot's webhook, with Webhook()
	mu      sync.Mutex
	done    map[int64]bool
	wake    chan struct{}
}

// Option changes how New wires the bot.
type Option func(*options)

type options struct {
	webhook   bool
	srvOpts   []botapitest.Option
	unlimited bool
}

// WithoutLimits turns Telegram's flood limits off, in the fake and in the
// bot's pacing: for the demo, whose people act instantly (a head approves
// 27 cards in a moment), which at Telegram's 1/s per chat would take minutes
// of waiting to show the same story. The tests keep the limits.
func WithoutLimits() Option { return func(o *options) { o.unlimited = true } }

// Webhook makes the bot get its updates as `evalbot serve --webhook` does:
// the fake server posts them (setWebhook) to inbound.Webhook, and answers
// ride its replies. Without it the bot long-polls, as in development.
func Webhook() Option { return func(o *options) { o.webhook = true } }

// ServerOptions adds options to the fake server's (after the clocks and
// Telegram's limits, which New sets).
func ServerOptions(opts ...botapitest.Option) Option {
	return func(o *options) { o.srvOpts = append(o.srvOpts, opts...) }
}

// New starts the fake server and the bot on pool (migrated), at time start.
// Logs go to log (io.Discard for quiet). The fake server enforces Telegram's
// flood limits (see Speed), unless WithoutLimits.
func New(pool *pgxpool.Pool, start time.Time, log io.Writer, opts ...Option) (*Harness, error) {
	var o options
	for _, f := range opts {
		f(&o)
	}
	clock := &Clock{t: start}
	t0 := time.Now()
	limitClock := func() time.Time { return t0.Add(Speed * time.Since(t0)) }
	srvOpts := []botapitest.Option{botapitest.WithClock(clock.Now)}
	if !o.unlimited {
		srvOpts = append(srvOpts, botapitest.WithTelegramLimits(), botapitest.WithLimitClock(limitClock))
	}
	srv := botapitest.New(append(srvOpts, o.srvOpts...)...)
	cat, err := locale.Load()
	if err != nil {
		srv.Close()
		return nil, err
	}
	logger := slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelWarn}))
	h := &Harness{Srv: srv, Pool: pool, Clock: clock, o: o, log: logger, cat: cat, done: map[int64]bool{}, wake: make(chan struct{}, 1)}
	if err := h.start(); err != nil {
		h.Close()
		return nil, err
	}
	return h, nil
}

// start wires a new bot (App, sender, scheduler, updates) to the harness's
// fake server and database; the App sends at once the card edits a previous
// one left unconfirmed (telegram.App.ResumeEdits).
func (h *Harness) start() error {
	srv, pool, logger, cat, clock := h.Srv, h.Pool, h.log, h.cat, h.Clock
	app := &telegram.App{Pool: pool, Cat: cat, Cal: calendar.Default(), Now: clock.Now, Log: logger, BotUsername: srv.BotUsername(),
		Done: h.markDone, Limits: h.limits()}
	b, err := bot.New(srv.Token(), bot.WithServerURL(srv.URL()), bot.WithSkipGetMe(),
		bot.WithHTTPClient(2*time.Second, &http.Client{Timeout: 10 * time.Second}))
	if err != nil {
		return err
	}
	app.Bot = b
	// Back after a block: what the campaigns skipped meanwhile (h.Sched is
	// set below, before any update).
	app.BeforeRoute = inbound.ReachabilityWith(cat, func(ctx context.Context, tx pgx.Tx, id int64) error {
		return h.Sched.Back(clock.Now)(ctx, tx, id)
	})
	h.App, h.Bot = app, b
	h.Sender = delivery.NewSender(pool, b, h.limits(), logger)
	h.Sender.Cat = cat
	h.Sched = &schedule.Scheduler{Pool: pool, Cal: app.Cal, Prompter: app, Times: schedule.DefaultTimes, Log: logger}
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	// Updates come the way `evalbot serve` gets them in development: long
	// polling with a persisted offset, stored, then per-chat queues.
	box, err := inbound.NewBox(citizen.Secret())
	if err != nil {
		return err
	}
	h.disp = inbound.NewDispatcher(pool, app.HandleUpdate, logger, inbound.Options{Workers: 4, Timeout: 10 * time.Second, Box: box})
	if err := app.ResumeEdits(ctx); err != nil {
		return err
	}
	if h.o.webhook {
		secret := inbound.DeriveSecret(srv.Token())
		h.hook = httptest.NewServer(&inbound.Webhook{D: h.disp, Secret: secret, Log: logger})
		if _, err := b.SetWebhook(ctx, &bot.SetWebhookParams{URL: h.hook.URL, SecretToken: secret, MaxConnections: 40,
			AllowedUpdates: []string{"message", "callback_query", "my_chat_member"}}); err != nil {
			return err
		}
		return nil
	}
	poller := &inbound.Poller{Pool: pool, D: h.disp, APIURL: srv.URL(), Token: srv.Token(), Timeout: 10 * time.Second, Log: logger}
	h.polling.Add(1)
	go func() { defer h.polling.Done(); poller.Run(ctx) }()
	return nil
}

// limits are the bot's: Limits, or practically none WithoutLimits.
func (h *Harness) limits() delivery.Limits {
	if h.o.unlimited {
		return delivery.Limits{PerSecond: 100000, PerChatSecond: 100000, PerChatBurst: 1000, GroupPerMinute: 6000000, GroupBurst: 1000}
	}
	return Limits
}

// Crash stops the bot as a kill would, keeping the fake Telegram (its chats
// and messages) and the database: what the bot held in memory (a card's
// edit waiting for a retry_after) is gone. Restart starts a new bot.
func (h *Harness) Crash() {
	h.App.Stop()
	h.cancel()
	h.polling.Wait()
	if h.hook != nil {
		h.hook.Close()
		h.hook = nil
	}
	h.disp.Stop(5 * time.Second)
}

// Restart starts a new bot after Crash, as a new process would.
func (h *Harness) Restart() error { return h.start() }

// Close stops the bot and the fake server.
func (h *Harness) Close() {
	if h.cancel != nil {
		h.cancel()
	}
	h.polling.Wait()
	h.Srv.Close() // stops posting to the webhook
	if h.hook != nil {
		h.hook.Close()
	}
	if h.disp != nil {
		h.disp.Stop(5 * time.Second)
	}
	if h.App != nil {
		h.App.Stop()
	}
}

func (h *Harness) markDone(id int64) {
	h.mu.Lock()
	h.done[id] = true
	h.mu.Unlock()
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

// Wait blocks until update id is handled, then sends everything the outbox
// holds and waits for the card edits in progress. It fails after 10 seconds
// of real time.
func (h *Harness) Wait(id int64) error {
	if err := h.WaitUpdate(id); err != nil {
		return err
	}
	return h.Flush()
}

// WaitUpdate blocks until update id is handled (by webhook: its call
// answered). It does not wait for the outbox nor for card edits.
func (h *Harness) WaitUpdate(id int64) error {
	deadline := time.After(10 * time.Second)
	for {
		h.mu.Lock()
		ok := h.done[id]
		h.mu.Unlock()
		if ok {
			break
		}
		select {
		case <-h.wake:
		case <-time.After(20 * time.Millisecond):
		case <-deadline:
			return fmt.Errorf("update %d not handled within 10s", id)
		}
	}
	// By webhook, the answer rides the reply: made once the fake has it.
	for h.hook != nil && !h.Srv.Posted(id) {
		select {
		case <-time.After(time.Millisecond):
		case <-deadline:
			return fmt.Errorf("update %d handled, its webhook call not answered within 10s", id)
		}
	}
	return nil
}

// Flush sends whatever the outbox holds now, waiting as Telegram's limits
// require (a chat's pace, a retry_after), and waits for the card edits in
// progress. It fails after 60 seconds of real time.
func (h *Harness) Flush() error { return h.flush(true) }

// FlushMessages is Flush without waiting for card edits.
func (h *Harness) FlushMessages() error { return h.flush(false) }

func (h *Harness) flush(edits bool) error {
	ctx := context.Background()
	deadline := time.Now().Add(time.Minute)
	for {
		if _, err := h.Sender.Drain(ctx); err != nil {
			return err
		}
		var open int
		if err := h.Pool.QueryRow(ctx, `SELECT count(*) FROM outbox WHERE state IN ('pending', 'claimed', 'sending')`).Scan(&open); err != nil {
			return err
		}
		if open == 0 && (!edits || h.App.PendingEdits() == 0) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("outbox: %d message(s) and %d card edit(s) still waiting after a minute", open, h.App.PendingEdits())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// DeadLetters counts the outbox's undelivered messages (dead or unconfirmed).
func (h *Harness) DeadLetters() (int, error) {
	var n int
	err := h.Pool.QueryRow(context.Background(), `SELECT count(*) FROM delivery_dead_letters`).Scan(&n)
	return n, err
}

// At moves the clock to t, runs the campaigns due and delivers their messages.
func (h *Harness) At(t time.Time) error {
	h.Clock.Set(t)
	if err := h.Sched.RunDue(context.Background(), t); err != nil {
		return err
	}
	return h.Flush()
}
