package telegram_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"evalbot/internal/botapitest"
	"evalbot/internal/inbound"
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
	want := []string{"Tiêu chí 1: 3,00 điểm", "Tiêu chí 1: 3,00 điểm", "Tiêu chí 3: 0,00 điểm", "Phẩm chất đạo đức, lối sống", "", "",
		"Đã gửi tự đánh giá tháng 11/2026 tới Trần Thị Trưởng",
		"Nội dung này đã gửi đi hoặc đã chốt, không thể sửa nữa.", "You are not allowed to do this."}
	var texts []string
	for _, a := range gotg.answers {
		texts = append(texts, a.Text)
	}
	if strings.Join(texts, "\n") != strings.Join(want, "\n") {
		t.Errorf("answers %q, want %q", texts, want)
	}
}

// cardOfA opens the month-end self-assessment of person A and returns it with
// a reader of the assessment's version (one more at every change).
func cardOfA(t *testing.T) (*sim.Harness, *sim.Person, botapitest.Message, func() int) {
	t.Helper()
	h, ps, _ := bk(t, at(2026, 11, 23, 7))
	A := ps["A"]
	must(t, h.At(at(2026, 11, 30, 9)))
	card, ok := sim.FindButton(A.User.Messages(), "📨 Gửi đánh giá")
	if !ok {
		t.Fatalf("no self-assessment card: %q", lastText(A))
	}
	version := func() (v int) {
		if err := h.Pool.QueryRow(context.Background(), `SELECT version FROM assessments WHERE official_id = $1`, A.ID).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	return h, A, card, version
}

// A score press whose assessment is submitted by another transaction after
// the press read it (between its first statements and its change, all in one
// round trip) changes nothing: the person is told the card is locked, the
// score is not saved, and the update counts as handled (a repeat does
// nothing). The submission holds the assessment's row while the press's
// change waits for it, then commits.
func TestScorePressRacingASubmission(t *testing.T) {
	h, A, card, version := cardOfA(t)
	ctx := context.Background()
	before := version()
	submit, err := h.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer submit.Rollback(ctx)
	if _, err := submit.Exec(ctx, `UPDATE assessments SET status = 'submitted', submitted_at = now() WHERE official_id = $1`, A.ID); err != nil {
		t.Fatal(err)
	}
	m, _ := h.Srv.Message(card.ChatID, card.ID)
	id := A.User.PressData(m, m.Keyboard[0][4].Data)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		var waiting int
		if err := h.Pool.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'UPDATE assessments%'`).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if waiting == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the press never waited for the submission's row")
		}
	}
	if err := submit.Commit(ctx); err != nil {
		t.Fatal(err)
	}
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

// A score press delivered again after it was handled (Telegram repeats an
// update it saw no reply to) changes nothing and answers nothing: the change
// is licensed only by the processed_updates row its own transaction wrote.
func TestRepeatedScorePressChangesNothing(t *testing.T) {
	h, A, card, version := cardOfA(t)
	ctx := context.Background()
	m, _ := h.Srv.Message(card.ChatID, card.ID)
	data := m.Keyboard[0][4].Data
	id := A.User.PressData(m, data)
	must(t, h.Wait(id))
	v, answers := version(), len(A.User.Answers())
	again := &models.Update{ID: id, CallbackQuery: &models.CallbackQuery{ID: "again", From: models.User{ID: A.User.ID, FirstName: "A"}, Data: data,
		Message: models.MaybeInaccessibleMessage{Type: models.MaybeInaccessibleMessageTypeMessage,
			Message: &models.Message{ID: m.ID, Date: 1, Chat: models.Chat{ID: m.ChatID, Type: models.ChatTypePrivate}}}}}
	settled := false
	h.App.HandleUpdate(ctx, again, func(reply []byte) bool {
		// A repeat may be Telegram's answer to a lost 200 that carried the
		// answer: it answers again, empty (refused if already answered).
		settled = string(reply) == `{"method":"answerCallbackQuery","callback_query_id":"again"}`
		return false
	})
	if version() != v || len(A.User.Answers()) != answers || !settled {
		t.Errorf("repeat: version %d → %d, answers %d → %d, settled %v; want unchanged and settled", v, version(), answers, len(A.User.Answers()), settled)
	}
}

// A head's score press is saved and shows the card a fresh look at it
// shows; the grades of the people the head leads are read after the press's
// commit, on its connection.
func TestHeadScorePressShowsTheFreshCard(t *testing.T) {
	h, ps, _ := bk(t, at(2026, 11, 23, 7))
	H := ps["H"]
	must(t, h.At(at(2026, 11, 30, 9)))
	ctx := context.Background()
	// Two of H's three people already graded D this month.
	if _, err := h.Pool.Exec(ctx, `UPDATE assessments SET status = 'approved', graded = true, grade = 'D', approved_at = now()
		WHERE official_id = ANY($1)`, []int64{ps["A"].ID, ps["B"].ID}); err != nil {
		t.Fatal(err)
	}
	card, ok := sim.FindButton(H.User.Messages(), "📨 Gửi đánh giá")
	if !ok {
		t.Fatalf("no self-assessment card: %q", lastText(H))
	}
	now := func() botapitest.Message {
		m, _ := h.Srv.Message(card.ChatID, card.ID)
		return m
	}
	press := func(data string) string {
		t.Helper()
		must(t, h.Wait(H.User.PressData(now(), data)))
		return now().Source
	}
	var tasks, back string
	for _, row := range now().Keyboard {
		for _, b := range row {
			if strings.HasPrefix(b.Data, "sv:") && strings.HasSuffix(b.Data, ":t") {
				tasks, back = b.Data, strings.TrimSuffix(b.Data, "t")+"m"
			}
		}
	}
	if tasks == "" {
		t.Fatal("no task list button on the card")
	}
	pressed := press(now().Keyboard[0][3].Data)
	if a := H.User.Answers(); len(a) != 1 || a[0].Text != "Tiêu chí 1: 2,00 điểm" {
		t.Fatalf("answers %+v, want «Tiêu chí 1: 2,00 điểm»", a)
	}
	press(tasks)
	fresh := press(back)
	if pressed != fresh {
		t.Errorf("card after the press:\n%s\n--- drawn afresh:\n%s", pressed, fresh)
	}
}

// A press that fails after the webhook stopped waiting for it (so a copy was
// stored and Telegram got its 200) is final, as the person is told: the
// stored copy does not run it again later, after their next press. Found by
// a breaker: score 3 failed, 4 was saved and shown, then the sweep set 3.
func TestFailedPressIsFinal(t *testing.T) {
	h, A, card, _ := cardOfA(t)
	ctx := context.Background()
	m, _ := h.Srv.Message(card.ChatID, card.ID)
	parts := strings.Split(m.Keyboard[0][4].Data, ":") // sc:<assessment>:<criterion>:<points>
	press := func(id int64, p int) string {
		return `{"update_id":` + strconv.FormatInt(id, 10) + `,"callback_query":{"id":"q` + strconv.FormatInt(id, 10) +
			`","from":{"id":` + strconv.FormatInt(A.User.ID, 10) + `,"is_bot":false,"first_name":"A"},"message":{"message_id":` +
			strconv.Itoa(m.ID) + `,"date":1700000000,"chat":{"id":` + strconv.FormatInt(card.ChatID, 10) +
			`,"type":"private"}},"chat_instance":"x","data":"` + strings.Join(parts[:3], ":") + ":" + strconv.Itoa(p) + `"}}`
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	box, err := inbound.NewBox([]byte("press-test"))
	must(t, err)
	d := inbound.NewDispatcher(h.Pool, h.App.HandleUpdate, quiet, inbound.Options{Workers: 2, Timeout: 300 * time.Millisecond, Box: box})
	defer d.Stop(5 * time.Second)
	hs := httptest.NewServer(&inbound.Webhook{D: d, Secret: "s", Log: quiet, Wait: 50 * time.Millisecond})
	defer hs.Close()
	post := func(body string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, hs.URL, strings.NewReader(body))
		req.Header.Set(inbound.SecretHeader, "s")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("webhook: %d", resp.StatusCode)
		}
	}
	score := func() (s string) {
		if err := h.Pool.QueryRow(ctx, `SELECT self_criteria ->> 'politics' FROM assessments WHERE official_id = $1`, A.ID).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	hold, err := h.Pool.Begin(ctx) // a slow database: the press waits for this row
	must(t, err)
	if _, err := hold.Exec(ctx, `SELECT 1 FROM assessments WHERE official_id = $1 FOR UPDATE`, A.ID); err != nil {
		t.Fatal(err)
	}
	post(press(900001, 3))  // 200 after Wait, with the update stored
	must(t, h.Wait(900001)) // failed: its timeout ran out waiting for the row
	_ = hold.Rollback(ctx)
	post(press(900002, 4))
	must(t, h.Wait(900002))
	if s := score(); s != "400" {
		t.Fatalf("politics %s after the second press, want 400", s)
	}
	if _, err := d.Recover(ctx, 0); err != nil { // the sweep
		t.Fatal(err)
	}
	waitFor(t, "the stored copy gone", func() bool {
		var n int
		_ = h.Pool.QueryRow(ctx, `SELECT count(*) FROM inbound_updates`).Scan(&n)
		return n == 0
	})
	if s := score(); s != "400" {
		t.Errorf("after the sweep: politics %s, want 400 (the failed press run again)", s)
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}
