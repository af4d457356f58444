package telegram

import (
	"errors"
	"time"

	"evalbot/internal/calendar"
	"evalbot/internal/citizen"
	"evalbot/internal/citizen/notice"
	"evalbot/internal/delivery"
	"evalbot/internal/evaluation"
	"evalbot/internal/roster"
)

// timeLabel is "10:32 25/11/2026" in Asia/Ho_Chi_Minh.
func timeLabel(at time.Time) string { return at.In(calendar.Location).Format("15:04 02/01/2006") }

// complaintText renders a complaint for the head: desk, official, when, the
// comment, and (while pending) what Confirm and Dismiss do (notice.ComplaintText).
func (a *App) complaintText(ht *turn, r citizen.Rating, desk citizen.Desk, o roster.Official, withPolicy bool) (string, error) {
	return notice.ComplaintText(ht.ctx, ht.tx, a.Cat, ht.lang, r, desk, o, withPolicy)
}

// notifyComplaint puts a "không hài lòng" before the official's head at
// once, with Confirm / Dismiss (notice.Complaint, shared with the web).
func (a *App) notifyComplaint(t *turn, r citizen.Rating, desk citizen.Desk, o roster.Official) error {
	sent, err := notice.Complaint(t.ctx, t.tx, a.Cat, r)
	t.enqueued = t.enqueued || sent
	return err
}

// notifyWithdrawn tells the head that a pending complaint no longer stands.
func (a *App) notifyWithdrawn(t *turn, prev citizen.Rating, desk citizen.Desk, o roster.Official) error {
	sent, err := notice.Withdrawn(t.ctx, t.tx, a.Cat, prev)
	t.enqueued = t.enqueued || sent
	return err
}

// notifyBurst flags a burst of ratings from one account to the heads of the
// officials it rated: those ratings do not count.
func (a *App) notifyBurst(t *turn, out citizen.Outcome) error {
	sent, err := notice.Burst(t.ctx, t.tx, a.Cat, out, citizen.Hash(t.userID))
	t.enqueued = t.enqueued || sent
	return err
}

// complaintMonth is the month a confirmed complaint deducts from: the
// rating's month, or the next month whose grade is not approved yet (a
// grade already approved is not changed behind the head's back).
func (a *App) complaintMonth(t *turn, r citizen.Rating) (calendar.Month, bool) {
	first := r.Day.YearMonth()
	m := first
	for i := 0; i < 3; i++ {
		as, err := evaluation.FindAssessment(t.ctx, t.tx, r.OfficialID, m)
		if err != nil || as.Status != evaluation.AssessApproved {
			break
		}
		m = m.Next()
	}
	return m, m != first
}

// decidingHead checks from the database that the presser is the head of
// the complaint's official; it answers the press itself when not.
func (a *App) decidingHead(t *turn, r citizen.Rating) (bool, error) {
	if t.me == nil {
		t.alert(t.t("NotAuthorized", nil))
		return false, nil
	}
	ok, err := t.canReview(r.OfficialID)
	if err == nil && !ok {
		t.alert(t.t("NotAuthorized", nil))
	}
	return ok, err
}

