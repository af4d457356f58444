package telegram_test

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/app/plans"
	"evalbot/internal/calendar"
	"evalbot/internal/evaluation"
	"evalbot/internal/pgtest"
	"evalbot/internal/sim"
	"evalbot/internal/store"
)

// TestPlanCardFollowsTheForm (issue 24): /plan's question and the draft
// card of a plan typed in chat carry «🗒 Sửa kế hoạch trên trang» (a web_app button opening the
// plan form for that week) in the private chat; a draft saved on the form
// edits that card to the plan as it is now, with buttons of its new
// version, so «📨 Gửi duyệt» on it sends the form's plan to the head; the
// week's report carries «🗒 Báo cáo trên trang» the same way.
func TestPlanCardFollowsTheForm(t *testing.T) {
	pool := pgtest.New(t)
	h, err := sim.New(pool, at(2026, 12, 7, 8), io.Discard, sim.WithoutLimits())
	must(t, err)
	defer h.Close()
	const board = "https://danhgia.phuong.gov.vn/tg"
	h.App.BoardURL = board
	must(t, h.ImportCSV(units, officials))
	ps, err := h.Onboard()
	must(t, err)
	H, A := ps["H"], ps["A"]
	must(t, h.Say(A, "/plan"))
	if kb := A.User.Last().Keyboard; len(kb) != 1 || kb[0][0].WebApp != board+"?next=plan-week&start=2026-12-07" {
		t.Fatalf("/plan's question: %+v; want the plan form's button", kb)
	}
	must(t, h.Say(A, "Họp giao ban đầu tuần | 07/12"))
	must(t, h.Flush())
	card := A.User.Last()
	var form string
	for _, row := range card.Keyboard {
		for _, b := range row {
			if b.Text == "🗒 Sửa kế hoạch trên trang" {
				form = b.WebApp
			}
		}
	}
	if form != board+"?next=plan-week&start=2026-12-07" {
		t.Fatalf("the draft card's plan form button: %q in %+v", form, card.Keyboard)
	}
	ctx := context.Background()
	monday := calendar.Date{Year: 2026, Month: 12, Day: 7}
	sh, err := plans.OpenSheet(ctx, pool, A.ID, evaluation.KindWeek, monday, monday)
	must(t, err)
	must(t, store.InTx(ctx, pool, func(tx pgx.Tx) error {
		_, errs, err := plans.SaveSheet(ctx, tx, A.ID, evaluation.KindWeek, monday, monday, sh.Plan.Version,
			[]evaluation.FormTask{{Title: "Họp giao ban đầu tuần", Deadline: "2026-12-07"}, {Title: "Báo cáo kết quả tiếp dân", Weight: "2"}}, false, h.App)
		if len(errs) > 0 {
			t.Fatalf("rows refused: %+v", errs)
		}
		return err
	}))
	must(t, h.App.FlushCards(ctx))
	must(t, h.Flush())
	var edited bool
	for _, m := range A.User.Messages() {
		if m.ID == card.ID {
			edited = m.Edits > 0 && strings.Contains(m.Text, "2. Báo cáo kết quả tiếp dân")
			card = m
		}
	}
	if !edited {
		t.Fatalf("A's draft card after the form's save: %q", card.Text)
	}
	must(t, h.TapOn(A, card, "📨 Gửi duyệt"))
	must(t, h.Flush())
	if got := lastText(H); !strings.Contains(got, "Báo cáo kết quả tiếp dân") || !strings.Contains(got, A.Name) {
		t.Fatalf("H's last message: %q; want A's plan card", got)
	}
	// Approved, the week's report carries the report page's button.
	must(t, h.TapOn(H, H.User.Last(), "✅ Duyệt"))
	must(t, h.Command(A, "/report"))
	var report string
	for _, row := range A.User.Last().Keyboard {
		for _, b := range row {
			if b.Text == "🗒 Báo cáo trên trang" {
				report = b.WebApp
			}
		}
	}
	if report != board+"?next=report" {
		t.Errorf("the report's page button: %q in %+v", report, A.User.Last().Keyboard)
	}
}
