package telegram

import (
	"errors"
	"strconv"
	"strings"

	"evalbot/internal/app/access"
	"evalbot/internal/app/plans"
	"evalbot/internal/app/reviews"
	"evalbot/internal/delivery"
	"evalbot/internal/evaluation"
	"evalbot/internal/grading"
	"evalbot/internal/roster"
)

// Decree 335/2025/NĐ-CP in the chat: the catalogue search (/catalogue), a
// catalogue task's line, and the head's «chưa đạt» mark on a done task.

const (
	// vQualityMark: the head marks a done task not up to standard: task,
	// assessment, the task view's page.
	vQualityMark = "qm"
	// vQualityUndo: the head takes back the task's latest mark: task,
	// assessment, page, the mark.
	vQualityUndo = "qu"
	// stepQualityReason: a head typing why a done task is not up to
	// standard: task (in PlanID), assessment, page (in Version), message.
	stepQualityReason = "quality_reason"
)

// onCatalogueSearch answers /catalogue words: the matching items of the
// sender's catalogue with their codes, at most evaluation.MaxSearchResults,
// and how to put one in a plan.
func (a *App) onCatalogueSearch(t *turn, query string) error {
	if strings.TrimSpace(query) == "" {
		return t.reply(t.t("CatalogueAsk", nil), nil)
	}
	items, n, err := evaluation.SearchCatalogue(t.ctx, t.tx, t.me.ID, query, evaluation.MaxSearchResults)
	if err != nil {
		return err
	}
	if n == 0 {
		return t.reply(t.t("CatalogueNone", map[string]any{"Query": query}), nil)
	}
	var b strings.Builder
	b.WriteString(t.T("CatalogueFound", n, map[string]any{"N": n, "Query": query}))
	for _, c := range items {
		b.WriteString("\n• <code>#" + escape(c.Code) + "</code> " + escape(c.Name) + " — " +
			t.t("CatalogueFactor", map[string]any{"Measure": c.Measure, "Factor": pts(t.lang, c.Factor)}))
	}
	if n > len(items) {
		b.WriteString("\n" + t.T("CatalogueMore", n-len(items), map[string]any{"N": n - len(items)}))
	}
	b.WriteString("\n\n" + t.t("CatalogueHowTo", map[string]any{"Code": items[0].Code}))
	return t.reply(b.String(), nil)
}

// itemSuffix is what a task line adds for a catalogue task («TD01: 3 hồ sơ
// = 4,5 đơn vị chuẩn») and for its «chưa đạt» marks; "" for neither.
func (t *turn) itemSuffix(task evaluation.Task) string {
	var s string
	if task.ItemCode != "" {
		s += " — " + t.t("TaskItem", map[string]any{"Code": task.ItemCode, "N": task.Quantity, "Measure": task.Measure,
			"Weight": pts(t.lang, task.Weight)})
	}
	if task.QualityFaults > 0 {
		s += " " + t.t("TaskNotUpToStandard", map[string]any{"N": task.QualityFaults})
	}
	return s
}

// qualityButtons adds to each row of a review's task view (one row per task
// of page, as taskButtons makes them) a «⚠️ chưa đạt» button for a done task,
// and a ↩️ that names the task's latest mark (taken back once, however often
// it is pressed). A failed read aborts the update's transaction, which then
// fails as a whole.
func qualityButtons(t *turn, kb delivery.Keyboard, page []evaluation.Task, asID int64, n int) delivery.Keyboard {
	var marked []int64
	for _, task := range page {
		if task.QualityFaults > 0 {
			marked = append(marked, task.ID)
		}
	}
	var marks map[int64][]evaluation.QualityMark
	if len(marked) > 0 {
		marks, _ = evaluation.QualityMarks(t.ctx, t.tx, marked)
	}
	for i, task := range page {
		if i >= len(kb) || task.Status != "on_time" && task.Status != "late" {
			continue
		}
		label := itoa(task.Position) + " ⚠️"
		if task.QualityFaults > 0 {
			label += " " + strconv.Itoa(task.QualityFaults)
		}
		kb[i] = append(kb[i], delivery.Button{Text: label, Data: cb(vQualityMark, task.ID, asID, n)})
		if ms := marks[task.ID]; task.QualityFaults > 0 && len(ms) > 0 {
			kb[i] = append(kb[i], delivery.Button{Text: itoa(task.Position) + " ↩️", Data: cb(vQualityUndo, task.ID, asID, n, ms[len(ms)-1].ID)})
		}
	}
	return kb
}

