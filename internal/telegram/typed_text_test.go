package telegram_test

import (
	"context"
	"strings"
	"testing"

	"evalbot/internal/calendar"
	"evalbot/internal/evaluation"
)

// TestReturnedPlanResubmittedOutOfItsWeek (issue 21, point 2): a returned
// plan for the week 02/11–08/11 was resubmitted with «hạn 27/11» and
// approved. The resubmission is refused with the reason, before the head
// sees it.
func TestReturnedPlanResubmittedOutOfItsWeek(t *testing.T) {
	h, ps, pool := bk(t, at(2026, 11, 2, 8))
	H, A := ps["H"], ps["A"]
	submitPlan(t, h, A, "Soạn báo cáo tuần | 06/11")
	pm, ok := findMsg(H.User.Messages(), A.Name)
	if !ok {
		t.Fatal("H has no plan of A")
	}
	must(t, h.TapOn(H, pm, "↩️ Trả lại"))
	must(t, h.Say(H, "Ghi rõ hạn từng việc"))
	before := len(H.User.Messages())
	must(t, h.Say(A, "Soạn báo cáo tuần | hạn 27/11"))
	if got := lastText(A); !hasAll(got, "Dòng 1", "hạn 27/11", "nằm ngoài thời gian của kế hoạch (02/11 – 08/11)") {
		t.Fatalf("«hạn 27/11» for the week 02/11–08/11: %q", got)
	}
	if _, ok := buttonWith(A.User.Last(), "ps:"); ok {
		t.Fatal("the refused plan can be submitted")
	}
	if len(H.User.Messages()) != before {
		t.Fatalf("H was sent the refused plan: %q", lastText(H))
	}
	p, err := evaluation.FindPlan(context.Background(), pool, A.ID, evaluation.KindWeek, calendar.Date{Year: 2026, Month: 11, Day: 2})
	must(t, err)
	for _, task := range p.Tasks {
		if task.Deadline != nil && task.Deadline.String() == "2026-11-27" {
			t.Fatalf("the plan keeps the deadline 27/11: %+v", p)
		}
	}
	// Written within the week, it goes.
	must(t, h.Say(A, "Soạn báo cáo tuần | hạn 06/11"))
	must(t, h.Tap(A, "📨 Gửi duyệt"))
	if !strings.Contains(lastText(H), "Soạn báo cáo tuần") {
		t.Fatalf("H after the resubmission: %q", lastText(H))
	}
}

// TestInvisibleTextIsNotText (issue 21, point 3): task titles made only of
// zero-width characters (U+200B, U+2060) were accepted, and a right-to-left
// override (U+202E) was kept and could reverse text on the head's card.
// Every typed text — a plan's tasks, a head's reason, a citizen-facing
// comment — goes through the same normalization.
func TestInvisibleTextIsNotText(t *testing.T) {
	h, ps, _ := bk(t, at(2026, 11, 23, 8))
	H, A := ps["H"], ps["A"]
	must(t, h.Command(A, "/plan"))
	must(t, h.Say(A, "\u200b\u200b\n\u2060"))
	if got := lastText(A); !hasAll(got, "Chưa lưu được kế hoạch", "chưa có công việc nào") {
		t.Fatalf("a plan of zero-width titles: %q", got)
	}
	must(t, h.Say(A, "\u200b\u2060 | 27/11\nTiếp nhận hồ sơ"))
	if got := lastText(A); !hasAll(got, "Dòng 1", "thiếu tên công việc") {
		t.Fatalf("a zero-width title with a deadline: %q", got)
	}
	must(t, h.Say(A, "Kiểm tra \u202ehồ sơ đất đai | 27/11"))
	must(t, h.Tap(A, "📨 Gửi duyệt"))
	card, ok := findMsg(H.User.Messages(), A.Name)
	if !ok {
		t.Fatal("H has no plan of A")
	}
	if strings.ContainsRune(card.Text, '\u202e') || !strings.Contains(card.Text, "Kiểm tra hồ sơ đất đai") {
		t.Fatalf("the head's card: %q", card.Text)
	}
	// A reason of zero-width characters is no reason.
	must(t, h.TapOn(H, card, "↩️ Trả lại"))
	must(t, h.Say(H, "\u200b\u2060\u200b"))
	if !strings.Contains(lastText(H), "lý do") {
		t.Fatalf("a zero-width reason was taken: H sees %q", lastText(H))
	}
	must(t, h.Say(H, "\u202eGhi rõ hạn\u202c"))
	if got := lastText(A); strings.ContainsRune(got, '\u202e') || strings.ContainsRune(got, '\u202c') || !strings.Contains(got, "Ghi rõ hạn") {
		t.Fatalf("A's notice of the return: %q", got)
	}
}
