package telegram

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/app/access"
	"evalbot/internal/app/year"
	"evalbot/internal/delivery"
	"evalbot/internal/grading"
	"evalbot/internal/roster"
	"evalbot/internal/textnorm"
	"evalbot/internal/yearly"
)

// The year in the chat (Decree 335/2025/NĐ-CP Art. 21): the December
// campaign's summary card and the head's yearly table (PromptYear, /year),
// the head's confirm one / confirm all / adjust with a typed reason, the
// choice of who moves to B when an A has no room in its group's yearly
// quota, and the person told their final yearly grade. The rules are
// internal/app/year's; this file parses and renders.

const (
	// vYearPage: the yearly table's page: year, page.
	vYearPage = "yp"
	// vYearAll: confirm every draft of the table: year, table key.
	vYearAll = "yc"
	// vYearOne: confirm one person's computed yearly grade: year, official, version.
	vYearOne = "yo"
	// vYearAdjust: the grade buttons to adjust one person: year, official, version.
	vYearAdjust = "yj"
	// vYearGrade: a grade chosen; a reason is asked: year, official, version, grade.
	vYearGrade = "yg"
	// vYearChoose: the quota choice: year, keeper, keeper's version, the one
	// moved to B, their version.
	vYearChoose = "yq"
	// stepYearReason: a head typing why a yearly grade is adjusted: official
	// (in PlanID), version, grade (in Kind), year (in Start), the table's message.
	stepYearReason = "year_reason"
)

// yearRowsPerPage keeps a page of the table within 4096 characters and 100
// buttons even when each person is in a unit of their own (a ward's
// chairman reviewing the heads of its offices: a unit line and a quota line
// each), with two buttons a person.
const yearRowsPerPage = 10

// PromptYear sends o their year's summary (stored by the campaign's
// computation; to someone a head reviews) and, when o reviews anybody, the yearly table with its
// buttons: schedule.YearPrompter. Each message's dedup key is person +
// year, so a campaign run again sends nothing twice.
func (a *App) PromptYear(ctx context.Context, tx pgx.Tx, o roster.Official, y int) (bool, error) {
	if o.ChatID == nil {
		return false, nil
	}
	t := a.turnFor(ctx, tx, o)
	sent := false
	// Someone nobody reviews (the top of the tree) is not evaluated here:
	// no summary, as no self-assessment prompt.
	_, evaluated, err := roster.HeadOf(ctx, tx, o.ID)
	if err != nil {
		return false, err
	}
	s, err := year.LoadSummary(ctx, tx, o.ID, o.ID, y, a.today().YearMonth(), a.today(), false, a.Framework)
	switch {
	case !evaluated, errors.Is(err, yearly.ErrNotFound):
	case err != nil:
		return false, err
	default:
		if err := t.send(delivery.Message{ChatID: *o.ChatID, OfficialID: o.ID, DedupKey: key("year-summary", o.ID, strconv.Itoa(y)),
			Text: t.yearSummaryText(s)}); err != nil {
			return false, err
		}
		sent = true
	}
	tbl, err := year.LoadTable(ctx, tx, o.ID, y, a.today(), a.Framework)
	if errors.Is(err, access.ErrForbidden) {
		return sent, nil // reviews nobody
	}
	if err != nil {
		return sent, err
	}
	text, kb := t.yearTableView(tbl, 0)
	return true, t.send(delivery.Message{ChatID: *o.ChatID, OfficialID: o.ID, DedupKey: key("year-table", o.ID, strconv.Itoa(y)),
		Text: text, Keyboard: kb})
}

