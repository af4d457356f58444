package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"evalbot/internal/botapitest"
	"evalbot/internal/calendar"
	"evalbot/internal/grading"
	"evalbot/internal/locale"
	"evalbot/internal/pgtest"
	"evalbot/internal/signin"
	"evalbot/internal/sim"
	"evalbot/internal/web"
)

// reportWeek is A of the board's unit in Telegram (Telegram's flood limits
// on, in the fake and in the bot) on Friday 11 December 2026, with the
// week's approved plan of three tasks not yet reported on, and the web face
// wired to the chat as `serve` wires it; a is signed in to it.
type reportWeek struct {
	h     *sim.Harness
	A     *sim.Person
	pool  *pgxpool.Pool
	srv   *httptest.Server
	a     *http.Client
	tasks []int64
}

func newReportWeek(t *testing.T) *reportWeek {
	t.Helper()
	pool := pgtest.New(t)
	h, err := sim.New(pool, time.Date(2026, 12, 7, 8, 0, 0, 0, calendar.Location), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(h.ImportCSV(boardUnits, boardOfficials))
	ps, err := h.Onboard()
	must(err)
	ctx := context.Background()
	rows, err := pool.Query(ctx, `WITH p AS (INSERT INTO plans (official_id, kind, period_start, month, status)
			SELECT id, 'week', '2026-12-07', '2026-12-01', 'approved' FROM officials WHERE employee_code = 'A' RETURNING id)
		INSERT INTO tasks (plan_id, position, title) SELECT p.id, n, 'Việc tuần số ' || n FROM p, generate_series(1, 3) n
		RETURNING id`)
	must(err)
	var tasks []int64
	for rows.Next() {
		var id int64
		must(rows.Scan(&id))
		tasks = append(tasks, id)
	}
	must(rows.Err())
	must(h.At(time.Date(2026, 12, 11, 15, 0, 0, 0, calendar.Location)))
	cat, err := locale.Load()
	must(err)
	s := &web.Server{Pool: pool, Cat: cat, Cal: calendar.Default(), Now: h.Clock.Now, BotToken: h.Srv.Token(),
		Chat: h.App, Frameworks: h.App.Framework}
	hd, err := s.Handler()
	must(err)
	srv := httptest.NewServer(hd)
	t.Cleanup(srv.Close)
	rw := &reportWeek{h: h, A: ps["A"], pool: pool, srv: srv, a: client(t), tasks: tasks}
	token, _, err := signin.Issue(ctx, pool, rw.A.ID, 15*time.Minute, h.Clock.Now())
	must(err)
	if status, _, _ := do(t, rw.a, "POST", signin.LinkURL(srv.URL, token), sameOrigin); status != http.StatusSeeOther {
		t.Fatalf("sign-in POST: %d", status)
	}
	return rw
}

// message is the current state of message id in p's chat.
func message(t *testing.T, p *sim.Person, id int) botapitest.Message {
	t.Helper()
	for _, m := range p.User.Messages() {
		if m.ID == id {
			return m
		}
	}
	t.Fatalf("no message %d in %s's chat", id, p.Name)
	return botapitest.Message{}
}

// editCalls counts the bot's editMessageText calls on message id of chat,
// refused ones («message is not modified») included.
func editCalls(h *sim.Harness, chat int64, id int) int {
	n := 0
	for _, e := range h.Srv.Transcript() {
		if e.Kind == "edit" && e.ChatID == chat && e.MessageID == id {
			n++
		}
	}
	return n
}

// row is the labels of row i of m's keyboard, joined by "|".
func row(m botapitest.Message, i int) string {
	if i >= len(m.Keyboard) {
		return ""
	}
	var labels []string
	for _, b := range m.Keyboard[i] {
		labels = append(labels, b.Text)
	}
	return strings.Join(labels, "|")
}

// TestReportCardFollowsThePage (issue 24, «a card in chat and the page never
// disagree»): A opens /report and /assess in chat, then marks task 1 «Đúng
// hạn» and adds «125/UBND-VP» to it on /me/report: the /report card is
// edited to the new mark and the number, and the self-assessment card to
// «3 việc: 1 đúng hạn, 0 trễ hạn, 2 chưa hoàn thành». The same form posted
// again (a double tap) edits nothing more. Back in chat, «2 ⏰» on the
// /report card shows on the page at once and edits the self-assessment card
// too. Telegram's limits on, nothing refused.
func TestReportCardFollowsThePage(t *testing.T) {
	rw := newReportWeek(t)
	h, A := rw.h, rw.A
	if err := h.Command(A, "/report"); err != nil {
		t.Fatal(err)
	}
	report := A.User.Last()
	if row(report, 0) != "1 ✅|1 ⏰|1 ❌|1 📎" {
		t.Fatalf("/report card: %q %v", report.Text, report.Keyboard)
	}
	if err := h.Command(A, "/assess"); err != nil {
		t.Fatal(err)
	}
	self := A.User.Last()
	if !strings.Contains(self.Text, "3 việc: 0 đúng hạn, 0 trễ hạn, 3 chưa hoàn thành") {
		t.Fatalf("/assess card: %q", self.Text)
	}
	t1, t2 := strconv.FormatInt(rw.tasks[0], 10), strconv.FormatInt(rw.tasks[1], 10)
	form := url.Values{"s_" + t1: {"on_time"}, "doc_" + t1: {"125/UBND-VP"}}
	if status, body, hdr := postForm(t, rw.a, rw.srv.URL+"/me/report", form, sameOrigin); status != http.StatusSeeOther ||
		hdr.Get("Location") != "/me/report?saved=1" {
		t.Fatalf("POST /me/report: %d\n%s", status, body)
	}
	if err := h.Flush(); err != nil {
		t.Fatal(err)
	}
	report = message(t, A, report.ID)
	if row(report, 0) != "• 1 ✅ •|1 ⏰|1 ❌|1 📎" || !strings.Contains(report.Text, "125/UBND-VP") {
		t.Fatalf("the /report card after the page's save: %q %v", report.Text, report.Keyboard)
	}
	self = message(t, A, self.ID)
	if !strings.Contains(self.Text, "3 việc: 1 đúng hạn, 0 trễ hạn, 2 chưa hoàn thành") {
		t.Fatalf("the /assess card after the page's save: %q", self.Text)
	}
	// One edit of each card for the save of a mark and a number.
	if n := editCalls(h, A.User.ID, report.ID); n != 1 {
		t.Errorf("%d edits of the /report card for one save; want 1", n)
	}
	if n := editCalls(h, A.User.ID, self.ID); n != 1 {
		t.Errorf("%d edits of the /assess card for one save; want 1", n)
	}
	// The same form again (a double tap, the browser's repeat): no change, no edit.
	// The page says nothing changed (a new user read «Đã lưu» for a save of nothing).
	if status, _, hdr := postForm(t, rw.a, rw.srv.URL+"/me/report", url.Values{"s_" + t1: {"on_time"}}, sameOrigin); status != http.StatusSeeOther ||
		hdr.Get("Location") != "/me/report?unchanged=1" {
		t.Fatalf("second POST /me/report: %d %q", status, hdr.Get("Location"))
	}
	if _, body, _ := do(t, rw.a, "GET", rw.srv.URL+"/me/report?unchanged=1", nil); !strings.Contains(body, "Không có gì thay đổi nên chưa lưu gì thêm.") {
		t.Errorf("the page after a save of nothing:\n%s", body)
	}
	if err := h.Flush(); err != nil {
		t.Fatal(err)
	}
	if n := editCalls(h, A.User.ID, report.ID) + editCalls(h, A.User.ID, self.ID); n != 2 {
		t.Errorf("%d edits of the two cards after the same form twice; want 2", n)
	}

	// The other way: «2 ⏰» in chat shows on the page, and on the self card.
	if err := h.TapOn(A, report, "2 ⏰"); err != nil {
		t.Fatal(err)
	}
	if err := h.Flush(); err != nil {
		t.Fatal(err)
	}
	status, body, _ := do(t, rw.a, "GET", rw.srv.URL+"/me/report", nil)
	if status != http.StatusOK || !strings.Contains(body, `name="s_`+t2+`" value="late" checked`) ||
		!strings.Contains(body, `name="s_`+t1+`" value="on_time" checked`) {
		t.Fatalf("GET /me/report after «2 ⏰» in chat: %d\n%s", status, body)
	}
	self = message(t, A, self.ID)
	if !strings.Contains(self.Text, "3 việc: 1 đúng hạn, 1 trễ hạn, 1 chưa hoàn thành") {
		t.Errorf("the /assess card after «2 ⏰» in chat: %q", self.Text)
	}
	if n := editCalls(h, A.User.ID, report.ID); n != 2 {
		t.Errorf("%d edits of the /report card after one press; want 2 (the page's, the press's)", n)
	}
	if n := h.Srv.FloodRefusals(); n != 0 {
		t.Errorf("%d requests refused for flooding", n)
	}
}

// TestSelfCardFollowsTheAssessPage (issue 24): the self-assessment card A
// opened with /assess (not only the month's prompt) follows the points
// chosen on /me/assess; and a task marked on that card's task page in chat
// edits the week's /report card too.
func TestSelfCardFollowsTheAssessPage(t *testing.T) {
	rw := newReportWeek(t)
	h, A := rw.h, rw.A
	if err := h.Command(A, "/report"); err != nil {
		t.Fatal(err)
	}
	report := A.User.Last()
	if err := h.Command(A, "/assess"); err != nil {
		t.Fatal(err)
	}
	self := A.User.Last()
	fw, err := grading.Preset("hanoi-3814-2018")
	if err != nil {
		t.Fatal(err)
	}
	c := fw.General[0]
	pick := int(c.Max/100) - 1 // the card shows the maximum until chosen
	want := "1. " + fw.CriterionName(c.ID, "vi") + ": " + strconv.Itoa(pick) + ",00/"
	if strings.Contains(self.Text, want) {
		t.Fatalf("/assess card already has %q: %q", want, self.Text)
	}
	var id int64
	var version int
	if err := rw.pool.QueryRow(t.Context(), `SELECT id, version FROM assessments WHERE official_id = $1 AND month = '2026-12-01'`,
		A.ID).Scan(&id, &version); err != nil {
		t.Fatal(err)
	}
	form := url.Values{"id": {strconv.FormatInt(id, 10)}, "version": {strconv.Itoa(version)}, "action": {"save"},
		"c_" + c.ID: {strconv.Itoa(pick)}}
	if status, body, _ := postForm(t, rw.a, rw.srv.URL+"/me/assess", form, sameOrigin); status != http.StatusSeeOther {
		t.Fatalf("POST /me/assess: %d\n%s", status, body)
	}
	if err := h.Flush(); err != nil {
		t.Fatal(err)
	}
	if self = message(t, A, self.ID); !strings.Contains(self.Text, want) || self.Edits != 1 {
		t.Fatalf("the /assess card after the page's save (%d edits): %q; want %q", self.Edits, self.Text, want)
	}
	// The self card's task page in chat: «1 ✅» there edits the /report card.
	if err := h.TapOn(A, self, "📋 Công việc (3)"); err != nil {
		t.Fatal(err)
	}
	if err := h.TapOn(A, message(t, A, self.ID), "1 ✅"); err != nil {
		t.Fatal(err)
	}
	if err := h.Flush(); err != nil {
		t.Fatal(err)
	}
	if report = message(t, A, report.ID); row(report, 0) != "• 1 ✅ •|1 ⏰|1 ❌|1 📎" {
		t.Fatalf("the /report card after «1 ✅» on the self card: %v", report.Keyboard)
	}
	if n := h.Srv.FloodRefusals(); n != 0 {
		t.Errorf("%d requests refused for flooding", n)
	}
}
