package delivery

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/time/rate"
)

// Limits are Telegram's send limits as the sender applies them (DESIGN.md §5).
type Limits struct {
	PerSecond     float64 // all chats together; Telegram allows about 30
	PerChatSecond float64 // one chat; Telegram allows about 1
	PerChatBurst  int
}

// DefaultLimits are Telegram's documented broadcast limits.
var DefaultLimits = Limits{PerSecond: 30, PerChatSecond: 1, PerChatBurst: 3}

// Sender delivers the outbox. Rows are claimed with FOR UPDATE SKIP LOCKED and
// a lease, so several senders (replicas) never send one row at the same time.
type Sender struct {
	pool    *pgxpool.Pool
	bot     *bot.Bot
	limits  Limits
	global  *rate.Limiter
	mu      sync.Mutex
	perChat map[int64]*rate.Limiter
	kick    chan struct{}
	log     *slog.Logger
	now     func() time.Time
}

// lease is how long a claimed row stays hidden from other senders.
const lease = 30 * time.Second

// maxAttempts before a row that keeps failing with 5xx or timeouts is dead-lettered.
const maxAttempts = 12

// NewSender makes a sender; Run starts it.
func NewSender(pool *pgxpool.Pool, b *bot.Bot, limits Limits, log *slog.Logger) *Sender {
	if limits.PerChatBurst < 1 {
		limits.PerChatBurst = 1
	}
	return &Sender{
		pool: pool, bot: b, limits: limits, log: log,
		global:  rate.NewLimiter(rate.Limit(limits.PerSecond), 1),
		perChat: map[int64]*rate.Limiter{},
		kick:    make(chan struct{}, 1),
		now:     time.Now,
	}
}

// Kick wakes the sender after a transaction enqueued something.
func (s *Sender) Kick() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// Run sends until ctx ends, polling every interval and on Kick.
func (s *Sender) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := s.Drain(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("outbox drain", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.kick:
		}
	}
}

type row struct {
	id       int64
	chatID   int64
	official *int64
	attempts int
	p        payload
}

// Drain sends every row that is due now and returns how many were sent.
func (s *Sender) Drain(ctx context.Context) (int, error) {
	sent := 0
	for {
		rows, err := s.claim(ctx, 50)
		if err != nil || len(rows) == 0 {
			return sent, err
		}
		for _, r := range rows {
			if s.send(ctx, r) {
				sent++
			}
		}
	}
}

func (s *Sender) claim(ctx context.Context, n int) ([]row, error) {
	rs, err := s.pool.Query(ctx, `UPDATE outbox SET not_before = now() + $2::interval, attempts = attempts + 1
		WHERE id IN (SELECT id FROM outbox WHERE state = 'pending' AND not_before <= now()
		             ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
		RETURNING id, chat_id, official_id, attempts, payload`, n, fmt.Sprintf("%d seconds", int(lease.Seconds())))
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []row
	for rs.Next() {
		var r row
		var raw []byte
		if err := rs.Scan(&r.id, &r.chatID, &r.official, &r.attempts, &raw); err != nil {
			return nil, err
		}
		if err := json.Unmarshal(raw, &r.p); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	// Per-chat order: rows come back in arbitrary order from RETURNING.
	sortByID(out)
	return out, rs.Err()
}

func sortByID(rs []row) {
	for i := 1; i < len(rs); i++ {
		for j := i; j > 0 && rs[j].id < rs[j-1].id; j-- {
			rs[j], rs[j-1] = rs[j-1], rs[j]
		}
	}
}

func (s *Sender) chatLimiter(chat int64) *rate.Limiter {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, ok := s.perChat[chat]
	if !ok {
		l = rate.NewLimiter(rate.Limit(s.limits.PerChatSecond), s.limits.PerChatBurst)
		s.perChat[chat] = l
	}
	return l
}

// send delivers one row and records the outcome; true when Telegram took it.
func (s *Sender) send(ctx context.Context, r row) bool {
	if err := s.chatLimiter(r.chatID).Wait(ctx); err != nil {
		return false
	}
	if err := s.global.Wait(ctx); err != nil {
		return false
	}
	msg, err := s.bot.SendMessage(ctx, &bot.SendMessageParams{
		ChatID:             r.chatID,
		Text:               r.p.Text,
		ParseMode:          models.ParseModeHTML,
		ReplyMarkup:        r.p.markup(),
		LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: bot.True()},
	})
	bg := context.WithoutCancel(ctx)
	switch {
	case err == nil:
		_, dbErr := s.pool.Exec(bg, `UPDATE outbox SET state = 'sent', sent_at = now(), message_id = $2, last_error = NULL WHERE id = $1`, r.id, msg.ID)
		s.logDB(dbErr)
		return true
	case isTooMany(err) > 0:
		// 429: wait as told, and do not count the attempt.
		_, dbErr := s.pool.Exec(bg, `UPDATE outbox SET not_before = now() + make_interval(secs => $2), attempts = attempts - 1 WHERE id = $1`, r.id, isTooMany(err))
		s.logDB(dbErr)
	case errors.Is(err, bot.ErrorForbidden):
		_, dbErr := s.pool.Exec(bg, `WITH o AS (UPDATE outbox SET state = 'dead', last_error = 'forbidden' WHERE id = $1 RETURNING official_id)
			UPDATE officials SET reachable = false, updated_at = now() WHERE id = (SELECT official_id FROM o)`, r.id)
		s.logDB(dbErr)
		s.log.Info("recipient unreachable", "outbox_id", r.id)
	case errors.Is(err, bot.ErrorBadRequest), errors.Is(err, bot.ErrorNotFound), errors.Is(err, bot.ErrorUnauthorized):
		_, dbErr := s.pool.Exec(bg, `UPDATE outbox SET state = 'dead', last_error = $2 WHERE id = $1`, r.id, reason(err))
		s.logDB(dbErr)
		s.log.Warn("outbox message dead-lettered", "outbox_id", r.id, "reason", reason(err))
	default:
		state := "pending"
		if r.attempts >= maxAttempts {
			state = "dead"
		}
		backoff := time.Duration(1<<min(r.attempts, 8)) * time.Second
		_, dbErr := s.pool.Exec(bg, `UPDATE outbox SET state = $2, not_before = now() + make_interval(secs => $3), last_error = $4 WHERE id = $1`,
			r.id, state, backoff.Seconds(), reason(err))
		s.logDB(dbErr)
	}
	return false
}

func (s *Sender) logDB(err error) {
	if err != nil {
		s.log.Error("outbox update", "err", err)
	}
}

func isTooMany(err error) int {
	var t *bot.TooManyRequestsError
	if errors.As(err, &t) {
		return max(t.RetryAfter, 1)
	}
	return 0
}

// reason keeps Telegram's description but never the token (the URL carries it).
func reason(err error) string {
	s := err.Error()
	if i := strings.Index(s, "/bot"); i >= 0 {
		s = s[:i] + "/bot***"
	}
	if len(s) > 300 {
		s = s[:300]
	}
	return s
}
