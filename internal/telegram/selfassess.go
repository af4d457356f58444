package telegram

import (
	"errors"
	"strconv"
	"strings"

	"evalbot/internal/app/access"
	"evalbot/internal/app/grades"
	"evalbot/internal/app/selfassess"
	"evalbot/internal/calendar"
	"evalbot/internal/delivery"
	"evalbot/internal/evaluation"
	"evalbot/internal/grading"
	"evalbot/internal/roster"
)

// assessMonth is the month /assess, /publish, /pending, /status and /export
// mean today (calendar.MonthUnderReview): the previous month up to and
// including its publication day, the current one after.
func (a *App) assessMonth() calendar.Month {
	return a.Cal.MonthUnderReview(a.today(), a.PublishDay)
}

// frameworkOf returns the framework of the official's unit.
func (a *App) frameworkOf(t *turn, o roster.Official) (*grading.Framework, error) {
	u, err := roster.UnitByID(t.ctx, t.tx, o.UnitID)
	if err != nil {
		return nil, err
	}
	return a.Framework(u.FrameworkID)
}

// compute grades an assessment with the engine; review selects the head's copy.
func (a *App) compute(t *turn, o roster.Official, as evaluation.Assessment, review bool) (grading.Result, *grading.Framework, error) {
	r, fw, _, err := a.computeCard(t, o, as, review)
	return r, fw, err
}

// computeCard is compute that also returns the month's tasks (grades.Card).
func (a *App) computeCard(t *turn, o roster.Official, as evaluation.Assessment, review bool) (grading.Result, *grading.Framework, []evaluation.Task, error) {
	fw, err := a.Framework(as.FrameworkID)
	if err != nil {
		return grading.Result{}, nil, nil, err
	}
	r, tasks, err := grades.Card(t.ctx, t.tx, a.Cal, fw, o, as, review)
	return r, fw, tasks, err
}

func (a *App) onAssessCommand(t *turn) error {
	fw, err := a.frameworkOf(t, *t.me)
	if err != nil {
		return err
	}
	as, err := evaluation.OpenAssessment(t.ctx, t.tx, t.me.ID, a.assessMonth(), fw)
	if err != nil {
		return err
	}
	text, kb, err := a.selfView(t, as, "m")
	if err != nil {
		return err
	}
	// The newest /assess card of the month: the web pages' changes edit it.
	return t.replyCard(selfCardKey(t.me.ID, as.Month), text, kb)
}

// selfView renders the official's own self-assessment: the main card with a
// row of point buttons per criterion, the task list, or the bonus choice.
func (a *App) selfView(t *turn, as evaluation.Assessment, view string) (string, delivery.Keyboard, error) {
	r, fw, tasks, err := a.computeCard(t, *t.me, as, false)
	var gradeErr error
	if err != nil {
		if fw == nil || !errors.As(err, new(*grading.InputError)) {
			return "", nil, err
		}
		gradeErr = err
	}
	text, kb := a.renderSelf(t, as, view, fw, tasks, r, gradeErr)
	if view == "m" && as.Editable() && a.BoardURL != "" && t.chatID != 0 && t.chatID == t.userID {
		// The same self-assessment on one page, inside Telegram (Mini App).
		kb = append(kb, []delivery.Button{{Text: t.t("BtnSelfOnePage", nil), WebApp: a.BoardURL + "?next=assess"}})
	}
	return text, kb, nil
}

