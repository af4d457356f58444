package dashboard

import (
	"cmp"
	"context"
	"slices"
	"strconv"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/calendar"
	"evalbot/internal/chart"
	"evalbot/internal/citizen"
	"evalbot/internal/store"
)

// PictureUnits is how many units (and desks) the picture draws besides
// the total: the largest (most people, most ratings).
const PictureUnits = 10

// TrendMonths is how many months the picture's trend covers.
const TrendMonths = 6

// Satisfaction is the citizens' ratings (mức độ hài lòng) of a unit's
// desks, or of one desk, in a month: Unit is the desk's unit ("" for a
// unit's own line). Counts as /ratings has them: verified (given with a
// per-visit code) and unverified apart.
type Satisfaction struct {
	Name, Unit string
	Counts     citizen.Counts
}

// Ratings reads month m's citizens' ratings of the desks of units, per
// unit (the sum of its desks) and per desk, most rated first; units and
// desks without a rating are left out. Two statements (the desks, then
// citizen.ByDesk).
func Ratings(ctx context.Context, db store.DB, units []int64, m calendar.Month) (byUnit, byDesk []Satisfaction, err error) {
	rows, err := db.Query(ctx, `SELECT d.id, d.name, u.id, u.name FROM desks d JOIN units u ON u.id = d.unit_id
		WHERE d.unit_id = ANY($1) ORDER BY d.code`, units)
	if err != nil {
		return nil, nil, err
	}
	type desk struct {
		id, unit    int64
		name, uname string
	}
	desks, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (desk, error) {
		var d desk
		return d, r.Scan(&d.id, &d.name, &d.unit, &d.uname)
	})
	if err != nil || len(desks) == 0 {
		return nil, nil, err
	}
	ids := make([]int64, len(desks))
	for i, d := range desks {
		ids[i] = d.id
	}
	counts, err := citizen.ByDesk(ctx, db, m, ids)
	if err != nil {
		return nil, nil, err
	}
	at := map[int64]int{}
	for _, d := range desks {
		c, ok := counts[d.id]
		if !ok || c.Empty() {
			continue
		}
		byDesk = append(byDesk, Satisfaction{Name: d.name, Unit: d.uname, Counts: c})
		i, ok := at[d.unit]
		if !ok {
			i = len(byUnit)
			at[d.unit] = i
			byUnit = append(byUnit, Satisfaction{Name: d.uname})
		}
		byUnit[i].Counts = plus(byUnit[i].Counts, c)
	}
	most := func(a, b Satisfaction) int { return cmp.Compare(b.Counts.Counted(), a.Counts.Counted()) }
	slices.SortStableFunc(byUnit, most)
	slices.SortStableFunc(byDesk, most)
	return byUnit, byDesk, nil
}

// plus is the sum of two months' or desks' counts.
func plus(a, b citizen.Counts) citizen.Counts {
	for i := range a.Levels {
		a.Levels[i] += b.Levels[i]
	}
	a.Flagged += b.Flagged
	a.Confirmed += b.Confirmed
	a.Dismissed += b.Dismissed
	a.Pending += b.Pending
	a.Verified += b.Verified
	return a
}

// PictureData is what the month's picture shows: the month, the total of
// the scope and the units to draw (the largest PictureUnits of them are),
// the trend of the last TrendMonths months, and the citizens' satisfaction
// per unit and per desk.
type PictureData struct {
	Month        calendar.Month
	Total        UnitMonth
	Units        []UnitMonth
	Trend        []MonthGrades
	UnitsRatings []Satisfaction
	DesksRatings []Satisfaction
	TotalRatings citizen.Counts
	ShowTotalBar bool // more than one unit: the total gets a bar of its own
}

// ReadPicture reads, for the people of w, what the picture of month m
// shows besides the units (Status or Read have them): the trend (TrendOf)
// and the ratings of the desks of units' (Ratings). Four statements.
func ReadPicture(ctx context.Context, db store.DB, w Who, m calendar.Month, total UnitMonth, units []UnitMonth) (*PictureData, error) {
	d := &PictureData{Month: m, Total: total, Units: units, ShowTotalBar: len(units) > 1}
	var err error
	if d.Trend, err = TrendOf(ctx, db, w, m, TrendMonths); err != nil {
		return nil, err
	}
	ids := w.Units
	if !w.Admin {
		for _, u := range units {
			ids = append(ids, u.ID)
		}
	}
	if d.UnitsRatings, d.DesksRatings, err = Ratings(ctx, db, ids, m); err != nil {
		return nil, err
	}
	for _, s := range d.UnitsRatings {
		d.TotalRatings = plus(d.TotalRatings, s.Counts)
	}
	return d, nil
}

// Translate renders a message of locales/ (its id and data) in the
// reader's language; Label names a month for them (11/2026, 2026-11).
type (
	Translate func(id string, data map[string]any) string
	Label     func(calendar.Month) string
)

// Picture is d drawn as the month's picture (chart.Picture), the same for
// the web page and the chat's PNG: the grades per unit (the total, then
// the largest units), the grades of the last months, and the citizens'
// satisfaction per unit and per desk (counts, rate, verified apart).
func (d *PictureData) Picture(tr Translate, month Label) chart.Picture {
	return chart.Picture{Panels: append([]chart.Panel{d.GradesPanel(tr, month), d.TrendPanel(tr, month)}, d.RatingsPanels(tr, month)...)}
}

