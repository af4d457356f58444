package web_test

import (
	"context"
	"fmt"
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
	"evalbot/internal/locale"
	"evalbot/internal/signin"
	"evalbot/internal/sim"
	"evalbot/internal/web"
)

// selfCardOf is p's self-assessment card of November 2026 in chat (the
// month's prompt they submitted from).
func selfCardOf(t *testing.T, p *sim.Person) botapitest.Message {
	t.Helper()
	for _, m := range p.User.Messages() {
		if strings.HasPrefix(m.Text, "Tự đánh giá tháng 11/2026") {
			return m
		}
	}
	t.Fatalf("%s has no self-assessment card", p.Name)
	return botapitest.Message{}
}

// TestOwnerCardFollowsTheBoard (issue 24 attack): the head sets C's task 3
// «late» and marks task 1 «chưa đạt» on the board; C's own self-assessment
// card in chat, which lists the month's tasks, showed «2 chưa hoàn thành»
// and no mark while C's page /me/assess and the board said otherwise. The
// card follows each change of the head's (reviews.MarkTask,
// MarkNotUpToStandard, WithdrawQualityMark tell the owner's cards), once.
func TestOwnerCardFollowsTheBoard(t *testing.T) {
	bm := newBoardMonth(t)
	ctx := context.Background()
	pool, H, C := bm.h.Pool, bm.ps["H"], bm.ps["C"]
	var id int64
	var version int
	read := func() {
		t.Helper()
		if err := pool.QueryRow(ctx, `SELECT id, version FROM assessments WHERE official_id = $1 AND month = '2026-11-01'`, C.ID).Scan(&id, &version); err != nil {
			t.Fatal(err)
		}
	}
	read()
	task := map[int]int64{}
	rows, err := pool.Query(ctx, `SELECT t.position, t.id FROM tasks t JOIN plans p ON p.id = t.plan_id WHERE p.official_id = $1`, C.ID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n int
		var tid int64
		if err := rows.Scan(&n, &tid); err != nil {
			t.Fatal(err)
		}
		task[n] = tid
	}
	rows.Close()
	card := selfCardOf(t, C)
	if !strings.Contains(card.Text, "4 việc: 2 đúng hạn, 0 trễ hạn, 2 chưa hoàn thành") {
		t.Fatalf("C's card before: %q", card.Text)
	}
	page := bm.srv.URL + "/board/" + strconv.FormatInt(id, 10)
	head := bm.signedIn(t, H.ID)
	post := func(action string, form url.Values) {
		t.Helper()
		form.Set("version", strconv.Itoa(version))
		if code, body, _ := postForm(t, head, page+"/"+action, form, sameOrigin); code != http.StatusSeeOther {
			t.Fatalf("POST %s: %d\n%s", action, code, body)
		}
		if err := bm.h.Flush(); err != nil {
			t.Fatal(err)
		}
		read()
	}
	edits := editCalls(bm.h, C.User.ID, card.ID)
	post("status", url.Values{"task": {strconv.FormatInt(task[3], 10)}, "status": {"late"}})
	if got := message(t, C, card.ID).Text; !strings.Contains(got, "4 việc: 2 đúng hạn, 1 trễ hạn, 1 chưa hoàn thành") {
		t.Errorf("C's card after the head set task 3 late on the board: %q", got)
	}
	if n := editCalls(bm.h, C.User.ID, card.ID) - edits; n != 1 {
		t.Errorf("%d edits of C's card for one status; want 1", n)
	}
	post("quality", url.Values{"task": {strconv.FormatInt(task[1], 10)}, "reason": {"Thiếu số liệu"}})
	if got := message(t, C, card.ID).Text; !strings.Contains(got, "chưa đạt") {
		t.Errorf("C's card after the head's «chưa đạt» on the board: %q", got)
	}
	var mark int64
	if err := pool.QueryRow(ctx, `SELECT max(id) FROM task_quality_marks WHERE task_id = $1`, task[1]).Scan(&mark); err != nil {
		t.Fatal(err)
	}
	post("unmark", url.Values{"task": {strconv.FormatInt(task[1], 10)}, "mark": {strconv.FormatInt(mark, 10)}})
	if got := message(t, C, card.ID).Text; strings.Contains(got, "chưa đạt") {
		t.Errorf("C's card after the mark was taken back: %q", got)
	}
}

