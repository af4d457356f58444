package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"
)

// These tests drive Debian's Chromium headless (chromedp) against the web
// face on a test server. .ci/ensure-chromium installs it; without a
// browser they are skipped, except in CI. EVALBOT_SCREENSHOTS=dir writes
// the pages at phone (390×844) and desktop (1366×900) widths as PNG files
// there (docs/web/ holds the committed ones).

func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no chromium found (bash .ci/ensure-chromium installs it)")
	}
	t.Skip("no chromium found; bash .ci/ensure-chromium installs it")
	return ""
}

// browser starts a headless Chromium for the test; each call of tab opens
// a fresh incognito-like context (its own cookies).
func browser(t *testing.T) func() context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromiumPath(t)),
		chromedp.NoSandbox, chromedp.DisableGPU, chromedp.Flag("lang", "vi-VN"))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	return func() context.Context {
		ctx, cancel := chromedp.NewContext(actx)
		ctx, cancel2 := context.WithTimeout(ctx, 60*time.Second)
		t.Cleanup(func() { cancel2(); cancel() })
		if err := chromedp.Do(ctx); err != nil { // starts the browser (or a new target)
			t.Fatal(err)
		}
		return ctx
	}
}

// press presses «Đăng nhập» on a link page and waits for the next page.
func press() chromedp.Action[chromedp.Void] {
	return chromedp.Steps(chromedp.Click(chromedp.CSS(`button.primary`)), chromedp.WaitNotPresent(chromedp.CSS(`button.primary`)),
		chromedp.WaitVisible(chromedp.CSS(`h1`)))
}

