// Package telegram is the bot's Telegram adapter: it turns updates (messages,
// callback queries) into one database transaction each, renders every reply
// in the person's language, and answers each callback query exactly once.
package telegram

import (
	"context"
	"errors"
	"fmt"
	stdhtml "html"
	"log/slog"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"evalbot/internal/calendar"
	"evalbot/internal/delivery"
	"evalbot/internal/evaluation"
	"evalbot/internal/grading"
	"evalbot/internal/locale"
	"evalbot/internal/roster"
	"evalbot/internal/store"
)

// App handles updates. It is safe for concurrent use; state lives in PostgreSQL.
type App struct {
	Pool        *pgxpool.Pool
	Bot         *bot.Bot
	Cat         *locale.Catalog
	Cal         *calendar.Calendar
	Now         func() time.Time
	Log         *slog.Logger
	BotUsername string
	// BoardURL is the review board's Mini App page (EVALBOT_PUBLIC_URL/tg),
	// only when that is https (Telegram opens no other): the web_app buttons
	// and the reviewers' menu button open it; "" for none.
	BoardURL string
	// MiniAppName is the Mini App's short name at @BotFather
	// (EVALBOT_MINIAPP_NAME): groups get a t.me/<bot>/<name>?startapp= link.
	MiniAppName string
	// PublishDay is the working day of the next month on which a month is
	// published (schedule.Times.PublishDay); 0 is calendar.DefaultPublishDay.
	PublishDay int
	// Kick, when set, wakes the outbox sender after a commit that enqueued messages.
	Kick func()
	// Done, when set, is called after each update is fully handled (tests, the demo).
	Done func(updateID int64)
	// BeforeRoute, when set, runs in each new update's transaction before the
	// handlers (inbound.Reachability: a /start makes a person reachable again).
	// It must not write for a callback query: a score press has committed by
	// then (turn.press).
	BeforeRoute func(ctx context.Context, tx pgx.Tx, upd *models.Update) error
	// API, when set, makes the edit and the answer after each callback
	// query instead of Bot (BotAPI: one JSON POST each, cheaper).
	API *BotAPI

	// Limits are the per-chat limits kept for what is sent outside the
	// outbox (edits, direct replies), as the sender's (DefaultLimits when
	// unset).
	Limits delivery.Limits

	fwMu sync.Mutex
	fws  map[string]*grading.Framework

	edits     editRetries
	local     localPace
	stopped   atomic.Bool
	doneMu    sync.Mutex
	doneEdits []delivery.PendingCardEdit

	pressOnce sync.Once
	pressCrit [][]byte // pressCriteria, by button position
}

// pressCriteria is evaluation.PressCriteria over every shipped framework for
// the criterion at button position i; nil when no framework has one there.
func (a *App) pressCriteria(i int) []byte {
	a.pressOnce.Do(func() {
		var fws []*grading.Framework
		n := 0
		for _, id := range grading.Presets() {
			if fw, err := a.Framework(id); err == nil {
				fws, n = append(fws, fw), max(n, len(fw.General))
			}
		}
		for j := range n {
			a.pressCrit = append(a.pressCrit, evaluation.PressCriteria(fws, j))
		}
	})
	if i < 0 || i >= len(a.pressCrit) {
		return nil
	}
	return a.pressCrit[i]
}

// Framework returns the preset or loaded framework with id, cached.
func (a *App) Framework(id string) (*grading.Framework, error) {
	a.fwMu.Lock()
	defer a.fwMu.Unlock()
	if f, ok := a.fws[id]; ok {
		return f, nil
	}
	f, err := grading.Preset(id)
	if err != nil {
		return nil, err
	}
	if a.fws == nil {
		a.fws = map[string]*grading.Framework{}
	}
	a.fws[id] = f
	return f, nil
}

