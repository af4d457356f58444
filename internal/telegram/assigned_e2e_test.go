package telegram_test

import (
	"context"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/app/apikeys"
	"evalbot/internal/app/assigned"
	"evalbot/internal/calendar"
	"evalbot/internal/evaluation"
	"evalbot/internal/pgtest"
	"evalbot/internal/sim"
	"evalbot/internal/store"
)

// assign has a task system (a key over the whole tree) push a task to the
// person with code, as POST /api/v1/assignments does, and delivers the
// message.
func assign(t *testing.T, h *sim.Harness, code, source, title string, deadline *calendar.Date) assigned.Assignment {
	t.Helper()
	ctx := context.Background()
	var a assigned.Assignment
	must(t, store.InTx(ctx, h.Pool, func(tx pgx.Tx) error {
		keys, err := apikeys.List(ctx, tx)
		if err != nil {
			return err
		}
		var k apikeys.Key
		if len(keys) > 0 {
			k = keys[0]
		} else if k, _, err = apikeys.Create(ctx, tx, "Hệ thống quản lý văn bản", "ROOT"); err != nil {
			return err
		}
		a, _, err = assigned.Push(ctx, tx, k, assigned.Input{Today: calendar.DateOf(h.Clock.Now()), SourceID: source, EmployeeCode: code, Title: title, Deadline: deadline,
			SourceDocument: "125/QĐ-UBND"}, h.App)
		return err
	}))
	must(t, h.FlushMessages())
	return a
}

// A task pushed by a task system reaches the person with three buttons; a
// tap accepts it into this week's plan (a draft is opened), a double tap
// adds nothing; another is declined with a typed reason; a plan typed
// afterwards keeps the accepted task.
func TestAssignedTaskAcceptedOrDeclined(t *testing.T) {
	pool := pgtest.New(t)
	h, err := sim.New(pool, at(2026, 11, 23, 9), io.Discard)
	must(t, err)
	t.Cleanup(h.Close)
	must(t, h.ImportCSV(units, officials))
	ps, err := h.Onboard()
	must(t, err)
	A := ps["A"]
	ctx := context.Background()
	deadline := calendar.Date{Year: 2026, Month: 11, Day: 26}
	first := assign(t, h, "A", "VB-1", "Rà soát hồ sơ đất đai tồn đọng", &deadline)
	m, ok := findMsg(A.User.Messages(), "Rà soát hồ sơ đất đai tồn đọng", "Hạn hoàn thành: 26/11/2026", "125/QĐ-UBND")
	if !ok || len(m.Keyboard) != 2 {
		t.Fatalf("A's message: %q %v", lastText(A), m.Keyboard)
	}
	must(t, h.TapOn(A, m, "📅 Nhận vào KH tuần"))
	must(t, h.TapOn(A, m, "📅 Nhận vào KH tuần")) // a double tap
	must(t, h.Flush())
	p, err := evaluation.FindPlan(ctx, pool, A.ID, evaluation.KindWeek, calendar.Date{Year: 2026, Month: 11, Day: 23})
	must(t, err)
	if p.Status != evaluation.StatusDraft || len(p.Tasks) != 1 || p.Tasks[0].Title != "Rà soát hồ sơ đất đai tồn đọng" {
		t.Fatalf("week plan: %+v", p)
	}
	if _, ok := findMsg(A.User.Messages(), "Đã nhận vào kế hoạch tuần 23/11 – 29/11/2026"); !ok {
		t.Errorf("A was not told: %q", lastText(A))
	}
	if _, ok := sim.FindButton(A.User.Messages(), "📨 Gửi duyệt"); !ok {
		t.Errorf("A was not shown the draft to submit")
	}

	second := assign(t, h, "A", "VB-2", "Tổng hợp số liệu chợ dân sinh", nil)
	m, ok = findMsg(A.User.Messages(), "Tổng hợp số liệu chợ dân sinh")
	if !ok {
		t.Fatal("no message of the second task")
	}
	must(t, h.TapOn(A, m, "✖️ Từ chối"))
	must(t, h.Say(A, "Việc này thuộc Phòng Kinh tế"))
	got, err := assigned.Own(ctx, pool, A.ID, second.ID)
	must(t, err)
	if got.Status != assigned.StatusDeclined || got.DeclineReason != "Việc này thuộc Phòng Kinh tế" {
		t.Errorf("declined: %+v", got)
	}

	// The plan typed now keeps the accepted task, first; A is told so.
	must(t, h.Command(A, "/plan"))
	if _, ok := findMsg(A.User.Messages(), "Nhiệm vụ do hệ thống giao việc chuyển đến được giữ nguyên"); !ok {
		t.Errorf("A was not told the assigned task stays: %q", lastText(A))
	}
	must(t, h.Say(A, "Tiếp nhận hồ sơ\nSoạn báo cáo tuần | 27/11"))
	p, err = evaluation.FindPlan(ctx, pool, A.ID, evaluation.KindWeek, calendar.Date{Year: 2026, Month: 11, Day: 23})
	must(t, err)
	var titles []string
	for _, task := range p.Tasks {
		titles = append(titles, task.Title)
	}
	if strings.Join(titles, "; ") != "Rà soát hồ sơ đất đai tồn đọng; Tiếp nhận hồ sơ; Soạn báo cáo tuần" {
		t.Errorf("the typed plan: %q", titles)
	}
	got, err = assigned.Own(ctx, pool, A.ID, first.ID)
	must(t, err)
	if got.Status != assigned.StatusAccepted || got.TaskID != p.Tasks[0].ID || got.PlanKind != evaluation.KindWeek {
		t.Errorf("accepted: %+v", got)
	}

	// Waiting tasks come back after /plan: the oldest three, and how many
	// more (B reads English).
	B := ps["B"]
	for i, title := range []string{"Task one", "Task two", "Task three", "Task four"} {
		assign(t, h, "B", "VB-B"+string(rune('1'+i)), title, nil)
	}
	n := len(B.User.Messages())
	must(t, h.Command(B, "/plan"))
	must(t, h.FlushMessages())
	var again []string
	for _, m := range B.User.Messages()[n:] {
		for _, title := range []string{"Task one", "Task two", "Task three", "Task four"} {
			if len(m.Keyboard) == 2 && strings.Contains(m.Text, title) {
				again = append(again, title)
			}
		}
	}
	if strings.Join(again, ", ") != "Task one, Task two, Task three" {
		t.Errorf("after /plan B was shown %q", again)
	}
	if _, ok := findMsg(B.User.Messages()[n:], "1 more assigned task is waiting"); !ok {
		t.Errorf("B was not told one more waits: %q", lastText(B))
	}
	checkAnswers(t, h)
}

