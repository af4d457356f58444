package delivery

import (
	"context"
	"time"
)

// Marking rows 'sending' is the sender's one database write per message; at
// high rates the marks of requests held at their gate together are written
// in one statement (a group commit): each request still waits for its own
// row's commit before its last byte goes.

// markBatch makes claimed rows 'sending' and advances their chats' pace, in
// one statement, and returns the ids it marked (a row whose claim this
// sender lost is not among them). $3 and $4 are the pace intervals of
// private chats and groups, in seconds. A batch never holds two rows of one
// chat: per-chat order leaves a chat one open claimed row at a time.
//
// The guard on the claim is wrapped in IS TRUE (the same test in a WHERE)
// so that the row is found by its primary key: written plainly it matches
// the partial index outbox_claimed, which statistics taken while nothing
// was claimed make look nearly empty, and the plan then read every row the
// sender had claimed (up to a thousand at 1,000/s) for each mark.
const markBatch = `
	WITH o AS (UPDATE outbox SET state = 'sending', attempts = attempts + 1
	           WHERE id = ANY($1) AND (state = 'claimed' AND claimed_by = $2) IS TRUE RETURNING id, chat_id),
	p AS (INSERT INTO chat_pace (chat_id, tat)
	      SELECT chat_id, clock_timestamp() + make_interval(secs => CASE WHEN chat_id < 0 THEN $4::float8 ELSE $3::float8 END) FROM o
	      ON CONFLICT (chat_id) DO UPDATE SET tat = greatest(chat_pace.tat, clock_timestamp())
	          + make_interval(secs => CASE WHEN excluded.chat_id < 0 THEN $4::float8 ELSE $3::float8 END)
	      RETURNING chat_id, tat)
	SELECT o.id, greatest(extract(epoch FROM p.tat - clock_timestamp())::float8
	           - CASE WHEN o.chat_id < 0 THEN $4::float8 + $6::float8 ELSE $3::float8 + $5::float8 END, 0)
	FROM o JOIN p USING (chat_id)`

type markReq struct {
	id   int64
	done chan markOut
}

// markOut is a mark's outcome: err is nil (marked), errLostClaim or the
// database's error; wait is how long the chat's pace still holds the
// message back (an edit reserved the chat's slot after the row was
// claimed: docs/decisions/0003).
type markOut struct {
	err  error
	wait time.Duration
}

// markWindow is how long the marker gathers requests before writing: none at
// Telegram's usual rates, a few send intervals at paid-broadcast rates.
func (s *Sender) markWindow() time.Duration {
	iv := s.budget.interval
	if iv >= 5*time.Millisecond {
		return 0
	}
	return min(4*iv, 4*time.Millisecond)
}

// mark makes row id 'sending': through the marker at high rates, else alone
// (a serial marker would let one slow statement hold back, then release
// together, the sends queued behind it).
func (s *Sender) mark(ctx context.Context, id int64) (time.Duration, error) {
	if s.marks == nil || s.markWindow() == 0 {
		o := s.markRows(ctx, []markReq{{id: id}})[0]
		return o.wait, o.err
	}
	req := markReq{id: id, done: make(chan markOut, 1)}
	select {
	case s.marks <- req:
	case <-ctx.Done():
		return 0, ctx.Err()
	}
	o := <-req.done
	return o.wait, o.err
}

// markLoop writes the marks of Run's requests until marks is closed.
func (s *Sender) markLoop(ctx context.Context) {
	window := s.markWindow()
	for first := range s.marks {
		batch := []markReq{first}
		if window > 0 {
			t := time.NewTimer(window)
		gather:
			for len(batch) < 64 {
				select {
				case r, ok := <-s.marks:
					if !ok {
						break gather
					}
					batch = append(batch, r)
				case <-t.C:
					break gather
				}
			}
			t.Stop()
		}
		for {
			select {
			case r, ok := <-s.marks: // whatever queued while waiting goes too
				if ok && len(batch) < 64 {
					batch = append(batch, r)
					continue
				}
				if ok {
					s.reply(s.markRows(ctx, batch), batch)
					batch = []markReq{r}
					continue
				}
			default:
			}
			break
		}
		s.reply(s.markRows(ctx, batch), batch)
	}
}

func (s *Sender) reply(errs []markOut, batch []markReq) {
	for i, r := range batch {
		r.done <- errs[i]
	}
}

// markRows runs markBatch for reqs and returns each one's outcome.
func (s *Sender) markRows(ctx context.Context, reqs []markReq) []markOut {
	ids := make([]int64, len(reqs))
	for i, r := range reqs {
		ids[i] = r.id
	}
	priv, privTol := s.limits.chatInterval(1)
	group, groupTol := s.limits.chatInterval(-1)
	outs := make([]markOut, len(reqs))
	rows, err := s.pool.Query(ctx, markBatch, ids, s.ID, priv, group, privTol, groupTol)
	marked := map[int64]float64{}
	if err == nil {
		for rows.Next() {
			var id int64
			var wait float64
			if err = rows.Scan(&id, &wait); err != nil {
				break
			}
			marked[id] = wait
		}
		rows.Close()
		if err == nil {
			err = rows.Err()
		}
	}
	for i, r := range reqs {
		wait, ok := marked[r.id]
		switch {
		case err != nil:
			outs[i].err = err
		case !ok:
			outs[i].err = errLostClaim
		default:
			outs[i].wait = seconds(wait)
		}
	}
	return outs
}
