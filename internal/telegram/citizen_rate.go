package telegram

import (
	"errors"

	"evalbot/internal/calendar"
	"evalbot/internal/citizen"
	"evalbot/internal/delivery"
	"evalbot/internal/roster"
)

// onScan: a QR code was scanned (/start d…). The rater sees the desk, who
// serves there today and the four levels; only the scan is recorded (under
// the account's keyed hash), which the card's buttons need.
func (a *App) onScan(t *turn, payload string) error {
	code, err := citizen.LookupCode(t.ctx, t.tx, payload)
	switch {
	case errors.Is(err, citizen.ErrCodeUnknown):
		a.sendDirect(t, t.t("CitizenCodeUnknown", nil), nil)
		return nil
	case err != nil:
		return err
	case code.Retired:
		a.sendDirect(t, t.t("CitizenCodeRetired", nil), nil)
		return nil
	}
	text, kb, refusal, err := a.rateCard(t, code, a.today())
	if err != nil {
		return err
	}
	if refusal != "" {
		a.sendDirect(t, refusal, nil)
		return nil
	}
	// The card's buttons rate only for this account, this code and today.
	if err := citizen.RecordScan(t.ctx, t.tx, citizen.Hash(t.userID), code, a.Now(), citizen.DefaultLimits); err != nil {
		return err
	}
	a.sendDirect(t, text, kb)
	return nil
}

// rateCard renders the card of a code for day, or the polite refusal when
// the desk cannot be rated (closed, nobody serving, the rater's own desk).
func (a *App) rateCard(t *turn, code citizen.Code, day calendar.Date) (text string, kb delivery.Keyboard, refusal string, err error) {
	desk, err := citizen.DeskByID(t.ctx, t.tx, code.DeskID)
	if err != nil {
		return "", nil, "", err
	}
	if !desk.Active {
		return "", nil, t.t("CitizenDeskClosed", nil), nil
	}
	serving, ok, err := citizen.ServingOn(t.ctx, t.tx, desk.ID, day)
	if err != nil {
		return "", nil, "", err
	}
	if !ok {
		return "", nil, t.t("CitizenNobody", nil), nil
	}
	if t.me != nil && (t.me.ID == serving || desk.OfficialID != nil && *desk.OfficialID == t.me.ID) {
		return "", nil, t.t("CitizenOwnDesk", nil), nil
	}
	o, err := roster.OfficialByID(t.ctx, t.tx, serving)
	if err != nil {
		return "", nil, "", err
	}
	text = t.t("CitizenCard", map[string]any{"Desk": desk.Name, "Name": officialLabel(o)})
	for i, l := range citizen.Levels {
		kb = append(kb, []delivery.Button{{Text: t.levelLabel(l), Data: cb(vCitRate, code.ID, serving, dayNum(day), i)}})
	}
	return text, kb, "", nil
}

// onRateTap records the level tapped on a card, then asks for the optional
// comment on the same message.
func (a *App) onRateTap(t *turn, c callback) error {
	codeID, err1 := c.id(0)
	officialID, err2 := c.id(1)
	dn, err3 := c.id(2)
	li, err4 := c.id(3)
	day, okDay := numDay(dn)
	if err1 != nil || err2 != nil || err3 != nil || err4 != nil || !okDay || li > 3 {
		t.alert(t.t("ErrorStale", nil))
		return nil
	}
	v := citizen.Vote{CodeID: codeID, OfficialID: officialID, Day: day, Citizen: citizen.Hash(t.userID),
		Level: citizen.Levels[li], Now: a.Now()}
	if t.me != nil {
		v.Rater = t.me.ID
	}
	v.CardMsgID = t.pressed().messageID // 0 when the card is not accessible
	out, err := citizen.Rate(t.ctx, t.tx, v, citizen.DefaultLimits)
	if err != nil {
		return a.rateRefusal(t, err, codeID)
	}
	desk, err := citizen.DeskByID(t.ctx, t.tx, out.Rating.DeskID)
	if err != nil {
		return err
	}
	o, err := roster.OfficialByID(t.ctx, t.tx, out.Rating.OfficialID)
	if err != nil {
		return err
	}
	t.editPressed(t.t("CitizenAskComment", map[string]any{"Level": t.levelLabel(out.Rating.Level), "Desk": desk.Name, "Name": officialLabel(o)}),
		delivery.Keyboard{{{Text: t.t("CitizenBtnSkip", nil), Data: cb(vCitSkip, out.Rating.ID)}}})
	t.ack(t.t("CitizenRatedToast", nil))
	if out.WithdrawnComplaint() {
		if err := a.notifyWithdrawn(t, *out.Previous, desk, o); err != nil {
			return err
		}
	}
	if len(out.Burst) > 0 {
		if err := a.notifyBurst(t, out); err != nil {
			return err
		}
	}
	if out.NewComplaint() {
		return a.notifyComplaint(t, out.Rating, desk, o)
	}
	return nil
}

