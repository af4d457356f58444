package telegram

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/go-telegram/bot"
)

// editRetries keeps a card's edit that Telegram refused for a passing reason
// (429 flood control, a 5xx, a timeout) and makes it again later: after
// retry_after, or 1, 2, 4, 8 s. Only the newest edit of a message waits; a
// newer one replaces it, and an older one never lands after a newer one
// (one request at a time per message, the outdated ones skipped). A person
// pressing score buttons faster than the chat's limit so sees their last
// score, not the one before. Edits refused for good (400, 403) are dropped:
// the next press rebuilds the card from the database anyway.
type editRetries struct {
	mu   sync.Mutex
	msgs map[msgKey]*msgEdits
}

type msgKey struct {
	chat int64
	msg  int
}

// msgEdits is one message's edits: fields but send guarded by editRetries.mu.
type msgEdits struct {
	send    sync.Mutex // one request at a time for this message
	gen     uint64     // the newest edit begun
	users   int        // calls holding this entry
	waiting *edit      // the newest edit refused, due again at its timer
	waitGen uint64
	tries   int
}

// maxEditTries bounds the attempts of one edit (the first included).
const maxEditTries = 5

// editNow edits the pressed message, retrying later when Telegram refuses
// for a passing reason.
func (a *App) editNow(ctx context.Context, e *edit) {
	m, gen := a.edits.begin(msgKey{e.chatID, e.messageID})
	a.editGen(ctx, m, e, gen, 1)
}

// editGen sends edit gen of m unless a newer one has begun, and on a passing
// refusal leaves it waiting. tries counts this attempt.
func (a *App) editGen(ctx context.Context, m *msgEdits, e *edit, gen uint64, tries int) {
	key := msgKey{e.chatID, e.messageID}
	m.send.Lock()
	if a.edits.outdated(m, gen) {
		m.send.Unlock()
		a.edits.release(key, m)
		return
	}
	err := a.editOnce(ctx, e)
	m.send.Unlock()
	if err == nil {
		a.edits.release(key, m)
		return
	}
	wait, again := retryAfter(err, tries)
	if !again || tries >= maxEditTries {
		a.Log.Warn("editMessageText failed", "err", err, "tries", tries)
		a.edits.release(key, m)
		return
	}
	if !a.edits.park(m, e, gen, tries) {
		a.edits.release(key, m) // a newer edit has begun meanwhile
		return
	}
	time.AfterFunc(wait, func() {
		e, gen, tries, ok := a.edits.unpark(m)
		if !ok {
			a.edits.release(key, m)
			return
		}
		rctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		a.editGen(rctx, m, e, gen, tries+1)
	})
}

// retryAfter says whether an edit refused with err may succeed later, and
// when to try: Telegram's retry_after for 429, else 1, 2, 4, 8 s by attempt.
func retryAfter(err error, tries int) (time.Duration, bool) {
	var tm *bot.TooManyRequestsError
	switch {
	case errors.As(err, &tm):
		return time.Duration(max(tm.RetryAfter, 1)) * time.Second, true
	case errors.Is(err, bot.ErrorBadRequest), errors.Is(err, bot.ErrorForbidden), errors.Is(err, bot.ErrorUnauthorized),
		errors.Is(err, bot.ErrorNotFound), errors.Is(err, bot.ErrorConflict), errors.Is(err, context.Canceled):
		return 0, false
	}
	return time.Second << min(tries-1, 3), true
}

// begin starts a new edit of key: it is the newest, and a waiting older one
// is dropped.
func (r *editRetries) begin(key msgKey) (*msgEdits, uint64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.msgs == nil {
		r.msgs = map[msgKey]*msgEdits{}
	}
	m := r.msgs[key]
	if m == nil {
		m = &msgEdits{}
		r.msgs[key] = m
	}
	m.gen++
	m.users++
	m.waiting = nil
	return m, m.gen
}

func (r *editRetries) outdated(m *msgEdits, gen uint64) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return gen != m.gen
}

// park leaves e waiting unless a newer edit has begun; the caller's hold on
// m passes to the timer.
func (r *editRetries) park(m *msgEdits, e *edit, gen uint64, tries int) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if gen != m.gen {
		return false
	}
	m.waiting, m.waitGen, m.tries = e, gen, tries
	return true
}

// unpark takes the waiting edit, if it is still the newest.
func (r *editRetries) unpark(m *msgEdits) (*edit, uint64, int, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e := m.waiting
	m.waiting = nil
	if e == nil || m.waitGen != m.gen {
		return nil, 0, 0, false
	}
	return e, m.waitGen, m.tries, true
}

// release ends a call's hold on m; the last one forgets the message.
func (r *editRetries) release(key msgKey, m *msgEdits) {
	r.mu.Lock()
	defer r.mu.Unlock()
	m.users--
	if m.users == 0 && m.waiting == nil && r.msgs[key] == m {
		delete(r.msgs, key)
	}
}

// pendingEdits is how many messages have an edit in flight or waiting
// (tests).
func (r *editRetries) pendingEdits() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.msgs)
}
