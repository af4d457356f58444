package delivery

import (
	"context"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Limits are Telegram's send limits as the sender applies them (DESIGN.md §5).
// They are enforced in PostgreSQL, so that every replica shares them: the
// global rate as send slots handed out by the rate_budget row, the per-chat
// rates as a GCRA per chat (chat_pace).
type Limits struct {
	PerSecond      float64 // all chats together; Telegram allows about 30 (more for paid broadcasts)
	PerChatSecond  float64 // one private chat; Telegram allows about 1
	PerChatBurst   int     // messages a private chat may get at once before the 1/s spacing applies
	GroupPerMinute float64 // one group; Telegram allows 20
	GroupBurst     int
	// PaceMargin, when set, is how much stricter than Telegram's the
	// per-chat pace is, instead of paceMargin's: the simulation, whose
	// limits run faster than real time (sim.Speed), keeps production's
	// 50 ms for the same jitter of a loaded machine.
	PaceMargin time.Duration
}

// DefaultLimits are Telegram's documented broadcast limits.
var DefaultLimits = Limits{PerSecond: 30, PerChatSecond: 1, PerChatBurst: 3, GroupPerMinute: 20, GroupBurst: 1}

func (l Limits) normalized() Limits {
	if l.PerSecond <= 0 {
		l.PerSecond = DefaultLimits.PerSecond
	}
	if l.PerChatSecond <= 0 {
		l.PerChatSecond = DefaultLimits.PerChatSecond
	}
	if l.PerChatBurst < 1 {
		l.PerChatBurst = 1
	}
	if l.GroupPerMinute <= 0 {
		l.GroupPerMinute = DefaultLimits.GroupPerMinute
	}
	if l.GroupBurst < 1 {
		l.GroupBurst = 1
	}
	return l
}

// paceMargin is how much stricter than Telegram's the per-chat pace is, for
// an interval of iv seconds: 50 ms at Telegram's 1/s (a tenth of smaller
// intervals). The pace is advanced when a send is marked and the request
// lands a little later, by a delay that varies; at the edge of a burst that
// variance alone made the fake API refuse one send in a CI run.
func paceMargin(iv float64) float64 { return min(0.05, iv/10) }

// Margin is how much stricter than Telegram's the pace of a chat whose
// messages are iv seconds apart is, in seconds: PaceMargin, or paceMargin.
// Also for a pace kept outside the database (a chat whose id is not
// stored: telegram's direct replies).
func (l Limits) Margin(iv float64) float64 {
	if l.PaceMargin > 0 {
		return min(l.PaceMargin.Seconds(), iv/2)
	}
	return paceMargin(iv)
}

// chatInterval is the spacing of messages to one chat, and the tolerance
// (burst-1 intervals, less paceMargin) of GCRA, in seconds. Group ids are
// negative.
func (l Limits) chatInterval(chatID int64) (interval, tolerance float64) {
	if chatID < 0 {
		iv := 60 / l.GroupPerMinute
		return iv, iv*float64(l.GroupBurst-1) - l.Margin(iv)
	}
	iv := 1 / l.PerChatSecond
	return iv, iv*float64(l.PerChatBurst-1) - l.Margin(iv)
}

// budget hands out global send slots. Slots come from the shared rate_budget
// row in grants of a few (one UPDATE per grant), spaced by 1/rate across all
// replicas; a slot is used at or after its time, never before, and a slot
// gone stale (the sender could not use it in time) is dropped, so that late
// sends cannot bunch into a burst.
type budget struct {
	pool     *pgxpool.Pool
	interval time.Duration
	grant    int
	stale    time.Duration
	catchUp  time.Duration

	mu     sync.Mutex
	slots  []time.Time
	wasted int64
	grants int64
}

func newBudget(pool *pgxpool.Pool, perSecond float64) *budget {
	iv0 := time.Duration(float64(time.Second) / perSecond)
	grant := int(perSecond * 0.02) // about 20 ms of sending per grant
	grant = min(max(grant, 1), 64)
	// A slot may be used up to stale late, and a request reaches Telegram
	// up to sendJitter later than another sent at the same time. Telegram
	// counts the messages of any one second, so the slots are spaced to put
	// at most perSecond sends in any 1 s + stale + sendJitter: at 30/s that
	// is 28.8 a second, never 31 (as a spacing of exactly 1/rate allowed).
	// At high rates, where timers are not that precise, stale is 25 ms.
	stale := min(iv0/2, maxStale)
	if iv0 < 5*time.Millisecond {
		stale = maxStale
	}
	iv := time.Duration(float64(time.Second+stale+sendJitter) / perSecond)
	// Catching up only matters when slots are closer than a timer wakes up
	// reliably on a busy machine; at Telegram's usual 30/s it would only
	// bunch messages.
	var catchUp time.Duration
	if iv < 5*time.Millisecond {
		catchUp = 20 * time.Millisecond
	}
	return &budget{pool: pool, interval: iv, grant: grant, stale: stale, catchUp: catchUp}
}

// maxStale is how late a global slot may be used; sendJitter is how much
// later one request may reach the Bot API than another sent with it.
const (
	maxStale   = 25 * time.Millisecond
	sendJitter = 25 * time.Millisecond
)

// next returns the time of the next slot (possibly in the future).
func (b *budget) next(ctx context.Context, want int) (time.Time, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := time.Now()
	for len(b.slots) > 0 && b.slots[0].Before(now.Add(-b.stale)) {
		b.slots = b.slots[1:]
		b.wasted++
	}
	if len(b.slots) == 0 {
		k := min(max(want, 1), b.grant)
		var lead float64
		// A grant may start up to catchUp in the past: a sender woken late
		// (a busy machine) recovers the time instead of losing it for good.
		err := b.pool.QueryRow(ctx, `UPDATE rate_budget SET tat = greatest(tat, clock_timestamp() - make_interval(secs => $3::float8)) + $1 * make_interval(secs => $2::float8)
			WHERE name = 'global'
			RETURNING extract(epoch FROM (tat - $1 * make_interval(secs => $2::float8) - clock_timestamp()))::float8`,
			k, b.interval.Seconds(), b.catchUp.Seconds()).Scan(&lead)
		if err != nil {
			return time.Time{}, err
		}
		b.grants++
		first := time.Now().Add(time.Duration(lead * float64(time.Second)))
		for i := range k {
			b.slots = append(b.slots, first.Add(time.Duration(i)*b.interval))
		}
	}
	t := b.slots[0]
	b.slots = b.slots[1:]
	return t, nil
}

// pause drops the slots held and pushes the shared budget past d, for every
// replica (a 429's retry_after).
func (b *budget) pause(ctx context.Context, d time.Duration) error {
	b.mu.Lock()
	b.wasted += int64(len(b.slots))
	b.slots = nil
	b.mu.Unlock()
	_, err := b.pool.Exec(ctx, `UPDATE rate_budget SET tat = greatest(tat, clock_timestamp() + make_interval(secs => $1::float8)) WHERE name = 'global'`, d.Seconds())
	return err
}
