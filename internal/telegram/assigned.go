package telegram

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/app/access"
	"evalbot/internal/app/assigned"
	"evalbot/internal/calendar"
	"evalbot/internal/delivery"
	"evalbot/internal/evaluation"
	"evalbot/internal/locale"
	"evalbot/internal/roster"
	"evalbot/internal/store"
)

// stepAssignDecline: an official typing why they decline an assigned task:
// the assignment (in PlanID).
const stepAssignDecline = "assign_decline"

// NotifyAssignment tells official o, in their language and through the
// outbox (paced with everything else sent to the chat), that a task system
// assigned them task a, with the buttons to accept it into the week's or
// the month's plan or to decline it. Once per assignment (the dedup key);
// nothing when o is not on Telegram or cannot be reached (the assignment
// then stays "assigned", which the system reads).
//
// A person is told of notifyWaiting waiting assignments one by one; past
// that, once a day, how many wait (/plan lists them): a task system that
// pushes hundreds in a loop — within its rate, 10 a second — must not bury
// the person's chat under them.
func NotifyAssignment(ctx context.Context, db store.DB, cat *locale.Catalog, o roster.Official, a assigned.Assignment) error {
	if o.ChatID == nil || !o.Reachable {
		return nil
	}
	lang := locale.Lang(o.Language)
	waiting, err := assigned.Waiting(ctx, db, o.ID)
	if err != nil {
		return err
	}
	if waiting > notifyWaiting {
		_, err := delivery.Enqueue(ctx, db, delivery.Message{ChatID: *o.ChatID, OfficialID: o.ID,
			DedupKey: "assignments-waiting:" + strconv.FormatInt(o.ID, 10) + ":" + calendar.DateOf(a.CreatedAt).String(),
			Text:     cat.N(lang, "AssignedManyWaiting", waiting, map[string]any{"N": waiting})})
		return err
	}
	_, err = delivery.Enqueue(ctx, db, delivery.Message{ChatID: *o.ChatID, OfficialID: o.ID,
		DedupKey: "assignment:" + strconv.FormatInt(a.ID, 10),
		Text:     assignmentText(cat, lang, a, "AssignedAsk"),
		Keyboard: assignmentKeyboard(cat, lang, a.ID)})
	return err
}

// notifyWaiting is how many waiting assignments NotifyAssignment tells one
// by one.
const notifyWaiting = 5

// NotifyDone tells official o that a task system reported their accepted
// task a done and marked it in their report (on time or late), with the
// document it recorded as evidence; once per assignment, through the
// outbox; nothing when o cannot be reached.
func NotifyDone(ctx context.Context, db store.DB, cat *locale.Catalog, o roster.Official, a assigned.Assignment) error {
	if o.ChatID == nil || !o.Reachable || a.DoneOn == nil {
		return nil
	}
	lang := locale.Lang(o.Language)
	id := "AssignedDoneOnTime"
	if a.TaskStatus == "late" {
		id = "AssignedDoneLate"
	}
	text := cat.T(lang, id, map[string]any{"Title": a.Title,
		"Day": fmt.Sprintf("%02d/%02d/%d", a.DoneOn.Day, int(a.DoneOn.Month), a.DoneOn.Year)})
	if a.DoneDocument != "" {
		text += "\n" + cat.T(lang, "AssignedDoneDocument", map[string]any{"Number": a.DoneDocument})
	}
	_, err := delivery.Enqueue(ctx, db, delivery.Message{ChatID: *o.ChatID, OfficialID: o.ID,
		DedupKey: "assignment-done:" + strconv.FormatInt(a.ID, 10), Text: text})
	return err
}

var _ assigned.Notifier = (*App)(nil)

// Assigned implements assigned.Notifier: the person is asked to accept the
// new assignment a or decline it (NotifyAssignment).
func (a *App) Assigned(ctx context.Context, tx pgx.Tx, o roster.Official, asg assigned.Assignment) error {
	return NotifyAssignment(ctx, tx, a.Cat, o, asg)
}

// Reported implements assigned.Notifier: the person is told their task was
// reported done (NotifyDone), and the cards in chat showing the task — the
// week's report cards, the month's self-assessment cards — follow its new
// mark (TaskMarked; FlushCards sends the edits once the call committed).
func (a *App) Reported(ctx context.Context, tx pgx.Tx, o roster.Official, asg assigned.Assignment, p evaluation.Plan) error {
	if err := NotifyDone(ctx, tx, a.Cat, o, asg); err != nil {
		return err
	}
	return a.TaskMarked(ctx, tx, p)
}

// assignmentKeyboard: accept into the week's plan, the month's, or decline.
func assignmentKeyboard(cat *locale.Catalog, lang string, id int64) delivery.Keyboard {
	return delivery.Keyboard{
		{{Text: cat.T(lang, "BtnAssignWeek", nil), Data: cb(vAssignment, id, "w")},
			{Text: cat.T(lang, "BtnAssignMonth", nil), Data: cb(vAssignment, id, "m")}},
		{{Text: cat.T(lang, "BtnAssignDecline", nil), Data: cb(vAssignment, id, "x")}},
	}
}

