package web_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/jackc/pgx/v5/pgxpool"

	"evalbot/internal/citizen"
	"evalbot/internal/roster"
)

// deskQ1 adds desk HCC-Q1 of the one-stop centre (PHB-HCC), served by
// default by HB022 (Hà Thị Bích Ngọc), and puts the centre's head HB020
// on Telegram (chat 2020) so that complaints reach her. It returns the
// desk and its current code.
func deskQ1(t testing.TB, pool *pgxpool.Pool) (citizen.Desk, citizen.Code) {
	t.Helper()
	ctx := context.Background()
	o, err := roster.OfficialByCode(ctx, pool, "HB022")
	if err != nil {
		t.Fatal(err)
	}
	d, err := citizen.CreateDesk(ctx, pool, citizen.DeskInput{Code: "HCC-Q1", Name: "Quầy 1 – Tư pháp, hộ tịch",
		UnitID: o.UnitID, OfficialID: &o.ID}, nil, now)
	if err != nil {
		t.Fatal(err)
	}
	c, err := citizen.ActiveCode(ctx, pool, d.ID, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `UPDATE officials SET chat_id = 2020 WHERE employee_code = 'HB020'`); err != nil {
		t.Fatal(err)
	}
	return d, c
}

// deskRatings lists the desk's ratings as "level channel verified comment".
func deskRatings(t testing.TB, pool *pgxpool.Pool, deskID int64) []string {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT level || ' ' || channel || ' ' || verified || ' ' || coalesce(comment, '-')
		FROM citizen_ratings WHERE desk_id = $1 ORDER BY id`, deskID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// TestBrowserCitizenRates: a citizen opens the desk's URL and rates in two
// taps (a level, then «Bỏ qua»); rating again the same day replaces the
// rating (one stored, the new level), and a «không hài lòng» with a comment
// reaches the head as the chat's complaint card. A rotated sign and an
// unknown code get the out-of-date page; ?lang=en speaks English.
func TestBrowserCitizenRates(t *testing.T) {
	pool := ward(t)
	st := newSite(t, pool)
	desk, code := deskQ1(t, pool)
	tab := browser(t)
	ctx := tab()
	deskURL := st.srv.URL + "/r/" + code.Code

	run(t, ctx, chromedp.Navigate(deskURL), chromedp.WaitVisible(chromedp.CSS(`button.level`)))
	if got := text(t, ctx, "h1"); got != "Đánh giá mức độ hài lòng" {
		t.Fatalf("desk page h1 %q", got)
	}
	if got := text(t, ctx, ".deskcard"); !strings.Contains(got, "Quầy 1 – Tư pháp, hộ tịch") || !strings.Contains(got, "Hà Thị Bích Ngọc") ||
		!strings.Contains(got, "Chuyên viên tiếp nhận hồ sơ") {
		t.Fatalf("desk card %q", got)
	}
	if n := count(t, ctx, "button.level"); n != 4 {
		t.Fatalf("%d level buttons", n)
	}
	if n := count(t, ctx, "script"); n != 0 {
		t.Fatalf("%d scripts on the desk page", n)
	}
	shoot(t, ctx, "citizen-desk")

	// Tap 1: «Hài lòng».
	run(t, ctx, chromedp.Click(`//button[contains(., "Hài lòng") and not(contains(., "Rất")) and not(contains(., "Không"))]`),
		chromedp.WaitVisible(chromedp.CSS(`textarea#comment`)))
	if got := text(t, ctx, "h1"); !strings.Contains(got, "Đã ghi nhận đánh giá «Hài lòng»") {
		t.Fatalf("comment page h1 %q", got)
	}
	shoot(t, ctx, "citizen-comment")
	// Tap 2: «Bỏ qua».
	run(t, ctx, chromedp.Click(`//button[.="Bỏ qua"]`), chromedp.WaitVisible(`//h1[contains(., "Cảm ơn ông/bà!")]`))
	shoot(t, ctx, "citizen-thanks")
	if got := deskRatings(t, pool, desk.ID); len(got) != 1 || got[0] != "satisfied web false -" {
		t.Fatalf("after the first rating: %q", got)
	}

	// The same device rates again the same day: the rating is replaced.
	run(t, ctx, chromedp.Navigate(deskURL), chromedp.WaitVisible(chromedp.CSS(`button.level`)),
		chromedp.Click(`//button[contains(., "Không hài lòng")]`), chromedp.WaitVisible(chromedp.CSS(`textarea#comment`)))
	if got := text(t, ctx, ".notice"); !strings.Contains(got, "thay cho đánh giá trước đó") {
		t.Fatalf("replaced notice %q", got)
	}
	run(t, ctx, chromedp.SendKeys(chromedp.CSS(`textarea#comment`), "Chờ lâu quá, không được hướng dẫn"),
		chromedp.Click(`//button[.="Gửi góp ý"]`), chromedp.WaitVisible(`//h1[contains(., "Cảm ơn ông/bà!")]`))
	if got := text(t, ctx, ".deskcard"); !strings.Contains(got, "Chờ lâu quá, không được hướng dẫn") {
		t.Fatalf("thanks page %q", got)
	}
	if got := deskRatings(t, pool, desk.ID); len(got) != 1 || got[0] != "unsatisfied web false Chờ lâu quá, không được hướng dẫn" {
		t.Fatalf("after rating again: %q", got)
	}
	// The head has the chat's complaint card, with the comment and the buttons.
	var cards int
	var last string
	if err := pool.QueryRow(context.Background(), `SELECT count(*), coalesce(max(payload->>'text') FILTER (WHERE payload->>'text' LIKE '%Chờ lâu quá%'), '')
		FROM outbox WHERE chat_id = 2020 AND dedup_key LIKE 'complaint:%' AND payload->'keyboard'->0->0->>'data' LIKE 'cc:%'`).Scan(&cards, &last); err != nil {
		t.Fatal(err)
	}
	if cards != 2 || !strings.Contains(last, "Quầy 1 – Tư pháp, hộ tịch") {
		t.Fatalf("%d complaint cards to the head; last %q", cards, last)
	}

	// The sign is rotated: the old code gets the out-of-date page.
	if _, err := citizen.Rotate(context.Background(), pool, desk.ID, nil, now); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{deskURL, st.srv.URL + "/r/dAAAAAAAAAAAAAAAA", st.srv.URL + "/r/nonsense"} {
		run(t, ctx, chromedp.Navigate(u), chromedp.WaitVisible(chromedp.CSS(`h1`)))
		if got := text(t, ctx, "h1"); got != "Mã QR đã cũ" {
			t.Fatalf("%s: h1 %q", u, got)
		}
	}
	run(t, ctx, chromedp.Navigate(deskURL))
	shoot(t, ctx, "citizen-stale")

	// English, on another device.
	fresh, err := citizen.ActiveCode(context.Background(), pool, desk.ID, now)
	if err != nil {
		t.Fatal(err)
	}
	en := tab()
	run(t, en, chromedp.Navigate(st.srv.URL+"/r/"+fresh.Code+"?lang=en"), chromedp.WaitVisible(chromedp.CSS(`button.level`)))
	if got := text(t, en, "h1"); got != "Rate the service" {
		t.Fatalf("English desk page h1 %q", got)
	}
	shoot(t, en, "citizen-desk-en")
	run(t, en, chromedp.Click(`//button[contains(., "Very satisfied")]`), chromedp.WaitVisible(chromedp.CSS(`textarea#comment`)),
		chromedp.Click(`//button[.="Skip"]`), chromedp.WaitVisible(`//h1[.="Thank you!"]`))
	if got := deskRatings(t, pool, desk.ID); len(got) != 2 || got[1] != "very_satisfied web false -" {
		t.Fatalf("a second device's rating: %q", got)
	}
}

