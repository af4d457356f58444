package telegram

import (
	"context"
	"errors"
	"slices"
	"strconv"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/app/plans"
	"evalbot/internal/app/selfassess"
	"evalbot/internal/calendar"
	"evalbot/internal/delivery"
	"evalbot/internal/evaluation"
	"evalbot/internal/roster"
)

// The cards in chat that show an official's tasks follow a change made on
// any face (issue 24, «a card in chat and the page never disagree»): App is a
// plans.TaskNotifier. The week's report cards — the Friday prompt
// ("prompt-report") and the newest /report card (reportCardKey) — and the
// month's self-assessment cards — the month's prompt ("prompt-assess"), the
// newest /assess card (selfCardKey) and the card sent back after a return
// ("returned") — are edited in the change's transaction (card_edits, paced
// as a press's edit). A change made in chat leaves the pressed card to the
// press's own edit (taskCards.skip) and sends the others after the commit;
// one made on the web is sent by FlushCards.

var _ plans.TaskNotifier = (*App)(nil)

// reportCardKey is the outbox key of official id's newest /report card of
// week w (delivery.EnqueueCard).
func reportCardKey(id int64, w calendar.Week) string { return key("report-card", id, w.String()) }

// selfCardKey is the outbox key of official id's newest /assess card of
// month m (delivery.EnqueueCard).
func selfCardKey(id int64, m calendar.Month) string { return key("self-card", id, m.String()) }

// TaskMarked implements plans.TaskNotifier: the report cards of p's week and
// the self-assessment cards of p's month show the new mark (a change made on
// the web: FlushCards sends the edits once it committed).
func (a *App) TaskMarked(ctx context.Context, tx pgx.Tx, p evaluation.Plan) error {
	_, err := a.followTasks(ctx, tx, p, true, cardRef{})
	return err
}

// EvidenceChanged implements plans.TaskNotifier: the report cards of p's
// week show the task's evidence as it now is.
func (a *App) EvidenceChanged(ctx context.Context, tx pgx.Tx, p evaluation.Plan) error {
	_, err := a.followTasks(ctx, tx, p, false, cardRef{})
	return err
}

// taskCards is the App as a plans.TaskNotifier for a change made in chat in
// turn t: every followed card but skip (the card the press edits itself) is
// edited, and the edits go out once t's transaction committed.
type taskCards struct {
	t    *turn
	skip cardRef
}

// taskCards is t's plans.TaskNotifier, leaving skip to t's own edit.
func (t *turn) taskCards(skip cardRef) plans.TaskNotifier { return taskCards{t: t, skip: skip} }

// TaskMarked implements plans.TaskNotifier.
func (c taskCards) TaskMarked(ctx context.Context, tx pgx.Tx, p evaluation.Plan) error {
	return c.follow(ctx, tx, p, true)
}

// EvidenceChanged implements plans.TaskNotifier.
func (c taskCards) EvidenceChanged(ctx context.Context, tx pgx.Tx, p evaluation.Plan) error {
	return c.follow(ctx, tx, p, false)
}

func (c taskCards) follow(ctx context.Context, tx pgx.Tx, p evaluation.Plan, marked bool) error {
	a := c.t.a()
	edits, err := a.followTasks(ctx, tx, p, marked, c.skip)
	if err != nil || len(edits) == 0 {
		return err
	}
	c.t.afterCommit = append(c.t.afterCommit, func(ctx context.Context) {
		for _, e := range edits {
			a.editNow(ctx, e)
		}
	})
	return nil
}

