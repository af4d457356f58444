package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"evalbot/internal/app/access"
	"evalbot/internal/botapitest"
	"evalbot/internal/calendar"
	"evalbot/internal/locale"
	"evalbot/internal/pgtest"
	"evalbot/internal/signin"
	"evalbot/internal/signin/initdata"
	"evalbot/internal/sim"
	"evalbot/internal/web"
)

// fakeWebAppJS stands in for https://telegram.org/js/telegram-web-app.js in
// the harness, doing what it does for evalbot's pages: Telegram opens the
// Mini App's URL with the launch parameters in its fragment
// (#tgWebAppData=<initData>&tgWebAppThemeParams=<JSON>), the script keeps
// them in sessionStorage for the pages that follow, and offers them as
// window.Telegram.WebApp (initData, themeParams, colorScheme).
const fakeWebAppJS = `(function () {
  var p = {};
  location.hash.slice(1).split("&").forEach(function (kv) {
    if (!kv) return;
    var i = kv.indexOf("=");
    p[decodeURIComponent(kv.slice(0, i))] = decodeURIComponent(kv.slice(i + 1));
  });
  if (p.tgWebAppData) { sessionStorage.setItem("tgParams", JSON.stringify(p)); }
  else { p = JSON.parse(sessionStorage.getItem("tgParams") || "{}"); }
  var theme = p.tgWebAppThemeParams ? JSON.parse(p.tgWebAppThemeParams) : {};
  var bg = (theme.bg_color || "#ffffff").replace("#", "");
  var lum = 0.299 * parseInt(bg.substr(0, 2), 16) + 0.587 * parseInt(bg.substr(2, 2), 16) + 0.114 * parseInt(bg.substr(4, 2), 16);
  window.Telegram = { WebApp: { initData: p.tgWebAppData || "", themeParams: theme, colorScheme: lum < 120 ? "dark" : "light",
    ready: function () {}, expand: function () {} } };
})();`

// Telegram's default themes (as its clients send them), light and dark.
const (
	lightTheme = `{"bg_color":"#ffffff","text_color":"#000000","hint_color":"#707579","link_color":"#3390ec","button_color":"#3390ec","button_text_color":"#ffffff","secondary_bg_color":"#f4f4f5","section_separator_color":"#e7e7e7"}`
	darkTheme  = `{"bg_color":"#212121","text_color":"#ffffff","hint_color":"#aaaaaa","link_color":"#8774e1","button_color":"#8774e1","button_text_color":"#ffffff","secondary_bg_color":"#0f0f0f","section_separator_color":"#3b3b3b"}`
)

const boardUnits = `code,name,parent_code,exceptional
P,Phường Thử,,
U,Phòng Văn hóa - Thông tin,P,
`

const boardOfficials = `employee_code,full_name,unit_code,category,position,is_head,phone,language
H,Nguyễn Văn Hùng,U,Công chức,Trưởng phòng,true,0912100001,vi
D,Phạm Thị Dung,U,Công chức,Phó Trưởng phòng,,0912100002,vi
A,Lê Văn An,U,Công chức,Chuyên viên,,0912100003,vi
B,Trần Thị Bình,U,Công chức,Chuyên viên,,0912100004,vi
C,Đỗ Văn Cường,U,Công chức,Chuyên viên,,0912100005,vi
E,Vũ Thị Em,U,Công chức,Chuyên viên,,0912100006,vi
G,Hoàng Văn Giang,U,Công chức,Chuyên viên,,0912100007,vi
`

// boardMonth is a unit in Telegram on the last working day of November
// 2026: A and B did every task of their monthly plan (grade A), C, E and G
// half of it; all five submitted their self-assessment in chat, and the
// head H has a review card for each.
type boardMonth struct {
	h     *sim.Harness
	ps    map[string]*sim.Person
	srv   *httptest.Server
	token string
}