// turn is one update being handled: the transaction, who sent it, and what
// to do with the pressed message once the transaction commits.
type turn struct {
	ctx    context.Context
	tx     pgx.Tx
	upd    *models.Update
	me     *roster.Official // nil for a stranger
	lang   string
	userID int64
	chatID int64
	cq     *models.CallbackQuery

	// The sender's roster row, read with the update's dedup (a button
	// press): route uses it instead of reading it again.
	pre    *roster.Official
	preErr error
	// The assessment a score button names, read in the same round trip.
	preAs *preAssessment
	// A score press applied in that round trip, whose COMMIT it also
	// carried: when set, the transaction has ended before route runs, and
	// nothing route does for the update may write (t.tx is closed; its
	// Conn reads, outside any transaction).
	press *evaluation.PressResult

	answer   *answer
	edit     *edit
	enqueued bool
	// direct are messages sent after the commit, not through the outbox
	// (a stranger's or a citizen's replies).
	direct []directMsg
	// afterCommit are requests made after the commit and after the replies
	// were handed to the outbox, once each (a repeated update never gets
	// here), each paced through App.direct: a picture drawn from what the
	// transaction read (/status's PNG).
	afterCommit []func(ctx context.Context)
	// pressWait is how long a score press's edit waits for its slot of the
	// chat's pace, reserved in the press's batch.
	pressWait  time.Duration
	pressKnown bool // the chat's pace is the database's (an official's chat)
}

// preAssessment is evaluation.LoadAssessmentPublished's result for id.
type preAssessment struct {
	id        int64
	as        evaluation.Assessment
	published bool
	err       error
}

type answer struct {
	text  string
	alert bool
}

type edit struct {
	chatID    int64
	messageID int
	text      string
	kb        delivery.Keyboard
	gen       int64         // its card_edits generation; 0 when not kept there
	wait      time.Duration // until the chat's pace allows it
	known     bool          // the chat's pace is the database's (chat_pace), not this process's
}

// t renders a message in the sender's language.
func (t *turn) t(id string, data map[string]any) string { return t.a().Cat.T(t.lang, id, data) }

func (t *turn) a() *App { return t.ctx.Value(appKey{}).(*App) }

type appKey struct{}

// reply enqueues a message to the sender's chat.
func (t *turn) reply(text string, kb delivery.Keyboard) error {
	var oid int64
	if t.me != nil {
		oid = t.me.ID
	}
	return t.send(delivery.Message{ChatID: t.chatID, OfficialID: oid, Text: text, Keyboard: kb})
}

func (t *turn) send(m delivery.Message) error {
	if _, err := delivery.Enqueue(t.ctx, t.tx, m); err != nil {
		return err
	}
	t.enqueued = true
	return nil
}

// ack answers the callback query with a short toast.
// The text is a rendered message (HTML, as the catalog escapes values); a
// callback answer is plain text, so it is unescaped here: «Q&A», not «Q&amp;A».
func (t *turn) ack(text string) { t.answer = &answer{text: stdhtml.UnescapeString(text)} }

// alert answers the callback query with a dialog the person must close.
func (t *turn) alert(text string) {
	t.answer = &answer{text: stdhtml.UnescapeString(text), alert: true}
}

// cardRef names a message of the bot's that shows a card: its chat and id.
// A zero messageID means the message is unknown (the press came on a
// message Telegram no longer shows the bot), and the card goes out as a new
// message instead (turn.showCard).
type cardRef struct {
	chatID    int64
	messageID int
}

// pressed is the only reader of the pressed message: its chat and id when
// Telegram sent the message (models.Message), the chat alone when it sent an
// InaccessibleMessage (date 0: deleted, or too old for the bot to see), and
// the sender's own chat when neither came. It never fails, so no handler
// can stumble on a message it cannot see (TestNoHandlerReadsThePressedMessage).
func (t *turn) pressed() cardRef {
	if t.cq == nil {
		return cardRef{chatID: t.chatID}
	}
	switch m := t.cq.Message; {
	case m.Message != nil:
		return cardRef{chatID: m.Message.Chat.ID, messageID: m.Message.ID}
	case m.InaccessibleMessage != nil && m.InaccessibleMessage.Chat.ID != 0:
		return cardRef{chatID: m.InaccessibleMessage.Chat.ID}
	}
	return cardRef{chatID: t.cq.From.ID}
}

// editPressed replaces the pressed message's text and keyboard after commit
// (or sends them as a new message when the pressed one is not accessible).
func (t *turn) editPressed(text string, kb delivery.Keyboard) { t.showCard(t.pressed(), text, kb) }

