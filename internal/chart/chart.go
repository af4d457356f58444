// Package chart is the month's picture as data, drawn the same way by both
// faces (decision 0015): a Picture is panels of horizontal stacked bars,
// each bar split by series (a grade, a level of satisfaction) in
// proportion to its total. Geometry (Bar.Segments) is computed here once;
// the web draws it as inline SVG (internal/web's templates) and the chat
// sends it as a PNG (PNG, drawn with golang.org/x/image and the embedded
// DejaVu Sans, which has every Vietnamese letter). The package knows no
// domain: callers fill the labels, already translated.
package chart

import (
	"fmt"
	"image/color"
	"strconv"
)

// Series is one kind of segment: Key names it for the web's CSS and tests
// (e.g. "g-a"), Label is the legend's text, Color its fill in both faces.
type Series struct {
	Key   string
	Label string
	Color color.RGBA
}

// Hex is the series' colour as #rrggbb, for SVG fill attributes.
func (s Series) Hex() string { return fmt.Sprintf("#%02x%02x%02x", s.Color.R, s.Color.G, s.Color.B) }

// Bar is one row: its label and a value per series of its panel (same
// order). Total is what a full bar stands for; the segments fill
// Values/Total of it (the rest is the empty track). A zero Total is the
// sum of Values.
type Bar struct {
	Label  string
	Values []int
	Total  int
}

// Panel is one chart: a title, a sentence for screen readers, the series
// (the legend) and the bars, top to bottom.
type Panel struct {
	Title, Desc string
	Series      []Series
	Bars        []Bar
	// Empty is said instead of the bars when there are none (e.g. «no
	// ratings this month»).
	Empty string
}

// Picture is the panels of one picture, top to bottom.
type Picture struct {
	Panels []Panel
}

// Segment is one series' part of a bar, at X and W in a bar Width units
// wide; Percent is its share of the bar's total, rounded half up; Title is
// «label: value (percent%)», the text a pointer or a screen reader gets.
type Segment struct {
	Series  Series
	Value   int
	Percent int
	X, W    int
	Title   string
}

// total is b.Total, or the sum of its values when 0.
func (b Bar) total() int {
	if b.Total > 0 {
		return b.Total
	}
	n := 0
	for _, v := range b.Values {
		n += max(v, 0)
	}
	return n
}

// Segments splits bar b of panel p over width units: one segment per
// series with a positive value, in series order; ends are cumulative, so
// the parts of a full bar add up to exactly width. None when the bar's
// total is 0.
func (p Panel) Segments(b Bar, width int) []Segment {
	t := b.total()
	if t <= 0 {
		return nil
	}
	var out []Segment
	x, acc := 0, 0
	for i, v := range b.Values {
		if v <= 0 || i >= len(p.Series) {
			continue
		}
		acc += v
		end := min(acc, t) * width / t
		pct := (v*100 + t/2) / t
		s := p.Series[i]
		out = append(out, Segment{Series: s, Value: v, Percent: pct, X: x, W: end - x,
			Title: s.Label + ": " + strconv.Itoa(v) + " (" + strconv.Itoa(pct) + "%)"})
		x = end
	}
	return out
}

// The palette both faces use (WCAG contrast ≥ 3:1 against white for the
// fills, as the web's style sheet had them).
var (
	ColorA         = color.RGBA{0x1b, 0x7a, 0x3a, 0xff}
	ColorB         = color.RGBA{0x2b, 0x6c, 0xb0, 0xff}
	ColorC         = color.RGBA{0x95, 0x5c, 0x00, 0xff}
	ColorD         = color.RGBA{0xb4, 0x23, 0x18, 0xff}
	ColorNotGraded = color.RGBA{0x6b, 0x72, 0x80, 0xff}
	ColorNone      = color.RGBA{0xc4, 0xc9, 0xd1, 0xff}
	ColorTrack     = color.RGBA{0xec, 0xef, 0xf3, 0xff}
	ColorInk       = color.RGBA{0x1a, 0x1d, 0x21, 0xff}
	ColorMuted     = color.RGBA{0x4a, 0x50, 0x58, 0xff}
)
