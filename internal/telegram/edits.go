package telegram

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/go-telegram/bot"

	"evalbot/internal/delivery"
)

// editRetries brings each pressed message to its newest card. One sender at
// a time per message makes the edits: the first right away, in the update's
// worker; when Telegram refuses for a passing reason (429 flood control, a
// 5xx, a timeout), the same sender tries again later (after retry_after, or
// 1, 2, 4, 8 s), with whatever edit is newest by then. A press made
// meanwhile only replaces the edit to make and returns, so a worker never
// waits for another press's request, and an older card never goes out after
// a newer one. A request left without reply may still be applied by
// Telegram after a newer one; the newest edit is then made once more,
// confirmDelay later. Edits refused for good (400, 403) are dropped: the
// next press rebuilds the card from the database anyway. Only this process's
// edits are ordered. An edit a state change requires is also in card_edits,
// written in the change's transaction, until Telegram takes it: a retry
// waiting when the process stops is made at the next start (ResumeEdits).
type editRetries struct {
	mu   sync.Mutex
	msgs map[msgKey]*msgEdits
}

type msgKey struct {
	chat int64
	msg  int
}

// msgEdits is one message's state while a sender (a request in flight, or
// a timer) owns it; guarded by editRetries.mu.
type msgEdits struct {
	want   *edit  // the newest edit asked for
	gen    uint64 // counts the edits asked for; want's number
	tries  int    // attempts for want
	unsure bool   // a request went unanswered: it may still land
}

// maxEditTries bounds the attempts of one edit (the first included).
const maxEditTries = 5

// editBackoff is the first wait after a 5xx or a timeout; it doubles, to 8×.
// confirmDelay is how long a request without reply may still be applied.
// Variables for the tests.
var (
	editBackoff  = time.Second
	confirmDelay = 3 * time.Second
)

// editNow asks for e to be shown and, unless a sender owns the message
// already, makes the edit now, or when the chat's pace allows (e.wait, the
// slot reserved with the change: delivery.QueueCardEdit, QueueReserve).
func (a *App) editNow(ctx context.Context, e *edit) {
	e = a.fitEdit(e)
	key := msgKey{e.chatID, e.messageID}
	if a.stopped.Load() || !a.edits.want(key, e) {
		return
	}
	if e.wait > 0 {
		a.sendEditsAfter(key, e.wait, false)
		return
	}
	a.sendEdits(ctx, key)
}

// sendEditsAfter hands the message's sender to a timer; pace: take a new
// slot of the chat's pace first (a retry).
func (a *App) sendEditsAfter(key msgKey, wait time.Duration, pace bool) {
	time.AfterFunc(wait, func() {
		rctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if pace {
			if d := a.paceEdit(rctx, key); d > 0 {
				a.sendEditsAfter(key, d, false)
				return
			}
		}
		a.sendEdits(rctx, key)
	})
}

// paceEdit reserves a slot of the chat's pace for a retried edit of key and
// says how long to wait for it: the chat's shared pace for a chat the
// database knows, this process's limiter for another (a citizen's).
func (a *App) paceEdit(ctx context.Context, key msgKey) time.Duration {
	if a.edits.known(key) || key.chat < 0 {
		d, err := delivery.ReserveChat(ctx, a.Pool, a.limits(), key.chat)
		if err != nil {
			a.Log.Warn("edit: chat pace", "err", err)
		}
		return d
	}
	return a.local.reserve(a.limits(), key.chat)
}

