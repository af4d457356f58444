package web_test

import (
	"context"
	"strings"
	"testing"

	"evalbot/internal/sim"
)

// TestChatApproveAllSharesTheBoardsRule: the chat's «Duyệt tất cả theo tự
// đánh giá» is the board's reviews.ApproveMany: in one transaction the A
// within the quota is approved (its review card in chat follows, and the
// official gets the grade card), and the A that would break the grade-A
// quota is left for the head's choice, asked on the pressed message.
func TestChatApproveAllSharesTheBoardsRule(t *testing.T) {
	bm := newBoardMonth(t, "C", "E", "G")
	h, H, A, B := bm.h, bm.ps["H"], bm.ps["A"], bm.ps["B"]
	// Four people in the unit (H, D, A, B): room for one A.
	if _, err := h.Pool.Exec(context.Background(), `UPDATE officials SET active = false WHERE employee_code IN ('C', 'E', 'G')`); err != nil {
		t.Fatal(err)
	}
	for _, step := range []func() error{
		func() error { return h.Command(H, "/pending") },
		func() error { return h.Tap(H, "✅ Duyệt tất cả theo tự đánh giá (2)") },
		func() error { return h.Tap(H, "✅ Xác nhận") },
		func() error { return h.Flush() },
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	list := H.User.Last()
	if !strings.Contains(list.Text, "Đã duyệt theo tự đánh giá 1 người: "+A.Name+".") || !strings.Contains(list.Text, "Đơn vị chỉ được tối đa 1 người loại A") {
		t.Fatalf("the pressed list after approve-all:\n%s", list.Text)
	}
	if _, ok := sim.FindButton([]sim.Message{list}, "Chuyển "+B.Name+" sang loại B"); !ok {
		t.Fatalf("no quota choice for B: %v", list.Keyboard)
	}
	if card, _ := reviewCard(H, A); !strings.Contains(card.Text, "✅ Đã duyệt") || card.Keyboard != nil || card.Edits == 0 {
		t.Errorf("H's review card of A: %q", card.Text)
	}
	if got := A.User.Last().Text; !strings.Contains(got, "Kết quả đánh giá, xếp loại tháng 11/2026") {
		t.Errorf("A's last message: %q; want the grade card", got)
	}
	if card, _ := reviewCard(H, B); card.Keyboard == nil {
		t.Errorf("B's review card lost its buttons: %q", card.Text)
	}
	var status string
	if err := h.Pool.QueryRow(context.Background(), `SELECT status FROM assessments WHERE official_id = $1`, B.ID).Scan(&status); err != nil || status != "submitted" {
		t.Fatalf("B: %s, %v; want still submitted", status, err)
	}
}
