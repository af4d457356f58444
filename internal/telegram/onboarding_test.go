package telegram_test

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"evalbot/internal/calendar"
	"evalbot/internal/evaluation"
	"evalbot/internal/pgtest"
	"evalbot/internal/roster"
	"evalbot/internal/sim"
)

// A stranger gets a polite refusal and nothing else; sharing someone else's
// contact is refused; sharing one's own number on the roster binds.
func TestStrangerAndContactBinding(t *testing.T) {
	pool := pgtest.New(t)
	h, err := sim.New(pool, at(2026, 11, 24, 10), io.Discard)
	must(t, err)
	defer h.Close()
	must(t, h.ImportCSV(units, officials))

	for i, lang := range []string{"", "vi", "en", "fr"} {
		u := h.Srv.NewUser(int64(500+i), "Khách", lang)
		must(t, h.Wait(u.Start("")))
		must(t, h.Wait(u.SendText("/assess")))
		ms := u.Messages()
		if len(ms) != 2 {
			t.Fatalf("stranger (%q) got %d messages", lang, len(ms))
		}
		want := "chưa được liên kết"
		if lang == "en" {
			want = "not linked"
		}
		if !strings.Contains(ms[0].Text, want) || len(ms[0].ReplyKeyboard) != 1 {
			t.Fatalf("stranger (%q) sees %q %v", lang, ms[0].Text, ms[0].ReplyKeyboard)
		}
		// A forged or unknown invite token reveals nothing either.
		must(t, h.Wait(u.Start("iNotARealToken")))
		if got := u.Last().Text; got != ms[0].Text {
			t.Fatalf("unknown token answered %q", got)
		}
	}

	// Strangers' Telegram ids are personal data: nothing of theirs is kept.
	var kept int
	must(t, pool.QueryRow(context.Background(), `SELECT count(*) FROM outbox WHERE chat_id BETWEEN 500 AND 503`).Scan(&kept))
	if kept != 0 {
		t.Fatalf("%d outbox rows keep a stranger's chat id", kept)
	}

	u := h.Srv.NewUser(777, "An", "vi")
	must(t, h.Wait(u.ShareContact("+84912000003", false)))
	if !strings.Contains(u.Last().Text, "chính mình") {
		t.Fatalf("someone else's contact: %q", u.Last().Text)
	}
	must(t, h.Wait(u.ShareContact("84912000003", true)))
	if !strings.Contains(u.Last().Text, "/plan") {
		t.Fatalf("after binding: %q", u.Last().Text)
	}
	o, err := roster.OfficialByTelegram(context.Background(), pool, 777)
	must(t, err)
	if o.EmployeeCode != "A" {
		t.Fatalf("bound to %s", o.EmployeeCode)
	}
	// The user's /language choice wins over Telegram's language_code.
	must(t, h.Wait(u.Command("/language")))
	must(t, h.TapOn(&sim.Person{User: u}, u.Last(), "English"))
	must(t, h.Wait(u.Command("/help")))
	if !strings.Contains(u.Last().Text, "Commands") {
		t.Fatalf("after /language en: %q", u.Last().Text)
	}
}

// A person who never answers is still graded: the head assesses alone.
func TestHeadAssessesSomeoneWhoNeverAnswered(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.New(t)
	h, err := sim.New(pool, at(2026, 11, 30, 8), io.Discard)
	must(t, err)
	defer h.Close()
	must(t, h.ImportCSV(units, officials))
	ps, err := h.Onboard()
	must(t, err)
	H, A := ps["H"], ps["A"]
	must(t, h.At(at(2026, 12, 1, 8))) // December 1st: November's window is open
	must(t, h.Command(H, "/pending"))
	if !strings.Contains(lastText(H), "Lê Văn An") {
		t.Fatalf("pending list: %q", lastText(H))
	}
	must(t, h.Tap(H, "✍️ Đánh giá thay: Lê Văn An"))
	if !strings.Contains(lastText(H), "Điều chỉnh — Lê Văn An") {
		t.Fatalf("adjust view: %q", lastText(H))
	}
	// No tasks this month: the head must enter the task score first.
	must(t, h.Tap(H, "✍️ Nhập điểm nhiệm vụ"))
	must(t, h.Say(H, "abc"))
	if !strings.Contains(lastText(H), "Nhập điểm nhiệm vụ") {
		t.Fatalf("bad score not refused: %q", lastText(H))
	}
	must(t, h.Say(H, "61,5"))
	must(t, h.Tap(H, "✅ Duyệt theo điều chỉnh"))
	as, err := evaluation.FindAssessment(ctx, pool, A.ID, calendar.Month{Year: 2026, Month: time.November})
	must(t, err)
	if as.SelfAssessed || as.Status != evaluation.AssessApproved || as.Total == nil || *as.Total != 8150 {
		t.Fatalf("assessment: self %v status %s total %v", as.SelfAssessed, as.Status, as.Total)
	}
	if !strings.Contains(lastText(A), "81,50") {
		t.Fatalf("A's card: %q", lastText(A))
	}
}