// onQualityUndo takes back the task's latest «chưa đạt» mark
// (reviews.WithdrawQualityMark).
func (a *App) onQualityUndo(t *turn, c callback) error {
	taskID, err1 := c.id(0)
	asID, err2 := c.id(1)
	page, err3 := c.small(2, 100)
	markID, err4 := c.id(3) // none on a button from before marks were named: stale
	if err1 != nil || err2 != nil || err3 != nil || err4 != nil {
		return staleOr(t, evaluation.ErrStale)
	}
	res, err := reviews.WithdrawQualityMark(t.ctx, t.tx, t.me.ID, asID, taskID, markID, a.today(), t.taskCards(t.pressed()))
	switch {
	case errors.Is(err, access.ErrForbidden):
		t.alert(t.t("NotAuthorized", nil))
		return nil
	case err != nil:
		return staleOr(t, err)
	}
	view, kb, err := a.adjustView(t, res.Assessment, res.Official, "t"+strconv.FormatInt(page, 10))
	if err != nil {
		return err
	}
	t.editPressed(view, kb)
	if res.Repeated {
		t.ack("") // taken back by the first tap, told then
		return nil
	}
	t.ack(t.t("QualityUnmarkedToast", qualityData(res)))
	return a.tellUnmarked(t, res)
}

// tellUnmarked tells the task's owner in chat that a «chưa đạt» mark was
// taken back (QualityUnmarkedOwner, once per mark: "qunmark:<mark id>").
func (a *App) tellUnmarked(t *turn, res reviews.MarkResult) error {
	o := res.Official
	if o.ChatID == nil {
		return nil
	}
	return t.send(delivery.Message{ChatID: *o.ChatID, OfficialID: o.ID, DedupKey: "qunmark:" + strconv.FormatInt(res.Mark.ID, 10),
		Text: t.as(o).t("QualityUnmarkedOwner", qualityData(res))})
}

// onQualityMark asks the head why the task is not up to standard.
func (a *App) onQualityMark(t *turn, c callback) error {
	taskID, err1 := c.id(0)
	asID, err2 := c.id(1)
	page, err3 := c.small(2, 100)
	if err1 != nil || err2 != nil || err3 != nil {
		return staleOr(t, evaluation.ErrStale)
	}
	as, o, ok, err := a.reviewable(t, asID)
	if !ok || err != nil {
		return err
	}
	task, ok, err := a.reviewTask(t, as, taskID)
	if err != nil || !ok {
		return err
	}
	m := t.pressed()
	if err := t.setStep(stepQualityReason, stepData{PlanID: taskID, AssessmentID: asID, Version: int(page),
		ChatID: m.chatID, MessageID: m.messageID}); err != nil {
		return err
	}
	t.ack("")
	return t.reply(t.t("QualityAskReason", map[string]any{"Title": cutTitle(task.Title, listTitleRunes), "Name": o.FullName}), nil)
}

// reviewTask finds taskID among the month's tasks of a submitted assessment;
// ok is false (and the press answered) when it is not there any more.
func (a *App) reviewTask(t *turn, as evaluation.Assessment, taskID int64) (evaluation.Task, bool, error) {
	if as.Status != evaluation.AssessSubmitted {
		t.alert(t.t("ErrorStale", nil))
		return evaluation.Task{}, false, nil
	}
	tasks, err := evaluation.MonthTasks(t.ctx, t.tx, as.OfficialID, as.Month)
	if err != nil {
		return evaluation.Task{}, false, err
	}
	for _, task := range tasks {
		if task.ID == taskID {
			return task, true, nil
		}
	}
	t.alert(t.t("ErrorStale", nil))
	return evaluation.Task{}, false, nil
}

