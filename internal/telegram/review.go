package telegram

import (
	"errors"
	"strconv"
	"strings"

	"evalbot/internal/app/access"
	"evalbot/internal/app/publication"
	"evalbot/internal/app/reviews"
	"evalbot/internal/delivery"
	"evalbot/internal/evaluation"
	"evalbot/internal/grading"
	"evalbot/internal/locale"
	"evalbot/internal/roster"
	"evalbot/internal/textnorm"
)

// reviewCard renders a submission for its head: who, the self-assessed
// points and grade, the breakdown, and Approve / Adjust / Return.
func (a *App) reviewCard(t *turn, as evaluation.Assessment, o roster.Official) (string, delivery.Keyboard, error) {
	r, fw, tasks, err := a.computeCard(t, o, as, true)
	var gradeErr error
	if err != nil {
		if fw == nil || !errors.As(err, new(*grading.InputError)) {
			return "", nil, err
		}
		gradeErr = err
	}
	var b strings.Builder
	b.WriteString("<b>" + t.t("ReviewTitle", map[string]any{"Month": monthLabel(as.Month), "Name": o.FullName}) + "</b>\n")
	b.WriteString(escape(o.Position + " — " + o.UnitName))
	if !as.SelfAssessed {
		b.WriteString("\n" + t.t("NotSelfAssessed", nil))
	} else if as.SelfTotal != nil {
		b.WriteString("\n" + t.t("SelfAssessedAs", map[string]any{"Total": pts(t.lang, *as.SelfTotal), "Grade": as.SelfGrade}))
	}
	if as.SelfBonus > 0 && as.BonusReason != "" {
		b.WriteString("\n" + t.t("BonusClaim", map[string]any{"Bonus": pts(t.lang, as.SelfBonus), "Reason": as.BonusReason}))
	}
	b.WriteString("\n\n" + t.summary(fw, as.ReviewCriteria(), as.ReviewBonus(), tasks, r, gradeErr))
	if err := a.writeQuotaRooms(t, &b, fw, o, as); err != nil {
		return "", nil, err
	}
	adjusted, err := a.adjustedLine(t, fw, as)
	if err != nil {
		return "", nil, err
	}
	if adjusted != "" {
		b.WriteString("\n" + adjusted)
	}
	var kb delivery.Keyboard
	switch as.Status {
	case evaluation.AssessSubmitted:
		kb = delivery.Keyboard{
			{{Text: t.t("BtnApprove", nil), Data: cb(vReviewOK, as.ID, as.Version)}},
			{{Text: t.t("BtnAdjust", nil), Data: cb(vReviewAdjust, as.ID)}, {Text: t.t("BtnReturn", nil), Data: cb(vReviewReturn, as.ID, as.Version)}},
		}
	case evaluation.AssessApproved:
		if notGraded(as) {
			b.WriteString("\n\n" + t.t("ApprovedNotGradedStatus", map[string]any{"Why": notGradedWhy(t, as)}))
		} else {
			b.WriteString("\n\n" + t.t("ApprovedStatus", map[string]any{"Total": totalText(t, as), "Grade": as.Grade}))
		}
	case evaluation.AssessReturned:
		b.WriteString("\n\n" + t.t("ReturnedStatus", map[string]any{"Reason": as.ReturnReason}))
	}
	// The month's evidence last, within what the card has left, and a
	// button per file or photo to open it.
	sec, evKB, err := t.evidenceSection(tasks, delivery.MaxText-delivery.TextLen(b.String()))
	if err != nil {
		return "", nil, err
	}
	b.WriteString(sec)
	if len(evKB) > 0 {
		kb = append(evKB, kb...)
	}
	return b.String(), kb, nil
}

// notGraded reports whether an approved assessment has no grade (không xếp
// loại: fewer than half of the month's working days worked).
func notGraded(as evaluation.Assessment) bool {
	return as.Graded != nil && !*as.Graded || as.Result != nil && !as.Result.Graded || as.Grade == ""
}

