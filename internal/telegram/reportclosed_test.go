package telegram_test

import (
	"context"
	"io"
	"strings"
	"testing"

	"evalbot/internal/botapitest"
	"evalbot/internal/pgtest"
	"evalbot/internal/sim"
)

// TestClosedReportCardStaysClosed (issue 24 attack): A closes the Friday
// prompt with «✔️ Xong», then marks «1 ✅» on a /report card: the prompt
// came back with every button and the hint. A card closed with «Xong»
// follows the marks closed; the open card keeps its buttons.
func TestClosedReportCardStaysClosed(t *testing.T) {
	pool := pgtest.New(t)
	h, err := sim.New(pool, at(2026, 12, 7, 8), io.Discard)
	must(t, err)
	defer h.Close()
	must(t, h.ImportCSV(units, officials))
	ps, err := h.Onboard()
	must(t, err)
	A := ps["A"]
	for _, q := range []string{
		`INSERT INTO plans (official_id, kind, period_start, month, status)
			SELECT id, 'week', '2026-12-07', '2026-12-01', 'approved' FROM officials WHERE employee_code = 'A'`,
		`INSERT INTO tasks (plan_id, position, title) SELECT p.id, n, 'Việc tuần số ' || n FROM plans p, generate_series(1, 2) n`,
	} {
		_, err := pool.Exec(context.Background(), q)
		must(t, err)
	}
	must(t, h.At(at(2026, 12, 11, 16)))
	prompt, ok := sim.FindButton(A.User.Messages(), "1 ✅")
	if !ok {
		t.Fatal("A has no Friday prompt with the week's report")
	}
	current := func(id int) botapitest.Message {
		for _, m := range A.User.Messages() {
			if m.ID == id {
				return m
			}
		}
		return botapitest.Message{}
	}
	must(t, h.TapOn(A, prompt, "✔️ Xong"))
	must(t, h.Flush())
	closed := current(prompt.ID)
	if closed.Keyboard != nil || !strings.HasSuffix(closed.Text, "Đã ghi nhận kết quả tuần.") {
		t.Fatalf("the prompt after «Xong»: %q %v", closed.Text, closed.Keyboard)
	}
	must(t, h.Command(A, "/report"))
	card := A.User.Last()
	must(t, h.TapOn(A, card, "1 ✅"))
	must(t, h.Flush())
	if p := current(prompt.ID); p.Keyboard != nil || p.Text == closed.Text || !strings.HasSuffix(p.Text, "Đã ghi nhận kết quả tuần.") {
		t.Errorf("the closed prompt after «1 ✅» on the /report card: %q %v; want the mark, closed", p.Text, p.Keyboard)
	}
	if c := current(card.ID); len(c.Keyboard) == 0 || c.Keyboard[0][0].Text != "• 1 ✅ •" {
		t.Errorf("the /report card after its own press: %v", c.Keyboard)
	}
}

// TestReportOfALockedMonth (issue 24 attack): A's December self-assessment
// is with the head; /report showed ✅ ⏰ ❌ buttons that only answered «locked».
// The report comes without buttons, saying it is recorded.
func TestReportOfALockedMonth(t *testing.T) {
	pool := pgtest.New(t)
	h, err := sim.New(pool, at(2026, 12, 7, 8), io.Discard)
	must(t, err)
	defer h.Close()
	must(t, h.ImportCSV(units, officials))
	ps, err := h.Onboard()
	must(t, err)
	A := ps["A"]
	for _, q := range []string{
		`INSERT INTO plans (official_id, kind, period_start, month, status)
			SELECT id, 'week', '2026-12-07', '2026-12-01', 'approved' FROM officials WHERE employee_code = 'A'`,
		`INSERT INTO tasks (plan_id, position, title) SELECT p.id, n, 'Việc tuần số ' || n FROM plans p, generate_series(1, 2) n`,
		`INSERT INTO assessments (official_id, month, framework_id, framework_version, status)
			SELECT id, '2026-12-01', 'hanoi-3814-2018', '1', 'submitted' FROM officials WHERE employee_code = 'A'`,
	} {
		_, err := pool.Exec(context.Background(), q)
		must(t, err)
	}
	must(t, h.Command(A, "/report"))
	if m := A.User.Last(); m.Keyboard != nil || !strings.HasSuffix(m.Text, "Đã ghi nhận kết quả tuần.") || !strings.Contains(m.Text, "Việc tuần số 2") {
		t.Errorf("/report of a month sent to the head: %q %v; want the report, no buttons", m.Text, m.Keyboard)
	}
}