// showCard brings the card at ref to text and kb after commit: an edit of
// that message, or, when the message is unknown (ref.messageID 0), a new
// message in ref's chat (the sender's when that is unknown too). Either
// goes out once the transaction has committed, like an edit.
func (t *turn) showCard(ref cardRef, text string, kb delivery.Keyboard) {
	if ref.chatID == 0 {
		ref = cardRef{chatID: t.chatID}
	}
	if ref.chatID == 0 {
		return
	}
	t.edit = &edit{chatID: ref.chatID, messageID: ref.messageID, text: text, kb: kb}
}

// HandleUpdate processes one update in one transaction. A repeated update_id
// is ignored; a panic or an error rolls back and still answers a callback.
// It calls settle once that transaction, which records the update_id in
// processed_updates, has committed, before the edits and answers it sends
// (inbound.Handler: Telegram's webhook call is answered then, and carries
// the callback query's answer when it can). A failed update is final, as the
// person is told (recordFailure).
func (a *App) HandleUpdate(ctx context.Context, upd *models.Update, settle func(reply []byte) bool) {
	t := &turn{ctx: context.WithValue(ctx, appKey{}, a), upd: upd, lang: "vi"}
	if upd.CallbackQuery != nil {
		t.cq = upd.CallbackQuery
	}
	// Answers and edits go out after the commit even when ctx (the update's
	// timeout) ran out meanwhile: a spinning button is worse than a late answer.
	after := func() (context.Context, context.CancelFunc) {
		return context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	}
	defer func() {
		if a.Done != nil {
			a.Done(upd.ID)
		}
	}()
	done := false // committed and settled: a later panic must not report a failure
	defer func() {
		if p := recover(); p != nil {
			a.Log.Error("panic handling update", "update_id", upd.ID, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			if done {
				return
			}
			actx, cancel := after()
			defer cancel()
			a.failed(actx, t, settle)
		}
	}()
	dup := false
	var fresh bool
	// BEGIN, the dedup and, for a button press, its sender's roster row and
	// the assessment a score button acts on, with the score's change and
	// COMMIT: one round trip.
	first := func(b *pgx.Batch) {
		t.answer, t.edit, t.enqueued, t.pre, t.preAs, t.press = nil, nil, false, nil, nil, nil
		t.direct, t.pressWait, t.pressKnown, t.afterCommit = nil, 0, false, nil
		b.Queue(dedupSQL, upd.ID).Exec(func(tag pgconn.CommandTag) error {
			fresh = tag.RowsAffected() == 1
			return nil
		})
		if t.cq != nil {
			t.pre = &roster.Official{}
			roster.QueueOfficialByTelegram(b, t.cq.From.ID, t.pre, &t.preErr)
			if c, err := parseCallback(t.cq.Data); err == nil && c.verb == vSelfCrit {
				if id, err := c.id(0); err == nil {
					t.preAs = &preAssessment{id: id}
					evaluation.QueueAssessmentPublished(b, id, &t.preAs.as, &t.preAs.published, &t.preAs.err)
					// The change, the card's data and the COMMIT go too: a
					// score press is one round trip. What was read above
					// says why, when the change's own checks refuse it.
					i, err1 := c.small(1, 1000)
					p, err2 := c.small(2, 1000)
					if crit := a.pressCriteria(int(i)); err1 == nil && err2 == nil && crit != nil {
						t.press = &evaluation.PressResult{}
						evaluation.QueueScorePress(b, evaluation.ScorePress{UpdateID: upd.ID, TelegramUserID: t.cq.From.ID,
							AssessmentID: id, Points: grading.Points(p * 100), Criteria: crit}, a.Cal, t.press)
						// The card's edit takes its slot of the chat's pace
						// (shared with the outbox) in the same round trip.
						if ref := t.pressed(); ref.messageID != 0 {
							delivery.QueueReserve(b, a.limits(), ref.chatID, &t.pressWait, &t.pressKnown)
						}
						store.QueueCommit(b)
					}
				}
			}
		}
	}
	err := store.InTxBatch(ctx, a.Pool, first, func(tx pgx.Tx) error {
		t.tx = tx
		if !fresh {
			dup = true
			return nil
		}
		if a.BeforeRoute != nil {
			if err := a.BeforeRoute(ctx, tx, upd); err != nil {
				return err
			}
		}
		if err := a.route(t); err != nil {
			return err
		}
		return a.keepEdit(ctx, tx, t)
	})
	if dup {
		if err == nil {
			// Telegram repeats an update whose 200 it did not get, and that
			// 200 may have carried the answer: answer again, free in a reply
			// (a second answer is refused by Telegram and ignored).
			settle(answerReply(t.cq, nil))
		}
		a.Log.Info("repeated update ignored", "update_id", upd.ID)
		return
	}
	actx, cancel := after()
	defer cancel()
	if err != nil {
		a.Log.Error("update failed", "update_id", upd.ID, "err", err)
		a.failed(actx, t, settle)
		return
	}
	if t.press != nil && t.edit != nil {
		t.edit.wait, t.edit.known = t.pressWait, t.pressKnown
	}
	// The answer rides the webhook's reply when it can: one request fewer
	// per press, and the spinner stops as soon as Telegram has the 200.
	done = true
	answered := settle(answerReply(t.cq, t.answer))
	// Direct replies (a stranger's, a citizen's) first, as when they went
	// inside the transaction: each within its chat's pace.
	for _, m := range t.direct {
		if m.file != nil {
			a.sendFile(actx, m.known, m.file)
			continue
		}
		a.postDirect(actx, m.known, m.params)
	}
	// The edit and the answer are independent requests: sent together, a
	// press waits one Bot API round trip (~40 ms from Vietnam) instead of two.
	var wg sync.WaitGroup
	if t.edit != nil && t.edit.messageID == 0 {
		a.sendCard(actx, t.me != nil, t.edit) // the pressed message is not accessible: a new one
	} else if t.edit != nil {
		if t.cq != nil {
			wg.Go(func() { a.editNow(actx, t.edit) })
		} else {
			a.editNow(actx, t.edit)
		}
	}
	if t.cq != nil && !answered {
		a.answerQuery(actx, t.cq.ID, t.answer)
	}
	wg.Wait()
	if t.enqueued && a.Kick != nil {
		a.Kick()
	}
	// Last: the replies are on their way while a picture is drawn.
	for _, f := range t.afterCommit {
		f(actx)
	}
}

// failed tells the person their update failed, once recordFailure made that
// final; a press's alert rides the webhook's reply when it can. When the
// failure could not be recorded, it says nothing: the update runs again
// (its stored copy stays for the sweep, or Telegram posts it again) and that
// run answers.
func (a *App) failed(ctx context.Context, t *turn, settle func([]byte) bool) {
	msg := a.Cat.T(t.lang, "ErrorGeneric", nil)
	var ans *answer
	if t.cq != nil {
		ans = &answer{text: msg, alert: true}
	}
	recorded, carried := a.recordFailure(ctx, t.upd, answerReply(t.cq, ans), settle)
	if carried || !recorded {
		// Not recorded: the update is not final and runs again (stored or
		// repeated by Telegram); that run answers.
		return
	}
	if t.cq != nil {
		a.answerQuery(ctx, t.cq.ID, ans)
	} else if t.chatID != 0 {
		a.sendNow(ctx, t, msg)
	}
}

// keepEdit makes the pressed message's edit as durable as the change that
// requires it: for a chat the database knows (an official's, a group), the
// edit is written to card_edits and takes its slot of the chat's pace in the
// update's transaction, with its COMMIT (no round trip of its own); another
// chat (a citizen's) is not written, and takes this process's pace. A score press
// has committed already (its slot was reserved in its batch).
func (a *App) keepEdit(ctx context.Context, tx pgx.Tx, t *turn) error {
	e := t.edit
	if e == nil || t.press != nil || store.Committed(tx) {
		return nil
	}
	b := &pgx.Batch{}
	if err := delivery.QueueCardEdit(b, a.limits(), delivery.CardEdit{ChatID: e.chatID, MessageID: e.messageID, Text: e.text, Keyboard: e.kb},
		&e.gen, &e.wait); err != nil {
		return err
	}
	store.QueueCommit(b)
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return err
	}
	e.known = e.gen > 0
	if !e.known {
		// A chat the database does not know (a citizen's): this
		// process's pace.
		e.wait = a.local.reserve(a.limits(), e.chatID)
	}
	return nil
}

