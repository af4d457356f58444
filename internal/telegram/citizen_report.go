package telegram

import (
	"strings"
	"unicode/utf8"

	"evalbot/internal/calendar"
	"evalbot/internal/citizen"
	"evalbot/internal/delivery"
	"evalbot/internal/roster"
)

// The ratings report, per month: for every official their own counts,
// satisfaction rate, complaints and the citizens' comments (day and desk
// only, nothing about the citizen); for a head also per subordinate and per
// desk of their units.

func (a *App) onRatingsCommand(t *turn) error {
	text, kb, err := a.ratingsView(t, a.today().YearMonth())
	if err != nil {
		return err
	}
	return t.reply(text, kb)
}

func (a *App) onRatingsMonth(t *turn, c callback) error {
	if t.me == nil {
		t.alert(t.t("NotAuthorized", nil))
		return nil
	}
	s, _ := c.str(0)
	m, err := calendar.ParseMonth(s)
	if err != nil || m.After(a.today().YearMonth()) {
		t.alert(t.t("ErrorStale", nil))
		return nil
	}
	text, kb, err := a.ratingsView(t, m)
	if err != nil {
		return err
	}
	t.ack("")
	t.editPressed(text, kb)
	return nil
}

// countsLine: "3 lượt: 😀 1 · 🙂 1 · 😐 0 · 🙁 1 — hài lòng 66,67%", with
// complaints and flagged ratings when there are any.
func (t *turn) countsLine(c citizen.Counts) string {
	s := t.T("RatingsSummary", c.Counted(), map[string]any{"Detail": countsDetail(c), "Rate": rateText(t.lang, c)})
	if c.Confirmed+c.Dismissed+c.Pending > 0 {
		s += "\n   " + t.t("RatingsComplaints", map[string]any{"Confirmed": c.Confirmed, "Dismissed": c.Dismissed, "Pending": c.Pending})
	}
	if c.Verified > 0 { // ratings given with a per-visit code, apart
		s += "\n   " + t.t("RatingsVerified", map[string]any{"Verified": c.Verified, "Unverified": c.Unverified()})
	}
	if c.Flagged > 0 {
		s += "\n   " + t.T("RatingsFlagged", c.Flagged, nil)
	}
	return s
}

// maxReportLines keeps the report within one message.
const maxReportLines = 25

func (a *App) ratingsView(t *turn, m calendar.Month) (string, delivery.Keyboard, error) {
	var b strings.Builder
	b.WriteString(t.t("RatingsTitle", map[string]any{"Month": monthLabel(m)}))
	mine, err := citizen.OfficialMonth(t.ctx, t.tx, t.me.ID, m)
	if err != nil {
		return "", nil, err
	}
	if t.me.IsHead {
		b.WriteString("\n\n" + t.t("RatingsMine", nil))
	}
	if mine.Empty() {
		b.WriteString("\n" + t.t("RatingsNone", nil))
	} else {
		b.WriteString("\n" + t.countsLine(mine))
	}
	comments, err := citizen.Comments(t.ctx, t.tx, t.me.ID, m)
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
			line := day(c.Day) + " " + levelIcons[c.Level.Index()] + " «" + escape(text) + "»"
			if c.Complaint == citizen.ComplaintDismissed {
				line += " " + t.t("RatingsDismissedMark", nil)
			}
			lines = append(lines, line)
		}
		budget := delivery.MaxText - delivery.TextLen(b.String()) - 200
		if t.me.IsHead {
			budget /= 3
		}
		older := len(comments) - len(lines)
		b.WriteString(delivery.FitList("\n\n"+t.t("RatingsComments", nil)+"\n", lines, "\n", "", budget, 0,
			func(n int) string { return t.T("MoreOlder", n+older, nil) }))
	}
	if t.me.IsHead {
		if err := a.headRatings(t, m, &b); err != nil {
			return "", nil, err
		}
	}
	nav := []delivery.Button{{Text: t.t("BtnPrevMonth", nil), Data: cb(vCitRatingsM, m.Prev().String())}}
	if m.Before(a.today().YearMonth()) {
		nav = append(nav, delivery.Button{Text: t.t("BtnNextMonth", nil), Data: cb(vCitRatingsM, m.Next().String())})
	}
	return b.String(), delivery.Keyboard{nav}, nil
}

// headRatings adds the month per subordinate and per desk of the head's units.
func (a *App) headRatings(t *turn, m calendar.Month, b *strings.Builder) error {
	subs, err := roster.Subordinates(t.ctx, t.tx, t.me.ID)
	if err != nil {
		return err
	}
	ids := make([]int64, 0, len(subs))
	for _, s := range subs {
		ids = append(ids, s.ID)
	}
	per, err := citizen.ByOfficial(t.ctx, t.tx, m, ids)
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
			b.WriteString("\n\n" + t.t("RatingsByOfficial", nil))
		}
		if n++; n > maxReportLines {
			break
		}
		b.WriteString("\n• " + escape(s.FullName) + ": " + t.countsLine(c))
	}
	desks, err := citizen.DesksUnder(t.ctx, t.tx, t.me.UnitID)
	if err != nil || len(desks) == 0 {
		return err
	}
	dids := make([]int64, 0, len(desks))
	for _, d := range desks {
		dids = append(dids, d.ID)
	}
	perDesk, err := citizen.ByDesk(t.ctx, t.tx, m, dids)
	if err != nil {
		return err
	}
	b.WriteString("\n\n" + t.t("RatingsByDesk", nil))
	for i, d := range desks {
		if i >= maxReportLines {
			break
		}
		c := perDesk[d.ID]
		line := t.t("RatingsNone", nil)
		if !c.Empty() {
			line = t.countsLine(c)
		}
		b.WriteString("\n• <b>" + escape(d.Code) + "</b>: " + line)
	}
	return nil
}