// TestBrowserVisitCode: the official on duty signs in, makes a per-visit
// code on /visit and shows its QR; a citizen opens it and rates (verified);
// the code is refused the second time, on the same device or another.
func TestBrowserVisitCode(t *testing.T) {
	pool := ward(t)
	st := newSite(t, pool)
	desk, _ := deskQ1(t, pool)
	tab := browser(t)
	staff := tab()

	run(t, staff, chromedp.Navigate(st.link(t, "HB022", now, 15*time.Minute)), press(),
		chromedp.Navigate(st.srv.URL+"/visit"), chromedp.WaitVisible(chromedp.CSS(`form.visit-make button`)))
	if got := text(t, staff, "h1"); got != "Mã đánh giá cho lượt phục vụ" {
		t.Fatalf("visit page h1 %q", got)
	}
	run(t, staff, chromedp.Click(`//button[contains(., "Tạo mã cho Quầy 1")]`), chromedp.WaitVisible(chromedp.CSS(`.visit-qr img`)))
	link := text(t, staff, ".link-text")
	if !strings.HasPrefix(link, st.srv.URL+"/v/v") {
		t.Fatalf("visit link %q", link)
	}
	// The QR image is the link.
	src, err := chromedp.Run(staff, chromedp.Evaluate[string](`document.querySelector(".visit-qr img").src`))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(src, "data:image/png;base64,"))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if !citizen.Readable(img, link) {
		t.Fatalf("the QR image does not read as %q", link)
	}
	shoot(t, staff, "visit-qr")

	visitURL := link
	citizenTab := tab()
	run(t, citizenTab, chromedp.Navigate(visitURL), chromedp.WaitVisible(chromedp.CSS(`button.level`)))
	if got := text(t, citizenTab, ".verified"); !strings.Contains(got, "xác thực") {
		t.Fatalf("verified notice %q", got)
	}
	shoot(t, citizenTab, "visit-desk")
	run(t, citizenTab, chromedp.Click(`//button[contains(., "Rất hài lòng")]`), chromedp.WaitVisible(chromedp.CSS(`textarea#comment`)),
		chromedp.Click(`//button[.="Bỏ qua"]`), chromedp.WaitVisible(`//h1[contains(., "Cảm ơn ông/bà!")]`))
	if got := deskRatings(t, pool, desk.ID); len(got) != 1 || got[0] != "very_satisfied web true -" {
		t.Fatalf("after the visit's rating: %q", got)
	}

	// The official cannot rate their own desk from their signed-in browser.
	run(t, staff, chromedp.Navigate(st.srv.URL+"/visit"), chromedp.WaitVisible(`//button[contains(., "Tạo mã cho Quầy 1")]`),
		chromedp.Click(`//button[contains(., "Tạo mã cho Quầy 1")]`), chromedp.WaitVisible(chromedp.CSS(`.visit-qr img`)))
	own := text(t, staff, ".link-text")
	run(t, staff, chromedp.Navigate(own), chromedp.WaitVisible(chromedp.CSS(`button.level`)),
		chromedp.Click(`//button[contains(., "Rất hài lòng")]`), chromedp.WaitVisible(`//h1[.="Chưa thể đánh giá"]`))
	if got := text(t, staff, "main"); !strings.Contains(got, "không thể tự đánh giá") {
		t.Fatalf("own desk: %q", got)
	}

	// The second time: refused, on the same device and on another.
	for _, ctx := range []context.Context{citizenTab, tab()} {
		run(t, ctx, chromedp.Navigate(visitURL), chromedp.WaitVisible(chromedp.CSS(`h1`)))
		if got := text(t, ctx, "h1"); got != "Mã đã được dùng" {
			t.Fatalf("a used code: h1 %q", got)
		}
		if n := count(t, ctx, "button.level"); n != 0 {
			t.Fatalf("a used code shows %d buttons", n)
		}
	}
	shoot(t, citizenTab, "visit-used")
	if got := deskRatings(t, pool, desk.ID); len(got) != 1 {
		t.Fatalf("after the refusals: %q", got)
	}
}
