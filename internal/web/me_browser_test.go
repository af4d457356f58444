package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"evalbot/internal/botapitest"
	"evalbot/internal/calendar"
	"evalbot/internal/locale"
	"evalbot/internal/pgtest"
	"evalbot/internal/roster"
	"evalbot/internal/signin"
	"evalbot/internal/sim"
	"evalbot/internal/web"
)

const meCatalogue = `code,name,measure,factor,applies_to
TD01,Thẩm định hồ sơ cấp phép xây dựng,hồ sơ,"1,5",
VB01,Soạn thảo văn bản hành chính,văn bản,1,
`

// meWeek is the unit of the board's tests on Monday 7 December 2026 in
// Telegram, with an agency catalogue; November was graded in chat (A
// submitted, H approved).
func newMeWeek(t *testing.T) *boardMonth {
	t.Helper()
	pool := pgtest.New(t)
	h, err := sim.New(pool, time.Date(2026, 11, 30, 8, 0, 0, 0, calendar.Location), io.Discard, sim.WithoutLimits())
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
	ctx := context.Background()
	items, errs, err := roster.ReadCatalogue(strings.NewReader(meCatalogue), "catalogue.csv")
	if err != nil || len(errs) > 0 {
		t.Fatal(errs, err)
	}
	_, err = roster.ImportCatalogue(ctx, pool, "P", items, roster.Options{})
	must(err)
	ps, err := h.Onboard()
	must(err)
	for _, q := range []string{
		`INSERT INTO plans (official_id, kind, period_start, month, status)
			SELECT id, 'month', '2026-11-01', '2026-11-01', 'approved' FROM officials WHERE employee_code = 'A'`,
		`INSERT INTO tasks (plan_id, position, title, status)
			SELECT p.id, n, 'Việc tháng 11 số ' || n, 'on_time' FROM plans p, generate_series(1, 3) n`,
	} {
		if _, err := pool.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	must(h.At(time.Date(2026, 11, 30, 9, 0, 0, 0, calendar.Location)))
	must(h.Tap(ps["A"], "📨 Gửi đánh giá"))
	card, ok := reviewCard(ps["H"], ps["A"])
	if !ok {
		t.Fatal("H has no review card of A")
	}
	must(h.TapOn(ps["H"], card, "✅ Duyệt"))
	must(h.At(time.Date(2026, 12, 7, 8, 0, 0, 0, calendar.Location)))
	cat, err := locale.Load()
	must(err)
	js := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		_, _ = io.WriteString(w, fakeWebAppJS)
	}))
	t.Cleanup(js.Close)
	s := &web.Server{Pool: pool, Cat: cat, Cal: calendar.Default(), Now: h.Clock.Now, BotToken: h.Srv.Token(),
		Chat: h.App, Frameworks: h.App.Framework, WebAppJS: js.URL + "/js/telegram-web-app.js"}
	hd, err := s.Handler()
	must(err)
	srv := httptest.NewServer(hd)
	t.Cleanup(srv.Close)
	return &boardMonth{h: h, ps: ps, srv: srv, token: h.Srv.Token()}
}

