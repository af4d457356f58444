package telegram

import (
	"context"
	"strconv"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/app/reviews"
	"evalbot/internal/app/selfassess"
	"evalbot/internal/delivery"
	"evalbot/internal/evaluation"
	"evalbot/internal/roster"
)

// The chat side of a review decided on another face (the web's review board,
// the Mini App): App is a reviews.Notifier. In the decision's transaction, the
// head's review card of that submission is edited to its new state (through
// card_edits, as a press's edit is), and the official gets what a press in
// chat would send them: the grade card, or the returned self-assessment with
// its buttons. FlushCards sends the edits once the transaction committed.

var _ reviews.Notifier = (*App)(nil)

// Approved implements reviews.Notifier: the review card shows the approval
// (no buttons), the unit's group gets the addendum when the month was
// already published, and the official the grade card.
func (a *App) Approved(ctx context.Context, tx pgx.Tx, actorID int64, res reviews.Approval) error {
	actor, err := roster.OfficialByID(ctx, tx, actorID)
	if err != nil {
		return err
	}
	t := a.turnFor(ctx, tx, actor)
	if res.Addendum {
		if err := a.announceLate(t, res.Assessment, res.Official, res.Unit); err != nil {
			return err
		}
	}
	if err := a.editReviewCards(t, res.Assessment, res.Official); err != nil {
		return err
	}
	return a.sendGradeCardTo(t, res.Assessment, res.Official)
}

// Returned implements reviews.Notifier: the review card says it was
// returned and why, and the official gets the self-assessment back with
// the reason, as after a return in chat.
func (a *App) Returned(ctx context.Context, tx pgx.Tx, actorID int64, as evaluation.Assessment, o roster.Official) error {
	actor, err := roster.OfficialByID(ctx, tx, actorID)
	if err != nil {
		return err
	}
	t := a.turnFor(ctx, tx, actor)
	if err := a.editReviewCards(t, as, o); err != nil {
		return err
	}
	if o.ChatID == nil {
		return nil
	}
	ot := a.turnFor(ctx, tx, o)
	view, kb, err := a.selfView(ot, as, "m")
	if err != nil {
		return err
	}
	return t.send(delivery.Message{ChatID: *o.ChatID, OfficialID: o.ID,
		DedupKey: "returned:" + strconv.FormatInt(as.ID, 10) + ":" + strconv.Itoa(as.Version), Text: view, Keyboard: kb})
}

// editReviewCards queues, in t's transaction, the edit of every review card
// of as that Telegram took (the outbox's "review:<id>:<version>" messages
// with their message id, any version up to as's), rendered for its
// recipient as it stands now.
func (a *App) editReviewCards(t *turn, as evaluation.Assessment, o roster.Official) error {
	keys := make([]string, 0, as.Version)
	for v := 1; v <= as.Version; v++ {
		keys = append(keys, "review:"+strconv.FormatInt(as.ID, 10)+":"+strconv.Itoa(v))
	}
	cards, err := delivery.SentByKeys(t.ctx, t.tx, keys)
	if err != nil {
		return err
	}
	var edits []delivery.CardEdit
	for _, c := range cards {
		rc := *t.me
		if c.OfficialID != rc.ID {
			if rc, err = roster.OfficialByID(t.ctx, t.tx, c.OfficialID); err != nil {
				return err
			}
		}
		text, kb, err := a.reviewCard(t.as(rc), as, o)
		if err != nil {
			return err
		}
		edits = append(edits, delivery.CardEdit{ChatID: c.ChatID, MessageID: c.MessageID, Text: text, Keyboard: kb})
	}
	return delivery.QueueCardEdits(t.ctx, t.tx, a.limits(), edits)
}

// FlushCards sends now the card edits a committed decision of another face
// queued (card_edits), and wakes the outbox sender for its messages.
func (a *App) FlushCards(ctx context.Context) error {
	if a.Kick != nil {
		a.Kick()
	}
	return a.ResumeEdits(ctx)
}

// Changed implements reviews.Notifier: the review cards show the head's
// adjusted copy, with the buttons of its new version.
func (a *App) Changed(ctx context.Context, tx pgx.Tx, actorID int64, as evaluation.Assessment, o roster.Official) error {
	actor, err := roster.OfficialByID(ctx, tx, actorID)
	if err != nil {
		return err
	}
	return a.editReviewCards(a.turnFor(ctx, tx, actor), as, o)
}

// NotUpToStandard implements reviews.Notifier: the review cards show the
// numbers after a «chưa đạt» mark made on another face, and the task's
// owner is told as after the mark in chat (tellMarked); a repeated mark
// changes nothing.
func (a *App) NotUpToStandard(ctx context.Context, tx pgx.Tx, actorID int64, m reviews.MarkResult) error {
	return a.markChanged(ctx, tx, actorID, m, a.tellMarked)
}

// markChanged edits the review cards after a «chưa đạt» mark changed on
// another face and then tells the owner with tell; a repeated change
// changes nothing.
func (a *App) markChanged(ctx context.Context, tx pgx.Tx, actorID int64, m reviews.MarkResult, tell func(*turn, reviews.MarkResult) error) error {
	if m.Repeated {
		return nil
	}
	actor, err := roster.OfficialByID(ctx, tx, actorID)
	if err != nil {
		return err
	}
	t := a.turnFor(ctx, tx, actor)
	if err := a.editReviewCards(t, m.Assessment, m.Official); err != nil {
		return err
	}
	return tell(t, m)
}

// MarkWithdrawn implements reviews.Notifier: the review cards show the
// numbers after a «chưa đạt» mark was taken back on another face, and the
// task's owner is told as after the chat's ↩️ (tellUnmarked); a repeated
// withdrawal changes nothing.
func (a *App) MarkWithdrawn(ctx context.Context, tx pgx.Tx, actorID int64, m reviews.MarkResult) error {
	return a.markChanged(ctx, tx, actorID, m, a.tellUnmarked)
}

var _ selfassess.Notifier = (*App)(nil)

// SelfChanged implements selfassess.Notifier: the official's self-assessment
// card in chat (the month's prompt) shows the points chosen on the web page,
// with buttons of the new version.
func (a *App) SelfChanged(ctx context.Context, tx pgx.Tx, as evaluation.Assessment, o roster.Official) error {
	return a.editSelfCards(a.turnFor(ctx, tx, o), as)
}

// SelfSubmitted implements selfassess.Notifier: the official's card says it
// was sent, and the head gets the review card, as after «Gửi đánh giá» in chat.
func (a *App) SelfSubmitted(ctx context.Context, tx pgx.Tx, as evaluation.Assessment, o, head roster.Official) error {
	t := a.turnFor(ctx, tx, o)
	if err := a.editSelfCards(t, as); err != nil {
		return err
	}
	return a.sendReviewCard(t, as, o, head)
}

// editSelfCards queues the edit of the official's self-assessment cards of
// as that Telegram took (selfCardEdits: the month's prompt, the newest
// /assess card, the cards sent back after a return) to show as now.
func (a *App) editSelfCards(t *turn, as evaluation.Assessment) error {
	edits, err := a.selfCardEdits(t, as, cardRef{})
	if err != nil {
		return err
	}
	return delivery.QueueCardEdits(t.ctx, t.tx, a.limits(), edits)
}