func run(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

// text is the visible text of the first element matching sel.
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func count(t *testing.T, ctx context.Context, sel string) int {
	t.Helper()
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll(%q).length`, sel)))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// shoot writes the page at phone and desktop widths when EVALBOT_SCREENSHOTS is set.
func shoot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("EVALBOT_SCREENSHOTS")
	if dir == "" {
		return
	}
	for _, v := range []struct {
		suffix string
		w, h   int64
	}{{"phone", 390, 844}, {"desktop", 1366, 900}} {
		run(t, ctx, chromedp.EmulateViewport(v.w, v.h))
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+"-"+v.suffix+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run(t, ctx, chromedp.EmulateViewport(1366, 900))
}

// TestBrowserAdminDashboard: an admin opens their sign-in link, presses
// «Đăng nhập», sees the month's dashboard with its chart, sorts and filters
// the units, drills into a unit and reads its people, switches to English
// and signs out.
func TestBrowserAdminDashboard(t *testing.T) {
	st := newSite(t, ward(t))
	rateInNovember(t, st)
	tab := browser(t)
	ctx := tab()
	link := st.link(t, "HB005", now, 15*time.Minute)

	run(t, ctx, chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS(`button.primary`)))
	if got := text(t, ctx, "h1"); got != "Đăng nhập" {
		t.Fatalf("link page h1 %q", got)
	}
	shoot(t, ctx, "signin")
	run(t, ctx, chromedp.Click(chromedp.CSS(`button.primary`)), chromedp.WaitVisible(chromedp.CSS(`table.units`)))
	if got := text(t, ctx, "h1"); got != "Tình hình đánh giá tháng 11/2026" {
		t.Fatalf("dashboard h1 %q", got)
	}
	if got := text(t, ctx, ".who"); !strings.Contains(got, "Đỗ Quang Huy") {
		t.Fatalf("signed in as %q", got)
	}
	// The picture: the month's grades for the total and the 7 units (each
	// has people), A parts drawn; the 6 months' trend; the satisfaction.
	if n := count(t, ctx, `[aria-labelledby="chart-title-0"] figure.chart ol.bars li`); n != 8 {
		t.Fatalf("%d chart rows, want 8", n)
	}
	if n := count(t, ctx, `[aria-labelledby="chart-title-0"] figure.chart svg.bar rect.g-a`); n == 0 {
		t.Fatal("no grade A in the chart")
	}
	if n := count(t, ctx, `[aria-labelledby="chart-title-1"] figure.chart ol.bars li`); n != 6 {
		t.Fatalf("%d trend rows, want 6", n)
	}
	if got := text(t, ctx, "#chart-title-2"); got != "Mức độ hài lòng của người dân tháng 11/2026 theo đơn vị" {
		t.Fatalf("satisfaction title %q", got)
	}
	if n := count(t, ctx, `[aria-labelledby="chart-title-3"] figure.chart svg.bar rect.s-0`); n != 1 {
		t.Fatalf("%d very satisfied parts in the desks' chart, want 1", n)
	}
	if n := count(t, ctx, "table.units tbody tr"); n != 7 {
		t.Fatalf("%d unit rows, want 7", n)
	}
	shoot(t, ctx, "dashboard")

	// Sort by missing (most first), then filter by name without diacritics.
	run(t, ctx, chromedp.Click(`//th/a[contains(., "Chưa đánh giá")]`), chromedp.WaitVisible(chromedp.CSS(`th[aria-sort]`)))
	firstMissing := text(t, ctx, `table.units tbody tr:nth-child(1) td:nth-of-type(5)`)
	secondMissing := text(t, ctx, `table.units tbody tr:nth-child(2) td:nth-of-type(5)`)
	if a, _ := strconv.Atoi(firstMissing); a < atoi(t, secondMissing) || a == 0 {
		t.Fatalf("sorted by missing: %s before %s", firstMissing, secondMissing)
	}
	run(t, ctx, chromedp.SetValue(chromedp.CSS(`#q`), "kinh te"), chromedp.Submit(chromedp.CSS(`#q`)),
		chromedp.WaitVisible(`//a[contains(., "Bỏ lọc")]`))
	if n := count(t, ctx, "table.units tbody tr"); n != 1 {
		t.Fatalf("filter «kinh te»: %d rows", n)
	}

	// Drill down.
	run(t, ctx, chromedp.Click(`//tbody//a[contains(., "Phòng Kinh tế")]`), chromedp.WaitVisible(chromedp.CSS(`table.people`)))
	if got := text(t, ctx, "h1"); got != "Phòng Kinh tế, Hạ tầng và Đô thị — tháng 11/2026" {
		t.Fatalf("unit h1 %q", got)
	}
	if got := text(t, ctx, "table.people tbody tr:nth-child(1) th"); got != "Đặng Văn Long" {
		t.Fatalf("the head is not first: %q", got)
	}
	if n := count(t, ctx, "table.people tbody tr"); n != 6 {
		t.Fatalf("%d people in PHB-KT, want 6", n)
	}
	shoot(t, ctx, "unit")

	// Download the unit's workbook and reopen it.
	dir := t.TempDir()
	if _, err := chromedp.CallBrowser(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir}); err != nil {
		t.Fatal(err)
	}
	run(t, ctx, chromedp.Click(`//a[contains(., "Tải kết quả tháng 11/2026 của PHB-KT")]`))
	file := filepath.Join(dir, "ket-qua-2026-11-PHB-KT.xlsx")
	for i := 0; ; i++ {
		if _, err := os.Stat(file); err == nil {
			break
		}
		if i == 100 {
			entries, _ := os.ReadDir(dir)
			t.Fatalf("no download after 10 s: %v", entries)
		}
		time.Sleep(100 * time.Millisecond)
	}
	wb, err := excelize.OpenFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(sheetText(t, wb, "PHB-KT"), "Đặng Văn Long") {
		t.Fatalf("the downloaded workbook has no Đặng Văn Long: %v", wb.GetSheetList())
	}
	wb.Close()

	// English by choice, remembered.
	run(t, ctx, chromedp.Click(`//nav//a[.="English"]`), chromedp.WaitVisible(chromedp.CSS(`table.people`)))
	if got := text(t, ctx, "h1"); got != "Phòng Kinh tế, Hạ tầng và Đô thị — 2026-11" {
		t.Fatalf("English unit h1 %q", got)
	}
	run(t, ctx, chromedp.Click(`//a[contains(., "Back to the overview")]`), chromedp.WaitVisible(chromedp.CSS(`table.units`)))
	if got := text(t, ctx, "h1"); got != "Evaluation of 2026-11" {
		t.Fatalf("English dashboard h1 %q", got)
	}
	shoot(t, ctx, "dashboard-en")

	// The last months, in English still.
	run(t, ctx, chromedp.Click(`//a[.="Grades over the last 6 months"]`), chromedp.WaitVisible(chromedp.CSS(`table.trend`)))
	if n := count(t, ctx, "figure.chart ol.bars li"); n != 6 {
		t.Fatalf("%d months in the trend, want 6", n)
	}
	if got := text(t, ctx, "table.trend tbody tr:nth-child(6) th"); got != "2026-11" {
		t.Fatalf("last month of the trend %q", got)
	}
	shoot(t, ctx, "trend-en")

	// Sign out: back to / is the sign-in-needed page.
	run(t, ctx, chromedp.Click(`//button[.="Sign out"]`), chromedp.WaitVisible(`//h1[.="Signed out"]`),
		chromedp.Navigate(st.srv.URL+"/"), chromedp.WaitVisible(`//h1[.="Please sign in"]`))
}