// followTasks queues, in tx, the edits of the cards in chat that show the
// tasks of plan p (its week's report cards; when marked, its month's
// self-assessment cards too), but skip, rendered for p's owner as they now
// stand; it returns them, each with its generation and its slot of the
// chat's pace.
func (a *App) followTasks(ctx context.Context, tx pgx.Tx, p evaluation.Plan, marked bool, skip cardRef) ([]*edit, error) {
	o, err := roster.OfficialByID(ctx, tx, p.OfficialID)
	if err != nil {
		return nil, err
	}
	t := a.turnFor(ctx, tx, o)
	edits, err := a.reportCardEdits(t, p.ID, skip)
	if err != nil || !marked {
		return queueEdits(t, edits)
	}
	as, err := evaluation.FindAssessment(ctx, tx, o.ID, p.Month)
	if errors.Is(err, evaluation.ErrNotFound) {
		return queueEdits(t, edits)
	}
	if err != nil {
		return nil, err
	}
	self, err := a.selfCardEdits(t, as, skip)
	if err != nil {
		return nil, err
	}
	return queueEdits(t, append(edits, self...))
}

// reportCardEdits are the edits of the report cards of plan planID's week
// (an approved week plan; none for another) that Telegram took, but skip,
// to the report as it now stands: with its buttons while the owner may still
// mark (plans.OwnOpenTask), else, or when the card was closed with «Xong»,
// closed as «Xong» leaves it (a card closed came back with every button when
// a mark was made on the page).
func (a *App) reportCardEdits(t *turn, planID int64, skip cardRef) ([]delivery.CardEdit, error) {
	p, err := evaluation.LoadPlan(t.ctx, t.tx, planID)
	if err != nil || p.Kind != evaluation.KindWeek || p.Status != evaluation.StatusApproved {
		return nil, err
	}
	w := calendar.WeekOf(p.PeriodStart)
	cards, err := sentBut(t, skip, key("prompt-report", p.OfficialID, w.String()), reportCardKey(p.OfficialID, w))
	if err != nil || len(cards) == 0 {
		return nil, err
	}
	closed, err := delivery.ClosedCards(t.ctx, t.tx, cards)
	if err != nil {
		return nil, err
	}
	open := slices.Contains(closed, false)
	if open {
		if open, err = a.reportOpen(t, p); err != nil {
			return nil, err
		}
	}
	var text, done string
	var kb delivery.Keyboard
	if open {
		if text, kb, err = t.reportView(p); err != nil {
			return nil, err
		}
	}
	if !open || slices.Contains(closed, true) {
		if done, err = t.reportClosedView(p); err != nil {
			return nil, err
		}
	}
	edits := make([]delivery.CardEdit, 0, len(cards))
	for i, c := range cards {
		e := delivery.CardEdit{ChatID: c.ChatID, MessageID: c.MessageID, Text: text, Keyboard: kb}
		if !open || closed[i] {
			e.Text, e.Keyboard = done, nil
		}
		edits = append(edits, e)
	}
	return edits, nil
}

// reportOpen reports whether p's owner may still mark its tasks
// (plans.OwnOpenTask): a report card shows its buttons only then.
func (a *App) reportOpen(t *turn, p evaluation.Plan) (bool, error) {
	if len(p.Tasks) == 0 {
		return true, nil
	}
	_, err := plans.OwnOpenTask(t.ctx, t.tx, p.OfficialID, p.Tasks[0].ID, a.assessMonth())
	if errors.Is(err, evaluation.ErrLocked) {
		return false, nil
	}
	return err == nil, err
}

// selfCardEdits are the edits of the self-assessment cards of as that
// Telegram took, but skip, to its main view as it now stands: the month's
// prompt, the newest /assess card, and the cards sent back after a return
// (any version up to as's).
func (a *App) selfCardEdits(t *turn, as evaluation.Assessment, skip cardRef) ([]delivery.CardEdit, error) {
	keys := []string{key("prompt-assess", as.OfficialID, as.Month.String()), selfCardKey(as.OfficialID, as.Month)}
	for v := 1; v <= as.Version; v++ {
		keys = append(keys, "returned:"+strconv.FormatInt(as.ID, 10)+":"+strconv.Itoa(v))
	}
	cards, err := sentBut(t, skip, keys...)
	if err != nil || len(cards) == 0 {
		return nil, err
	}
	text, kb, err := a.selfView(t, as, "m")
	if err != nil {
		return nil, err
	}
	return cardEdits(cards, text, kb), nil
}

