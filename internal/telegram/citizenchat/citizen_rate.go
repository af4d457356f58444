package citizenchat

import (
	"errors"

	"evalbot/internal/calendar"
	"evalbot/internal/citizen"
	"evalbot/internal/delivery"
	"evalbot/internal/roster"
	"evalbot/internal/telegram/chat"
)

// onScan: a QR code was scanned (/start d…). The rater sees the desk, who
// serves there today and the four levels; only the scan is recorded (under
// the account's keyed hash), which the card's buttons need.
func onScan(t chat.Turn, payload string) error {
	code, err := citizen.LookupCode(t.Ctx(), t.Tx(), payload)
	switch {
	case errors.Is(err, citizen.ErrCodeUnknown):
		t.SendDirect(t.T("CitizenCodeUnknown", nil), nil)
		return nil
	case err != nil:
		return err
	case code.Retired:
		t.SendDirect(t.T("CitizenCodeRetired", nil), nil)
		return nil
	}
	text, kb, refusal, err := rateCard(t, code, t.Today())
	if err != nil {
		return err
	}
	if refusal != "" {
		t.SendDirect(refusal, nil)
		return nil
	}
	// The card's buttons rate only for this account, this code and today.
	if err := citizen.RecordScan(t.Ctx(), t.Tx(), citizen.Hash(t.UserID()), code, t.Now(), citizen.DefaultLimits); err != nil {
		return err
	}
	t.SendDirect(text, kb)
	return nil
}

// rateCard renders the card of a code for day, or the polite refusal when
// the desk cannot be rated (closed, nobody serving, the rater's own desk).
func rateCard(t chat.Turn, code citizen.Code, day calendar.Date) (text string, kb delivery.Keyboard, refusal string, err error) {
	desk, err := citizen.DeskByID(t.Ctx(), t.Tx(), code.DeskID)
	if err != nil {
		return "", nil, "", err
	}
	if !desk.Active {
		return "", nil, t.T("CitizenDeskClosed", nil), nil
	}
	serving, ok, err := citizen.ServingOn(t.Ctx(), t.Tx(), desk.ID, day)
	if err != nil {
		return "", nil, "", err
	}
	if !ok {
		return "", nil, t.T("CitizenNobody", nil), nil
	}
	if t.Me() != nil && (t.Me().ID == serving || desk.OfficialID != nil && *desk.OfficialID == t.Me().ID) {
		return "", nil, t.T("CitizenOwnDesk", nil), nil
	}
	o, err := roster.OfficialByID(t.Ctx(), t.Tx(), serving)
	if err != nil {
		return "", nil, "", err
	}
	text = t.T("CitizenCard", map[string]any{"Desk": desk.Name, "Name": officialLabel(o)})
	for i, l := range citizen.Levels {
		kb = append(kb, []delivery.Button{{Text: levelLabel(t, l), Data: chat.Data(vCitRate, code.ID, serving, dayNum(day), i)}})
	}
	return text, kb, "", nil
}

// onRateTap records the level tapped on a card, then asks for the optional
// comment on the same message.
func onRateTap(t chat.Turn, c chat.Callback) error {
	codeID, err1 := c.ID(0)
	officialID, err2 := c.ID(1)
	dn, err3 := c.ID(2)
	li, err4 := c.ID(3)
	day, okDay := numDay(dn)
	if err1 != nil || err2 != nil || err3 != nil || err4 != nil || !okDay || li > 3 {
		t.Alert(t.T("ErrorStale", nil))
		return nil
	}
	v := citizen.Vote{CodeID: codeID, OfficialID: officialID, Day: day, Citizen: citizen.Hash(t.UserID()),
		Level: citizen.Levels[li], Now: t.Now()}
	if t.Me() != nil {
		v.Rater = t.Me().ID
	}
	v.CardMsgID = t.Pressed().MessageID // 0 when the card is not accessible
	out, err := citizen.Rate(t.Ctx(), t.Tx(), v, citizen.DefaultLimits)
	if err != nil {
		return rateRefusal(t, err, codeID)
	}
	desk, err := citizen.DeskByID(t.Ctx(), t.Tx(), out.Rating.DeskID)
	if err != nil {
		return err
	}
	o, err := roster.OfficialByID(t.Ctx(), t.Tx(), out.Rating.OfficialID)
	if err != nil {
		return err
	}
	t.EditPressed(t.T("CitizenAskComment", map[string]any{"Level": levelLabel(t, out.Rating.Level), "Desk": desk.Name, "Name": officialLabel(o)}),
		delivery.Keyboard{{{Text: t.T("CitizenBtnSkip", nil), Data: chat.Data(vCitSkip, out.Rating.ID)}}})
	t.Ack(t.T("CitizenRatedToast", nil))
	if out.WithdrawnComplaint() {
		if err := notifyWithdrawn(t, *out.Previous, desk, o); err != nil {
			return err
		}
	}
	if len(out.Burst) > 0 {
		if err := notifyBurst(t, out); err != nil {
			return err
		}
	}
	if out.NewComplaint() {
		return notifyComplaint(t, out.Rating, desk, o)
	}
	return nil
}

