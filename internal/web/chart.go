package web

import (
	"cmp"
	"slices"
	"strconv"

	"evalbot/internal/dashboard"
)

// chartUnits is how many units the grade chart shows besides the total:
// the largest ones (most people).
const chartUnits = 10

// Geometry of the chart, in SVG user units (the SVG scales to the page width).
const (
	chartWidth  = 640
	chartRowH   = 44 // a label line and a bar
	chartBarH   = 18
	chartLabelH = 16
)

// chart is the month's picture: one horizontal bar per row (the subtree's
// total, then the largest units), split by grade, each part as wide as its
// share of the unit's people. Rendered as inline SVG by dashboard.html.
type chart struct {
	Title, Desc string
	Width       int
	Height      int
	Rows        []chartRow
	Legend      []chartPart
}

// chartRow is one bar: its label (name and people) and its parts.
type chartRow struct {
	Label  string
	LabelY int
	BarY   int
	Parts  []chartPart
}

// chartPart is one grade's segment: Class is the CSS class that colours it
// (g-a … g-none), Title the text a pointer or a screen reader gets.
type chartPart struct {
	Class string
	Label string
	X, W  int
	Title string
}

func newChart(l tr, month string, ov *dashboard.Overview, n int) chart {
	units := slices.Clone(ov.Units)
	units = slices.DeleteFunc(units, func(u dashboard.UnitMonth) bool { return u.People == 0 })
	slices.SortStableFunc(units, func(a, b dashboard.UnitMonth) int { return cmp.Compare(b.People, a.People) })
	if len(units) > n {
		units = units[:n]
	}
	total := ov.Total
	total.Name = l.T("WebTotalRow")
	rows := append([]dashboard.UnitMonth{total}, units...)
	legend := []chartPart{{Class: "g-a", Label: l.T("WebGradeA")}, {Class: "g-b", Label: l.T("WebGradeB")},
		{Class: "g-c", Label: l.T("WebGradeC")}, {Class: "g-d", Label: l.T("WebGradeD")},
		{Class: "g-ng", Label: l.T("WebNotGraded")}, {Class: "g-none", Label: l.T("WebNotApproved")}}
	c := chart{Title: l.T("WebChartTitle", "Month", month), Desc: l.T("WebChartDesc", "N", strconv.Itoa(len(units))),
		Width: chartWidth, Height: len(rows)*chartRowH + 4, Legend: legend}
	for i, u := range rows {
		y := i * chartRowH
		row := chartRow{Label: u.Name + " (" + strconv.Itoa(u.People) + ")", LabelY: y + chartLabelH - 3, BarY: y + chartLabelH + 2}
		counts := []int{u.Grades.A, u.Grades.B, u.Grades.C, u.Grades.D, u.Grades.NotGraded, u.People - u.Approved}
		x, acc := 0, 0
		for j, k := range counts {
			if k <= 0 || u.People == 0 {
				continue
			}
			acc += k
			end := acc * chartWidth / u.People // cumulative, so the parts add up to the full width
			part := legend[j]
			part.X, part.W = x, end-x
			part.Title = part.Label + ": " + strconv.Itoa(k) + " (" + strconv.Itoa((k*100+u.People/2)/u.People) + "%)"
			row.Parts = append(row.Parts, part)
			x = end
		}
		c.Rows = append(c.Rows, row)
	}
	return c
}

// trendMonths is how many months the trend page shows.
const trendMonths = 6

// monthRow is one month of the trend page.
type monthRow struct {
	Label    string
	Approved int
	Grades   dashboard.GradeCounts
}

// newTrendChart draws one bar per month: each grade's share of the people
// approved that month.
func newTrendChart(l tr, lang string, months []dashboard.MonthGrades) (chart, []monthRow) {
	legend := []chartPart{{Class: "g-a", Label: l.T("WebGradeA")}, {Class: "g-b", Label: l.T("WebGradeB")},
		{Class: "g-c", Label: l.T("WebGradeC")}, {Class: "g-d", Label: l.T("WebGradeD")},
		{Class: "g-ng", Label: l.T("WebNotGraded")}}
	c := chart{Title: l.T("WebTrendTitle", "N", strconv.Itoa(len(months)), "Month", monthLabel(lang, months[len(months)-1].Month)),
		Desc: l.T("WebTrendDesc"), Width: chartWidth, Legend: legend}
	var rows []monthRow
	for _, m := range months {
		label := monthLabel(lang, m.Month)
		rows = append(rows, monthRow{Label: label, Approved: m.Approved, Grades: m.Grades})
		row := chartRow{Label: l.T("WebTrendRow", "Month", label, "N", strconv.Itoa(m.Approved))}
		counts := []int{m.Grades.A, m.Grades.B, m.Grades.C, m.Grades.D, m.Grades.NotGraded}
		x, acc := 0, 0
		for j, k := range counts {
			if k <= 0 {
				continue
			}
			acc += k
			end := acc * chartWidth / m.Approved
			part := legend[j]
			part.X, part.W = x, end-x
			part.Title = part.Label + ": " + strconv.Itoa(k) + " (" + strconv.Itoa((k*100+m.Approved/2)/m.Approved) + "%)"
			row.Parts = append(row.Parts, part)
			x = end
		}
		c.Rows = append(c.Rows, row)
	}
	return c, rows
}
