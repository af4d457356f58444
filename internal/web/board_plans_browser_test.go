package web_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"evalbot/internal/app/access"
	"evalbot/internal/botapitest"
	"evalbot/internal/calendar"
	"evalbot/internal/signin"
	"evalbot/internal/sim"
)

// boardPlanCard is the head's card of p's week plan in chat.
func boardPlanCard(head, p *sim.Person) (botapitest.Message, bool) {
	for _, m := range head.User.Messages() {
		if strings.HasPrefix(m.Text, "Kế hoạch công tác tuần") && strings.Contains(m.Text, p.Name) {
			return m, true
		}
	}
	return botapitest.Message{}, false
}

// TestBrowserBoardPlans: plans to appraise on the review board, in Telegram
// (the Mini App) and in a plain browser (a sign-in link). A, C and E send
// their week's plan in chat (A's with a catalogue item); the head sees the
// three on the board, opens A's (the catalogue task with its quantity and
// standard units, the free-text task with a weight to choose), weighs the
// free-text task, approves A's and C's in one action after a confirmation
// naming them, and returns E's with a reason (an empty one first keeps the
// page). The head's plan cards in chat follow each step, and A, C and E are
// told in chat. The deputy sees a plan only during the delegation.
func TestBrowserBoardPlans(t *testing.T) {
	tab := browser(t)
	for _, way := range []string{"mini app", "sign-in link"} {
		t.Run(way, func(t *testing.T) {
			bm := newBoardMonth(t)
			h, H, A, C, E := bm.h, bm.ps["H"], bm.ps["A"], bm.ps["C"], bm.ps["E"]
			if _, err := h.Pool.Exec(context.Background(), `INSERT INTO catalogue_items (agency_id, code, name, measure, factor)
				SELECT id, 'TD01', 'Thẩm định hồ sơ cấp phép', 'hồ sơ', 150 FROM units WHERE code = 'P'`); err != nil {
				t.Fatal(err)
			}
			for _, s := range []struct {
				p    *sim.Person
				text string
			}{{A, "#TD01 x3 | 04/12\nTiếp công dân"}, {C, "Soạn báo cáo tuần"}, {E, "Rà soát hồ sơ đất đai | 03/12"}} {
				if err := h.Command(s.p, "/plan"); err != nil {
					t.Fatal(err)
				}
				if err := h.Say(s.p, s.text); err != nil {
					t.Fatal(err)
				}
				if err := h.Tap(s.p, "📨 Gửi duyệt"); err != nil {
					t.Fatal(err)
				}
				if _, ok := boardPlanCard(H, s.p); !ok {
					t.Fatalf("H has no plan card of %s", s.p.Name)
				}
			}
			now := h.Clock.Now()
			ctx := tab()
			if way == "mini app" {
				run(t, ctx, chromedp.Navigate(bm.launch(H, now.Add(-time.Minute), bm.token, lightTheme)), chromedp.WaitVisible(chromedp.CSS(`#plans`)))
			} else {
				token, _, err := signin.Issue(context.Background(), h.Pool, H.ID, 15*time.Minute, now)
				if err != nil {
					t.Fatal(err)
				}
				run(t, ctx, chromedp.Navigate(signin.LinkURL(bm.srv.URL, token)), chromedp.WaitVisible(chromedp.CSS(`button.primary`)),
					chromedp.Click(chromedp.CSS(`button.primary`)), chromedp.WaitVisible(chromedp.CSS(`#plans`)))
			}
			// The header: inside Telegram only the board and the person's own
			// pages; in a browser the general navigation, as before.
			nav, err := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll("header.top a, header.top button")].map(e => e.textContent.trim() + (e.getAttribute("href") ? " " + e.getAttribute("href") : "")).join(" | ")`))
			if err != nil {
				t.Fatal(err)
			}
			want := "Bảng duyệt /board | Tự đánh giá của tôi /me/assess"
			if way != "mini app" {
				want = "Đánh giá cán bộ hằng tháng /board | English /board?lang=en | Mã lượt phục vụ /visit | Trang của tôi /me/plan | Đăng xuất"
			}
			if nav != want {
				t.Fatalf("header (%s): %q; want %q", way, nav, want)
			}
			if got := text(t, ctx, "#plans-title"); got != "Kế hoạch chờ thẩm định (3)" {
				t.Fatalf("plans title %q", got)
			}
			if n := count(t, ctx, `input[name=plan]`); n != 3 {
				t.Fatalf("%d plans to select; want 3", n)
			}

			// A's plan: the catalogue task with its quantity and standard
			// units; the free-text task weighed at 2.
			run(t, ctx, chromedp.Click(`//a[strong[.="`+A.Name+`"]]`), chromedp.WaitVisible(chromedp.CSS(`table.plan-tasks`)))
			tasks := text(t, ctx, "table.plan-tasks")
			for _, w := range []string{"Thẩm định hồ sơ cấp phép", "3 hồ sơ (mã TD01)", "4,50", "Tiếp công dân", "Ngoài danh mục"} {
				if !strings.Contains(tasks, w) {
					t.Fatalf("A's plan lacks %q:\n%s", w, tasks)
				}
			}
			if n := count(t, ctx, `table.plan-tasks select`); n != 1 {
				t.Fatalf("%d weights to choose; want 1 (the free-text task)", n)
			}
			run(t, ctx, chromedp.SetValue(chromedp.CSS(`table.plan-tasks select`), "200"),
				chromedp.Click(`//button[.="Lưu trọng số"]`), chromedp.WaitVisible(`//p[@role="status" and .="Đã lưu trọng số."]`))
			if got := text(t, ctx, "table.plan-tasks tbody tr:last-child td"); got != "6,50" {
				t.Fatalf("A's total weight after weighing: %q; want 6,50", got)
			}
			shootPhone(t, ctx, "board-plan")
			if err := h.Flush(); err != nil {
				t.Fatal(err)
			}
			if card, _ := boardPlanCard(H, A); !strings.Contains(card.Text, "2. Tiếp công dân — trọng số 2") || card.Keyboard == nil || card.Edits == 0 {
				t.Fatalf("H's card of A's plan after weighing: %q (%d edits)", card.Text, card.Edits)
			}

			// Approve A's and C's in one action.
			run(t, ctx, chromedp.Click(`//a[contains(., "Về bảng duyệt")]`), chromedp.WaitVisible(chromedp.CSS(`#plans`)))
			for _, p := range []*sim.Person{A, C} {
				run(t, ctx, chromedp.Click(`//li[a/strong[.="`+p.Name+`"]]/input[@name="plan"]`))
			}
			run(t, ctx, chromedp.Click(`//button[contains(., "Duyệt các kế hoạch đã chọn")]`), chromedp.WaitVisible(chromedp.CSS(`ol.names`)))
			if got := text(t, ctx, "h1"); got != "Xác nhận phê duyệt 2 kế hoạch" {
				t.Fatalf("confirmation h1 %q", got)
			}
			if names := text(t, ctx, "ol.names"); !strings.Contains(names, A.Name) || !strings.Contains(names, C.Name) || strings.Contains(names, E.Name) {
				t.Fatalf("the confirmation names %q", names)
			}
			run(t, ctx, chromedp.Click(`//button[.="Phê duyệt 2 kế hoạch"]`), chromedp.WaitVisible(chromedp.CSS(`ul.done`)))
			if got := text(t, ctx, "h1"); got != "Đã phê duyệt 2 kế hoạch" {
				t.Fatalf("done h1 %q", got)
			}

			// Return E's with a reason; only spaces first: refused, kept.
			run(t, ctx, chromedp.Click(`//a[contains(., "Về bảng duyệt")]`), chromedp.WaitVisible(chromedp.CSS(`#plans`)))
			if n := count(t, ctx, `input[name=plan]`); n != 1 {
				t.Fatalf("%d plans left; want E's", n)
			}
			run(t, ctx, chromedp.Click(`//a[strong[.="`+E.Name+`"]]`), chromedp.WaitVisible(chromedp.CSS(`textarea#reason`)),
				chromedp.SendKeys(chromedp.CSS(`textarea#reason`), "   "), chromedp.Click(`//button[.="Trả lại để sửa"]`),
				chromedp.WaitVisible(`//p[@role="alert" and .="Vui lòng nhập lý do trả lại."]`))
			if kept, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { const v = document.getElementById("reason").value; document.getElementById("reason").value = ""; return v })()`)); err != nil || kept != "   " {
				t.Fatalf("the typed reason after the refusal: %q, %v", kept, err)
			}
			reason := "Đề nghị ghi rõ số hồ sơ cần rà soát"
			run(t, ctx, chromedp.SendKeys(chromedp.CSS(`textarea#reason`), reason), chromedp.Click(`//button[.="Trả lại để sửa"]`),
				chromedp.WaitVisible(`//p[@role="status" and .="Đã trả lại kế hoạch kèm lý do."]`))
			if got := text(t, ctx, "#plans"); !strings.Contains(got, "Không có kế hoạch nào chờ thẩm định.") {
				t.Fatalf("plans after deciding all: %q", got)
			}

			// The chat follows: the head's cards, and what each owner got.
			if err := h.Flush(); err != nil {
				t.Fatal(err)
			}
			for _, p := range []*sim.Person{A, C} {
				card, _ := boardPlanCard(H, p)
				if !strings.Contains(card.Text, "✅ Anh/chị đã phê duyệt kế hoạch này.") || card.Keyboard != nil || card.Edits == 0 {
					t.Errorf("H's card of %s's plan: %q (%d rows of buttons)", p.Name, card.Text, len(card.Keyboard))
				}
				if got := p.User.Last().Text; !strings.Contains(got, "đã được "+H.Name+" phê duyệt") {
					t.Errorf("%s's last message: %q", p.Name, got)
				}
			}
			if card, _ := boardPlanCard(H, E); !strings.Contains(card.Text, "↩️ Anh/chị đã trả lại kế hoạch này.") || card.Keyboard != nil {
				t.Errorf("H's card of E's plan: %q", card.Text)
			}
			if got := E.User.Last().Text; !strings.Contains(got, reason) {
				t.Errorf("E's last message: %q", got)
			}
			// E types the plan again straight away, as after a return in chat.
			if err := h.Say(E, "Rà soát 12 hồ sơ đất đai | 03/12"); err != nil {
				t.Fatal(err)
			}
			if got := E.User.Last().Text; !strings.Contains(got, "Rà soát 12 hồ sơ đất đai") {
				t.Errorf("E's new draft: %q", got)
			}
		})
	}

	t.Run("the deputy", func(t *testing.T) {
		bm := newBoardMonth(t)
		h, H, D, A := bm.h, bm.ps["H"], bm.ps["D"], bm.ps["A"]
		for _, step := range []func() error{
			func() error { return h.Command(A, "/plan") },
			func() error { return h.Say(A, "Tiếp công dân") },
			func() error { return h.Tap(A, "📨 Gửi duyệt") },
		} {
			if err := step(); err != nil {
				t.Fatal(err)
			}
		}
		var planID int64
		if err := h.Pool.QueryRow(context.Background(), `SELECT id FROM plans WHERE official_id = $1 AND status = 'submitted'`, A.ID).Scan(&planID); err != nil {
			t.Fatal(err)
		}
		now := h.Clock.Now()
		planURL := bm.srv.URL + "/board/plans/" + itoa(planID)
		ctx := tab()
		run(t, ctx, chromedp.Navigate(bm.launch(D, now, bm.token, lightTheme)), chromedp.WaitVisible(`//h1[.="Tự đánh giá tháng 11/2026"]`),
			chromedp.Navigate(planURL), chromedp.WaitVisible(`//h1[.="Không có người cần duyệt"]`))
		if _, _, err := access.Delegate(context.Background(), h.Pool, H.ID, D.ID, 3, calendar.DateOf(now)); err != nil {
			t.Fatal(err)
		}
		run(t, ctx, chromedp.Navigate(planURL), chromedp.WaitVisible(chromedp.CSS(`table.plan-tasks`)))
		if got := strings.Join(strings.Fields(text(t, ctx, "header.top nav")), " "); got != "Bảng duyệt Tự đánh giá của tôi" {
			t.Fatalf("the deputy's header during the delegation: %q", got)
		}
		// The delegation over (a new session: the last one has ended), the plan is no longer theirs.
		h.Clock.Set(now.AddDate(0, 0, 3))
		ctx = tab()
		run(t, ctx, chromedp.Navigate(bm.launch(D, now.AddDate(0, 0, 3), bm.token, lightTheme)), chromedp.WaitVisible(`//h1[.="Tự đánh giá tháng 11/2026"]`),
			chromedp.Navigate(planURL), chromedp.WaitVisible(`//h1[.="Không có người cần duyệt"]`))
		run(t, ctx, chromedp.Navigate(bm.srv.URL+"/me/assess"), chromedp.WaitVisible(`//h1[.="Tự đánh giá tháng 11/2026"]`))
		if got := strings.Join(strings.Fields(text(t, ctx, "header.top nav")), " "); got != "Tự đánh giá của tôi" {
			t.Fatalf("the deputy's header after the delegation: %q", got)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