// onComplaintDecision: Confirm, or Dismiss (which asks for the reason).
func (a *App) onComplaintDecision(t *turn, c callback) error {
	id, err1 := c.id(0)
	ver, err2 := c.id(1)
	if err1 != nil || err2 != nil {
		t.alert(t.t("ErrorStale", nil))
		return nil
	}
	r, err := citizen.LoadRating(t.ctx, t.tx, id)
	if errors.Is(err, citizen.ErrNotFound) {
		t.alert(t.t("ErrorStale", nil))
		return nil
	}
	if err != nil {
		return err
	}
	if ok, err := a.decidingHead(t, r); !ok || err != nil {
		return err
	}
	if r.Flagged {
		t.alert(t.t("ComplaintFlaggedAlert", nil))
		return nil
	}
	if r.Complaint != citizen.ComplaintPending || r.Version != int(ver) {
		t.alert(t.t("ErrorStale", nil))
		return nil
	}
	desk, err := citizen.DeskByID(t.ctx, t.tx, r.DeskID)
	if err != nil {
		return err
	}
	o, err := roster.OfficialByID(t.ctx, t.tx, r.OfficialID)
	if err != nil {
		return err
	}
	if c.verb == vCitDismiss {
		m := t.pressed()
		d := stepData{IDs: []int64{r.ID}, Version: r.Version, ChatID: m.chatID, MessageID: m.messageID}
		if err := t.setStep(stepComplaintDismiss, d); err != nil {
			return err
		}
		t.ack("")
		return t.reply(t.t("ComplaintAskReason", map[string]any{"Name": o.FullName}), nil)
	}
	month, moved := a.complaintMonth(t, r)
	r, err = citizen.Confirm(t.ctx, t.tx, r.ID, r.Version, t.me.ID, month, a.Now())
	switch {
	case errors.Is(err, citizen.ErrFlagged):
		t.alert(t.t("ComplaintFlaggedAlert", nil))
		return nil
	case errors.Is(err, citizen.ErrStale), errors.Is(err, citizen.ErrNotFound):
		t.alert(t.t("ErrorStale", nil))
		return nil
	case err != nil:
		return err
	}
	text, err := a.complaintText(t, r, desk, o, false)
	if err != nil {
		return err
	}
	text += "\n\n" + t.t("ComplaintConfirmedStatus", map[string]any{"Month": monthLabel(month)})
	if moved {
		text += "\n" + t.t("ComplaintMovedNote", map[string]any{"Date": monthLabel(r.Day.YearMonth()), "Month": monthLabel(month)})
	}
	t.editPressed(text, nil)
	t.ack(t.t("ComplaintConfirmedToast", map[string]any{"Name": o.FullName, "Month": monthLabel(month)}))
	if o.ChatID == nil {
		return nil
	}
	// The official is told, with the comment but nothing about the citizen.
	ot := t.as(o)
	comment := r.Comment
	if comment == "" {
		comment = "—"
	}
	return t.send(delivery.Message{ChatID: *o.ChatID, OfficialID: o.ID, DedupKey: key("complaint-confirmed", r.ID),
		Text: ot.t("ComplaintConfirmedNotice", map[string]any{"Date": day(r.Day) + "/" + itoa(r.Day.Year), "Desk": desk.Name,
			"Month": monthLabel(month), "Comment": comment})})
}

// onDismissReason: the head's reason for dismissing; without one (fewer
// than three letters) the dismissal is refused and the step stays.
func (a *App) onDismissReason(t *turn, d stepData, text string) error {
	reason, err := citizen.CheckReason(text)
	if errors.Is(err, citizen.ErrNeedReason) {
		return t.reply(t.t("ComplaintNeedReason", nil), nil)
	}
	if len(d.IDs) != 1 {
		if err := t.clearStep(); err != nil {
			return err
		}
		return t.reply(t.t("ErrorStale", nil), nil)
	}
	r, err := citizen.LoadRating(t.ctx, t.tx, d.IDs[0])
	if err == nil {
		var ok bool
		if ok, err = t.canReview(r.OfficialID); err == nil && !ok {
			err = citizen.ErrStale
		}
	}
	if err == nil {
		r, err = citizen.Dismiss(t.ctx, t.tx, r.ID, d.Version, t.me.ID, reason, a.Now())
	}
	if err := t.clearStep(); err != nil {
		return err
	}
	switch {
	case errors.Is(err, citizen.ErrStale), errors.Is(err, citizen.ErrNotFound), errors.Is(err, citizen.ErrFlagged):
		return t.reply(t.t("ErrorStale", nil), nil)
	case err != nil:
		return err
	}
	desk, err := citizen.DeskByID(t.ctx, t.tx, r.DeskID)
	if err != nil {
		return err
	}
	o, err := roster.OfficialByID(t.ctx, t.tx, r.OfficialID)
	if err != nil {
		return err
	}
	card, err := a.complaintText(t, r, desk, o, false)
	if err != nil {
		return err
	}
	card += "\n\n" + t.t("ComplaintDismissedStatus", map[string]any{"Reason": r.DismissReason})
	t.showCard(cardRef{d.ChatID, d.MessageID}, card, nil)
	return t.reply(t.t("ComplaintDismissedReply", nil), nil)
}
