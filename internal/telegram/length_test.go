package telegram_test

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"unicode/utf16"

	"evalbot/internal/citizen"
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
// of four words as many Vietnamese names are (about 21 characters).
func bigUnit(n int) string {
	family := []string{"Nguyễn", "Trương", "Huỳnh", "Hoàng", "Phạm", "Đặng", "Vương", "Dương", "Lương", "Trịnh"}
	middle := []string{"Thị Thu", "Văn Quốc", "Thị Ngọc", "Hoàng Minh", "Thị Phương", "Đức Trọng", "Thị Thanh", "Hữu Nghĩa"}
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
	told := newTexts(H, n) // the day's prompts and the list
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

// said sends what as p and fails unless p got at least one new message.
func said(t *testing.T, h *sim.Harness, p *sim.Person, what string, do func() error) {
	t.Helper()
	n := len(p.User.Messages())
	must(t, do())
	if len(p.User.Messages()) == n {
		t.Errorf("%s: %s got no answer", what, p.Code)
	}
}

// Issue 20.1: every path that makes a message, driven with its largest
// realistic input, in a unit of 180 people: pasted plans with 70 and 75
// faulty lines, the largest valid plan (30 tasks of 200 characters, with
// emoji, which count two) and its card for the head, a return with the
// longest reason, the weekly report with every task late twice, the self-assessment prompt and its task view, the reminders and
// the head's list of who is missing, /status, /pending, /delegate,
// /history, /ratings, /export's caption, /help, the desks with a 120
// character name, its QR sign's caption and the choice among 180 people,
// 25 citizens' ratings with the longest comment and /ratings after them.
// Telegram (the strict fake) must take every call, nothing may be
// dead-lettered, and no text may need the last-resort cut: each list is
// bounded where it is composed.
func TestEveryPathWithinTelegramLimits(t *testing.T) {
	logs := &syncBuffer{}
	h, err := sim.New(pgtest.New(t), at(2026, 11, 23, 7), logs)
	must(t, err)
	defer h.Close()
	must(t, h.ImportCSV(units, bigUnit(180)))
	ps, err := h.Onboard()
	must(t, err)
	A, H := ps["P000"], ps["H"]

	title := strings.Repeat("📌 Rà soát 📁 hồ sơ 📎 địa chính & <đất đai> 🗂 tổ dân phố 7 ", 5)
	var plan []string
	for i := range 30 {
		plan = append(plan, fmt.Sprintf("%s %02d | 27/11 | 2", string([]rune(title)[:196]), i))
	}
	said(t, h, A, "/plan", func() error { return h.Command(A, "/plan") })
	said(t, h, A, "70 faulty lines", func() error { return h.Say(A, strings.Repeat("Rà soát hồ sơ tổ 7 | 15.12\n", 70)) })
	said(t, h, A, "75 faulty lines", func() error { return h.Say(A, strings.Repeat("Rà soát hồ sơ tổ 7 | 27-11-2026\n", 75)) })
	said(t, h, A, "31 long tasks", func() error { return h.Say(A, strings.Join(append(plan, plan[0]), "\n")) })
	said(t, h, A, "30 long tasks", func() error { return h.Say(A, strings.Join(plan, "\n")) })
	said(t, h, H, "submit", func() error { return h.Tap(A, "📨 Gửi duyệt") })
	said(t, h, H, "return", func() error { return h.Tap(H, "↩️ Trả lại") })
	said(t, h, A, "reason", func() error { return h.Say(H, string([]rune(strings.Repeat(reason480(1), 2))[:500])) })
	said(t, h, A, "30 long tasks again", func() error { return h.Say(A, strings.Join(plan, "\n")) })
	said(t, h, H, "submit again", func() error { return h.Tap(A, "📨 Gửi duyệt") })
	said(t, h, A, "approve", func() error { return h.Tap(H, "✅ Duyệt") })
	said(t, h, A, "/report", func() error { return h.Command(A, "/report") })
	for i := 1; i <= 30; i++ { // every task late twice: "(trễ 2 lần)" on each line
		must(t, h.Tap(A, fmt.Sprintf("%d ⏰", i)))
		must(t, h.Tap(A, fmt.Sprintf("• %d ⏰ •", i)))
	}
	if !strings.Contains(lastText(A), "30. ") || strings.Count(lastText(A), "(trễ 2 lần)") != 30 {
		t.Errorf("the report after 60 taps: %q", lastText(A))
	}
	must(t, h.Tap(A, "✔️ Xong"))

	// The month's end: 180 prompts, then reminders and the head's list.
	said(t, h, A, "self-assessment prompt", func() error { return h.At(at(2026, 11, 30, 9)) })
	must(t, h.Tap(A, "📋 Công việc (30)"))
	must(t, h.Tap(A, "›"))
	said(t, h, H, "reminders", func() error { return h.At(at(2026, 12, 1, 8)) })

	for _, cmd := range []string{"/status", "/pending", "/delegate", "/history", "/ratings", "/export", "/help", "/desks"} {
		said(t, h, H, cmd, func() error { return h.Command(H, cmd) })
	}
	said(t, h, A, "/history", func() error { return h.Command(A, "/history") })
	must(t, h.Tap(H, "➕ Thêm quầy"))
	desk := string([]rune(strings.Repeat("Quầy tiếp nhận và trả kết quả thủ tục hành chính lĩnh vực đất đai & xây dựng ", 2))[:120])
	said(t, h, H, "new desk", func() error { return h.Say(H, "HCC-Q1 | "+desk+" | P000") })
	must(t, h.Tap(H, "👤 Phụ trách mặc định"))
	if n := buttons(H.User.Last()); n < 40 || n > 100 {
		t.Errorf("choosing among 180 people: %d buttons", n)
	}
	must(t, h.Tap(H, "›"))
	must(t, h.Tap(H, "‹ Quay lại"))
	said(t, h, H, "QR sign", func() error { return h.Tap(H, "🖼 Ảnh mã QR để in") })

	// 25 citizens rate A at the desk, each with the longest comment; then
	// /ratings for A (the comments) and for the head (per official, per desk).
	d, err := citizen.DeskByCode(context.Background(), h.Pool, "HCC-Q1")
	must(t, err)
	code, err := citizen.ActiveCode(context.Background(), h.Pool, d.ID, h.Clock.Now())
	must(t, err)
	link := citizen.DeepLink(h.Srv.BotUsername(), code.Code)
	comment := string([]rune(strings.Repeat("Cán bộ hướng dẫn tận tình nhưng phải chờ lâu & thiếu ghế <ngồi>. ", 10))[:500])
	for i := range 25 {
		c := &sim.Person{Code: fmt.Sprint("citizen", i), User: h.Srv.NewUser(int64(900000+i), "Dân", "vi")}
		id, err := c.User.OpenLink(link)
		must(t, err)
		must(t, h.Wait(id))
		must(t, h.Tap(c, "🙂 Hài lòng"))
		said(t, h, c, "comment", func() error { return h.Say(c, comment) })
	}
	said(t, h, A, "/ratings", func() error { return h.Command(A, "/ratings") })
	said(t, h, H, "/ratings", func() error { return h.Command(H, "/ratings") })

	acceptedAll(t, h)
	checkAnswers(t, h)
	for _, p := range ps {
		for _, m := range p.User.Messages() {
			if n := utf16Len(m.Text); n > delivery.MaxText {
				t.Errorf("%s: a message of %d characters", p.Code, n)
			}
		}
	}
	if strings.Contains(logs.String(), "cut") {
		t.Errorf("a text needed the last-resort cut:\n%s", logs.String())
	}
}

func buttons(m sim.Message) int {
	n := 0
	for _, r := range m.Keyboard {
		n += len(r)
	}
	return n
}