func newBoardMonth(t *testing.T, unsent ...string) *boardMonth {
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
	ps, err := h.Onboard()
	must(err)
	ctx := context.Background()
	for _, q := range []string{
		`INSERT INTO plans (official_id, kind, period_start, month, status)
			SELECT id, 'month', '2026-11-01', '2026-11-01', 'approved' FROM officials WHERE employee_code IN ('A', 'B', 'C', 'E', 'G')`,
		`INSERT INTO tasks (plan_id, position, title, status)
			SELECT p.id, n, 'Việc ' || n, CASE WHEN o.employee_code IN ('C', 'E', 'G') AND n > 2 THEN 'not_done' ELSE 'on_time' END
			  FROM plans p JOIN officials o ON o.id = p.official_id, generate_series(1, 4) n`,
	} {
		if _, err := pool.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	must(h.At(time.Date(2026, 11, 30, 9, 0, 0, 0, calendar.Location)))
	for _, c := range []string{"A", "B", "C", "E", "G"} {
		if !slices.Contains(unsent, c) {
			must(h.Tap(ps[c], "📨 Gửi đánh giá"))
		}
	}
	for _, c := range []string{"A", "C", "E", "G"} {
		if _, ok := reviewCard(ps["H"], ps[c]); !ok && !slices.Contains(unsent, c) {
			t.Fatalf("H has no review card of %s", c)
		}
	}
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

// reviewCard is the head's card of p's submission in chat.
func reviewCard(head, p *sim.Person) (botapitest.Message, bool) {
	for _, m := range head.User.Messages() {
		if strings.Contains(m.Text, "Đánh giá tháng 11/2026 — "+p.Name) {
			return m, true
		}
	}
	return botapitest.Message{}, false
}

// launch is the URL Telegram opens for p's Mini App: /tg with the initData
// it signs with the bot's token (botToken), issued at, and the theme.
func (bm *boardMonth) launch(p *sim.Person, at time.Time, botToken, theme string) string {
	return bm.launchAt("/tg", p, at, botToken, theme)
}

// launchAt is launch for the Mini App's page path (a web_app button's URL).
func (bm *boardMonth) launchAt(path string, p *sim.Person, at time.Time, botToken, theme string) string {
	data := initdata.Sign(map[string]string{
		"user":      `{"id":` + strconv.FormatInt(p.User.ID, 10) + `,"first_name":"` + p.Name + `","language_code":"vi"}`,
		"auth_date": strconv.FormatInt(at.Unix(), 10), "chat_type": "private", "chat_instance": "-4700000000000000001",
	}, botToken)
	return bm.srv.URL + path + "#tgWebAppData=" + url.QueryEscape(data) + "&tgWebAppThemeParams=" + url.QueryEscape(theme)
}

// TestBrowserReviewBoard: the head opens the review board in Telegram (the
// Mini App, initData signed as Telegram signs it) and in a plain browser
// (a sign-in link), approves three people from the board in one action
// after a confirmation naming them, sees the grade-A meter move, returns
// one with a reason, and on one person's page sets a task's status and
// marks a done task «chưa đạt» with a reason; each one's card in the head's
// chat changes with it, and each official is told in chat. Forged, expired
// and another bot's initData are refused, and a stranger gets the chat's
// polite refusal; the deputy sees the board only while the delegation lasts.
func TestBrowserReviewBoard(t *testing.T) {
	tab := browser(t)
	for _, way := range []string{"mini app", "sign-in link"} {
		t.Run(way, func(t *testing.T) {
			bm := newBoardMonth(t)
			h, H, now := bm.h, bm.ps["H"], bm.h.Clock.Now()
			ctx := tab()
			if way == "mini app" {
				run(t, ctx, chromedp.Navigate(bm.launch(H, now.Add(-time.Minute), bm.token, darkTheme)),
					chromedp.WaitVisible(chromedp.CSS(`table.board-table`)))
				if got, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.classList.contains("tg-dark")`)); err != nil || !got {
					t.Fatalf("Telegram's dark theme not applied: %v %v", got, err)
				}
			} else {
				token, _, err := signin.Issue(context.Background(), bm.h.Pool, H.ID, 15*time.Minute, now)
				if err != nil {
					t.Fatal(err)
				}
				run(t, ctx, chromedp.Navigate(signin.LinkURL(bm.srv.URL, token)), chromedp.WaitVisible(chromedp.CSS(`button.primary`)),
					chromedp.Click(chromedp.CSS(`button.primary`)), chromedp.WaitVisible(chromedp.CSS(`table.board-table`)))
				if n := count(t, ctx, `script`); n != 0 {
					t.Fatalf("a plain browser's board loads %d scripts; want none", n)
				}
			}
			if got := text(t, ctx, "h1"); got != "Bảng duyệt tháng 11/2026" {
				t.Fatalf("board h1 %q", got)
			}
			if got := text(t, ctx, ".meter-text"); got != "A: 0 của 2 đã dùng" {
				t.Fatalf("meter before: %q", got)
			}
			if n := count(t, ctx, `input[name=pick]`); n != 5 {
				t.Fatalf("%d people to select; want 5", n)
			}
			if way == "mini app" {
				shootPhone(t, ctx, "board-miniapp-dark")
			} else {
				shootPhone(t, ctx, "board")
				if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
					Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}}}); err != nil {
					t.Fatal(err)
				}
				shootPhone(t, ctx, "board-dark")
				if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{}); err != nil {
					t.Fatal(err)
				}
			}
			// Filter: the people waiting whose name has «van» (no diacritics).
			run(t, ctx, chromedp.SetValue(chromedp.CSS(`#q`), "van"), chromedp.Submit(chromedp.CSS(`#q`)),
				chromedp.WaitVisible(chromedp.CSS(`table.board-table`)))
			if got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll("tbody th a")].map(a => a.textContent).join(", ")`)); err != nil ||
				got != "Lê Văn An, Đỗ Văn Cường, Hoàng Văn Giang" {
				t.Fatalf("filtered by «van»: %q, %v", got, err)
			}
			run(t, ctx, chromedp.Navigate(bm.srv.URL+"/board?sort=total"), chromedp.WaitVisible(chromedp.CSS(`table.board-table`)))
			if got := text(t, ctx, `tbody tr:first-child th`); !strings.Contains(got, "Lê Văn An") && !strings.Contains(got, "Trần Thị Bình") {
				t.Fatalf("sorted by self total, first %q", got)
			}

			// Approve A, C and E in one action.
			for _, c := range []string{"A", "C", "E"} {
				run(t, ctx, chromedp.Click(`//tr[th/a[.="`+bm.ps[c].Name+`"]]//input[@name="pick"]`))
			}
			run(t, ctx, chromedp.Click(`//button[contains(., "Duyệt những người đã chọn")]`), chromedp.WaitVisible(chromedp.CSS(`ol.names`)))
			if got := text(t, ctx, "h1"); got != "Xác nhận duyệt 3 người" {
				t.Fatalf("confirmation h1 %q", got)
			}
			names := text(t, ctx, "ol.names")
			for _, c := range []string{"A", "C", "E"} {
				if !strings.Contains(names, bm.ps[c].Name) {
					t.Fatalf("the confirmation does not name %s: %q", bm.ps[c].Name, names)
				}
			}
			shootPhone(t, ctx, "board-confirm")
			run(t, ctx, chromedp.Click(`//button[.="Duyệt 3 người"]`), chromedp.WaitVisible(chromedp.CSS(`ul.done`)))
			if got := text(t, ctx, "h1"); got != "Đã duyệt 3 người" {
				t.Fatalf("done h1 %q", got)
			}
			run(t, ctx, chromedp.Click(`//a[contains(., "Về bảng duyệt")]`), chromedp.WaitVisible(chromedp.CSS(`table.board-table`)))
			if got := text(t, ctx, ".meter-text"); got != "A: 1 của 2 đã dùng" {
				t.Fatalf("meter after approving A's A: %q", got)
			}

			// Adjust B's first criterion down one point: the head's card of B
			// shows it, with buttons of the new version.
			run(t, ctx, chromedp.Click(`//a[.="`+bm.ps["B"].Name+`"]`), chromedp.WaitVisible(chromedp.CSS(`form.adjust select`)))
			first, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { const s = document.querySelector("form.adjust select"); s.selectedIndex = s.selectedIndex - 1; return s.id })()`))
			if err != nil {
				t.Fatal(err)
			}
			run(t, ctx, chromedp.Click(`//button[.="Lưu điều chỉnh"]`), chromedp.WaitVisible(`//p[@role="status" and .="Đã lưu điều chỉnh."]`))
			if got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("`+first+`").selectedOptions[0].textContent`)); got != "4,00" {
				t.Fatalf("B's %s after the adjustment: %q", first, got)
			}
			if err := h.Flush(); err != nil {
				t.Fatal(err)
			}
			if card, _ := reviewCard(H, bm.ps["B"]); !strings.Contains(card.Text, "Lãnh đạo đã điều chỉnh") || card.Keyboard == nil || card.Edits == 0 {
				t.Errorf("H's card of B after the adjustment: %q", card.Text)
			}

			// B's task 2 was late, and task 1 is not up to standard: the
			// head's card of B shows both, and B is told why in chat.
			li := func(n int) string { return `ol.board-tasks > li:nth-child(` + strconv.Itoa(n) + `) ` }
			button := func(n int, label string) string {
				return `//ol[@class="board-tasks"]/li[` + strconv.Itoa(n) + `]//button[.="` + label + `"]`
			}
			run(t, ctx, chromedp.SetValue(chromedp.CSS(li(2)+`select`), "late"), chromedp.Click(button(2, "Lưu trạng thái")),
				chromedp.WaitVisible(`//p[@role="status" and .="Đã lưu trạng thái công việc."]`))
			if got := text(t, ctx, li(2)+`p.task-state`); got != "Trạng thái: trễ hạn · minh chứng: 0" {
				t.Fatalf("B's task 2 after the status: %q", got)
			}
			quality := "Biên bản thiếu chữ ký của người chủ trì"
			run(t, ctx, chromedp.Click(chromedp.CSS(li(1)+`summary`)), chromedp.WaitVisible(chromedp.CSS(li(1)+`textarea`)),
				chromedp.SendKeys(chromedp.CSS(li(1)+`textarea`), quality), chromedp.Click(button(1, "Ghi nhận chưa đạt")),
				chromedp.WaitVisible(`//p[@role="status" and .="Đã ghi nhận việc chưa đạt yêu cầu."]`))
			if got := text(t, ctx, li(1)+`p.task-faults`); got != "⚠️ Chưa đạt ×1. Lý do lần gần nhất: "+quality {
				t.Fatalf("B's task 1 after the mark: %q", got)
			}
			shootPhone(t, ctx, "board-person")
			if way == "sign-in link" {
				if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
					Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}}}); err != nil {
					t.Fatal(err)
				}
				shootPhone(t, ctx, "board-person-dark")
				if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{}); err != nil {
					t.Fatal(err)
				}
			}
			if err := h.Flush(); err != nil {
				t.Fatal(err)
			}
			if card, _ := reviewCard(H, bm.ps["B"]); !strings.Contains(card.Text, "4 việc: 3 đúng hạn, 1 trễ hạn, 0 chưa hoàn thành") ||
				!strings.Contains(card.Text, "Chất lượng: 1 lần đánh giá chưa đạt") || card.Keyboard == nil {
				t.Errorf("H's card of B after the task's status and mark: %q", card.Text)
			}
			if got := bm.ps["B"].User.Last().Text; got != "Lãnh đạo đánh giá việc «Việc 1» (tháng 11/2026) chưa đạt yêu cầu (1 lần). Lý do: "+quality {
				t.Errorf("B's last message: %q; want the «chưa đạt» notice", got)
			}
			run(t, ctx, chromedp.Navigate(bm.srv.URL+"/board"), chromedp.WaitVisible(chromedp.CSS(`table.board-table`)))

			// Return G with a reason; an empty reason first keeps the page.
			run(t, ctx, chromedp.Click(`//a[.="`+bm.ps["G"].Name+`"]`), chromedp.WaitVisible(chromedp.CSS(`textarea#reason`)))
			reason := "Đề nghị bổ sung kết quả việc 3 và 4"
			// Only spaces: refused (the browser's "required" passes them), typed text kept.
			run(t, ctx, chromedp.SendKeys(chromedp.CSS(`textarea#reason`), "   "), chromedp.Click(`//button[.="Trả lại để sửa"]`),
				chromedp.WaitVisible(`//p[@role="alert" and .="Vui lòng nhập lý do trả lại."]`))
			if kept, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { const v = document.getElementById("reason").value; document.getElementById("reason").value = ""; return v })()`)); err != nil || kept != "   " {
				t.Fatalf("the typed reason after the refusal: %q, %v", kept, err)
			}
			run(t, ctx, chromedp.SendKeys(chromedp.CSS(`textarea#reason`), reason),
				chromedp.Click(`//button[.="Trả lại để sửa"]`), chromedp.WaitVisible(chromedp.CSS(`p.notice[role=status]`)))
			if got := text(t, ctx, `p.notice`); got != "Đã trả lại bản tự đánh giá kèm lý do." {
				t.Fatalf("after returning: %q", got)
			}

			// The chat follows: the head's cards, and what each person got.
			if err := h.Flush(); err != nil {
				t.Fatal(err)
			}
			for _, c := range []string{"A", "C", "E"} {
				card, _ := reviewCard(H, bm.ps[c])
				if !strings.Contains(card.Text, "✅ Đã duyệt") || card.Keyboard != nil || card.Edits == 0 {
					t.Errorf("H's card of %s after the board: %q (%d buttons rows, %d edits)", c, card.Text, len(card.Keyboard), card.Edits)
				}
				if got := bm.ps[c].User.Last().Text; !strings.Contains(got, "Kết quả đánh giá, xếp loại tháng 11/2026") {
					t.Errorf("%s's last message: %q; want the grade card", c, got)
				}
			}
			card, _ := reviewCard(H, bm.ps["G"])
			if !strings.Contains(card.Text, "↩️ Đã trả lại. Lý do: "+reason) || card.Keyboard != nil {
				t.Errorf("H's card of G: %q", card.Text)
			}
			if got := bm.ps["G"].User.Last(); !strings.Contains(got.Text, reason) || got.Keyboard == nil {
				t.Errorf("G's returned self-assessment: %q", got.Text)
			}
			if card, _ := reviewCard(H, bm.ps["B"]); card.Keyboard == nil {
				t.Errorf("B's card lost its buttons: %q", card.Text)
			}
		})
	}

	t.Run("refusals and the deputy", func(t *testing.T) {
		bm := newBoardMonth(t)
		now := bm.h.Clock.Now()
		H, D := bm.ps["H"], bm.ps["D"]
		ctx := tab()
		for _, c := range []struct {
			name, url, h1 string
		}{
			{"forged", strings.Replace(bm.launch(H, now, bm.token, lightTheme), "Nguy", "Nguz", 1), "Không đăng nhập được"},
			{"expired", bm.launch(H, now.Add(-25*time.Hour), bm.token, lightTheme), "Không đăng nhập được"},
			{"another bot's", bm.launch(H, now, "7000000002:AAAnotherBotsTokenForTheTests_456789", lightTheme), "Không đăng nhập được"},
			{"a stranger", bm.launch(&sim.Person{Name: "Người Lạ", User: &botapitest.User{ID: 99000001}}, now, bm.token, lightTheme), "Chưa liên kết tài khoản"},
		} {
			run(t, ctx, chromedp.Navigate(c.url), chromedp.WaitVisible(`//h1[.="`+c.h1+`"]`))
			run(t, ctx, chromedp.Navigate(bm.srv.URL+"/board"), chromedp.WaitVisible(chromedp.CSS(`h1`)))
			if got := text(t, ctx, "h1"); got == "Bảng duyệt tháng 11/2026" {
				t.Fatalf("%s initData opened the board", c.name)
			}
		}
		// The deputy: no board, then the head delegates for 3 days.
		// Signed in, the deputy lands on their own self-assessment; the board says no.
		run(t, ctx, chromedp.Navigate(bm.launch(D, now, bm.token, lightTheme)), chromedp.WaitVisible(`//h1[.="Tự đánh giá tháng 11/2026"]`),
			chromedp.Navigate(bm.srv.URL+"/board"), chromedp.WaitVisible(`//h1[.="Không có người cần duyệt"]`))
		if _, _, err := access.Delegate(context.Background(), bm.h.Pool, H.ID, D.ID, 3, calendar.DateOf(now)); err != nil {
			t.Fatal(err)
		}
		run(t, ctx, chromedp.Navigate(bm.srv.URL+"/board"), chromedp.WaitVisible(chromedp.CSS(`table.board-table`)))
		if n := count(t, ctx, `input[name=pick]`); n != 5 {
			t.Fatalf("the deputy selects among %d; want 5", n)
		}
		bm.h.Clock.Set(now.AddDate(0, 0, 3))
		ctx = tab()
		run(t, ctx, chromedp.Navigate(bm.launch(D, now.AddDate(0, 0, 3), bm.token, lightTheme)), chromedp.WaitVisible(`//h1[.="Tự đánh giá tháng 11/2026"]`),
			chromedp.Navigate(bm.srv.URL+"/board"), chromedp.WaitVisible(`//h1[.="Không có người cần duyệt"]`))
	})
}

