package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"evalbot/internal/grading"
)

// Regression (a new user's trial): a head without Telegram could not finish
// a month without tasks — approving it on the board said «… cần nhập điểm
// thực hiện nhiệm vụ trong Telegram». The board's person page now takes the
// task score (reviews.SetTaskScore, as the chat's «nhập điểm nhiệm vụ»).
func TestBoardTakesTheTaskScoreOfAMonthWithoutTasks(t *testing.T) {
	st := newSite(t, ward(t))
	head := client(t)
	signIn(t, st, head, "HB020")
	var id int64
	var version int
	read := func() {
		t.Helper()
		if err := st.pool.QueryRow(t.Context(), `SELECT a.id, a.version FROM assessments a JOIN officials o ON o.id = a.official_id
			WHERE o.employee_code = 'HB022' AND a.month = '2026-11-01'`).Scan(&id, &version); err != nil {
			t.Fatal(err)
		}
	}
	read()
	// Sent without a total (nothing to score the tasks by): the page says
	// so («Tự chấm: – điểm, loại –» before), and what approving would need.
	if status, body, _ := do(t, head, "GET", st.srv.URL+"/board/"+strconv.FormatInt(id, 10), nil); status != http.StatusOK ||
		!strings.Contains(body, "Tự chấm: chưa có tổng điểm tạm tính") || strings.Contains(body, "Tự chấm: –") {
		t.Fatalf("person page of a month sent without a total: %d\n%s", status, body)
	}
	// A month self-assessed in full, with no tasks in an approved plan.
	fw, err := grading.Preset("hanoi-3814-2018")
	if err != nil {
		t.Fatal(err)
	}
	crit := map[string]int64{}
	for _, c := range fw.General {
		crit[c.ID] = int64(c.Max)
	}
	if _, err := st.pool.Exec(t.Context(), `UPDATE assessments SET self_criteria = $2, self_total = 9000, self_grade = 'B' WHERE id = $1`, id, crit); err != nil {
		t.Fatal(err)
	}
	page := st.srv.URL + "/board/" + strconv.FormatInt(id, 10)
	if status, body, _ := do(t, head, "GET", page, nil); status != http.StatusOK || !strings.Contains(body, `name="task_score"`) ||
		!strings.Contains(body, "Tự chấm: 90,00 điểm, loại B") ||
		!strings.Contains(body, "Nếu duyệt bây giờ: cần chọn điểm thực hiện nhiệm vụ ở mục «Điều chỉnh điểm» trước.") ||
		!strings.Contains(body, "Điểm thực hiện nhiệm vụ (tháng không có công việc trong kế hoạch)") {
		t.Fatalf("person page: %d\n%s", status, body)
	}
	approve := func() (int, string) {
		status, body, _ := postForm(t, head, page+"/approve", url.Values{"version": {strconv.Itoa(version)}}, sameOrigin)
		return status, body
	}
	if status, body := approve(); status != http.StatusConflict || !strings.Contains(body, "cần chọn điểm thực hiện nhiệm vụ ở mục «Điều chỉnh điểm»") ||
		strings.Contains(body, "trong Telegram") {
		t.Fatalf("approve without a task score: %d\n%s", status, body)
	}
	// A value not on the list (the field forged) is refused whole, nothing
	// saved: «9e9» used to be skipped in silence under «đã lưu».
	ver := strconv.Itoa(version)
	for _, form := range []url.Values{
		{"version": {ver}, "task_score": {"9e9"}},
		{"version": {ver}, "task_score": {"60"}, "c_c1": {"5.5"}},
		{"version": {ver}, "task_score": {"60", "10"}},
	} {
		if status, body, _ := postForm(t, head, page+"/adjust", form, sameOrigin); status != http.StatusUnprocessableEntity ||
			!strings.Contains(body, "Điểm đã chọn không hợp lệ nên chưa lưu.") {
			t.Fatalf("adjust %v: %d\n%s", form, status, body)
		}
	}
	var none bool
	if err := st.pool.QueryRow(t.Context(), `SELECT manual_task_score IS NULL FROM assessments WHERE id = $1`, id).Scan(&none); err != nil || !none {
		t.Fatalf("a refused adjust saved the task score: %v", err)
	}
	// A page older than the assessment (changed meanwhile) saves nothing.
	if status, body, _ := postForm(t, head, page+"/adjust", url.Values{"version": {strconv.Itoa(version - 1)}, "task_score": {"60"}}, sameOrigin); status != http.StatusConflict ||
		!strings.Contains(body, "đã thay đổi") {
		t.Fatalf("adjust from an old page: %d\n%s", status, body)
	}
	if status, body, _ := postForm(t, head, page+"/adjust", url.Values{"version": {ver}, "task_score": {"60"}}, sameOrigin); status != http.StatusSeeOther {
		t.Fatalf("adjust: %d\n%s", status, body)
	}
	var score int
	if err := st.pool.QueryRow(t.Context(), `SELECT manual_task_score FROM assessments WHERE id = $1`, id).Scan(&score); err != nil || score != 6000 {
		t.Fatalf("manual_task_score %d, %v; want 6000", score, err)
	}
	// The head sees what approving would give before deciding (the newcomer
	// saw the self total only, and the result after approving).
	if _, body, _ := do(t, head, "GET", page, nil); !strings.Contains(body, "Nếu duyệt bây giờ: 80,00 điểm, loại B") {
		t.Fatalf("person page with the task score: no outcome\n%s", body)
	}
	// The confirmation names what will be approved, the head's 80 — not «giữ
	// nguyên điểm tự chấm … tự chấm – điểm, loại» as a newcomer read it.
	read()
	if status, body, _ := postForm(t, head, st.srv.URL+"/board/confirm", url.Values{"pick": {strconv.FormatInt(id, 10) + ":" + strconv.Itoa(version)}}, sameOrigin); status != http.StatusOK ||
		!strings.Contains(body, "Hà Thị Bích Ngọc</strong> — 80,00 điểm, loại B") || strings.Contains(body, "giữ nguyên điểm tự chấm") {
		t.Fatalf("confirmation: %d\n%s", status, body)
	}
	// Out of range is refused and writes nothing.
	read()
	if status, _, _ := postForm(t, head, page+"/adjust", url.Values{"version": {strconv.Itoa(version)}, "task_score": {"71"}}, sameOrigin); status != http.StatusConflict {
		t.Fatalf("task score 71: %d", status)
	}
	read()
	if status, body := approve(); status != http.StatusSeeOther {
		t.Fatalf("approve with a task score: %d\n%s", status, body)
	}
	var state string
	if err := st.pool.QueryRow(t.Context(), `SELECT status FROM assessments WHERE id = $1`, id).Scan(&state); err != nil || state != "approved" {
		t.Fatalf("status %q, %v", state, err)
	}
}
