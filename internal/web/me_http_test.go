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
