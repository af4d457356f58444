package citizenchat

import (
	"strings"
	"unicode/utf8"

	"evalbot/internal/calendar"
	"evalbot/internal/citizen"
	"evalbot/internal/delivery"
	"evalbot/internal/roster"
	"evalbot/internal/telegram/chat"
)

// The ratings report, per month: for every official their own counts,
// satisfaction rate, complaints and the citizens' comments (day and desk
// only, nothing about the citizen); for a head also per subordinate and per
// desk of their units.

// OnRatingsCommand (/ratings) shows this month's ratings report.
func OnRatingsCommand(t chat.Turn) error {
	text, kb, err := ratingsView(t, t.Today().YearMonth())
	if err != nil {
		return err
	}
	return t.Reply(text, kb)
}

func onRatingsMonth(t chat.Turn, c chat.Callback) error {
	if t.Me() == nil {
		t.Alert(t.T("NotAuthorized", nil))
		return nil
	}
	s, _ := c.Str(0)
	m, err := calendar.ParseMonth(s)
	if err != nil || m.After(t.Today().YearMonth()) {
		t.Alert(t.T("ErrorStale", nil))
		return nil
	}
	text, kb, err := ratingsView(t, m)
	if err != nil {
		return err
	}
	t.Ack("")
	t.EditPressed(text, kb)
	return nil
}

// countsLine: "3 lượt: 😀 1 · 🙂 1 · 😐 0 · 🙁 1 — hài lòng 66,67%", with
// complaints and flagged ratings when there are any.
func countsLine(t chat.Turn, c citizen.Counts) string {
	s := t.N("RatingsSummary", c.Counted(), map[string]any{"Detail": countsDetail(c), "Rate": rateText(t, c)})
	if c.Confirmed+c.Dismissed+c.Pending > 0 {
		s += "\n   " + t.T("RatingsComplaints", map[string]any{"Confirmed": c.Confirmed, "Dismissed": c.Dismissed, "Pending": c.Pending})
	}
	if c.Verified > 0 { // ratings given with a per-visit code, apart
		s += "\n   " + t.T("RatingsVerified", map[string]any{"Verified": c.Verified, "Unverified": c.Unverified()})
	}
	if c.Flagged > 0 {
		s += "\n   " + t.N("RatingsFlagged", c.Flagged, nil)
	}
	return s
}

// maxReportLines keeps the report within one message.
const maxReportLines = 25

func ratingsView(t chat.Turn, m calendar.Month) (string, delivery.Keyboard, error) {
	var b strings.Builder
	b.WriteString(t.T("RatingsTitle", map[string]any{"Month": chat.MonthLabel(m)}))
	mine, err := citizen.OfficialMonth(t.Ctx(), t.Tx(), t.Me().ID, m)
	if err != nil {
		return "", nil, err
	}
	if t.Me().IsHead {
		b.WriteString("\n\n" + t.T("RatingsMine", nil))
	}
	if mine.Empty() {
		b.WriteString("\n" + t.T("RatingsNone", nil))
	} else {
		b.WriteString("\n" + countsLine(t, mine))
	}
	comments, err := citizen.Comments(t.Ctx(), t.Tx(), t.Me().ID, m)
	if err != nil {
		return "", nil, err
	}
	if len(comments) > 0 {
		// The newest first, as many of the last maxReportLines as fit in
		// a share of the message (a head's per-official and per-desk lists
		// follow), then how many older ones there are.
		var lines []string
		for i := len(comments) - 1; i >= 0 && len(lines) < maxReportLines; i-- {
			c := comments[i]
			text := c.Text
			if utf8.RuneCountInString(text) > 200 {
				text = string([]rune(text)[:199]) + "…"
			}
			line := chat.Day(c.Day) + " " + levelIcons[c.Level.Index()] + " «" + chat.Escape(text) + "»"
			if c.Complaint == citizen.ComplaintDismissed {
				line += " " + t.T("RatingsDismissedMark", nil)
			}
			lines = append(lines, line)
		}
		budget := delivery.MaxText - delivery.TextLen(b.String()) - 200
		if t.Me().IsHead {
			budget /= 3
		}
		older := len(comments) - len(lines)
		b.WriteString(delivery.FitList("\n\n"+t.T("RatingsComments", nil)+"\n", lines, "\n", "", budget, 0,
			func(n int) string { return t.N("MoreOlder", n+older, nil) }))
	}
	if t.Me().IsHead {
		if err := headRatings(t, m, &b); err != nil {
			return "", nil, err
		}
	}
	nav := []delivery.Button{{Text: t.T("BtnPrevMonth", nil), Data: chat.Data(vCitRatingsM, m.Prev().String())}}
	if m.Before(t.Today().YearMonth()) {
		nav = append(nav, delivery.Button{Text: t.T("BtnNextMonth", nil), Data: chat.Data(vCitRatingsM, m.Next().String())})
	}
	return b.String(), delivery.Keyboard{nav}, nil
}

// headRatings adds the month per subordinate and per desk of the head's units.
func headRatings(t chat.Turn, m calendar.Month, b *strings.Builder) error {
	subs, err := roster.Subordinates(t.Ctx(), t.Tx(), t.Me().ID)
	if err != nil {
		return err
	}
	ids := make([]int64, 0, len(subs))
	for _, s := range subs {
		ids = append(ids, s.ID)
	}
	per, err := citizen.ByOfficial(t.Ctx(), t.Tx(), m, ids)
	if err != nil {
		return err
	}
	n := 0
	for _, s := range subs {
		c, ok := per[s.ID]
		if !ok || c.Empty() {
			continue
		}
		if n == 0 {
			b.WriteString("\n\n" + t.T("RatingsByOfficial", nil))
		}
		if n++; n > maxReportLines {
			break
		}
		b.WriteString("\n• " + chat.Escape(s.FullName) + ": " + countsLine(t, c))
	}
	desks, err := citizen.DesksUnder(t.Ctx(), t.Tx(), t.Me().UnitID)
	if err != nil || len(desks) == 0 {
		return err
	}
	dids := make([]int64, 0, len(desks))
	for _, d := range desks {
		dids = append(dids, d.ID)
	}
	perDesk, err := citizen.ByDesk(t.Ctx(), t.Tx(), m, dids)
	if err != nil {
		return err
	}
	b.WriteString("\n\n" + t.T("RatingsByDesk", nil))
	for i, d := range desks {
		if i >= maxReportLines {
			break
		}
		c := perDesk[d.ID]
		line := t.T("RatingsNone", nil)
		if !c.Empty() {
			line = countsLine(t, c)
		}
		b.WriteString("\n• <b>" + chat.Escape(d.Code) + "</b>: " + line)
	}
	return nil
}
