package telegram_test

import (
	"context"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"evalbot/internal/pgtest"
	"evalbot/internal/sim"
)

// webhookCardOfA is cardOfA with the bot on a webhook (sim.Webhook).
func webhookCardOfA(t *testing.T) (*sim.Harness, *sim.Person, int64, int) {
	t.Helper()
	pool := pgtest.New(t)
	h, err := sim.New(pool, at(2026, 11, 23, 7), io.Discard, sim.Webhook())
	must(t, err)
	t.Cleanup(h.Close)
	must(t, h.ImportCSV(units, officials))
	ps, err := h.Onboard()
	must(t, err)
	A := ps["A"]
	must(t, h.At(at(2026, 11, 30, 9)))
	card, ok := sim.FindButton(A.User.Messages(), "📨 Gửi đánh giá")
	if !ok {
		t.Fatal("no self-assessment card")
	}
	return h, A, card.ChatID, card.ID
}

// A press whose transaction fails and whose failure cannot be recorded (the
// database drops both statements: here a trigger refuses the update's
// processed_updates row twice) is not told "error": it is not final, runs
// again from the copy the webhook stored, and that run answers, once. Found
// by a breaker: the alert said it failed, then the score was saved.
func TestUnrecordedFailureIsNotToldAsFinal(t *testing.T) {
	h, A, chatID, msgID := webhookCardOfA(t)
	ctx := context.Background()
	m, _ := h.Srv.Message(chatID, msgID)
	data := m.Keyboard[0][4].Data
	score := func() (s string) {
		if err := h.Pool.QueryRow(ctx, `SELECT coalesce(self_criteria ->> 'politics', '') FROM assessments WHERE official_id = $1`, A.ID).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	before := score()
	// The next update the fake makes is the press.
	var lastID int64
	must(t, h.Pool.QueryRow(ctx, `SELECT coalesce(max(update_id), 0) FROM processed_updates`).Scan(&lastID))
	pressID := lastID + 1
	if _, err := h.Pool.Exec(ctx, `CREATE SEQUENCE breaker_fail;
		CREATE FUNCTION breaker_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF NEW.update_id = `+strconv.FormatInt(pressID, 10)+` AND nextval('breaker_fail') <= 2 THEN
				RAISE EXCEPTION 'database went away';
			END IF;
			RETURN NEW;
		END $$;
		CREATE TRIGGER breaker_refuse BEFORE INSERT ON processed_updates FOR EACH ROW EXECUTE FUNCTION breaker_refuse()`); err != nil {
		t.Fatal(err)
	}
	id := A.User.PressData(m, data)
	if id != pressID {
		t.Fatalf("press is update %d, expected %d", id, pressID)
	}
	waitFor(t, "the webhook's 200", func() bool { return h.Srv.Posted(id) })
	waitFor(t, "the press processed", func() bool {
		var n int
		_ = h.Pool.QueryRow(ctx, `SELECT count(*) FROM processed_updates WHERE update_id = $1`, id).Scan(&n)
		return n == 1
	})
	waitFor(t, "no stored copy", func() bool {
		var n int
		_ = h.Pool.QueryRow(ctx, `SELECT count(*) FROM inbound_updates`).Scan(&n)
		return n == 0
	})
	var answers []string
	for _, e := range h.Srv.Transcript() {
		if e.Kind == "answer" {
			answers = append(answers, e.Text+"|"+e.Err)
		}
	}
	t.Logf("answers: %q; politics %q → %q", answers, before, score())
	if a := A.User.Answers(); len(a) == 1 && !strings.HasPrefix(a[0].Text, "Tiêu chí ") && score() != before {
		t.Errorf("the person was told %q, but the press was applied afterwards (politics %q → %q)", a[0].Text, before, score())
	}
	for qid, n := range h.Srv.AnswerCounts() {
		if n > 1 {
			t.Errorf("callback %s answered %d times", qid, n)
		}
	}
}

// A panic after the update committed and was settled (here in Kick, which
// runs after the answer) is logged only: the press keeps its one answer.
// Found by a breaker: the error alert went as a second answer.
func TestPanicAfterSettleAnswersOnce(t *testing.T) {
	h, A, chatID, msgID := webhookCardOfA(t)
	h.App.Kick = func() { panic("kick") }
	m, _ := h.Srv.Message(chatID, msgID)
	id, err := A.User.Press(m, "📨 Gửi đánh giá")
	must(t, err)
	waitFor(t, "the webhook's 200", func() bool { return h.Srv.Posted(id) })
	waitFor(t, "answered", func() bool { return len(A.User.Answers()) > 0 })
	time.Sleep(300 * time.Millisecond)
	for _, e := range h.Srv.Transcript() {
		if e.Kind == "answer" {
			t.Logf("answer %q %q", e.Text, e.Err)
		}
	}
	for qid, n := range h.Srv.AnswerCounts() {
		if n > 1 {
			t.Errorf("callback %s answered %d times", qid, n)
		}
	}
}
