package delivery

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"evalbot/internal/locale"
	"evalbot/internal/store"
)

// Sender delivers the outbox (docs/decisions/0001-delivery-outbox.md).
//
//   - A row is claimed (state 'claimed', claimed_by this sender) only when it
//     is the oldest open row of its chat and the chat's pace allows a message
//     now: per-chat order holds across replicas, and no two senders ever hold
//     one row or one chat.
//   - Each send takes a global slot from the shared budget (rate_budget) and
//     waits for its time; then the row becomes 'sending' and the chat's pace
//     advances in one statement, and the request is made.
//   - A sender heartbeats; the claims of a sender that stopped heartbeating go
//     back to pending, and a row it was sending becomes 'unconfirmed' (never
//     sent again automatically: Telegram may have it).
type Sender struct {
	pool   *pgxpool.Pool
	bot    *bot.Bot
	limits Limits
	log    *slog.Logger
	budget *budget
	kick   chan struct{}

	// ID names this sender in delivery_workers; random by default.
	ID string
	// Workers is how many requests may be in flight at once (default 8).
	Workers int
	// SendTimeout bounds one request to Telegram (default 10s).
	SendTimeout time.Duration
	// DeadAfter: a sender whose heartbeat is older than this is dead (default 5s).
	DeadAfter time.Duration
	// MaxAttempts before a row that keeps failing with 5xx or timeouts is dead-lettered.
	MaxAttempts int
	// Metrics, when set, counts sends and failures (ops.Metrics).
	Metrics interface {
		Sent()
		SendError(error)
	}
	// API, when set, sends instead of the go-telegram/bot client (lighter; see API).
	API *API
	// Cat renders the notice a head gets when a subordinate becomes unreachable
	// (loaded from locales/ when nil).
	Cat *locale.Catalog

	marks chan markReq // Run's marker (mark.go); nil outside Run

	regMu      sync.Mutex
	registered bool

	flushMu sync.Mutex
	done    []sentResult

	stats Stats
}

// Stats counts what a sender did (for the benchmarks and the logs).
type Stats struct {
	Sent, TooMany, Forbidden, Dead, Retried, Skipped atomic.Int64
}

type sentResult struct {
	id  int64
	mid int64
}

// NewSender makes a sender; Run starts it.
func NewSender(pool *pgxpool.Pool, b *bot.Bot, limits Limits, log *slog.Logger) *Sender {
	limits = limits.normalized()
	var buf [6]byte
	_, _ = rand.Read(buf[:])
	return &Sender{
		pool: pool, bot: b, limits: limits, log: log,
		budget:      newBudget(pool, limits.PerSecond),
		kick:        make(chan struct{}, 1),
		ID:          "sender-" + hex.EncodeToString(buf[:]),
		Workers:     8,
		SendTimeout: 10 * time.Second,
		DeadAfter:   5 * time.Second,
		MaxAttempts: 12,
	}
}

// Stats returns the sender's counters.
func (s *Sender) Stats() *Stats { return &s.stats }

// WastedSlots is how many global slots this sender dropped unused.
func (s *Sender) WastedSlots() int64 {
	s.budget.mu.Lock()
	defer s.budget.mu.Unlock()
	return s.budget.wasted
}

// Kick wakes the sender after a transaction enqueued something.
func (s *Sender) Kick() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

type row struct {
	id       int64
	chatID   int64
	official *int64
	attempts int
	p        payload
	slot     time.Time // the global slot it was given (zero: none)
}