// pendingShown is how many waiting assignments /plan shows again.
const pendingShown = 3

// showPending follows /plan and /monthplan with the tasks task systems
// assigned that still wait for the person (told once when pushed, or never
// when they were not on Telegram yet): the oldest few with their buttons,
// and how many more wait.
func (a *App) showPending(t *turn) error {
	list, total, err := assigned.Pending(t.ctx, t.tx, t.me.ID, pendingShown)
	if err != nil || len(list) == 0 {
		return err
	}
	for _, as := range list {
		if err := t.reply(assignmentText(a.Cat, t.lang, as, "AssignedAsk"), assignmentKeyboard(a.Cat, t.lang, as.ID)); err != nil {
			return err
		}
	}
	if more := total - len(list); more > 0 {
		return t.reply(t.T("AssignedMore", more, nil), nil)
	}
	return nil
}

// assignmentText is the message of an assigned task, with footer (a
// message id) under it.
func assignmentText(cat *locale.Catalog, lang string, a assigned.Assignment, footer string) string {
	var b strings.Builder
	b.WriteString(cat.T(lang, "AssignedTitle", map[string]any{"Title": a.Title}))
	if a.ItemCode != "" {
		b.WriteString("\n" + cat.T(lang, "AssignedItem", map[string]any{"Code": a.ItemCode, "Quantity": a.Quantity,
			"Weight": pointsText(lang, a.Weight)}))
	}
	if a.Deadline != nil {
		b.WriteString("\n" + cat.T(lang, "AssignedDeadline", map[string]any{"Day": fmt.Sprintf("%02d/%02d/%d", a.Deadline.Day, int(a.Deadline.Month), a.Deadline.Year)}))
	}
	if a.SourceDocument != "" {
		b.WriteString("\n" + cat.T(lang, "AssignedDocument", map[string]any{"Number": a.SourceDocument}))
	}
	if footer != "" {
		b.WriteString("\n\n" + cat.T(lang, footer, map[string]any{"Reason": a.DeclineReason}))
	}
	return b.String()
}

// onAssignment: accept into the week's or month's plan, or decline (asks why).
func (a *App) onAssignment(t *turn, c callback) error {
	id, err := c.id(0)
	what, err2 := c.str(1)
	if err != nil || err2 != nil || (what != "w" && what != "m" && what != "x") {
		return staleOr(t, errBadData)
	}
	if what == "x" {
		as, err := assigned.Own(t.ctx, t.tx, t.me.ID, id)
		if err != nil {
			return staleOr(t, err)
		}
		if as.Status != assigned.StatusAssigned {
			return staleOr(t, evaluation.ErrStale)
		}
		if err := t.setStep(stepAssignDecline, stepData{PlanID: id}); err != nil {
			return err
		}
		return t.reply(t.t("AssignedAskReason", map[string]any{"Title": as.Title}), nil)
	}
	kind := evaluation.KindWeek
	if what == "m" {
		kind = evaluation.KindMonth
	}
	as, p, err := assigned.Accept(t.ctx, t.tx, t.me.ID, id, kind, a.today())
	switch {
	case errors.Is(err, access.ErrForbidden):
		t.alert(t.t("NotAuthorized", nil))
		return nil
	case errors.Is(err, evaluation.ErrLocked):
		t.alert(t.t("AssignedPlansClosed", nil))
		return nil
	case errors.Is(err, assigned.ErrTooLate):
		t.alert(t.t("ErrorLocked", nil))
		return nil
	case err != nil:
		return staleOr(t, err)
	}
	t.editPressed(assignmentText(a.Cat, t.lang, as, "")+"\n\n"+t.t("AssignedAccepted", map[string]any{"Period": t.planPeriod(p.Kind, p.PeriodStart)}), nil)
	if p.Status != evaluation.StatusDraft {
		return nil // accepted before: the plan is on its way
	}
	return t.sendDraft(p)
}

// onAssignDeclineReason: the reason typed after «Decline».
func (a *App) onAssignDeclineReason(t *turn, d stepData, text string) error {
	reason, ok, err := t.reason(text)
	if err != nil || !ok {
		return err
	}
	as, err := assigned.Decline(t.ctx, t.tx, t.me.ID, d.PlanID, reason)
	if err := t.clearStep(); err != nil {
		return err
	}
	if errors.Is(err, evaluation.ErrStale) || errors.Is(err, access.ErrForbidden) {
		return t.reply(t.t("ErrorStale", nil), nil)
	}
	if err != nil {
		return err
	}
	return t.reply(assignmentText(a.Cat, t.lang, as, "AssignedDeclined"), nil)
}