// sendEdits is the message's sender: it makes the newest edit until none is
// left, or hands itself to a timer.
func (a *App) sendEdits(ctx context.Context, key msgKey) {
	for {
		if a.stopped.Load() {
			return // as a killed process: card_edits keeps what is left
		}
		e, gen, tries, ok := a.edits.next(key)
		if !ok {
			return
		}
		err := a.editOnce(ctx, e)
		var wait time.Duration
		again, unsure := false, false
		var tm *bot.TooManyRequestsError
		if err != nil {
			wait, again = retryAfter(err, tries)
			unsure = again && !errors.As(err, &tm) // no clear refusal: it may have been applied
		}
		if errors.As(err, &tm) {
			// Every message to the chat waits as told, the outbox's too.
			a.pauseChat(ctx, e.chatID, e.known, wait)
		}
		if e.gen > 0 && (err == nil || !again) {
			a.cardEditDone(e) // taken, or refused for good: nothing left to send
		}
		next, wait := a.edits.done(key, gen, err == nil, again, unsure, wait)
		switch next {
		case editsFinished:
			return
		case editsGiveUp:
			a.Log.Warn("editMessageText failed", "err", err, "tries", tries)
			return
		case editsLater:
			a.sendEditsAfter(key, wait, true)
			return
		}
	}
}

// retryAfter says whether an edit refused with err may succeed later, and
// when to try: Telegram's retry_after for 429, else editBackoff doubled by
// attempt (tries made so far, this one included).
func retryAfter(err error, tries int) (time.Duration, bool) {
	var tm *bot.TooManyRequestsError
	switch {
	case errors.As(err, &tm):
		return time.Duration(max(tm.RetryAfter, 1)) * time.Second, true
	case errors.Is(err, bot.ErrorBadRequest), errors.Is(err, bot.ErrorForbidden), errors.Is(err, bot.ErrorUnauthorized),
		errors.Is(err, bot.ErrorNotFound), errors.Is(err, bot.ErrorConflict), errors.Is(err, context.Canceled),
		errors.As(err, new(*bot.MigrateError)):
		return 0, false
	}
	return editBackoff << min(max(tries-1, 0), 3), true
}

// known reports whether the chat of key's newest edit is paced by the
// database (chat_pace: an official's chat, a group).
func (r *editRetries) known(key msgKey) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	m := r.msgs[key]
	return m != nil && m.want.known
}

// owns reports whether a sender owns message key with card edit gen (its
// card_edits generation) as the edit to make.
func (r *editRetries) owns(key msgKey, gen int64) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	m := r.msgs[key]
	return m != nil && m.want.known && m.want.gen == gen
}

// want records e as the edit to make; true when the caller is to send it
// (no sender owns the message).
func (r *editRetries) want(key msgKey, e *edit) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.msgs == nil {
		r.msgs = map[msgKey]*msgEdits{}
	}
	m := r.msgs[key]
	owned := m != nil
	if !owned {
		m = &msgEdits{}
		r.msgs[key] = m
	}
	m.want, m.tries = e, 0
	m.gen++
	return !owned
}

// next gives the sender the edit to make, with its number and attempt.
func (r *editRetries) next(key msgKey) (*edit, uint64, int, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	m := r.msgs[key]
	if m == nil {
		return nil, 0, 0, false
	}
	m.tries++
	return m.want, m.gen, m.tries, true
}

// What the sender does after a request.
const (
	editsNext     = iota // make the newest edit now
	editsFinished        // nothing left: the sender stops
	editsGiveUp          // the edit is dropped, none newer: the sender stops
	editsLater           // try again after the wait returned
)

// done records a request's outcome for edit gen and says what comes next:
// a newer edit goes at once after a success or a final refusal, and after
// a passing refusal when the wait is over (sending it sooner would be
// refused too).
func (r *editRetries) done(key msgKey, gen uint64, ok, again, unsure bool, wait time.Duration) (int, time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	m := r.msgs[key]
	m.unsure = m.unsure || unsure
	newer := m.gen != gen
	switch {
	case ok && newer:
		return editsNext, 0
	case ok && m.unsure:
		m.unsure, m.tries = false, maxEditTries-1 // one more, and no retry of it
		return editsLater, confirmDelay
	case ok:
		delete(r.msgs, key)
		return editsFinished, 0
	case again && m.tries < maxEditTries:
		return editsLater, wait
	case newer:
		return editsNext, 0
	}
	delete(r.msgs, key)
	return editsGiveUp, 0
}

// pendingEdits is how many messages a sender owns (tests).
func (r *editRetries) pendingEdits() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.msgs)
}