// renderSelf is selfView once the grade (or gradeErr) and the tasks are known.
func (a *App) renderSelf(t *turn, as evaluation.Assessment, view string, fw *grading.Framework, tasks []evaluation.Task,
	r grading.Result, gradeErr error) (string, delivery.Keyboard) {
	var b strings.Builder
	b.WriteString("<b>" + t.t("SelfTitle", map[string]any{"Month": monthLabel(as.Month)}) + "</b>\n")
	if as.Status == evaluation.AssessReturned && as.ReturnReason != "" {
		b.WriteString(t.t("ReturnedBecause", map[string]any{"Reason": as.ReturnReason}) + "\n")
	}
	if !as.Editable() {
		b.WriteString("\n" + t.summary(fw, as.SelfCriteria, as.SelfBonus, tasks, r, gradeErr))
		b.WriteString("\n\n" + t.t("SelfSubmittedStatus", nil))
		return b.String(), nil
	}
	var kb delivery.Keyboard
	switch {
	case strings.HasPrefix(view, "t"):
		page, n, pages := taskPage(tasks, view)
		b.WriteString("\n" + t.t("TasksOfMonth", map[string]any{"N": len(tasks)}) + "\n")
		// A failed read aborts the update's transaction, which then fails
		// as a whole: the view needs no error of its own.
		ev, _ := t.taskEvidence(page)
		for _, task := range page {
			b.WriteString("\n" + t.taskLineEv(task, true, listTitleRunes, ev[task.ID], false))
		}
		if len(tasks) == 0 {
			b.WriteString("\n" + t.t("NoTasksHint", nil))
		}
		kb = t.taskButtons(page, func(task evaluation.Task, s grading.TaskStatus) string {
			return cb(vTaskMark, task.ID, string(s[0]), "a"+strconv.Itoa(n))
		})
		kb = evidenceButtons(kb, page, "a"+strconv.Itoa(n))
		if nav := pageNav(n, pages, func(p int) string { return cb(vSelfView, as.ID, "t"+strconv.Itoa(p)) }); nav != nil {
			kb = append(kb, nav)
		}
		kb = append(kb, []delivery.Button{{Text: t.t("BtnBack", nil), Data: cb(vSelfView, as.ID, "m")}})
	case view == "b":
		b.WriteString("\n" + t.t("BonusAsk", map[string]any{"Max": pts(t.lang, fw.BonusMax)}))
		kb = bonusButtons(fw, as.SelfBonus, func(n int) string { return cb(vSelfBonus, as.ID, n) })
		kb = append(kb, []delivery.Button{{Text: t.t("BtnBack", nil), Data: cb(vSelfView, as.ID, "m")}})
	default:
		b.WriteString("\n" + t.summary(fw, as.SelfCriteria, as.SelfBonus, tasks, r, gradeErr))
		b.WriteString("\n\n" + t.t("SelfHint", nil))
		kb = criterionButtons(fw, as.SelfCriteria, func(i int, p int) string { return cb(vSelfCrit, as.ID, i, p) })
		row := []delivery.Button{{Text: t.t("BtnTasks", map[string]any{"N": len(tasks)}), Data: cb(vSelfView, as.ID, "t")}}
		if fw.BonusMax > 0 {
			row = append(row, delivery.Button{Text: t.t("BtnBonus", map[string]any{"Bonus": pts(t.lang, as.SelfBonus)}), Data: cb(vSelfView, as.ID, "b")})
		}
		kb = append(kb, row, []delivery.Button{{Text: t.t("BtnSubmitAssessment", nil), Data: cb(vSelfSubmit, as.ID, as.Version)}})
	}
	return b.String(), kb
}

// criterionButtons: per criterion, a label button and its point values
// (at most 7, so a row stays within Telegram's 8 buttons).
func criterionButtons(fw *grading.Framework, given map[string]grading.Points, data func(i, p int) string) delivery.Keyboard {
	var kb delivery.Keyboard
	for i, c := range fw.General {
		row := []delivery.Button{{Text: strconv.Itoa(i+1) + ".", Data: cb(vNoop, "c"+c.ID)}}
		hi := int(c.Max / 100)
		lo := max(0, hi-6)
		for p := lo; p <= hi; p++ {
			label := strconv.Itoa(p)
			if given[c.ID] == grading.Points(p*100) {
				label = "•" + label + "•"
			}
			row = append(row, delivery.Button{Text: label, Data: data(i, p)})
		}
		kb = append(kb, row)
	}
	return kb
}

func bonusButtons(fw *grading.Framework, current grading.Points, data func(n int) string) delivery.Keyboard {
	var kb delivery.Keyboard
	var row []delivery.Button
	for n := 0; n <= int(fw.BonusMax/100); n++ {
		label := strconv.Itoa(n)
		if current == grading.Points(n*100) {
			label = "•" + label + "•"
		}
		row = append(row, delivery.Button{Text: label, Data: data(n)})
		if len(row) == 6 {
			kb, row = append(kb, row), nil
		}
	}
	if len(row) > 0 {
		kb = append(kb, row)
	}
	return kb
}