// notGradedWhy says, in a clause, why an assessment has no grade, from the
// result's overrides (grading.OverrideTooFewDays is the only rule today).
func notGradedWhy(t *turn, as evaluation.Assessment) string {
	if as.Result != nil {
		for _, ov := range as.Result.Overrides {
			if ov.Code != grading.OverrideTooFewDays {
				continue
			}
			return t.t("NotGradedWhy_"+ov.Code, nil)
		}
	}
	return t.t("NotGradedWhy_"+grading.OverrideTooFewDays, nil)
}

// approvedToast says whose result of which month was approved, with what.
func approvedToast(t *turn, as evaluation.Assessment, o roster.Official) string {
	if notGraded(as) {
		return t.t("AssessApprovedNotGradedToast", map[string]any{"Month": monthLabel(as.Month), "Name": o.FullName, "Why": notGradedWhy(t, as)})
	}
	return t.t("AssessApprovedToast", map[string]any{"Month": monthLabel(as.Month), "Name": o.FullName, "Total": totalText(t, as), "Grade": as.Grade})
}

func totalText(t *turn, as evaluation.Assessment) string {
	if as.Total == nil {
		return "—"
	}
	return pts(t.lang, *as.Total)
}

// adjustView is the head's editable copy: criteria, tasks or bonus.
func (a *App) adjustView(t *turn, as evaluation.Assessment, o roster.Official, view string) (string, delivery.Keyboard, error) {
	fw, err := a.Framework(as.FrameworkID)
	if err != nil {
		return "", nil, err
	}
	tasks, err := evaluation.MonthTasks(t.ctx, t.tx, as.OfficialID, as.Month)
	if err != nil {
		return "", nil, err
	}
	var b strings.Builder
	b.WriteString("<b>" + t.t("AdjustTitle", map[string]any{"Name": o.FullName, "Month": monthLabel(as.Month)}) + "</b>\n")
	var kb delivery.Keyboard
	back := []delivery.Button{{Text: t.t("BtnBack", nil), Data: cb(vAdjView, as.ID, "a")}}
	switch {
	case strings.HasPrefix(view, "t"):
		page, n, pages := taskPage(tasks, view)
		ev, err := t.taskEvidence(page)
		if err != nil {
			return "", nil, err
		}
		for _, task := range page {
			b.WriteString("\n" + t.taskLineEv(task, true, listTitleRunes, ev[task.ID], false))
		}
		kb = t.taskButtons(page, func(task evaluation.Task, s grading.TaskStatus) string {
			return cb(vAdjTask, task.ID, string(s[0]), as.ID, n)
		})
		kb = qualityButtons(t, kb, page, as.ID, n)
		if nav := pageNav(n, pages, func(p int) string { return cb(vAdjView, as.ID, "t"+strconv.Itoa(p)) }); nav != nil {
			kb = append(kb, nav)
		}
		kb = append(kb, back)
	case view == "b":
		b.WriteString("\n" + t.t("BonusAsk", map[string]any{"Max": pts(t.lang, fw.BonusMax)}))
		kb = bonusButtons(fw, as.ReviewBonus(), func(n int) string { return cb(vAdjBonus, as.ID, n) })
		kb = append(kb, back)
	default:
		r, _, err := a.compute(t, o, as, true)
		var gradeErr error
		if err != nil {
			gradeErr = err
		}
		b.WriteString("\n" + t.summary(fw, as.ReviewCriteria(), as.ReviewBonus(), tasks, r, gradeErr))
		if len(tasks) == 0 && as.ManualTaskScore == nil {
			b.WriteString("\n" + t.t("ManualTaskLine", map[string]any{"Score": "—"}))
		}
		kb = criterionButtons(fw, as.ReviewCriteria(), func(i, p int) string { return cb(vAdjCrit, as.ID, i, p) })
		row := []delivery.Button{{Text: t.t("BtnTasks", map[string]any{"N": len(tasks)}), Data: cb(vAdjView, as.ID, "t")}}
		if len(tasks) == 0 {
			row = []delivery.Button{{Text: t.t("BtnManualTask", nil), Data: cb(vAdjManual, as.ID)}}
		}
		if fw.BonusMax > 0 {
			row = append(row, delivery.Button{Text: t.t("BtnBonus", map[string]any{"Bonus": pts(t.lang, as.ReviewBonus())}), Data: cb(vAdjView, as.ID, "b")})
		}
		kb = append(kb, row,
			[]delivery.Button{{Text: t.t("BtnApproveAdjusted", nil), Data: cb(vReviewOK, as.ID, as.Version)}},
			[]delivery.Button{{Text: t.t("BtnBack", nil), Data: cb(vAdjView, as.ID, "r")}})
	}
	return b.String(), kb, nil
}

