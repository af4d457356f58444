package telegram

import (
	"errors"
	"strings"
	"time"

	"evalbot/internal/calendar"
	"evalbot/internal/citizen"
	"evalbot/internal/conversation"
	"evalbot/internal/delivery"
	"evalbot/internal/roster"
)

// Citizen ratings (issue: citizens rate the counter service). route calls
// these hooks; the flow lives in citizen_*.go:
//
//   - citizen_rate.go: the desk card a QR code opens, the four levels, the
//     optional comment, and the polite refusals;
//   - citizen_complaints.go: "không hài lòng" to the head at once, Confirm /
//     Dismiss (with a reason), bursts flagged to the head;
//   - citizen_desks.go: the centre's head manages desks, duty days and codes;
//   - citizen_report.go: per official and per desk, per month, and the
//     grade card's line.
//
// A citizen's Telegram id is never written to the database: ratings carry
// citizen.Hash of it, and replies to the rater go straight to Telegram
// (sendDirect) instead of through the outbox, which would keep the chat id.

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

// isCitizenPayload reports whether a /start payload is a desk's QR code (or
// one of the rating views).
func isCitizenPayload(payload string) bool {
	return citizen.IsPayload(payload) || payload == payloadDesks || payload == payloadRatings
}

// isCitizenVerb reports whether callback data belongs to the rating flow.
func isCitizenVerb(verb string) bool { return len(verb) == 2 && verb[0] == 'c' }

func (a *App) onCitizenStart(t *turn, payload string) error {
	switch payload {
	case payloadDesks:
		if t.me == nil {
			return a.refuseStranger(t)
		}
		return a.onDesksCommand(t)
	case payloadRatings:
		if t.me == nil {
			return a.refuseStranger(t)
		}
		return a.onRatingsCommand(t)
	}
	return a.onScan(t, payload)
}

func (a *App) onCitizenCallback(t *turn, c callback) error {
	switch c.verb {
	case vCitRate:
		return a.onRateTap(t, c)
	case vCitSkip:
		return a.onSkipComment(t, c)
	case vCitConfirm, vCitDismiss:
		return a.onComplaintDecision(t, c)
	case vCitRatingsM:
		return a.onRatingsMonth(t, c)
	case vCitDesks, vCitDesk, vCitDefault, vCitDays, vCitDuty, vCitRotate, vCitSign, vCitActive, vCitAddDesk:
		return a.onDeskCallback(t, c)
	}
	t.alert(t.t("ErrorStale", nil))
	return nil
}

// Steps of the rating flow's officials (stored like the others, in conversations).
const (
	stepComplaintDismiss = "citizen_dismiss" // a head typing why a complaint is dismissed: IDs[0] rating, Version, ChatID, MessageID
	stepDeskAdd          = "citizen_desk_add"
)

// onCitizenText handles a text that belongs to the rating flow (a comment,
// a head's dismissal reason, a new desk); handled is false when the text is
// not part of it.
func (a *App) onCitizenText(t *turn, text string) (handled bool, err error) {
	hash := citizen.Hash(t.userID)
	if t.me != nil {
		step, d, at, err := t.stepWithTime()
		if err != nil {
			return false, err
		}
		switch step {
		case stepComplaintDismiss:
			return true, a.onDismissReason(t, d, text)
		case stepDeskAdd:
			return true, a.onDeskAddText(t, d, text)
		}
		r, err := citizen.OpenComment(t.ctx, t.tx, hash, a.Now(), citizen.DefaultLimits)
		if errors.Is(err, citizen.ErrNotFound) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		if step != "" && at.After(r.UpdatedAt) {
			return false, nil // the official started typing something of their own after rating
		}
		return true, a.onComment(t, r, hash, text)
	}
	r, err := citizen.OpenComment(t.ctx, t.tx, hash, a.Now(), citizen.DefaultLimits)
	switch {
	case err == nil:
		return true, a.onComment(t, r, hash, text)
	case !errors.Is(err, citizen.ErrNotFound):
		return false, err
	}
	// A citizen who rated lately gets a short answer here rather than the
	// stranger's refusal, whose message would keep their chat id in the outbox.
	rated, err := citizen.HasRated(t.ctx, t.tx, hash, a.Now().Add(-24*time.Hour))
	if err != nil || !rated {
		return false, err
	}
	a.sendDirect(t, t.t("CitizenIdle", nil), nil)
	return true, nil
}