// TestBrowserRefusals: an official, an admin of another subtree, an
// expired link, a reused link, a forged cookie and a cross-origin form are
// all refused in a real browser.
func TestBrowserRefusals(t *testing.T) {
	st := newSite(t, ward(t))
	tab := browser(t)

	signInTab := func(code string) context.Context {
		ctx := tab()
		run(t, ctx, chromedp.Navigate(st.link(t, code, now, 15*time.Minute)), press())
		return ctx
	}

	// An official who is no admin: signed in, they land on their own
	// self-assessment; the overview refuses them.
	ctx := signInTab("HB003")
	run(t, ctx, chromedp.Navigate(st.srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`h1`)))
	if got := text(t, ctx, "h1"); got != "Không có quyền truy cập" {
		t.Fatalf("official: %q", got)
	}
	shoot(t, ctx, "forbidden")

	// An admin of PHB-VH opens PHB-KT by its URL.
	ctx = signInTab("HB016")
	run(t, ctx, chromedp.Navigate(st.srv.URL+"/units/PHB-KT"), chromedp.WaitVisible(chromedp.CSS(`h1`)))
	if got := text(t, ctx, "h1"); got != "Không tìm thấy trang" {
		t.Fatalf("other subtree: %q", got)
	}
	if n := count(t, ctx, "table"); n != 0 {
		t.Fatal("a table of another subtree was shown")
	}

	// An expired link.
	ctx = tab()
	run(t, ctx, chromedp.Navigate(st.link(t, "HB005", now.Add(-time.Hour), 15*time.Minute)),
		press())
	if got := text(t, ctx, "h1"); got != "Đường dẫn đã hết hạn" {
		t.Fatalf("expired link: %q", got)
	}
	shoot(t, ctx, "link-expired")

	// A reused link: the first press signs in, the second (another browser) is refused.
	link := st.link(t, "HB005", now, 15*time.Minute)
	first, second := tab(), tab()
	run(t, first, chromedp.Navigate(link))
	run(t, second, chromedp.Navigate(link))
	run(t, first, chromedp.Click(chromedp.CSS(`button.primary`)), chromedp.WaitVisible(chromedp.CSS(`table.units`)))
	run(t, second, press())
	if got := text(t, second, "h1"); got != "Đường dẫn đã được sử dụng" {
		t.Fatalf("reused link: %q", got)
	}

	// A forged session cookie.
	ctx = tab()
	host := strings.TrimPrefix(st.srv.URL, "http://")
	host = host[:strings.LastIndex(host, ":")]
	if _, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{Name: "evalbot_session", Value: strings.Repeat("A", 43),
		Domain: host, Path: "/"}); err != nil {
		t.Fatal(err)
	}
	run(t, ctx, chromedp.Navigate(st.srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`h1`)))
	if got := text(t, ctx, "h1"); got != "Cần đăng nhập" {
		t.Fatalf("forged cookie: %q", got)
	}

	// A cross-origin form posting to /signout, pressed by the signed-in admin.
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintf(w, `<!doctype html><form method="post" action="%s/signout"><button id="go">Nhận quà</button></form>`, st.srv.URL)
	}))
	defer evil.Close()
	evilURL := strings.Replace(evil.URL, "127.0.0.1", "localhost", 1) // another site, not only another origin
	run(t, first, chromedp.Navigate(evilURL), chromedp.Click(chromedp.ID("go")), chromedp.WaitNotPresent(chromedp.ID("go")), chromedp.WaitVisible(chromedp.CSS(`h1`)))
	if got := text(t, first, "h1"); got != "Yêu cầu bị từ chối" {
		t.Fatalf("cross-origin sign-out: %q", got)
	}
	run(t, first, chromedp.Navigate(st.srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`table.units`)))
	if n := countRows(t, st, `SELECT count(*) FROM audit_log WHERE action = 'web_signout'`); n != 0 {
		t.Fatalf("a cross-origin form signed out (%d)", n)
	}
	// …and to a sign-in link of someone else.
	other := st.link(t, "HB001", now, 15*time.Minute)
	evil2 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintf(w, `<!doctype html><form method="post" action="%s"><button id="go">Xem</button></form>`, other)
	}))
	defer evil2.Close()
	run(t, first, chromedp.Navigate(strings.Replace(evil2.URL, "127.0.0.1", "localhost", 1)), chromedp.Click(chromedp.ID("go")), chromedp.WaitNotPresent(chromedp.ID("go")),
		chromedp.WaitVisible(chromedp.CSS(`h1`)))
	if got := text(t, first, "h1"); got != "Yêu cầu bị từ chối" {
		t.Fatalf("cross-origin sign-in: %q", got)
	}
	if n := countRows(t, st, `SELECT count(*) FROM web_signin_tokens t JOIN officials o ON o.id = t.official_id
		WHERE o.employee_code = 'HB001' AND t.used_at IS NOT NULL`); n != 0 {
		t.Fatal("a cross-origin form used a sign-in link")
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// sheetText is every cell of a sheet, row by row.
func sheetText(t *testing.T, f *excelize.File, sheet string) []string {
	t.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		out = append(out, r...)
	}
	return out
}