// rateRefusal answers a refused tap politely; nothing was written.
func (a *App) rateRefusal(t *turn, err error, codeID int64) error {
	id := ""
	switch {
	case errors.Is(err, citizen.ErrCodeRetired):
		id = "CitizenCodeRetired"
		t.editPressed(t.t(id, nil), nil)
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
		t.editPressed(t.t(id, nil), nil)
	case errors.Is(err, citizen.ErrCardChanged):
		// Show who serves now, on the same card.
		id = "CitizenCardChanged"
		code, cerr := citizen.CodeByID(t.ctx, t.tx, codeID)
		if cerr != nil {
			return cerr
		}
		text, kb, refusal, cerr := a.rateCard(t, code, a.today())
		if cerr != nil {
			return cerr
		}
		if refusal != "" {
			text, kb = refusal, nil
		} else if cerr := citizen.RecordScan(t.ctx, t.tx, citizen.Hash(t.userID), code, a.Now(), citizen.DefaultLimits); cerr != nil {
			return cerr // Rate found this account's scan of the code: the new card is theirs for today
		}
		t.editPressed(text, kb)
	case errors.Is(err, citizen.ErrStale):
		id = "ErrorStale"
	default:
		return err
	}
	t.alert(t.t(id, nil))
	return nil
}

// thanksText is the card once the rating is complete.
func (a *App) thanksText(t *turn, r citizen.Rating) (string, error) {
	desk, err := citizen.DeskByID(t.ctx, t.tx, r.DeskID)
	if err != nil {
		return "", err
	}
	o, err := roster.OfficialByID(t.ctx, t.tx, r.OfficialID)
	if err != nil {
		return "", err
	}
	text := t.t("CitizenThanks", map[string]any{"Level": t.levelLabel(r.Level), "Desk": desk.Name, "Name": officialLabel(o)})
	if r.Comment != "" {
		text += "\n💬 " + escape(r.Comment)
	}
	return text, nil
}

// onSkipComment: "Skip" — the rating stands without a comment.
func (a *App) onSkipComment(t *turn, c callback) error {
	id, err := c.id(0)
	if err != nil {
		t.alert(t.t("ErrorStale", nil))
		return nil
	}
	hash := citizen.Hash(t.userID)
	r, err := citizen.SkipComment(t.ctx, t.tx, id, hash, a.Now())
	if errors.Is(err, citizen.ErrStale) {
		// Already commented or skipped (a double tap): show the thanks again if it is theirs.
		mine, err := citizen.Owns(t.ctx, t.tx, id, hash)
		if err != nil || !mine {
			if err == nil {
				t.alert(t.t("ErrorStale", nil))
			}
			return err
		}
		if r, err = citizen.LoadRating(t.ctx, t.tx, id); err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	text, err := a.thanksText(t, r)
	if err != nil {
		return err
	}
	t.editPressed(text, nil)
	t.ack(t.t("CitizenRatedToast", nil))
	return nil
}

// onComment stores the text as the comment of the rating r waits for.
func (a *App) onComment(t *turn, r citizen.Rating, hash []byte, text string) error {
	r, err := citizen.SetComment(t.ctx, t.tx, r.ID, hash, text, a.Now(), citizen.DefaultLimits)
	switch {
	case errors.Is(err, citizen.ErrCommentEmpty):
		a.sendDirect(t, t.t("CitizenCommentEmpty", nil), nil)
		return nil
	case errors.Is(err, citizen.ErrCommentLong):
		a.sendDirect(t, t.t("CitizenCommentTooLong", map[string]any{"Max": citizen.DefaultLimits.MaxComment}), nil)
		return nil
	case err != nil:
		return err
	}
	card, err := a.thanksText(t, r)
	if err != nil {
		return err
	}
	if r.CardMessageID != 0 {
		t.edit = &edit{chatID: t.chatID, messageID: r.CardMessageID, text: card}
	}
	a.sendDirect(t, t.t("CitizenThanksComment", nil), nil)
	if r.Level == citizen.Unsatisfied && !r.Flagged && r.Complaint == citizen.ComplaintPending {
		desk, err := citizen.DeskByID(t.ctx, t.tx, r.DeskID)
		if err != nil {
			return err
		}
		o, err := roster.OfficialByID(t.ctx, t.tx, r.OfficialID)
		if err != nil {
			return err
		}
		return a.notifyComplaint(t, r, desk, o)
	}
	return nil
}
