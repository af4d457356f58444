package telegram

import (
	"errors"
	"strconv"

	"evalbot/internal/app/access"
	"evalbot/internal/app/assigned"
	"evalbot/internal/app/plans"
	"evalbot/internal/calendar"
	"evalbot/internal/delivery"
	"evalbot/internal/evaluation"
	"evalbot/internal/roster"
)

func (a *App) today() calendar.Date { return calendar.DateOf(a.Now()) }

// planPeriod is the plan a command means today (plans.DefaultStart): this
// week (next week from Saturday on), or this month.
func (a *App) planPeriod(kind string) (calendar.Date, calendar.Month) {
	start := plans.DefaultStart(kind, a.today())
	if kind == evaluation.KindMonth {
		return start, start.YearMonth()
	}
	return start, calendar.WeekOf(start).Month()
}

func (a *App) onPlanCommand(t *turn, kind string) error {
	start, _ := a.planPeriod(kind)
	if err := a.askPlan(t, kind, start); err != nil {
		return err
	}
	return a.showPending(t)
}

// askPlan shows the plan if it exists and is not editable; otherwise it asks
// for the tasks, one per line, and waits for the text.
func (a *App) askPlan(t *turn, kind string, start calendar.Date) error {
	p, err := evaluation.FindPlan(t.ctx, t.tx, t.me.ID, kind, start)
	if err != nil && !errors.Is(err, evaluation.ErrNotFound) {
		return err
	}
	if err == nil && !p.Editable() {
		id := "PlanWaiting"
		if p.Status == evaluation.StatusApproved {
			id = "PlanApprovedStatus"
		}
		return t.reply(t.planText(p, "", id), nil)
	}
	if err := t.setStep(stepPlanTasks, stepData{Kind: kind, Start: start.String()}); err != nil {
		return err
	}
	ask := t.t("PlanAsk", map[string]any{"Title": t.planTitle(kind, start)}) + "\n\n" + t.t("PlanFormat", nil)
	if err == nil { // a draft or returned plan: tasks from a task system stay
		if n, err := assigned.InPlan(t.ctx, t.tx, p.ID); err != nil {
			return err
		} else if n > 0 {
			ask += "\n\n" + t.T("PlanAssignedKept", n, nil)
		}
	}
	return t.reply(ask, t.withPlanPage(nil, kind, start))
}

// planStepStale: the period the step was for is over (an earlier week, an
// earlier month), so a text now must not land there.
func (a *App) planStepStale(d stepData) bool {
	start, err := calendar.ParseDate(d.Start)
	if err != nil {
		return true
	}
	today := a.today()
	if d.Kind == evaluation.KindMonth {
		return start.YearMonth().Before(today.YearMonth())
	}
	return start.Before(calendar.WeekOf(today).Monday())
}

func (a *App) onPlanText(t *turn, d stepData, text string) error {
	start, err := calendar.ParseDate(d.Start)
	if err != nil || a.planStepStale(d) {
		if err := t.clearStep(); err != nil {
			return err
		}
		return t.reply(t.t("PlanStepStale", nil), nil)
	}
	start, month, err := evaluation.PlanPeriod(d.Kind, start, a.today())
	if err != nil {
		if err := t.clearStep(); err != nil {
			return err
		}
		return t.reply(t.t("PlanStepStale", nil), nil)
	}
	tasks, errs, err := evaluation.ParsePlan(t.ctx, t.tx, t.me.ID, text, evaluation.PeriodOf(d.Kind, start))
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		return t.reply(t.lineErrors(errs), nil)
	}
	p, err := evaluation.SaveDraft(t.ctx, t.tx, t.me.ID, d.Kind, start, month, tasks)
	if errors.Is(err, evaluation.ErrLocked) {
		if err := t.clearStep(); err != nil {
			return err
		}
		return t.reply(t.t("PlanLocked", nil), nil)
	}
	if err != nil {
		return err
	}
	if err := t.clearStep(); err != nil {
		return err
	}
	return t.sendDraft(p)
}

// draftKey is the dedup key of the draft card of p's version: the plan form
// on the web (PlanDrafted, PlanSubmitted) finds the card by it to edit it.
func draftKey(p evaluation.Plan) string {
	return key("plan-draft", p.ID, strconv.Itoa(p.Version))
}

