package telegram_test

import (
	"context"
	"io"
	"strings"
	"testing"

	"evalbot/internal/calendar"
	"evalbot/internal/evaluation"
	"evalbot/internal/pgtest"
	"evalbot/internal/sim"
)

// Issue 21, point 9: every toast and answer says what was done to whom, in
// words. Seen: «Đã xong» after approving a plan.
func TestPlanApprovalSaysWhosePlan(t *testing.T) {
	h, ps, _ := bk(t, at(2026, 11, 23, 7))
	H, A, B := ps["H"], ps["A"], ps["B"]
	submitPlan(t, h, A, "Soạn báo cáo tổng kết | 27/11 | 2\nTrả lời đơn thư của công dân & doanh nghiệp")
	if got, want := bkLastAnswer(A), "Đã gửi kế hoạch tuần 23/11 – 29/11/2026 tới Trần Thị Trưởng"; got != want {
		t.Errorf("A's toast %q, want %q", got, want)
	}
	card, ok := findMsg(H.User.Messages(), "Lê Văn An", "Soạn báo cáo")
	if !ok {
		t.Fatalf("no plan card for H: %q", lastText(H))
	}
	must(t, h.TapOn(H, card, "✅ Duyệt"))
	if got, want := bkLastAnswer(H), "Đã phê duyệt kế hoạch tuần 23/11 – 29/11/2026 của Lê Văn An"; got != want {
		t.Errorf("H's toast %q, want %q", got, want)
	}
	submitPlan(t, h, B, "Draft the annual report | 27/11 | 2")
	card, _ = findMsg(H.User.Messages(), "Phạm Thị Bình", "Draft the annual report")
	must(t, h.TapOn(H, card, "✅ Duyệt"))
	if got, want := bkLastAnswer(H), "Đã phê duyệt kế hoạch tuần 23/11 – 29/11/2026 của Phạm Thị Bình"; got != want {
		t.Errorf("H's toast %q, want %q", got, want)
	}
	// Friday's report: each mark names the task, as plain text.
	must(t, h.At(at(2026, 11, 27, 16)))
	must(t, h.Tap(A, "2 ⏰"))
	if got, want := bkLastAnswer(A), "«Trả lời đơn thư của công dân & doanh nghiệp»: trễ hạn"; got != want {
		t.Errorf("A's toast %q, want %q", got, want)
	}
	checkAnswers(t, h)
}

// Seen: «Đã lưu» after a manual task score, and the score shown as
// «(số lượng 0%, chất lượng 0%, tiến độ 0%)»; «Đã duyệt — loại» with no
// grade for a person who is not graded.
func TestManualScoreAndNotGradedSayWhatHappened(t *testing.T) {
	h, ps, pool := bk(t, at(2026, 11, 23, 7))
	H, A, C := ps["H"], ps["A"], ps["C"]
	ctx := context.Background()
	// C was sick from 2 to 20 November: fewer than half the working days worked.
	must(t, evaluation.RecordAbsence(ctx, pool, C.ID, calendar.Date{Year: 2026, Month: 11, Day: 2}, calendar.Date{Year: 2026, Month: 11, Day: 20}, "sick", nil))
	must(t, h.At(at(2026, 11, 30, 9)))
	must(t, h.Tap(A, "📨 Gửi đánh giá"))
	must(t, h.Tap(C, "📨 Gửi đánh giá"))

	approveWithScore(t, h, H, A, "55")
	var saved string
	for _, m := range H.User.Messages() {
		if strings.Contains(m.Text, "điểm nhiệm vụ 55") {
			saved = m.Text
		}
	}
	if want := "Đã lưu điểm nhiệm vụ 55,00/"; !strings.HasPrefix(saved, want) || !hasAll(saved, "Lê Văn An", "11/2026") {
		t.Errorf("after the manual score H read %q, want «%s…» naming Lê Văn An and 11/2026", saved, want)
	}
	for _, m := range H.User.Messages() {
		if strings.Contains(m.Text, "Lê Văn An") && strings.Contains(m.Text, "số lượng 0%") {
			t.Errorf("a manual task score shown as ratios:\n%s", m.Text)
		}
	}
	card, _ := findMsg(H.User.Messages(), "Lê Văn An", "Đánh giá tháng")
	if !strings.Contains(card.Text, "lãnh đạo chấm") {
		t.Errorf("card does not say the task score was entered by the head:\n%s", card.Text)
	}
	if got := bkLastAnswer(H); !hasAll(got, "Đã duyệt kết quả tháng 11/2026 của Lê Văn An", "điểm, loại") {
		t.Errorf("approval toast %q", got)
	}

	approveWithScore(t, h, H, C, "60")
	got := bkLastAnswer(H)
	if want := "Đã duyệt kết quả tháng 11/2026 của Đỗ Văn Cường: không xếp loại vì số ngày làm việc thực tế ít hơn một nửa"; !strings.HasPrefix(got, want) {
		t.Errorf("approval toast for a person not graded: %q, want «%s…»", got, want)
	}
	card, _ = findMsg(H.User.Messages(), "Đỗ Văn Cường", "Đánh giá tháng")
	if strings.Contains(card.Text, "loại .") || strings.Contains(card.Text, "— loại \n") || !strings.Contains(card.Text, "không xếp loại") {
		t.Errorf("C's approved card:\n%s", card.Text)
	}
	// The unit's group reads «không xếp loại», not «— —».
	g := h.Srv.NewGroup(-1001, "Phòng Thử")
	must(t, h.Wait(g.SendText(H.User, "/bindgroup@"+h.Srv.BotUsername())))
	must(t, h.At(at(2026, 12, 7, 8)))
	if pub := g.Last().Text; !strings.Contains(pub, "Đỗ Văn Cường — Chuyên viên — không xếp loại") {
		t.Errorf("publication:\n%s", pub)
	}
	checkAnswers(t, h)
}

