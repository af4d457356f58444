// Package inbound receives Telegram updates — by webhook in production, by
// long polling in development — and hands them to the bot so that none is
// lost and none is handled twice:
//
//   - Telegram is told an update arrived (the webhook's 200, the next
//     getUpdates offset, which is persisted in bot_state) only once it is
//     durable: a webhook's update is handled while Telegram waits, and its
//     200 goes out once the handler's transaction, which records the
//     update_id in processed_updates, has committed (Deliver); an update
//     that cannot be handled so (a full queue, a failed or slow handler, a
//     stopping bot) and every polled one is first stored in inbound_updates,
//     keyed by update_id and sealed (box.go: a citizen's id is never in the
//     database in clear), and deleted once handled;
//   - stored updates run through per-chat queues (the chat id hashed to a
//     worker), so one chat's updates are handled in order, each with a
//     timeout and panic recovery; a repeated update_id is a no-op
//     (processed_updates, in the handler's transaction);
//   - updates stored but not handled (a crash) are handled at the next start,
//     or by any replica's sweep.
//
// go-telegram/bot's own poller and webhook handler do none of this (DESIGN.md
// §9; docs/decisions/0002-inbound-updates.md).
package inbound

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/maphash"
	"log/slog"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-telegram/bot/models"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Handler handles one update (telegram.App.HandleUpdate). It calls settle
// (never nil; once is enough) as soon as the update's outcome is committed
// together with its processed_updates row, before any Bot API call: a
// webhook call waiting on the update is answered then. A handler that never
// calls it is correct, only slower: the waiting call then stores the update,
// unless it is processed already, and it runs again from there.
//
// settle's reply, when not nil, is one Bot API call as a JSON object with
// its "method" field (e.g. {"method":"answerCallbackQuery",…}), which the
// webhook returns as its 200 reply's body, so Telegram makes the call
// without another request from the bot (Bot API, "Making requests when
// getting updates"). settle reports whether it will: false for a stored or
// polled update, a webhook call that stopped waiting, or a second call; the
// handler then makes the call itself. Telegram does not tell the result of
// such a call, so only calls whose failure the bot would ignore belong there.
type Handler func(ctx context.Context, upd *models.Update, settle func(reply []byte) bool)

// job is one update on a chat's queue. w is nil for a stored update, and
// the webhook call's (Deliver) for a delivered one.
type job struct {
	u *models.Update
	w *waiter
}

// waiter is a webhook call waiting for its update to be settled. state
// decides, once, between the handler settling it and the call giving up.
type waiter struct {
	state atomic.Int32 // waiting, settled or gone
	res   chan outcome // buffered, one slot; sent once when settled
}

const (
	waiting int32 = iota
	settled
	gone
)

// outcome is what a webhook call learns: whether its update was settled,
// and the reply that goes with the 200.
type outcome struct {
	ok    bool
	reply []byte
}

// settle hands the outcome to the waiting call, unless it gave up first.
func (w *waiter) settle(o outcome) bool {
	if w == nil || !w.state.CompareAndSwap(waiting, settled) {
		return false
	}
	w.res <- o
	return true
}

// Dispatcher runs stored updates through per-chat queues.
type Dispatcher struct {
	pool    *pgxpool.Pool
	box     *Box
	handle  Handler
	log     *slog.Logger
	timeout time.Duration

	seed   maphash.Seed
	queues []chan job
	wg     sync.WaitGroup

	mu      sync.Mutex
	stopped bool
	active  map[int64]bool // update ids queued or running here
	handled []int64        // handled, not yet deleted from inbound_updates

	stopForget chan struct{}
	forgotten  chan struct{}

	smu       sync.Mutex  // guards the two below (store.go)
	spending  []*storeReq // waiting to be stored
	sflushing bool        // a flushStores is running
}