// shootPhone writes the page at phone width when EVALBOT_SCREENSHOTS is set.
func shootPhone(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("EVALBOT_SCREENSHOTS")
	if dir == "" {
		return
	}
	run(t, ctx, chromedp.EmulateViewport(390, 844))
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+"-phone.png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, ctx, chromedp.EmulateViewport(1366, 900))
}

// TestBrowserSelfAssessment: an official opens the self-assessment on one
// page (in Telegram from the web_app button of their self-assessment card, or
// in a browser by a sign-in link), lowers a criterion and claims a bonus
// (refused without its reason, the choice kept), sees the provisional total
// move, and submits; their card in chat says it was sent and the head gets
// the review card.
func TestBrowserSelfAssessment(t *testing.T) {
	tab := browser(t)
	for _, way := range []string{"mini app", "sign-in link"} {
		t.Run(way, func(t *testing.T) {
			bm := newBoardMonth(t, "G")
			h, G, H, now := bm.h, bm.ps["G"], bm.ps["H"], bm.h.Clock.Now()
			ctx := tab()
			if way == "mini app" {
				run(t, ctx, chromedp.Navigate(bm.launchAt("/tg?next=assess", G, now, bm.token, lightTheme)), chromedp.WaitVisible(chromedp.CSS(`p.provisional`)))
			} else {
				token, _, err := signin.Issue(context.Background(), h.Pool, G.ID, 15*time.Minute, now)
				if err != nil {
					t.Fatal(err)
				}
				run(t, ctx, chromedp.Navigate(signin.LinkURL(bm.srv.URL, token)), chromedp.WaitVisible(chromedp.CSS(`button.primary`)),
					chromedp.Click(chromedp.CSS(`button.primary`)), chromedp.WaitVisible(chromedp.CSS(`p.provisional`)))
			}
			if got := text(t, ctx, "h1"); got != "Tự đánh giá tháng 11/2026" {
				t.Fatalf("h1 %q", got)
			}
			before := text(t, ctx, "p.provisional")
			// The first criterion down two points, a bonus of 1 without a reason.
			if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const s = document.querySelector("select[name^=c_]"); s.selectedIndex -= 2;
				document.getElementById("bonus").value = "1"; return true })()`)); err != nil {
				t.Fatal(err)
			}
			run(t, ctx, chromedp.Click(`//button[.="Tính lại và lưu"]`), chromedp.WaitVisible(`//p[@role="alert" and .="Vui lòng ghi lý do đề nghị điểm thưởng."]`))
			if got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("select[name^=c_]").value + "/" + document.getElementById("bonus").value`)); got != "3/1" {
				t.Fatalf("the choice after the refusal: %q; want 3/1 kept", got)
			}
			run(t, ctx, chromedp.SendKeys(chromedp.CSS(`textarea#reason`), "Hoàn thành đột xuất việc tiếp dân cuối tuần"),
				chromedp.Click(`//button[.="Tính lại và lưu"]`), chromedp.WaitVisible(`//p[@role="status" and starts-with(., "Đã lưu")]`))
			after := text(t, ctx, "p.provisional")
			if after == before || !strings.HasPrefix(after, "Tạm tính: ") {
				t.Fatalf("provisional before %q, after %q", before, after)
			}
			shootPhone(t, ctx, "self-assessment")
			run(t, ctx, chromedp.Click(`//button[.="Gửi đánh giá"]`), chromedp.WaitVisible(`//p[@role="status" and .="Đã gửi bản tự đánh giá cho lãnh đạo."]`))
			if n := count(t, ctx, `button[value=submit]`); n != 0 {
				t.Fatalf("a sent self-assessment still offers Submit")
			}
			if err := h.Flush(); err != nil {
				t.Fatal(err)
			}
			card, ok := reviewCard(H, G)
			if !ok || !strings.Contains(card.Text, "Hoàn thành đột xuất việc tiếp dân cuối tuần") || card.Keyboard == nil {
				t.Fatalf("H's review card of G: %q", card.Text)
			}
			for _, m := range G.User.Messages() {
				if strings.Contains(m.Text, "📨 Đã gửi lãnh đạo đánh giá.") && m.Edits > 0 && m.Keyboard == nil {
					return // G's card in chat says it was sent, without buttons
				}
			}
			t.Errorf("G's self-assessment card in chat was not edited to «sent»: %q", G.User.Last().Text)
		})
	}
}
