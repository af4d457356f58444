package chart

import (
	"bytes"
	"image/png"
	"testing"

	"golang.org/x/image/font/sfnt"
)

// vietnamese is every Vietnamese letter with its tone marks, both cases.
const vietnamese = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ" +
	"AÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬEÈÉẺẼẸÊỀẾỂỄỆIÌÍỈĨỊOÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢUÙÚỦŨỤƯỪỨỬỮỰYỲÝỶỸỴĐ«»…—·%"

// Every Vietnamese letter has a glyph of its own in both faces the PNG
// uses (no tofu box: glyph 0 is .notdef).
func TestFontsHaveVietnamese(t *testing.T) {
	if err := loadFonts(); err != nil {
		t.Fatal(err)
	}
	var buf sfnt.Buffer
	for name, f := range map[string]interface {
		GlyphIndex(*sfnt.Buffer, rune) (sfnt.GlyphIndex, error)
	}{"regular": regular, "bold": bold} {
		for _, r := range vietnamese {
			if g, err := f.GlyphIndex(&buf, r); err != nil || g == 0 {
				t.Errorf("%s has no glyph for %q (%v)", name, r, err)
			}
		}
	}
}

// The tone marks are drawn: a title with «Ủy» inks pixels above the
// capital that «Uy» leaves white.
func TestDiacriticsAreDrawn(t *testing.T) {
	ink := func(title string) int {
		img, err := Image(Picture{Panels: []Panel{{Title: title, Empty: "-"}}})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		b := img.Bounds()
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				if r, _, _, _ := img.At(x, y).RGBA(); r < 0x8000 {
					n++
				}
			}
		}
		return n
	}
	if with, without := ink("Ủy ban nhân dân phường Hòa Bình"), ink("Uy ban nhan dan phuong Hoa Binh"); with <= without {
		t.Errorf("ink with tone marks %d, without %d: the marks are not drawn", with, without)
	}
}

// Segments fill a bar in series order, in proportion to the total, the
// parts of a full bar adding up to the width; the rest of a bar whose
// total is larger stays empty.
func TestSegments(t *testing.T) {
	p := Panel{Series: []Series{{Key: "a", Label: "A"}, {Key: "b", Label: "B"}, {Key: "c", Label: "C"}}}
	segs := p.Segments(Bar{Values: []int{1, 0, 2}}, 640)
	if len(segs) != 2 || segs[0].X != 0 || segs[0].W != 213 || segs[1].X != 213 || segs[1].W != 427 ||
		segs[0].Title != "A: 1 (33%)" || segs[1].Title != "C: 2 (67%)" {
		t.Errorf("segments %+v", segs)
	}
	segs = p.Segments(Bar{Values: []int{1, 1, 0}, Total: 4}, 100)
	if len(segs) != 2 || segs[1].X+segs[1].W != 50 || segs[1].Percent != 25 {
		t.Errorf("half a bar: %+v", segs)
	}
	if segs := p.Segments(Bar{Values: []int{0, 0, 0}}, 100); segs != nil {
		t.Errorf("an empty bar: %+v", segs)
	}
}

// A picture is a PNG 1080 pixels wide and as tall as its panels.
func TestPNG(t *testing.T) {
	series := []Series{{Key: "a", Label: "Hoàn thành xuất sắc", Color: ColorA}, {Key: "b", Label: "Hoàn thành tốt", Color: ColorB}}
	pic := Picture{Panels: []Panel{
		{Title: "Xếp loại tháng 11/2026", Series: series, Bars: []Bar{{Label: "Toàn phường (28)", Values: []int{3, 20}, Total: 28},
			{Label: "Ủy ban nhân dân phường Hòa Bình, một tên rất dài để thử cắt bớt khi không vừa chiều ngang của ảnh (12)", Values: []int{1, 9}}}},
		{Title: "Mức độ hài lòng", Empty: "Chưa có lượt đánh giá nào trong tháng."},
	}}
	b, err := PNG(pic)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if r := img.Bounds(); r.Dx() != 1080 || r.Dy() < 300 || r.Dy() > 800 {
		t.Errorf("picture %v", r)
	}
}
