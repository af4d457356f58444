package citizenchat

import (
	"errors"
	"strconv"
	"time"

	"evalbot/internal/calendar"
	"evalbot/internal/citizen"
	"evalbot/internal/citizen/notice"
	"evalbot/internal/delivery"
	"evalbot/internal/evaluation"
	"evalbot/internal/roster"
	"evalbot/internal/telegram/chat"
)

// timeLabel is "10:32 25/11/2026" in Asia/Ho_Chi_Minh.
func timeLabel(at time.Time) string { return at.In(calendar.Location).Format("15:04 02/01/2006") }

// complaintText renders a complaint for the head: desk, official, when, the
// comment, and (while pending) what Confirm and Dismiss do (notice.ComplaintText).
func complaintText(t chat.Turn, r citizen.Rating, desk citizen.Desk, o roster.Official, withPolicy bool) (string, error) {
	return notice.ComplaintText(t.Ctx(), t.Tx(), t.Catalog(), t.Lang(), r, desk, o, withPolicy)
}

// notifyComplaint puts a "không hài lòng" before the official's head at
// once, with Confirm / Dismiss (notice.Complaint, shared with the web).
func notifyComplaint(t chat.Turn, r citizen.Rating, desk citizen.Desk, o roster.Official) error {
	sent, err := notice.Complaint(t.Ctx(), t.Tx(), t.Catalog(), r)
	if sent {
		t.Enqueued()
	}
	return err
}

// notifyWithdrawn tells the head that a pending complaint no longer stands.
func notifyWithdrawn(t chat.Turn, prev citizen.Rating, desk citizen.Desk, o roster.Official) error {
	sent, err := notice.Withdrawn(t.Ctx(), t.Tx(), t.Catalog(), prev)
	if sent {
		t.Enqueued()
	}
	return err
}

// notifyBurst flags a burst of ratings from one account to the heads of the
// officials it rated: those ratings do not count.
func notifyBurst(t chat.Turn, out citizen.Outcome) error {
	sent, err := notice.Burst(t.Ctx(), t.Tx(), t.Catalog(), out, citizen.Hash(t.UserID()))
	if sent {
		t.Enqueued()
	}
	return err
}

// complaintMonth is the month a confirmed complaint deducts from: the
// rating's month, or the next month whose grade is not approved yet (a
// grade already approved is not changed behind the head's back).
func complaintMonth(t chat.Turn, r citizen.Rating) (calendar.Month, bool) {
	first := r.Day.YearMonth()
	m := first
	for i := 0; i < 3; i++ {
		as, err := evaluation.FindAssessment(t.Ctx(), t.Tx(), r.OfficialID, m)
		if err != nil || as.Status != evaluation.AssessApproved {
			break
		}
		m = m.Next()
	}
	return m, m != first
}

// decidingHead checks from the database that the presser is the head of
// the complaint's official; it answers the press itself when not.
func decidingHead(t chat.Turn, r citizen.Rating) (bool, error) {
	if t.Me() == nil {
		t.Alert(t.T("NotAuthorized", nil))
		return false, nil
	}
	ok, err := t.CanReview(r.OfficialID)
	if err == nil && !ok {
		t.Alert(t.T("NotAuthorized", nil))
	}
	return ok, err
}