// Seen: «1. Bùi Xuân Trường Giang 007 — —» in /pending with no score;
// «✅ Duyệt tất cả theo tự đánh giá (40)» offered when none of the 40 could
// be approved, then «Đã duyệt 0 người; 40 hồ sơ đã thay đổi…» though nothing
// had changed (they had no tasks).
func TestApproveAllCountsWhatItCanApprove(t *testing.T) {
	h, ps, _ := bk(t, at(2026, 11, 23, 7))
	H, A, B := ps["H"], ps["A"], ps["B"]
	must(t, h.At(at(2026, 11, 30, 9)))
	must(t, h.Tap(A, "📨 Gửi đánh giá"))
	must(t, h.Tap(B, "📨 Submit assessment"))
	// Neither has a planned task: none can be approved as self-assessed.
	must(t, h.Command(H, "/pending"))
	list := H.User.Last()
	if strings.Contains(list.Text, "— —") || !strings.Contains(list.Text, "Lê Văn An — chưa có điểm") {
		t.Errorf("pending rows without a score:\n%s", list.Text)
	}
	if _, ok := sim.FindButton([]sim.Message{list}, "✅ Duyệt tất cả theo tự đánh giá (2)"); ok {
		t.Errorf("approve-all offered though neither can be approved:\n%s", list.Text)
	}
	for _, row := range list.Keyboard {
		for _, b := range row {
			if strings.HasPrefix(b.Text, "✅ Duyệt tất cả") {
				t.Errorf("approve-all offered though none can be approved: %q", b.Text)
			}
		}
	}
	// With a task score entered for B, B alone can be approved.
	card, _ := findMsg(H.User.Messages(), "Phạm Thị Bình", "Đánh giá tháng")
	must(t, h.TapOn(H, card, "✏️ Điều chỉnh"))
	must(t, h.Tap(H, "✍️ Nhập điểm nhiệm vụ"))
	must(t, h.Say(H, "60"))
	must(t, h.Tap(H, "‹ Quay lại"))
	must(t, h.Command(H, "/pending"))
	list = H.User.Last()
	if _, ok := sim.FindButton([]sim.Message{list}, "✅ Duyệt tất cả theo tự đánh giá (1)"); !ok {
		t.Fatalf("approve-all should count 1:\n%s\n%v", list.Text, list.Keyboard)
	}
	must(t, h.Tap(H, "✅ Duyệt tất cả theo tự đánh giá (1)"))
	must(t, h.Tap(H, "✅ Xác nhận"))
	got := H.User.Last().Text
	if want := "Đã duyệt theo tự đánh giá 1 người: Phạm Thị Bình."; !strings.Contains(got, want) || strings.Contains(got, "thay đổi") {
		t.Errorf("approve-all result %q, want %q and nothing «changed»", got, want)
	}
	if a := bkLastAnswer(H); a != "Đã duyệt 1 người" {
		t.Errorf("approve-all toast %q", a)
	}
	// One mechanism with the board (reviews.ApproveMany and the Notifier):
	// B's own review card follows, without the buttons of a decided one.
	if card, _ := findMsg(H.User.Messages(), "Phạm Thị Bình", "Đánh giá tháng"); !strings.Contains(card.Text, "✅ Đã duyệt") || card.Keyboard != nil || card.Edits == 0 {
		t.Errorf("B's review card after approve-all: %q (%d rows of buttons)", card.Text, len(card.Keyboard))
	}
	if !strings.Contains(B.User.Last().Text, "11/2026") {
		t.Errorf("B's grade card: %q", B.User.Last().Text)
	}
	checkAnswers(t, h)
}

// Seen: the stranger's refusal says «bấm «Chia sẻ số điện thoại» bên dưới»
// while the same message removes that button.
func TestStrangerRefusalMatchesItsKeyboard(t *testing.T) {
	pool := pgtest.New(t)
	h, err := sim.New(pool, at(2026, 11, 24, 10), io.Discard)
	must(t, err)
	defer h.Close()
	must(t, h.ImportCSV(units, officials))
	for _, lang := range []string{"vi", "en"} {
		u := h.Srv.NewUser(900, "Khách", lang)
		if lang == "en" {
			u = h.Srv.NewUser(901, "Guest", lang)
		}
		must(t, h.Wait(u.Start("")))
		first := u.Last()
		button := "📱 Chia sẻ số điện thoại"
		if lang == "en" {
			button = "📱 Share my phone number"
		}
		if len(first.ReplyKeyboard) != 1 || first.ReplyKeyboard[0][0] != button {
			t.Fatalf("%s: first refusal's keyboard %v", lang, first.ReplyKeyboard)
		}
		must(t, h.Wait(u.ShareContact("0912000003", false))) // someone else's: «use the button below»
		if m := u.Last(); len(m.ReplyKeyboard) != 1 || m.ReplyKeyboard[0][0] != button {
			t.Errorf("%s: %q comes without the button it points to (%v)", lang, m.Text, m.ReplyKeyboard)
		}
		must(t, h.Wait(u.ShareContact("0987654321", true))) // not on the roster
		m := u.Last()
		if !m.RemoveKeyboard {
			t.Fatalf("%s: the answer to an unknown number keeps the keyboard", lang)
		}
		named := strings.Trim(button, "📱 ")
		if strings.Contains(m.Text, named) || strings.Contains(m.Text, "bên dưới") || strings.Contains(m.Text, "below") {
			t.Errorf("%s: %q points to a button the same message removes", lang, m.Text)
		}
	}
}
