package web_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserSelfAssessmentPreview: in the Mini App the provisional total
// and grade follow the official's choice as they choose (the page's script
// asks POST /me/assess/preview), nothing is saved until «Tính lại và lưu»;
// the preview of someone else's assessment is refused, and so are points
// out of range.
func TestBrowserSelfAssessmentPreview(t *testing.T) {
	tab := browser(t)
	bm := newBoardMonth(t, "G")
	G, A := bm.ps["G"], bm.ps["A"]
	ctx := tab()
	run(t, ctx, chromedp.Navigate(bm.launchAt("/tg?next=assess", G, bm.h.Clock.Now(), bm.token, lightTheme)), chromedp.WaitVisible(chromedp.CSS(`p.provisional`)))
	var id, version int64
	if err := bm.h.Pool.QueryRow(context.Background(), `SELECT id, version FROM assessments WHERE official_id = $1`, G.ID).Scan(&id, &version); err != nil {
		t.Fatal(err)
	}
	before := text(t, ctx, "p.provisional")
	// The first criterion down two points: the provisional result follows
	// without a press.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const s = document.querySelector("select[name^=c_]"); s.selectedIndex -= 2;
		s.dispatchEvent(new Event("change", { bubbles: true })); return true })()`)); err != nil {
		t.Fatal(err)
	}
	run(t, ctx, chromedp.WaitVisible(`//p[@class="provisional" and not(contains(., "`+before+`"))]`))
	after := text(t, ctx, "p.provisional")
	if !strings.HasPrefix(after, "Tạm tính: ") || after == before {
		t.Fatalf("provisional before %q, after %q", before, after)
	}
	var v int64
	if err := bm.h.Pool.QueryRow(context.Background(), `SELECT version FROM assessments WHERE id = $1`, id).Scan(&v); err != nil || v != version {
		t.Fatalf("the preview wrote: version %d → %d, %v", version, v, err)
	}
	// Without the script, the button gives the same result, saved.
	run(t, ctx, chromedp.Click(`//button[.="Tính lại và lưu"]`), chromedp.WaitVisible(`//p[@role="status" and starts-with(., "Đã lưu")]`))
	if got := text(t, ctx, "p.provisional"); got != after {
		t.Fatalf("saved %q; the preview said %q", got, after)
	}
	// Someone else's assessment, and points out of range: refused.
	var other int64
	if err := bm.h.Pool.QueryRow(context.Background(), `SELECT id FROM assessments WHERE official_id = $1`, A.ID).Scan(&other); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		body string
		want int
	}{{"id=" + strconv.FormatInt(other, 10) + "&bonus=0", 403}, {"id=" + strconv.FormatInt(id, 10) + "&bonus=11", 422}} {
		got, err := chromedp.Run(ctx, chromedp.Evaluate[int](`fetch("/me/assess/preview", {method: "POST", body: new URLSearchParams("`+c.body+`")}).then(r => r.status)`,
			chromedp.EvalAwaitPromise))
		if err != nil || got != c.want {
			t.Errorf("preview %s: %d, %v; want %d", c.body, got, err, c.want)
		}
	}
}