// summary: the criteria, the tasks' result, the bonus and the provisional total.
func (t *turn) summary(fw *grading.Framework, crit map[string]grading.Points, bonus grading.Points, tasks []evaluation.Task, r grading.Result, gradeErr error) string {
	var b strings.Builder
	b.WriteString(t.t("GroupGeneral", map[string]any{"Max": pts(t.lang, fw.GeneralMax())}))
	for i, c := range fw.General {
		b.WriteString("\n" + strconv.Itoa(i+1) + ". " + escape(fw.CriterionName(c.ID, t.lang)) + ": <b>" + pts(t.lang, crit[c.ID]) + "</b>/" + pts(t.lang, c.Max))
	}
	var on, late, not int
	for _, task := range tasks {
		switch task.Status {
		case string(grading.StatusOnTime):
			on++
		case string(grading.StatusLate):
			late++
		default:
			not++
		}
	}
	b.WriteString("\n\n" + t.t("GroupTasks", map[string]any{"Max": pts(t.lang, fw.TaskMax)}))
	b.WriteString("\n" + t.t("TaskCounts", map[string]any{"N": len(tasks), "OnTime": on, "Late": late, "NotDone": not}))
	b.WriteString(t.standardUnits(tasks))
	if gradeErr == nil && r.Breakdown.Manual {
		b.WriteString("\n" + t.t("TaskScoreManual", map[string]any{"Score": pts(t.lang, r.Task), "Max": pts(t.lang, fw.TaskMax)}))
	} else if gradeErr == nil {
		b.WriteString("\n" + t.t("TaskScore", map[string]any{"Score": pts(t.lang, r.Task), "Max": pts(t.lang, fw.TaskMax),
			"Quantity": pct(t.lang, r.Breakdown.Quantity), "Quality": pct(t.lang, r.Breakdown.Quality), "Progress": pct(t.lang, r.Breakdown.Progress)}))
	}
	if fw.BonusMax > 0 {
		b.WriteString("\n\n" + t.t("BonusLine", map[string]any{"Bonus": pts(t.lang, bonus)}))
	}
	b.WriteString("\n\n")
	switch {
	case gradeErr != nil:
		b.WriteString(t.t("ProvisionalUnknown", nil))
	case !r.Graded:
		b.WriteString(t.t("NotGradedTooFewDays", nil))
	default:
		b.WriteString(t.t("Provisional", map[string]any{"Total": pts(t.lang, r.Total), "Grade": string(r.Grade), "GradeName": fw.BandName(r.Grade, t.lang)}))
	}
	return b.String()
}

// showSelf edits the pressed message to the given view.
func (a *App) showSelf(t *turn, as evaluation.Assessment, view string) error {
	text, kb, err := a.selfView(t, as, view)
	if err != nil {
		return err
	}
	t.editPressed(text, kb)
	return nil
}

