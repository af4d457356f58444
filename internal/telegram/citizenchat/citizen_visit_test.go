package citizenchat_test

import (
	"bytes"
	"context"
	"image/png"
	"strings"
	"testing"

	"evalbot/internal/citizen"
	"evalbot/internal/telegram/citizenchat/citizentest"
)

// TestVisitCommand: /visit gives the official on duty a per-visit code as
// a QR photo of EVALBOT_PUBLIC_URL/v/<code>; with several desks today it
// asks which; someone on duty at no desk is told so.
func TestVisitCommand(t *testing.T) {
	t.Setenv("EVALBOT_PUBLIC_URL", "https://danhgia.example.vn")
	w := citizentest.New(t)
	h := w.H
	N, S := w.Ps["N"], w.Ps["S"]

	must(t, h.Command(N, "/visit"))
	if got := lastText(N); !strings.Contains(got, "/visit HCC-Q1") || !strings.Contains(got, "/visit HCC-Q5") || strings.Contains(got, "HCC-Q2") {
		t.Fatalf("several desks: %q", got)
	}
	must(t, h.Command(N, "/visit hcc-q1"))
	photo := N.User.Last()
	if len(photo.Photo) == 0 || !strings.Contains(photo.Caption, "Quầy 1 - Đất đai và xây dựng") {
		t.Fatalf("visit photo: %d bytes, caption %q", len(photo.Photo), photo.Caption)
	}
	img, err := png.Decode(bytes.NewReader(photo.Photo))
	must(t, err)
	i := strings.Index(photo.Caption, "https://danhgia.example.vn/v/")
	if i < 0 {
		t.Fatalf("caption %q", photo.Caption)
	}
	link := strings.Fields(photo.Caption[i:])[0]
	if !citizen.Readable(img, link) {
		t.Fatalf("the photo does not read as %q", link)
	}
	vc, err := citizen.LookupVisit(context.Background(), w.Pool, strings.TrimPrefix(link, "https://danhgia.example.vn/v/"), h.Clock.Now())
	must(t, err)
	d, err := citizen.DeskByCode(context.Background(), w.Pool, "HCC-Q1")
	must(t, err)
	if vc.DeskID != d.ID || vc.OfficialID != N.ID {
		t.Fatalf("visit code %+v", vc)
	}

	must(t, h.Command(S, "/visit"))
	if got := lastText(S); !strings.Contains(got, "không được phân công tại quầy nào") {
		t.Fatalf("not on duty: %q", got)
	}
}
