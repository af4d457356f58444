package plans_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/app/plans"
	"evalbot/internal/calendar"
	"evalbot/internal/evaluation"
	"evalbot/internal/roster"
)

// told records what the chat was told (plans.SheetNotifier).
type told struct{ drafted, submitted []int }

func (c *told) PlanDrafted(_ context.Context, _ pgx.Tx, p evaluation.Plan, _ roster.Official) error {
	c.drafted = append(c.drafted, p.Version)
	return nil
}

func (c *told) PlanSubmitted(_ context.Context, _ pgx.Tx, p evaluation.Plan, _ roster.Official, head *roster.Official) error {
	if head == nil {
		return errors.New("no head")
	}
	c.submitted = append(c.submitted, p.Version)
	return nil
}

// The plan form's save (issue 24): the chat's rules (a deadline outside the
// week refused, nothing written), the assigned task kept first, the
// version the form was opened at checked (a second tab, a double tap), only
// the current or next week, and a submitted plan no longer changed.
func TestSaveSheet(t *testing.T) {
	ctx := context.Background()
	pool, id := unit(t)
	monday := calendar.DateOf(time.Date(2026, 12, 7, 9, 0, 0, 0, calendar.Location))
	save := func(version int, rows []evaluation.FormTask, submit bool, n *told) (plans.Sheet, []evaluation.LineError, error) {
		t.Helper()
		tx, err := pool.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = tx.Rollback(ctx) }()
		sh, errs, err := plans.SaveSheet(ctx, tx, id["A"], evaluation.KindWeek, monday.AddDays(2), monday, version, rows, submit, n)
		if err == nil && len(errs) == 0 {
			if err := tx.Commit(ctx); err != nil {
				t.Fatal(err)
			}
		}
		return sh, errs, err
	}
	n := &told{}
	_, errs, err := save(0, []evaluation.FormTask{{Title: "Họp giao ban đầu tuần"}, {Title: "Báo cáo kết quả tiếp dân", Deadline: "2026-12-20"}}, false, n)
	if err != nil || len(errs) != 1 || errs[0].Code != "out_of_period" || errs[0].Line != 2 {
		t.Fatalf("a deadline outside the week: %+v, %v", errs, err)
	}
	if sh, err := plans.OpenSheet(ctx, pool, id["A"], evaluation.KindWeek, monday, monday); err != nil || sh.Plan.ID != 0 || len(n.drafted) != 0 {
		t.Fatalf("a refused form wrote a plan: %+v, %v, told %v", sh.Plan, err, n)
	}
	sh, errs, err := save(0, []evaluation.FormTask{{Title: "Họp giao ban đầu tuần", Deadline: "2026-12-07"}}, false, n)
	if err != nil || len(errs) > 0 || sh.Plan.Status != evaluation.StatusDraft || sh.Start != monday || len(sh.Typed) != 1 || len(n.drafted) != 1 {
		t.Fatalf("the draft: %+v %+v, %v", sh, errs, err)
	}
	// The same form twice (a double tap): saved once.
	again, errs, err := save(0, []evaluation.FormTask{{Title: "Họp giao ban đầu tuần", Deadline: "2026-12-07"}}, false, n)
	if err != nil || len(errs) > 0 || again.Plan.Version != sh.Plan.Version || len(n.drafted) != 1 {
		t.Fatalf("the same draft again: version %d → %d, %+v, %v, told %+v", sh.Plan.Version, again.Plan.Version, errs, err, n)
	}
	// A task system's task, accepted into the draft, stays first.
	if _, err := pool.Exec(ctx, `INSERT INTO api_keys (name, system, unit_id, prefix, secret_hash)
		VALUES ('VB', 'vb', (SELECT id FROM units WHERE code = 'W'), 'k1', decode(repeat('ab', 32), 'hex'))`); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `WITH a AS (INSERT INTO assignments (api_key_id, system, source_id, fingerprint, official_id, title, weight, status, plan_kind)
		SELECT id, 'vb', 'VB-1', '\x00', $1, 'Trả lời đơn công dân', 100, 'accepted', 'week' FROM api_keys RETURNING id)
		INSERT INTO tasks (plan_id, position, title, weight, assignment_id) SELECT $2, 0, 'Trả lời đơn công dân', 100, id FROM a`,
		id["A"], sh.Plan.ID); err != nil {
		t.Fatal(err)
	}
	version := sh.Plan.Version
	if _, _, err := save(version+1, []evaluation.FormTask{{Title: "Việc khác"}}, false, n); !errors.Is(err, evaluation.ErrStale) {
		t.Fatalf("saving over a version the form never showed: %v; want ErrStale", err)
	}
	sh, errs, err = save(version, []evaluation.FormTask{{Title: "Báo cáo kết quả tiếp dân", Weight: "1,5"}, {Title: "Họp giao ban đầu tuần"}}, true, n)
	if err != nil || len(errs) > 0 || sh.Plan.Status != evaluation.StatusSubmitted || len(n.submitted) != 1 {
		t.Fatalf("submitted: %+v %+v, %v, told %+v", sh.Plan, errs, err, n)
	}
	if len(sh.Assigned) != 1 || sh.Assigned[0].Title != "Trả lời đơn công dân" || len(sh.Typed) != 2 ||
		sh.Plan.Tasks[0].Title != "Trả lời đơn công dân" || sh.Typed[0].Title != "Báo cáo kết quả tiếp dân" || sh.Typed[0].Weight != 150 {
		t.Fatalf("tasks after the save: %+v", sh.Plan.Tasks)
	}
	if _, _, err := save(version, []evaluation.FormTask{{Title: "Báo cáo kết quả tiếp dân", Weight: "1,5"}, {Title: "Họp giao ban đầu tuần"}}, true, n); err != nil || len(n.submitted) != 1 {
		t.Fatalf("the same plan sent twice: %v, told %+v", err, n)
	}
	if _, _, err := save(version, []evaluation.FormTask{{Title: "Việc khác"}}, true, n); !errors.Is(err, evaluation.ErrLocked) {
		t.Fatalf("a second submit: %v; want ErrLocked", err)
	}
	if _, err := plans.OpenSheet(ctx, pool, id["A"], evaluation.KindWeek, monday.AddDays(14), monday); !errors.Is(err, evaluation.ErrStale) {
		t.Fatalf("the week after next: %v; want ErrStale", err)
	}
	if got := plans.DefaultStart(evaluation.KindWeek, monday.AddDays(5)); got != monday.AddDays(7) {
		t.Errorf("the plan meant on Saturday: %s; want next Monday", got)
	}
}