// DefaultQueues is how many per-chat queues a Dispatcher runs. A queue's
// worker waits for the Bot API after each commit (editMessageText and
// answerCallbackQuery, one round trip of ~40 ms from Vietnam): 16 queues
// capped a bot at 176 presses/s on that latency, 256 keep the CPU the limit.
// The database is not the limit either: workers wait for the pool's
// connections (store.Tune), which are held only for the transaction.
const DefaultQueues = 256

// Options tune a Dispatcher.
type Options struct {
	Box      *Box          // seals stored updates (required)
	Workers  int           // per-chat queues (default DefaultQueues)
	Timeout  time.Duration // per update (default 30s)
	QueueLen int           // updates waiting per queue (default 256)
}

// NewDispatcher starts the workers. Stop them with Stop.
func NewDispatcher(pool *pgxpool.Pool, h Handler, log *slog.Logger, o Options) *Dispatcher {
	if o.Workers <= 0 {
		o.Workers = DefaultQueues
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if o.QueueLen <= 0 {
		o.QueueLen = 256
	}
	if o.Box == nil {
		panic("inbound: NewDispatcher without a Box")
	}
	d := &Dispatcher{pool: pool, box: o.Box, handle: h, log: log, timeout: o.Timeout, seed: maphash.MakeSeed(), active: map[int64]bool{},
		stopForget: make(chan struct{}), forgotten: make(chan struct{})}
	go d.forgetLoop()
	for range o.Workers {
		q := make(chan job, o.QueueLen)
		d.queues = append(d.queues, q)
		d.wg.Add(1)
		go d.work(q)
	}
	return d
}

// ChatOf is the chat whose order an update belongs to (the user for updates
// without a chat; 0 when neither).
func ChatOf(u *models.Update) int64 {
	switch {
	case u.Message != nil:
		return u.Message.Chat.ID
	case u.EditedMessage != nil:
		return u.EditedMessage.Chat.ID
	case u.CallbackQuery != nil:
		if m := u.CallbackQuery.Message.Message; m != nil {
			return m.Chat.ID
		}
		if m := u.CallbackQuery.Message.InaccessibleMessage; m != nil {
			return m.Chat.ID
		}
		return u.CallbackQuery.From.ID
	case u.MyChatMember != nil:
		return u.MyChatMember.Chat.ID
	case u.ChatMember != nil:
		return u.ChatMember.Chat.ID
	}
	return 0
}

// storeSQL writes one sealed update unless it is stored already or was
// handled before (the poller's batches; the webhook's calls go through
// Store).
const storeSQL = `INSERT INTO inbound_updates (update_id, payload)
	SELECT $1, $2 WHERE NOT EXISTS (SELECT 1 FROM processed_updates WHERE update_id = $1)
	ON CONFLICT (update_id) DO NOTHING`

// Submit queues a stored update on its chat's worker. When that queue is
// full or the dispatcher stopped, the update stays stored for the sweep.
func (d *Dispatcher) Submit(u *models.Update) bool {
	return d.enqueue(job{u: u})
}

// Deliver runs a webhook's update, which is not stored, on its chat's worker
// and waits until the handler has settled it (Handler): true then, and the
// update is durable as handled. False when it could not be queued (the queue
// full, the dispatcher stopped, the same update_id queued or running), when
// the handler returned without settling it (it failed), or when wait or ctx
// ran out first: the caller must then store the update (Store, which skips
// it if it was processed meanwhile) before it tells Telegram it arrived.
// reply is the Bot API call the handler settled it with (Settle), or nil.
//
// Handled so, a button press costs no write and no delete of its stored copy
// in inbound_updates: 18 % less CPU per press at 1,000 presses/s (bench
// updates, 6 interleaved pairs: 1.80 → 1.48 ms; docs/decisions/0002).
func (d *Dispatcher) Deliver(ctx context.Context, u *models.Update, wait time.Duration) (ok bool, reply []byte) {
	w := &waiter{res: make(chan outcome, 1)}
	if !d.enqueue(job{u: u, w: w}) {
		return false, nil
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case o := <-w.res:
		return o.ok, o.reply
	case <-t.C:
	case <-ctx.Done():
	}
	if w.state.CompareAndSwap(waiting, gone) {
		return false, nil
	}
	o := <-w.res // settled meanwhile: its reply is owed to Telegram
	return o.ok, o.reply
}

func (d *Dispatcher) enqueue(j job) bool {
	var h maphash.Hash
	h.SetSeed(d.seed)
	var b [8]byte
	c := ChatOf(j.u)
	for i := range b {
		b[i] = byte(c >> (8 * i))
	}
	_, _ = h.Write(b[:])
	q := d.queues[h.Sum64()%uint64(len(d.queues))]
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.stopped || d.active[j.u.ID] {
		return false
	}
	select {
	case q <- j:
		d.active[j.u.ID] = true
		return true
	default:
		if j.w == nil {
			d.log.Warn("inbound: queue full; the update waits for the sweep", "update_id", j.u.ID)
		}
		return false
	}
}

func (d *Dispatcher) work(q chan job) {
	defer d.wg.Done()
	for j := range q {
		d.run(j)
	}
}

// run handles one update with a timeout and panic recovery. A stored update
// is then deleted from inbound_updates; a delivered one is reported to its
// webhook call. The handler's own transaction marks it processed.
func (d *Dispatcher) run(j job) {
	u := j.u
	var once atomic.Bool
	settle := func(reply []byte) bool {
		if !once.CompareAndSwap(false, true) {
			return false
		}
		return j.w.settle(outcome{ok: true, reply: reply}) && reply != nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), d.timeout)
	panicked := false
	func() {
		defer func() {
			if p := recover(); p != nil {
				panicked = true
				d.log.Error("inbound: panic handling update", "update_id", u.ID, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			}
		}()
		d.handle(ctx, u, settle)
	}()
	cancel()
	settled := once.Load()
	d.mu.Lock()
	delete(d.active, u.ID)
	// A stored update goes once settled. One whose handler returned without
	// settling it (its failure could not be recorded: the database was
	// unreachable) stays for the sweep and runs again; one whose handler
	// panicked through goes, so that a poisonous update does not run forever.
	// A webhook call that stopped waiting stores its update, usually while
	// it is still running here: once settled, that copy goes too (one the
	// call stores after the next forget waits for the sweep, a no-op).
	if (j.w == nil && (settled || panicked)) || (j.w != nil && settled && j.w.state.Load() == gone) {
		d.handled = append(d.handled, u.ID)
	}
	d.mu.Unlock()
	// After active is cleared: the call stores the update and submits it,
	// and it runs again from the store.
	if once.CompareAndSwap(false, true) {
		j.w.settle(outcome{})
	}
}

// forget deletes handled updates from inbound_updates, in batches (one
// statement for all handled since the last call). A crash before it only
// means that the next start runs them again, and processed_updates makes that
// a no-op.
func (d *Dispatcher) forget(ctx context.Context) error {
	d.mu.Lock()
	ids := d.handled
	d.handled = nil
	d.mu.Unlock()
	if len(ids) == 0 {
		return nil
	}
	_, err := d.pool.Exec(ctx, `DELETE FROM inbound_updates WHERE update_id = ANY($1)`, ids)
	if err != nil {
		d.mu.Lock()
		d.handled = append(d.handled, ids...)
		d.mu.Unlock()
	}
	return err
}

func (d *Dispatcher) forgetLoop() {
	defer close(d.forgotten)
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			if err := d.forget(ctx); err != nil {
				d.log.Warn("inbound: delete handled updates", "err", err)
			}
			cancel()
		case <-d.stopForget:
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			if err := d.forget(ctx); err != nil {
				d.log.Warn("inbound: delete handled updates", "err", err)
			}
			cancel()
			return
		}
	}
}