// rateRefusal answers a refused tap politely; nothing was written.
func rateRefusal(t chat.Turn, err error, codeID int64) error {
	id := ""
	switch {
	case errors.Is(err, citizen.ErrCodeRetired):
		id = "CitizenCodeRetired"
		t.EditPressed(t.T(id, nil), nil)
	case errors.Is(err, citizen.ErrCodeUnknown), errors.Is(err, citizen.ErrNotFound):
		id = "CitizenCodeUnknown"
	case errors.Is(err, citizen.ErrDeskInactive):
		id = "CitizenDeskClosed"
	case errors.Is(err, citizen.ErrNobody):
		id = "CitizenNobody"
	case errors.Is(err, citizen.ErrOwnDesk):
		id = "CitizenOwnDesk"
	case errors.Is(err, citizen.ErrDailyCap):
		id = "CitizenDailyCap"
	case errors.Is(err, citizen.ErrDecided):
		id = "CitizenDecided"
	case errors.Is(err, citizen.ErrNotScanned):
		id = "CitizenScanFirst"
	case errors.Is(err, citizen.ErrCardExpired):
		id = "CitizenCardExpired"
		t.EditPressed(t.T(id, nil), nil)
	case errors.Is(err, citizen.ErrCardChanged):
		// Show who serves now, on the same card.
		id = "CitizenCardChanged"
		code, cerr := citizen.CodeByID(t.Ctx(), t.Tx(), codeID)
		if cerr != nil {
			return cerr
		}
		text, kb, refusal, cerr := rateCard(t, code, t.Today())
		if cerr != nil {
			return cerr
		}
		if refusal != "" {
			text, kb = refusal, nil
		} else if cerr := citizen.RecordScan(t.Ctx(), t.Tx(), citizen.Hash(t.UserID()), code, t.Now(), citizen.DefaultLimits); cerr != nil {
			return cerr // Rate found this account's scan of the code: the new card is theirs for today
		}
		t.EditPressed(text, kb)
	case errors.Is(err, citizen.ErrStale):
		id = "ErrorStale"
	default:
		return err
	}
	t.Alert(t.T(id, nil))
	return nil
}

// thanksText is the card once the rating is complete.
func thanksText(t chat.Turn, r citizen.Rating) (string, error) {
	desk, err := citizen.DeskByID(t.Ctx(), t.Tx(), r.DeskID)
	if err != nil {
		return "", err
	}
	o, err := roster.OfficialByID(t.Ctx(), t.Tx(), r.OfficialID)
	if err != nil {
		return "", err
	}
	text := t.T("CitizenThanks", map[string]any{"Level": levelLabel(t, r.Level), "Desk": desk.Name, "Name": officialLabel(o)})
	if r.Comment != "" {
		text += "\n💬 " + chat.Escape(r.Comment)
	}
	return text, nil
}

// onSkipComment: "Skip" — the rating stands without a comment.
func onSkipComment(t chat.Turn, c chat.Callback) error {
	id, err := c.ID(0)
	if err != nil {
		t.Alert(t.T("ErrorStale", nil))
		return nil
	}
	hash := citizen.Hash(t.UserID())
	r, err := citizen.SkipComment(t.Ctx(), t.Tx(), id, hash, t.Now())
	if errors.Is(err, citizen.ErrStale) {
		// Already commented or skipped (a double tap): show the thanks again if it is theirs.
		mine, err := citizen.Owns(t.Ctx(), t.Tx(), id, hash)
		if err != nil || !mine {
			if err == nil {
				t.Alert(t.T("ErrorStale", nil))
			}
			return err
		}
		if r, err = citizen.LoadRating(t.Ctx(), t.Tx(), id); err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	text, err := thanksText(t, r)
	if err != nil {
		return err
	}
	t.EditPressed(text, nil)
	t.Ack(t.T("CitizenRatedToast", nil))
	return nil
}

// onComment stores the text as the comment of the rating r waits for.
func onComment(t chat.Turn, r citizen.Rating, hash []byte, text string) error {
	r, err := citizen.SetComment(t.Ctx(), t.Tx(), r.ID, hash, text, t.Now(), citizen.DefaultLimits)
	switch {
	case errors.Is(err, citizen.ErrCommentEmpty):
		t.SendDirect(t.T("CitizenCommentEmpty", nil), nil)
		return nil
	case errors.Is(err, citizen.ErrCommentLong):
		t.SendDirect(t.T("CitizenCommentTooLong", map[string]any{"Max": citizen.DefaultLimits.MaxComment}), nil)
		return nil
	case err != nil:
		return err
	}
	card, err := thanksText(t, r)
	if err != nil {
		return err
	}
	if r.CardMessageID != 0 {
		t.ShowCard(chat.CardRef{ChatID: t.ChatID(), MessageID: r.CardMessageID}, card, nil)
	}
	t.SendDirect(t.T("CitizenThanksComment", nil), nil)
	if r.Level == citizen.Unsatisfied && !r.Flagged && r.Complaint == citizen.ComplaintPending {
		desk, err := citizen.DeskByID(t.Ctx(), t.Tx(), r.DeskID)
		if err != nil {
			return err
		}
		o, err := roster.OfficialByID(t.Ctx(), t.Tx(), r.OfficialID)
		if err != nil {
			return err
		}
		return notifyComplaint(t, r, desk, o)
	}
	return nil
}