// sendReviewCard enqueues a submission to the head at once.
func (a *App) sendReviewCard(t *turn, as evaluation.Assessment, o, head roster.Official) error {
	if head.ChatID == nil {
		return nil
	}
	ht := t.as(head)
	text, kb, err := a.reviewCard(ht, as, o)
	if err != nil {
		return err
	}
	return t.send(delivery.Message{ChatID: *head.ChatID, OfficialID: head.ID,
		DedupKey: "review:" + strconv.FormatInt(as.ID, 10) + ":" + strconv.Itoa(as.Version), Text: text, Keyboard: kb})
}

func (a *App) onReview(t *turn, c callback) error {
	idArg := 0
	if c.verb == vAdjTask {
		idArg = 2
	}
	if c.verb == vQuota {
		idArg = 1
	}
	id, err := c.id(idArg)
	if err != nil {
		return staleOr(t, evaluation.ErrStale)
	}
	as, o, ok, err := a.reviewable(t, id)
	if !ok || err != nil {
		return err
	}
	if as.Status != evaluation.AssessSubmitted {
		t.alert(t.t("ErrorStale", nil))
		return nil
	}
	fw, err := a.Framework(as.FrameworkID)
	if err != nil {
		return err
	}
	switch c.verb {
	case vReviewOK:
		ver, err := c.id(1)
		if err != nil || int(ver) != as.Version {
			return staleOr(t, evaluation.ErrStale)
		}
		return a.approve(t, as, o, 0)
	case vQuota:
		cand, err1 := c.id(0)
		ver, err2 := c.id(2)
		if err1 != nil || err2 != nil || int(ver) != as.Version {
			return staleOr(t, evaluation.ErrStale)
		}
		return a.approve(t, as, o, cand)
	case vReviewReturn:
		ver, err := c.id(1)
		if err != nil || int(ver) != as.Version {
			return staleOr(t, evaluation.ErrStale)
		}
		m := t.pressed()
		if err := t.setStep(stepAssessReturn, stepData{AssessmentID: id, Version: as.Version, ChatID: m.chatID, MessageID: m.messageID}); err != nil {
			return err
		}
		t.ack("")
		return t.reply(t.t("AskReturnReason", map[string]any{"Name": o.FullName}), nil)
	case vReviewAdjust:
		return a.showAdjust(t, as, o, "a")
	case vAdjView:
		view, _ := c.str(1)
		if view == "r" {
			text, kb, err := a.reviewCard(t, as, o)
			if err != nil {
				return err
			}
			t.editPressed(text, kb)
			return nil
		}
		return a.showAdjust(t, as, o, view)
	case vAdjCrit:
		i, err1 := c.small(1, int64(len(fw.General)-1))
		p, err2 := c.small(2, 1000)
		if err1 != nil || err2 != nil {
			return staleOr(t, evaluation.ErrStale)
		}
		as, err = reviews.AdjustCriterion(t.ctx, t.tx, a.Framework, t.me.ID, id, fw.General[i].ID, grading.Points(p*100), a.today())
		if err != nil {
			return a.reviewRefusal(t, err)
		}
		return a.showAdjust(t, as, o, "a")
	case vAdjBonus:
		n, err := c.small(1, 1000)
		if err != nil {
			return staleOr(t, evaluation.ErrStale)
		}
		as, err = reviews.AdjustBonus(t.ctx, t.tx, a.Framework, t.me.ID, id, grading.Points(n*100), a.today())
		if err != nil {
			return a.reviewRefusal(t, err)
		}
		return a.showAdjust(t, as, o, "a")
	case vAdjTask:
		taskID, err1 := c.id(0)
		code, _ := c.str(1)
		status, ok := statusFromCode(code)
		if err1 != nil || !ok {
			return staleOr(t, evaluation.ErrStale)
		}
		as, err = reviews.MarkTask(t.ctx, t.tx, t.me.ID, id, taskID, status, a.today(), t.taskCards(t.pressed()))
		if err != nil {
			return a.reviewRefusal(t, err)
		}
		page, _ := c.id(3)
		return a.showAdjust(t, as, o, "t"+strconv.FormatInt(page, 10))
	case vAdjManual:
		m := t.pressed()
		if err := t.setStep(stepManualTask, stepData{AssessmentID: id, ChatID: m.chatID, MessageID: m.messageID}); err != nil {
			return err
		}
		t.ack("")
		return t.reply(t.t("ManualTaskAsk", map[string]any{"Max": pts(t.lang, fw.TaskMax)}), nil)
	}
	return staleOr(t, evaluation.ErrStale)
}

