package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/app/access"
	"evalbot/internal/calendar"
	"evalbot/internal/evaluation"
	"evalbot/internal/signin"
)

// signedIn is an HTTP client signed in to bm's pages as official id by a
// sign-in link issued at the harness's clock.
func (bm *boardMonth) signedIn(t *testing.T, id int64) *http.Client {
	t.Helper()
	c := client(t)
	token, _, err := signin.Issue(context.Background(), bm.h.Pool, id, 15*time.Minute, bm.h.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if status, _, _ := do(t, c, "POST", signin.LinkURL(bm.srv.URL, token), sameOrigin); status != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", status)
	}
	return c
}

// TestBoardTaskStatusAndQualityMark: on one person's page of the board the
// head sets a task's status and marks a done task «chưa đạt» with a reason,
// each through the chat's use case in one transaction; the head's review
// card in chat shows the new numbers and the owner is told in chat, once;
// the mark can be taken back as the chat's ↩️ does.
// Another unit's head is refused, the deputy only during the delegation; a
// page of an older version comes again saying so with the choice and the
// typed reason kept; an empty or too long reason is refused, kept; nothing
// changes once the month is approved.
func TestBoardTaskStatusAndQualityMark(t *testing.T) {
	bm := newBoardMonth(t)
	ctx := context.Background()
	pool, H, C := bm.h.Pool, bm.ps["H"], bm.ps["C"]
	var xID int64
	if err := pool.QueryRow(ctx, `WITH u AS (INSERT INTO units (code, name) VALUES ('K', 'Phòng Kinh tế') RETURNING id)
		INSERT INTO officials (employee_code, full_name, unit_id, category, is_head) SELECT 'X', 'Đỗ Văn Xuân', id, 'can_bo', true FROM u
		RETURNING id`).Scan(&xID); err != nil {
		t.Fatal(err)
	}
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
	page := bm.srv.URL + "/board/" + strconv.FormatInt(id, 10)
	status := func(c *http.Client, n int, st string, ver int) (int, string) {
		t.Helper()
		code, body, _ := postForm(t, c, page+"/status", url.Values{"version": {strconv.Itoa(ver)}, "task": {strconv.FormatInt(task[n], 10)}, "status": {st}}, sameOrigin)
		return code, html.UnescapeString(body)
	}
	mark := func(c *http.Client, n int, reason string, ver int) (int, string) {
		t.Helper()
		code, body, _ := postForm(t, c, page+"/quality", url.Values{"version": {strconv.Itoa(ver)}, "task": {strconv.FormatInt(task[n], 10)}, "reason": {reason}}, sameOrigin)
		return code, html.UnescapeString(body)
	}
	taskState := func(n int) (string, int, int) {
		t.Helper()
		var st string
		var delays, faults int
		if err := pool.QueryRow(ctx, `SELECT status, delays, quality_faults FROM tasks WHERE id = $1`, task[n]).Scan(&st, &delays, &faults); err != nil {
			t.Fatal(err)
		}
		return st, delays, faults
	}
	reason := "Báo cáo thiếu số liệu quý III, chưa có chữ ký của người lập"

	// Another unit's head, and the deputy before any delegation: refused, nothing changes.
	for who, c := range map[string]*http.Client{"another unit's head": bm.signedIn(t, xID), "the deputy": bm.signedIn(t, bm.ps["D"].ID)} {
		if code, _, _ := do(t, c, "GET", page, nil); code != http.StatusForbidden {
			t.Errorf("%s opens C's page: %d; want 403", who, code)
		}
		if code, _ := status(c, 3, "late", version); code != http.StatusForbidden {
			t.Errorf("%s sets a status: %d; want 403", who, code)
		}
		if code, _ := mark(c, 1, reason, version); code != http.StatusForbidden {
			t.Errorf("%s marks a task: %d; want 403", who, code)
		}
	}
	if st, _, faults := taskState(3); st != "not_done" || faults != 0 {
		t.Fatalf("after the refusals task 3 is %s with %d marks", st, faults)
	}

	// Evidence is named, not only counted (a new user's trial: «minh chứng:
	// 1» and no number to check).
	for _, e := range []evaluation.Evidence{{TaskID: task[4], Kind: evaluation.EvidenceDocument, DocumentNumber: "45/BC-KT", Source: evaluation.SourceChat, AddedBy: &C.ID},
		{TaskID: task[4], Kind: evaluation.EvidencePhoto, FileID: "AgACAgIAAxkBAAIBfakePhoto", FileUniqueID: "AQADfake", Source: evaluation.SourceChat, AddedBy: &C.ID}} {
		if _, _, err := evaluation.AddEvidence(ctx, pool, e); err != nil {
			t.Fatal(err)
		}
	}
	read()
	head := bm.signedIn(t, H.ID)
	_, body, _ := do(t, head, "GET", page, nil)
	body = html.UnescapeString(body)
	for _, want := range []string{"Công việc trong tháng (4)", "Minh chứng: 45/BC-KT; 1 ảnh", "Trạng thái: đúng hạn · minh chứng: 0", "Trạng thái: chưa hoàn thành · minh chứng: 0",
		`action="/board/` + strconv.FormatInt(id, 10) + `/status"`, "⚠️ Đánh giá chưa đạt yêu cầu…"} {
		if !strings.Contains(body, want) {
			t.Fatalf("C's page lacks %q:\n%s", want, body)
		}
	}
	if n := strings.Count(body, `action="/board/`+strconv.FormatInt(id, 10)+`/quality"`); n != 2 {
		t.Fatalf("%d «chưa đạt» forms; want 2 (the done tasks)", n)
	}

	// Task 3 late: one transaction, the head's card in chat shows it.
	if code, body := status(head, 3, "late", version); code != http.StatusSeeOther {
		t.Fatalf("H sets task 3 late: %d\n%s", code, body)
	}
	if st, delays, _ := taskState(3); st != "late" || delays != 1 {
		t.Fatalf("task 3 %s, %d delays; want late, 1", st, delays)
	}
	old := version
	read()
	if version != old+1 {
		t.Fatalf("version %d after the status; want %d", version, old+1)
	}
	if err := bm.h.Flush(); err != nil {
		t.Fatal(err)
	}
	if card, _ := reviewCard(H, C); !strings.Contains(card.Text, "4 việc: 2 đúng hạn, 1 trễ hạn, 1 chưa hoàn thành") || card.Edits == 0 || card.Keyboard == nil {
		t.Errorf("H's card of C after the status: %q (%d edits)", card.Text, card.Edits)
	}
	// The same again (a double tap, from the page before): nothing more.
	if code, _ := status(head, 3, "late", old); code != http.StatusSeeOther {
		t.Fatalf("the same status again: %d", code)
	}
	if st, delays, _ := taskState(3); st != "late" || delays != 1 {
		t.Fatalf("task 3 after a double tap: %s, %d delays; want late, 1", st, delays)
	}
	// A page of an older version: shown again, the choice kept, nothing changed.
	code, body := status(head, 4, "on_time", old)
	if code != http.StatusConflict || !strings.Contains(body, "Bản tự đánh giá đã thay đổi hoặc đã được duyệt") ||
		!strings.Contains(body, `<select id="status-`+strconv.FormatInt(task[4], 10)+`" name="status"><option value="on_time" selected>`) {
		t.Fatalf("a status from an older page: %d\n%s", code, body)
	}
	if st, _, _ := taskState(4); st != "not_done" {
		t.Fatalf("task 4 after the stale page: %s", st)
	}

	// «Chưa đạt»: an empty and a too long reason are refused, the text kept.
	if code, body := mark(head, 1, "   ", version); code != http.StatusUnprocessableEntity || !strings.Contains(body, "Vui lòng nhập lý do chưa đạt.") ||
		!strings.Contains(body, "<details class=\"quality\" open>") {
		t.Fatalf("an empty reason: %d\n%s", code, body)
	}
	long := strings.Repeat("Thiếu số liệu. ", 40)
	if code, body := mark(head, 1, long, version); code != http.StatusUnprocessableEntity || !strings.Contains(body, "Lý do dài quá 500 ký tự") ||
		!strings.Contains(body, long) {
		t.Fatalf("a reason of %d characters: %d\n%s", len([]rune(long)), code, body)
	}
	if code, body := mark(head, 1, reason, old); code != http.StatusConflict || !strings.Contains(body, ">"+reason+"</textarea>") {
		t.Fatalf("a mark from an older page: %d\n%s", code, body)
	}
	if _, _, faults := taskState(1); faults != 0 {
		t.Fatalf("task 1 has %d marks after the refusals", faults)
	}
	// A task not done cannot be «chưa đạt».
	if code, _ := mark(head, 4, reason, version); code != http.StatusConflict {
		t.Fatalf("a mark on a task not done: %d; want 409", code)
	}
	if code, body := mark(head, 1, reason, version); code != http.StatusSeeOther {
		t.Fatalf("H marks task 1 «chưa đạt»: %d\n%s", code, body)
	}
	// A double tap is the same mark: one mark, one message.
	if code, _ := mark(head, 1, reason, version); code != http.StatusSeeOther {
		t.Fatalf("the same mark again: %d", code)
	}
	if _, _, faults := taskState(1); faults != 1 {
		t.Fatalf("task 1 has %d marks; want 1", faults)
	}
	old = version
	read()
	if version != old+1 {
		t.Fatalf("version %d after the mark; want %d", version, old+1)
	}
	var markID int64
	if err := pool.QueryRow(ctx, `SELECT id FROM task_quality_marks WHERE task_id = $1`, task[1]).Scan(&markID); err != nil {
		t.Fatal(err)
	}
	if n := countIn(t, pool, `SELECT count(*) FROM outbox WHERE dedup_key = $1`, "qmark:"+strconv.FormatInt(markID, 10)); n != 1 {
		t.Fatalf("%d messages qmark:%d; want 1", n, markID)
	}
	if err := bm.h.Flush(); err != nil {
		t.Fatal(err)
	}
	if got := C.User.Last().Text; got != "Lãnh đạo đánh giá việc «Việc 1» (tháng 11/2026) chưa đạt yêu cầu (1 lần). Lý do: "+reason {
		t.Errorf("C's last message: %q", got)
	}
	if card, _ := reviewCard(H, C); !strings.Contains(card.Text, "Chất lượng: 1 lần đánh giá chưa đạt") || card.Keyboard == nil {
		t.Errorf("H's card of C after the mark: %q", card.Text)
	}
	_, body, _ = do(t, head, "GET", page+"?marked=1", nil)
	if body = html.UnescapeString(body); !strings.Contains(body, "⚠️ Chưa đạt ×1. Lý do lần gần nhất: "+reason) || !strings.Contains(body, "Đã ghi nhận việc chưa đạt yêu cầu.") {
		t.Fatalf("C's page after the mark:\n%s", body)
	}

	// Taken back, as the chat's ↩️: C is told; a double tap (the same form,
	// naming the same mark) is done already, nothing more taken back.
	unmark := func(ver int) int {
		t.Helper()
		code, _, _ := postForm(t, head, page+"/unmark", url.Values{"version": {strconv.Itoa(ver)}, "task": {strconv.FormatInt(task[1], 10)},
			"mark": {strconv.FormatInt(markID, 10)}}, sameOrigin)
		return code
	}
	if !strings.Contains(body, `name="mark" value="`+strconv.FormatInt(markID, 10)+`"`) {
		t.Fatalf("the «bỏ» form does not name the mark %d:\n%s", markID, body)
	}
	if code := unmark(old); code != http.StatusConflict {
		t.Fatalf("taking a mark back from an older page: %d; want 409", code)
	}
	if code := unmark(version); code != http.StatusSeeOther {
		t.Fatalf("H takes the mark back: %d", code)
	}
	if code := unmark(version); code != http.StatusSeeOther {
		t.Fatalf("taking the mark back again (a double tap): %d; want 303", code)
	}
	if _, _, faults := taskState(1); faults != 0 {
		t.Fatalf("task 1 has %d marks after taking it back; want 0", faults)
	}
	if err := bm.h.Flush(); err != nil {
		t.Fatal(err)
	}
	if got := C.User.Last().Text; got != "Lãnh đạo đã bỏ một lần đánh giá chưa đạt của việc «Việc 1» (tháng 11/2026); còn 0 lần." {
		t.Errorf("C's last message after the mark was taken back: %q", got)
	}
	if card, _ := reviewCard(H, C); strings.Contains(card.Text, "Chất lượng: 1 lần đánh giá chưa đạt") {
		t.Errorf("H's card of C still shows the mark: %q", card.Text)
	}
	read()
	if code, body := mark(head, 1, reason, version); code != http.StatusSeeOther {
		t.Fatalf("H marks task 1 again: %d\n%s", code, body)
	}
	read()

	// The deputy during the delegation, and not after it.
	D := bm.ps["D"]
	now := bm.h.Clock.Now()
	if _, _, err := access.Delegate(ctx, pool, H.ID, D.ID, 3, calendar.DateOf(now)); err != nil {
		t.Fatal(err)
	}
	deputy := bm.signedIn(t, D.ID)
	if code, body := status(deputy, 4, "late", version); code != http.StatusSeeOther {
		t.Fatalf("the deputy during the delegation: %d\n%s", code, body)
	}
	read()
	bm.h.Clock.Set(now.AddDate(0, 0, 3))
	deputy = bm.signedIn(t, D.ID)
	if code, _ := status(deputy, 4, "on_time", version); code != http.StatusForbidden {
		t.Fatalf("the deputy after the delegation: %d; want 403", code)
	}
	if code, _ := mark(deputy, 2, reason, version); code != http.StatusForbidden {
		t.Fatalf("the deputy's mark after the delegation: %d; want 403", code)
	}
	bm.h.Clock.Set(now)

	// Approved: nothing of the month changes, the page says why.
	if code, body, _ := postForm(t, head, page+"/approve", url.Values{"version": {strconv.Itoa(version)}}, sameOrigin); code != http.StatusSeeOther {
		t.Fatalf("H approves C: %d\n%s", code, body)
	}
	read()
	if code, body := status(head, 4, "on_time", version); code != http.StatusConflict || !strings.Contains(body, "Kết quả tháng này đã được duyệt, không thể sửa nữa.") {
		t.Fatalf("a status of an approved month: %d\n%s", code, body)
	}
	if code, body := mark(head, 2, reason, version); code != http.StatusConflict || !strings.Contains(body, "Kết quả tháng này đã được duyệt, không thể sửa nữa.") {
		t.Fatalf("a mark on an approved month: %d\n%s", code, body)
	}
	if st, _, _ := taskState(4); st != "late" {
		t.Fatalf("task 4 of the approved month: %s; want late", st)
	}
	if _, _, faults := taskState(2); faults != 0 {
		t.Fatalf("task 2 of the approved month has %d marks", faults)
	}
	// In English, read-only now.
	_, body, _ = do(t, head, "GET", page+"?lang=en", nil)
	if body = html.UnescapeString(body); !strings.Contains(body, "Tasks of the month (4)") || !strings.Contains(body, "Status: late · evidence: 0") ||
		!strings.Contains(body, "⚠️ Not up to standard ×1. Latest reason: "+reason) || strings.Contains(body, `name="status"`) {
		t.Fatalf("the approved month's page in English:\n%s", body)
	}
}

// countIn is the count a query returns on pool.
func countIn(t *testing.T, pool interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
