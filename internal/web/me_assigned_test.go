package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"evalbot/internal/app/apikeys"
	"evalbot/internal/app/assigned"
	"evalbot/internal/calendar"
	"evalbot/internal/signin"
)

// TestAssignedTasksOnThePlanPage (a new user's trial): a task pushed by a
// task system reached people only in the chat, so an official working by a
// sign-in link never saw it. The plan page lists what waits, with the
// chat's choices: accept into the week's plan (the task is in the plan the
// page opens), decline with a reason (an empty one is refused, the form
// kept open), and another person's assignment is not theirs to decide.
func TestAssignedTasksOnThePlanPage(t *testing.T) {
	st := newSite(t, ward(t))
	ctx := t.Context()
	k, _, err := apikeys.Create(ctx, st.pool, "Hệ thống quản lý văn bản", "PHB")
	if err != nil {
		t.Fatal(err)
	}
	today := calendar.DateOf(now)
	push := func(source, code, title string) int64 {
		t.Helper()
		a, _, err := assigned.Push(ctx, st.pool, k, assigned.Input{Today: today, SourceID: source, EmployeeCode: code, Title: title,
			SourceDocument: "125/QĐ-UBND"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return a.ID
	}
	first := push("VB-1", "HB012", "Rà soát hồ sơ đất đai tồn đọng")
	second := push("VB-2", "HB012", "Báo cáo tiến độ cấp giấy chứng nhận")
	other := push("VB-3", "HB013", "Việc của người khác")

	c := client(t)
	signIn(t, st, c, "HB012")
	status, body, _ := do(t, c, "GET", st.srv.URL+"/me/plan", nil)
	if status != http.StatusOK || !strings.Contains(body, "Việc được giao từ hệ thống, chờ anh/chị nhận (2)") ||
		!strings.Contains(body, "Rà soát hồ sơ đất đai tồn đọng") || !strings.Contains(body, "Theo văn bản: 125/QĐ-UBND") ||
		strings.Contains(body, "Việc của người khác") {
		t.Fatalf("plan page: %d\n%s", status, body)
	}
	post := func(id int64, form url.Values) (int, string, http.Header) {
		t.Helper()
		form.Set("assignment", strconv.FormatInt(id, 10))
		return postForm(t, c, st.srv.URL+"/me/assignments/"+strconv.FormatInt(id, 10), form, sameOrigin)
	}
	status, _, hdr := post(first, url.Values{"what": {"w"}})
	if status != http.StatusSeeOther || !strings.Contains(hdr.Get("Location"), "kind=week") || !strings.Contains(hdr.Get("Location"), "accepted=1") {
		t.Fatalf("accept into the week: %d %q", status, hdr.Get("Location"))
	}
	if _, body, _ = do(t, c, "GET", st.srv.URL+hdr.Get("Location"), nil); !strings.Contains(body, "Đã nhận việc vào kế hoạch dưới đây.") ||
		!strings.Contains(body, "Rà soát hồ sơ đất đai tồn đọng") || !strings.Contains(body, "chờ anh/chị nhận (1)") {
		t.Fatalf("the week's plan after accepting:\n%s", body)
	}
	// The same press again (a double tap) changes nothing and answers the same.
	if status, _, _ := post(first, url.Values{"what": {"w"}}); status != http.StatusSeeOther {
		t.Errorf("accept again: %d", status)
	}
	// An empty reason is refused: the form stays open, nothing is declined.
	status, body, _ = post(second, url.Values{"what": {"x"}, "reason": {"  \u200b "}})
	if status != http.StatusConflict || !strings.Contains(body, "Vui lòng nhập lý do từ chối") || !strings.Contains(body, "<details open>") {
		t.Fatalf("decline without a reason: %d\n%s", status, body)
	}
	status, _, hdr = post(second, url.Values{"what": {"x"}, "reason": {"Việc thuộc Phòng Tài nguyên và Môi trường"}})
	if status != http.StatusSeeOther || hdr.Get("Location") != "/me/plan?declined=1" {
		t.Fatalf("decline: %d %q", status, hdr.Get("Location"))
	}
	var st2, why string
	if err := st.pool.QueryRow(ctx, `SELECT status, coalesce(decline_reason, '') FROM assignments WHERE id = $1`, second).Scan(&st2, &why); err != nil ||
		st2 != assigned.StatusDeclined || why != "Việc thuộc Phòng Tài nguyên và Môi trường" {
		t.Fatalf("declined: %q %q %v", st2, why, err)
	}
	// Another person's assignment: not theirs, and nothing changes.
	if status, body, _ := post(other, url.Values{"what": {"w"}}); status != http.StatusConflict || !strings.Contains(body, "Việc này đã được nhận hoặc từ chối rồi.") {
		t.Fatalf("another's assignment: %d\n%s", status, body)
	}
	if err := st.pool.QueryRow(ctx, `SELECT status FROM assignments WHERE id = $1`, other).Scan(&st2); err != nil || st2 != assigned.StatusAssigned {
		t.Fatalf("another's assignment is now %q (%v)", st2, err)
	}
}

// TestBrowserAssignedTaskAccepted: in a plain browser, by a sign-in link, A
// accepts a task a task system assigned into the week's plan from the plan
// page; the plan's form then holds it. Screenshot: me-assigned.
func TestBrowserAssignedTaskAccepted(t *testing.T) {
	tab := browser(t)
	bm := newMeWeek(t)
	h, A := bm.h, bm.ps["A"]
	bg := context.Background()
	k, _, err := apikeys.Create(bg, h.Pool, "Hệ thống quản lý văn bản", "P")
	if err != nil {
		t.Fatal(err)
	}
	d := calendar.Date{Year: 2026, Month: 12, Day: 10}
	if _, _, err := assigned.Push(bg, h.Pool, k, assigned.Input{Today: calendar.DateOf(h.Clock.Now()), SourceID: "VB-2026-77",
		EmployeeCode: "A", Title: "Trả lời kiến nghị cử tri về chiếu sáng công cộng", Deadline: &d, SourceDocument: "77/UBND-VP"}, nil); err != nil {
		t.Fatal(err)
	}
	ctx := tab()
	token, _, err := signin.Issue(bg, h.Pool, A.ID, 15*time.Minute, h.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	run(t, ctx, chromedp.Navigate(signin.LinkURL(bm.srv.URL, token)), chromedp.WaitVisible(chromedp.CSS(`button.primary`)),
		chromedp.Click(chromedp.CSS(`button.primary`)), chromedp.WaitVisible(chromedp.CSS(`p.provisional`)),
		chromedp.Navigate(bm.srv.URL+"/me/plan"), chromedp.WaitVisible(chromedp.CSS(`section.waiting`)))
	if got := text(t, ctx, `#waiting-h`); got != "Việc được giao từ hệ thống, chờ anh/chị nhận (1)" {
		t.Fatalf("waiting: %q", got)
	}
	shootPhone(t, ctx, "me-assigned")
	run(t, ctx, chromedp.Click(`//section[@class="waiting"]//button[@value="w"]`), chromedp.WaitVisible(chromedp.CSS(`p.notice[role=status]`)))
	if got := text(t, ctx, `p.notice[role=status]`); got != "Đã nhận việc vào kế hoạch dưới đây. Anh/chị xem lại rồi gửi kế hoạch." {
		t.Fatalf("notice %q", got)
	}
	if got := text(t, ctx, "h1"); got != "Kế hoạch công tác tuần 07/12 – 13/12/2026" {
		t.Fatalf("h1 %q", got)
	}
	if got := text(t, ctx, `ol.assigned`); !strings.Contains(got, "Trả lời kiến nghị cử tri về chiếu sáng công cộng") {
		t.Fatalf("the week's plan after accepting: %q", got)
	}
}
