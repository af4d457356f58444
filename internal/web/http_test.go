package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/xuri/excelize/v2"

	"evalbot/internal/calendar"
	"evalbot/internal/dashboard/dashtest"
	"evalbot/internal/locale"
	"evalbot/internal/pgtest"
	"evalbot/internal/signin"
	"evalbot/internal/web"
)

// client is a browser-like HTTP client: a cookie jar, no redirects followed.
func client(t *testing.T) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func do(t *testing.T, c *http.Client, method, u string, hdr map[string]string) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

// sameOrigin is what a browser sends with a form posted from the site itself.
var sameOrigin = map[string]string{"Sec-Fetch-Site": "same-origin"}

func signIn(t *testing.T, st *site, c *http.Client, code string) {
	t.Helper()
	link := st.link(t, code, now, 15*time.Minute)
	if status, _, _ := do(t, c, "POST", link, sameOrigin); status != http.StatusSeeOther {
		t.Fatalf("sign-in POST: %d", status)
	}
}

func countRows(t *testing.T, st *site, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := st.pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestSignInByLink: the GET of a link only shows the button (a link
// preview does not use it up); the POST opens a session and is audited; the
// same link posted again, an expired link, a forged cookie and a signed-out
// session are refused with a page in the person's language.
func TestSignInByLink(t *testing.T) {
	st := newSite(t, ward(t))
	c := client(t)
	link := st.link(t, "HB005", now, 15*time.Minute)

	status, body, hdr := do(t, c, "GET", link, nil)
	if status != 200 || !strings.Contains(body, `<html lang="vi">`) || !strings.Contains(body, "Đăng nhập</button>") {
		t.Fatalf("link page: %d\n%s", status, body)
	}
	if csp := hdr.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") {
		t.Fatalf("CSP %q", csp)
	}
	if hdr.Get("Referrer-Policy") != "same-origin" || hdr.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("headers %v", hdr)
	}
	if n := countRows(t, st, `SELECT count(*) FROM web_signin_tokens WHERE used_at IS NOT NULL`); n != 0 {
		t.Fatal("a GET used the link up")
	}
	status, _, hdr = do(t, c, "POST", link, sameOrigin)
	if status != http.StatusSeeOther || hdr.Get("Location") != "/" {
		t.Fatalf("sign-in: %d %v", status, hdr)
	}
	ck := hdr.Get("Set-Cookie")
	if !strings.Contains(ck, "HttpOnly") || !strings.Contains(ck, "SameSite=Lax") || !strings.Contains(ck, "Path=/") {
		t.Fatalf("cookie %q", ck)
	}
	if status, body, _ := do(t, c, "GET", st.srv.URL+"/", nil); status != 200 || !strings.Contains(body, "Tình hình đánh giá tháng 11/2026") {
		t.Fatalf("dashboard: %d\n%s", status, body)
	}
	if n := countRows(t, st, `SELECT count(*) FROM audit_log a JOIN officials o ON o.id = a.actor_id
		WHERE a.action = 'web_signin' AND o.employee_code = 'HB005'`); n != 1 {
		t.Fatalf("%d sign-ins audited", n)
	}

	// The same link again, from another browser.
	status, body, _ = do(t, client(t), "POST", link, sameOrigin)
	if status != http.StatusGone || !strings.Contains(body, "Đường dẫn đã được sử dụng") {
		t.Fatalf("reused link: %d\n%s", status, body)
	}
	// An expired link, in English.
	old := st.link(t, "HB005", now.Add(-time.Hour), 15*time.Minute)
	status, body, _ = do(t, client(t), "POST", old+"?lang=en", sameOrigin)
	if status != http.StatusGone || !strings.Contains(body, "This link has expired") || !strings.Contains(body, `<html lang="en">`) {
		t.Fatalf("expired link: %d\n%s", status, body)
	}
	if n := countRows(t, st, `SELECT count(*) FROM audit_log WHERE action = 'web_signin_refused'`); n != 2 {
		t.Fatalf("%d refused sign-ins audited, want 2", n)
	}
	// A forged cookie of the right shape.
	forged := client(t)
	u, _ := url.Parse(st.srv.URL)
	forged.Jar.SetCookies(u, []*http.Cookie{{Name: "evalbot_session", Value: strings.Repeat("A", 43)}})
	if status, body, _ := do(t, forged, "GET", st.srv.URL+"/", nil); status != http.StatusUnauthorized || !strings.Contains(body, "Cần đăng nhập") {
		t.Fatalf("forged cookie: %d\n%s", status, body)
	}
	// Idle for more than 30 minutes: the session is over.
	st.clock = func() time.Time { return now.Add(31 * time.Minute) }
	if status, _, _ := do(t, c, "GET", st.srv.URL+"/", nil); status != http.StatusUnauthorized {
		t.Fatalf("idle session: %d", status)
	}
	st.clock = func() time.Time { return now }

	// Sign out: the cookie no longer opens anything, and it is audited.
	c2 := client(t)
	signIn(t, st, c2, "HB005")
	cookies := c2.Jar.Cookies(u)
	if status, _, hdr := do(t, c2, "POST", st.srv.URL+"/signout", sameOrigin); status != http.StatusSeeOther || hdr.Get("Location") != "/signed-out" {
		t.Fatalf("sign-out: %d", status)
	}
	replay := client(t)
	replay.Jar.SetCookies(u, cookies)
	if status, _, _ := do(t, replay, "GET", st.srv.URL+"/", nil); status != http.StatusUnauthorized {
		t.Fatalf("signed-out cookie: %d", status)
	}
	if n := countRows(t, st, `SELECT count(*) FROM audit_log WHERE action = 'web_signout'`); n != 1 {
		t.Fatalf("%d sign-outs audited", n)
	}
	// Tokens never reach the audit log.
	if n := countRows(t, st, `SELECT count(*) FROM audit_log WHERE before::text || after::text || coalesce(reason, '') LIKE '%' || $1 || '%'`,
		link[strings.LastIndex(link, "/")+1:]); n != 0 {
		t.Fatal("a token is in the audit log")
	}
}