func (t *turn) draftKeyboard(p evaluation.Plan) delivery.Keyboard {
	return delivery.Keyboard{
		{{Text: t.t("BtnSubmit", nil), Data: cb(vPlanSubmit, p.ID, p.Version)}},
		{{Text: t.t("BtnEdit", nil), Data: cb(vPlanEdit, p.ID, p.Version)}, {Text: t.t("BtnCancel", nil), Data: cb(vPlanCancel, p.ID, p.Version)}},
	}
}

// maxErrorsShown: a pasted plan's errors beyond these are counted, not
// listed (70 lines with the same fault read as one fault).
const maxErrorsShown = 10

// errorValueRunes shortens the part of a line quoted in an error.
const errorValueRunes = 40

// lineErrors is the reply to a plan that could not be read: the first
// errors, the count of the rest, and what to do; one message, always.
func (t *turn) lineErrors(errs []evaluation.LineError) string {
	items := make([]string, 0, min(len(errs), maxErrorsShown+1))
	for i, e := range errs {
		if i > maxErrorsShown {
			break // counted by fitList, never shown
		}
		v := e.Value
		if r := []rune(v); len(r) > errorValueRunes {
			v = string(r[:errorValueRunes-1]) + "…"
		}
		msg := t.t("TaskErr_"+e.Code, map[string]any{"Value": v, "Max": evaluation.MaxTasks, "Chars": evaluation.MaxTitleRunes,
			"From": day(e.From), "To": day(e.To)})
		if e.Line > 0 {
			msg = t.t("LineN", map[string]any{"N": e.Line}) + ": " + msg
		}
		items = append(items, "• "+msg)
	}
	more := len(errs) - len(items)
	return delivery.FitList(t.t("PlanErrors", nil)+"\n", items, "\n", "\n\n"+t.t("PlanErrorsResend", nil),
		delivery.MaxText, maxErrorsShown, func(n int) string { return t.T("MoreErrors", n+more, nil) })
}

// onPlanOwner: Submit / Edit / Cancel on the official's own draft.
func (a *App) onPlanOwner(t *turn, c callback) error {
	id, err1 := c.id(0)
	ver, err2 := c.id(1)
	if err1 != nil || err2 != nil {
		t.alert(t.t("ErrorStale", nil))
		return nil
	}
	if c.verb == vPlanSubmit {
		p, head, err := plans.Submit(t.ctx, t.tx, t.me.ID, id, int(ver))
		if err != nil {
			return planRefusal(t, err)
		}
		if head == nil {
			t.editPressed(t.planText(p, "", "PlanApprovedStatus"), nil)
			return nil
		}
		t.editPressed(t.planText(p, "", "PlanSubmitted"), nil)
		t.ack(t.t("PlanSentToast", map[string]any{"Period": t.planPeriod(p.Kind, p.PeriodStart), "Head": head.FullName}))
		return a.sendPlanToHead(t, p, *head)
	}
	if c.verb == vPlanCancel {
		if err := plans.Cancel(t.ctx, t.tx, t.me.ID, id, int(ver)); err != nil {
			return planRefusal(t, err)
		}
		t.editPressed(t.t("PlanCancelled", nil), nil)
		return nil
	}
	p, err := plans.Draft(t.ctx, t.tx, t.me.ID, id, int(ver)) // vPlanEdit
	if err != nil {
		return planRefusal(t, err)
	}
	t.editPressed(t.planText(p, "", ""), nil)
	if err := t.setStep(stepPlanTasks, stepData{Kind: p.Kind, Start: p.PeriodStart.String()}); err != nil {
		return err
	}
	ask := t.t("PlanAskAgain", nil)
	if n, err := assigned.InPlan(t.ctx, t.tx, p.ID); err != nil {
		return err
	} else if n > 0 {
		ask += "\n" + t.T("PlanAssignedKept", n, nil)
	}
	return t.reply(ask, nil)
}

// planRefusal answers a use case's refusal of a press: not theirs, or out of date.
func planRefusal(t *turn, err error) error {
	if errors.Is(err, access.ErrForbidden) {
		t.alert(t.t("NotAuthorized", nil))
		return nil
	}
	return staleOr(t, err)
}