// recordFailure makes a failed update final, as the person is told: its id
// goes into processed_updates (its transaction, which would have put it
// there, rolled back), and it is settled with reply. Otherwise a stored copy
// (the webhook stores an update it stopped waiting for) would run it again
// later, after the person's next updates, and undo them. When even this
// insert fails (the database is unreachable), the update stays unsettled:
// the webhook stores it or answers 503, and it runs again once the database
// is back. It reports whether the failure was recorded, and whether reply
// rides the webhook's reply (settle).
func (a *App) recordFailure(ctx context.Context, upd *models.Update, reply []byte, settle func([]byte) bool) (recorded, carried bool) {
	if _, err := a.Pool.Exec(ctx, dedupSQL, upd.ID); err != nil {
		a.Log.Error("failed update not recorded", "update_id", upd.ID, "err", err)
		return false, false
	}
	return true, settle(reply)
}

// dedupSQL marks an update processed; one row affected when it was new. Its
// stored copy (internal/inbound) is deleted after the commit, with others
// handled meanwhile, in one statement.
const dedupSQL = `INSERT INTO processed_updates (update_id) VALUES ($1) ON CONFLICT DO NOTHING`

func (a *App) answerQuery(ctx context.Context, id string, ans *answer) {
	ans = fitAnswer(ans)
	if a.API != nil {
		if err := a.API.answerCallbackQuery(ctx, id, ans); err != nil {
			a.Log.Warn("answerCallbackQuery failed", "err", err)
		}
		return
	}
	p := &bot.AnswerCallbackQueryParams{CallbackQueryID: id}
	if ans != nil {
		p.Text, p.ShowAlert = ans.text, ans.alert
	}
	if _, err := a.Bot.AnswerCallbackQuery(ctx, p); err != nil {
		a.Log.Warn("answerCallbackQuery failed", "err", err)
	}
}