// reviewRefusal answers a review use case's refusal of a press: not a
// reviewer of that person, a value out of range, or out of date.
func (a *App) reviewRefusal(t *turn, err error) error {
	if errors.Is(err, access.ErrForbidden) {
		t.alert(t.t("NotAuthorized", nil))
		return nil
	}
	return a.inputRefusal(t, err)
}

func (a *App) showAdjust(t *turn, as evaluation.Assessment, o roster.Official, view string) error {
	text, kb, err := a.adjustView(t, as, o, view)
	if err != nil {
		return err
	}
	t.ack("")
	t.editPressed(text, kb)
	return nil
}

// approve computes the grade from the approved inputs and finalizes it.
// demote names whom the head chose to move from A to B for the unit's quota
// (0 when no choice was made yet; as.ID itself to lower this person).
func (a *App) approve(t *turn, as evaluation.Assessment, o roster.Official, demote int64) error {
	res, err := reviews.Approve(t.ctx, t.tx, a.Cal, a.Framework, t.me.ID, as.ID, as.Version, demote, a.Now())
	var ie *grading.InputError
	switch {
	case errors.Is(err, access.ErrForbidden):
		t.alert(t.t("NotAuthorized", nil))
		return nil
	case errors.As(err, &ie) && errors.Is(err, grading.ErrNoTasks):
		t.alert(t.t("NeedManualTask", nil))
		return nil
	case errors.As(err, &ie):
		t.alert(t.t("ValueOutOfRange", nil))
		return nil
	case err != nil:
		return staleOr(t, err)
	case res.Already:
		// Two presses at once: the first approved it and told everyone.
		return staleOr(t, evaluation.ErrStale)
	case res.StaffWaiting > 0:
		t.alert(t.T("HeadNotReady", res.StaffWaiting, map[string]any{"Name": o.FullName}))
		return nil
	case res.Quota != nil:
		return a.askQuota(t, res.Assessment, o, res.Quota)
	}
	as = res.Assessment
	if res.Addendum {
		if err := a.announceLate(t, as, o, res.Unit); err != nil {
			return err
		}
	}
	// An approved card keeps only its buttons that open evidence.
	text, kb, err := a.reviewCard(t, as, o)
	if err != nil {
		return err
	}
	t.editPressed(text, kb)
	t.ack(approvedToast(t, as, o))
	return a.sendGradeCard(t, as)
}