// value is the value of the form field matching sel.
func value(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector(`+"`"+sel+"`"+`).value`))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestBrowserOfficialPages: an official (in Telegram's Mini App, then by a
// sign-in link in a plain browser) writes the week's plan as a form: the
// task typed in chat is there, a second task with a deadline outside the
// week is refused with every typed field kept, a catalogue item found by a
// name typed without diacritics is added with its quantity and moved up,
// and the plan is sent: the head gets the plan card in Telegram and the
// official's draft card in chat says it was sent. On Friday the report
// marks two tasks and adds a document number; the history shows
// November's grade card.
func TestBrowserOfficialPages(t *testing.T) {
	tab := browser(t)
	for _, way := range []string{"mini app", "sign-in link"} {
		t.Run(way, func(t *testing.T) {
			bm := newMeWeek(t)
			h, A, H := bm.h, bm.ps["A"], bm.ps["H"]
			// A starts the week's plan in chat: one task, a draft card.
			if err := h.Say(A, "/plan"); err != nil {
				t.Fatal(err)
			}
			if err := h.Say(A, "Họp giao ban đầu tuần | 07/12"); err != nil {
				t.Fatal(err)
			}
			if err := h.Flush(); err != nil {
				t.Fatal(err)
			}
			ctx := tab()
			open := func(next, path, wait string) {
				t.Helper()
				at := h.Clock.Now()
				if way == "mini app" {
					run(t, ctx, chromedp.Navigate(bm.launchAt("/tg?next="+next, A, at, bm.token, darkTheme)), chromedp.WaitVisible(chromedp.CSS(wait)))
					return
				}
				token, _, err := signin.Issue(context.Background(), h.Pool, A.ID, 15*time.Minute, at)
				if err != nil {
					t.Fatal(err)
				}
				run(t, ctx, chromedp.Navigate(signin.LinkURL(bm.srv.URL, token)), chromedp.WaitVisible(chromedp.CSS(`button.primary`)),
					chromedp.Click(chromedp.CSS(`button.primary`)), chromedp.WaitVisible(chromedp.CSS(`p.provisional`)),
					chromedp.Click(`//nav[@class="menav"]//a[.="`+path+`"]`), chromedp.WaitVisible(chromedp.CSS(wait)))
			}
			open("plan-week&start=2026-12-07", "Kế hoạch", `form.plan-form`)
			if got := text(t, ctx, "h1"); got != "Kế hoạch công tác tuần 07/12 – 13/12/2026" {
				t.Fatalf("h1 %q", got)
			}
			if got := value(t, ctx, `#title-1`); got != "Họp giao ban đầu tuần" {
				t.Fatalf("row 1 %q: the chat's draft is not on the form", got)
			}
			if got := value(t, ctx, `#deadline-1`); got != "2026-12-07" {
				t.Fatalf("row 1's deadline %q", got)
			}
			// Row 2: a deadline outside the week is refused, the row kept as typed.
			run(t, ctx, chromedp.SendKeys(chromedp.CSS(`#title-2`), "Báo cáo kết quả tiếp dân"),
				chromedp.SetValue(chromedp.CSS(`#deadline-2`), "2026-12-20"), chromedp.SendKeys(chromedp.CSS(`#weight-2`), "1,5"),
				chromedp.Click(`//button[.="Gửi lãnh đạo"]`), chromedp.WaitVisible(chromedp.CSS(`div.error[role=alert]`)))
			if got := text(t, ctx, `div.error li`); got != "Việc 2: hạn «20/12/2026» nằm ngoài thời gian của kế hoạch (07/12 – 13/12)" {
				t.Fatalf("refusal %q", got)
			}
			if got := value(t, ctx, `#title-2`) + "|" + value(t, ctx, `#deadline-2`) + "|" + value(t, ctx, `#weight-2`); got != "Báo cáo kết quả tiếp dân|2026-12-20|1,5" {
				t.Fatalf("row 2 after the refusal: %q", got)
			}
			if err := h.Flush(); err != nil {
				t.Fatal(err)
			}
			if _, ok := planCard(H, A); ok {
				t.Fatal("a refused plan reached the head")
			}
			run(t, ctx, chromedp.SetValue(chromedp.CSS(`#deadline-2`), "2026-12-11"))
			// The catalogue, searched without diacritics; the item picked, 3 of it, moved up.
			run(t, ctx, chromedp.SendKeys(chromedp.CSS(`#q`), "tham dinh"), chromedp.Click(`//button[.="Tìm"]`),
				chromedp.WaitVisible(chromedp.CSS(`ul.found button`)))
			if got := text(t, ctx, `ul.found button`); got != "TD01 — Thẩm định hồ sơ cấp phép xây dựng (hồ sơ)" {
				t.Fatalf("found %q", got)
			}
			run(t, ctx, chromedp.Click(chromedp.CSS(`ul.found button`)), chromedp.WaitVisible(chromedp.CSS(`#qty-3`)))
			if got := value(t, ctx, `#title-2`) + "|" + value(t, ctx, `#deadline-2`); got != "Báo cáo kết quả tiếp dân|2026-12-11" {
				t.Fatalf("row 2 after the search: %q", got)
			}
			run(t, ctx, chromedp.SetValue(chromedp.CSS(`#qty-3`), "3"), chromedp.SendKeys(chromedp.CSS(`#title-3`), "nhà ông Tâm"),
				chromedp.Click(`//button[@aria-label="Đưa việc 3 lên"]`), chromedp.WaitVisible(chromedp.CSS(`#qty-2`)))
			if got := text(t, ctx, `li.plan-row:nth-child(2) .item-name`); got != "TD01 Thẩm định hồ sơ cấp phép xây dựng" {
				t.Fatalf("row 2 after moving up: %q", got)
			}
			if way == "mini app" {
				shootPhone(t, ctx, "me-plan-miniapp-dark")
			} else {
				shootPhone(t, ctx, "me-plan")
			}
			run(t, ctx, chromedp.Click(`//button[.="Gửi lãnh đạo"]`), chromedp.WaitVisible(`//p[@role="status" and .="Đã gửi kế hoạch cho lãnh đạo thẩm định."]`))
			got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll("ol.done-tasks li")].map(li => li.textContent).join("\n")`))
			if err != nil {
				t.Fatal(err)
			}
			if want := "Họp giao ban đầu tuần — hạn 07/12\nThẩm định hồ sơ cấp phép xây dựng: nhà ông Tâm — 3 hồ sơ\nBáo cáo kết quả tiếp dân — hạn 11/12 — trọng số 1,5"; got != want {
				t.Fatalf("the plan sent:\n%s\nwant:\n%s", got, want)
			}
			// Telegram: the head's plan card, and A's draft card edited.
			if err := h.Flush(); err != nil {
				t.Fatal(err)
			}
			card, ok := planCard(H, A)
			if !ok || !strings.Contains(card.Text, "Thẩm định hồ sơ cấp phép xây dựng: nhà ông Tâm") || card.Keyboard == nil {
				t.Fatalf("H's plan card of A: %q", card.Text)
			}
			edited := false
			for _, m := range A.User.Messages() {
				if strings.Contains(m.Text, "📨 Đã gửi lãnh đạo thẩm định.") && m.Edits > 0 && m.Keyboard == nil {
					edited = true
				}
			}
			if !edited {
				t.Errorf("A's draft card in chat was not edited to «sent»: %q", A.User.Last().Text)
			}

			// H approves the plan in chat; on Friday A reports on it.
			if err := h.TapOn(H, card, "✅ Duyệt"); err != nil {
				t.Fatal(err)
			}
			if err := h.At(time.Date(2026, 12, 11, 15, 0, 0, 0, calendar.Location)); err != nil {
				t.Fatal(err)
			}
			// A has the week's /report card in chat; the page's save edits it.
			if err := h.Command(A, "/report"); err != nil {
				t.Fatal(err)
			}
			reportCard := A.User.Last()
			open("report", "Báo cáo tuần", `input[type=radio]`)
			if got := text(t, ctx, "h1"); got != "Báo cáo kết quả — Kế hoạch công tác tuần 07/12 – 13/12/2026" {
				t.Fatalf("report h1 %q", got)
			}
			if n := count(t, ctx, `li.report-task`); n != 3 {
				t.Fatalf("%d tasks in the report; want 3", n)
			}
			// Task 1 on time with a number without a digit: refused, both kept.
			run(t, ctx, chromedp.Click(`//li[1]//input[@value="on_time"]`), chromedp.Click(`//li[2]//input[@value="late"]`),
				chromedp.SendKeys(chromedp.CSS(`#doc-1`), "công văn gửi phường"), chromedp.Click(`//button[.="Lưu báo cáo"]`),
				chromedp.WaitVisible(chromedp.CSS(`p.error[role=alert]`)))
			if got := text(t, ctx, `p.error`); !strings.HasPrefix(got, "Số, ký hiệu văn bản phải có số") {
				t.Fatalf("refused number: %q", got)
			}
			kept, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("li:nth-child(1) input[value=on_time]").checked + "|" +
				document.querySelector("li:nth-child(2) input[value=late]").checked + "|" + document.getElementById("doc-1").value`))
			if err != nil || kept != "true|true|công văn gửi phường" {
				t.Fatalf("the report after the refusal: %q, %v", kept, err)
			}
			run(t, ctx, chromedp.SetValue(chromedp.CSS(`#doc-1`), "125/UBND-VP"), chromedp.Click(`//button[.="Lưu báo cáo"]`),
				chromedp.WaitVisible(`//p[@role="status" and .="Đã lưu báo cáo kết quả tuần."]`))
			marks, err := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll("input[type=radio]:checked")].map(i => i.value).join(",")`))
			if err != nil || marks != "on_time,late" {
				t.Fatalf("marks saved: %q, %v", marks, err)
			}
			if got := text(t, ctx, `li.report-task:nth-child(1) p.small`); got != "Minh chứng (1): 125/UBND-VP" {
				t.Fatalf("task 1's evidence: %q", got)
			}
			if err := h.Flush(); err != nil {
				t.Fatal(err)
			}
			for _, m := range A.User.Messages() {
				if m.ID == reportCard.ID {
					reportCard = m
				}
			}
			if len(reportCard.Keyboard) < 2 || reportCard.Keyboard[0][0].Text != "• 1 ✅ •" || reportCard.Keyboard[1][1].Text != "• 2 ⏰ •" ||
				!strings.Contains(reportCard.Text, "125/UBND-VP") || reportCard.Edits != 1 {
				t.Errorf("A's /report card in chat after the page's save (%d edits): %q %v", reportCard.Edits, reportCard.Text, reportCard.Keyboard)
			}
			if way == "mini app" {
				shootPhone(t, ctx, "me-report-miniapp-dark")
			} else {
				shootPhone(t, ctx, "me-report")
			}

			// The history: November's grade card with its breakdown.
			run(t, ctx, chromedp.Click(`//nav[@class="menav"]//a[.="Kết quả các tháng"]`), chromedp.WaitVisible(chromedp.CSS(`section.gradecard.month`)))
			if got := text(t, ctx, `section.gradecard.month h2`); !strings.Contains(got, "tháng 11/2026") {
				t.Fatalf("history's first card: %q", got)
			}
			if got := text(t, ctx, `section.gradecard.month p.provisional`); !strings.HasPrefix(got, "Tổng điểm ") || !strings.Contains(got, "xếp loại ") {
				t.Fatalf("history's total: %q", got)
			}
			if n := count(t, ctx, `section.gradecard.month table.breakdown tr`); n < 4 {
				t.Fatalf("the breakdown has %d lines", n)
			}
			if way == "mini app" {
				shootPhone(t, ctx, "me-history-miniapp-dark")
			} else {
				shootPhone(t, ctx, "me-history")
			}
		})
	}
}

// planCard is the head's card of p's week plan in chat.
func planCard(head, p *sim.Person) (botapitest.Message, bool) {
	for _, m := range head.User.Messages() {
		if strings.Contains(m.Text, "Kế hoạch công tác tuần 07/12 – 13/12/2026") && strings.Contains(m.Text, p.Name) {
			return m, true
		}
	}
	return botapitest.Message{}, false
}
