package web_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"evalbot/internal/calendar"
	"evalbot/internal/locale"
	"evalbot/internal/pgtest"
	"evalbot/internal/signin/initdata"
	"evalbot/internal/web"
)

// TestMiniAppOpensTheOfficialsPages: the Mini App's launch URL names the
// official's page to open (/tg?next=plan-week&start=…, report, history, or
// startapp=… in a t.me link); a page not on the list, an address elsewhere
// included, opens the usual landing, never a redirect away; forged and
// expired initData are refused whatever page they name.
func TestMiniAppOpensTheOfficialsPages(t *testing.T) {
	pool := pgtest.New(t)
	if _, err := pool.Exec(t.Context(), `WITH u AS (INSERT INTO units (code, name) VALUES ('U', 'Phòng') RETURNING id)
		INSERT INTO officials (employee_code, full_name, unit_id, category, telegram_user_id, chat_id)
		SELECT 'P1', 'Người Một', id, 'cong_chuc', 5001, 5001 FROM u`); err != nil {
		t.Fatal(err)
	}
	cat, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	const token = "7000000001:AAFakeTokenOfEvalbotForTheTests_0123"
	s := &web.Server{Pool: pool, Cat: cat, Cal: calendar.Default(), Now: func() time.Time { return now }, BotToken: token}
	h, err := s.Handler()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	sign := func(at time.Time, extra map[string]string) string {
		f := map[string]string{"user": `{"id":5001,"first_name":"Một"}`, "auth_date": strconv.FormatInt(at.Unix(), 10)}
		for k, v := range extra {
			f[k] = v
		}
		return initdata.Sign(f, token)
	}
	post := func(query, raw string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest("POST", srv.URL+"/tg"+query, strings.NewReader(url.Values{"init_data": {raw}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", srv.URL)
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	fresh := now.Add(-time.Minute)
	for _, c := range []struct {
		query, startParam, want string
	}{
		{"?next=plan-week&start=2026-12-07", "", "/me/plan?kind=week&start=2026-12-07"},
		{"?next=plan-month&start=2026-12-01", "", "/me/plan?kind=month&start=2026-12-01"},
		{"?next=plan-week&start=%2F%2Fevil.example", "", "/me/plan?kind=week"},
		{"?next=report", "", "/me/report"},
		{"?next=history", "", "/me/history"},
		{"", "history", "/me/history"},
		{"?next=https://evil.example/", "", "/me/assess"},
		{"?next=%2F%2Fevil.example", "", "/me/assess"},
	} {
		extra := map[string]string{}
		if c.startParam != "" {
			extra["start_param"] = c.startParam
		}
		res := post(c.query, sign(fresh, extra))
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != c.want {
			t.Errorf("/tg%s (startapp %q): %d → %q; want %q", c.query, c.startParam, res.StatusCode, res.Header.Get("Location"), c.want)
		}
	}
	// The page Telegram opens keeps the page to open in its form's action.
	res, err := client.Get(srv.URL + "/tg?next=plan-week&start=2026-12-07")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(body), `action="/tg?next=plan-week&amp;start=2026-12-07"`) {
		t.Errorf("/tg's sign-in form does not carry the page to open:\n%s", body)
	}
	forged := strings.Replace(sign(fresh, nil), "M%E1%BB%99t", "Hai", 1)
	for name, raw := range map[string]string{"forged": forged, "expired": sign(now.Add(-25*time.Hour), nil)} {
		if res := post("?next=plan-week", raw); res.StatusCode != http.StatusUnauthorized || res.Header.Get("Location") != "" {
			t.Errorf("%s initData opening the plan: %d → %q", name, res.StatusCode, res.Header.Get("Location"))
		}
	}
}

// TestPlanFormWithoutScript: the plan form's ✕ and «+ Thêm dòng» post the
// form and bring it back as typed, saving nothing; the month's date picker
// is bounded to the month; a deadline outside it is refused with the
// chat's words, the rows kept; the page speaks English with ?lang=en.
func TestPlanFormWithoutScript(t *testing.T) {
	st := newSite(t, ward(t))
	c := client(t)
	signIn(t, st, c, "HB017")
	post := func(form url.Values) (int, string) {
		t.Helper()
		form.Set("kind", "month")
		form.Set("start", "2026-12-01")
		form.Set("version", "0")
		req, _ := http.NewRequest("POST", st.srv.URL+"/me/plan", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	rows := func(op string, titles, deadlines, weights []string) url.Values {
		n := len(titles)
		return url.Values{"op": {op}, "title": titles, "deadline": deadlines, "weight": weights,
			"item": make([]string, n), "qty": make([]string, n), "iname": make([]string, n)}
	}
	status, body := post(rows("del:0", []string{"Rà soát hồ sơ đất đai", "Báo cáo tháng", ""}, []string{"2026-12-10", "", ""}, []string{"", "2", ""}))
	if status != 200 || !strings.Contains(body, `id="title-1" name="title" value="Báo cáo tháng"`) || strings.Contains(body, "Rà soát") ||
		!strings.Contains(body, `id="weight-1" name="weight" value="2"`) || strings.Contains(body, `id="title-3"`) {
		t.Fatalf("after ✕ on row 1: %d\n%s", status, body)
	}
	if !strings.Contains(body, `min="2026-12-01" max="2026-12-31"`) {
		t.Errorf("the month's date picker is not bounded to December")
	}
	if _, body := post(rows("add", []string{"Báo cáo tháng", ""}, []string{"", ""}, []string{"2", ""})); !strings.Contains(body, `id="title-3"`) {
		t.Errorf("«+ Thêm dòng» added no row")
	}
	if n := countRows(t, st, `SELECT count(*) FROM plans p JOIN officials o ON o.id = p.official_id WHERE o.employee_code = 'HB017' AND p.kind = 'month'`); n != 0 {
		t.Fatalf("changing the form saved a plan")
	}
	status, body = post(rows("save", []string{"Báo cáo tháng", "Tổng kết năm"}, []string{"", "2027-01-05"}, []string{"2", ""}))
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "Việc 2: hạn «05/01/2027» nằm ngoài thời gian của kế hoạch (01/12 – 31/12)") ||
		!strings.Contains(body, `id="title-2" name="title" value="Tổng kết năm"`) || !strings.Contains(body, `value="2027-01-05"`) {
		t.Fatalf("a deadline in January: %d\n%s", status, body)
	}
	if status, body := post(rows("save", []string{"Báo cáo tháng", "Tổng kết năm"}, []string{"", "2026-12-30"}, []string{"2", ""})); status != http.StatusSeeOther {
		t.Fatalf("the corrected plan: %d\n%s", status, body)
	}
	if status, body, _ := do(t, c, "GET", st.srv.URL+"/me/plan?kind=month&start=2026-12-01&saved=1&lang=en", nil); status != 200 ||
		!strings.Contains(body, "The draft plan is saved.") || !strings.Contains(body, `value="Tổng kết năm"`) {
		t.Fatalf("the saved plan in English: %d\n%s", status, body)
	}
}
