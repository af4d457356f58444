// Package citizenchat is the citizens' side of the chat face: a citizen
// scanning a desk's QR deep link and rating the official serving there, the
// optional comment, complaints to the head (Confirm / Dismiss), per-visit
// codes (/visit), the desks a head manages (/desks) and the ratings report
// (/ratings). internal/telegram's route calls the hooks below (OnStart,
// OnCallback, OnText, OnDesksCommand, OnRatingsCommand, OnVisitCommand) with
// the update's chat.Turn; the use cases are internal/citizen,
// internal/app/desks and internal/citizen/notice. It never imports
// internal/telegram (docs/decisions/0021-citizens-chat-package.md).
//
// The flow lives in citizen_*.go:
//
//   - citizen_rate.go: the desk card a QR code opens, the four levels, the
//     optional comment, and the polite refusals;
//   - citizen_complaints.go: "không hài lòng" to the head at once, Confirm /
//     Dismiss (with a reason), bursts flagged to the head;
//   - citizen_desks.go: the centre's head manages desks, duty days and codes;
//   - citizen_report.go: per official and per desk, per month, and the
//     grade card's line;
//   - citizen_visit.go: /visit, a per-visit code as a QR photo.
//
// A citizen's Telegram id is never written to the database: ratings carry
// citizen.Hash of it, and replies to the rater go straight to Telegram
// (chat.Turn.SendDirect) instead of through the outbox, which would keep
// the chat id.
package citizenchat

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"evalbot/internal/calendar"
	"evalbot/internal/citizen"
	"evalbot/internal/conversation"
	"evalbot/internal/roster"
	"evalbot/internal/telegram/chat"
)

// Callback verbs of the rating flow: "c" and one letter (no other verb starts with "c").
const (
	vCitRate     = "cr" // code, official, day, level index
	vCitSkip     = "cs" // rating
	vCitConfirm  = "cc" // rating, version
	vCitDismiss  = "cx" // rating, version
	vCitDesks    = "cl" // the desk list
	vCitDesk     = "cv" // desk
	vCitDefault  = "cd" // desk: choose the default official
	vCitDays     = "cy" // desk: choose a duty day
	vCitDuty     = "cw" // desk, day (0: default), official (0: as default)
	vCitRotate   = "co" // desk, "y" once confirmed
	vCitSign     = "cp" // desk: send the printable QR sign
	vCitActive   = "ct" // desk, "1" open / "0" pause
	vCitAddDesk  = "ca" // ask for a new desk
	vCitRatingsM = "cm" // month "2026-11": the ratings report
)

// Start payloads that open the head's views until /desks and /ratings are
// routed as commands.
const (
	payloadDesks   = "desks"
	payloadRatings = "ratings"
)

// IsPayload reports whether a /start payload is a desk's QR code (or one
// of the rating views: "desks", "ratings"); OnStart handles it.
func IsPayload(payload string) bool {
	return citizen.IsPayload(payload) || payload == payloadDesks || payload == payloadRatings
}

// IsVerb reports whether a callback's verb belongs to the rating flow ("c"
// and one letter); OnCallback handles it, for anyone (citizens are not on
// the roster).
func IsVerb(verb string) bool { return len(verb) == 2 && verb[0] == 'c' }

// OnStart handles /start with a payload IsPayload accepts: a desk's QR
// code (citizen.IsPayload), or a head's view.
func OnStart(t chat.Turn, payload string) error {
	switch payload {
	case payloadDesks:
		if t.Me() == nil {
			return t.RefuseStranger()
		}
		return OnDesksCommand(t)
	case payloadRatings:
		if t.Me() == nil {
			return t.RefuseStranger()
		}
		return OnRatingsCommand(t)
	}
	return onScan(t, payload)
}

// OnCallback handles a press whose verb IsVerb accepts.
func OnCallback(t chat.Turn, c chat.Callback) error {
	switch c.Verb {
	case vCitRate:
		return onRateTap(t, c)
	case vCitSkip:
		return onSkipComment(t, c)
	case vCitConfirm, vCitDismiss:
		return onComplaintDecision(t, c)
	case vCitRatingsM:
		return onRatingsMonth(t, c)
	case vCitDesks, vCitDesk, vCitDefault, vCitDays, vCitDuty, vCitRotate, vCitSign, vCitActive, vCitAddDesk:
		return onDeskCallback(t, c)
	}
	t.Alert(t.T("ErrorStale", nil))
	return nil
}

// Steps of the rating flow's officials (stored like the others, in conversations).
const (
	stepComplaintDismiss = "citizen_dismiss" // a head typing why a complaint is dismissed: IDs[0] rating, Version, ChatID, MessageID
	stepDeskAdd          = "citizen_desk_add"
)

// stepData is what a step of the rating flow keeps, in the JSON shape of
// internal/telegram's steps (the fields the flow uses), so that a step set
// before this package existed still reads.
type stepData struct {
	ChatID    int64   `json:"chat,omitempty"`
	MessageID int     `json:"message,omitempty"`
	Version   int     `json:"version,omitempty"`
	IDs       []int64 `json:"ids,omitempty"`
}

