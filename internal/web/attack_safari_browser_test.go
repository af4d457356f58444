package web_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"evalbot/internal/calendar"
	"evalbot/internal/locale"
	"evalbot/internal/web"
)

// TestBrowserPostWithoutFetchMetadata (issue 24 attack): Safari before 16.4
// — the WKWebView of Telegram on iOS 15, an iPhone 6s or 7 that officials
// still carry — sends no Sec-Fetch-Site, so http.CrossOriginProtection
// judges a form's post by its Origin header; and under the pages'
// Referrer-Policy «no-referrer» a browser sends «Origin: null» even to its
// own site (Fetch, "serializing a request origin"). Every post was refused
// as cross-origin: the sign-in link's «Đăng nhập», the Mini App's sign-in,
// every save. Headless Chromium with its Fetch Metadata taken off plays
// that browser: the Origin is the one Chromium computes under the page's
// policy, and the Fetch Metadata Safari 15 would not send is taken off
// before the site reads the request.
func TestBrowserPostWithoutFetchMetadata(t *testing.T) {
	tab := browser(t)
	pool := ward(t)
	cat, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	s := &web.Server{Pool: pool, Cat: cat, Cal: calendar.Default(), Now: func() time.Time { return now }}
	h, err := s.Handler()
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var posts []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k := range r.Header {
			if strings.HasPrefix(strings.ToLower(k), "sec-fetch-") {
				r.Header.Del(k)
			}
		}
		if r.Method == http.MethodPost {
			mu.Lock()
			posts = append(posts, fmt.Sprintf("Origin %q", r.Header.Get("Origin")))
			mu.Unlock()
		}
		h.ServeHTTP(w, r)
	}))
	defer srv.Close()
	st := &site{pool: pool, srv: srv}
	if _, err := pool.Exec(t.Context(), `UPDATE assessments a SET status = 'draft', graded = NULL, total = NULL, grade = NULL,
		result = NULL, approved_at = NULL FROM officials o
		WHERE o.id = a.official_id AND o.employee_code = 'HB017' AND a.month = '2026-11-01'`); err != nil {
		t.Fatal(err)
	}
	ctx := tab()
	run(t, ctx, chromedp.Navigate(st.link(t, "HB017", now, 15*time.Minute)), chromedp.WaitVisible(chromedp.CSS(`button.primary`)),
		chromedp.Click(chromedp.CSS(`button.primary`)), chromedp.WaitNotPresent(chromedp.CSS(`form[action^="/signin/"]`)),
		chromedp.WaitVisible(chromedp.CSS(`h1`)))
	got := text(t, ctx, "h1")
	mu.Lock()
	if got != "Tự đánh giá tháng 11/2026" {
		t.Fatalf("«Đăng nhập» without Fetch Metadata led to %q; the post carried %v", got, posts)
	}
	mu.Unlock()
	// A form of the page posts too (the self-assessment's «Tính lại và lưu»).
	run(t, ctx, chromedp.Click(chromedp.CSS(`button[value=save]`)), chromedp.WaitVisible(chromedp.CSS(`p.notice`)))
	if got := text(t, ctx, "h1"); got != "Tự đánh giá tháng 11/2026" {
		t.Fatalf("«Tính lại và lưu» without Fetch Metadata led to %q", got)
	}
	// A post from another site is still refused: its Origin names it.
	mu.Lock()
	defer mu.Unlock()
	for _, p := range posts {
		if p != fmt.Sprintf("Origin %q", srv.URL) {
			t.Errorf("a post of the site carried %s; want its own origin", p)
		}
	}
}
