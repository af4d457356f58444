package telegram_test

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"evalbot/internal/calendar"
	"evalbot/internal/evaluation"
	"evalbot/internal/pgtest"
	"evalbot/internal/sim"
)

// A reprimand in the month forces D and the card says why; someone away for
// most of the month is not graded; someone away on the day gets no prompt.
func TestDisciplineAndAbsence(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.New(t)
	h, err := sim.New(pool, at(2026, 11, 30, 8), io.Discard)
	must(t, err)
	defer h.Close()
	must(t, h.ImportCSV(units, officials))
	ps, err := h.Onboard()
	must(t, err)
	H, A, B, C := ps["H"], ps["A"], ps["B"], ps["C"]
	nov := calendar.Month{Year: 2026, Month: time.November}
	d := func(s string) calendar.Date { x, err := calendar.ParseDate(s); must(t, err); return x }
	must(t, evaluation.RecordDiscipline(ctx, pool, A.ID, nov, "reprimand", "Quyết định số 12/QĐ-UBND ngày 10/11/2026", nil))
	must(t, evaluation.RecordAbsence(ctx, pool, B.ID, d("2026-11-02"), d("2026-11-20"), "sick", nil))
	must(t, evaluation.RecordAbsence(ctx, pool, C.ID, d("2026-11-30"), d("2026-12-04"), "leave", nil))
	if err := evaluation.RecordAbsence(ctx, pool, C.ID, d("2026-11-30"), d("2026-11-01"), "leave", nil); err == nil {
		t.Fatal("days out of order accepted")
	}

	must(t, h.At(at(2026, 11, 30, 9)))
	if _, ok := sim.FindButton(C.User.Messages(), "📨 Gửi đánh giá"); ok {
		t.Fatal("C is on leave and was prompted")
	}
	must(t, h.Tap(A, "📨 Gửi đánh giá"))
	must(t, h.Tap(B, "📨 Submit assessment"))
	for _, name := range []string{"Lê Văn An", "Phạm Thị Bình"} {
		card, ok := findMsg(H.User.Messages(), name, "Đánh giá tháng")
		if !ok {
			t.Fatalf("no card for %s", name)
		}
		must(t, h.TapOn(H, card, "✏️ Điều chỉnh"))
		must(t, h.Tap(H, "✍️ Nhập điểm nhiệm vụ"))
		must(t, h.Say(H, "70"))
		must(t, h.Tap(H, "✅ Duyệt theo điều chỉnh"))
	}
	asA, err := evaluation.FindAssessment(ctx, pool, A.ID, nov)
	must(t, err)
	if asA.Grade != "D" || *asA.Total != 9000 {
		t.Fatalf("A: %s %v", asA.Grade, *asA.Total)
	}
	if !strings.Contains(lastText(A), "kỷ luật") || !strings.Contains(lastText(A), "loại <b>D</b>") && !strings.Contains(lastText(A), "Xếp loại D") {
		t.Fatalf("A's card: %q", lastText(A))
	}
	asB, err := evaluation.FindAssessment(ctx, pool, B.ID, nov)
	must(t, err)
	if asB.Graded == nil || *asB.Graded || asB.Total != nil {
		t.Fatalf("B should not be graded: %+v", asB)
	}
	if !strings.Contains(lastText(B), "Not graded") {
		t.Fatalf("B's card: %q", lastText(B))
	}
}