// TestReportCardClosedStaysClosed (issue 24 attack): A closes the /report
// card with «✔️ Xong» («Đã ghi nhận kết quả tuần.», no buttons), then marks
// task 1 «Đúng hạn» on /me/report: the card came back with every button and
// the hint, as if the report were still open. Decided: a card closed with
// «Xong» follows the marks made elsewhere and stays closed (the buttons come
// back with /report).
func TestReportCardClosedStaysClosed(t *testing.T) {
	rw := newReportWeek(t)
	h, A := rw.h, rw.A
	if err := h.Command(A, "/report"); err != nil {
		t.Fatal(err)
	}
	report := A.User.Last()
	if err := h.TapOn(A, report, "✔️ Xong"); err != nil {
		t.Fatal(err)
	}
	if err := h.Flush(); err != nil {
		t.Fatal(err)
	}
	closed := message(t, A, report.ID)
	if closed.Keyboard != nil || !strings.HasSuffix(closed.Text, "Đã ghi nhận kết quả tuần.") {
		t.Fatalf("the card after «Xong»: %q %v", closed.Text, closed.Keyboard)
	}
	t1 := strconv.FormatInt(rw.tasks[0], 10)
	if status, body, _ := postForm(t, rw.a, rw.srv.URL+"/me/report", url.Values{"s_" + t1: {"on_time"}}, sameOrigin); status != http.StatusSeeOther {
		t.Fatalf("POST /me/report: %d\n%s", status, body)
	}
	if err := h.Flush(); err != nil {
		t.Fatal(err)
	}
	after := message(t, A, report.ID)
	if after.Keyboard != nil || !strings.HasSuffix(after.Text, "Đã ghi nhận kết quả tuần.") || after.Text == closed.Text {
		t.Errorf("the closed card after a mark on the page: %q %v; want the new mark, closed", after.Text, after.Keyboard)
	}
	// /report again opens a card with buttons, which follows as before.
	if err := h.Command(A, "/report"); err != nil {
		t.Fatal(err)
	}
	if again := A.User.Last(); again.ID == report.ID || row(again, 0) != "• 1 ✅ •|1 ⏰|1 ❌|1 📎" {
		t.Errorf("/report after «Xong»: %q %v", again.Text, again.Keyboard)
	}
}

// TestReportCardOfASubmittedMonthFollowsClosed (issue 24 attack): C's
// /report card of the week of 30 November, C's month already submitted;
// the head sets that week's task late on the board. The card follows the
// head's change without buttons: C can no longer mark (the month is with
// the head), and a button would only answer that it is locked.
func TestReportCardOfASubmittedMonthFollowsClosed(t *testing.T) {
	bm := newBoardMonth(t)
	ctx := context.Background()
	pool, H, C := bm.h.Pool, bm.ps["H"], bm.ps["C"]
	var taskID int64
	if err := pool.QueryRow(ctx, `WITH p AS (INSERT INTO plans (official_id, kind, period_start, month, status)
			VALUES ($1, 'week', '2026-11-30', '2026-11-01', 'approved') RETURNING id)
		INSERT INTO tasks (plan_id, position, title, status) SELECT id, 1, 'Việc tuần cuối tháng', 'on_time' FROM p RETURNING id`, C.ID).Scan(&taskID); err != nil {
		t.Fatal(err)
	}
	if err := bm.h.Command(C, "/report"); err != nil {
		t.Fatal(err)
	}
	report := C.User.Last()
	if !strings.Contains(report.Text, "Việc tuần cuối tháng") {
		t.Fatalf("C's /report: %q", report.Text)
	}
	var id int64
	var version int
	if err := pool.QueryRow(ctx, `SELECT id, version FROM assessments WHERE official_id = $1 AND month = '2026-11-01'`, C.ID).Scan(&id, &version); err != nil {
		t.Fatal(err)
	}
	head := bm.signedIn(t, H.ID)
	form := url.Values{"version": {strconv.Itoa(version)}, "task": {strconv.FormatInt(taskID, 10)}, "status": {"late"}}
	if code, body, _ := postForm(t, head, bm.srv.URL+"/board/"+strconv.FormatInt(id, 10)+"/status", form, sameOrigin); code != http.StatusSeeOther {
		t.Fatalf("H sets the week's task late: %d\n%s", code, body)
	}
	if err := bm.h.Flush(); err != nil {
		t.Fatal(err)
	}
	after := message(t, C, report.ID)
	if after.Keyboard != nil || after.Text == report.Text || !strings.HasSuffix(after.Text, "Đã ghi nhận kết quả tuần.") {
		t.Errorf("C's /report card after the head's change: %q %v; want the new mark, no buttons", after.Text, after.Keyboard)
	}
}

