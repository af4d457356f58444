package telegram_test

import (
	"context"
	"io"
	"strings"
	"testing"
	"unicode/utf16"

	"evalbot/internal/calendar"
	"evalbot/internal/evaluation"
	"evalbot/internal/pgtest"
	"evalbot/internal/sim"
)

// A month of four full weekly plans with long titles: every view stays
// within Telegram's limits (4096 characters, 100 buttons, 8 a row) and the
// task view pages through them.
func TestBigMonthStaysWithinTelegramLimits(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.New(t)
	h, err := sim.New(pool, at(2026, 11, 30, 8), io.Discard)
	must(t, err)
	defer h.Close()
	must(t, h.ImportCSV(units, officials))
	ps, err := h.Onboard()
	must(t, err)
	A, H := ps["A"], ps["H"]
	long := strings.Repeat("Rà soát hồ sơ đất đai & <cấp> giấy chứng nhận ", 5)[:190]
	for _, mon := range []string{"2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23"} {
		start, _ := calendar.ParseDate(mon)
		var drafts []evaluation.TaskDraft
		for i := 0; i < evaluation.MaxTasks; i++ {
			drafts = append(drafts, evaluation.TaskDraft{Title: long, Weight: 100})
		}
		p, err := evaluation.SaveDraft(ctx, pool, A.ID, evaluation.KindWeek, start, calendar.WeekOf(start).Month(), drafts)
		must(t, err)
		p, err = evaluation.SubmitPlan(ctx, pool, p.ID, p.Version, &H.ID)
		must(t, err)
		_, err = evaluation.DecidePlan(ctx, pool, p.ID, p.Version, H.ID, true, "")
		must(t, err)
	}
	must(t, h.At(at(2026, 11, 30, 9)))
	must(t, h.Tap(A, "📋 Công việc (120)"))
	must(t, h.Tap(A, "›"))
	if !strings.Contains(lastText(A), "11. ") || strings.Contains(lastText(A), "\n1. ") {
		t.Fatalf("page 2: %q", lastText(A))
	}
	must(t, h.Tap(A, "12 ❌"))
	if !strings.Contains(lastText(A), "❌ 12.") {
		t.Fatalf("still on page 2 with task 12 marked: %q", lastText(A))
	}
	must(t, h.Tap(A, "‹ Quay lại"))
	must(t, h.Tap(A, "📨 Gửi đánh giá"))
	must(t, h.Tap(H, "✏️ Điều chỉnh"))
	must(t, h.Tap(H, "📋 Công việc (120)"))
	for _, e := range h.Srv.Transcript() {
		if e.Err != "" {
			t.Errorf("Telegram rejected a %s: %s", e.Kind, e.Err)
		}
	}
	for _, p := range []*sim.Person{A, H} {
		for _, m := range p.User.Messages() {
			if n := len(utf16.Encode([]rune(m.Text))); n > 4096 {
				t.Errorf("%s: a message of %d characters", p.Code, n)
			}
			buttons := 0
			for _, row := range m.Keyboard {
				if len(row) > 8 {
					t.Errorf("%s: a row of %d buttons", p.Code, len(row))
				}
				buttons += len(row)
			}
			if buttons > 100 {
				t.Errorf("%s: %d buttons", p.Code, buttons)
			}
		}
	}
}