// askQuota tells the head the unit's A quota is full and lets them choose,
// on the pressed message itself, so no card is left with stale buttons.
func (a *App) askQuota(t *turn, as evaluation.Assessment, o roster.Official, q *reviews.Quota) error {
	var kb delivery.Keyboard
	for i, id := range q.Candidates {
		kb = append(kb, []delivery.Button{{Text: t.t("BtnQuotaDemote", map[string]any{"Name": q.Names[i]}), Data: cb(vQuota, id, as.ID, as.Version)}})
	}
	kb = append(kb, []delivery.Button{{Text: t.t("BtnBack", nil), Data: cb(vAdjView, as.ID, "r")}})
	card, _, err := a.reviewCard(t, as, o)
	if err != nil {
		return err
	}
	t.ack("")
	t.editPressed(card+"\n\n⚠️ "+t.t("QuotaExceeded", map[string]any{"Max": q.Max, "Graded": q.Graded, "Name": o.FullName}), kb)
	return nil
}

// sendGradeCard posts the grade back to the official: the provisional
// card, or the final one when the unit's month is already published.
func (a *App) sendGradeCard(t *turn, as evaluation.Assessment) error {
	o, err := roster.OfficialByID(t.ctx, t.tx, as.OfficialID)
	if err != nil {
		return err
	}
	return a.sendGradeCardTo(t, as, o)
}

// sendGradeCardTo is sendGradeCard to o, as's official, read already.
func (a *App) sendGradeCardTo(t *turn, as evaluation.Assessment, o roster.Official) error {
	if o.ChatID == nil {
		return nil
	}
	ot := t.as(o)
	text, err := a.gradeCard(ot, as)
	if err != nil {
		return err
	}
	return t.send(delivery.Message{ChatID: *o.ChatID, OfficialID: o.ID,
		DedupKey: "grade:" + strconv.FormatInt(as.ID, 10) + ":" + strconv.Itoa(as.Version), Text: text,
		Keyboard: a.historyButton(ot, o)})
}