// onQualityReason records the mark with the typed reason
// (reviews.MarkNotUpToStandard), refreshes the task view and tells the head
// and the official.
func (a *App) onQualityReason(t *turn, d stepData, text string) error {
	reason, ok, err := t.reason(text)
	if !ok || err != nil {
		return err
	}
	res, err := reviews.MarkNotUpToStandard(t.ctx, t.tx, t.me.ID, d.AssessmentID, d.PlanID, reason, a.today(), t.taskCards(cardRef{}))
	if cerr := t.clearStep(); cerr != nil {
		return cerr
	}
	switch {
	case errors.Is(err, access.ErrForbidden):
		return t.reply(t.t("NotAuthorized", nil), nil)
	case errors.Is(err, evaluation.ErrLocked):
		return t.reply(t.t("ErrorLocked", nil), nil)
	case errors.Is(err, evaluation.ErrNotDone), errors.Is(err, evaluation.ErrNotFound), errors.Is(err, evaluation.ErrStale):
		return t.reply(t.t("ErrorStale", nil), nil)
	case err != nil:
		return err
	}
	view, kb, err := a.adjustView(t, res.Assessment, res.Official, "t"+strconv.Itoa(d.Version))
	if err != nil {
		return err
	}
	t.showCard(cardRef{d.ChatID, d.MessageID}, view, kb)
	if err := a.tellMarked(t, res); err != nil {
		return err
	}
	data := qualityData(res)
	data["Name"] = res.Official.FullName
	return t.reply(t.t("QualityMarked", data), nil)
}

// qualityData is the data of a «chưa đạt» mark's messages.
func qualityData(res reviews.MarkResult) map[string]any {
	return map[string]any{"Title": cutTitle(res.TaskTitle, listTitleRunes), "N": res.Faults, "Reason": res.Mark.Reason,
		"Month": monthLabel(res.Assessment.Month)}
}

// tellMarked tells the task's owner in chat of a new «chưa đạt» mark, with
// its reason (QualityMarkedOwner, once per mark: DedupKey "qmark:<mark id>");
// nothing for a repeated mark or an owner without Telegram.
func (a *App) tellMarked(t *turn, res reviews.MarkResult) error {
	o := res.Official
	if res.Repeated || o.ChatID == nil {
		return nil
	}
	return t.send(delivery.Message{ChatID: *o.ChatID, OfficialID: o.ID, DedupKey: "qmark:" + strconv.FormatInt(res.Mark.ID, 10),
		Text: t.as(o).t("QualityMarkedOwner", qualityData(res))})
}

// standardUnits is the summary's line on catalogue tasks and «chưa đạt»
// marks: the month's standard units (đơn vị sản phẩm quy đổi: the tasks'
// weights) done of those planned, and how many marks; "" when the month has
// neither a catalogue task nor a mark.
func (t *turn) standardUnits(tasks []evaluation.Task) string {
	var items, marks int
	var units, done grading.Points
	for _, task := range tasks {
		if task.ItemCode != "" {
			items++
		}
		units += task.Weight
		if task.Status == "on_time" || task.Status == "late" {
			done += task.Weight
		}
		marks += task.QualityFaults
	}
	var s string
	if items > 0 {
		s += "\n" + t.t("TaskUnits", map[string]any{"Done": pts(t.lang, done), "Weight": pts(t.lang, units), "Items": items})
	}
	if marks > 0 {
		s += "\n" + t.T("TaskMarks", marks, map[string]any{"N": marks})
	}
	return s
}

// writeQuotaRooms adds to a review card, for a unit whose roster names task
// groups, how many more A each quota group has room for, counting approved
// grades as they are and people not yet approved (this one too) with their
// self-assessed grade, but never A, or C: the room before this approval
// (Decree 335 per group; a unit-wide framework shows the unit as one). Nothing when no one of the
// unit has a task group.
func (a *App) writeQuotaRooms(t *turn, b *strings.Builder, fw *grading.Framework, o roster.Official, as evaluation.Assessment) error {
	if fw == nil || as.Status != evaluation.AssessSubmitted {
		return nil
	}
	members, exceptional, err := reviews.QuotaMembers(t.ctx, t.tx, o.UnitID, as.Month)
	if err != nil || len(members) == 0 {
		return err
	}
	rooms := fw.QuotaRooms(members, exceptional)
	b.WriteString("\n\n" + t.t("QuotaRoomsTitle", nil))
	for _, r := range rooms {
		name := r.Group
		if name == "" && fw.QuotaScope() == grading.QuotaScopeTaskGroup {
			name = t.t("QuotaNoGroup", nil)
		} else if name == "" {
			name = t.t("QuotaWholeUnit", nil)
		}
		mark := ""
		if fw.QuotaGroup(o.TaskGroup) == r.Group {
			mark = " ←"
		}
		b.WriteString("\n• " + t.t("QuotaRoom", map[string]any{"Group": name, "A": r.A, "Cap": r.Cap, "Room": r.Room}) + mark)
	}
	return nil
}

