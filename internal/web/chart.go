package web

import (
	"evalbot/internal/chart"
	"evalbot/internal/dashboard"
)

// chartWidth is the SVG bars' width in user units (the SVG scales to the
// page width).
const chartWidth = 640

// chartView is one panel of the month's picture (chart.Panel, drawn from
// dashboard.PictureData as the chat's PNG is) laid out for dashboard.html:
// one row per bar, its label, and its segments with their colour and
// title (chart.Panel.Segments, the PNG's geometry too), rendered as inline
// SVG by the "chart" template.
type chartView struct {
	Title, Desc, Empty string
	Width              int
	Rows               []chartRow
	Legend             []chart.Series
}

// chartRow is one bar: its label and its parts.
type chartRow struct {
	Label string
	Parts []chart.Segment
}

func newChartView(p chart.Panel) chartView {
	c := chartView{Title: p.Title, Desc: p.Desc, Empty: p.Empty, Width: chartWidth, Legend: p.Series}
	for _, b := range p.Bars {
		c.Rows = append(c.Rows, chartRow{Label: b.Label, Parts: p.Segments(b, chartWidth)})
	}
	return c
}

// pictureViews lays out every panel of pic.
func pictureViews(pic chart.Picture) []chartView {
	out := make([]chartView, len(pic.Panels))
	for i, p := range pic.Panels {
		out[i] = newChartView(p)
	}
	return out
}

// translate is l as the dashboard's picture takes it.
func (l tr) translate() dashboard.Translate {
	return func(id string, data map[string]any) string { return l.cat.Plain(l.lang, id, 0, data) }
}

// monthRow is one month of the trend page.
type monthRow struct {
	Label    string
	Approved int
	Grades   dashboard.GradeCounts
}
