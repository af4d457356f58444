package telegram

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strings"

	"evalbot/internal/app/access"
	"evalbot/internal/app/grades"
	"evalbot/internal/app/reviews"
	"evalbot/internal/calendar"
	"evalbot/internal/delivery"
	"evalbot/internal/evaluation"
	"evalbot/internal/grading"
	"evalbot/internal/roster"
)

// T renders a plural message with count n.
func (t *turn) T(id string, n int, data map[string]any) string {
	return t.a().Cat.N(t.lang, id, n, data)
}

// maxListed keeps the pending list within one phone screen and 4096 characters.
const maxListed = 40

// onPending lists, for a head, the month's submissions waiting for review and
// the people who have not self-assessed, with "approve all as self-assessed".
func (a *App) onPending(t *turn) error {
	subs, err := a.reviewees(t)
	if err != nil {
		return err
	}
	if len(subs) == 0 {
		return t.reply(t.t("NotAHead", nil), nil)
	}
	m := a.assessMonth()
	var waiting []string // the first lines of the waiting list
	var ids []int64
	var versions []int
	var open delivery.Keyboard
	var missing []string
	var missingIDs []int64
	n := 0
	for _, o := range subs {
		as, err := evaluation.FindAssessment(t.ctx, t.tx, o.ID, m)
		switch {
		case errors.Is(err, evaluation.ErrNotFound) || (err == nil && (as.Status == evaluation.AssessDraft || as.Status == evaluation.AssessReturned)):
			missing = append(missing, o.FullName)
			missingIDs = append(missingIDs, o.ID)
			continue
		case err != nil:
			return err
		case as.Status != evaluation.AssessSubmitted:
			continue
		}
		n++
		row, approvable, err := a.pendingRow(t, as, o)
		if err != nil {
			return err
		}
		if approvable {
			ids = append(ids, as.ID)
			versions = append(versions, as.Version)
		}
		if len(open) < maxOpenButtons {
			open = append(open, []delivery.Button{{Text: "📄 " + o.FullName, Data: cb(vOpenReview, as.ID)}})
		}
		if n <= maxListed+1 {
			waiting = append(waiting, itoa(n)+". "+escape(o.FullName)+" — "+row)
		}
	}
	// Both lists within one message: the waiting one in half of it when
	// the other follows; each the first maxListed that fit, and a count.
	text := "<b>" + t.t("PendingTitle", map[string]any{"Month": monthLabel(m)}) + "</b>\n\n"
	if n == 0 {
		text += t.t("NothingPending", nil)
	} else {
		budget := delivery.MaxText
		if len(missing) > 0 {
			budget /= 2
		}
		text = delivery.FitList(text, waiting, "\n", "", budget, maxListed,
			func(k int) string { return t.T("AndMore", k+n-len(waiting), nil) })
	}
	if len(missing) > 0 {
		names := make([]string, 0, min(len(missing), maxListed+1))
		for _, name := range missing[:min(len(missing), maxListed+1)] {
			names = append(names, "• "+escape(name))
		}
		text = delivery.FitList(text+"\n\n"+t.T("MissingSelf", len(missing), nil)+"\n", names, "\n", "", delivery.MaxText, maxListed,
			func(k int) string { return t.T("AndMore", k+len(missing)-len(names), nil) })
	}
	// People who never answered are still graded: the head assesses alone.
	var kb delivery.Keyboard
	for i, id := range missingIDs {
		if i == maxOnBehalfButtons {
			break
		}
		kb = append(kb, []delivery.Button{{Text: t.t("BtnAssessOnBehalf", map[string]any{"Name": missing[i]}),
			Data: cb(vAssessOnBehalf, id, m.String())}})
	}
	if len(ids) == 0 {
		// Nothing can be approved as self-assessed: no button that would do nothing.
		return t.reply(text, a.withBoard(t, append(open, kb...)))
	}
	nonce := randomNonce()
	if err := t.setStep("approve_all", stepData{Nonce: nonce, IDs: ids, Versions: versions}); err != nil {
		return err
	}
	kb = append(append(delivery.Keyboard{{{Text: t.T("BtnApproveAll", len(ids), nil), Data: cb(vApproveAll, nonce, "0")}}}, open...), kb...)
	return t.reply(text, a.withBoard(t, kb))
}

