package main

import (
	"bytes"
	"context"
	"errors"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
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

// A desks file's faults are listed as a roster's are, in the clerk's
// language, and nothing is written; a clean file reports what it changed.
func TestQRDeskFaultsInTheClerksLanguage(t *testing.T) {
	ctx := context.Background()
	pool, _ := cleanRoster(t)
	write := func(body string) string {
		f := filepath.Join(t.TempDir(), "desks.csv")
		must(t, os.WriteFile(f, []byte("desk_code,name,unit_code,employee_code\n"+body), 0o600))
		return f
	}
	for _, c := range []struct {
		lang, body string
		want       []string
	}{
		{"vi", "HCC Q1,Quầy 1,PHB-HCC,\n", []string{"Có 1 dòng lỗi", "desks.csv, dòng 2: mã quầy «HCC Q1» không hợp lệ"}},
		{"vi", "HCC-Q2,Quầy 2,PHB-XX,\nHCC-Q3,Quầy 3,PHB-HCC,NOPE\n", []string{"Có 2 dòng lỗi",
			"dòng 2: không có đơn vị mã «PHB-XX»", "dòng 3: không có cán bộ đang công tác mang mã «NOPE»"}},
		{"en", "HCC-Q2,Desk 2,PHB-XX,\n", []string{"1 faulty row; nothing was written", "line 2: there is no unit «PHB-XX»"}},
	} {
		var out bytes.Buffer
		_, err := runQR(ctx, &out, pool, qrOptions{Bot: "b", Out: t.TempDir(), DesksFile: write(c.body), Lang: c.lang, Now: time.Now()})
		if !errors.Is(err, errDeskRows) {
			t.Fatalf("%q: err = %v", c.body, err)
		}
		for _, w := range c.want {
			if !strings.Contains(out.String(), w) {
				t.Errorf("%q: report lacks %q:\n%s", c.body, w, out.String())
			}
		}
	}
	var n int
	must(t, pool.QueryRow(ctx, `SELECT count(*) FROM desks`).Scan(&n))
	if n != 0 {
		t.Fatalf("%d desks written by faulty files", n)
	}
	var out bytes.Buffer
	if _, err := runQR(ctx, &out, pool, qrOptions{Bot: "b", Out: t.TempDir(), DesksFile: write("HCC-Q1,Quầy 1,PHB-HCC,\n"), Lang: "vi", Now: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Quầy: 1 quầy mới, 0 quầy thay đổi, 0 quầy không đổi.") {
		t.Errorf("clean file:\n%s", out.String())
	}
}

// TestQRSignsOpenTheWebPage: by default a sign's QR code is the desk's web
// page, EVALBOT_PUBLIC_URL/r/<code>, with the web's instruction; the code is
// the same one the deep link carries (both paths store the same ratings).
func TestQRSignsOpenTheWebPage(t *testing.T) {
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
	us, _, err := roster.ReadUnits(open("units.csv"), "units.csv")
	if err != nil {
		t.Fatal(err)
	}
	ofs, _, err := roster.ReadOfficials(open("officials.csv"), "officials.csv")
	if err != nil {
		t.Fatal(err)
	}
	if rep, err := roster.Import(ctx, pool, us, ofs, roster.Options{}); err != nil || len(rep.Errors) > 0 {
		t.Fatal(err, rep.Errors)
	}
	out := t.TempDir()
	signs, err := runQR(ctx, io.Discard, pool, qrOptions{Web: "https://danhgia.example.vn/", Out: out,
		DesksFile: filepath.Join(dir, "desks.csv"), Lang: "vi", Now: time.Now(), Only: []string{"HCC-Q1"}})
	if err != nil || len(signs) != 1 {
		t.Fatal(err, signs)
	}
	c, err := citizen.ActiveCode(ctx, pool, signs[0].Desk.ID, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	want := "https://danhgia.example.vn/r/" + c.Code
	if got := decodeSign(t, signs[0].Path); got != want || signs[0].Link != want {
		t.Fatalf("the sign decodes to %q, want %q", got, want)
	}
	if p := os.Getenv("EVALBOT_QR_DOCS"); p != "" { // regenerate the README's example
		data, _ := os.ReadFile(signs[0].Path)
		_ = os.WriteFile(p, data, 0o644)
	}
	tg, err := runQR(ctx, io.Discard, pool, qrOptions{Bot: "evalbot_example_bot", Out: t.TempDir(), Lang: "vi", Now: time.Now(), Only: []string{"HCC-Q1"}})
	if err != nil || len(tg) != 1 || tg[0].Link != "https://t.me/evalbot_example_bot?start="+c.Code {
		t.Fatalf("--telegram: %v %+v", err, tg)
	}
}

// TestQRNeedsThePublicURL: a sign lasts for years, so `evalbot qr` without
// EVALBOT_PUBLIC_URL refuses to print signs for the development default
// (and --telegram without a bot name is refused as before).
func TestQRNeedsThePublicURL(t *testing.T) {
	t.Setenv("EVALBOT_PUBLIC_URL", "")
	t.Setenv("EVALBOT_LANG", "")
	t.Setenv("TELEGRAM_BOT_USERNAME", "")
	if code, _, errs := capture(t, "qr"); code != 2 || !strings.Contains(errs, "đặt EVALBOT_PUBLIC_URL") {
		t.Fatalf("qr without EVALBOT_PUBLIC_URL: %d %q", code, errs)
	}
	if code, _, errs := capture(t, "qr", "--telegram"); code != 2 || !strings.Contains(errs, "Cần tên bot") {
		t.Fatalf("qr --telegram without a bot: %d %q", code, errs)
	}
	// Regression (a new user's trial): set without http:// it was told to be
	// set; qr, weblink and serve now say it is not a web address.
	t.Setenv("EVALBOT_PUBLIC_URL", "localhost:8081")
	t.Setenv("TELEGRAM_BOT_TOKEN", "dev")
	for _, args := range [][]string{{"qr"}, {"weblink", "--code", "HB005"}, {"serve"}} {
		if code, _, errs := capture(t, args...); code != 1 || !strings.Contains(errs, "EVALBOT_PUBLIC_URL «localhost:8081» chưa phải một địa chỉ web") {
			t.Errorf("%v with EVALBOT_PUBLIC_URL=localhost:8081: %d %q", args, code, errs)
		}
	}
}
