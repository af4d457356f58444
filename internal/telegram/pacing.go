package telegram

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"golang.org/x/time/rate"

	"evalbot/internal/delivery"
)

// What the bot sends outside the outbox — a card's edit after a press, a
// reply to a stranger or a citizen, a failure notice, a document — keeps to
// Telegram's per-chat limit with the outbox's sends and honours retry_after
// (docs/decisions/0003-telegram-limits-and-durable-edits.md):
//   - to a chat the database knows (an official's, a group), through the
//     chat's shared pace (chat_pace), reserved in the change's transaction
//     for an edit, or just before the request otherwise;
//   - to any other chat (a citizen's, a stranger's: their ids are never
//     stored), through this process's limiter of that chat;
//   - a 429 is waited out (retry_after) and the request made again.

// limits are the per-chat limits the bot keeps (DefaultLimits when unset).
func (a *App) limits() delivery.Limits {
	if a.Limits == (delivery.Limits{}) {
		return delivery.DefaultLimits
	}
	return a.Limits
}

// localPace is this process's per-chat limiter for chats the database does
// not know. Entries idle for a minute are dropped.
type localPace struct {
	mu    sync.Mutex
	chats map[int64]*localChat
	swept time.Time
}

type localChat struct {
	lim   *rate.Limiter
	used  time.Time
	until time.Time // a 429's retry_after: nothing before
}

// reserve takes the chat's next slot and returns how long to wait for it.
func (p *localPace) reserve(l delivery.Limits, chatID int64) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if p.chats == nil {
		p.chats = map[int64]*localChat{}
	}
	if now.Sub(p.swept) > time.Minute {
		for id, c := range p.chats {
			if now.Sub(c.used) > time.Minute {
				delete(p.chats, id)
			}
		}
		p.swept = now
	}
	c := p.chats[chatID]
	if c == nil {
		// A little stricter than Telegram, as the shared pace is
		// (Limits.Margin): a request lands a varying while after
		// its slot.
		iv, burst := 1/l.PerChatSecond, l.PerChatBurst
		if chatID < 0 {
			iv, burst = 60/l.GroupPerMinute, l.GroupBurst
		}
		iv += l.Margin(iv)
		c = &localChat{lim: rate.NewLimiter(rate.Every(time.Duration(iv*float64(time.Second))), max(burst, 1))}
		p.chats[chatID] = c
	}
	c.used = now
	at := now.Add(c.lim.ReserveN(now, 1).DelayFrom(now))
	if at.Before(c.until) {
		at = c.until
	}
	return at.Sub(now)
}

// pause holds the chat's limiter back for d (a 429's retry_after).
func (p *localPace) pause(chatID int64, d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if c := p.chats[chatID]; c != nil {
		c.until = time.Now().Add(d)
	}
}

// pauseChat makes every message to chatID wait d after a 429: the shared
// pace of a known chat (the outbox's sends too), else this process's.
func (a *App) pauseChat(ctx context.Context, chatID int64, known bool, d time.Duration) {
	if known || chatID < 0 {
		if err := delivery.PauseChat(ctx, a.Pool, chatID, d); err != nil {
			a.Log.Warn("chat pace after a 429", "err", err)
		}
		return
	}
	a.local.pause(chatID, d)
}

// postDirect sends params (a message to a stranger, a citizen, or a notice
// whose transaction rolled back) at once, not through the outbox: after the
// chat's pace allows it, and again after a 429's retry_after (up to 5
// tries). known: the chat is an official's or a group (its pace is shared
// with the outbox). Its text is fitted to Telegram's limit (fitText).
// Failures are logged without ids.
func (a *App) postDirect(ctx context.Context, known bool, p *bot.SendMessageParams) {
	p.Text = a.fitText(p.Text, delivery.MaxText, "sendMessage")
	a.direct(ctx, known, p.ChatID.(int64), func(ctx context.Context) error {
		_, err := a.Bot.SendMessage(ctx, p)
		return err
	})
}