// TestCrossOriginPostRefused: a form on another site posting to /signout or
// to a sign-in link is refused (http.CrossOriginProtection) and changes nothing.
func TestCrossOriginPostRefused(t *testing.T) {
	st := newSite(t, ward(t))
	c := client(t)
	signIn(t, st, c, "HB005")
	for _, h := range []map[string]string{{"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"}, {"Origin": "https://evil.example"}} {
		status, body, _ := do(t, c, "POST", st.srv.URL+"/signout", h)
		if status != http.StatusForbidden || !strings.Contains(body, "Yêu cầu bị từ chối") {
			t.Fatalf("cross-origin sign-out %v: %d\n%s", h, status, body)
		}
		link := st.link(t, "HB003", now, 15*time.Minute)
		if status, _, _ := do(t, client(t), "POST", link, h); status != http.StatusForbidden {
			t.Fatalf("cross-origin sign-in %v: %d", h, status)
		}
	}
	if status, _, _ := do(t, c, "GET", st.srv.URL+"/", nil); status != 200 {
		t.Fatalf("the session did not survive: %d", status)
	}
	if n := countRows(t, st, `SELECT count(*) FROM web_signin_tokens WHERE used_at IS NOT NULL`); n != 1 {
		t.Fatalf("%d links used, want only the admin's own", n)
	}
}

