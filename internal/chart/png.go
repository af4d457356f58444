package chart

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"strings"
	"sync"

	"github.com/go-fonts/dejavu/dejavusans"
	"github.com/go-fonts/dejavu/dejavusansbold"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// Geometry of the PNG, in pixels: 1080 wide (a phone shows it full width;
// Telegram keeps photos up to 1280 px unscaled).
const (
	pngWidth   = 1080
	pngMargin  = 40
	pngBarH    = 26
	pngTitlePt = 30
	pngTextPt  = 24
	pngSmallPt = 21
)

var (
	fontsOnce           sync.Once
	regular, bold       *opentype.Font
	fontsErr            error
	white               = image.NewUniform(color.White)
	maxLabelW, barWidth = pngWidth - 2*pngMargin, pngWidth - 2*pngMargin
)

func loadFonts() error {
	fontsOnce.Do(func() {
		if regular, fontsErr = opentype.Parse(dejavusans.TTF); fontsErr == nil {
			bold, fontsErr = opentype.Parse(dejavusansbold.TTF)
		}
	})
	return fontsErr
}

// faces are the PNG's three faces; Close them.
type faces struct{ title, text, small font.Face }

func newFaces() (*faces, error) {
	if err := loadFonts(); err != nil {
		return nil, err
	}
	f := &faces{}
	var err error
	opt := func(pt float64) *opentype.FaceOptions {
		return &opentype.FaceOptions{Size: pt, DPI: 72, Hinting: font.HintingFull}
	}
	if f.title, err = opentype.NewFace(bold, opt(pngTitlePt)); err != nil {
		return nil, err
	}
	if f.text, err = opentype.NewFace(regular, opt(pngTextPt)); err != nil {
		return nil, err
	}
	if f.small, err = opentype.NewFace(regular, opt(pngSmallPt)); err != nil {
		return nil, err
	}
	return f, nil
}

func (f *faces) Close() {
	for _, x := range []font.Face{f.title, f.text, f.small} {
		if x != nil {
			_ = x.Close()
		}
	}
}

// PNG draws pic as a PNG image 1080 pixels wide, as tall as its panels
// need: each panel's title, its bars (a label line, then the bar on a light
// track), its legend, or its Empty sentence. Labels too wide are cut with
// «…». Text is drawn with DejaVu Sans (every Vietnamese letter).
func PNG(pic Picture) ([]byte, error) {
	img, err := Image(pic)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Image is PNG's picture before encoding.
func Image(pic Picture) (*image.RGBA, error) {
	f, err := newFaces()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// Two passes: measure (dst nil), then draw on an image of that height.
	h := layout(nil, f, pic)
	img := image.NewRGBA(image.Rect(0, 0, pngWidth, h))
	draw.Draw(img, img.Bounds(), white, image.Point{}, draw.Src)
	layout(img, f, pic)
	return img, nil
}

// layout draws pic on dst (when not nil) and returns the height it takes.
func layout(dst *image.RGBA, f *faces, pic Picture) int {
	y := pngMargin
	// text draws s from x, wrapped at spaces to the width on at most
	// maxLines lines (the last cut with «…»).
	text := func(face font.Face, s string, c color.RGBA, x int) {
		m := face.Metrics()
		for _, line := range wrap(face, s, fixed.I(maxLabelW-(x-pngMargin)), maxLines) {
			if dst != nil {
				d := &font.Drawer{Dst: dst, Src: image.NewUniform(c), Face: face}
				d.Dot = fixed.Point26_6{X: fixed.I(x), Y: fixed.I(y) + m.Ascent}
				d.DrawString(line)
			}
			y += m.Height.Ceil()
		}
	}
	rect := func(x, w, h int, c color.RGBA) {
		if dst != nil && w > 0 {
			draw.Draw(dst, image.Rect(x, y, x+w, y+h), image.NewUniform(c), image.Point{}, draw.Src)
		}
	}
	for i, p := range pic.Panels {
		if i > 0 {
			y += 36
		}
		text(f.title, p.Title, ColorInk, pngMargin)
		y += 14
		if len(p.Bars) == 0 {
			text(f.text, p.Empty, ColorMuted, pngMargin)
			continue
		}
		for _, b := range p.Bars {
			text(f.text, b.Label, ColorInk, pngMargin)
			y += 4
			rect(pngMargin, barWidth, pngBarH, ColorTrack)
			for _, s := range p.Segments(b, barWidth) {
				rect(pngMargin+s.X, s.W, pngBarH, s.Series.Color)
			}
			y += pngBarH + 14
		}
		// The legend: a swatch and a label each, wrapped to the width.
		x, lineH := pngMargin, f.small.Metrics().Height.Ceil()
		sw := lineH - 6
		for _, s := range p.Series {
			w := sw + 8 + font.MeasureString(f.small, s.Label).Ceil() + 24
			if x > pngMargin && x+w > pngWidth-pngMargin {
				x, y = pngMargin, y+lineH+6
			}
			if dst != nil {
				draw.Draw(dst, image.Rect(x, y+3, x+sw, y+3+sw), image.NewUniform(s.Color), image.Point{}, draw.Src)
				d := &font.Drawer{Dst: dst, Src: image.NewUniform(ColorInk), Face: f.small}
				d.Dot = fixed.Point26_6{X: fixed.I(x + sw + 8), Y: fixed.I(y) + f.small.Metrics().Ascent}
				d.DrawString(s.Label)
			}
			x += w
		}
		y += lineH
	}
	return y + pngMargin
}

// maxLines is how many lines a title or a label may take.
const maxLines = 3

// wrap breaks s at spaces into lines no wider than width in face, at most
// n of them: the last is cut (fit) when more would be needed.
func wrap(face font.Face, s string, width fixed.Int26_6, n int) []string {
	var lines []string
	cur := ""
	for _, w := range strings.Fields(s) {
		if cur == "" || font.MeasureString(face, cur+" "+w) <= width {
			if cur != "" {
				cur += " "
			}
			cur += w
			continue
		}
		lines = append(lines, cur)
		cur = w
	}
	lines = append(lines, cur)
	if len(lines) > n {
		lines = append(lines[:n-1], strings.Join(lines[n-1:], " "))
	}
	for i, l := range lines {
		lines[i] = fit(face, l, width)
	}
	return lines
}

// fit cuts s to at most width when drawn in face, ending it with «…».
func fit(face font.Face, s string, width fixed.Int26_6) string {
	if font.MeasureString(face, s) <= width {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && font.MeasureString(face, string(r)+"…") > width {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}
