// Package notice puts what a citizen's rating means before the heads, the
// same whichever face took it (the chat or the web): a «không hài lòng» as
// a complaint card with Confirm / Dismiss, a complaint withdrawn, a burst
// flagged. It decides who is told and enqueues the messages in the
// caller's transaction (internal/delivery's outbox, deduplicated); the
// Telegram side sends them and handles the buttons' presses.
package notice

import (
	"context"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"evalbot/internal/calendar"
	"evalbot/internal/citizen"
	"evalbot/internal/delivery"
	"evalbot/internal/grading"
	"evalbot/internal/locale"
	"evalbot/internal/roster"
	"evalbot/internal/store"
)

// Callback verbs of the complaint card's buttons, as internal/telegram
// routes them: verb, the rating id and its version in base 36.
const (
	VerbConfirm = "cc"
	VerbDismiss = "cx"
)

func callback(verb string, id int64, version int) string {
	return verb + ":" + strconv.FormatInt(id, 36) + ":" + strconv.FormatInt(int64(version), 36)
}

// TimeLabel is "10:32 25/11/2026" in Asia/Ho_Chi_Minh.
func TimeLabel(at time.Time) string { return at.In(calendar.Location).Format("15:04 02/01/2006") }

// OfficialLabel is "Name — Position" (or the name alone).
func OfficialLabel(o roster.Official) string {
	if strings.TrimSpace(o.Position) == "" {
		return o.FullName
	}
	return o.FullName + " — " + o.Position
}

// PointsText renders points for lang (locale.Points: "1,00" / "1.00") with
// trailing zeros trimmed ("1").
func PointsText(lang string, p grading.Points) string {
	s := locale.Points(lang, p)
	s = strings.TrimSuffix(strings.TrimSuffix(s, "00"), "0")
	return strings.TrimRight(strings.TrimRight(s, ","), ".")
}

// ComplaintText renders a complaint for the head in lang (Telegram HTML):
// desk, official, when, the comment, and (withPolicy, while pending) what
// Confirm and Dismiss do under the official's unit's framework.
func ComplaintText(ctx context.Context, db store.DB, cat *locale.Catalog, lang string, r citizen.Rating, desk citizen.Desk, o roster.Official, withPolicy bool) (string, error) {
	comment := r.Comment
	if comment == "" {
		comment = cat.T(lang, "ComplaintNoComment", nil)
	}
	text := cat.T(lang, "ComplaintCard", map[string]any{"Desk": desk.Name, "Name": OfficialLabel(o), "Time": TimeLabel(r.UpdatedAt), "Comment": comment})
	if r.Verified {
		text += "\n" + cat.T(lang, "ComplaintVerified", nil)
	}
	if !withPolicy {
		return text, nil
	}
	var fwID string
	if err := db.QueryRow(ctx, `SELECT framework_id FROM units WHERE id = $1`, o.UnitID).Scan(&fwID); err != nil {
		return "", err
	}
	fw, err := grading.Preset(fwID)
	if err != nil {
		return "", err
	}
	each, limit := citizen.Policy(fw)
	return text + "\n\n" + cat.T(lang, "ComplaintPolicy", map[string]any{"Points": PointsText(lang, each), "Max": PointsText(lang, limit)}), nil
}

// Complaint puts an unflagged pending «không hài lòng» before the head of
// the official who served, with Confirm / Dismiss. Each version of the
// rating (a comment added, a replacement) gets its own card; the buttons of
// older ones go stale. sent is false when the head cannot be reached.
func Complaint(ctx context.Context, db store.DB, cat *locale.Catalog, r citizen.Rating) (sent bool, err error) {
	if r.Level != citizen.Unsatisfied || r.Flagged || r.Complaint != citizen.ComplaintPending {
		return false, nil
	}
	head, ok, err := roster.HeadOf(ctx, db, r.OfficialID)
	if err != nil || !ok || head.ChatID == nil {
		return false, err
	}
	desk, err := citizen.DeskByID(ctx, db, r.DeskID)
	if err != nil {
		return false, err
	}
	o, err := roster.OfficialByID(ctx, db, r.OfficialID)
	if err != nil {
		return false, err
	}
	text, err := ComplaintText(ctx, db, cat, head.Language, r, desk, o, true)
	if err != nil {
		return false, err
	}
	_, err = delivery.Enqueue(ctx, db, delivery.Message{ChatID: *head.ChatID, OfficialID: head.ID,
		DedupKey: "complaint:" + strconv.FormatInt(r.ID, 10) + ":" + strconv.Itoa(r.Version),
		Text:     text, Keyboard: delivery.Keyboard{{
			{Text: cat.T(head.Language, "BtnConfirm", nil), Data: callback(VerbConfirm, r.ID, r.Version)},
			{Text: cat.T(head.Language, "BtnComplaintDismiss", nil), Data: callback(VerbDismiss, r.ID, r.Version)},
		}}})
	return err == nil, err
}

