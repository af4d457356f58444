package telegram

import (
	"context"
	"strconv"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/app/plans"
	"evalbot/internal/delivery"
	"evalbot/internal/evaluation"
	"evalbot/internal/roster"
)

// The chat side of a plan's appraisal decided on the review board: App is a
// plans.Notifier. In the decision's transaction the head's plan card(s) in
// Telegram (the outbox's "plan-review:<plan>:<version>" messages) are edited
// to the plan's new state, and the owner is told as after a press in chat
// (tellPlanOwner, which the chat's own buttons use too).

var _ plans.Notifier = (*App)(nil)

// PlanApproved implements plans.Notifier: the head's plan cards say it was
// approved (by whom, when another did it), without buttons; the owner gets
// the notice.
func (a *App) PlanApproved(ctx context.Context, tx pgx.Tx, actorID int64, p evaluation.Plan, owner roster.Official) error {
	t, err := a.actorTurn(ctx, tx, actorID)
	if err != nil {
		return err
	}
	if err := a.editPlanCards(t, p, owner, "PlanApprovedByYou", "PlanApprovedBy"); err != nil {
		return err
	}
	return t.tellPlanOwner(p, owner, true, "")
}

// PlanReturned implements plans.Notifier: the head's plan cards say it was
// returned; the owner gets the reason and may type the plan again.
func (a *App) PlanReturned(ctx context.Context, tx pgx.Tx, actorID int64, p evaluation.Plan, owner roster.Official, reason string) error {
	t, err := a.actorTurn(ctx, tx, actorID)
	if err != nil {
		return err
	}
	if err := a.editPlanCards(t, p, owner, "PlanReturnedByYou", "PlanReturnedBy"); err != nil {
		return err
	}
	return t.tellPlanOwner(p, owner, false, reason)
}

// PlanWeighed implements plans.Notifier: the head's plan cards show the new
// weights, with Approve / Return / Weights of the new version.
func (a *App) PlanWeighed(ctx context.Context, tx pgx.Tx, actorID int64, p evaluation.Plan, owner roster.Official) error {
	t, err := a.actorTurn(ctx, tx, actorID)
	if err != nil {
		return err
	}
	return a.editPlanCards(t, p, owner, "", "")
}

func (a *App) actorTurn(ctx context.Context, tx pgx.Tx, actorID int64) (*turn, error) {
	actor, err := roster.OfficialByID(ctx, tx, actorID)
	if err != nil {
		return nil, err
	}
	return a.turnFor(ctx, tx, actor), nil
}

// editPlanCards queues, in t's transaction, the edit of every plan card of p
// Telegram took (any version up to p's), rendered for its recipient: with
// the footer byYou when the recipient is t's actor, byOther (naming the
// actor) otherwise; with the head's buttons when both are "" (p still waits).
func (a *App) editPlanCards(t *turn, p evaluation.Plan, owner roster.Official, byYou, byOther string) error {
	keys := make([]string, 0, p.Version)
	for v := 1; v <= p.Version; v++ {
		keys = append(keys, "plan-review:"+strconv.FormatInt(p.ID, 10)+":"+strconv.Itoa(v))
	}
	cards, err := delivery.SentByKeys(t.ctx, t.tx, keys)
	if err != nil || len(cards) == 0 {
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
		rt := t.as(rc)
		var text string
		var kb delivery.Keyboard
		switch {
		case byYou == "":
			text, kb = rt.planText(p, owner.FullName+" — "+owner.Position, ""), rt.headPlanKeyboard(p)
		case rc.ID == t.me.ID:
			text = rt.planText(p, owner.FullName, byYou)
		default:
			text = rt.planText(p, owner.FullName, "") + "\n\n" + rt.t(byOther, map[string]any{"Name": t.me.FullName})
		}
		edits = append(edits, delivery.CardEdit{ChatID: c.ChatID, MessageID: c.MessageID, Text: text, Keyboard: kb})
	}
	return delivery.QueueCardEdits(t.ctx, t.tx, a.limits(), edits)
}

// tellPlanOwner tells the owner of p, in their language, that t's actor
// approved it, or returned it with reason — then the owner's next text is
// the plan again, as after «Sửa». Nothing for an owner not on Telegram.
func (t *turn) tellPlanOwner(p evaluation.Plan, owner roster.Official, approved bool, reason string) error {
	if owner.ChatID == nil {
		return nil
	}
	ot := t.as(owner)
	if approved {
		return t.send(delivery.Message{ChatID: *owner.ChatID, OfficialID: owner.ID,
			Text: ot.t("PlanApprovedNotice", map[string]any{"Title": ot.planTitle(p.Kind, p.PeriodStart), "Head": t.me.FullName})})
	}
	if owner.TelegramUserID == nil {
		return nil
	}
	if err := ot.setStepFor(*owner.TelegramUserID, stepPlanTasks, stepData{Kind: p.Kind, Start: p.PeriodStart.String()}); err != nil {
		return err
	}
	return t.send(delivery.Message{ChatID: *owner.ChatID, OfficialID: owner.ID,
		Text: ot.t("PlanReturnedNotice", map[string]any{"Title": ot.planTitle(p.Kind, p.PeriodStart), "Head": t.me.FullName, "Reason": reason})})
}