// onYearCommand answers /year: the sender's summary of this year, computed
// now, and to a head the yearly table.
func (a *App) onYearCommand(t *turn) error {
	y := a.today().Year
	s, err := year.LoadSummary(t.ctx, t.tx, t.me.ID, t.me.ID, y, a.today().YearMonth(), a.today(), true, a.Framework)
	if err != nil && !errors.Is(err, yearly.ErrNotFound) {
		return err
	}
	if err == nil {
		if err := t.reply(t.yearSummaryText(s), nil); err != nil {
			return err
		}
	} else if err := t.reply(t.t("YearNoResult", map[string]any{"Year": y}), nil); err != nil {
		return err
	}
	tbl, err := year.LoadTable(t.ctx, t.tx, t.me.ID, y, a.today(), a.Framework)
	if errors.Is(err, access.ErrForbidden) {
		return nil
	}
	if err != nil {
		return err
	}
	text, kb := t.yearTableView(tbl, 0)
	return t.reply(text, kb)
}

// gradeName is «loại B (Hoàn thành tốt nhiệm vụ)» under the unit's framework.
func (t *turn) gradeName(g grading.Grade, unitID int64) string {
	name := string(g)
	if u, err := roster.UnitByID(t.ctx, t.tx, unitID); err == nil {
		if fw, err := t.a().Framework(u.FrameworkID); err == nil {
			name = fw.BandName(g, t.lang)
		}
	}
	return t.t("YearGradeName", map[string]any{"Grade": string(g), "Name": name})
}

// monthRanges writes months (ascending) as «1–6, 9».
func monthRanges(ms []int) string {
	var parts []string
	for i := 0; i < len(ms); {
		j := i
		for j+1 < len(ms) && ms[j+1] == ms[j]+1 {
			j++
		}
		if j > i {
			parts = append(parts, fmt.Sprintf("%d–%d", ms[i], ms[j]))
		} else {
			parts = append(parts, strconv.Itoa(ms[i]))
		}
		i = j + 1
	}
	return strings.Join(parts, ", ")
}

// yearSummaryText is a person's summary card: months graded, the mean, the
// months per grade, the computed (or decided) yearly grade, where the months
// were evaluated, and the months left out with the reason.
func (t *turn) yearSummaryText(s year.Summary) string {
	st := s.Stored
	var b strings.Builder
	b.WriteString(t.t("YearCardHead", map[string]any{"Year": s.Year, "Name": s.Official.FullName}))
	b.WriteString("\n" + t.t("YearCardFigures", map[string]any{"Months": st.Months, "Mean": pts(t.lang, st.Mean)}))
	b.WriteString("\n" + t.t("YearCardCounts", map[string]any{"A": s.Counts[0], "B": s.Counts[1], "C": s.Counts[2], "D": s.Counts[3]}))
	switch {
	case st.Status == yearly.StatusConfirmed && st.Grade != "":
		b.WriteString("\n" + t.t("YearCardConfirmed", map[string]any{"Grade": t.gradeName(st.Grade, st.UnitID)}))
	case st.Status == yearly.StatusAdjusted:
		b.WriteString("\n" + t.t("YearCardAdjusted", map[string]any{"Grade": t.gradeName(st.Grade, st.UnitID),
			"From": string(st.ComputedGrade), "Reason": st.Reason}))
	case !st.Graded:
		b.WriteString("\n" + t.t("YearCardNotGraded", map[string]any{"Months": st.Months, "Min": s.MinMonths}))
	default:
		b.WriteString("\n" + t.t("YearCardComputed", map[string]any{"Grade": t.gradeName(st.ComputedGrade, st.UnitID)}))
	}
	for _, o := range s.Overrides {
		if o.Code == grading.OverrideDiscipline {
			b.WriteString("\n" + t.t("YearCardDiscipline", nil))
		}
	}
	// Where the months were evaluated, unit by unit in order of the months.
	var units []string
	byUnit := map[string][]int{}
	for _, m := range s.Months {
		if m.UnitCode == "" || m.Left == year.LeftNoResult || m.Left == year.LeftNotYet {
			continue
		}
		if _, ok := byUnit[m.UnitName]; !ok {
			units = append(units, m.UnitName)
		}
		byUnit[m.UnitName] = append(byUnit[m.UnitName], m.Month)
	}
	if len(units) > 1 {
		b.WriteString("\n" + t.t("YearCardWhere", nil))
		for _, u := range units {
			b.WriteString("\n• " + t.t("YearCardWhereUnit", map[string]any{"Unit": u, "Months": monthRanges(byUnit[u])}))
		}
	}
	left := map[string][]int{}
	for _, m := range s.Months {
		if m.Left != "" {
			left[m.Left] = append(left[m.Left], m.Month)
		}
	}
	if len(left) > 0 {
		b.WriteString("\n" + t.t("YearCardLeftOut", nil))
		for _, why := range []string{year.LeftNotWorked, year.LeftNoResult, year.LeftNotYet} {
			if ms := left[why]; len(ms) > 0 {
				b.WriteString("\n• " + t.t("YearLeft_"+why, map[string]any{"Months": monthRanges(ms)}))
			}
		}
	}
	if st.Status == yearly.StatusDraft {
		b.WriteString("\n\n" + t.t("YearCardWaiting", nil))
	}
	return b.String()
}

