package telegram_test

import (
	"context"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"evalbot/internal/calendar"
	"evalbot/internal/evaluation"
	"evalbot/internal/grading"
	"evalbot/internal/pgtest"
	"evalbot/internal/roster"
	"evalbot/internal/sim"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

const units = `code,name,parent_code,exceptional
ROOT,Phường Thử,,
U,Phòng Thử,ROOT,
`

const officials = `employee_code,full_name,unit_code,category,position,is_head,phone,language
S,Nguyễn Văn Sếp,ROOT,Cán bộ,Chủ tịch,true,0912000001,vi
H,Trần Thị Trưởng,U,Công chức,Trưởng phòng,true,0912000002,vi
A,Lê Văn An,U,Công chức,Chuyên viên,,0912000003,vi
B,Phạm Thị Bình,U,Công chức,Chuyên viên,,0912000004,en
C,Đỗ Văn Cường,U,Viên chức,Chuyên viên,,0912000005,vi
`

func at(y int, m time.Month, d, h int) time.Time {
	return time.Date(y, m, d, h, 0, 0, 0, calendar.Location)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func lastText(p *sim.Person) string { return p.User.Last().Text }

// TestWholeMonth drives a head and three officials (and the head's superior)
// through November 2026: weekly plans (one returned and resubmitted), the
// Friday report with a late and an undone task, the month-end
// self-assessment (one returned and resubmitted, one adjusted), approvals
// and the grade cards. It also checks double taps, stale buttons, a
// forwarded head's button, a repeated update and that every callback query
// is answered exactly once. It runs twice: updates by long polling, as in
// development, and by webhook, as in production (answers then ride the
// webhook's replies).
func TestWholeMonth(t *testing.T) {
	t.Run("long polling", func(t *testing.T) { wholeMonth(t) })
	t.Run("webhook", func(t *testing.T) {
		h := wholeMonth(t, sim.Webhook())
		if n := h.Srv.ReplyCalls()["answerCallbackQuery"]; n == 0 {
			t.Error("no callback query was answered in a webhook reply")
		}
		if n := h.Srv.Calls()["getUpdates"]; n != 0 {
			t.Errorf("getUpdates called %d times with a webhook set", n)
		}
	})
}

func wholeMonth(t *testing.T, opts ...sim.Option) *sim.Harness {
	pool := pgtest.New(t)
	h, err := sim.New(pool, at(2026, 11, 23, 7), io.Discard, opts...)
	must(t, err)
	defer h.Close()
	must(t, h.ImportCSV(units, officials))
	ps, err := h.Onboard()
	must(t, err)
	S, H, A, B, C := ps["S"], ps["H"], ps["A"], ps["B"], ps["C"]
	if !strings.Contains(lastText(A), "/plan") {
		t.Fatalf("A after start sees %q", lastText(A))
	}

	// Monday 23 Nov 08:00: the weekly plan reminder.
	must(t, h.At(at(2026, 11, 23, 8)))
	if _, ok := findMsg(A.User.Messages(), "Kế hoạch công tác tuần 23/11"); !ok {
		t.Fatalf("A's reminder: %q", lastText(A))
	}
	if _, ok := findMsg(B.User.Messages(), "Work plan for the week 23/11"); !ok {
		t.Fatalf("B's reminder (English): %q", lastText(B))
	}
	plans := map[*sim.Person]string{
		A: "Soạn báo cáo tháng | 26/11 | 2\nTiếp nhận hồ sơ",
		B: "- Kiểm tra hiện trường\n- Lập biên bản | 27/11",
		C: "1. Tổng hợp số liệu\n2. Cập nhật phần mềm\n3. Trả lời đơn thư",
		H: "Chỉ đạo công tác chuyên môn\nHọp giao ban",
	}
	// A bad line is refused with its line number and nothing is saved.
	must(t, h.Say(A, "Việc tốt\n | 31/02"))
	if !strings.Contains(lastText(A), "Dòng 2") {
		t.Fatalf("bad plan: %q", lastText(A))
	}
	for _, p := range []*sim.Person{A, B, C, H} {
		must(t, h.Say(p, plans[p]))
		label := "📨 Gửi duyệt"
		if p == B {
			label = "📨 Submit"
		}
		must(t, h.Tap(p, label))
	}
	if !strings.Contains(lastText(S), "Chỉ đạo công tác chuyên môn") {
		t.Fatalf("S should get H's plan: %q", lastText(S))
	}
	must(t, h.Tap(S, "✅ Duyệt"))
	must(t, h.Tap(H, "✅ Duyệt")) // newest: H approves C's plan
	msgA, ok := findMsg(H.User.Messages(), "Lê Văn An")
	if !ok {
		t.Fatal("H has no plan of A")
	}
	// A pressing the head's button on a forwarded message is refused.
	must(t, h.TapOn(A, msgA, "✅ Duyệt"))
	if ans := A.User.Answers(); !strings.Contains(ans[len(ans)-1].Text, "không có quyền") {
		t.Fatalf("forwarded press answered %+v", ans[len(ans)-1])
	}
	must(t, h.TapOn(H, msgA, "✅ Duyệt"))
	// Double tap on Approve: the second press is out of date and sends nothing.
	before := len(A.User.Messages())
	must(t, h.TapOn(H, msgA, "✅ Duyệt"))
	if ans := H.User.Answers(); !strings.Contains(ans[len(ans)-1].Text, "đã cũ") {
		t.Fatalf("double tap answered %+v", ans[len(ans)-1])
	}
	if n := len(A.User.Messages()); n != before {
		t.Fatalf("double tap sent %d more messages to A", n-before)
	}
	// B's plan is returned with a reason, then resubmitted and approved.
	msgB, _ := findMsg(H.User.Messages(), "Phạm Thị Bình")
	must(t, h.TapOn(H, msgB, "↩️ Trả lại"))
	must(t, h.Say(H, "Bổ sung hạn hoàn thành"))
	if !strings.Contains(lastText(B), "Bổ sung hạn hoàn thành") {
		t.Fatalf("B should see the reason: %q", lastText(B))
	}
	must(t, h.Say(B, "Kiểm tra hiện trường | 25/11\nLập biên bản | 27/11"))
	must(t, h.Tap(B, "📨 Submit"))
	must(t, h.Tap(H, "✅ Duyệt"))

	// A repeated update is handled once.
	id := A.User.Command("/report")
	must(t, h.Wait(id))
	n := len(A.User.Messages())
	h.Srv.RepeatUpdate(id)
	time.Sleep(50 * time.Millisecond)
	must(t, h.Flush())
	if len(A.User.Messages()) != n {
		t.Fatal("a repeated update was handled twice")
	}

	// Friday 27 Nov 16:00: mark the week.
	must(t, h.At(at(2026, 11, 27, 16)))
	for _, lbl := range []string{"1 ✅", "2 ✅"} {
		must(t, h.Tap(A, lbl))
	}
	must(t, h.Tap(B, "1 ✅"))
	must(t, h.Tap(B, "2 ⏰")) // a late task
	for _, lbl := range []string{"1 ✅", "2 ✅", "3 ❌"} {
		must(t, h.Tap(C, lbl))
	}
	for _, lbl := range []string{"1 ✅", "2 ✅"} {
		must(t, h.Tap(H, lbl))
	}

	// Monday 30 Nov 09:00, the last working day: self-assessment.
	must(t, h.At(at(2026, 11, 30, 9)))
	oldA, _ := sim.FindButton(A.User.Messages(), "📨 Gửi đánh giá")
	must(t, h.Tap(A, "📨 Gửi đánh giá"))
	// A's old submit button, after the state moved on: out of date.
	must(t, h.TapOn(A, oldA, "📨 Gửi đánh giá"))
	if ans := A.User.Answers(); !strings.Contains(ans[len(ans)-1].Text, "nộp") && !strings.Contains(ans[len(ans)-1].Text, "đã cũ") && !strings.Contains(ans[len(ans)-1].Text, "không thể sửa") {
		t.Fatalf("stale submit answered %+v", ans[len(ans)-1])
	}
	// B lowers one criterion to 4.
	bMsg, _ := sim.FindButton(B.User.Messages(), "📨 Submit assessment")
	must(t, pressRowValue(h, B, bMsg, 3, "4"))
	must(t, h.Tap(B, "📨 Submit assessment"))
	// C claims a bonus of 2 with a reason.
	must(t, h.Tap(C, "🎖 Thưởng: 0,00"))
	must(t, h.Tap(C, "2"))
	must(t, h.Say(C, "Hoàn thành nhiệm vụ đột xuất phòng chống bão"))
	must(t, h.Tap(C, "📨 Gửi đánh giá"))
	must(t, h.Tap(H, "📨 Gửi đánh giá"))

	// The head: approve A, return B and get it back, adjust C, approve.
	cardA, _ := findMsg(H.User.Messages(), "Lê Văn An", "Đánh giá tháng")
	must(t, h.TapOn(H, cardA, "✅ Duyệt"))
	cardB, _ := findMsg(H.User.Messages(), "Phạm Thị Bình", "Đánh giá tháng")
	must(t, h.TapOn(H, cardB, "↩️ Trả lại"))
	must(t, h.Say(H, "Đề nghị tự chấm lại tiêu chí 4"))
	if !strings.Contains(lastText(B), "Đề nghị tự chấm lại tiêu chí 4") {
		t.Fatalf("B's returned card: %q", lastText(B))
	}
	must(t, h.Tap(B, "📨 Submit assessment"))
	cardB, _ = findMsg(H.User.Messages(), "Phạm Thị Bình", "Đánh giá tháng")
	must(t, h.TapOn(H, cardB, "✅ Duyệt"))
	cardC, _ := findMsg(H.User.Messages(), "Đỗ Văn Cường", "Đánh giá tháng")
	must(t, h.TapOn(H, cardC, "✏️ Điều chỉnh"))
	cardC, _ = findMsg(H.User.Messages(), "Điều chỉnh — Đỗ Văn Cường")
	must(t, pressRowValue(h, H, cardC, 1, "4"))
	must(t, h.Tap(H, "✅ Duyệt theo điều chỉnh"))

	// The superior grades the head only now that the unit is final.
	must(t, h.Tap(S, "✅ Duyệt"))
	// H is the unit's second A among four people: 30% of 4 allows one.
	// The superior is told before anything is final and chooses.
	if !strings.Contains(lastText(S), "tối đa 1 người loại A") {
		t.Fatalf("S should be asked about the quota: %q", lastText(S))
	}
	must(t, h.Tap(S, "Chuyển Trần Thị Trưởng sang loại B"))
	if !strings.Contains(lastText(H), "giới hạn tỷ lệ loại A") {
		t.Fatalf("H's card should say why: %q", lastText(H))
	}

	// Every grade posted back matches the engine on the approved inputs.
	ctx := context.Background()
	fw, _ := grading.Preset(grading.DefaultFrameworkID)
	month := calendar.Month{Year: 2026, Month: time.November}
	for _, p := range []*sim.Person{A, B, C, H} {
		as, err := evaluation.FindAssessment(ctx, pool, p.ID, month)
		must(t, err)
		if as.Status != evaluation.AssessApproved || as.Total == nil {
			t.Fatalf("%s: status %s", p.Code, as.Status)
		}
		o, _ := roster.OfficialByID(ctx, pool, p.ID)
		subj := evaluation.Subject{Role: grading.RoleStaff}
		if o.IsHead {
			subj.Role = grading.RoleHead
			for _, q := range []*sim.Person{A, B, C} {
				subj.SubordinateIDs = append(subj.SubordinateIDs, q.ID)
			}
		}
		in, err := evaluation.BuildInput(ctx, pool, as, true, calendar.Default(), subj)
		must(t, err)
		want, err := fw.Grade(in)
		must(t, err)
		if p == H {
			want.DemoteForQuota()
		}
		if *as.Total != want.Total || as.Grade != string(want.Grade) {
			t.Errorf("%s: stored %v %s, engine %v %s", p.Code, *as.Total, as.Grade, want.Total, want.Grade)
		}
		card := lastText(p)
		total := want.Total.String()
		if o.Language == "vi" {
			total = strings.Replace(total, ".", ",", 1)
		}
		if !strings.Contains(card, total) || !strings.Contains(card, " "+string(want.Grade)+" ") {
			t.Errorf("%s: card %q lacks %s %s", p.Code, card, total, want.Grade)
		}
	}
	// C's adjusted criterion and bonus: 19 + tasks (2 of 3 done) + 2.
	asC, _ := evaluation.FindAssessment(ctx, pool, C.ID, month)
	if asC.Result.General != 1900 || asC.Result.Bonus != 200 {
		t.Errorf("C: general %v bonus %v", asC.Result.General, asC.Result.Bonus)
	}

	// Every callback query was answered exactly once.
	if u := h.Srv.Unanswered(); len(u) > 0 {
		t.Errorf("unanswered callback queries: %v", u)
	}
	for id, n := range h.Srv.AnswerCounts() {
		if n != 1 {
			t.Errorf("callback %s answered %d times", id, n)
		}
	}
	checkLimits(t, h)
	return h
}

// checkLimits reports and asserts what Telegram's limits cost the run, as
// the fake server counted it (sim.New turns them on: 30/s, 1/s per chat
// with a burst of 3, 20/min per group): no 429, and no dead letter.
func checkLimits(t *testing.T, h *sim.Harness) {
	t.Helper()
	must(t, h.Flush())
	n429 := h.Srv.FloodRefusals()
	dead, err := h.DeadLetters()
	must(t, err)
	t.Logf("with Telegram's limits on: %d × 429 (server side), %d dead letters", n429, dead)
	if n429 != 0 {
		t.Errorf("%d × 429 from the fake's flood limits, by chat: %v", n429, h.Srv.FloodRefusalsByChat())
	}
	if dead != 0 {
		t.Errorf("%d dead letters", dead)
	}
}

// findMsg returns the newest message whose text contains every part.
func findMsg(ms []sim.Message, parts ...string) (sim.Message, bool) {
	for i := len(ms) - 1; i >= 0; i-- {
		ok := true
		for _, p := range parts {
			if !strings.Contains(ms[i].Text, p) {
				ok = false
			}
		}
		if ok {
			return ms[i], true
		}
	}
	return sim.Message{}, false
}

// pressRowValue presses the button labelled value on the given keyboard row
// (criterion rows start with their number).
func pressRowValue(h *sim.Harness, p *sim.Person, m sim.Message, row int, value string) error {
	for _, r := range m.Keyboard {
		if len(r) > 0 && r[0].Text == itoa(row)+"." {
			for _, b := range r {
				if b.Text == value {
					return h.TapOn(p, m, value)
				}
			}
		}
	}
	return errNoButton
}
