package reviews_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"evalbot/internal/app/access"
	"evalbot/internal/app/reviews"
	"evalbot/internal/app/selfassess"
	"evalbot/internal/calendar"
	"evalbot/internal/evaluation"
	"evalbot/internal/grading"
	"evalbot/internal/pgtest"
)

// A task's status and its «chưa đạt» mark are the head's use cases, one
// rule for the chat and the board: authorized from the database (another
// unit's head is refused, a deputy only during the delegation), on a task of
// the reviewed month only, and never once the month is approved — MarkTask
// used to change a task of an approved month when asked from outside the
// chat's review card.
func TestTaskStatusAndQualityMarkAreTheReviewersOnly(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.New(t)
	for _, q := range []string{
		`INSERT INTO units (code, name) VALUES ('W', 'Phòng Văn hóa'), ('V', 'Phòng Kinh tế')`,
		`INSERT INTO officials (employee_code, full_name, unit_id, category, is_head) VALUES
			('H', 'Nguyễn Văn Hùng', (SELECT id FROM units WHERE code = 'W'), 'can_bo', true),
			('D', 'Phạm Thị Dung', (SELECT id FROM units WHERE code = 'W'), 'cong_chuc', false),
			('A', 'Trần Thị An', (SELECT id FROM units WHERE code = 'W'), 'cong_chuc', false),
			('B', 'Lê Văn Bình', (SELECT id FROM units WHERE code = 'W'), 'cong_chuc', false),
			('X', 'Đỗ Văn Xuân', (SELECT id FROM units WHERE code = 'V'), 'can_bo', true)`,
		`INSERT INTO plans (official_id, kind, period_start, month, status)
			SELECT id, 'month', '2026-11-01', '2026-11-01', 'approved' FROM officials WHERE employee_code IN ('A', 'B')`,
		`INSERT INTO tasks (plan_id, position, title, status)
			SELECT p.id, n, 'Việc ' || n, CASE WHEN n = 1 THEN 'on_time' ELSE 'not_done' END
			  FROM plans p, generate_series(1, 2) n`,
	} {
		if _, err := pool.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	id := map[string]int64{}
	for _, c := range []string{"H", "D", "A", "B", "X"} {
		var v int64
		if err := pool.QueryRow(ctx, `SELECT id FROM officials WHERE employee_code = $1`, c).Scan(&v); err != nil {
			t.Fatal(err)
		}
		id[c] = v
	}
	task := func(owner string, n int) int64 {
		var v int64
		if err := pool.QueryRow(ctx, `SELECT t.id FROM tasks t JOIN plans p ON p.id = t.plan_id WHERE p.official_id = $1 AND t.position = $2`,
			id[owner], n).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	cal, fws := calendar.Default(), grading.Preset
	fw, err := fws("hanoi-3814-2018")
	if err != nil {
		t.Fatal(err)
	}
	nov := calendar.Month{Year: 2026, Month: time.November}
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, calendar.Location)
	day := calendar.DateOf(now)
	as, err := evaluation.OpenAssessment(ctx, pool, id["A"], nov, fw)
	if err != nil {
		t.Fatal(err)
	}
	if as, _, err = selfassess.Submit(ctx, pool, cal, fws, id["A"], as.ID, as.Version, now, nil); err != nil {
		t.Fatal(err)
	}
	reason := "Báo cáo thiếu số liệu quý III"
	for _, who := range []string{"X", "D", "B"} {
		if _, err := reviews.MarkTask(ctx, pool, id[who], as.ID, task("A", 2), grading.StatusLate, day, nil); !errors.Is(err, access.ErrForbidden) {
			t.Errorf("%s marking A's task: %v; want ErrForbidden", who, err)
		}
		if _, err := reviews.MarkNotUpToStandard(ctx, pool, id[who], as.ID, task("A", 1), reason, day, nil); !errors.Is(err, access.ErrForbidden) {
			t.Errorf("%s: A's task not up to standard: %v; want ErrForbidden", who, err)
		}
	}
	// B's task is not of A's month.
	if _, err := reviews.MarkTask(ctx, pool, id["H"], as.ID, task("B", 2), grading.StatusLate, day, nil); !errors.Is(err, evaluation.ErrStale) {
		t.Errorf("B's task through A's review: %v; want ErrStale", err)
	}
	if _, err := reviews.MarkNotUpToStandard(ctx, pool, id["H"], as.ID, task("B", 1), reason, day, nil); !errors.Is(err, evaluation.ErrStale) {
		t.Errorf("B's task not up to standard through A's review: %v; want ErrStale", err)
	}
	if _, err := reviews.MarkNotUpToStandard(ctx, pool, id["H"], as.ID, task("A", 2), reason, day, nil); !errors.Is(err, evaluation.ErrNotDone) {
		t.Errorf("a task not done marked not up to standard: %v; want ErrNotDone", err)
	}
	// The deputy during the delegation.
	if _, _, err := access.Delegate(ctx, pool, id["H"], id["D"], 3, day); err != nil {
		t.Fatal(err)
	}
	got, err := reviews.MarkTask(ctx, pool, id["D"], as.ID, task("A", 2), grading.StatusLate, day, nil)
	if err != nil || got.Version != as.Version+1 {
		t.Fatalf("D marks A's task 2 late during the delegation: version %d, %v; want %d", got.Version, err, as.Version+1)
	}
	as = got
	res, err := reviews.MarkNotUpToStandard(ctx, pool, id["D"], as.ID, task("A", 1), reason, day, nil)
	if err != nil || res.Faults != 1 || res.Repeated || res.Assessment.Version != as.Version+1 || res.TaskTitle != "Việc 1" ||
		res.Official.ID != id["A"] || res.Mark.Reason != reason {
		t.Fatalf("D marks A's task 1 not up to standard: %+v, %v", res, err)
	}
	as = res.Assessment
	// The same mark again (a repeated update) is the same mark.
	if res, err = reviews.MarkNotUpToStandard(ctx, pool, id["D"], as.ID, task("A", 1), reason, day, nil); err != nil || !res.Repeated ||
		res.Faults != 1 || res.Assessment.Version != as.Version {
		t.Fatalf("the same mark again: %+v, %v; want Repeated, version kept", res, err)
	}
	after := day.AddDays(3)
	if _, err := reviews.MarkTask(ctx, pool, id["D"], as.ID, task("A", 2), grading.StatusOnTime, after, nil); !errors.Is(err, access.ErrForbidden) {
		t.Errorf("D after the delegation: %v; want ErrForbidden", err)
	}
	if res, err = reviews.WithdrawQualityMark(ctx, pool, id["H"], as.ID, task("A", 1), res.Mark.ID, day, nil); err != nil || res.Faults != 0 ||
		res.Assessment.Version != as.Version+1 || res.Mark.Reason != reason {
		t.Fatalf("H takes the mark back: %+v, %v", res, err)
	}
	as = res.Assessment
	// Approved: nothing of the month changes any more.
	ap, err := reviews.Approve(ctx, pool, cal, fws, id["H"], as.ID, as.Version, 0, now)
	if err != nil || ap.Assessment.Status != evaluation.AssessApproved {
		t.Fatalf("H approves A: %+v, %v", ap.Assessment.Status, err)
	}
	if _, err := reviews.MarkTask(ctx, pool, id["H"], as.ID, task("A", 2), grading.StatusOnTime, day, nil); !errors.Is(err, evaluation.ErrLocked) {
		t.Errorf("a task of an approved month: %v; want ErrLocked", err)
	}
	if _, err := reviews.MarkNotUpToStandard(ctx, pool, id["H"], as.ID, task("A", 1), "Thiếu chữ ký", day, nil); !errors.Is(err, evaluation.ErrLocked) {
		t.Errorf("a mark on an approved month: %v; want ErrLocked", err)
	}
	var status string
	if err := pool.QueryRow(ctx, `SELECT status FROM tasks WHERE id = $1`, task("A", 2)).Scan(&status); err != nil || status != "late" {
		t.Errorf("A's task 2 after the approval: %q, %v; want late", status, err)
	}
}
