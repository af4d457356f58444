package telegram_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"evalbot/internal/calendar"
	"evalbot/internal/evaluation"
	"evalbot/internal/sim"
)

// The Monday prompt stores "next text = plan of week W" and later prompts
// never replace it (ON CONFLICT DO NOTHING). An official who ignored last
// week's prompt answers this week's prompt by typing, as it says, and the
// plan is filed under LAST week.
func TestBreakStalePlanStepFilesUnderOldWeek(t *testing.T) {
	h, ps, pool := bk(t, at(2026, 11, 2, 7))
	A := ps["A"]
	ctx := context.Background()
	must(t, h.At(at(2026, 11, 2, 8))) // prompt for week 02/11; A ignores it
	must(t, h.At(at(2026, 11, 9, 8))) // prompt for week 09/11
	if !strings.Contains(lastText(A), "09/11") {
		t.Fatalf("A's prompt: %q", lastText(A))
	}
	must(t, h.Say(A, "Việc của tuần này | 12/11"))
	must(t, h.Tap(A, "📨 Gửi duyệt"))
	this := calendar.Date{Year: 2026, Month: time.November, Day: 9}
	if _, err := evaluation.FindPlan(ctx, pool, A.ID, evaluation.KindWeek, this); errors.Is(err, evaluation.ErrNotFound) {
		old, _ := evaluation.FindPlan(ctx, pool, A.ID, evaluation.KindWeek, calendar.Date{Year: 2026, Month: time.November, Day: 2})
		t.Errorf("plan typed after the 09/11 prompt was saved for the week starting %v (status %s); nothing for 09/11. A saw: %q",
			old.PeriodStart, old.Status, lastText(A))
	}
}

// Same with the month prompt on the 1st working day: a week step left over
// swallows the monthly plan.
func TestBreakMonthPromptSwallowedByWeekStep(t *testing.T) {
	h, ps, pool := bk(t, at(2026, 11, 23, 7))
	A := ps["A"]
	ctx := context.Background()
	must(t, h.At(at(2026, 11, 23, 8))) // week 23/11 prompt, ignored
	must(t, h.At(at(2026, 12, 1, 8)))  // Tue 1 Dec: month plan prompt
	if _, ok := findMsg(A.User.Messages(), "tháng 12/2026"); !ok {
		t.Fatalf("A has no month prompt: %q", lastText(A))
	}
	// Both prompts came at once: the month's is answered with its button.
	m, ok := findMsg(A.User.Messages(), "tháng 12/2026")
	if !ok {
		t.Fatal("no month prompt")
	}
	must(t, h.TapOn(A, m, "📝 Nhập kế hoạch"))
	must(t, h.Say(A, "Tổng hợp số liệu quý | 25/12 | 3"))
	if _, err := evaluation.FindPlan(ctx, pool, A.ID, evaluation.KindMonth, calendar.Date{Year: 2026, Month: time.December, Day: 1}); err != nil {
		t.Errorf("monthly plan not saved as a month plan (%v); A saw: %q", err, lastText(A))
	}
}

var _ = sim.FindButton