// stepWithTime reads the sender's step and when it was set, locking it.
func (t *turn) stepWithTime() (string, stepData, time.Time, error) {
	step, d, err := t.step()
	if err != nil || step == "" {
		return step, d, time.Time{}, err
	}
	at, _, err := conversation.UpdatedAt(t.ctx, t.tx, t.userID)
	return step, d, at, err
}

// sendDirect sends a message to the sender's own chat, bypassing the
// outbox, whose rows keep the chat id: used for everything the rating flow
// says to the rater, so that a citizen's Telegram id is never stored. It
// goes once the update has committed, within the chat's pace, and again
// after a 429's retry_after (postDirect); failures are logged without ids.
func (a *App) sendDirect(t *turn, text string, kb delivery.Keyboard) {
	t.queueDirect(text, delivery.InlineMarkup(a.fitKeyboard(kb, "sendMessage")))
}

// scrubToken keeps Telegram's description but never the bot token (a
// transport error quotes the URL, which carries it).
func scrubToken(err error) string {
	s := err.Error()
	if i := strings.Index(s, "/bot"); i >= 0 {
		s = s[:i] + "/bot***"
	}
	return s
}

// botName is the bot's username for deep links: BotUsername, or getMe.
func (a *App) botName(t *turn) string {
	if a.BotUsername != "" {
		return a.BotUsername
	}
	if me, err := a.Bot.GetMe(t.ctx); err == nil && me != nil {
		return me.Username
	}
	return "bot"
}

// officialLabel is "Name — Position" (or the name alone).
func officialLabel(o roster.Official) string {
	if strings.TrimSpace(o.Position) == "" {
		return o.FullName
	}
	return o.FullName + " — " + o.Position
}

// levelLabel is a level's button text in t's language ("🙂 Hài lòng").
func (t *turn) levelLabel(l citizen.Level) string { return t.t("CitizenLevel_"+string(l), nil) }

// levelIcons are the levels' emoji, for compact counts.
var levelIcons = [4]string{"😀", "🙂", "😐", "🙁"}

// countsDetail renders counts per level: "😀 3 · 🙂 2 · 😐 0 · 🙁 1".
func countsDetail(c citizen.Counts) string {
	parts := make([]string, 4)
	for i := range levelIcons {
		parts[i] = levelIcons[i] + " " + itoa(c.Levels[i])
	}
	return strings.Join(parts, " · ")
}

// rateText renders a satisfaction rate, "75%" or "66,67%"; "—" with no rating.
func rateText(lang string, c citizen.Counts) string {
	r, ok := c.Rate()
	if !ok {
		return "—"
	}
	return pct(lang, r)
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

// satisfactionLine is the grade card's line on the month's citizen ratings
// ("" when there were none).
func (a *App) satisfactionLine(t *turn, officialID int64, m calendar.Month) string {
	c, err := citizen.OfficialMonth(t.ctx, t.tx, officialID, m)
	if err != nil {
		a.Log.Warn("citizen ratings for the grade card", "official_id", officialID, "err", err)
		return ""
	}
	if c.Counted() == 0 && c.Dismissed == 0 {
		return ""
	}
	line := t.T("SatisfactionLine", c.Counted(), map[string]any{"Rate": rateText(t.lang, c), "Detail": countsDetail(c)})
	if c.Confirmed+c.Dismissed > 0 {
		line += "\n" + t.t("SatisfactionComplaints", map[string]any{"Confirmed": c.Confirmed, "Dismissed": c.Dismissed})
	}
	return line
}