// yearLine is one person's line of the table.
func (t *turn) yearLine(n int, x yearly.Person) string {
	fig := t.t("YearLineFigures", map[string]any{"Months": x.Result.Months, "Mean": pts(t.lang, x.Result.Mean)})
	var state string
	switch {
	case !x.Result.Graded && x.Status == yearly.StatusConfirmed:
		state = t.t("YearLineNotGradedConfirmed", nil)
	case !x.Result.Graded:
		state = t.t("YearLineNotGraded", nil)
	case x.Status == yearly.StatusConfirmed:
		state = t.t("YearLineConfirmed", map[string]any{"Grade": string(x.Grade)})
	case x.Status == yearly.StatusAdjusted:
		state = t.t("YearLineAdjusted", map[string]any{"Grade": string(x.Grade), "From": string(x.Result.Grade)})
	case x.QuotaCandidate:
		state = t.t("YearLineOverQuota", map[string]any{"Grade": string(x.Grade)})
	default:
		state = t.t("YearLineDraft", map[string]any{"Grade": string(x.Grade)})
	}
	moved := ""
	if len(x.Elsewhere) > 0 {
		moved = " " + t.t("YearLineMoved", nil)
	}
	return fmt.Sprintf("%d. %s — %s — %s%s", n, escape(cutTitle(x.FullName, 60)), fig, state, moved)
}

// yearRow is one person of a table, with their unit.
type yearRow struct {
	unit *yearly.Unit
	x    yearly.Person
}

func yearRows(tbl *year.Table) []yearRow {
	var out []yearRow
	for i := range tbl.Units {
		for _, x := range tbl.Units[i].People {
			out = append(out, yearRow{&tbl.Units[i], x})
		}
	}
	return out
}

// yearPageBudget is what a page's people may take of Telegram's 4096
// characters: the rest is the head line, the hint and room to spare.
const yearPageBudget = 3400

// yearBlock is row n's text on a page: its unit's line and quota groups
// first when it opens the page or its unit.
func (t *turn) yearBlock(r yearRow, n int, header bool) string {
	var b strings.Builder
	if header {
		b.WriteString("\n\n<b>" + escape(cutTitle(r.unit.Name, 80)) + "</b>")
		for _, g := range r.unit.Groups {
			name := g.Group
			if name == "" && r.unit.Framework != nil && r.unit.Framework.QuotaScope() == grading.QuotaScopeTaskGroup {
				name = t.t("QuotaNoGroup", nil)
			} else if name == "" {
				name = t.t("QuotaWholeUnit", nil)
			}
			id := "YearQuotaGroup"
			if g.Decision.Excess > 0 {
				id = "YearQuotaGroupOver"
			}
			b.WriteString("\n" + t.t(id, map[string]any{"Group": cutTitle(name, 40), "Max": g.Decision.Max,
				"A": len(g.Decision.Candidates), "Excess": g.Decision.Excess}))
		}
	}
	b.WriteString("\n" + t.yearLine(n, r.x))
	return b.String()
}