// gradeSeries are the grades' series: A, B, C, D, not graded.
func gradeSeries(tr Translate) []chart.Series {
	return []chart.Series{{Key: "g-a", Label: tr("WebGradeA", nil), Color: chart.ColorA},
		{Key: "g-b", Label: tr("WebGradeB", nil), Color: chart.ColorB},
		{Key: "g-c", Label: tr("WebGradeC", nil), Color: chart.ColorC},
		{Key: "g-d", Label: tr("WebGradeD", nil), Color: chart.ColorD},
		{Key: "g-ng", Label: tr("WebNotGraded", nil), Color: chart.ColorNotGraded}}
}

// GradesPanel is the month's grades: a bar for the total (when there is
// more than one unit), then one for each of the PictureUnits largest
// units, each split by grade over its people (not yet approved: grey).
func (d *PictureData) GradesPanel(tr Translate, month Label) chart.Panel {
	units := slices.DeleteFunc(slices.Clone(d.Units), func(u UnitMonth) bool { return u.People == 0 })
	slices.SortStableFunc(units, func(a, b UnitMonth) int { return cmp.Compare(b.People, a.People) })
	units = units[:min(len(units), PictureUnits)]
	bar := func(label string, u UnitMonth) chart.Bar {
		return chart.Bar{Label: label + " (" + strconv.Itoa(u.People) + ")", Total: u.People,
			Values: []int{u.Grades.A, u.Grades.B, u.Grades.C, u.Grades.D, u.Grades.NotGraded, u.People - u.Approved}}
	}
	p := chart.Panel{Title: tr("WebChartTitle", map[string]any{"Month": month(d.Month)}),
		Desc:   tr("WebChartDesc", map[string]any{"N": strconv.Itoa(len(units))}),
		Series: append(gradeSeries(tr), chart.Series{Key: "g-none", Label: tr("WebNotApproved", nil), Color: chart.ColorNone})}
	if d.ShowTotalBar {
		p.Bars = append(p.Bars, bar(tr("WebTotalRow", nil), d.Total))
	}
	for _, u := range units {
		p.Bars = append(p.Bars, bar(u.Name, u))
	}
	return p
}

// TrendPanel is the grades of the months of d.Trend, a bar per month split
// over that month's approved people; no bars when nothing was approved.
func (d *PictureData) TrendPanel(tr Translate, month Label) chart.Panel {
	p := chart.Panel{Title: tr("WebTrendTitle", map[string]any{"N": strconv.Itoa(len(d.Trend)), "Month": month(d.Month)}),
		Desc: tr("WebTrendDesc", nil), Series: gradeSeries(tr), Empty: tr("WebTrendEmpty", nil)}
	approved := 0
	for _, m := range d.Trend {
		approved += m.Approved
	}
	if approved == 0 {
		return p
	}
	for _, m := range d.Trend {
		p.Bars = append(p.Bars, chart.Bar{Label: tr("WebTrendRow", map[string]any{"Month": month(m.Month), "N": strconv.Itoa(m.Approved)}),
			Total:  m.Approved,
			Values: []int{m.Grades.A, m.Grades.B, m.Grades.C, m.Grades.D, m.Grades.NotGraded}})
	}
	return p
}

// RatingsPanels are the citizens' satisfaction of the month: per unit (the
// total first when more than one unit was rated), and per desk when any
// desk was rated, the PictureUnits most rated of each; every bar says how
// many ratings count, the satisfaction rate, and how many were verified
// with a per-visit code and how many not.
func (d *PictureData) RatingsPanels(tr Translate, month Label) []chart.Panel {
	levels := []chart.Series{{Key: "s-0", Label: tr("ChartLevel_very_satisfied", nil), Color: chart.ColorA},
		{Key: "s-1", Label: tr("ChartLevel_satisfied", nil), Color: chart.ColorB},
		{Key: "s-2", Label: tr("ChartLevel_neutral", nil), Color: chart.ColorNone},
		{Key: "s-3", Label: tr("ChartLevel_unsatisfied", nil), Color: chart.ColorD}}
	bar := func(s Satisfaction) chart.Bar {
		rate := "—"
		if r, ok := s.Counts.Rate(); ok {
			rate = strconv.FormatInt((int64(r)+50)/100, 10) + "%"
		}
		name := s.Name
		if s.Unit != "" {
			name = tr("ChartDeskName", map[string]any{"Desk": s.Name, "Unit": s.Unit})
		}
		return chart.Bar{Label: tr("ChartRatingsRow", map[string]any{"Name": name, "N": strconv.Itoa(s.Counts.Counted()), "Rate": rate,
			"Verified": strconv.Itoa(s.Counts.Verified), "Unverified": strconv.Itoa(s.Counts.Unverified())}),
			Values: s.Counts.Levels[:]}
	}
	byUnit := chart.Panel{Title: tr("ChartRatingsUnitsTitle", map[string]any{"Month": month(d.Month)}),
		Desc: tr("ChartRatingsDesc", nil), Series: levels, Empty: tr("ChartRatingsNone", nil)}
	if len(d.UnitsRatings) > 1 {
		byUnit.Bars = append(byUnit.Bars, bar(Satisfaction{Name: tr("WebTotalRow", nil), Counts: d.TotalRatings}))
	}
	for _, s := range d.UnitsRatings[:min(len(d.UnitsRatings), PictureUnits)] {
		byUnit.Bars = append(byUnit.Bars, bar(s))
	}
	out := []chart.Panel{byUnit}
	if len(d.DesksRatings) > 0 {
		byDesk := chart.Panel{Title: tr("ChartRatingsDesksTitle", map[string]any{"Month": month(d.Month)}),
			Desc: tr("ChartRatingsDesc", nil), Series: levels}
		for _, s := range d.DesksRatings[:min(len(d.DesksRatings), PictureUnits)] {
			byDesk.Bars = append(byDesk.Bars, bar(s))
		}
		out = append(out, byDesk)
	}
	return out
}