// onComplaintDecision: Confirm, or Dismiss (which asks for the reason).
func onComplaintDecision(t chat.Turn, c chat.Callback) error {
	id, err1 := c.ID(0)
	ver, err2 := c.ID(1)
	if err1 != nil || err2 != nil {
		t.Alert(t.T("ErrorStale", nil))
		return nil
	}
	r, err := citizen.LoadRating(t.Ctx(), t.Tx(), id)
	if errors.Is(err, citizen.ErrNotFound) {
		t.Alert(t.T("ErrorStale", nil))
		return nil
	}
	if err != nil {
		return err
	}
	if ok, err := decidingHead(t, r); !ok || err != nil {
		return err
	}
	if r.Flagged {
		t.Alert(t.T("ComplaintFlaggedAlert", nil))
		return nil
	}
	if r.Complaint != citizen.ComplaintPending || r.Version != int(ver) {
		t.Alert(t.T("ErrorStale", nil))
		return nil
	}
	desk, err := citizen.DeskByID(t.Ctx(), t.Tx(), r.DeskID)
	if err != nil {
		return err
	}
	o, err := roster.OfficialByID(t.Ctx(), t.Tx(), r.OfficialID)
	if err != nil {
		return err
	}
	if c.Verb == vCitDismiss {
		m := t.Pressed()
		d := stepData{IDs: []int64{r.ID}, Version: r.Version, ChatID: m.ChatID, MessageID: m.MessageID}
		if err := setStep(t, stepComplaintDismiss, d); err != nil {
			return err
		}
		t.Ack("")
		return t.Reply(t.T("ComplaintAskReason", map[string]any{"Name": o.FullName}), nil)
	}
	month, moved := complaintMonth(t, r)
	r, err = citizen.Confirm(t.Ctx(), t.Tx(), r.ID, r.Version, t.Me().ID, month, t.Now())
	switch {
	case errors.Is(err, citizen.ErrFlagged):
		t.Alert(t.T("ComplaintFlaggedAlert", nil))
		return nil
	case errors.Is(err, citizen.ErrStale), errors.Is(err, citizen.ErrNotFound):
		t.Alert(t.T("ErrorStale", nil))
		return nil
	case err != nil:
		return err
	}
	text, err := complaintText(t, r, desk, o, false)
	if err != nil {
		return err
	}
	text += "\n\n" + t.T("ComplaintConfirmedStatus", map[string]any{"Month": chat.MonthLabel(month)})
	if moved {
		text += "\n" + t.T("ComplaintMovedNote", map[string]any{"Date": chat.MonthLabel(r.Day.YearMonth()), "Month": chat.MonthLabel(month)})
	}
	t.EditPressed(text, nil)
	t.Ack(t.T("ComplaintConfirmedToast", map[string]any{"Name": o.FullName, "Month": chat.MonthLabel(month)}))
	if o.ChatID == nil {
		return nil
	}
	// The official is told, with the comment but nothing about the citizen.
	comment := r.Comment
	if comment == "" {
		comment = "—"
	}
	return t.Send(delivery.Message{ChatID: *o.ChatID, OfficialID: o.ID, DedupKey: chat.Key("complaint-confirmed", r.ID),
		Text: t.Catalog().T(o.Language, "ComplaintConfirmedNotice", map[string]any{"Date": chat.Day(r.Day) + "/" + strconv.Itoa(r.Day.Year), "Desk": desk.Name,
			"Month": chat.MonthLabel(month), "Comment": comment})})
}

// onDismissReason: the head's reason for dismissing; without one (fewer
// than three letters) the dismissal is refused and the step stays.
func onDismissReason(t chat.Turn, d stepData, text string) error {
	reason, err := citizen.CheckReason(text)
	if errors.Is(err, citizen.ErrNeedReason) {
		return t.Reply(t.T("ComplaintNeedReason", nil), nil)
	}
	if len(d.IDs) != 1 {
		if err := clearStep(t); err != nil {
			return err
		}
		return t.Reply(t.T("ErrorStale", nil), nil)
	}
	r, err := citizen.LoadRating(t.Ctx(), t.Tx(), d.IDs[0])
	if err == nil {
		var ok bool
		if ok, err = t.CanReview(r.OfficialID); err == nil && !ok {
			err = citizen.ErrStale
		}
	}
	if err == nil {
		r, err = citizen.Dismiss(t.Ctx(), t.Tx(), r.ID, d.Version, t.Me().ID, reason, t.Now())
	}
	if err := clearStep(t); err != nil {
		return err
	}
	switch {
	case errors.Is(err, citizen.ErrStale), errors.Is(err, citizen.ErrNotFound), errors.Is(err, citizen.ErrFlagged):
		return t.Reply(t.T("ErrorStale", nil), nil)
	case err != nil:
		return err
	}
	desk, err := citizen.DeskByID(t.Ctx(), t.Tx(), r.DeskID)
	if err != nil {
		return err
	}
	o, err := roster.OfficialByID(t.Ctx(), t.Tx(), r.OfficialID)
	if err != nil {
		return err
	}
	card, err := complaintText(t, r, desk, o, false)
	if err != nil {
		return err
	}
	card += "\n\n" + t.T("ComplaintDismissedStatus", map[string]any{"Reason": r.DismissReason})
	t.ShowCard(chat.CardRef{ChatID: d.ChatID, MessageID: d.MessageID}, card, nil)
	return t.Reply(t.T("ComplaintDismissedReply", nil), nil)
}