func (a *App) onSelf(t *turn, c callback) error {
	id, err := c.id(0)
	if err != nil {
		return staleOr(t, evaluation.ErrStale)
	}
	var as evaluation.Assessment
	var published bool
	if pr := t.press; pr != nil && pr.Applied && c.verb == vSelfCrit {
		// The change's own conditions held (owner, editable, unpublished):
		// they, not the read just before it, decide.
		as = pr.After
	} else if p := t.preAs; p != nil && p.id == id {
		as, published, err = p.as, p.published, p.err
	} else {
		as, published, err = evaluation.LoadAssessmentPublished(t.ctx, t.tx, id)
	}
	if err != nil {
		return staleOr(t, err)
	}
	if err := selfassess.Editable(t.me.ID, as, published); errors.Is(err, access.ErrForbidden) {
		t.alert(t.t("NotAuthorized", nil))
		return nil
	} else if err != nil {
		return staleOr(t, err)
	}
	fw, err := a.Framework(as.FrameworkID)
	if err != nil {
		return err
	}
	switch c.verb {
	case vSelfView:
		view, _ := c.str(1)
		t.ack("")
		return a.showSelf(t, as, view)
	case vSelfCrit:
		i, err1 := c.small(1, int64(len(fw.General)-1))
		p, err2 := c.small(2, 1000)
		pr := t.press // applied and committed with the update's first round trip
		if err1 != nil || err2 != nil || pr == nil {
			return staleOr(t, evaluation.ErrStale)
		}
		if !pr.Applied {
			// The checks above passed on what the batch read before the
			// change: the score is out of range, or the assessment was
			// submitted or locked in between.
			if err := evaluation.CheckCriterion(fw, fw.General[i].ID, grading.Points(p*100)); err != nil {
				return a.inputRefusal(t, err)
			}
			return staleOr(t, evaluation.ErrLocked)
		}
		if pr.Err != nil {
			return pr.Err
		}
		in := pr.Input
		in.Role = grading.RoleStaff
		if t.me.IsHead {
			// Reads only, on the connection of the ended transaction
			// (turn.press): whom the head leads, and their grades.
			db := t.tx.Conn()
			ids, err := roster.SubordinateIDs(t.ctx, db, t.me.ID)
			if err != nil {
				return err
			}
			in.Role = grading.RoleHead
			if len(ids) > 0 {
				if in.SubordinateGrades, err = evaluation.Grades(t.ctx, db, ids, pr.After.Month); err != nil {
					return err
				}
			}
		}
		t.ack(t.t("CriterionSavedToast", map[string]any{"N": i + 1, "Points": pts(t.lang, grading.Points(p*100))}))
		r, gradeErr := fw.Grade(in)
		if gradeErr != nil && !errors.As(gradeErr, new(*grading.InputError)) {
			return gradeErr
		}
		t.editPressed(a.renderSelf(t, pr.After, "m", fw, pr.Tasks, r, gradeErr))
		return nil
	case vSelfBonus:
		n, err := c.small(1, 1000)
		if err != nil {
			return staleOr(t, evaluation.ErrStale)
		}
		if n == 0 {
			as, err = selfassess.SetBonus(t.ctx, t.tx, a.Framework, t.me.ID, id, 0, "", t.selfCards(t.pressed()))
			if err != nil {
				return a.inputRefusal(t, err)
			}
			t.ack(t.t("BonusNoneToast", nil))
			return a.showSelf(t, as, "m")
		}
		if grading.Points(n*100) > fw.BonusMax {
			return staleOr(t, evaluation.ErrStale)
		}
		m := t.pressed()
		if err := t.setStep(stepBonusReason, stepData{AssessmentID: id, Bonus: n * 100, ChatID: m.chatID, MessageID: m.messageID}); err != nil {
			return err
		}
		t.ack("")
		return t.reply(t.t("BonusReasonAsk", map[string]any{"Bonus": pts(t.lang, grading.Points(n*100))}), nil)
	}
	// Submit.
	ver, err := c.id(1)
	if err != nil || int(ver) != as.Version {
		return staleOr(t, evaluation.ErrStale)
	}
	// The other self-assessment cards say it was sent; the head gets the
	// review card (selfCards.SelfSubmitted).
	as, head, err := selfassess.Submit(t.ctx, t.tx, a.Cal, a.Framework, t.me.ID, id, int(ver), a.Now(), t.selfCards(t.pressed()))
	switch {
	case errors.Is(err, selfassess.ErrNoReviewer):
		t.alert(t.t("NoReviewer", nil))
		return nil
	case errors.Is(err, access.ErrForbidden):
		t.alert(t.t("NotAuthorized", nil))
		return nil
	case err != nil:
		return staleOr(t, err)
	}
	t.ack(t.t("SelfSentToast", map[string]any{"Month": monthLabel(as.Month), "Head": head.FullName}))
	return a.showSelf(t, as, "m")
}

func (a *App) inputRefusal(t *turn, err error) error {
	var ie *grading.InputError
	if errors.As(err, &ie) {
		t.alert(t.t("ValueOutOfRange", nil))
		return nil
	}
	return staleOr(t, err)
}

func (a *App) onBonusReason(t *turn, d stepData, text string) error {
	reason, ok, err := t.reason(text)
	if !ok {
		return err
	}
	if err := t.clearStep(); err != nil {
		return err
	}
	as, err := selfassess.SetBonus(t.ctx, t.tx, a.Framework, t.me.ID, d.AssessmentID, grading.Points(d.Bonus), reason,
		t.selfCards(cardRef{d.ChatID, d.MessageID}))
	if errors.Is(err, evaluation.ErrStale) {
		return t.reply(t.t("ErrorStale", nil), nil)
	}
	if errors.Is(err, evaluation.ErrLocked) {
		return t.reply(t.t("ErrorLocked", nil), nil)
	}
	if err != nil {
		return err
	}
	text2, kb, err := a.selfView(t, as, "m")
	if err != nil {
		return err
	}
	t.showCard(cardRef{d.ChatID, d.MessageID}, text2, kb)
	return t.reply(t.t("BonusSaved", nil), nil)
}