// gradeCard: total, grade, breakdown, who approved, what the head changed,
// overrides and why. The unit's month is final once it is published (công
// khai): until then an A is provisional, because the head may still have to
// move one A of the unit to B for the grade-A quota (no other grade can be
// moved by it), and the card says so; once published, the card is the final
// one, says whether the quota moved the grade, and how to ask for
// reconsideration (docs/decisions/0008-unit-month-lock.md).
func (a *App) gradeCard(t *turn, as evaluation.Assessment) (string, error) {
	fw, err := a.Framework(as.FrameworkID)
	if err != nil {
		return "", err
	}
	final, err := evaluation.Published(t.ctx, t.tx, as.OfficialID, as.Month)
	if err != nil {
		return "", err
	}
	r := as.Result
	provisional := !final && r != nil && r.Graded && r.Grade == "A"
	title := "GradeTitle"
	switch {
	case final:
		title = "GradeTitleFinal"
	case provisional:
		title = "GradeTitleProvisional"
	}
	var b strings.Builder
	b.WriteString("<b>" + t.t(title, map[string]any{"Month": monthLabel(as.Month)}) + "</b>\n")
	notice := func() string {
		if !final {
			return b.String()
		}
		return b.String() + "\n\n" + t.t("PublishedNotice", map[string]any{"Month": monthLabel(as.Month), "Days": publication.ReconsiderDays})
	}
	if r == nil || !r.Graded {
		b.WriteString(t.t("NotGradedTooFewDays", nil))
		return notice(), nil
	}
	b.WriteString(t.t("GradeTotal", map[string]any{"Total": pts(t.lang, r.Total), "Grade": string(r.Grade), "GradeName": fw.BandName(r.Grade, t.lang)}))
	b.WriteString("\n\n" + t.t("GradeGeneral", map[string]any{"Points": pts(t.lang, r.General-r.Deduction), "Max": pts(t.lang, fw.GeneralMax())}))
	for _, l := range r.Breakdown.Criteria {
		b.WriteString("\n  • " + escape(fw.CriterionName(l.ID, t.lang)) + ": " + pts(t.lang, l.Points) + "/" + pts(t.lang, l.Max))
	}
	if r.Breakdown.Manual {
		b.WriteString("\n" + t.t("GradeTasksManual", map[string]any{"Points": pts(t.lang, r.Task), "Max": pts(t.lang, fw.TaskMax)}))
	} else {
		b.WriteString("\n" + t.t("GradeTasks", map[string]any{"Points": pts(t.lang, r.Task), "Max": pts(t.lang, fw.TaskMax),
			"Quantity": pct(t.lang, r.Breakdown.Quantity), "Quality": pct(t.lang, r.Breakdown.Quality), "Progress": pct(t.lang, r.Breakdown.Progress)}))
	}
	if r.Breakdown.UnitFactor != 0 && r.Breakdown.UnitFactor != 10000 || r.Breakdown.OwnTaskScore != 0 && r.Breakdown.OwnTaskScore != r.Task {
		b.WriteString("\n" + t.t("GradeLeaderRule", map[string]any{"Own": pts(t.lang, r.Breakdown.OwnTaskScore), "Unit": pct(t.lang, r.Breakdown.UnitFactor)}))
	}
	if fw.BonusMax > 0 {
		b.WriteString("\n" + t.t("GradeBonus", map[string]any{"Points": pts(t.lang, r.Bonus)}))
	}
	if r.Deduction > 0 {
		b.WriteString("\n" + t.t("GradeDeduction", map[string]any{"Points": pts(t.lang, r.Deduction)}))
	}
	if line := a.satisfactionLine(t, as.OfficialID, as.Month); line != "" {
		b.WriteString("\n" + line)
	}
	adjusted, err := a.adjustedLine(t, fw, as)
	if err != nil {
		return "", err
	}
	if adjusted != "" {
		b.WriteString("\n" + adjusted)
	}
	for _, ov := range r.Overrides {
		b.WriteString("\n⚠️ " + t.t("Override_"+ov.Code, map[string]any{"Detail": ov.Detail}))
	}
	switch {
	case provisional:
		pub := a.Cal.PublicationDay(as.Month, a.PublishDay)
		b.WriteString("\n⏳ " + t.t("GradeProvisionalA", map[string]any{"Date": day(pub) + "/" + strconv.Itoa(pub.Year)}))
	case final && !as.QuotaDemoted:
		b.WriteString("\n" + t.t("GradeQuotaUnchanged", nil))
	}
	if as.ReviewerID != nil {
		if rv, err := t.official(*as.ReviewerID); err == nil {
			b.WriteString("\n\n" + t.t("GradeApprovedBy", map[string]any{"Name": rv.FullName, "Position": rv.Position}))
			if as.OnBehalfOf != nil {
				if hd, err := roster.OfficialByID(t.ctx, t.tx, *as.OnBehalfOf); err == nil {
					b.WriteString(" " + t.t("OnBehalfOf", map[string]any{"Name": hd.FullName}))
				}
			}
		}
	}
	return notice(), nil
}

// official is official id: t's sender as read already when it is them
// (the reviewer of a grade card just approved), else from the roster.
func (t *turn) official(id int64) (roster.Official, error) {
	if t.me != nil && t.me.ID == id {
		return *t.me, nil
	}
	return roster.OfficialByID(t.ctx, t.tx, id)
}

// adjustedLine says what the head changed in the self-assessment, naming
// each change ("" when the head approved it as submitted).
func (a *App) adjustedLine(t *turn, fw *grading.Framework, as evaluation.Assessment) (string, error) {
	c, err := evaluation.Changes(t.ctx, t.tx, as)
	if err != nil || !c.Any() {
		return "", err
	}
	var parts []string
	for _, id := range c.Criteria {
		parts = append(parts, t.t("AdjustedCriterion", map[string]any{"Name": fw.CriterionName(id, t.lang),
			"From": pointsText(t.lang, as.SelfCriteria[id]), "To": pointsText(t.lang, as.Criteria[id])}))
	}
	for _, title := range c.Tasks {
		parts = append(parts, t.t("AdjustedTask", map[string]any{"Title": title}))
	}
	if c.Manual {
		parts = append(parts, t.t("AdjustedManual", map[string]any{"Points": pointsText(t.lang, *as.ManualTaskScore)}))
	}
	if c.Bonus {
		parts = append(parts, t.t("AdjustedBonus", map[string]any{"From": pointsText(t.lang, as.SelfBonus), "To": pointsText(t.lang, *as.Bonus)}))
	}
	return t.t("AdjustedBy", map[string]any{"Detail": locale.HTML(strings.Join(parts, "; "))}), nil
}