// TestQualityUndoDoubleTap (issue 24 attack): H has marked C's task 1
// «chưa đạt» twice («Thiếu số liệu», «Thiếu chữ ký») and double-taps «1 ↩️»
// on the task view in chat: both marks were gone (the button named no mark,
// the use case took back «the latest» each time). The button and the
// board's form name the mark they take back; the second tap finds it gone
// and changes nothing.
func TestQualityUndoDoubleTap(t *testing.T) {
	bm := newBoardMonth(t)
	ctx := context.Background()
	h, H, C := bm.h, bm.ps["H"], bm.ps["C"]
	card, _ := reviewCard(H, C)
	if err := h.TapOn(H, card, "✏️ Điều chỉnh"); err != nil {
		t.Fatal(err)
	}
	adj := message(t, H, card.ID)
	m, lbl, ok := sim.ButtonStartingWith([]botapitest.Message{adj}, "📋")
	if !ok {
		t.Fatalf("no task view in %q %v", adj.Text, adj.Keyboard)
	}
	if err := h.TapOn(H, m, lbl); err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct{ button, reason string }{{"1 ⚠️", "Thiếu số liệu"}, {"1 ⚠️ 1", "Thiếu chữ ký"}} {
		if err := h.Tap(H, step.button); err != nil {
			t.Fatal(err)
		}
		if err := h.Say(H, step.reason); err != nil {
			t.Fatal(err)
		}
	}
	view, ok := sim.FindButton(H.User.Messages(), "1 ↩️")
	if !ok {
		t.Fatal("no «1 ↩️» after two marks")
	}
	var data string
	for _, row := range view.Keyboard {
		for _, b := range row {
			if b.Text == "1 ↩️" {
				data = b.Data
			}
		}
	}
	// Both taps leave before the first one's edit arrives: the same button.
	for range 2 {
		if err := h.Wait(H.User.PressData(view, data)); err != nil {
			t.Fatal(err)
		}
	}
	var faults, marks int
	if err := h.Pool.QueryRow(ctx, `SELECT t.quality_faults, (SELECT count(*) FROM task_quality_marks m WHERE m.task_id = t.id)
		FROM tasks t JOIN plans p ON p.id = t.plan_id WHERE p.official_id = $1 AND t.position = 1`, C.ID).Scan(&faults, &marks); err != nil {
		t.Fatal(err)
	}
	if faults != 1 || marks != 1 {
		t.Errorf("after a double tap of «1 ↩️»: %d faults, %d marks; want 1 (the first mark, «Thiếu số liệu», kept)", faults, marks)
	}
}

