package web_test

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserMiniAppIdleComesBack: the head's board open in Telegram, the
// review paused 31 minutes, then «Kết quả các tháng»: the page signs in
// again by itself with the launch's initData and shows the history, in a
// real browser with the harness's telegram-web-app.js (issue 24 attack).
func TestBrowserMiniAppIdleComesBack(t *testing.T) {
	tab := browser(t)
	bm := newBoardMonth(t)
	H, at := bm.ps["H"], bm.h.Clock.Now()
	ctx := tab()
	run(t, ctx, chromedp.Navigate(bm.launch(H, at.Add(-time.Minute), bm.token, lightTheme)),
		chromedp.WaitVisible(chromedp.CSS(`table.board-table`)))
	bm.h.Clock.Set(at.Add(31 * time.Minute))
	run(t, ctx, chromedp.Navigate(bm.srv.URL+"/me/history"), chromedp.WaitVisible(chromedp.CSS(`nav.menav`)))
	if got := text(t, ctx, "h1"); got != "Kết quả đánh giá các tháng" {
		t.Fatalf("after 31 minutes the Mini App shows %q", got)
	}
	if where, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href`)); err != nil || where != bm.srv.URL+"/me/history" {
		t.Fatalf("at %q, %v", where, err)
	}
}