// pendingRow says where a waiting submission stands, for its line in
// /pending, and whether «approve all as self-assessed» can approve it: not
// when the grade cannot be computed yet (no planned tasks: the head enters the
// task score first), nor for a head whose own staff are not all approved.
func (a *App) pendingRow(t *turn, as evaluation.Assessment, o roster.Official) (string, bool, error) {
	if n, err := grades.StaffWaiting(t.ctx, t.tx, o, as.Month); err != nil {
		return "", false, err
	} else if n > 0 {
		return t.t("PendingRowHeadWaits", nil), false, nil
	}
	r, _, err := a.compute(t, o, as, true)
	if err != nil {
		if errors.As(err, new(*grading.InputError)) {
			return t.t("PendingRowNoScore", nil), false, nil
		}
		return "", false, err
	}
	switch {
	case as.SelfTotal != nil && as.SelfGrade != "":
		return t.t("PendingRowScore", map[string]any{"Total": pts(t.lang, *as.SelfTotal), "Grade": as.SelfGrade}), true, nil
	case !r.Graded:
		return t.t("NotGradedTooFewDays", nil), true, nil
	default:
		return t.t("PendingRowScore", map[string]any{"Total": pts(t.lang, r.Total), "Grade": string(r.Grade)}), true, nil
	}
}

// maxOpenButtons: one button per waiting submission, up to this many, to open its card.
const maxOpenButtons = 30

// onOpenReview sends the card of a submission to the reviewer's own chat.
func (a *App) onOpenReview(t *turn, c callback) error {
	id, err := c.id(0)
	if err != nil {
		return staleOr(t, evaluation.ErrStale)
	}
	as, o, ok, err := a.reviewable(t, id)
	if !ok || err != nil {
		return err
	}
	text, kb, err := a.reviewCard(t, as, o)
	if err != nil {
		return err
	}
	t.ack("")
	return t.reply(text, kb)
}

// maxOnBehalfButtons keeps the list's keyboard well within Telegram's 100 buttons.
const maxOnBehalfButtons = 30 // with maxOpenButtons and approve-all: within 100 buttons

// onAssessOnBehalf opens the review of someone who has not self-assessed.
func (a *App) onAssessOnBehalf(t *turn, c callback) error {
	id, err := c.id(0)
	ms, _ := c.str(1)
	m, merr := calendar.ParseMonth(ms)
	if err != nil || merr != nil || m != a.assessMonth() {
		return staleOr(t, evaluation.ErrStale) // only the month under review
	}
	as, o, err := reviews.AssessAlone(t.ctx, t.tx, a.Framework, t.me.ID, id, m, a.Now())
	if errors.Is(err, access.ErrForbidden) {
		t.alert(t.t("NotAuthorized", nil))
		return nil
	}
	if err != nil {
		return staleOr(t, err)
	}
	t.ack("")
	text, kb, err := a.adjustView(t, as, o, "a")
	if err != nil {
		return err
	}
	return t.reply(text, kb)
}

