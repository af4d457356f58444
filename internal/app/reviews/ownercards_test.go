package reviews_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/app/reviews"
	"evalbot/internal/app/selfassess"
	"evalbot/internal/calendar"
	"evalbot/internal/evaluation"
	"evalbot/internal/grading"
	"evalbot/internal/pgtest"
	"evalbot/internal/store"
)

// taskTold records the plans a plans.TaskNotifier was told of.
type taskTold struct{ marked []int64 }

func (r *taskTold) TaskMarked(_ context.Context, _ pgx.Tx, p evaluation.Plan) error {
	r.marked = append(r.marked, p.ID)
	return nil
}

func (r *taskTold) EvidenceChanged(context.Context, pgx.Tx, evaluation.Plan) error { return nil }

// TestReviewerChangesTellTheOwnersCards (issue 24 attack): the head's task
// status and «chưa đạt» mark (on the board or in chat) change what the
// owner's cards in chat show (their self-assessment card lists the tasks),
// yet only the head's cards followed: the owner's card said «2 chưa hoàn
// thành» after the head set one late. Each change that changed the task is
// told to the owner's cards (plans.TaskNotifier); the same status again, a
// repeated mark, is not.
func TestReviewerChangesTellTheOwnersCards(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.New(t)
	for _, q := range []string{
		`INSERT INTO units (code, name) VALUES ('W', 'Phòng Văn hóa')`,
		`INSERT INTO officials (employee_code, full_name, unit_id, category, is_head) VALUES
			('H', 'Nguyễn Văn Hùng', (SELECT id FROM units WHERE code = 'W'), 'can_bo', true),
			('A', 'Trần Thị An', (SELECT id FROM units WHERE code = 'W'), 'cong_chuc', false)`,
		`INSERT INTO plans (official_id, kind, period_start, month, status)
			SELECT id, 'month', '2026-11-01', '2026-11-01', 'approved' FROM officials WHERE employee_code = 'A'`,
		`INSERT INTO tasks (plan_id, position, title, status)
			SELECT p.id, n, 'Việc ' || n, CASE WHEN n = 1 THEN 'on_time' ELSE 'not_done' END FROM plans p, generate_series(1, 2) n`,
	} {
		if _, err := pool.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	var h, a, plan, t1, t2 int64
	if err := pool.QueryRow(ctx, `SELECT (SELECT id FROM officials WHERE employee_code = 'H'), (SELECT id FROM officials WHERE employee_code = 'A'),
		(SELECT id FROM plans), (SELECT id FROM tasks WHERE position = 1), (SELECT id FROM tasks WHERE position = 2)`).Scan(&h, &a, &plan, &t1, &t2); err != nil {
		t.Fatal(err)
	}
	fw, err := grading.Preset("hanoi-3814-2018")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, calendar.Location)
	day := calendar.DateOf(now)
	as, err := evaluation.OpenAssessment(ctx, pool, a, calendar.Month{Year: 2026, Month: time.November}, fw)
	if err != nil {
		t.Fatal(err)
	}
	if as, _, err = selfassess.Submit(ctx, pool, calendar.Default(), grading.Preset, a, as.ID, as.Version, now, nil); err != nil {
		t.Fatal(err)
	}
	told := &taskTold{}
	step := func(name string, want int, f func(tx pgx.Tx) error) {
		t.Helper()
		before := len(told.marked)
		if err := store.InTx(ctx, pool, f); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := len(told.marked) - before; got != want || got > 0 && told.marked[len(told.marked)-1] != plan {
			t.Errorf("%s: the owner's cards told %d times (%v); want %d", name, got, told.marked[before:], want)
		}
	}
	step("task 2 late", 1, func(tx pgx.Tx) error {
		_, err := reviews.MarkTask(ctx, tx, h, as.ID, t2, grading.StatusLate, day, told)
		return err
	})
	step("task 1 on time again", 0, func(tx pgx.Tx) error {
		_, err := reviews.MarkTask(ctx, tx, h, as.ID, t1, grading.StatusOnTime, day, told)
		return err
	})
	var mark int64
	step("task 1 «chưa đạt»", 1, func(tx pgx.Tx) error {
		res, err := reviews.MarkNotUpToStandard(ctx, tx, h, as.ID, t1, "Thiếu số liệu", day, told)
		mark = res.Mark.ID
		return err
	})
	step("the same mark again", 0, func(tx pgx.Tx) error {
		_, err := reviews.MarkNotUpToStandard(ctx, tx, h, as.ID, t1, "Thiếu số liệu", day, told)
		return err
	})
	step("the mark taken back", 1, func(tx pgx.Tx) error {
		_, err := reviews.WithdrawQualityMark(ctx, tx, h, as.ID, t1, mark, day, told)
		return err
	})
	step("the same mark taken back again (a double tap)", 0, func(tx pgx.Tx) error {
		res, err := reviews.WithdrawQualityMark(ctx, tx, h, as.ID, t1, mark, day, told)
		if err == nil && !res.Repeated {
			t.Errorf("the same withdrawal again: %+v; want Repeated", res)
		}
		return err
	})
	// A task of the month's week plan still waiting for approval (a forged
	// id: the board lists approved plans only) is not one to review: stale,
	// not «approved already».
	var waiting int64
	if err := pool.QueryRow(ctx, `WITH p AS (INSERT INTO plans (official_id, kind, period_start, month, status)
			VALUES ($1, 'week', '2026-11-30', '2026-11-01', 'submitted') RETURNING id)
		INSERT INTO tasks (plan_id, position, title, status) SELECT id, 1, 'Việc tuần chờ duyệt', 'on_time' FROM p RETURNING id`, a).Scan(&waiting); err != nil {
		t.Fatal(err)
	}
	if _, err := reviews.MarkTask(ctx, pool, h, as.ID, waiting, grading.StatusLate, day, nil); !errors.Is(err, evaluation.ErrStale) {
		t.Errorf("a task of a plan not approved: %v; want ErrStale", err)
	}
	if _, err := reviews.MarkNotUpToStandard(ctx, pool, h, as.ID, waiting, "Thiếu số liệu", day, nil); !errors.Is(err, evaluation.ErrStale) {
		t.Errorf("a mark on a task of a plan not approved: %v; want ErrStale", err)
	}
}
