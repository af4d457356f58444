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

// Harness is a running bot against a fake Telegram.
type Harness struct {
	Srv    *botapitest.Server
	App    *telegram.App
	Bot    *bot.Bot
	Sender *delivery.Sender
	Sched  *schedule.Scheduler
	Pool   *pgxpool.Pool
	Clock  *Clock

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

type options struct{ webhook bool }

// Webhook makes the bot get its updates as `evalbot serve --webhook` does:
// the fake server posts them (setWebhook) to inbound.Webhook, and answers
// ride its replies. Without it the bot long-polls, as in development.
func Webhook() Option { return func(o *options) { o.webhook = true } }

// New starts the fake server and the bot on pool (migrated), at time start.
// Logs go to log (io.Discard for quiet).
func New(pool *pgxpool.Pool, start time.Time, log io.Writer, opts ...Option) (*Harness, error) {
	var o options
	for _, f := range opts {
		f(&o)
	}
	clock := &Clock{t: start}
	srv := botapitest.New(botapitest.WithClock(clock.Now))
	cat, err := locale.Load()
	if err != nil {
		srv.Close()
		return nil, err
	}
	logger := slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelWarn}))
	h := &Harness{Srv: srv, Pool: pool, Clock: clock, done: map[int64]bool{}, wake: make(chan struct{}, 1)}
	app := &telegram.App{Pool: pool, Cat: cat, Cal: calendar.Default(), Now: clock.Now, Log: logger, BotUsername: srv.BotUsername(),
		Done: h.markDone}
	b, err := bot.New(srv.Token(), bot.WithServerURL(srv.URL()), bot.WithSkipGetMe(),
		bot.WithHTTPClient(2*time.Second, &http.Client{Timeout: 10 * time.Second}))
	if err != nil {
		srv.Close()
		return nil, err
	}
	app.Bot = b
	app.BeforeRoute = inbound.Reachability(cat)
	h.App, h.Bot = app, b
	h.Sender = delivery.NewSender(pool, b, delivery.Limits{PerSecond: 100000, PerChatSecond: 100000, PerChatBurst: 1000,
		GroupPerMinute: 6000000, GroupBurst: 1000}, logger)
	h.Sender.Cat = cat
	h.Sched = &schedule.Scheduler{Pool: pool, Cal: app.Cal, Prompter: app, Times: schedule.DefaultTimes, Log: logger}
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	// Updates come the way `evalbot serve` gets them in development: long
	// polling with a persisted offset, stored, then per-chat queues.
	box, err := inbound.NewBox(citizen.Secret())
	if err != nil {
		cancel()
		srv.Close()
		return nil, err
	}
	h.disp = inbound.NewDispatcher(pool, app.HandleUpdate, logger, inbound.Options{Workers: 4, Timeout: 10 * time.Second, Box: box})
	if o.webhook {
		secret := inbound.DeriveSecret(srv.Token())
		h.hook = httptest.NewServer(&inbound.Webhook{D: h.disp, Secret: secret, Log: logger})
		if _, err := b.SetWebhook(ctx, &bot.SetWebhookParams{URL: h.hook.URL, SecretToken: secret, MaxConnections: 40,
			AllowedUpdates: []string{"message", "callback_query", "my_chat_member"}}); err != nil {
			h.Close()
			return nil, err
		}
		return h, nil
	}
	poller := &inbound.Poller{Pool: pool, D: h.disp, APIURL: srv.URL(), Token: srv.Token(), Timeout: 10 * time.Second, Log: logger}
	h.polling.Add(1)
	go func() { defer h.polling.Done(); poller.Run(ctx) }()
	return h, nil
}

// Close stops the bot and the fake server.
func (h *Harness) Close() {
	h.cancel()
	h.polling.Wait()
	h.Srv.Close() // stops posting to the webhook
	if h.hook != nil {
		h.hook.Close()
	}
	h.disp.Stop(5 * time.Second)
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
// holds. It fails after 10 seconds of real time.
func (h *Harness) Wait(id int64) error {
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
	return h.Flush()
}

// Flush sends whatever the outbox holds now.
func (h *Harness) Flush() error {
	_, err := h.Sender.Drain(context.Background())
	return err
}

// At moves the clock to t, runs the campaigns due and delivers their messages.
func (h *Harness) At(t time.Time) error {
	h.Clock.Set(t)
	if err := h.Sched.RunDue(context.Background(), t); err != nil {
		return err
	}
	return h.Flush()
}