// register records this sender in delivery_workers (and refreshes its heartbeat).
func (s *Sender) heartbeat(ctx context.Context) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO delivery_workers (id) VALUES ($1)
		ON CONFLICT (id) DO UPDATE SET heartbeat_at = now()`, s.ID)
	if err == nil {
		s.regMu.Lock()
		s.registered = true
		s.regMu.Unlock()
	}
	return err
}

// Reap gives back the claims of dead senders (no heartbeat for DeadAfter):
// claimed rows return to pending; rows they were sending become unconfirmed.
// It returns how many rows it changed.
func (s *Sender) Reap(ctx context.Context) (int64, error) {
	tag, err := s.pool.Exec(ctx, `
		WITH gone AS (DELETE FROM delivery_workers WHERE heartbeat_at < now() - make_interval(secs => $1::float8) RETURNING id)
		UPDATE outbox SET
			state = CASE state WHEN 'claimed' THEN 'pending' ELSE 'unconfirmed' END,
			claimed_by = CASE state WHEN 'claimed' THEN NULL ELSE claimed_by END,
			dead_at = CASE state WHEN 'claimed' THEN NULL ELSE now() END,
			last_error = CASE state WHEN 'claimed' THEN last_error ELSE 'sender died during the request: delivery unknown' END
		WHERE state IN ('claimed', 'sending')
		  AND (claimed_by IN (SELECT id FROM gone)
		       OR NOT EXISTS (SELECT 1 FROM delivery_workers w WHERE w.id = outbox.claimed_by))`, s.DeadAfter.Seconds())
	if err != nil {
		return 0, err
	}
	if n := tag.RowsAffected(); n > 0 {
		s.log.Warn("outbox: took back the claims of a dead sender", "rows", n)
	}
	return tag.RowsAffected(), nil
}

// release gives this sender's unattempted claims back, at shutdown.
func (s *Sender) release(ctx context.Context) {
	if _, err := s.pool.Exec(ctx, `UPDATE outbox SET state = 'pending', claimed_by = NULL WHERE claimed_by = $1 AND state = 'claimed'`, s.ID); err != nil {
		s.log.Warn("outbox: release claims", "err", err)
	}
	if _, err := s.pool.Exec(ctx, `DELETE FROM delivery_workers WHERE id = $1 AND NOT EXISTS
		(SELECT 1 FROM outbox WHERE claimed_by = $1 AND state = 'sending')`, s.ID); err != nil {
		s.log.Warn("outbox: deregister", "err", err)
	}
}

// claim leases up to n rows that can be sent now: each the oldest open row of
// its chat, its chat's pace allowing a message.
func (s *Sender) claim(ctx context.Context, n int) ([]row, error) {
	_, privTol := s.limits.chatInterval(1)
	_, groupTol := s.limits.chatInterval(-1)
	rs, err := s.pool.Query(ctx, `
		WITH c AS (
			SELECT o.id FROM outbox o
			WHERE o.state = 'pending' AND o.not_before <= now()
			  AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.chat_id = o.chat_id AND e.id < o.id
			                  AND e.state IN ('pending', 'claimed', 'sending'))
			  AND NOT EXISTS (SELECT 1 FROM chat_pace p WHERE p.chat_id = o.chat_id
			                  AND p.tat > clock_timestamp() + make_interval(secs => CASE WHEN o.chat_id > 0 THEN $3::float8 ELSE $4::float8 END))
			ORDER BY o.id LIMIT $1
			FOR UPDATE OF o SKIP LOCKED)
		UPDATE outbox o SET state = 'claimed', claimed_by = $2 FROM c WHERE o.id = c.id
		RETURNING o.id, o.chat_id, o.official_id, o.attempts, o.payload`, n, s.ID, privTol, groupTol)
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
	if err := rs.Err(); err != nil {
		return nil, err
	}
	sortByID(out)
	return out, nil
}

func sortByID(rs []row) {
	for i := 1; i < len(rs); i++ {
		for j := i; j > 0 && rs[j].id < rs[j-1].id; j-- {
			rs[j], rs[j-1] = rs[j-1], rs[j]
		}
	}
}

// batchSize is how many rows to claim at once: about half a second of sending.
func (s *Sender) batchSize() int { return min(max(int(s.limits.PerSecond/2), 4), 500) }

// Drain sends every row that is due now, one at a time, and returns how many
// were sent. The simulation and the tests use it; Run is the service.
func (s *Sender) Drain(ctx context.Context) (int, error) {
	if err := s.heartbeat(ctx); err != nil {
		return 0, err
	}
	sent := 0
	for {
		rows, err := s.claim(ctx, s.batchSize())
		if err != nil || len(rows) == 0 {
			return sent, err
		}
		for i, r := range rows {
			at, err := s.budget.next(ctx, len(rows)-i)
			if err != nil {
				s.release(context.WithoutCancel(ctx))
				return sent, err
			}
			if !sleepUntil(ctx, at) {
				s.release(context.WithoutCancel(ctx))
				return sent, ctx.Err()
			}
			r.slot = at
			if s.deliver(ctx, r) {
				sent++
			}
		}
		if err := s.flush(ctx); err != nil {
			return sent, err
		}
	}
}

func sleepUntil(ctx context.Context, t time.Time) bool {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err() == nil
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-tm.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// Run sends until ctx ends, polling every interval and on Kick. When ctx
// ends it stops claiming, lets the requests in flight finish (each bounded by
// SendTimeout), records their outcome, gives back unattempted claims and
// returns.
func (s *Sender) Run(ctx context.Context, interval time.Duration) {
	bg := context.WithoutCancel(ctx)
	for s.heartbeat(ctx) != nil {
		if !sleepUntil(ctx, time.Now().Add(time.Second)) {
			return
		}
	}
	var wg sync.WaitGroup
	hbCtx, stopHB := context.WithCancel(bg)
	wg.Add(1)
	go func() { defer wg.Done(); s.housekeeping(hbCtx) }()

	s.marks = make(chan markReq, 64)
	marked := make(chan struct{})
	go func() { defer close(marked); s.markLoop(bg) }()

	queue := make(chan row, s.batchSize()*2)
	work := make(chan row)
	var inFlight sync.WaitGroup
	for range max(s.Workers, 1) {
		inFlight.Add(1)
		go func() {
			defer inFlight.Done()
			for r := range work {
				s.deliver(bg, r)
			}
		}()
	}
	// The dispatcher gives each claimed row a global slot and a worker.
	dispatched := make(chan struct{})
	go func() {
		defer close(dispatched)
		defer close(work)
		for r := range queue {
			if ctx.Err() != nil {
				continue // given back by release below
			}
			at, err := s.budget.next(ctx, len(queue)+1)
			for err != nil && ctx.Err() == nil {
				s.log.Error("outbox: global budget", "err", err)
				sleepUntil(ctx, time.Now().Add(500*time.Millisecond))
				at, err = s.budget.next(ctx, len(queue)+1)
			}
			if err != nil || !sleepUntil(ctx, at) {
				continue
			}
			r.slot = at
			select {
			case work <- r:
			case <-ctx.Done():
			}
		}
	}()

	t := time.NewTicker(interval)
	defer t.Stop()
	for ctx.Err() == nil {
		if free := cap(queue) - len(queue); free >= s.batchSize() {
			rows, err := s.claim(ctx, free)
			if err != nil && ctx.Err() == nil {
				s.log.Error("outbox: claim", "err", err)
			}
			for _, r := range rows {
				queue <- r
			}
			if len(rows) > 0 {
				continue
			}
		} else {
			// The queue is full: wait a little for the dispatcher.
			sleepUntil(ctx, time.Now().Add(s.budget.interval*time.Duration(s.batchSize()/2+1)))
			continue
		}
		select {
		case <-ctx.Done():
		case <-t.C:
		case <-s.kick:
		}
	}
	close(queue)
	<-dispatched
	inFlight.Wait()
	close(s.marks)
	<-marked
	s.marks = nil
	stopHB()
	wg.Wait()
	if err := s.flush(bg); err != nil {
		s.log.Error("outbox: record sent messages at shutdown", "err", err)
	}
	s.release(bg)
}

// housekeeping heartbeats, reaps dead senders and records sent messages.
func (s *Sender) housekeeping(ctx context.Context) {
	hb := time.NewTicker(time.Second)
	defer hb.Stop()
	fl := time.NewTicker(5 * time.Millisecond)
	defer fl.Stop()
	n := 0
	for {
		select {
		case <-ctx.Done():
			return
		case <-fl.C:
			if err := s.flush(ctx); err != nil && ctx.Err() == nil {
				s.log.Error("outbox: record sent messages", "err", err)
			}
		case <-hb.C:
			if err := s.heartbeat(ctx); err != nil && ctx.Err() == nil {
				s.log.Error("outbox: heartbeat", "err", err)
			}
			if n++; n%2 == 0 {
				if _, err := s.Reap(ctx); err != nil && ctx.Err() == nil {
					s.log.Error("outbox: reap", "err", err)
				}
			}
		}
	}
}

// flush records the sent messages collected so far, in one statement. On an
// error they are kept and recorded by a later flush.
func (s *Sender) flush(ctx context.Context) error {
	s.flushMu.Lock()
	defer s.flushMu.Unlock()
	if len(s.done) == 0 {
		return nil
	}
	ids := make([]int64, len(s.done))
	mids := make([]int64, len(s.done))
	for i, d := range s.done {
		ids[i], mids[i] = d.id, d.mid
	}
	_, err := s.pool.Exec(ctx, `UPDATE outbox o SET state = 'sent', sent_at = now(), message_id = nullif(v.mid, 0), last_error = NULL, dead_at = NULL
		FROM unnest($1::bigint[], $2::bigint[]) AS v(id, mid)
		WHERE o.id = v.id AND o.claimed_by = $3 AND o.state IN ('sending', 'unconfirmed')`, ids, mids, s.ID)
	if err != nil {
		return err
	}
	s.done = s.done[:0]
	s.Kick() // the next message of these chats may be claimable now
	return nil
}

var errLostClaim = errors.New("claim lost")

// deliver sends one claimed row and records the outcome; true when Telegram
// took it. The row becomes 'sending' while the request is held before its
// last byte (gate), so a crash either leaves it claimed and unsent, or
// marked and as good as sent.
func (s *Sender) deliver(ctx context.Context, r row) bool {
	if cutText, cutKB := r.p.fit(); cutText || cutKB {
		// A composer let a text or a keyboard past Telegram's limits: it
		// goes out cut rather than refused with a 400 and dead-lettered.
		s.log.Warn("outbox: message over Telegram's limits, cut", "outbox_id", r.id, "text", cutText, "keyboard", cutKB)
	}
	g := &gate{commit: func() error {
		// The last byte is the send: if getting here took the slot past its
		// time (a slow worker or database), wait for a fresh one, so that
		// late sends never bunch into a burst above the limit. Checked again
		// after the mark, whose round trip can take longer than a slot lasts
		// on a busy machine (56 sends in a second against 50 were seen).
		if err := s.onTime(ctx, &r); err != nil {
			return err
		}
		wait, err := s.mark(ctx, r.id)
		if err != nil && !errors.Is(err, errLostClaim) {
			return fmt.Errorf("database: %w", err)
		}
		if err != nil {
			return err
		}
		if wait > 0 {
			// A card's edit took the chat's slot after the claim: the
			// request waits for the pace, not only the global slot.
			if !sleepUntil(ctx, time.Now().Add(wait)) {
				return ctx.Err()
			}
		}
		return s.onTime(ctx, &r)
	}}
	sctx, cancel := context.WithTimeout(ctx, s.SendTimeout)
	var mid int64
	var err error
	if s.API != nil {
		mid, err = s.API.send(sctx, r.chatID, r.p, g)
	} else {
		// go-telegram/bot's client cannot hold a byte back: mark, then send.
		g.body = []byte{0}
		if _, err = g.Read(make([]byte, 1)); err == nil {
			var msg *models.Message
			msg, err = s.bot.SendMessage(sctx, &bot.SendMessageParams{
				ChatID:             r.chatID,
				Text:               r.p.Text,
				ParseMode:          models.ParseModeHTML,
				ReplyMarkup:        r.p.markup(),
				LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: bot.True()},
			})
			if msg != nil {
				mid = int64(msg.ID)
			}
		}
	}
	cancel()
	if sent, gerr := g.sent(); !sent {
		s.notSent(ctx, r, gerr, err)
		return false
	}
	r.attempts++
	return s.outcome(ctx, r, mid, err)
}

// onTime returns when r's global slot is due and not stale, taking a fresh
// slot (and waiting for it) when the one held went stale.
func (s *Sender) onTime(ctx context.Context, r *row) error {
	if r.slot.IsZero() || time.Since(r.slot) <= s.budget.stale {
		return nil
	}
	s.budget.mu.Lock()
	s.budget.wasted++ // the stale slot
	s.budget.mu.Unlock()
	at, err := s.budget.next(ctx, 1)
	if err != nil {
		return fmt.Errorf("database: %w", err)
	}
	r.slot = at
	if !sleepUntil(ctx, at) {
		return ctx.Err()
	}
	return nil
}

// notSent handles a request that never reached Telegram whole: the claim was
// lost (nothing to do), the row could not be marked (back to pending, whether
// or not the statement committed: this sender still owns the row), or the
// connection failed before the last byte (retried with backoff, the attempt
// counted).
func (s *Sender) notSent(ctx context.Context, r row, gateErr, sendErr error) {
	bg := context.WithoutCancel(ctx)
	s.stats.Skipped.Add(1)
	switch {
	case errors.Is(gateErr, errLostClaim):
		return
	case gateErr != nil && !errors.Is(gateErr, errGateClosed):
		s.log.Warn("outbox: mark sending", "outbox_id", r.id, "err", gateErr)
		s.dbRetry(bg, func() error {
			// IS TRUE: found by primary key (see markBatch).
			_, e := s.pool.Exec(bg, `UPDATE outbox SET state = 'pending', claimed_by = NULL,
				attempts = greatest(attempts - CASE state WHEN 'sending' THEN 1 ELSE 0 END, 0),
				not_before = clock_timestamp() + interval '1 second', last_error = $3
				WHERE id = $1 AND (claimed_by = $2 AND state IN ('claimed', 'sending')) IS TRUE`, r.id, s.ID, reason(gateErr))
			return e
		})
		return
	}
	if sendErr == nil {
		sendErr = errGateClosed
	}
	if s.Metrics != nil {
		s.Metrics.SendError(sendErr)
	}
	r.attempts++
	backoff := min(time.Duration(1<<min(r.attempts-1, 9))*time.Second, 5*time.Minute)
	s.dbRetry(bg, func() error {
		// IS TRUE: found by primary key (see markBatch).
		_, e := s.pool.Exec(bg, `UPDATE outbox SET state = CASE WHEN attempts + 1 >= $5 THEN 'dead' ELSE 'pending' END,
			dead_at = CASE WHEN attempts + 1 >= $5 THEN now() END,
			claimed_by = NULL, attempts = attempts + 1,
			not_before = clock_timestamp() + make_interval(secs => $2::float8), last_error = $3
			WHERE id = $1 AND (claimed_by = $4 AND state = 'claimed') IS TRUE`, r.id, backoff.Seconds(), reason(sendErr), s.ID, s.MaxAttempts)
		return e
	})
}

func (s *Sender) outcome(ctx context.Context, r row, mid int64, err error) bool {
	bg := context.WithoutCancel(ctx)
	if err != nil && !isNotModified(err) && s.Metrics != nil {
		s.Metrics.SendError(err)
	}
	var tooMany *bot.TooManyRequestsError
	var migrate *bot.MigrateError
	switch {
	case err == nil || isNotModified(err):
		if s.Metrics != nil {
			s.Metrics.Sent()
		}
		s.flushMu.Lock()
		s.done = append(s.done, sentResult{id: r.id, mid: mid})
		s.flushMu.Unlock()
		s.stats.Sent.Add(1)
		return true
	case errors.As(err, &tooMany):
		// 429: wait as told and retry the same message; the attempt does not count.
		wait := time.Duration(max(tooMany.RetryAfter, 1)) * time.Second
		s.stats.TooMany.Add(1)
		s.log.Warn("outbox: 429 from Telegram", "outbox_id", r.id, "retry_after", wait.Seconds())
		s.dbRetry(bg, func() error { return s.budget.pause(bg, wait) })
		s.dbRetry(bg, func() error {
			_, e := s.pool.Exec(bg, `WITH o AS (UPDATE outbox SET state = 'pending', claimed_by = NULL, attempts = attempts - 1,
					not_before = clock_timestamp() + make_interval(secs => $2::float8) WHERE id = $1 RETURNING chat_id)
				UPDATE chat_pace SET tat = greatest(tat, clock_timestamp() + make_interval(secs => $2::float8)) WHERE chat_id = (SELECT chat_id FROM o)`,
				r.id, wait.Seconds())
			return e
		})
	case errors.Is(err, bot.ErrorForbidden):
		s.stats.Forbidden.Add(1)
		s.dbRetry(bg, func() error {
			return store.InTx(bg, s.pool, func(tx pgx.Tx) error { return s.forbidden(bg, tx, r, reason(err)) })
		})
		s.log.Info("outbox: recipient unreachable", "outbox_id", r.id)
	case errors.As(err, &migrate):
		// The group became a supergroup: send there, and remember the new id.
		s.dbRetry(bg, func() error {
			return store.InTx(bg, s.pool, func(tx pgx.Tx) error {
				if _, e := tx.Exec(bg, `UPDATE outbox SET chat_id = $2, state = CASE WHEN id = $3 THEN 'pending' ELSE state END,
					claimed_by = CASE WHEN id = $3 THEN NULL ELSE claimed_by END WHERE chat_id = $1 AND (state = 'pending' OR id = $3)`,
					r.chatID, migrate.MigrateToChatID, r.id); e != nil {
					return e
				}
				_, e := tx.Exec(bg, `UPDATE units SET group_chat_id = $2, updated_at = now() WHERE group_chat_id = $1`, r.chatID, migrate.MigrateToChatID)
				return e
			})
		})
	case isPermanent(err):
		s.stats.Dead.Add(1)
		s.dbRetry(bg, func() error {
			_, e := s.pool.Exec(bg, `UPDATE outbox SET state = 'dead', dead_at = now(), last_error = $2 WHERE id = $1`, r.id, reason(err))
			return e
		})
		s.log.Warn("outbox: message dead-lettered", "outbox_id", r.id, "reason", reason(err))
	default:
		// 5xx, timeouts, network errors, and 401/404 (a configuration fault
		// that must not destroy the queue): retry with backoff.
		s.stats.Retried.Add(1)
		if r.attempts >= s.MaxAttempts {
			s.stats.Dead.Add(1)
			s.dbRetry(bg, func() error {
				_, e := s.pool.Exec(bg, `UPDATE outbox SET state = 'dead', dead_at = now(), last_error = $2 WHERE id = $1`,
					r.id, "gave up after "+strconv.Itoa(r.attempts)+" attempts: "+reason(err))
				return e
			})
			return false
		}
		backoff := min(time.Duration(1<<min(r.attempts-1, 9))*time.Second, 5*time.Minute)
		s.retryLater(bg, r, reason(err), backoff.Seconds(), "sending")
	}
	return false
}

// retryLater puts the row back to pending after secs seconds. IS TRUE: the
// row is found by primary key (see markBatch).
func (s *Sender) retryLater(ctx context.Context, r row, why string, secs float64, from string) {
	s.dbRetry(context.WithoutCancel(ctx), func() error {
		_, e := s.pool.Exec(context.WithoutCancel(ctx), `UPDATE outbox SET state = 'pending', claimed_by = NULL,
			not_before = clock_timestamp() + make_interval(secs => $2::float8), last_error = $3
			WHERE id = $1 AND (claimed_by = $4 AND state = $5) IS TRUE`, r.id, secs, why, s.ID, from)
		return e
	})
}

// dbRetry runs fn until it succeeds or a minute has passed (PostgreSQL restarting).
func (s *Sender) dbRetry(ctx context.Context, fn func() error) {
	deadline := time.Now().Add(time.Minute)
	for {
		err := fn()
		if err == nil {
			return
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			s.log.Error("outbox: recording an outcome failed", "err", err)
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// forbidden handles a 403: the row and the chat's other pending rows are
// dead-lettered, and the official behind the chat becomes unreachable.
func (s *Sender) forbidden(ctx context.Context, tx pgx.Tx, r row, why string) error {
	if _, err := tx.Exec(ctx, `UPDATE outbox SET state = 'dead', dead_at = now(),
		last_error = CASE WHEN id = $2 THEN $3 ELSE 'recipient unreachable (403 on an earlier message)' END
		WHERE chat_id = $1 AND (id = $2 OR state = 'pending')`, r.chatID, r.id, why); err != nil {
		return err
	}
	var ids []int64
	rows, err := tx.Query(ctx, `SELECT id FROM officials WHERE chat_id = $1 OR id = $2`, r.chatID, r.official)
	if err != nil {
		return err
	}
	ids, err = pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := MarkUnreachable(ctx, tx, s.catalog(), id); err != nil {
			return err
		}
	}
	return nil
}

func (s *Sender) catalog() *locale.Catalog {
	if s.Cat == nil {
		c, err := locale.Load()
		if err != nil {
			s.log.Error("locale", "err", err)
			return nil
		}
		s.Cat = c
	}
	return s.Cat
}

var errCode = regexp.MustCompile(`error response from telegram for method \w+, (\d{3}) `)

// isPermanent: a 4xx other than 429 that retrying cannot fix. 401 and 404
// (wrong token or server) are configuration faults: retried, not dead-lettered.
func isPermanent(err error) bool {
	if errors.Is(err, bot.ErrorBadRequest) || errors.Is(err, bot.ErrorConflict) {
		return true
	}
	if errors.Is(err, bot.ErrorUnauthorized) || errors.Is(err, bot.ErrorNotFound) {
		return false
	}
	if m := errCode.FindStringSubmatch(err.Error()); m != nil {
		code, _ := strconv.Atoi(m[1])
		return code >= 400 && code < 500 && code != 429 && code != 408
	}
	return false
}

// isNotModified: Telegram's 400 for an edit that changes nothing is success.
func isNotModified(err error) bool {
	return errors.Is(err, bot.ErrorBadRequest) && strings.Contains(strings.ToLower(err.Error()), "message is not modified")
}

// IsTimeout reports whether err is a network timeout (for logs and tests).
func IsTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
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

// String describes the stats for a log line.
func (st *Stats) String() string {
	return fmt.Sprintf("sent=%d 429=%d 403=%d dead=%d retried=%d skipped=%d",
		st.Sent.Load(), st.TooMany.Load(), st.Forbidden.Load(), st.Dead.Load(), st.Retried.Load(), st.Skipped.Load())
}
