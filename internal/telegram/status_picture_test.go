package telegram_test

import (
	"bytes"
	"image/png"
	"strings"
	"testing"

	"evalbot/internal/botapitest"
)

// photos are the photos among ms.
func photos(ms []botapitest.Message) []botapitest.Message {
	var out []botapitest.Message
	for _, m := range ms {
		if len(m.Photo) > 0 {
			out = append(out, m)
		}
	}
	return out
}

// TestStatusSendsThePicture: a head's /status also brings the month's
// picture (grades per unit, the trend, the citizens' satisfaction) as a PNG
// photo, uploaded as multipart to the (fake) Bot API, with a caption of the
// month's counts and the citizens' ratings; an official's /status gets no
// photo, and turning a page of /status sends none either.
func TestStatusSendsThePicture(t *testing.T) {
	w := newCitWorld(t)
	h := w.h
	G, N := w.ps["G"], w.ps["N"]
	lan := w.person(lanID, "Lan", "vi")
	w.scan(t, lan, w.link(t, "HCC-Q1"))
	must(t, h.Tap(lan, "😀 Rất hài lòng"))
	must(t, h.Tap(lan, "Bỏ qua"))

	must(t, h.Command(G, "/status"))
	must(t, h.Flush())
	got := photos(G.User.Messages())
	if len(got) != 1 {
		t.Fatalf("%d photos after the head's /status; want 1", len(got))
	}
	p := got[0]
	img, err := png.Decode(bytes.NewReader(p.Photo))
	must(t, err)
	if b := img.Bounds(); b.Dx() != 1080 || b.Dy() < 400 || b.Dy() > 4000 {
		t.Errorf("picture of %v; want 1080 wide, 400–4000 tall", b)
	}
	for _, want := range []string{"Tháng 11/2026: 2 người, 0 đã duyệt", "2 chưa tự đánh giá", "1 lượt đánh giá, hài lòng 100%", "xác thực 0, chưa xác thực 1"} {
		if !strings.Contains(p.Caption, want) {
			t.Errorf("caption %q lacks %q", p.Caption, want)
		}
	}
	if !strings.Contains(lastText(G), "Tình hình đánh giá tháng 11/2026") {
		t.Errorf("the head's /status text: %q", lastText(G))
	}

	must(t, h.Command(N, "/status"))
	must(t, h.Flush())
	if n := len(photos(N.User.Messages())); n != 0 || !strings.Contains(lastText(N), "không phụ trách") {
		t.Errorf("an official's /status: %d photos, %q", n, lastText(N))
	}
}