// TestRefusals: an official who is no admin gets 403; an admin of another
// subtree cannot open a unit outside theirs (404, as for an unknown unit).
func TestRefusals(t *testing.T) {
	st := newSite(t, ward(t))
	off := client(t)
	signIn(t, st, off, "HB003")
	if status, body, _ := do(t, off, "GET", st.srv.URL+"/", nil); status != http.StatusForbidden || !strings.Contains(body, "Không có quyền truy cập") {
		t.Fatalf("official on /: %d\n%s", status, body)
	} else if !strings.Contains(body, `<a href="/me/assess">`) {
		// Regression (a new user's trial): the brand on every page linked to
		// «/», which refuses anyone but the organization department.
		t.Errorf("the official's brand link does not lead to their own page:\n%s", body)
	}
	if status, _, _ := do(t, off, "GET", st.srv.URL+"/units/PHB-DU", nil); status != http.StatusForbidden {
		t.Fatalf("official on their own unit: %d", status)
	}
	vh := client(t)
	signIn(t, st, vh, "HB016")
	if status, body, _ := do(t, vh, "GET", st.srv.URL+"/units/PHB-VH", nil); status != 200 || !strings.Contains(body, "Lưu Minh Tuấn") {
		t.Fatalf("own subtree: %d\n%s", status, body)
	}
	// A code typed or pasted as people do: lower case, a zero-width space, a
	// no-break space at the end (the roster keeps codes so; the page looked
	// them up with a trim and upper case only, and said «not found»).
	if status, body, _ := do(t, vh, "GET", st.srv.URL+"/units/phb-%E2%80%8Bvh%C2%A0", nil); status != 200 || !strings.Contains(body, "Lưu Minh Tuấn") {
		t.Fatalf("own subtree by a pasted code: %d", status)
	}
	for _, code := range []string{"PHB-KT", "PHB", "NOPE", "phb-%E2%80%8Bkt"} {
		if status, body, _ := do(t, vh, "GET", st.srv.URL+"/units/"+code, nil); status != http.StatusNotFound || strings.Contains(body, "Đặng Văn Long") {
			t.Fatalf("%s outside the subtree: %d", code, status)
		}
	}
	if status, body, _ := do(t, vh, "GET", st.srv.URL+"/", nil); status != 200 || strings.Contains(body, "PHB-KT") {
		t.Fatalf("PHB-VH's admin sees another unit on the overview: %d", status)
	}
	// Not signed in at all.
	if status, _, _ := do(t, client(t), "GET", st.srv.URL+"/units/PHB-VH", nil); status != http.StatusUnauthorized {
		t.Fatalf("anonymous: %d", status)
	}
}

// TestRateLimitOnLinks: guessing sign-in links from one address is slowed
// to a few a minute after a burst.
func TestRateLimitOnLinks(t *testing.T) {
	st := newSite(t, ward(t))
	c := client(t)
	limited := false
	for i := 0; i < 15 && !limited; i++ {
		status, _, _ := do(t, c, "GET", st.srv.URL+"/signin/"+strings.Repeat("B", 43), nil)
		limited = status == http.StatusTooManyRequests
	}
	if !limited {
		t.Fatal("15 guesses in a row were not limited")
	}
}

