package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"regexp"
	"strings"
	"testing"

	"evalbot/internal/pgtest"
)

// TestDemoWeb: `evalbot demo --web` plays the month, then serves its web
// pages and prints the dashboard's URL with the admin's one-time sign-in
// link and a desk's citizens' page; both open (200, the right page) in an
// HTTP client, the sign-in link leading to the dashboard of November 2026;
// the command ends when its context does (Ctrl-C).
func TestDemoWeb(t *testing.T) {
	if testing.Short() {
		t.Skip("plays the demo month (about 10 s)")
	}
	t.Setenv("DATABASE_URL", pgtest.URL(t))
	t.Setenv("EVALBOT_WEB_ADDR", "")
	t.Setenv("EVALBOT_LANG", "")
	r, w, _ := os.Pipe()
	stdout := os.Stdout
	os.Stdout = w
	defer func() { os.Stdout = stdout }()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		err := demoCmd(ctx, []string{"--web"})
		w.Close()
		done <- err
	}()
	var got bytes.Buffer
	buf := make([]byte, 64<<10)
	for !strings.Contains(got.String(), "Ctrl-C.") {
		n, err := r.Read(buf)
		if err != nil {
			t.Fatalf("%v; demo: %v\n%s", err, <-done, got.String())
		}
		got.Write(buf[:n])
	}
	os.Stdout = stdout
	out := got.String()
	find := func(re string) string {
		m := regexp.MustCompile(re).FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("no %s in the demo's output:\n%s", re, out[max(0, len(out)-2000):])
		}
		return m[1]
	}
	dash := find(`Trang tổng hợp tháng của ban tổ chức: (http://127\.0\.0\.1:\d+/) `)
	link := find(`ban tổ chức:.*\n  (http://127\.0\.0\.1:\d+/signin/\S+)\n`)
	headLink := find(`Bảng duyệt tháng.*\n  (http://127\.0\.0\.1:\d+/signin/\S+)\n`)
	officialLink := find(`Trang của một cán bộ.*\n  (http://127\.0\.0\.1:\d+/signin/\S+)\n`)
	desk := find(`\n  (http://127\.0\.0\.1:\d+/r/\S+)\n`)

	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	get := func(method, url string, wants ...string) {
		t.Helper()
		req, _ := http.NewRequest(method, url, nil)
		if method == http.MethodPost {
			req.Header.Set("Origin", strings.TrimSuffix(dash, "/"))
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s %s: %d\n%s", method, url, resp.StatusCode, body)
		}
		for _, w := range wants {
			if !strings.Contains(string(body), w) {
				t.Errorf("%s %s lacks %q:\n%s", method, url, w, body)
			}
		}
	}
	// The link's page, then its button: the session opens and the dashboard follows.
	get(http.MethodGet, link, `action="`+strings.TrimPrefix(link, strings.TrimSuffix(dash, "/"))+`"`)
	get(http.MethodPost, link, "tháng 11/2026", "Phường Hòa Bình Mới", "Văn phòng HĐND và UBND")
	get(http.MethodGet, dash, "tháng 11/2026")
	get(http.MethodGet, desk, "Quầy 1 - Đất đai và xây dựng")
	// The head's link opens their review board, in a session of their own.
	jar, _ = cookiejar.New(nil)
	client.Jar = jar
	get(http.MethodPost, headLink, "Bảng duyệt tháng 11/2026", "Tỷ lệ loại A")
	// The official's link opens their own pages.
	jar, _ = cookiejar.New(nil)
	client.Jar = jar
	get(http.MethodPost, officialLink, "Trịnh Hữu Nghĩa")
	get(http.MethodGet, strings.TrimSuffix(dash, "/")+"/me/history", "tháng 11/2026")

	cancel()
	if err := <-done; err != nil {
		t.Fatalf("demo --web ended with %v", err)
	}
}