// yearPages splits the table's rows into pages: at most yearRowsPerPage
// people and yearPageBudget characters each; it returns each page's first row.
func (t *turn) yearPages(rows []yearRow) []int {
	starts := []int{0}
	size, count := 0, 0
	for i, r := range rows {
		start := starts[len(starts)-1]
		header := i == start || rows[i-1].unit != r.unit
		n := delivery.TextLen(t.yearBlock(r, i+1, header))
		if i > start && (count == yearRowsPerPage || size+n > yearPageBudget) {
			starts = append(starts, i)
			n = delivery.TextLen(t.yearBlock(r, i+1, true))
			size, count = 0, 0
		}
		size += n
		count++
	}
	return starts
}

// yearTableView is page page of a head's yearly table: the units, each
// quota group's standing, a line per person, and the buttons (confirm,
// adjust, confirm all, pages).
func (t *turn) yearTableView(tbl *year.Table, page int) (string, delivery.Keyboard) {
	rows := yearRows(tbl)
	starts := t.yearPages(rows)
	pages := len(starts)
	page = min(max(page, 0), pages-1)
	from, to := starts[page], len(rows)
	if page+1 < pages {
		to = starts[page+1]
	}
	var b strings.Builder
	b.WriteString(t.t("YearTableHead", map[string]any{"Year": tbl.Year, "People": len(rows)}))
	if pages > 1 {
		b.WriteString(" " + t.t("YearTablePage", map[string]any{"Page": page + 1, "Pages": pages}))
	}
	var kb delivery.Keyboard
	drafts := 0
	for i, r := range rows {
		if r.x.Status == yearly.StatusDraft {
			drafts++
		}
		if i < from || i >= to {
			continue
		}
		x := r.x
		b.WriteString(t.yearBlock(r, i+1, i == from || rows[i-1].unit != r.unit))
		name := cutTitle(x.FullName, 28)
		adjust := delivery.Button{Text: "✏️ " + name, Data: cb(vYearAdjust, int64(tbl.Year), x.OfficialID, x.Version)}
		if x.Status == yearly.StatusDraft {
			kb = append(kb, []delivery.Button{{Text: "✅ " + name, Data: cb(vYearOne, int64(tbl.Year), x.OfficialID, x.Version)}, adjust})
		} else {
			kb = append(kb, []delivery.Button{adjust})
		}
	}
	if drafts > 0 {
		kb = append(kb, []delivery.Button{{Text: t.t("BtnYearConfirmAll", map[string]any{"N": drafts}), Data: cb(vYearAll, int64(tbl.Year), tbl.Key)}})
		b.WriteString("\n\n" + t.t("YearTableHint", nil))
	} else {
		b.WriteString("\n\n" + t.t("YearTableDone", nil))
	}
	if pages > 1 {
		var nav []delivery.Button
		if page > 0 {
			nav = append(nav, delivery.Button{Text: t.t("BtnYearPrev", nil), Data: cb(vYearPage, int64(tbl.Year), page-1)})
		}
		if page < pages-1 {
			nav = append(nav, delivery.Button{Text: t.t("BtnYearNext", nil), Data: cb(vYearPage, int64(tbl.Year), page+1)})
		}
		kb = append(kb, nav)
	}
	return b.String(), kb
}

// pageOf is the table's page showing officialID.
func (t *turn) pageOf(tbl *year.Table, officialID int64) int {
	rows := yearRows(tbl)
	starts := t.yearPages(rows)
	for i, r := range rows {
		if r.x.OfficialID == officialID {
			p := 0
			for p+1 < len(starts) && starts[p+1] <= i {
				p++
			}
			return p
		}
	}
	return 0
}