// editOnce makes one editMessageText call; "message is not modified" is
// success.
func (a *App) editOnce(ctx context.Context, e *edit) error {
	var err error
	if a.API != nil {
		err = a.API.editMessageText(ctx, e)
	} else {
		_, err = a.Bot.EditMessageText(ctx, &bot.EditMessageTextParams{
			ChatID: e.chatID, MessageID: e.messageID, Text: e.text, ParseMode: models.ParseModeHTML,
			ReplyMarkup:        delivery.InlineMarkup(e.kb),
			LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: bot.True()},
		})
	}
	if isNotModified(err) {
		return nil
	}
	return err
}

// sendCard sends e's card as a new message, in place of an edit of a
// message the bot cannot see (turn.showCard), paced and retried after a 429
// like every direct send (postDirect). known: the chat is an official's.
func (a *App) sendCard(ctx context.Context, known bool, e *edit) {
	a.postDirect(ctx, known, &bot.SendMessageParams{ChatID: e.chatID, Text: a.fitText(e.text, delivery.MaxText, "sendMessage"),
		ParseMode: models.ParseModeHTML, ReplyMarkup: delivery.InlineMarkup(a.fitKeyboard(e.kb, "sendMessage")),
		LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: bot.True()},
	})
}

// sendNow tells the sender of t that their update failed: an official
// through the outbox (it retries, and keeps the chat's pace), anyone else
// directly, paced and retried after a 429 (postDirect).
func (a *App) sendNow(ctx context.Context, t *turn, text string) {
	text = a.fitText(text, delivery.MaxText, "sendMessage")
	official := false
	if t.me != nil {
		// t.me may come from the rolled-back transaction (an invite
		// redeemed): only a chat already bound goes to the outbox.
		if err := a.Pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM officials WHERE id = $1 AND chat_id = $2)`,
			t.me.ID, t.chatID).Scan(&official); err != nil {
			a.Log.Warn("failure notice", "err", err)
		}
	}
	if official {
		if _, err := delivery.Enqueue(ctx, a.Pool, delivery.Message{ChatID: t.chatID, OfficialID: t.me.ID, Text: text}); err != nil {
			a.Log.Warn("failure notice not queued", "err", err)
		} else if a.Kick != nil {
			a.Kick()
		}
		return
	}
	a.postDirect(ctx, false, &bot.SendMessageParams{ChatID: t.chatID, Text: text, ParseMode: models.ParseModeHTML})
}

// isNotModified: Telegram's 400 for an edit that changes nothing is success.
func isNotModified(err error) bool {
	return errors.Is(err, bot.ErrorBadRequest) && containsFold(err.Error(), "message is not modified")
}
