package telegram_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"evalbot/internal/calendar"
	"evalbot/internal/evaluation"
	"evalbot/internal/sim"
)

// A plan of 30 tasks (the parser's maximum) with 200-character titles (the
// parser's maximum) is accepted by the parser, but the draft the bot echoes
// back is ~6000 characters: Telegram refuses it and the official sees nothing.
func TestBreakLongPlanOverflows4096(t *testing.T) {
	h, ps, _ := bk(t, at(2026, 11, 23, 9))
	A := ps["A"]
	title := strings.Repeat("Soạn thảo văn bản ", 12)[:190]
	var lines []string
	for i := 0; i < 30; i++ {
		lines = append(lines, fmt.Sprintf("%s %d", title, i))
	}
	must(t, h.Command(A, "/plan"))
	n := len(A.User.Messages())
	must(t, h.Say(A, strings.Join(lines, "\n")))
	if rej := rejected(h); len(rej) > 0 {
		t.Errorf("Telegram refused the bot's messages: %v", rej)
	}
	if len(A.User.Messages()) == n {
		t.Errorf("A typed a valid 30-task plan and got no answer at all (no Submit button)")
	}
}

// A month with 4 approved weekly plans of 9 tasks: the self-assessment's
// task view lists 36 tasks × 3 buttons = 108 buttons (+ Back), over
// Telegram's 100; the positions 1..9 also repeat four times.
func TestBreakMonthTaskViewOver100Buttons(t *testing.T) {
	h, ps, pool := bk(t, at(2026, 11, 2, 7))
	A, H := ps["A"], ps["H"]
	for _, mon := range []int{2, 9, 16, 23} {
		must(t, h.At(at(2026, 11, mon, 9)))
		var lines []string
		for i := 1; i <= 9; i++ {
			lines = append(lines, fmt.Sprintf("Việc tuần %d số %d", mon, i))
		}
		must(t, h.Say(A, strings.Join(lines, "\n")))
		must(t, h.Tap(A, "📨 Gửi duyệt"))
		m, ok := findMsg(H.User.Messages(), "Lê Văn An")
		if !ok {
			t.Fatal("no plan for H")
		}
		must(t, h.TapOn(H, m, "✅ Duyệt"))
	}
	tasks, err := evaluation.MonthTasks(context.Background(), pool, A.ID, calendar.Month{Year: 2026, Month: 11})
	must(t, err)
	t.Logf("tasks in November: %d", len(tasks))
	must(t, h.At(at(2026, 11, 30, 9)))
	before := len(rejected(h))
	must(t, h.Tap(A, "📋 Công việc (36)"))
	if rej := rejected(h); len(rej) > before {
		t.Errorf("the month's task view was refused by Telegram: %v", rej[before:])
	}
	// The view pages by ten: the last page holds the last week's tasks.
	for i := 0; i < 3; i++ {
		must(t, h.Tap(A, "›"))
	}
	last := A.User.Last()
	if !strings.Contains(last.Text, "Việc tuần 23 số 9") {
		t.Errorf("A cannot see or mark the month's tasks; message still %q", last.Text)
	}
	// Even in a smaller month the labels repeat: which "1 ✅" is which?
	labels := map[string]int{}
	for _, row := range last.Keyboard {
		for _, b := range row {
			labels[b.Text]++
		}
	}
	if labels["1 ✅"] > 1 {
		t.Errorf("button %q appears %d times on one keyboard", "1 ✅", labels["1 ✅"])
	}
	_ = errors.New
	_ = sim.FindButton
	checkAnswers(t, h)
}

// Two weekly plans of two tasks: the month's task view numbers them 1, 2, 1, 2
// and has two "1 ✅" buttons — the official can't tell which is which.
func TestBreakMonthTaskViewDuplicateNumbers(t *testing.T) {
	h, ps, _ := bk(t, at(2026, 11, 16, 7))
	A, H := ps["A"], ps["H"]
	for _, mon := range []int{16, 23} {
		must(t, h.At(at(2026, 11, mon, 9)))
		must(t, h.Say(A, fmt.Sprintf("Việc A tuần %d\nViệc B tuần %d", mon, mon)))
		must(t, h.Tap(A, "📨 Gửi duyệt"))
		m, _ := findMsg(H.User.Messages(), "Lê Văn An")
		must(t, h.TapOn(H, m, "✅ Duyệt"))
	}
	must(t, h.At(at(2026, 11, 30, 9)))
	must(t, h.Tap(A, "📋 Công việc (4)"))
	last := A.User.Last()
	n := 0
	for _, row := range last.Keyboard {
		for _, b := range row {
			if b.Text == "1 ✅" {
				n++
			}
		}
	}
	if n > 1 {
		t.Errorf("%d buttons labelled %q on one keyboard; text:\n%s", n, "1 ✅", last.Text)
	}
}