const (
	// vPlanWeigh: the head weighs the free-text tasks of a submitted plan:
	// plan, version.
	vPlanWeigh = "pw"
	// stepPlanWeigh: a head typing weights («2 x1,5»): plan, version, message.
	stepPlanWeigh = "plan_weigh"
)

// headPlanKeyboard is a submitted plan's card for its head: Approve, Return,
// and — when it has a free-text task — Weights.
func (t *turn) headPlanKeyboard(p evaluation.Plan) delivery.Keyboard {
	kb := delivery.Keyboard{{
		{Text: t.t("BtnApprove", nil), Data: cb(vPlanApprove, p.ID, p.Version)},
		{Text: t.t("BtnReturn", nil), Data: cb(vPlanReturn, p.ID, p.Version)},
	}}
	for _, task := range p.Tasks {
		if task.ItemCode == "" {
			return append(kb, []delivery.Button{{Text: t.t("BtnWeigh", nil), Data: cb(vPlanWeigh, p.ID, p.Version)}})
		}
	}
	return kb
}

// onPlanWeigh asks the head for the weights of a submitted plan's tasks.
func (a *App) onPlanWeigh(t *turn, c callback) error {
	id, err1 := c.id(0)
	ver, err2 := c.id(1)
	if err1 != nil || err2 != nil {
		return staleOr(t, errBadData)
	}
	p, err := evaluation.LoadPlan(t.ctx, t.tx, id)
	if err != nil {
		return staleOr(t, err)
	}
	if ok, err := t.canReview(p.OfficialID); err != nil || !ok {
		if err == nil {
			t.alert(t.t("NotAuthorized", nil))
		}
		return err
	}
	if p.Version != int(ver) || p.Status != evaluation.StatusSubmitted {
		t.alert(t.t("ErrorStale", nil))
		return nil
	}
	m := t.pressed()
	if err := t.setStep(stepPlanWeigh, stepData{PlanID: id, Version: int(ver), ChatID: m.chatID, MessageID: m.messageID}); err != nil {
		return err
	}
	t.ack("")
	return t.reply(t.t("PlanWeighAsk", nil), nil)
}

// onPlanWeighText applies the typed weights and brings the plan's card up to
// date; a faulty line is told with its number and nothing is changed.
func (a *App) onPlanWeighText(t *turn, d stepData, text string) error {
	p, errs, err := plans.WeighTyped(t.ctx, t.tx, t.me.ID, d.PlanID, d.Version, text, a.today())
	switch {
	case errors.Is(err, evaluation.ErrStale), errors.Is(err, evaluation.ErrNotFound), errors.Is(err, evaluation.ErrLocked):
		if err := t.clearStep(); err != nil {
			return err
		}
		return t.reply(t.t("ErrorStale", nil), nil)
	case errors.Is(err, access.ErrForbidden):
		if err := t.clearStep(); err != nil {
			return err
		}
		return t.reply(t.t("NotAuthorized", nil), nil)
	case err != nil:
		return err
	case len(errs) > 0:
		return t.reply(t.lineErrors(errs), nil)
	}
	if err := t.clearStep(); err != nil {
		return err
	}
	owner, err := roster.OfficialByID(t.ctx, t.tx, p.OfficialID)
	if err != nil {
		return err
	}
	t.showCard(cardRef{d.ChatID, d.MessageID}, t.planText(p, owner.FullName+" — "+owner.Position, ""), t.headPlanKeyboard(p))
	return t.reply(t.t("PlanWeighed", map[string]any{"Name": owner.FullName}), nil)
}