// Recover submits the stored updates older than age (0: all), oldest first:
// at start, the ones a crash left; in the sweep, the ones another replica left.
func (d *Dispatcher) Recover(ctx context.Context, age time.Duration) (int, error) {
	rows, err := d.pool.Query(ctx, `SELECT update_id, payload FROM inbound_updates
		WHERE received_at <= now() - make_interval(secs => $1::float8) ORDER BY update_id LIMIT 10000`, age.Seconds())
	if err != nil {
		return 0, err
	}
	var us []*models.Update
	var bad []int64
	for rows.Next() {
		var id int64
		var sealed []byte
		if err := rows.Scan(&id, &sealed); err != nil {
			rows.Close()
			return 0, err
		}
		u := &models.Update{}
		raw, err := d.box.Open(id, sealed)
		if err == nil {
			err = json.Unmarshal(raw, u)
		}
		if err != nil {
			// Sealed under another key or altered: it can never be handled.
			d.log.Error("inbound: unreadable stored update dropped", "update_id", id, "err", err)
			bad = append(bad, id)
			continue
		}
		us = append(us, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	if len(bad) > 0 {
		if _, err := d.pool.Exec(ctx, `DELETE FROM inbound_updates WHERE update_id = ANY($1)`, bad); err != nil {
			return 0, err
		}
	}
	n := 0
	for _, u := range us {
		if d.Submit(u) {
			n++
		}
	}
	if n > 0 {
		d.log.Info("inbound: resumed stored updates", "count", n)
	}
	return n, nil
}

// Sweep runs Recover every interval for updates stored longer than age ago,
// and Prune every hour, until ctx ends.
func (d *Dispatcher) Sweep(ctx context.Context, interval, age time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	var pruned time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := d.Recover(ctx, age); err != nil && ctx.Err() == nil {
				d.log.Warn("inbound: sweep", "err", err)
			}
			if time.Since(pruned) >= time.Hour {
				if _, err := Prune(ctx, d.pool, KeepProcessed); err != nil && ctx.Err() == nil {
					d.log.Warn("inbound: prune processed updates", "err", err)
				} else {
					pruned = time.Now()
				}
			}
		}
	}
}

