package telegram_test

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"unicode/utf16"

	"evalbot/internal/delivery"
	"evalbot/internal/pgtest"
	"evalbot/internal/sim"
)

// acceptedAll fails when the fake Telegram refused any call of the bot, or
// when the outbox dead-lettered a message.
func acceptedAll(t *testing.T, h *sim.Harness) {
	t.Helper()
	for _, r := range rejected(h) {
		t.Errorf("Telegram refused: %s", r)
	}
	dl, err := delivery.DeadLetters(context.Background(), h.Pool, 100)
	must(t, err)
	for _, d := range dl {
		t.Errorf("dead-lettered: %s (%s)", d.LastError, d.State)
	}
}

// newTexts returns p's messages from the n-th on (n from a len before).
func newTexts(p *sim.Person, n int) []string {
	var out []string
	for _, m := range p.User.Messages()[n:] {
		out = append(out, m.Text)
	}
	return out
}

func utf16Len(s string) int { return len(utf16.Encode([]rune(s))) }

// planErrorsReply sends a pasted plan and checks the official got one reply,
// the error list whole in shape: its first lines, the count of the rest and
// the closing hint (a list cut where it was composed, not by the last
// resort).
func planErrorsReply(t *testing.T, text string) {
	t.Helper()
	h, ps, _ := bk(t, at(2026, 11, 23, 9))
	A := ps["A"]
	must(t, h.Command(A, "/plan"))
	n := len(A.User.Messages())
	must(t, h.Say(A, text))
	acceptedAll(t, h)
	got := newTexts(A, n)
	if len(got) != 1 {
		t.Fatalf("A got %d messages for the plan, want 1: %q", len(got), got)
	}
	reply := got[0]
	if l := utf16Len(reply); l > delivery.MaxText {
		t.Fatalf("reply of %d characters", l)
	}
	// Whether these lines are errors (a weight of 15.12) or tasks (a date,
	// and then more than 30 of them), the official is told what to fix.
	if !strings.Contains(reply, "Chưa lưu được kế hoạch") || !strings.Contains(reply, "gửi lại toàn bộ danh sách") {
		t.Fatalf("reply: %q", reply)
	}
	if strings.Contains(reply, "Dòng 1:") && !strings.Contains(reply, "lỗi khác") {
		t.Fatalf("one line per error, no count of the rest: %q", reply)
	}
}

// Issue 20.1: a weekly plan pasted as 70 lines like «Rà soát hồ sơ tổ 7 |
// 15.12» got one error line each, 4,121 characters: refused by Telegram,
// dead-lettered, and the official got nothing.
func TestPlanOf70LinesWithDotDatesGetsAnAnswer(t *testing.T) {
	planErrorsReply(t, strings.Repeat("Rà soát hồ sơ tổ 7 | 15.12\n", 70))
}

// Issue 20.1: the same plan as 75 lines with dates written 27-11-2026.
func TestPlanOf75LinesWithDashDatesGetsAnAnswer(t *testing.T) {
	planErrorsReply(t, strings.Repeat("Rà soát hồ sơ tổ 7 | 27-11-2026\n", 75))
}

// reason480 is a return reason of 480 characters (the bot takes up to 500).
func reason480(i int) string {
	r := fmt.Sprintf("Lần %d: ", i) + strings.Repeat("Kế hoạch chưa nêu rõ sản phẩm đầu ra, thời hạn và người phối hợp; ", 8)
	return string([]rune(r)[:480])
}