// Withdrawn tells the head that a pending complaint (prev, as it was) no
// longer stands: the citizen changed the rating, or it was flagged.
func Withdrawn(ctx context.Context, db store.DB, cat *locale.Catalog, prev citizen.Rating) (sent bool, err error) {
	head, ok, err := roster.HeadOf(ctx, db, prev.OfficialID)
	if err != nil || !ok || head.ChatID == nil {
		return false, err
	}
	desk, err := citizen.DeskByID(ctx, db, prev.DeskID)
	if err != nil {
		return false, err
	}
	o, err := roster.OfficialByID(ctx, db, prev.OfficialID)
	if err != nil {
		return false, err
	}
	_, err = delivery.Enqueue(ctx, db, delivery.Message{ChatID: *head.ChatID, OfficialID: head.ID,
		DedupKey: "complaint-withdrawn:" + strconv.FormatInt(prev.ID, 10) + ":" + strconv.Itoa(prev.Version),
		Text:     cat.T(head.Language, "ComplaintWithdrawn", map[string]any{"Desk": desk.Name, "Name": o.FullName, "Time": TimeLabel(prev.UpdatedAt)})})
	return err == nil, err
}

// Burst flags a burst (out.Burst) to the heads of the officials it rated:
// those ratings do not count. who is the keyed hash of the account (the
// network's, out.Network, for a network burst): a few bytes of it keep one
// notice per head, rater and day.
func Burst(ctx context.Context, db store.DB, cat *locale.Catalog, out citizen.Outcome, who []byte) (sent bool, err error) {
	type notice struct {
		head  roster.Official
		desks []string
	}
	var order []int64
	byHead := map[int64]*notice{}
	for _, r := range out.Burst {
		head, ok, err := roster.HeadOf(ctx, db, r.OfficialID)
		if err != nil {
			return sent, err
		}
		if !ok || head.ChatID == nil {
			continue
		}
		desk, err := citizen.DeskByID(ctx, db, r.DeskID)
		if err != nil {
			return sent, err
		}
		n := byHead[head.ID]
		if n == nil {
			n = &notice{head: head}
			byHead[head.ID] = n
			order = append(order, head.ID)
		}
		if !contains(n.desks, desk.Code) {
			n.desks = append(n.desks, desk.Code)
		}
	}
	id, kind := "BurstFlagged", "citizen-burst"
	switch {
	case out.NetworkBurst:
		id, kind, who = "BurstFlaggedNetwork", "citizen-net-burst", out.Network
	case out.DeskBurst:
		id, kind, who = "BurstFlaggedDesk", "citizen-desk-burst", []byte(strconv.FormatInt(out.Rating.DeskID, 10))
	}
	pseudonym := hex.EncodeToString(who[:min(6, len(who))])
	if out.DeskBurst {
		pseudonym = string(who) // the desk's id: one notice per head, desk and day
	}
	for _, hid := range order {
		n := byHead[hid]
		if _, err := delivery.Enqueue(ctx, db, delivery.Message{ChatID: *n.head.ChatID, OfficialID: n.head.ID,
			DedupKey: kind + ":" + strconv.FormatInt(n.head.ID, 10) + ":" + out.Rating.Day.String() + ":" + pseudonym,
			Text: cat.N(n.head.Language, id, out.Actions, map[string]any{
				"Minutes": int(citizen.DefaultLimits.BurstWindow / time.Minute), "Desk": strings.Join(n.desks, ", ")})}); err != nil {
			return sent, err
		}
		sent = true
	}
	return sent, nil
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// AfterRate tells the heads what a rating outcome means, in the chat's
// order: a complaint withdrawn, a burst, a new complaint. who is the
// rater's keyed hash (citizen.Hash or citizen.DeviceHash). sent reports
// whether anything was enqueued.
func AfterRate(ctx context.Context, db store.DB, cat *locale.Catalog, out citizen.Outcome, who []byte) (sent bool, err error) {
	if out.WithdrawnComplaint() {
		ok, err := Withdrawn(ctx, db, cat, *out.Previous)
		if err != nil {
			return sent, err
		}
		sent = sent || ok
	}
	if len(out.Burst) > 0 {
		ok, err := Burst(ctx, db, cat, out, who)
		if err != nil {
			return sent, err
		}
		sent = sent || ok
	}
	if out.NewComplaint() {
		ok, err := Complaint(ctx, db, cat, out.Rating)
		if err != nil {
			return sent, err
		}
		sent = sent || ok
	}
	return sent, nil
}