// onYear handles the yearly table's buttons.
func (a *App) onYear(t *turn, c callback) error {
	y64, err := c.small(0, 9999)
	if err != nil {
		return staleOr(t, errBadData)
	}
	y := int(y64)
	switch c.verb {
	case vYearPage:
		p, err := c.small(1, 10000)
		if err != nil {
			return staleOr(t, errBadData)
		}
		return a.showYearTable(t, y, int(p), "")
	case vYearAll:
		k, err := c.str(1)
		if err != nil {
			return staleOr(t, errBadData)
		}
		tbl, res, err := year.ConfirmAll(t.ctx, t.tx, t.me.ID, y, k, a.today(), a.Framework)
		if errors.Is(err, yearly.ErrStale) && tbl != nil {
			// The figures changed since the table was shown: the table as it
			// is now, to look at before confirming.
			text, kb := t.yearTableView(tbl, 0)
			t.editPressed(text, kb)
			t.alert(t.t("YearTableChanged", nil))
			return nil
		}
		if err != nil {
			return a.yearRefused(t, err)
		}
		for _, s := range res.Confirmed {
			if err := a.tellYearFinal(t, s); err != nil {
				return err
			}
		}
		toast := t.t("YearConfirmedAll", map[string]any{"N": len(res.Confirmed)})
		if len(res.Held) > 0 {
			toast += " " + t.t("YearHeldForQuota", map[string]any{"N": len(res.Held)})
		}
		text, kb := t.yearTableView(tbl, 0)
		t.editPressed(text, kb)
		t.ack(toast)
		return nil
	}
	off, err1 := c.id(1)
	ver, err2 := c.small(2, 1<<30)
	if err1 != nil || err2 != nil {
		return staleOr(t, errBadData)
	}
	switch c.verb {
	case vYearOne:
		s, err := year.Confirm(t.ctx, t.tx, t.me.ID, off, y, int(ver), a.today())
		if errors.Is(err, yearly.ErrQuota) {
			return a.showYearChoice(t, y, off)
		}
		if err != nil {
			return a.yearRefused(t, err)
		}
		if err := a.tellYearFinal(t, s); err != nil {
			return err
		}
		t.ack(t.t("YearConfirmedOne", nil))
		return a.showYearTable(t, y, -1, "", off)
	case vYearAdjust:
		tbl, err := year.LoadTable(t.ctx, t.tx, t.me.ID, y, a.today(), a.Framework)
		if err != nil {
			return a.yearRefused(t, err)
		}
		u, x, ok := tbl.Person(off)
		if !ok || x.Version != int(ver) {
			t.alert(t.t("ErrorStale", nil))
			return nil
		}
		if !x.Result.Graded {
			t.alert(t.t("YearNothingToAdjust", nil))
			return nil
		}
		text := t.t("YearAdjustAsk", map[string]any{"Name": x.FullName, "Year": y, "Grade": t.gradeName(x.Grade, u.ID),
			"Mean": pts(t.lang, x.Result.Mean)})
		var row []delivery.Button
		for _, g := range []grading.Grade{grading.GradeA, grading.GradeB, grading.GradeC, grading.GradeD} {
			row = append(row, delivery.Button{Text: t.t("BtnYearGrade", map[string]any{"Grade": string(g)}),
				Data: cb(vYearGrade, int64(y), off, x.Version, string(g))})
		}
		t.editPressed(text, delivery.Keyboard{row, {{Text: t.t("BtnBack", nil), Data: cb(vYearPage, int64(y), t.pageOf(tbl, off))}}})
		t.ack("")
		return nil
	case vYearGrade:
		g, err := c.str(3)
		if err != nil || !grading.Grade(g).Valid() {
			return staleOr(t, errBadData)
		}
		if ok, err := t.canReview(off); err != nil || !ok {
			if err == nil {
				t.alert(t.t("NotAuthorized", nil))
			}
			return err
		}
		o, err := roster.OfficialByID(t.ctx, t.tx, off)
		if err != nil {
			return staleOr(t, err)
		}
		m := t.pressed()
		if err := t.setStep(stepYearReason, stepData{PlanID: off, Version: int(ver), Kind: g, Start: strconv.Itoa(y),
			ChatID: m.chatID, MessageID: m.messageID}); err != nil {
			return err
		}
		t.ack("")
		return t.reply(t.t("YearReasonAsk", map[string]any{"Name": o.FullName, "Grade": g}), nil)
	case vYearChoose:
		demote, err1 := c.id(3)
		dver, err2 := c.small(4, 1<<30)
		if err1 != nil || err2 != nil {
			return staleOr(t, errBadData)
		}
		keeper, err := roster.OfficialByID(t.ctx, t.tx, off)
		if err != nil {
			return staleOr(t, err)
		}
		kept, demoted, err := year.Choose(t.ctx, t.tx, t.me.ID, off, int(ver), demote, int(dver), y,
			t.t("YearQuotaReason", map[string]any{"Name": keeper.FullName}), a.today(), a.Framework)
		if err != nil {
			return a.yearRefused(t, err)
		}
		for _, s := range []yearly.Stored{demoted, kept} {
			if err := a.tellYearFinal(t, s); err != nil {
				return err
			}
		}
		t.ack(t.t("YearChosen", nil))
		return a.showYearTable(t, y, -1, "", off)
	}
	t.alert(t.t("ErrorStale", nil))
	return nil
}

