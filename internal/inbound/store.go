package inbound

import (
	"context"
	"time"

	"github.com/go-telegram/bot/models"
)

// storeManySQL writes sealed updates unless stored already or handled
// before, and returns the ids it wrote. ON CONFLICT DO NOTHING also skips an
// id that comes twice in one batch.
//
// The arrays are read through sub-selects so that a custom plan cannot see
// their length: with it in view, PostgreSQL's plan cache (plan_cache_mode
// auto) finds each custom plan cheaper than the generic one and plans the
// statement again at every call (76 µs of 120 at 500 calls/s, measured).
const storeManySQL = `INSERT INTO inbound_updates (update_id, payload)
	SELECT x.id, x.payload FROM unnest((SELECT $1::bigint[]), (SELECT $2::bytea[])) AS x(id, payload)
	WHERE NOT EXISTS (SELECT 1 FROM processed_updates p WHERE p.update_id = x.id)
	ON CONFLICT (update_id) DO NOTHING
	RETURNING update_id`

// maxStoreBatch caps the updates written by one statement.
const maxStoreBatch = 256

// storeTimeout bounds one batch's statement: a webhook call waiting on it
// answers 503 (Telegram retries) rather than hang.
const storeTimeout = 10 * time.Second

// storeReq is one update waiting to be stored.
type storeReq struct {
	id     int64
	sealed []byte
	done   chan storeRes // buffered: the flusher never blocks on it
}

type storeRes struct {
	stored bool
	err    error
}

// Store writes the update, sealed (Box), to inbound_updates unless it is
// stored already or was handled before; true when it was written (and must
// be submitted). It returns after the row is committed.
//
// Calls that arrive together are written by one statement (a group commit:
// while one batch is being written, the next gathers, with no timer), so at
// a thousand webhook calls a second PostgreSQL commits a few batches, not a
// thousand rows one by one. A call whose ctx ends first returns ctx's error;
// its update may still be stored, and the sweep then handles it.
func (d *Dispatcher) Store(ctx context.Context, u *models.Update, raw []byte) (bool, error) {
	r := &storeReq{id: u.ID, sealed: d.box.Seal(u.ID, raw), done: make(chan storeRes, 1)}
	d.smu.Lock()
	d.spending = append(d.spending, r)
	lead := !d.sflushing
	d.sflushing = true
	d.smu.Unlock()
	if lead {
		go d.flushStores()
	}
	select {
	case res := <-r.done:
		return res.stored, res.err
	case <-ctx.Done():
		return false, ctx.Err()
	}
}

// flushStores writes the waiting updates, batch after batch, until none is
// left; one runs at a time.
func (d *Dispatcher) flushStores() {
	for {
		d.smu.Lock()
		n := min(len(d.spending), maxStoreBatch)
		if n == 0 {
			d.sflushing = false
			d.smu.Unlock()
			return
		}
		batch := d.spending[:n:n]
		d.spending = append([]*storeReq(nil), d.spending[n:]...)
		d.smu.Unlock()
		d.storeBatch(batch)
	}
}

func (d *Dispatcher) storeBatch(batch []*storeReq) {
	ids := make([]int64, len(batch))
	payloads := make([][]byte, len(batch))
	for i, r := range batch {
		ids[i], payloads[i] = r.id, r.sealed
	}
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	written := make(map[int64]bool, len(batch))
	rows, err := d.pool.Query(ctx, storeManySQL, ids, payloads)
	if err == nil {
		for rows.Next() {
			var id int64
			if err = rows.Scan(&id); err != nil {
				break
			}
			written[id] = true
		}
		rows.Close()
		if err == nil {
			err = rows.Err()
		}
	}
	for _, r := range batch {
		if err != nil {
			r.done <- storeRes{err: err}
			continue
		}
		// The same update twice in one batch: the first call submits it.
		r.done <- storeRes{stored: written[r.id]}
		delete(written, r.id)
	}
}
