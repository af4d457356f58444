package telegram_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"evalbot/internal/calendar"
	"evalbot/internal/evaluation"
	"evalbot/internal/sim"
)

// HTML characters and emoji everywhere a person types; odd task scores.
func TestBreakHTMLAndOddInput(t *testing.T) {
	h, ps, pool := bk(t, at(2026, 11, 23, 8))
	ctx := context.Background()
	H, A, B, C := ps["H"], ps["A"], ps["B"], ps["C"]
	submitPlan(t, h, A, "<b>Báo cáo</b> & <i>tổng hợp 🚀 | 27/11\nA<B>C &amp; &#x; </code>")
	pm, _ := findMsg(H.User.Messages(), A.Name)
	must(t, h.TapOn(H, pm, "↩️ Trả lại"))
	must(t, h.Say(H, "<script>alert(1)</script> & thiếu hạn 😅"))
	if !strings.Contains(lastText(A), "<script>") {
		t.Errorf("A's return notice: %q", lastText(A))
	}
	must(t, h.Say(A, "<b>Báo cáo</b> & <i>tổng hợp 🚀 | 27/11"))
	must(t, h.Tap(A, "📨 Gửi duyệt"))
	pm, _ = findMsg(H.User.Messages(), A.Name)
	must(t, h.TapOn(H, pm, "✅ Duyệt"))
	must(t, h.At(at(2026, 11, 30, 9)))
	must(t, h.Tap(C, "🎖 Thưởng: 0,00"))
	must(t, h.Tap(C, "2"))
	must(t, h.Say(C, "<b>bão</b> & lũ "+strings.Repeat("x", 4000)))
	if !strings.Contains(lastText(C), "dài quá") {
		t.Fatalf("a 4000-character reason: %q", lastText(C))
	}
	must(t, h.Say(C, "<b>bão</b> & lũ"))
	must(t, h.Tap(C, "📨 Gửi đánh giá"))
	must(t, h.Tap(B, "📨 Submit assessment"))
	card, _ := findMsg(H.User.Messages(), B.Name, "Đánh giá tháng")
	must(t, h.TapOn(H, card, "✏️ Điều chỉnh"))
	must(t, h.Tap(H, "✍️ Nhập điểm nhiệm vụ"))
	for _, in := range []string{"70.001", "-1", "1e3", "70,5", "٧٠", "+5", " 65 "} {
		must(t, h.Say(H, in))
		t.Logf("manual %q → %q", in, lastText(H))
	}
	as, _ := evaluation.FindAssessment(ctx, pool, B.ID, nov)
	if as.ManualTaskScore == nil || *as.ManualTaskScore != 6500 {
		t.Errorf("manual score: %v", as.ManualTaskScore)
	}
	if rej := rejected(h); len(rej) > 0 {
		t.Errorf("Telegram refused: %v", rej)
	}
	checkAnswers(t, h)
}

// A head can open (and grade) a subordinate's assessment of any month by
// editing the month in "ao": a future month is created as "submitted,
// not self-assessed", and when that month comes the official cannot
// self-assess it.
func TestBreakAssessOnBehalfAnyMonth(t *testing.T) {
	h, ps, pool := bk(t, at(2026, 12, 1, 10))
	ctx := context.Background()
	H, A := ps["H"], ps["A"]
	must(t, h.Command(H, "/pending"))
	m := H.User.Last()
	must(t, h.Wait(H.User.PressData(m, "ao:"+b36(A.ID)+":2027-06")))
	jun := calendar.Month{Year: 2027, Month: time.June}
	as, err := evaluation.FindAssessment(ctx, pool, A.ID, jun)
	if err == nil {
		t.Errorf("H created A's June 2027 assessment in December 2026: status %s, self-assessed %v", as.Status, as.SelfAssessed)
	}
	must(t, h.At(time.Date(2027, 6, 30, 9, 0, 0, 0, calendar.Location)))
	if _, ok := sim.FindButton(A.User.Messages(), "📨 Gửi đánh giá"); !ok {
		t.Logf("in June 2027 A got no self-assessment card; last: %q", lastText(A))
	}
}

// A deputy's delegation ends: next day the deputy's old buttons are refused.
func TestBreakDeputyAfterDelegationEnded(t *testing.T) {
	h, ps, pool := bk(t, at(2026, 11, 30, 8))
	ctx := context.Background()
	H, A, B := ps["H"], ps["A"], ps["B"]
	must(t, h.At(at(2026, 11, 30, 9)))
	must(t, h.Tap(A, "📨 Gửi đánh giá"))
	must(t, h.Command(H, "/delegate"))
	must(t, h.Tap(H, "Phạm Thị Bình — Chuyên viên"))
	must(t, h.Tap(H, "3 ngày"))
	must(t, h.Command(B, "/pending"))
	must(t, h.Tap(B, "📄 Lê Văn An"))
	card := B.User.Last()
	h.Clock.Set(at(2026, 12, 3, 10)) // 30/11, 1/12, 2/12 were the 3 days
	must(t, h.TapOn(B, card, "✅ Approve"))
	as, _ := evaluation.FindAssessment(ctx, pool, A.ID, nov)
	if as.Status == evaluation.AssessApproved {
		t.Errorf("deputy approved after the delegation ended")
	}
	// and "dg" with a forged number of days beyond the offered 3/7/14/30
	must(t, h.Command(H, "/delegate"))
	m := H.User.Last()
	must(t, h.Wait(H.User.PressData(m, "dg:"+b36(B.ID)+":"+b36(60))))
	t.Logf("dg 60 days: %q", bkLastAnswer(H))
	checkAnswers(t, h)
}

// A long bonus reason (any length is accepted) makes the head's review card
// over 4096 characters: Telegram refuses it and the head never gets C's
// submission with its buttons.
func TestBreakLongBonusReasonLosesReviewCard(t *testing.T) {
	h, ps, _ := bk(t, at(2026, 11, 30, 8))
	H, C := ps["H"], ps["C"]
	must(t, h.At(at(2026, 11, 30, 9)))
	must(t, h.Tap(C, "🎖 Thưởng: 0,00"))
	must(t, h.Tap(C, "2"))
	must(t, h.Say(C, "Hoàn thành nhiệm vụ đột xuất "+strings.Repeat("rất nhiều việc ", 280)))
	// A reason over the limit is refused and asked again; nothing is lost.
	if !strings.Contains(lastText(C), "dài quá 500") {
		t.Fatalf("C after a long reason: %q", lastText(C))
	}
	must(t, h.Say(C, "Hoàn thành nhiệm vụ đột xuất "+strings.Repeat("rất nhiều việc ", 30)))
	must(t, h.Tap(C, "📨 Gửi đánh giá"))
	for _, e := range h.Srv.Transcript() {
		if e.Err != "" {
			t.Errorf("refused %s to chat %d (H is %d, C is %d): %s", e.Kind, e.ChatID, H.User.ID, C.User.ID, e.Err)
		}
	}
	if _, ok := findMsg(H.User.Messages(), C.Name, "Đánh giá tháng"); !ok {
		t.Errorf("H never received C's submission card")
	}
}