// direct makes one request to chatID that counts against its pace, waiting
// for the pace and for retry_after as postDirect says.
func (a *App) direct(ctx context.Context, known bool, chatID int64, call func(ctx context.Context) error) error {
	var err error
	for try := 0; try < 5; try++ {
		var wait time.Duration
		if known || chatID < 0 {
			wait, err = delivery.ReserveChat(ctx, a.Pool, a.limits(), chatID)
			if err != nil {
				a.Log.Warn("direct send: chat pace", "err", err)
			}
		} else {
			wait = a.local.reserve(a.limits(), chatID)
		}
		if !sleepCtx(ctx, wait) {
			return ctx.Err()
		}
		err = call(ctx)
		var tm *bot.TooManyRequestsError
		if !errors.As(err, &tm) {
			break
		}
		d := time.Duration(max(tm.RetryAfter, 1)) * time.Second
		a.pauseChat(ctx, chatID, known, d)
		if !sleepCtx(ctx, d) {
			return ctx.Err()
		}
	}
	if err != nil && !errors.Is(err, bot.ErrorForbidden) {
		a.Log.Warn("direct send failed", "err", scrubToken(err))
	}
	return err
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// directMsg is a message for postDirect, made once the update's transaction
// has committed; or, when file is set, a file sent then (sendFile).
type directMsg struct {
	known  bool
	params *bot.SendMessageParams
	file   *directFile
}

// queueDirect has m sent directly to the sender's chat after the commit
// (postDirect): a stranger's or a citizen's reply, which the outbox must not
// keep.
func (t *turn) queueDirect(text string, markup models.ReplyMarkup) {
	t.direct = append(t.direct, directMsg{params: &bot.SendMessageParams{
		ChatID: t.chatID, Text: text, ParseMode: models.ParseModeHTML, ReplyMarkup: markup,
		LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: bot.True()},
	}})
}

// Stop drops the edits waiting in memory (retries, paced edits), as a
// killed process would lose them; those a state change required stay in
// card_edits for the next start (ResumeEdits). Tests use it to stage a crash.
func (a *App) Stop() { a.stopped.Store(true) }

// PendingEdits is how many messages have an edit in progress (the
// simulation waits for none).
func (a *App) PendingEdits() int { return a.edits.pendingEdits() }

// RecordEditsDone removes now the card_edits rows of the edits Telegram
// took (done every 20 ms otherwise; tests).
func (a *App) RecordEditsDone() { a.flushDoneEdits() }

// ResumeEdits makes the card edits a previous process left unconfirmed
// (card_edits): called at start, so that after a crash every card comes to
// show its state. Each one takes its slot of the chat's pace.
func (a *App) ResumeEdits(ctx context.Context) error { return a.resumeEdits(ctx, 0) }

// SweepEdits runs ResumeEdits now, then every interval for the edits asked
// for more than olderThan ago (a replica that died with them), until ctx
// ends. An edit made twice is harmless: "message is not modified" is
// success.
func (a *App) SweepEdits(ctx context.Context, every, olderThan time.Duration) {
	var age time.Duration
	for {
		if err := a.resumeEdits(ctx, age); err != nil && ctx.Err() == nil {
			a.Log.Warn("card edits: resume", "err", err)
		}
		age = olderThan
		if !sleepCtx(ctx, every) {
			return
		}
	}
}

func (a *App) resumeEdits(ctx context.Context, olderThan time.Duration) error {
	rows, err := delivery.PendingCardEdits(ctx, a.Pool, olderThan)
	if err != nil {
		return err
	}
	for _, r := range rows {
		if a.editTaken(r) {
			continue
		}
		wait, err := delivery.ReserveChat(ctx, a.Pool, a.limits(), r.ChatID)
		if err != nil {
			return err
		}
		a.editNow(ctx, &edit{chatID: r.ChatID, messageID: r.MessageID, text: r.Text, kb: r.Keyboard, gen: r.Gen, wait: wait, known: true})
	}
	return nil
}

// editTaken reports whether this process has card edit r in hand: Telegram
// took it and its row waits for deletion (cardEditDone), or a sender of
// this process owns it (in flight, or waiting for its slot). FlushCards,
// called after each decision of another face, then leaves it: sending it
// again would cost the chat a slot of its pace for «message is not
// modified» (a form posted twice).
func (a *App) editTaken(r delivery.PendingCardEdit) bool {
	a.doneMu.Lock()
	for _, d := range a.doneEdits {
		if d.ChatID == r.ChatID && d.MessageID == r.MessageID && d.Gen == r.Gen {
			a.doneMu.Unlock()
			return true
		}
	}
	a.doneMu.Unlock()
	return a.edits.owns(msgKey{r.ChatID, r.MessageID}, r.Gen)
}

// cardEditDone has e's card_edits row deleted, with the others done within
// 20 ms, in one statement.
func (a *App) cardEditDone(e *edit) {
	a.doneMu.Lock()
	defer a.doneMu.Unlock()
	a.doneEdits = append(a.doneEdits, delivery.PendingCardEdit{
		CardEdit: delivery.CardEdit{ChatID: e.chatID, MessageID: e.messageID}, Gen: e.gen})
	if len(a.doneEdits) == 1 {
		time.AfterFunc(20*time.Millisecond, a.flushDoneEdits)
	}
}

func (a *App) flushDoneEdits() {
	if a.stopped.Load() {
		return
	}
	a.doneMu.Lock()
	done := a.doneEdits
	a.doneEdits = nil
	a.doneMu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := delivery.CardEditsDone(ctx, a.Pool, done); err != nil {
		// Left in card_edits: the next start makes them again ("message is
		// not modified" is success).
		a.Log.Warn("card edits: record done", "err", err)
	}
}