// showYearTable brings the pressed card to the table's page (the page of
// near[0] when page < 0), with note above it.
func (a *App) showYearTable(t *turn, y, page int, note string, near ...int64) error {
	tbl, err := year.LoadTable(t.ctx, t.tx, t.me.ID, y, a.today(), a.Framework)
	if err != nil {
		return a.yearRefused(t, err)
	}
	if page < 0 && len(near) > 0 {
		page = t.pageOf(tbl, near[0])
	}
	text, kb := t.yearTableView(tbl, page)
	if note != "" {
		text = note + "\n\n" + text
	}
	t.editPressed(text, kb)
	if t.answer == nil {
		t.ack("")
	}
	return nil
}

// showYearChoice: confirming officialID's A found no room in their group's
// yearly quota; the head chooses who of the group's As moves to B, or
// adjusts this one instead.
func (a *App) showYearChoice(t *turn, y int, officialID int64) error {
	tbl, err := year.LoadTable(t.ctx, t.tx, t.me.ID, y, a.today(), a.Framework)
	if err != nil {
		return a.yearRefused(t, err)
	}
	_, x, ok := tbl.Person(officialID)
	if !ok {
		t.alert(t.t("ErrorStale", nil))
		return nil
	}
	cands, err := year.Candidates(t.ctx, t.tx, t.me.ID, officialID, y, a.today(), a.Framework)
	if err != nil {
		return a.yearRefused(t, err)
	}
	var kb delivery.Keyboard
	for _, c := range cands {
		kb = append(kb, []delivery.Button{{Text: t.t("BtnYearMoveToB", map[string]any{"Name": cutTitle(c.FullName, 40)}),
			Data: cb(vYearChoose, int64(y), officialID, x.Version, c.OfficialID, c.Version)}})
	}
	kb = append(kb, []delivery.Button{{Text: "✏️ " + cutTitle(x.FullName, 40), Data: cb(vYearAdjust, int64(y), officialID, x.Version)}},
		[]delivery.Button{{Text: t.t("BtnBack", nil), Data: cb(vYearPage, int64(y), t.pageOf(tbl, officialID))}})
	id := "YearQuotaChoose"
	if len(cands) == 0 {
		id = "YearQuotaNoRoom"
	}
	t.editPressed(t.t(id, map[string]any{"Name": x.FullName, "Year": y}), kb)
	t.ack("")
	return nil
}

