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

var nov = calendar.Month{Year: 2026, Month: time.November}

// approveWithScore: the head opens p's card (newest), enters a task score and approves.
func approveWithScore(t *testing.T, h *sim.Harness, head, p *sim.Person, score string) {
	t.Helper()
	card, ok := findMsg(head.User.Messages(), p.Name, "Đánh giá tháng")
	if !ok {
		t.Fatalf("no card of %s", p.Name)
	}
	must(t, h.TapOn(head, card, "✏️ Điều chỉnh"))
	must(t, h.Tap(head, "✍️ Nhập điểm nhiệm vụ"))
	must(t, h.Say(head, score))
	must(t, h.Tap(head, "✅ Duyệt theo điều chỉnh"))
}

// A head's /publish before all reviews are done creates the unit's
// publication row; everything approved later is never published nor locked
// (the scheduled run skips the unit: ON CONFLICT DO NOTHING), and a person
// who had not submitted can still submit the "published" month.
func TestBreakEarlyPublishLeavesLaterApprovalsUnlocked(t *testing.T) {
	h, ps, pool := bk(t, at(2026, 11, 30, 8))
	ctx := context.Background()
	H, A, B, C := ps["H"], ps["A"], ps["B"], ps["C"]
	must(t, h.At(at(2026, 11, 30, 9)))
	must(t, h.Tap(A, "📨 Gửi đánh giá"))
	must(t, h.Tap(B, "📨 Submit assessment"))
	approveWithScore(t, h, H, A, "60")
	// 1 Dec: H publishes November (B still waiting, C never answered).
	h.Clock.Set(at(2026, 12, 1, 10))
	must(t, h.Command(H, "/publish"))
	must(t, h.Tap(H, "📢 Công khai tháng 11/2026"))
	t.Logf("H: %q", lastText(H))
	approveWithScore(t, h, H, B, "60")
	// C submits November after "publication and lock" with the old card.
	must(t, h.Tap(C, "📨 Gửi đánh giá"))
	asC, _ := evaluation.FindAssessment(ctx, pool, C.ID, nov)
	if asC.Status == evaluation.AssessSubmitted {
		t.Errorf("C submitted November after it was published and locked")
	}
	// 7 Dec, the 5th working day: the scheduled publication.
	must(t, h.At(at(2026, 12, 7, 8)))
	must(t, h.At(at(2026, 12, 7, 9)))
	asB, err := evaluation.FindAssessment(ctx, pool, B.ID, nov)
	must(t, err)
	if asB.Status != evaluation.AssessApproved {
		t.Fatalf("B: %s", asB.Status)
	}
	if asB.LockedAt == nil {
		t.Errorf("B's approved November is never locked nor published (publication on 7/12 skipped the unit)")
	}
	if _, ok := findMsg(B.User.Messages(), "publicly", "11/2026"); !ok {
		if _, ok2 := findMsg(B.User.Messages(), "11/2026", "/reconsider"); !ok2 {
			t.Errorf("B was never told November was published; last: %q", lastText(B))
		}
	}
	must(t, h.Command(B, "/reconsider"))
	if strings.Contains(lastText(B), "No result") || strings.Contains(lastText(B), "nothing") || strings.Contains(lastText(B), "Chưa có") {
		t.Errorf("B cannot ask for reconsideration: %q", lastText(B))
	}
	checkAnswers(t, h)
}

// Reconsideration is "once" (3 working days), but after the head keeps the
// result the official can ask again and again.
func TestBreakReconsiderAgainAfterKept(t *testing.T) {
	h, ps, _ := bk(t, at(2026, 11, 30, 8))
	H, A := ps["H"], ps["A"]
	must(t, h.At(at(2026, 11, 30, 9)))
	must(t, h.Tap(A, "📨 Gửi đánh giá"))
	approveWithScore(t, h, H, A, "60")
	must(t, h.At(at(2026, 12, 7, 8)))
	for i := 0; i < 3; i++ {
		must(t, h.Command(A, "/reconsider"))
		must(t, h.Say(A, "Đề nghị xem xét lại lần "+itoa(i+1)))
		msg, ok := findMsg(H.User.Messages(), "Lê Văn An", "lần "+itoa(i+1))
		if !ok {
			if i == 0 {
				t.Fatalf("no request: %q", lastText(A))
			}
			break
		}
		if i > 0 {
			t.Errorf("request #%d reached the head after the result was kept: A saw %q", i+1, lastText(A))
		}
		must(t, h.TapOn(H, msg, "Giữ nguyên kết quả"))
		must(t, h.Say(H, "Giữ nguyên"))
	}
	checkAnswers(t, h)
}

// After an accepted reconsideration and a new approval, the month stays
// unlocked for good: it was published and locked, and now isn't.
func TestBreakReconsiderAcceptedNeverRelocked(t *testing.T) {
	h, ps, pool := bk(t, at(2026, 11, 30, 8))
	ctx := context.Background()
	H, A := ps["H"], ps["A"]
	must(t, h.At(at(2026, 11, 30, 9)))
	must(t, h.Tap(A, "📨 Gửi đánh giá"))
	approveWithScore(t, h, H, A, "60")
	must(t, h.At(at(2026, 12, 7, 8)))
	must(t, h.Command(A, "/reconsider"))
	must(t, h.Say(A, "Xin xem lại"))
	msg, _ := findMsg(H.User.Messages(), "Lê Văn An", "Xin xem lại")
	must(t, h.TapOn(H, msg, "🔄 Xem xét lại"))
	must(t, h.Tap(H, "✅ Duyệt"))
	as, err := evaluation.FindAssessment(ctx, pool, A.ID, nov)
	must(t, err)
	if as.Status != evaluation.AssessApproved {
		t.Fatalf("status %s", as.Status)
	}
	if as.LockedAt == nil {
		t.Errorf("re-approved published month is no longer locked")
	}
	checkAnswers(t, h)
}

// A returned self-assessment the official never resubmits: the head can
// neither see it in /pending nor assess alone ("ao" needs a draft), so the
// person is never graded (DESIGN §2: a person who never answers is still graded).
func TestBreakReturnedNeverResubmittedCannotBeGraded(t *testing.T) {
	h, ps, pool := bk(t, at(2026, 11, 30, 8))
	ctx := context.Background()
	H, B := ps["H"], ps["B"]
	must(t, h.At(at(2026, 11, 30, 9)))
	must(t, h.Tap(B, "📨 Submit assessment"))
	card, _ := findMsg(H.User.Messages(), B.Name, "Đánh giá tháng")
	must(t, h.TapOn(H, card, "↩️ Trả lại"))
	must(t, h.Say(H, "Tự chấm lại"))
	// B goes silent. The head looks for a way to grade B.
	h.Clock.Set(at(2026, 12, 3, 10))
	must(t, h.Command(H, "/pending"))
	pend := H.User.Last()
	t.Logf("pending: %q", pend.Text)
	if !strings.Contains(pend.Text, B.Name) {
		t.Errorf("B (returned, silent) is not in the head's /pending at all")
	}
	must(t, h.Wait(H.User.PressData(pend, "ao:"+b36(B.ID)+":2026-11")))
	t.Logf("ao answered: %q", bkLastAnswer(H))
	as, _ := evaluation.FindAssessment(ctx, pool, B.ID, nov)
	if as.Status == evaluation.AssessReturned {
		t.Errorf("the head has no way to grade B: assessment stays %q", as.Status)
	}
	checkAnswers(t, h)
}