func (a *App) onAssessReturnReason(t *turn, d stepData, text string) error {
	reason, ok, err := t.reason(text)
	if !ok {
		return err
	}
	if err := t.clearStep(); err != nil {
		return err
	}
	as, o, err := reviews.Return(t.ctx, t.tx, t.me.ID, d.AssessmentID, d.Version, reason, a.today())
	switch {
	case errors.Is(err, access.ErrForbidden):
		return nil
	case errors.Is(err, evaluation.ErrStale):
		return t.reply(t.t("ErrorStale", nil), nil)
	case err != nil:
		return err
	}
	card, _, err := a.reviewCard(t, as, o)
	if err != nil {
		return err
	}
	t.showCard(cardRef{d.ChatID, d.MessageID}, card, nil)
	if err := t.reply(t.t("ReturnedConfirm", map[string]any{"Name": o.FullName}), nil); err != nil {
		return err
	}
	if o.ChatID == nil {
		return nil
	}
	ot := t.as(o)
	ot.me = &o
	view, kb, err := a.selfView(ot, as, "m")
	if err != nil {
		return err
	}
	return t.send(delivery.Message{ChatID: *o.ChatID, OfficialID: o.ID,
		DedupKey: "returned:" + strconv.FormatInt(as.ID, 10) + ":" + strconv.Itoa(as.Version), Text: view, Keyboard: kb})
}

func (a *App) onManualTaskScore(t *turn, d stepData, text string) error {
	p, err := grading.ParsePoints(strings.ReplaceAll(textnorm.Clean(text), ",", "."))
	as, lerr := evaluation.LoadAssessment(t.ctx, t.tx, d.AssessmentID)
	if lerr != nil {
		_ = t.clearStep()
		return t.reply(t.t("ErrorStale", nil), nil)
	}
	fw, ferr := a.Framework(as.FrameworkID)
	if ferr != nil {
		return ferr
	}
	if err != nil || p < 0 || p > fw.TaskMax {
		return t.reply(t.t("ManualTaskAsk", map[string]any{"Max": pts(t.lang, fw.TaskMax)}), nil)
	}
	if err := t.clearStep(); err != nil {
		return err
	}
	as, o, err := reviews.SetTaskScore(t.ctx, t.tx, t.me.ID, as, fw, p, a.today())
	switch {
	case errors.Is(err, access.ErrForbidden):
		return nil
	case errors.Is(err, evaluation.ErrLocked):
		return t.reply(t.t("ErrorLocked", nil), nil)
	case err != nil:
		return err
	}
	view, kb, err := a.adjustView(t, as, o, "a")
	if err != nil {
		return err
	}
	t.showCard(cardRef{d.ChatID, d.MessageID}, view, kb)
	return t.reply(t.t("ManualTaskSaved", map[string]any{"Score": pts(t.lang, p), "Max": pts(t.lang, fw.TaskMax),
		"Name": o.FullName, "Month": monthLabel(as.Month)}), nil)
}

// reviewable loads assessment id and its official for a reviewer's button,
// checking from the database that the sender may review it. ok is false when
// the press was answered already (stale or not allowed).
func (a *App) reviewable(t *turn, id int64) (evaluation.Assessment, roster.Official, bool, error) {
	as, o, err := reviews.Open(t.ctx, t.tx, t.me.ID, id, a.today())
	if errors.Is(err, access.ErrForbidden) {
		t.alert(t.t("NotAuthorized", nil))
		return as, o, false, nil
	}
	if err != nil {
		return as, o, false, staleOr(t, err)
	}
	return as, o, true, nil
}