func (a *App) sendPlanToHead(t *turn, p evaluation.Plan, head roster.Official) error {
	if head.ChatID == nil {
		return nil // the head has not joined yet; /pending shows it once they do
	}
	ht := t.as(head)
	owner := t.me.FullName + " — " + t.me.Position
	return t.send(delivery.Message{ChatID: *head.ChatID, OfficialID: head.ID, DedupKey: "plan-review:" + strconv.FormatInt(p.ID, 10) + ":" + strconv.Itoa(p.Version),
		Text: ht.planText(p, owner, ""), Keyboard: ht.headPlanKeyboard(p)})
}

// as returns a view of t that renders in another person's language, for
// messages to them; the transaction is shared.
func (t *turn) as(o roster.Official) *turn {
	c := *t
	c.lang = o.Language
	return &c
}

// staleOr turns the state machine's refusals into a polite answer.
func staleOr(t *turn, err error) error {
	switch {
	case errors.Is(err, evaluation.ErrStale), errors.Is(err, evaluation.ErrNotFound), errors.Is(err, errBadData):
		t.alert(t.t("ErrorStale", nil))
	case errors.Is(err, evaluation.ErrLocked):
		t.alert(t.t("ErrorLocked", nil))
	default:
		return err
	}
	return nil
}

// canReview reports whether t's sender may review official id today, from
// the database (never from the button): access.CanReview.
func (t *turn) canReview(officialID int64) (bool, error) {
	return access.CanReview(t.ctx, t.tx, t.me.ID, officialID, t.a().today())
}

// onPlanHead: Approve / Return on a subordinate's submitted plan.
func (a *App) onPlanHead(t *turn, c callback) error {
	id, err1 := c.id(0)
	ver, err2 := c.id(1)
	if err1 != nil || err2 != nil {
		t.alert(t.t("ErrorStale", nil))
		return nil
	}
	if c.verb == vPlanReturn {
		_, owner, err := plans.Submitted(t.ctx, t.tx, t.me.ID, id, int(ver), a.today())
		if err != nil {
			return planRefusal(t, err)
		}
		m := t.pressed()
		if err := t.setStep(stepPlanReturn, stepData{PlanID: id, Version: int(ver), ChatID: m.chatID, MessageID: m.messageID}); err != nil {
			return err
		}
		t.ack("")
		return t.reply(t.t("AskReturnReason", map[string]any{"Name": owner.FullName}), nil)
	}
	p, owner, err := plans.Approve(t.ctx, t.tx, t.me.ID, id, int(ver), a.today())
	if err != nil {
		return planRefusal(t, err)
	}
	t.editPressed(t.planText(p, owner.FullName, "PlanApprovedByYou"), nil)
	t.ack(t.t("PlanApprovedToast", map[string]any{"Period": t.planPeriod(p.Kind, p.PeriodStart), "Name": owner.FullName}))
	return t.tellPlanOwner(p, owner, true, "")
}

func (a *App) onPlanReturnReason(t *turn, d stepData, text string) error {
	reason, ok, err := t.reason(text)
	if !ok {
		return err
	}
	if err := t.clearStep(); err != nil {
		return err
	}
	p, owner, err := plans.Return(t.ctx, t.tx, t.me.ID, d.PlanID, d.Version, reason, a.today())
	switch {
	case errors.Is(err, access.ErrForbidden):
		return nil
	case errors.Is(err, evaluation.ErrStale) || errors.Is(err, evaluation.ErrNotFound):
		return t.reply(t.t("ErrorStale", nil), nil)
	case err != nil:
		return err
	}
	t.showCard(cardRef{d.ChatID, d.MessageID}, t.planText(p, owner.FullName, "PlanReturnedByYou"), nil)
	if err := t.reply(t.t("ReturnedConfirm", map[string]any{"Name": owner.FullName}), nil); err != nil {
		return err
	}
	return t.tellPlanOwner(p, owner, false, reason)
}

// onPlanEnter: the prompt's button; the next text is this plan's tasks.
// The date on the button is normalized and bounded (evaluation.PlanPeriod).
func (a *App) onPlanEnter(t *turn, c callback) error {
	k, _ := c.str(0)
	s, _ := c.str(1)
	start, err := calendar.ParseDate(s)
	kind := map[string]string{"w": evaluation.KindWeek, "m": evaluation.KindMonth}[k]
	if err != nil || kind == "" {
		return staleOr(t, evaluation.ErrStale)
	}
	if start, _, err = evaluation.PlanPeriod(kind, start, a.today()); err != nil {
		return staleOr(t, err)
	}
	t.ack("")
	return a.askPlan(t, kind, start)
}