func randomNonce() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// onApproveAll: the first tap asks for confirmation, the second approves
// exactly the submissions that were listed, unchanged since (version check).
// One that would break the grade-A quota stops the run and asks the head.
func (a *App) onApproveAll(t *turn, c callback) error {
	nonce, _ := c.str(0)
	step, d, err := t.step()
	if err != nil {
		return err
	}
	if step != "approve_all" || d.Nonce != nonce {
		return staleOr(t, evaluation.ErrStale)
	}
	if c.verb == vCancelAll {
		if err := t.clearStep(); err != nil {
			return err
		}
		t.editPressed(t.t("ApproveAllCancelled", nil), nil)
		t.ack("")
		return nil
	}
	phase, _ := c.str(1)
	if phase == "0" {
		t.ack("")
		t.editPressed(t.T("ApproveAllConfirm", len(d.IDs), nil), delivery.Keyboard{{
			{Text: t.t("BtnConfirm", nil), Data: cb(vApproveAll, nonce, "1")},
			{Text: t.t("BtnCancel", nil), Data: cb(vCancelAll, nonce)},
		}})
		return nil
	}
	if err := t.clearStep(); err != nil {
		return err
	}
	// The board's rule and transaction (reviews.ApproveMany): every
	// unit-month lock at once, in one order; each person authorized from the
	// database and checked at the version listed; each approval's cards and
	// grade card through the Notifier, as when approved from the board.
	picks := make([]reviews.Pick, len(d.IDs))
	for i, id := range d.IDs {
		picks[i] = reviews.Pick{AssessmentID: id, Version: d.Versions[i]}
	}
	approved, refused, err := reviews.ApproveMany(t.ctx, t.tx, a.Cal, a.Framework, t.me.ID, picks, a.Now(), a)
	if err != nil {
		return err
	}
	if len(approved) > 0 {
		// The review cards' edits were queued (card_edits): send them now.
		t.afterCommit = append(t.afterCommit, func(ctx context.Context) { _ = a.FlushCards(ctx) })
	}
	var done, changed, look []string
	for _, r := range approved {
		done = append(done, r.Official.FullName)
	}
	var quota *reviews.Refusal
	for i, r := range refused {
		name := r.Name
		if name == "" {
			name = "#" + itoa(int(r.AssessmentID))
			if as, err := evaluation.LoadAssessment(t.ctx, t.tx, r.AssessmentID); err == nil {
				if o, err := roster.OfficialByID(t.ctx, t.tx, as.OfficialID); err == nil {
					name = o.FullName
				}
			}
		}
		switch {
		case errors.Is(r.Err, reviews.ErrNeedsQuotaChoice) && quota == nil:
			quota = &refused[i]
		case errors.Is(r.Err, evaluation.ErrStale), errors.Is(r.Err, evaluation.ErrNotFound), errors.Is(r.Err, access.ErrForbidden):
			changed = append(changed, name)
		default:
			look = append(look, name)
		}
	}
	if quota != nil {
		// The grade-A quota is full: the head chooses on this message who
		// moves to B (as one approval in chat asks), the others approved.
		as, err := evaluation.LoadAssessment(t.ctx, t.tx, quota.AssessmentID)
		if err != nil {
			return err
		}
		o, err := roster.OfficialByID(t.ctx, t.tx, as.OfficialID)
		if err != nil {
			return err
		}
		t.answer, t.edit = nil, nil
		if err := a.approve(t, as, o, 0); err != nil {
			return err
		}
		if t.edit != nil && len(t.edit.kb) > 0 {
			t.edit.text = approveAllSummary(t, done, changed, look) + "\n\n" + t.edit.text
			t.answer = nil
			t.ack(t.T("ApproveAllToast", len(done), nil))
			return nil
		}
		look = append(look, o.FullName)
	}
	t.edit, t.answer = nil, nil
	t.editPressed(approveAllSummary(t, done, changed, look), nil)
	t.ack(t.T("ApproveAllToast", len(done), nil))
	return nil
}

// approveAllSummary says whom «approve all» approved, whose submission had
// changed since the list was opened, and whom the head must look at alone.
func approveAllSummary(t *turn, done, changed, look []string) string {
	var lines []string
	if len(done) > 0 {
		lines = append(lines, t.T("ApproveAllApproved", len(done), map[string]any{"Names": strings.Join(done, ", ")}))
	} else {
		lines = append(lines, t.t("ApproveAllNone", nil))
	}
	if len(changed) > 0 {
		lines = append(lines, t.T("ApproveAllChanged", len(changed), map[string]any{"Names": strings.Join(changed, ", ")}))
	}
	if len(look) > 0 {
		lines = append(lines, t.T("ApproveAllNeedsLook", len(look), map[string]any{"Names": strings.Join(look, ", ")}))
	}
	return strings.Join(lines, "\n")
}

// reviewees are the people the sender reviews today (access.Reviewees).
func (a *App) reviewees(t *turn) ([]roster.Official, error) {
	return access.Reviewees(t.ctx, t.tx, t.me.ID, a.today())
}