// onYearReason takes the typed reason of an adjustment and decides it.
func (a *App) onYearReason(t *turn, d stepData, text string) error {
	y, err := strconv.Atoi(d.Start)
	if err != nil {
		return t.clearStep()
	}
	s, err := year.Adjust(t.ctx, t.tx, t.me.ID, d.PlanID, y, d.Version, grading.Grade(d.Kind), text, a.today())
	switch {
	case errors.Is(err, yearly.ErrQuota):
		if err := t.clearStep(); err != nil {
			return err
		}
		return t.reply(t.t("YearAdjustNoRoom", map[string]any{"Grade": d.Kind}), nil)
	case errors.Is(err, yearly.ErrNoReason):
		return t.reply(t.t("YearReasonAgain", nil), nil) // the step stays: the next text is the reason
	case errors.Is(err, textnorm.ErrTooLong):
		return t.reply(t.t("ReasonTooLong", map[string]any{"Max": yearly.MaxReason}), nil)
	case err != nil:
		if err := t.clearStep(); err != nil {
			return err
		}
		return a.yearRefusedReply(t, err)
	}
	if err := t.clearStep(); err != nil {
		return err
	}
	if err := a.tellYearFinal(t, s); err != nil {
		return err
	}
	o, err := roster.OfficialByID(t.ctx, t.tx, d.PlanID)
	if err != nil {
		return err
	}
	tbl, err := year.LoadTable(t.ctx, t.tx, t.me.ID, y, a.today(), a.Framework)
	if err != nil {
		return err
	}
	view, kb := t.yearTableView(tbl, t.pageOf(tbl, d.PlanID))
	t.showCard(cardRef{d.ChatID, d.MessageID}, view, kb)
	return t.reply(t.t("YearAdjusted", map[string]any{"Name": o.FullName, "Grade": string(s.Grade)}), nil)
}

// yearRefused answers a press the use case refused.
func (a *App) yearRefused(t *turn, err error) error {
	switch {
	case errors.Is(err, access.ErrForbidden):
		t.alert(t.t("NotAuthorized", nil))
	case errors.Is(err, yearly.ErrStale), errors.Is(err, yearly.ErrNotFound), errors.Is(err, year.ErrNoChoice):
		t.alert(t.t("ErrorStale", nil))
	case errors.Is(err, yearly.ErrQuota):
		t.alert(t.t("YearAdjustNoRoom", map[string]any{"Grade": "A"}))
	case errors.Is(err, yearly.ErrNotGraded):
		t.alert(t.t("YearNothingToAdjust", nil))
	default:
		return err
	}
	return nil
}

// yearRefusedReply is yearRefused for a typed message: a reply.
func (a *App) yearRefusedReply(t *turn, err error) error {
	switch {
	case errors.Is(err, access.ErrForbidden):
		return t.reply(t.t("NotAuthorized", nil), nil)
	case errors.Is(err, yearly.ErrStale), errors.Is(err, yearly.ErrNotFound):
		return t.reply(t.t("ErrorStale", nil), nil)
	case errors.Is(err, yearly.ErrNotGraded):
		return t.reply(t.t("YearNothingToAdjust", nil), nil)
	}
	return err
}

// tellYearFinal tells the person their final yearly grade, once per
// decision (the row's version is in the dedup key), in their language.
func (a *App) tellYearFinal(t *turn, s yearly.Stored) error {
	o, err := roster.OfficialByID(t.ctx, t.tx, s.OfficialID)
	if err != nil || o.ChatID == nil || !o.Active {
		return err
	}
	pt := a.turnFor(t.ctx, t.tx, o)
	var text string
	switch {
	case s.Grade == "":
		text = pt.t("YearFinalNotGraded", map[string]any{"Year": s.Period.Year, "Months": s.Months})
	case s.Status == yearly.StatusAdjusted:
		text = pt.t("YearFinalAdjusted", map[string]any{"Year": s.Period.Year, "Grade": pt.gradeName(s.Grade, s.UnitID),
			"Mean": pts(pt.lang, s.Mean), "Months": s.Months, "From": string(s.ComputedGrade), "Reason": s.Reason})
	default:
		text = pt.t("YearFinalConfirmed", map[string]any{"Year": s.Period.Year, "Grade": pt.gradeName(s.Grade, s.UnitID),
			"Mean": pts(pt.lang, s.Mean), "Months": s.Months})
	}
	if err := pt.send(delivery.Message{ChatID: *o.ChatID, OfficialID: o.ID,
		DedupKey: key("year-final", o.ID, strconv.Itoa(s.Period.Year), strconv.Itoa(s.Version)), Text: text}); err != nil {
		return err
	}
	t.enqueued = true
	return nil
}
