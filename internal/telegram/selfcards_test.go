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

// TestSelfCardsFollowEachOther (issue 24): A has the month's prompt card and
// an /assess card of November; «📨 Gửi đánh giá» on the /assess card makes
// the prompt card say it was sent, without its buttons (before, it kept
// them: a score pressed there only said "out of date"), and H gets one
// review card. Telegram's limits on, nothing refused.
func TestSelfCardsFollowEachOther(t *testing.T) {
	pool := pgtest.New(t)
	h, err := sim.New(pool, at(2026, 11, 30, 8), io.Discard)
	must(t, err)
	defer h.Close()
	must(t, h.ImportCSV(units, officials))
	ps, err := h.Onboard()
	must(t, err)
	H, A := ps["H"], ps["A"]
	for _, q := range []string{
		`INSERT INTO plans (official_id, kind, period_start, month, status)
			SELECT id, 'month', '2026-11-01', '2026-11-01', 'approved' FROM officials WHERE employee_code = 'A'`,
		`INSERT INTO tasks (plan_id, position, title, status) SELECT p.id, n, 'Việc ' || n, 'on_time' FROM plans p, generate_series(1, 2) n`,
	} {
		_, err := pool.Exec(context.Background(), q)
		must(t, err)
	}
	must(t, h.At(at(2026, 11, 30, 9)))
	prompt, ok := sim.FindButton(A.User.Messages(), "📨 Gửi đánh giá")
	if !ok {
		t.Fatal("A has no self-assessment prompt")
	}
	must(t, h.Command(A, "/assess"))
	card := A.User.Last()
	if card.ID == prompt.ID || !strings.Contains(card.Text, "Tự đánh giá tháng 11/2026") {
		t.Fatalf("/assess: %q", card.Text)
	}
	must(t, h.TapOn(A, card, "📨 Gửi đánh giá"))
	must(t, h.Flush())
	for _, m := range A.User.Messages() {
		if m.ID == prompt.ID {
			prompt = m
		}
	}
	if !strings.Contains(prompt.Text, "📨 Đã gửi lãnh đạo đánh giá.") || prompt.Keyboard != nil {
		t.Errorf("the month's prompt after «Gửi» on the /assess card: %q %v", prompt.Text, prompt.Keyboard)
	}
	var reviews []botapitest.Message
	for _, m := range H.User.Messages() {
		if strings.Contains(m.Text, "Đánh giá tháng 11/2026 — "+A.Name) {
			reviews = append(reviews, m)
		}
	}
	if len(reviews) != 1 {
		t.Errorf("H has %d review cards of A; want 1", len(reviews))
	}
	if n := h.Srv.FloodRefusals(); n != 0 {
		t.Errorf("%d requests refused for flooding", n)
	}
}

// TestReportCardsFollowEachOther (issue 24): A has the Friday prompt with
// the week's report and a /report card; «1 ✅» on the /report card, then a
// document number sent for task 2 from it («2 📎»), show on the prompt
// too. Telegram's limits on, nothing refused.
func TestReportCardsFollowEachOther(t *testing.T) {
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
	must(t, h.Command(A, "/report"))
	card := A.User.Last()
	if card.ID == prompt.ID {
		t.Fatal("/report sent no card")
	}
	current := func(id int) botapitest.Message {
		for _, m := range A.User.Messages() {
			if m.ID == id {
				return m
			}
		}
		return botapitest.Message{}
	}
	must(t, h.TapOn(A, card, "1 ✅"))
	must(t, h.Flush())
	if p := current(prompt.ID); len(p.Keyboard) == 0 || p.Keyboard[0][0].Text != "• 1 ✅ •" {
		t.Fatalf("the Friday prompt after «1 ✅» on the /report card: %v", p.Keyboard)
	}
	must(t, h.TapOn(A, current(card.ID), "2 📎"))
	must(t, h.Say(A, "125/UBND-VP"))
	must(t, h.Flush())
	if p := current(prompt.ID); !strings.Contains(p.Text, "125/UBND-VP") {
		t.Errorf("the Friday prompt after a number sent from the /report card: %q", p.Text)
	}
	if c := current(card.ID); !strings.Contains(c.Text, "125/UBND-VP") {
		t.Errorf("the /report card after a number sent from it: %q", c.Text)
	}
	if n := h.Srv.FloodRefusals(); n != 0 {
		t.Errorf("%d requests refused for flooding", n)
	}
}