// KeepProcessed is how long a handled update id is remembered: Telegram
// repeats an unconfirmed update for at most 24 hours, and after a week
// without updates it starts update ids afresh at random, so remembering ids
// for ever would one day swallow a new update as a repeat.
const KeepProcessed = 48 * time.Hour

// Prune forgets update ids handled more than keep ago, in batches of 10,000
// (short transactions); it returns how many.
func Prune(ctx context.Context, pool *pgxpool.Pool, keep time.Duration) (int64, error) {
	var total int64
	for {
		// = ANY(ARRAY(…)): the ids are looked up by primary key. With IN
		// (subquery) PostgreSQL hashed them and scanned the whole table for
		// each batch (275 ms against 16 ms at 2 million rows, measured).
		tag, err := pool.Exec(ctx, `DELETE FROM processed_updates WHERE update_id = ANY(ARRAY(
			SELECT update_id FROM processed_updates WHERE processed_at < now() - make_interval(secs => $1::float8) LIMIT 10000))`,
			keep.Seconds())
		if err != nil {
			return total, err
		}
		total += tag.RowsAffected()
		if tag.RowsAffected() < 10000 {
			return total, nil
		}
	}
}

// Stop takes no more updates and waits for the queued and running ones to
// finish, at most grace; what is left stays stored for the next start. It
// reports whether everything finished.
func (d *Dispatcher) Stop(grace time.Duration) bool {
	d.mu.Lock()
	if d.stopped {
		d.mu.Unlock()
		return true
	}
	d.stopped = true
	for _, q := range d.queues {
		close(q)
	}
	d.mu.Unlock()
	done := make(chan struct{})
	go func() { d.wg.Wait(); close(done) }()
	ok := true
	select {
	case <-done:
	case <-time.After(grace):
		ok = false
	}
	close(d.stopForget)
	<-d.forgotten
	return ok
}
