package telegram

import (
	"errors"
	"strings"

	"evalbot/internal/app/access"
	"evalbot/internal/app/plans"
	"evalbot/internal/calendar"
	"evalbot/internal/delivery"
	"evalbot/internal/evaluation"
	"evalbot/internal/grading"
)

// onReportCommand shows this week's approved plan with a row of result
// buttons per task (the Friday report).
func (a *App) onReportCommand(t *turn) error {
	w := calendar.WeekOf(a.today())
	p, err := evaluation.FindPlan(t.ctx, t.tx, t.me.ID, evaluation.KindWeek, w.Monday())
	if errors.Is(err, evaluation.ErrNotFound) || (err == nil && p.Status != evaluation.StatusApproved) {
		return t.reply(t.t("ReportNoPlan", nil), nil)
	}
	if err != nil {
		return err
	}
	open, err := a.reportOpen(t, p)
	if err != nil {
		return err
	}
	if !open {
		// The month is no longer the person's to mark (sent to the head,
		// published): the report as it stands, without buttons that would
		// only answer that it is locked; the head's changes edit it.
		text, err := t.reportClosedView(p)
		if err != nil {
			return err
		}
		return t.replyCard(reportCardKey(t.me.ID, w), text, nil)
	}
	text, kb, err := t.reportView(p)
	if err != nil {
		return err
	}
	// The newest /report card of the week: the web page's marks edit it.
	return t.replyCard(reportCardKey(t.me.ID, w), text, kb)
}

// reportView: the tasks with their marks and evidence, and ✅ ⏰ ❌ 📎
// buttons per task.
func (t *turn) reportView(p evaluation.Plan) (string, delivery.Keyboard, error) {
	ev, err := t.taskEvidence(p.Tasks)
	if err != nil {
		return "", nil, err
	}
	var b strings.Builder
	b.WriteString("<b>" + t.t("ReportTitle", map[string]any{"Title": t.planTitle(p.Kind, p.PeriodStart)}) + "</b>\n")
	hint := "\n\n" + t.t("ReportHint", nil) + "\n" + t.t("ReportEvidenceHint", nil)
	b.WriteString("\n" + t.taskListEv(p.Tasks, true, delivery.MaxText-delivery.TextLen(b.String())-delivery.TextLen(hint)-1, ev))
	b.WriteString(hint)
	kb := t.taskButtons(p.Tasks, func(task evaluation.Task, s grading.TaskStatus) string {
		return cb(vTaskMark, task.ID, string(s[0]), "w")
	})
	kb = reportEvidenceButtons(t, kb, p)
	kb = t.withPage(kb, "BtnReportOnePage", "report")
	kb = append(kb, []delivery.Button{{Text: t.t("BtnDone", nil), Data: cb(vReportDone, p.ID)}})
	return b.String(), kb, nil
}

// reportClosedView: the tasks with their marks and evidence, saved (the
// card closed with «Xong»), no buttons.
func (t *turn) reportClosedView(p evaluation.Plan) (string, error) {
	ev, err := t.taskEvidence(p.Tasks)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString("<b>" + t.t("ReportTitle", map[string]any{"Title": t.planTitle(p.Kind, p.PeriodStart)}) + "</b>\n")
	saved := "\n\n" + t.t("ReportSaved", nil)
	b.WriteString("\n" + t.taskListEv(p.Tasks, true, delivery.MaxText-delivery.TextLen(b.String())-delivery.TextLen(saved)-1, ev))
	b.WriteString(saved)
	return b.String(), nil
}

// taskButtons: one row per task, "N ✅", "N ⏰", "N ❌", the current one marked.
func (t *turn) taskButtons(tasks []evaluation.Task, data func(evaluation.Task, grading.TaskStatus) string) delivery.Keyboard {
	var kb delivery.Keyboard
	for _, task := range tasks {
		var row []delivery.Button
		for _, s := range []grading.TaskStatus{grading.StatusOnTime, grading.StatusLate, grading.StatusNotDone} {
			label := itoa(task.Position) + " " + statusIcon(string(s))
			if task.Status == string(s) {
				label = "• " + label + " •"
			}
			row = append(row, delivery.Button{Text: label, Data: data(task, s)})
		}
		kb = append(kb, row)
	}
	return kb
}

func statusFromCode(c string) (grading.TaskStatus, bool) {
	switch c {
	case "o":
		return grading.StatusOnTime, true
	case "l":
		return grading.StatusLate, true
	case "n":
		return grading.StatusNotDone, true
	}
	return "", false
}

// onTaskMark marks a task from the weekly report or the self-assessment's
// task view. The month must still be open: not yet submitted for review.
func (a *App) onTaskMark(t *turn, c callback) error {
	if c.verb == vReportDone {
		id, err := c.id(0)
		if err != nil {
			return staleOr(t, evaluation.ErrStale)
		}
		p, err := plans.OwnPlan(t.ctx, t.tx, t.me.ID, id)
		if err != nil {
			return staleOr(t, err)
		}
		text, err := t.reportClosedView(p)
		if err != nil {
			return err
		}
		// The card stays closed when another face changes a mark (reportCardEdits).
		if m := t.pressed(); m.messageID != 0 {
			if err := delivery.CloseCard(t.ctx, t.tx, m.chatID, m.messageID); err != nil {
				return err
			}
		}
		t.editPressed(text, nil)
		t.ack(t.t("ReportSavedToast", map[string]any{"Period": t.planPeriod(p.Kind, p.PeriodStart)}))
		return nil
	}
	taskID, err := c.id(0)
	code, _ := c.str(1)
	where, _ := c.str(2)
	status, ok := statusFromCode(code)
	if err != nil || !ok {
		return staleOr(t, evaluation.ErrStale)
	}
	task, p, err := plans.MarkOwnTask(t.ctx, t.tx, t.me.ID, taskID, status, a.assessMonth(), t.taskCards(t.pressed()))
	if errors.Is(err, access.ErrForbidden) {
		t.alert(t.t("NotAuthorized", nil))
		return nil
	}
	if err != nil {
		return staleOr(t, err)
	}
	planID, owner := p.ID, p.OfficialID
	t.ack(t.t("TaskMarkedToast", map[string]any{"Task": shortTitle(task.Title), "Status": t.t("TaskStatus_"+string(status), nil)}))
	if where == "w" {
		p, err = evaluation.LoadPlan(t.ctx, t.tx, planID)
		if err != nil {
			return err
		}
		text, kb, err := t.reportView(p)
		if err != nil {
			return err
		}
		t.editPressed(text, kb)
		return nil
	}
	as, err := evaluation.FindAssessment(t.ctx, t.tx, owner, p.Month)
	if err != nil {
		return err
	}
	return a.showSelf(t, as, "t"+strings.TrimPrefix(where, "a"))
}

// toastTitleRunes keeps a task's title within a toast (Telegram shows at
// most 200 characters of a callback query's answer).
const toastTitleRunes = 80

// shortTitle is a task's title for a toast: its first toastTitleRunes.
func shortTitle(s string) string {
	if r := []rune(s); len(r) > toastTitleRunes {
		return string(r[:toastTitleRunes-1]) + "…"
	}
	return s
}
