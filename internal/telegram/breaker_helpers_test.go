package telegram_test

import (
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"evalbot/internal/pgtest"
	"evalbot/internal/sim"

	"github.com/jackc/pgx/v5/pgxpool"
)

// bk sets up the standard small roster at start.
func bk(t *testing.T, start time.Time) (*sim.Harness, map[string]*sim.Person, *pgxpool.Pool) {
	t.Helper()
	pool := pgtest.New(t)
	h, err := sim.New(pool, start, io.Discard)
	must(t, err)
	t.Cleanup(h.Close)
	must(t, h.ImportCSV(units, officials))
	ps, err := h.Onboard()
	must(t, err)
	return h, ps, pool
}

// rejected returns the bot calls the fake Telegram refused.
func rejected(h *sim.Harness) []string {
	var out []string
	for _, e := range h.Srv.Transcript() {
		if e.Err != "" {
			out = append(out, e.Kind+": "+e.Err)
		}
	}
	return out
}

// checkAnswers fails when a callback was left unanswered or answered twice.
func checkAnswers(t *testing.T, h *sim.Harness) {
	t.Helper()
	if u := h.Srv.Unanswered(); len(u) > 0 {
		t.Errorf("unanswered callback queries: %v", u)
	}
	for id, n := range h.Srv.AnswerCounts() {
		if n != 1 {
			t.Errorf("callback %s answered %d times", id, n)
		}
	}
}

func bkLastAnswer(p *sim.Person) string {
	a := p.User.Answers()
	if len(a) == 0 {
		return ""
	}
	return a[len(a)-1].Text
}

func submitPlan(t *testing.T, h *sim.Harness, p *sim.Person, text string) {
	t.Helper()
	must(t, h.Command(p, "/plan"))
	must(t, h.Say(p, text))
	lbl := "📨 Gửi duyệt"
	if p.Code == "B" {
		lbl = "📨 Submit"
	}
	must(t, h.Tap(p, lbl))
}

func hasAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

func b36(n int64) string { return strconv.FormatInt(n, 36) }
