package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"evalbot/internal/calendar"
	"evalbot/internal/citizen"
	"evalbot/internal/locale"
	"evalbot/internal/roster"
	"evalbot/internal/web"
)

// postForm posts a form as a browser on the site would.
func postForm(t *testing.T, c *http.Client, u string, form url.Values, hdr map[string]string) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequest("POST", u, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
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

// TestCitizenDeviceCookie: the desk page gives the device a signed,
// HttpOnly, SameSite=Lax cookie for a year; a vote without it, with a
// forged one, or posted from another origin rates nothing; a forged level
// or official is refused; the device's rating is its own.
func TestCitizenDeviceCookie(t *testing.T) {
	st := newSite(t, ward(t))
	desk, code := deskQ1(t, st.pool)
	deskURL := st.srv.URL + "/r/" + code.Code
	official := itoa64(*desk.OfficialID)
	ratings := func() int {
		return countRows(t, st, `SELECT count(*) FROM citizen_ratings WHERE desk_id = $1`, desk.ID)
	}

	c := client(t)
	status, body, hdr := do(t, c, "GET", deskURL, nil)
	if status != 200 || !strings.Contains(body, "Hà Thị Bích Ngọc") {
		t.Fatalf("desk page %d", status)
	}
	ck := hdr.Get("Set-Cookie")
	for _, want := range []string{"evalbot_device=", "HttpOnly", "SameSite=Lax", "Max-Age=31536000", "Path=/"} {
		if !strings.Contains(ck, want) {
			t.Fatalf("device cookie %q lacks %q", ck, want)
		}
	}

	// No cookie: refused.
	bare := client(t)
	if status, _, _ := postForm(t, bare, deskURL, url.Values{"level": {"1"}, "official": {official}}, sameOrigin); status != http.StatusConflict {
		t.Fatalf("a vote without a device cookie: %d", status)
	}
	// A forged cookie (another id under a made-up signature): refused.
	u, _ := url.Parse(st.srv.URL)
	forged := client(t)
	forged.Jar.SetCookies(u, []*http.Cookie{{Name: "evalbot_device", Value: "AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA"}})
	if status, _, _ := postForm(t, forged, deskURL, url.Values{"level": {"1"}, "official": {official}}, sameOrigin); status != http.StatusConflict {
		t.Fatalf("a vote with a forged device cookie: %d", status)
	}
	// From another origin: refused by the cross-origin check.
	if status, _, _ := postForm(t, c, deskURL, url.Values{"level": {"1"}, "official": {official}}, map[string]string{"Sec-Fetch-Site": "cross-site"}); status != http.StatusForbidden {
		t.Fatalf("a cross-site vote: %d", status)
	}
	// A forged level or official.
	for _, f := range []url.Values{{"level": {"4"}, "official": {official}}, {"level": {"-1"}, "official": {official}}, {"level": {"1"}, "official": {"x"}}} {
		if status, _, _ := postForm(t, c, deskURL, f, sameOrigin); status != http.StatusConflict {
			t.Fatalf("forged form %v: %d", f, status)
		}
	}
	if n := ratings(); n != 0 {
		t.Fatalf("%d ratings after the refusals", n)
	}
	// The device's own vote.
	status, _, hdr = postForm(t, c, deskURL, url.Values{"level": {"1"}, "official": {official}}, sameOrigin)
	if status != http.StatusSeeOther || !strings.HasPrefix(hdr.Get("Location"), "/rating/") {
		t.Fatalf("vote: %d %q", status, hdr.Get("Location"))
	}
	if n := ratings(); n != 1 {
		t.Fatalf("%d ratings", n)
	}
	// Another device cannot see or comment on it.
	other := client(t)
	do(t, other, "GET", deskURL, nil)
	if status, _, _ := do(t, other, "GET", st.srv.URL+hdr.Get("Location"), nil); status != http.StatusNotFound {
		t.Fatalf("another device's rating page: %d", status)
	}
	if status, _, _ := postForm(t, other, st.srv.URL+hdr.Get("Location"), url.Values{"do": {"send"}, "comment": {"không phải của tôi"}}, sameOrigin); status != http.StatusSeeOther {
		t.Fatalf("another device's comment: %d", status)
	}
	if n := countRows(t, st, `SELECT count(*) FROM citizen_ratings WHERE desk_id = $1 AND comment IS NOT NULL`, desk.ID); n != 0 {
		t.Fatal("another device commented on the rating")
	}
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

// TestCitizenDeviceCookieHTTPS: on an https site the device cookie is
// Secure and takes the __Host- prefix.
func TestCitizenDeviceCookieHTTPS(t *testing.T) {
	pool := ward(t)
	_, code := deskQ1(t, pool)
	cat, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	s := &web.Server{Pool: pool, Cat: cat, Cal: calendar.Default(), Now: func() time.Time { return now }, PublicURL: "https://danhgia.example.vn"}
	h, err := s.Handler()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	status, _, hdr := do(t, client(t), "GET", srv.URL+"/r/"+code.Code, nil)
	ck := hdr.Get("Set-Cookie")
	if status != 200 || !strings.HasPrefix(ck, "__Host-evalbot_device=") || !strings.Contains(ck, "; Secure") || !strings.Contains(ck, "; HttpOnly") {
		t.Fatalf("https device cookie: %d %q", status, ck)
	}
}

// TestVisitDoubleTap: the same device posting a per-visit code's button
// twice gets its rating back both times; another device is refused.
func TestVisitDoubleTap(t *testing.T) {
	st := newSite(t, ward(t))
	desk, _ := deskQ1(t, st.pool)
	vc, err := citizen.NewVisitCode(context.Background(), st.pool, *desk.OfficialID, desk.ID, now)
	if err != nil {
		t.Fatal(err)
	}
	u := st.srv.URL + "/v/" + vc.Code
	form := url.Values{"level": {"0"}, "official": {itoa64(*desk.OfficialID)}}
	c := client(t)
	do(t, c, "GET", u, nil)
	s1, _, h1 := postForm(t, c, u, form, sameOrigin)
	s2, _, h2 := postForm(t, c, u, form, sameOrigin)
	if s1 != http.StatusSeeOther || s2 != http.StatusSeeOther || h1.Get("Location") != h2.Get("Location") {
		t.Fatalf("a double tap: %d %q, %d %q", s1, h1.Get("Location"), s2, h2.Get("Location"))
	}
	other := client(t)
	do(t, other, "GET", st.srv.URL+"/r/dAAAAAAAAAAAAAAAA", nil) // a device cookie
	if s, body, _ := postForm(t, other, u, form, sameOrigin); s != http.StatusGone || !strings.Contains(body, "Mã đã được dùng") {
		t.Fatalf("another device: %d", s)
	}
	if n := countRows(t, st, `SELECT count(*) FROM citizen_ratings WHERE desk_id = $1 AND verified AND version = 1`, desk.ID); n != 1 {
		t.Fatalf("%d verified ratings", n)
	}
}

// TestCitizenDutyChanged: the duty changes between the page and the tap:
// the vote rates nothing and the page shows who serves now; a per-visit
// code made by the official who left is out of date.
func TestCitizenDutyChanged(t *testing.T) {
	st := newSite(t, ward(t))
	ctx := context.Background()
	desk, code := deskQ1(t, st.pool)
	vc, err := citizen.NewVisitCode(ctx, st.pool, *desk.OfficialID, desk.ID, now)
	if err != nil {
		t.Fatal(err)
	}
	c := client(t)
	do(t, c, "GET", st.srv.URL+"/r/"+code.Code, nil)
	bao, err := roster.OfficialByCode(ctx, st.pool, "HB023")
	if err != nil {
		t.Fatal(err)
	}
	if err := citizen.SetDuty(ctx, st.pool, desk.ID, calendar.DateOf(now), &bao.ID, nil); err != nil {
		t.Fatal(err)
	}
	form := url.Values{"level": {"1"}, "official": {itoa64(*desk.OfficialID)}}
	status, body, _ := postForm(t, c, st.srv.URL+"/r/"+code.Code, form, sameOrigin)
	if status != http.StatusConflict || !strings.Contains(body, "Tô Quốc Bảo") || !strings.Contains(body, "vừa thay đổi") {
		t.Fatalf("duty changed: %d\n%s", status, body)
	}
	if status, body, _ := postForm(t, c, st.srv.URL+"/v/"+vc.Code, form, sameOrigin); status != http.StatusGone || !strings.Contains(body, "Mã QR đã cũ") {
		t.Fatalf("a visit code of the official who left: %d", status)
	}
	if n := countRows(t, st, `SELECT count(*) FROM citizen_ratings`); n != 0 {
		t.Fatalf("%d ratings", n)
	}
	// Tapping again on the new page rates Tô Quốc Bảo.
	form.Set("official", itoa64(bao.ID))
	if status, _, _ := postForm(t, c, st.srv.URL+"/r/"+code.Code, form, sameOrigin); status != http.StatusSeeOther {
		t.Fatalf("the new page's tap: %d", status)
	}
	if n := countRows(t, st, `SELECT count(*) FROM citizen_ratings WHERE official_id = $1`, bao.ID); n != 1 {
		t.Fatalf("%d ratings of the official serving now", n)
	}
}
