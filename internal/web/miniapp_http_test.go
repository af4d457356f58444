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

// TestMiniAppHeaders: only the pages of a browser that came in through
// Telegram load telegram-web-app.js, under a CSP that allows it and lets
// Telegram Web frame them; /tg refuses a post without initData, or with any
// when the server has no bot token; every other page keeps the CSP without
// script and X-Frame-Options DENY.
func TestMiniAppHeaders(t *testing.T) {
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
	for _, withToken := range []bool{true, false} {
		s := &web.Server{Pool: pool, Cat: cat, Cal: calendar.Default(), Now: func() time.Time { return now }}
		if withToken {
			s.BotToken = token
		}
		h, err := s.Handler()
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(h)
		defer srv.Close()
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		res, err := client.Get(srv.URL + "/tg")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		csp := res.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self' https://telegram.org") || !strings.Contains(csp, "frame-ancestors https://web.telegram.org") ||
			res.Header.Get("X-Frame-Options") != "" || !strings.Contains(string(body), `<script src="https://telegram.org/js/telegram-web-app.js">`) {
			t.Fatalf("/tg: CSP %q, XFO %q", csp, res.Header.Get("X-Frame-Options"))
		}
		raw := initdata.Sign(map[string]string{"user": `{"id":5001,"first_name":"Một"}`, "auth_date": strconv.FormatInt(now.Add(-time.Minute).Unix(), 10)}, token)
		post := func(form url.Values) *http.Response {
			req, _ := http.NewRequest("POST", srv.URL+"/tg", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", srv.URL)
			res, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			return res
		}
		if res := post(url.Values{}); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("no initData: %d", res.StatusCode)
		}
		res = post(url.Values{"init_data": {raw}})
		if !withToken {
			if res.StatusCode != http.StatusUnauthorized {
				t.Fatalf("no bot token: %d", res.StatusCode)
			}
			continue
		}
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/me/assess" {
			t.Fatalf("valid initData: %d → %q", res.StatusCode, res.Header.Get("Location"))
		}
		req, _ := http.NewRequest("GET", srv.URL+"/me/assess", nil)
		for _, c := range res.Cookies() {
			req.AddCookie(c)
		}
		got, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		got.Body.Close()
		if got.StatusCode != 200 || !strings.Contains(got.Header.Get("Content-Security-Policy"), "https://telegram.org") {
			t.Fatalf("the self-assessment in the Mini App: %d, CSP %q", got.StatusCode, got.Header.Get("Content-Security-Policy"))
		}
		// The same page without the Mini App's cookie: no script.
		plain, _ := http.NewRequest("GET", srv.URL+"/me/assess", nil)
		for _, c := range res.Cookies() {
			if c.Name != "evalbot_tg" {
				plain.AddCookie(c)
			}
		}
		got, err = client.Do(plain)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(got.Body)
		got.Body.Close()
		if strings.Contains(got.Header.Get("Content-Security-Policy"), "script-src") || got.Header.Get("X-Frame-Options") != "DENY" || strings.Contains(string(b), "<script") {
			t.Fatalf("the page in a plain browser: CSP %q, XFO %q", got.Header.Get("Content-Security-Policy"), got.Header.Get("X-Frame-Options"))
		}
	}
}