// TestOfficeSignsInByLinks: a ward office is one public address; 18
// colleagues open the sign-in links the bot sent them within a second (the
// pages' own limit per address lets 40 requests through at once).
// Every request to /signin/ took a token of the address's bucket (a burst
// of 10, then one every 5 s), so from the sixth person on they read «Quá
// nhiều yêu cầu». Only a link that is not one now takes a token: everyone
// gets in; a dozen guesses from the address stop every sign-in from it,
// a valid link's too (a guess that succeeds looks like the others).
func TestOfficeSignsInByLinks(t *testing.T) {
	st := newSite(t, ward(t))
	rows, err := st.pool.Query(t.Context(), `SELECT id FROM officials WHERE active ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil || len(ids) < 20 {
		t.Fatalf("%d officials, %v", len(ids), err)
	}
	link := func(id int64) string {
		token, _, err := signin.Issue(t.Context(), st.pool, id, time.Hour, now)
		if err != nil {
			t.Fatal(err)
		}
		return signin.LinkURL(st.srv.URL, token)
	}
	for i, id := range ids[:18] {
		c, l := client(t), link(id)
		if status, _, _ := do(t, c, "GET", l, nil); status != http.StatusOK {
			t.Fatalf("colleague %d opening the link: %d", i+1, status)
		}
		if status, _, _ := do(t, c, "POST", l, sameOrigin); status != http.StatusSeeOther {
			t.Fatalf("colleague %d signing in: %d", i+1, status)
		}
	}
	g := client(t)
	for range 12 {
		do(t, g, "POST", st.srv.URL+"/signin/"+strings.Repeat("C", 43), sameOrigin)
	}
	if status, _, _ := do(t, client(t), "POST", link(ids[0]), sameOrigin); status != http.StatusTooManyRequests {
		t.Fatalf("a valid link after a dozen guesses from its address: %d; want 429", status)
	}
}

// TestOverviewPages: a city's units come 100 to a page, with links that
// keep the sort; the totals cover every unit.
func TestOverviewPages(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.New(t)
	if err := dashtest.City(ctx, pool, 250, 2, calendar.Month{Year: 2026, Month: 11}, calendar.WeekOf(calendar.DateOf(now))); err != nil {
		t.Fatal(err)
	}
	st := newSite(t, pool)
	c := client(t)
	signIn(t, st, c, dashtest.AdminCode)
	status, body, _ := do(t, c, "GET", st.srv.URL+"/?sort=missing", nil)
	if status != 200 || strings.Count(body, `<a href="/units/`) != 100 || !strings.Contains(body, "Trang 1/3") ||
		!strings.Contains(body, `data-label="Số người">500</td>`) {
		t.Fatalf("page 1: %d, %d units", status, strings.Count(body, `<a href="/units/`))
	}
	next := "/?page=2&amp;sort=missing"
	if !strings.Contains(body, `href="`+next+`" rel="next"`) {
		t.Fatalf("no link to page 2 keeping the sort")
	}
	status, body, _ = do(t, c, "GET", st.srv.URL+"/?page=3&sort=missing", nil)
	if status != 200 || strings.Count(body, `<a href="/units/`) != 50 || !strings.Contains(body, "Trang 3/3") || strings.Contains(body, `rel="next"`) {
		t.Fatalf("page 3: %d, %d units", status, strings.Count(body, `<a href="/units/`))
	}
}

// TestPersonLanguage: without ?lang= or a cookie, a page about a person
// speaks their language on the roster: the link's owner on its pages, the
// signed-in official on theirs.
func TestPersonLanguage(t *testing.T) {
	st := newSite(t, ward(t))
	if _, err := st.pool.Exec(context.Background(), `UPDATE officials SET language = 'en' WHERE employee_code IN ('HB003', 'HB010')`); err != nil {
		t.Fatal(err)
	}
	old := st.link(t, "HB010", now.Add(-time.Hour), 15*time.Minute)
	if status, body, _ := do(t, client(t), "GET", old, nil); status != 200 || !strings.Contains(body, `<html lang="en">`) || !strings.Contains(body, "Sign in</button>") {
		t.Fatalf("link page of an English speaker: %d\n%s", status, body)
	}
	if status, body, _ := do(t, client(t), "POST", old, sameOrigin); status != http.StatusGone || !strings.Contains(body, "This link has expired") {
		t.Fatalf("expired link of an English speaker: %d\n%s", status, body)
	}
	c := client(t)
	signIn(t, st, c, "HB003")
	if status, body, _ := do(t, c, "GET", st.srv.URL+"/", nil); status != http.StatusForbidden || !strings.Contains(body, "No access") {
		t.Fatalf("403 of an English speaker: %d\n%s", status, body)
	}
	// Their choice on the page wins.
	if _, body, _ := do(t, c, "GET", st.srv.URL+"/?lang=vi", nil); !strings.Contains(body, "Không có quyền truy cập") {
		t.Fatalf("?lang=vi did not win:\n%s", body)
	}
	if _, body, _ := do(t, c, "GET", st.srv.URL+"/", nil); !strings.Contains(body, "Không có quyền truy cập") {
		t.Fatalf("the chosen language was not remembered:\n%s", body)
	}
}

// TestHTTPSSite: behind https the session cookie is Secure with the
// __Host- prefix and HSTS is sent; an unknown path is a page in Vietnamese.
func TestHTTPSSite(t *testing.T) {
	pool := ward(t)
	cat, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	s := &web.Server{Pool: pool, Cat: cat, Cal: calendar.Default(), Now: func() time.Time { return now }, PublicURL: "https://danhgia.example.vn"}
	h, err := s.Handler()
	if err != nil {
		t.Fatal(err)
	}
	st := &site{pool: pool, srv: httptest.NewServer(h)}
	defer st.srv.Close()
	link := st.link(t, "HB005", now, 15*time.Minute)
	status, _, hdr := do(t, client(t), "POST", link, sameOrigin)
	ck := hdr.Get("Set-Cookie")
	if status != http.StatusSeeOther || !strings.HasPrefix(ck, "__Host-evalbot_session=") || !strings.Contains(ck, "; Secure") {
		t.Fatalf("https sign-in: %d %q", status, ck)
	}
	if hsts := hdr.Get("Strict-Transport-Security"); !strings.HasPrefix(hsts, "max-age=") {
		t.Fatalf("HSTS %q", hsts)
	}
	if status, body, _ := do(t, client(t), "GET", st.srv.URL+"/nope", nil); status != http.StatusNotFound || !strings.Contains(body, "Không tìm thấy trang") {
		t.Fatalf("unknown path: %d", status)
	}
	if status, _, _ := do(t, client(t), "GET", st.srv.URL+"/signout", nil); status != http.StatusNotFound {
		t.Fatalf("GET /signout: %d", status)
	}
}

// TestExportDownload: an admin downloads the month's workbook of their
// subtree and it reopens with excelize (a sheet per unit); another
// subtree's admin and an official are refused.
func TestExportDownload(t *testing.T) {
	st := newSite(t, ward(t))
	c := client(t)
	signIn(t, st, c, "HB005")
	_, body, _ := do(t, c, "GET", st.srv.URL+"/", nil)
	if !strings.Contains(body, `href="/export.xlsx?unit=PHB" download>Tải kết quả tháng 11/2026 của PHB (Excel)</a>`) {
		t.Fatalf("no download link on the overview:\n%s", body)
	}
	status, xlsx, hdr := do(t, c, "GET", st.srv.URL+"/export.xlsx?unit=PHB", nil)
	if status != 200 || !strings.Contains(hdr.Get("Content-Disposition"), `filename=ket-qua-2026-11-PHB.xlsx`) {
		t.Fatalf("export: %d %v", status, hdr)
	}
	f, err := excelize.OpenReader(strings.NewReader(xlsx))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("PHB-KT")
	if err != nil {
		t.Fatalf("sheet PHB-KT: %v (sheets %v)", err, f.GetSheetList())
	}
	found := false
	for _, r := range rows {
		found = found || slices.Contains(r, "Đặng Văn Long")
	}
	if !found {
		t.Fatalf("PHB-KT's sheet has no Đặng Văn Long: %v", rows)
	}
	if n := countRows(t, st, `SELECT count(*) FROM audit_log WHERE action = 'export_month'`); n != 1 {
		t.Fatalf("%d exports audited", n)
	}
	vh := client(t)
	signIn(t, st, vh, "HB016")
	if status, _, _ := do(t, vh, "GET", st.srv.URL+"/export.xlsx?unit=PHB", nil); status != http.StatusNotFound {
		t.Fatalf("another subtree's export: %d", status)
	}
	off := client(t)
	signIn(t, st, off, "HB003")
	if status, _, _ := do(t, off, "GET", st.srv.URL+"/export.xlsx?unit=PHB-DU", nil); status != http.StatusForbidden {
		t.Fatalf("an official's export: %d", status)
	}
}

// TestRemindMissing: «remind» on a unit's page queues one Telegram message
// per missing person in their language, at most once a day (a second press
// queues nothing and says so); another subtree's admin and a cross-origin
// form cannot press it.
func TestRemindMissing(t *testing.T) {
	st := newSite(t, ward(t))
	ctx := context.Background()
	if _, err := st.pool.Exec(ctx, `UPDATE officials SET chat_id = 5000 + id, telegram_user_id = 5000 + id,
		language = CASE employee_code WHEN 'HB014' THEN 'en' ELSE 'vi' END
		WHERE unit_id = (SELECT id FROM units WHERE code = 'PHB-KT')`); err != nil {
		t.Fatal(err)
	}
	c := client(t)
	signIn(t, st, c, "HB005")
	if _, body, _ := do(t, c, "GET", st.srv.URL+"/units/PHB-KT", nil); !strings.Contains(body, "Nhắc 1 người chưa đánh giá (qua Telegram)</button>") {
		t.Fatalf("no remind button:\n%s", body)
	}
	status, _, hdr := do(t, c, "POST", st.srv.URL+"/units/PHB-KT/remind", sameOrigin)
	if status != http.StatusSeeOther || hdr.Get("Location") != "/units/PHB-KT?reminded=1" {
		t.Fatalf("remind: %d %v", status, hdr)
	}
	var text string
	if err := st.pool.QueryRow(ctx, `SELECT o.payload->>'text' FROM outbox o JOIN officials p ON p.id = o.official_id
		WHERE p.employee_code = 'HB014' AND o.dedup_key = 'remind-assess-manual:' || p.id || ':2026-12-03'`).Scan(&text); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "11/2026") || strings.Contains(text, "Anh/chị") {
		t.Fatalf("reminder text %q (HB014 reads English)", text)
	}
	if _, body, _ := do(t, c, "GET", st.srv.URL+"/units/PHB-KT?reminded=1", nil); !strings.Contains(body, "Đã gửi lời nhắc tới 1 người qua Telegram.") {
		t.Fatal("the page does not say who was reminded")
	}
	status, _, hdr = do(t, c, "POST", st.srv.URL+"/units/PHB-KT/remind", sameOrigin)
	if status != http.StatusSeeOther || hdr.Get("Location") != "/units/PHB-KT?reminded=0" {
		t.Fatalf("second press: %d %v", status, hdr)
	}
	if _, body, _ := do(t, c, "GET", st.srv.URL+"/units/PHB-KT?reminded=0", nil); !strings.Contains(body, "Không gửi thêm lời nhắc") {
		t.Fatal("the second press does not say nothing was sent")
	}
	if n := countRows(t, st, `SELECT count(*) FROM outbox`); n != 1 {
		t.Fatalf("%d messages queued, want 1", n)
	}
	if n := countRows(t, st, `SELECT count(*) FROM audit_log WHERE action = 'remind_missing'`); n != 1 {
		t.Fatalf("%d reminders audited, want 1", n)
	}
	vh := client(t)
	signIn(t, st, vh, "HB016")
	if status, _, _ := do(t, vh, "POST", st.srv.URL+"/units/PHB-KT/remind", sameOrigin); status != http.StatusNotFound {
		t.Fatalf("another subtree's admin: %d", status)
	}
	if status, _, _ := do(t, c, "POST", st.srv.URL+"/units/PHB-KT/remind", map[string]string{"Sec-Fetch-Site": "cross-site"}); status != http.StatusForbidden {
		t.Fatalf("cross-origin remind: %d", status)
	}
}