// linkGuesses posts n made-up sign-in links to h, the i-th from the client
// address addr(i) with the extra header lines hdr(i) (X-Forwarded-For), and
// then a valid link for official id from addr(n) with hdr(n); it returns that
// last answer's status.
func linkGuesses(t *testing.T, h http.Handler, pool *pgxpool.Pool, id int64, n int, addr func(int) string, hdr func(int) []string) int {
	t.Helper()
	post := func(i int, path string) int {
		r := httptest.NewRequest("POST", "http://evalbot.test"+path, nil)
		r.RemoteAddr = addr(i)
		r.Header.Set("Sec-Fetch-Site", "same-origin")
		for _, v := range hdr(i) {
			r.Header.Add("X-Forwarded-For", v)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Code
	}
	for i := range n {
		if code := post(i, "/signin/"+strings.Repeat("C", 43)); code != http.StatusNotFound && code != http.StatusGone &&
			code != http.StatusTooManyRequests && code != http.StatusOK {
			t.Fatalf("guess %d: %d", i, code)
		}
	}
	token, _, err := signin.Issue(context.Background(), pool, id, time.Hour, now)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(signin.LinkURL("http://evalbot.test", token))
	return post(n, u.Path)
}

// TestLinkGuessesFromOneNetwork (issue 24 attack): sign-in links guessed
// from one IPv6 /64 (one phone, one office: 2^64 addresses to pick from),
// each from another address, or, behind the proxy (EVALBOT_WEB_TRUST_PROXY),
// each with a made-up X-Forwarded-For line before the proxy's own: every
// guess had a bucket of its own, and a valid link after 30 guesses was
// still let in. The bucket is the /64 of an IPv6 address, and the proxy's
// entry is the last of all the header's lines.
func TestLinkGuessesFromOneNetwork(t *testing.T) {
	pool := ward(t)
	cat, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := pool.QueryRow(context.Background(), `SELECT id FROM officials WHERE active ORDER BY id LIMIT 1`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	for _, proxy := range []bool{false, true} {
		s := &web.Server{Pool: pool, Cat: cat, Cal: calendar.Default(), Now: func() time.Time { return now }, TrustProxy: proxy}
		h, err := s.Handler()
		if err != nil {
			t.Fatal(err)
		}
		addr := func(i int) string { return fmt.Sprintf("[2001:db8:7:42::%x]:443%02d", i+1, i%100) }
		hdr := func(int) []string { return nil }
		if proxy {
			addr = func(int) string { return "127.0.0.1:40000" }
			hdr = func(i int) []string { return []string{fmt.Sprintf("198.51.100.%d", i+1), "203.0.113.7"} }
		}
		if code := linkGuesses(t, h, pool, id, 30, addr, hdr); code != http.StatusTooManyRequests {
			t.Errorf("proxy %v: a valid link after 30 guesses from one network: %d; want 429", proxy, code)
		}
		// Another network is not held up by these guesses.
		other := func(int) string { return "[2001:db8:8:1::1]:443" }
		if proxy {
			hdr = func(int) []string { return []string{"203.0.113.8"} }
			other = addr
		}
		if code := linkGuesses(t, h, pool, id, 0, other, hdr); code != http.StatusSeeOther {
			t.Errorf("proxy %v: a valid link from another network: %d; want 303", proxy, code)
		}
	}
}

// TestBoardStatusDoublePostAtOnce (issue 24 attack): the head's «trễ hạn»
// posted twice at the same moment (a double click whose two requests cross)
// set the task late twice (2 delays): both requests read the page's version
// and the task's status before either wrote. The assessment is locked before
// its version is compared (reviews.Open), so the second waits and finds the
// status as it is already.
func TestBoardStatusDoublePostAtOnce(t *testing.T) {
	bm := newBoardMonth(t)
	ctx := context.Background()
	pool, H, C := bm.h.Pool, bm.ps["H"], bm.ps["C"]
	head := bm.signedIn(t, H.ID)
	rows, err := pool.Query(ctx, `SELECT t.id FROM tasks t JOIN plans p ON p.id = t.plan_id WHERE p.official_id = $1 AND t.status = 'not_done' ORDER BY t.position`, C.ID)
	if err != nil {
		t.Fatal(err)
	}
	var tasks []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		tasks = append(tasks, id)
	}
	rows.Close()
	for _, task := range tasks {
		var id int64
		var version int
		if err := pool.QueryRow(ctx, `SELECT id, version FROM assessments WHERE official_id = $1 AND month = '2026-11-01'`, C.ID).Scan(&id, &version); err != nil {
			t.Fatal(err)
		}
		form := url.Values{"version": {strconv.Itoa(version)}, "task": {strconv.FormatInt(task, 10)}, "status": {"late"}}
		done := make(chan int, 4)
		for range 4 {
			go func() {
				req, _ := http.NewRequest("POST", bm.srv.URL+"/board/"+strconv.FormatInt(id, 10)+"/status", strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("Sec-Fetch-Site", "same-origin")
				resp, err := head.Do(req)
				if err != nil {
					done <- 0
					return
				}
				resp.Body.Close()
				done <- resp.StatusCode
			}()
		}
		for range 4 {
			if code := <-done; code != http.StatusSeeOther && code != http.StatusOK {
				t.Errorf("a post at once: %d", code)
			}
		}
		var delays int
		if err := pool.QueryRow(ctx, `SELECT delays FROM tasks WHERE id = $1`, task).Scan(&delays); err != nil {
			t.Fatal(err)
		}
		if delays != 1 {
			t.Errorf("task %d after «trễ hạn» posted four times at once: %d delays; want 1", task, delays)
		}
	}
}

// TestReportPageDoublePostAtOnce (issue 24 attack): /me/report saved with
// task 1 «trễ hạn» four times at once (a double click whose requests cross)
// set it late up to four times: each request read the task not late yet.
// The save reads the week's plan locked (plans.WeekReportForUpdate), so the
// later requests find it late already and change nothing.
func TestReportPageDoublePostAtOnce(t *testing.T) {
	rw := newReportWeek(t)
	t1 := strconv.FormatInt(rw.tasks[0], 10)
	form := url.Values{"s_" + t1: {"late"}}
	done := make(chan int, 4)
	for range 4 {
		go func() {
			req, _ := http.NewRequest("POST", rw.srv.URL+"/me/report", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			resp, err := rw.a.Do(req)
			if err != nil {
				done <- 0
				return
			}
			resp.Body.Close()
			done <- resp.StatusCode
		}()
	}
	for range 4 {
		if code := <-done; code != http.StatusSeeOther && code != http.StatusOK {
			t.Errorf("a save at once: %d", code)
		}
	}
	var delays int
	if err := rw.pool.QueryRow(context.Background(), `SELECT delays FROM tasks WHERE id = $1`, rw.tasks[0]).Scan(&delays); err != nil {
		t.Fatal(err)
	}
	if delays != 1 {
		t.Errorf("task 1 after «trễ hạn» saved four times at once: %d delays; want 1", delays)
	}
}