// Issue 20.1: /history after nine plan returns with 480-character reasons
// was over 4096 characters: refused, and the official saw nothing.
func TestHistoryAfterNineReturnsWithLongReasons(t *testing.T) {
	h, ps, _ := bk(t, at(2026, 11, 23, 9))
	A, H := ps["A"], ps["H"]
	must(t, h.Command(A, "/plan"))
	for i := 1; i <= 9; i++ {
		if i > 1 {
			// The return put A back at typing the plan.
			must(t, h.Command(A, "/plan"))
		}
		must(t, h.Say(A, fmt.Sprintf("Rà soát hồ sơ tổ 7 lần %d | 27/11", i)))
		must(t, h.Tap(A, "📨 Gửi duyệt"))
		m, ok := findMsg(H.User.Messages(), "Lê Văn An", fmt.Sprintf("lần %d", i))
		if !ok {
			t.Fatalf("return %d: no plan for H", i)
		}
		must(t, h.TapOn(H, m, "↩️ Trả lại"))
		must(t, h.Say(H, reason480(i)))
	}
	n := len(A.User.Messages())
	must(t, h.Command(A, "/history"))
	acceptedAll(t, h)
	got := newTexts(A, n)
	if len(got) != 1 || !strings.Contains(got[0], "Lịch sử thay đổi") {
		t.Fatalf("A's /history: %d messages %q", len(got), got)
	}
	if l := utf16Len(got[0]); l > delivery.MaxText {
		t.Fatalf("/history of %d characters", l)
	}
	// The newest return and its reason are there whole.
	if !strings.Contains(got[0], reason480(9)) {
		t.Fatalf("the newest reason is missing: %q", got[0])
	}
}

// bigUnit is a roster with a unit of n officials under head H, with names
// as long as Vietnamese names usually are.
func bigUnit(n int) string {
	family := []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ"}
	middle := []string{"Thị Thu", "Văn", "Thị Ngọc", "Đức", "Thị Minh", "Quang", "Thị Thanh", "Hữu"}
	given := []string{"Hương", "Quyết", "Trường", "Phượng", "Nguyệt", "Thưởng", "Khuyến", "Trọng", "Hường"}
	var b strings.Builder
	b.WriteString("employee_code,full_name,unit_code,category,position,is_head,phone,language\n")
	b.WriteString("H,Trần Thị Trưởng,U,Công chức,Trưởng phòng,true,0912000002,vi\n")
	for i := range n {
		fmt.Fprintf(&b, "P%03d,%s %s %s,U,Công chức,Chuyên viên,,09130%05d,vi\n",
			i, family[i%len(family)], middle[i/len(family)%len(middle)], given[i/7%len(given)], i)
	}
	return b.String()
}

// Issue 20.1: the head of a unit of about 180 people is told, the day after
// the self-assessment prompt, who has not self-assessed: the names made a
// message over 4096 characters, refused and dead-lettered.
func TestHeadToldWhoIsMissingInAUnitOf180(t *testing.T) {
	h, err := sim.New(pgtest.New(t), at(2026, 11, 30, 7), io.Discard)
	must(t, err)
	defer h.Close()
	must(t, h.ImportCSV(units, bigUnit(180)))
	ps, err := h.Onboard()
	must(t, err)
	H := ps["H"]
	n := len(H.User.Messages())
	must(t, h.At(at(2026, 11, 30, 9)))
	must(t, h.At(at(2026, 12, 1, 8)))
	acceptedAll(t, h)
	var told []string
	for _, m := range newTexts(H, n) {
		if strings.Contains(m, "Hương") || strings.Contains(m, "chưa tự đánh giá") {
			told = append(told, m)
		}
	}
	if len(told) == 0 {
		t.Fatalf("the head was not told who is missing: %q", newTexts(H, 0))
	}
	all := strings.Join(told, "\n")
	if !strings.Contains(all, "180 người chưa tự đánh giá") {
		t.Fatalf("no count: %q", told)
	}
	// Every name reaches the head (in as many messages as it takes).
	for _, line := range strings.Split(bigUnit(180), "\n")[2:] {
		if line == "" {
			continue
		}
		name := strings.Split(line, ",")[1]
		if !strings.Contains(all, name) {
			t.Fatalf("%s missing from what the head was told", name)
		}
	}
}