// setStep stores the sender's step, clearStep removes it
// (internal/conversation, in the update's transaction).
func setStep(t chat.Turn, step string, d stepData) error {
	return conversation.Set(t.Ctx(), t.Tx(), t.UserID(), step, d)
}

func clearStep(t chat.Turn) error { return conversation.Clear(t.Ctx(), t.Tx(), t.UserID()) }

// OnText handles a text that belongs to the rating flow (a comment,
// a head's dismissal reason, a new desk); handled is false when the text is
// not part of it.
func OnText(t chat.Turn, text string) (handled bool, err error) {
	hash := citizen.Hash(t.UserID())
	if t.Me() != nil {
		step, d, at, err := stepWithTime(t)
		if err != nil {
			return false, err
		}
		switch step {
		case stepComplaintDismiss:
			return true, onDismissReason(t, d, text)
		case stepDeskAdd:
			return true, onDeskAddText(t, d, text)
		}
		r, err := citizen.OpenComment(t.Ctx(), t.Tx(), hash, t.Now(), citizen.DefaultLimits)
		if errors.Is(err, citizen.ErrNotFound) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		if step != "" && at.After(r.UpdatedAt) {
			return false, nil // the official started typing something of their own after rating
		}
		return true, onComment(t, r, hash, text)
	}
	r, err := citizen.OpenComment(t.Ctx(), t.Tx(), hash, t.Now(), citizen.DefaultLimits)
	switch {
	case err == nil:
		return true, onComment(t, r, hash, text)
	case !errors.Is(err, citizen.ErrNotFound):
		return false, err
	}
	// A citizen who rated lately gets a short answer here rather than the
	// stranger's refusal, whose message would keep their chat id in the outbox.
	rated, err := citizen.HasRated(t.Ctx(), t.Tx(), hash, t.Now().Add(-24*time.Hour))
	if err != nil || !rated {
		return false, err
	}
	t.SendDirect(t.T("CitizenIdle", nil), nil)
	return true, nil
}

// stepWithTime reads the sender's step and when it was set, locking it.
func stepWithTime(t chat.Turn) (string, stepData, time.Time, error) {
	var d stepData
	step, err := conversation.Get(t.Ctx(), t.Tx(), t.UserID(), &d)
	if err != nil || step == "" {
		return step, d, time.Time{}, err
	}
	at, _, err := conversation.UpdatedAt(t.Ctx(), t.Tx(), t.UserID())
	return step, d, at, err
}

// officialLabel is "Name — Position" (or the name alone).
func officialLabel(o roster.Official) string {
	if strings.TrimSpace(o.Position) == "" {
		return o.FullName
	}
	return o.FullName + " — " + o.Position
}

// levelLabel is a level's button text in t's language ("🙂 Hài lòng").
func levelLabel(t chat.Turn, l citizen.Level) string { return t.T("CitizenLevel_"+string(l), nil) }

// levelIcons are the levels' emoji, for compact counts.
var levelIcons = [4]string{"😀", "🙂", "😐", "🙁"}

// countsDetail renders counts per level: "😀 3 · 🙂 2 · 😐 0 · 🙁 1".
func countsDetail(c citizen.Counts) string {
	parts := make([]string, 4)
	for i := range levelIcons {
		parts[i] = levelIcons[i] + " " + strconv.Itoa(c.Levels[i])
	}
	return strings.Join(parts, " · ")
}

// rateText renders a satisfaction rate in t's language, "75%" or "66,67%";
// "—" with no rating.
func rateText(t chat.Turn, c citizen.Counts) string {
	r, ok := c.Rate()
	if !ok {
		return "—"
	}
	return t.Percent(r)
}

// dayEpoch numbers days in callback data (base 36, short).
var dayEpoch = calendar.Date{Year: 2000, Month: time.January, Day: 1}

func dayNum(d calendar.Date) int64 { return int64(d.Sub(dayEpoch)) }

func numDay(n int64) (calendar.Date, bool) {
	if n <= 0 || n > 100_000 {
		return calendar.Date{}, false
	}
	return dayEpoch.AddDays(int(n)), true
}

// SatisfactionLine is the grade card's line on the month's citizen ratings
// ("" when there were none).
func SatisfactionLine(t chat.Turn, officialID int64, m calendar.Month) string {
	c, err := citizen.OfficialMonth(t.Ctx(), t.Tx(), officialID, m)
	if err != nil {
		t.Log().Warn("citizen ratings for the grade card", "official_id", officialID, "err", err)
		return ""
	}
	if c.Counted() == 0 && c.Dismissed == 0 {
		return ""
	}
	line := t.N("SatisfactionLine", c.Counted(), map[string]any{"Rate": rateText(t, c), "Detail": countsDetail(c)})
	if c.Confirmed+c.Dismissed > 0 {
		line += "\n" + t.T("SatisfactionComplaints", map[string]any{"Confirmed": c.Confirmed, "Dismissed": c.Dismissed})
	}
	return line
}
