package telegram_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
	"github.com/jackc/pgx/v5"

	"evalbot/internal/botapitest"
	"evalbot/internal/sim"
	"evalbot/internal/telegram"
)

// Score presses on the self-assessment card: what the person sees (the card
// as edited, each answer) is the same whether the edit and the answer go
// through go-telegram/bot or App.API (BotAPI), across a score pressed twice,
// a label button, the task list and back, another person's press on the
// card, the submission, and a press on the submitted card's old keyboard.
func TestSelfAssessmentPresses(t *testing.T) {
	type seen struct {
		cards   []string
		answers []botapitest.CallbackAnswer
	}
	run := func(lean bool) seen {
		h, ps, _ := bk(t, at(2026, 11, 23, 7))
		if lean {
			h.App.API = &telegram.BotAPI{URL: h.Srv.URL(), Token: h.Srv.Token(), Client: &http.Client{Timeout: 10 * time.Second}}
		}
		A, B := ps["A"], ps["B"]
		must(t, h.At(at(2026, 11, 30, 9)))
		card, ok := sim.FindButton(A.User.Messages(), "📨 Gửi đánh giá")
		if !ok {
			t.Fatalf("no self-assessment card: %q", lastText(A))
		}
		var s seen
		now := func() botapitest.Message {
			m, _ := h.Srv.Message(card.ChatID, card.ID)
			return m
		}
		snap := func() {
			m := now()
			var b strings.Builder
			b.WriteString(m.Source)
			for _, row := range m.Keyboard {
				b.WriteString("\n")
				for _, btn := range row {
					b.WriteString("[" + btn.Text + "|" + btn.Data + "]")
				}
			}
			s.cards = append(s.cards, b.String())
		}
		press := func(p *sim.Person, data string) {
			t.Helper()
			must(t, h.Wait(p.User.PressData(now(), data)))
			snap()
		}
		button := func(row, col int) string { return now().Keyboard[row][col].Data }
		snap()
		press(A, button(0, 4))
		press(A, button(0, 4)) // the same score again
		press(A, button(2, 1))
		press(A, button(1, 0)) // the criterion's label
		press(A, button(4, 0)) // the tasks
		press(A, now().Keyboard[len(now().Keyboard)-1][0].Data)
		press(B, button(3, 2)) // not B's
		old := now()
		press(A, button(len(old.Keyboard)-1, 0)) // submit
		must(t, h.Wait(A.User.PressData(old, old.Keyboard[1][3].Data)))
		snap()
		s.answers = append(A.User.Answers(), B.User.Answers()...)
		for i := range s.answers {
			s.answers[i].QueryID = ""
		}
		checkAnswers(t, h)
		if r := rejected(h); len(r) > 0 {
			t.Errorf("lean %v: calls refused: %v", lean, r)
		}
		return s
	}
	gotg, lean := run(false), run(true)
	if len(gotg.cards) != len(lean.cards) || len(gotg.answers) != len(lean.answers) {
		t.Fatalf("%d cards, %d answers through go-telegram/bot; %d, %d through BotAPI", len(gotg.cards), len(gotg.answers), len(lean.cards), len(lean.answers))
	}
	for i := range gotg.cards {
		if gotg.cards[i] != lean.cards[i] {
			t.Errorf("card %d differs:\ngo-telegram/bot:\n%s\nBotAPI:\n%s", i, gotg.cards[i], lean.cards[i])
		}
	}
	for i := range gotg.answers {
		if gotg.answers[i] != lean.answers[i] {
			t.Errorf("answer %d: go-telegram/bot %+v, BotAPI %+v", i, gotg.answers[i], lean.answers[i])
		}
	}
	// The presses did what they say.
	c := gotg.cards
	if !strings.Contains(c[1], "[•3•|sc:") || !strings.Contains(c[3], "[•0•|sc:") || c[2] == c[1] {
		t.Errorf("score presses did not show on the card:\n%s\n---\n%s", c[0], c[3])
	}
	if strings.Contains(c[len(c)-2], "[") || c[len(c)-1] != c[len(c)-2] {
		t.Errorf("card after submission, then a press on its old keyboard:\n%s\n---\n%s", c[len(c)-2], c[len(c)-1])
	}
	want := []string{"Đã lưu", "Đã lưu", "Đã lưu", "Phẩm chất đạo đức, lối sống", "", "", "Đã gửi đánh giá",
		"Nội dung này đã gửi đi hoặc đã chốt, không thể sửa nữa.", "You are not allowed to do this."}
	var texts []string
	for _, a := range gotg.answers {
		texts = append(texts, a.Text)
	}
	if strings.Join(texts, "\n") != strings.Join(want, "\n") {
		t.Errorf("answers %q, want %q", texts, want)
	}
}

// A score press whose assessment is submitted by another transaction after
// the press loaded it (between its first round trip and its update) changes
// nothing: the person is told the card is locked, the score is not saved, and
// the update counts as handled (a repeat does nothing).
func TestScorePressRacingASubmission(t *testing.T) {
	h, ps, _ := bk(t, at(2026, 11, 23, 7))
	A := ps["A"]
	must(t, h.At(at(2026, 11, 30, 9)))
	card, ok := sim.FindButton(A.User.Messages(), "📨 Gửi đánh giá")
	if !ok {
		t.Fatalf("no self-assessment card: %q", lastText(A))
	}
	ctx := context.Background()
	inner := h.App.BeforeRoute
	h.App.BeforeRoute = func(ctx context.Context, tx pgx.Tx, upd *models.Update) error {
		// Another connection, committed before this update's transaction goes on.
		if _, err := h.Pool.Exec(ctx, `UPDATE assessments SET status = 'submitted', submitted_at = now() WHERE official_id = $1`, A.ID); err != nil {
			return err
		}
		return inner(ctx, tx, upd)
	}
	version := func() (v int) {
		if err := h.Pool.QueryRow(ctx, `SELECT version FROM assessments WHERE official_id = $1`, A.ID).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	before := version()
	m, _ := h.Srv.Message(card.ChatID, card.ID)
	id := A.User.PressData(m, m.Keyboard[0][4].Data)
	must(t, h.Wait(id))
	answers := A.User.Answers()
	if len(answers) != 1 || !strings.Contains(answers[0].Text, "không thể sửa") {
		t.Fatalf("answers %+v, want the locked alert", answers)
	}
	var handled bool
	if err := h.Pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM processed_updates WHERE update_id = $1)`, id).Scan(&handled); err != nil {
		t.Fatal(err)
	}
	if after := version(); after != before || !handled {
		t.Errorf("assessment version %d → %d, update handled %v; want unchanged and handled", before, after, handled)
	}
	// The early return gave its connection back. Background work (the job
	// queue's listener, deleting handled updates) holds one, at moments two.
	for deadline := time.Now().Add(5 * time.Second); h.Pool.Stat().AcquiredConns() > 1; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d connections still acquired after 5 s", h.Pool.Stat().AcquiredConns())
		}
	}
}
