package main

import (
	"bytes"
	"context"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	gzqr "github.com/makiuchi-d/gozxing/qrcode"

	"evalbot/internal/citizen"
	"evalbot/internal/pgtest"
	"evalbot/internal/roster"
)

// qrSampleDir finds the sample roster with its desks.
func qrSampleDir(t *testing.T) string {
	t.Helper()
	for _, d := range []string{"../../../shared/data/roster", "../../internal/roster/testdata/roster"} {
		if _, err := os.Stat(filepath.Join(d, "desks.csv")); err == nil {
			return d
		}
	}
	t.Fatal("no sample desks.csv found")
	return ""
}

func decodeSign(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() < 1000 || b.Dy() <= b.Dx() {
		t.Fatalf("%s is %v: want at least 1000 px wide with text under the code", path, b)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := gzqr.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return res.GetText()
}

// `evalbot qr --desks desks.csv --bot …` writes one PNG per desk that
// decodes back to the desk's deep link; --rotate issues new codes.
func TestQRSignsDecodeToTheDeepLinks(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.New(t)
	dir := qrSampleDir(t)
	open := func(name string) *os.File {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	us, errs, err := roster.ReadUnits(open("units.csv"), "units.csv")
	if err != nil || len(errs) > 0 {
		t.Fatal(err, errs)
	}
	ofs, errs, err := roster.ReadOfficials(open("officials.csv"), "officials.csv")
	if err != nil || len(errs) > 0 {
		t.Fatal(err, errs)
	}
	if rep, err := roster.Import(ctx, pool, us, ofs, roster.Options{}); err != nil || len(rep.Errors) > 0 {
		t.Fatal(err, rep.Errors)
	}
	out := t.TempDir()
	o := qrOptions{Bot: "evalbot_example_bot", Out: out, DesksFile: filepath.Join(dir, "desks.csv"), Lang: "vi", Now: time.Now()}
	signs, err := runQR(ctx, io.Discard, pool, o)
	if err != nil {
		t.Fatal(err)
	}
	if len(signs) != 4 {
		t.Fatalf("%d signs, want 4 (HCC-Q1..Q4)", len(signs))
	}
	for _, s := range signs {
		c, err := citizen.ActiveCode(ctx, pool, s.Desk.ID, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		want := "https://t.me/evalbot_example_bot?start=" + c.Code
		if got := decodeSign(t, s.Path); got != want || s.Link != want {
			t.Errorf("%s decodes to %q, want %q", s.Desk.Code, got, want)
		}
		if filepath.Base(s.Path) != s.Desk.Code+".png" {
			t.Errorf("file %s", s.Path)
		}
	}
	if p := os.Getenv("EVALBOT_QR_DOCS"); p != "" { // regenerate the README's example
		data, _ := os.ReadFile(signs[0].Path)
		_ = os.WriteFile(p, data, 0o644)
	}
	// Running it again keeps the codes; --rotate replaces them.
	again, err := runQR(ctx, io.Discard, pool, qrOptions{Bot: o.Bot, Out: out, Lang: "vi", Now: time.Now(), Only: []string{"HCC-Q1"}})
	if err != nil || len(again) != 1 || again[0].Link != signs[0].Link {
		t.Fatalf("second run: %v %+v", err, again)
	}
	rotated, err := runQR(ctx, io.Discard, pool, qrOptions{Bot: o.Bot, Out: out, Lang: "en", Now: time.Now(), Only: []string{"HCC-Q1"}, Rotate: true})
	if err != nil || len(rotated) != 1 || rotated[0].Link == signs[0].Link {
		t.Fatalf("rotation: %v %+v", err, rotated)
	}
	if got := decodeSign(t, rotated[0].Path); got != rotated[0].Link {
		t.Fatalf("rotated sign decodes to %q", got)
	}
	old := signs[0].Link[len("https://t.me/evalbot_example_bot?start="):]
	if c, err := citizen.LookupCode(ctx, pool, old); err != nil || !c.Retired {
		t.Fatalf("old code %+v %v", c, err)
	}
	if _, err := runQR(ctx, io.Discard, pool, qrOptions{Bot: o.Bot, Out: out, Only: []string{"HCC-Q9"}, Now: time.Now()}); err == nil {
		t.Fatal("an unknown desk code was accepted")
	}
}