// Attack on the API: a task system pushes 40 tasks to one person in a loop
// (within its rate: 10 a second). Each was a message with three buttons,
// 40 in a row in the person's chat. The first five still come one by one;
// past that, one message of the day says how many wait, and /plan lists
// them.
func TestManyAssignmentsDoNotBuryTheChat(t *testing.T) {
	pool := pgtest.New(t)
	h, err := sim.New(pool, at(2026, 11, 23, 9), io.Discard)
	must(t, err)
	t.Cleanup(h.Close)
	must(t, h.ImportCSV(units, officials))
	ps, err := h.Onboard()
	must(t, err)
	A := ps["A"]
	before := len(A.User.Messages())
	for i := 1; i <= 40; i++ {
		assign(t, h, "A", "VB-LOOP-"+strconv.Itoa(i), "Việc số "+strconv.Itoa(i)+" từ hệ thống", nil)
	}
	msgs := A.User.Messages()[before:]
	if len(msgs) != 6 {
		t.Errorf("%d messages for 40 tasks, want 5 and one that counts them", len(msgs))
	}
	if _, ok := findMsg(msgs, "Việc số 5 từ hệ thống"); !ok {
		t.Errorf("the fifth task was not sent on its own")
	}
	if _, ok := findMsg(msgs, "Việc số 6 từ hệ thống"); ok {
		t.Errorf("the sixth task was sent on its own")
	}
	if _, ok := findMsg(msgs, "đang có 6 nhiệm vụ do hệ thống giao việc chuyển đến chờ nhận", "/plan"); !ok {
		t.Errorf("no message counting the waiting tasks: %q", lastText(A))
	}
}