// sentBut is delivery.SentByKeys but skip.
func sentBut(t *turn, skip cardRef, keys ...string) ([]delivery.Sent, error) {
	cards, err := delivery.SentByKeys(t.ctx, t.tx, keys)
	if err != nil {
		return nil, err
	}
	out := cards[:0]
	for _, c := range cards {
		if c.ChatID != skip.chatID || c.MessageID != skip.messageID {
			out = append(out, c)
		}
	}
	return out, nil
}

// cardEdits brings each of cards to text and kb.
func cardEdits(cards []delivery.Sent, text string, kb delivery.Keyboard) []delivery.CardEdit {
	edits := make([]delivery.CardEdit, 0, len(cards))
	for _, c := range cards {
		edits = append(edits, delivery.CardEdit{ChatID: c.ChatID, MessageID: c.MessageID, Text: text, Keyboard: kb})
	}
	return edits
}

// queueEdits writes edits to card_edits in t's transaction, each taking its
// slot of its chat's pace, in one round trip, and returns them ready for
// editNow.
func queueEdits(t *turn, edits []delivery.CardEdit) ([]*edit, error) {
	if len(edits) == 0 {
		return nil, nil
	}
	a := t.a()
	queued, err := delivery.QueueCardEditsPaced(t.ctx, t.tx, a.limits(), edits)
	if err != nil {
		return nil, err
	}
	out := make([]*edit, len(edits))
	for i, e := range edits {
		out[i] = &edit{chatID: e.ChatID, messageID: e.MessageID, text: e.Text, kb: e.Keyboard, gen: queued[i].Gen, wait: queued[i].Wait}
		out[i].known = out[i].gen > 0
		if !out[i].known {
			out[i].wait = a.local.reserve(a.limits(), e.ChatID)
		}
	}
	return out, nil
}

// replyCard enqueues a card to the sender's chat as the newest card under
// card key k (delivery.EnqueueCard), which the other faces then follow.
func (t *turn) replyCard(k, text string, kb delivery.Keyboard) error {
	if err := delivery.EnqueueCard(t.ctx, t.tx, delivery.Message{ChatID: t.chatID, OfficialID: t.me.ID, DedupKey: k, Text: text, Keyboard: kb}); err != nil {
		return err
	}
	t.enqueued = true
	return nil
}

// selfCards is the App as a selfassess.Notifier for a change made in chat
// in turn t (a bonus, a submission): the official's other self-assessment
// cards (selfCardEdits, but skip: the card t edits itself) follow after the
// commit, and a submission sends the head the review card.
type selfCards struct {
	t    *turn
	skip cardRef
}

var _ selfassess.Notifier = selfCards{}

// selfCards is t's selfassess.Notifier, leaving skip to t's own edit.
func (t *turn) selfCards(skip cardRef) selfassess.Notifier { return selfCards{t: t, skip: skip} }

// SelfChanged implements selfassess.Notifier.
func (c selfCards) SelfChanged(ctx context.Context, tx pgx.Tx, as evaluation.Assessment, o roster.Official) error {
	a := c.t.a()
	edits, err := a.selfCardEdits(a.turnFor(ctx, tx, o), as, c.skip)
	if err != nil {
		return err
	}
	sent, err := queueEdits(c.t, edits)
	if err != nil || len(sent) == 0 {
		return err
	}
	c.t.afterCommit = append(c.t.afterCommit, func(ctx context.Context) {
		for _, e := range sent {
			a.editNow(ctx, e)
		}
	})
	return nil
}

// SelfSubmitted implements selfassess.Notifier.
func (c selfCards) SelfSubmitted(ctx context.Context, tx pgx.Tx, as evaluation.Assessment, o, head roster.Official) error {
	if err := c.SelfChanged(ctx, tx, as, o); err != nil {
		return err
	}
	return c.t.a().sendReviewCard(c.t, as, o, head)
}
