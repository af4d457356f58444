package plans_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/app/access"
	"evalbot/internal/app/plans"
	"evalbot/internal/calendar"
	"evalbot/internal/evaluation"
	"evalbot/internal/grading"
	"evalbot/internal/roster"
	"evalbot/internal/store"
)

// recorder is a plans.Notifier that records what it was told, and fails
// when told to (to see the whole selection roll back).
type recorder struct {
	approved, returned, weighed []int64
	failOn                      int64
}

func (r *recorder) PlanApproved(_ context.Context, _ pgx.Tx, _ int64, p evaluation.Plan, _ roster.Official) error {
	if p.ID == r.failOn {
		return errors.New("chat down")
	}
	r.approved = append(r.approved, p.ID)
	return nil
}

func (r *recorder) PlanReturned(_ context.Context, _ pgx.Tx, _ int64, p evaluation.Plan, _ roster.Official, _ string) error {
	r.returned = append(r.returned, p.ID)
	return nil
}

func (r *recorder) PlanWeighed(_ context.Context, _ pgx.Tx, _ int64, p evaluation.Plan, _ roster.Official) error {
	r.weighed = append(r.weighed, p.ID)
	return nil
}

// The board's plans: the head sees the plans waiting of their people, weighs
// a free-text task, and approves a selection in one transaction — a stale
// pick is left and said so, a failure rolls every approval back; a deputy
// sees and decides only during the delegation.
func TestPlansOnTheBoard(t *testing.T) {
	ctx := context.Background()
	pool, id := unit(t)
	monday := calendar.DateOf(time.Date(2026, 11, 23, 9, 0, 0, 0, calendar.Location))
	today := monday
	submit := func(who, kind string, start calendar.Date, tasks ...evaluation.TaskDraft) evaluation.Plan {
		t.Helper()
		p, err := evaluation.SaveDraft(ctx, pool, id[who], kind, start, start.YearMonth(), tasks)
		if err != nil {
			t.Fatal(err)
		}
		if p, _, err = plans.Submit(ctx, pool, id[who], p.ID, p.Version); err != nil {
			t.Fatal(err)
		}
		return p
	}
	week := submit("A", evaluation.KindWeek, monday,
		evaluation.TaskDraft{Title: "Soạn báo cáo tháng", Weight: 100},
		evaluation.TaskDraft{Title: "Tiếp công dân", Weight: 200})
	month := submit("B", evaluation.KindMonth, calendar.Date{Year: 2026, Month: 12, Day: 1},
		evaluation.TaskDraft{Title: "Rà soát hồ sơ đất đai", Weight: 100})

	ws, err := plans.Waiting(ctx, pool, id["H"], today)
	if err != nil || len(ws) != 2 || ws[0].Plan.ID != week.ID || ws[0].Tasks != 2 || ws[0].FreeText != 2 || ws[0].Weight != 300 ||
		ws[0].Owner.ID != id["A"] || ws[1].Plan.ID != month.ID || ws[1].Plan.Kind != evaluation.KindMonth {
		t.Fatalf("H's waiting plans: %+v, %v", ws, err)
	}
	if _, err := plans.Waiting(ctx, pool, id["B"], today); !errors.Is(err, access.ErrForbidden) {
		t.Fatalf("B reviews nobody: %v; want ErrForbidden", err)
	}

	// Weighing: B may not; a stale version or a weight out of range changes nothing.
	w := map[int64]grading.Points{week.Tasks[0].ID: 150}
	if _, _, err := plans.Weigh(ctx, pool, id["B"], week.ID, week.Version, w, today); !errors.Is(err, access.ErrForbidden) {
		t.Errorf("B weighing A's plan: %v; want ErrForbidden", err)
	}
	if _, _, err := plans.Weigh(ctx, pool, id["H"], week.ID, week.Version-1, w, today); !errors.Is(err, evaluation.ErrStale) {
		t.Errorf("an old version: %v; want ErrStale", err)
	}
	if _, _, err := plans.Weigh(ctx, pool, id["H"], week.ID, week.Version, map[int64]grading.Points{week.Tasks[0].ID: 150, week.Tasks[1].ID: 1100}, today); !errors.Is(err, evaluation.ErrBadWeight) {
		t.Errorf("a weight of 11: %v; want ErrBadWeight", err)
	}
	if _, _, err := plans.Weigh(ctx, pool, id["H"], week.ID, week.Version, map[int64]grading.Points{month.Tasks[0].ID: 150}, today); !errors.Is(err, evaluation.ErrStale) {
		t.Errorf("a task of another plan: %v; want ErrStale", err)
	}
	if p, _ := evaluation.LoadPlan(ctx, pool, week.ID); p.Version != week.Version || p.Tasks[0].Weight != 100 {
		t.Fatalf("a refused weighing changed the plan: v%d, %s", p.Version, p.Tasks[0].Weight)
	}
	weighed, owner, err := plans.Weigh(ctx, pool, id["H"], week.ID, week.Version, map[int64]grading.Points{week.Tasks[0].ID: 150, week.Tasks[1].ID: 200}, today)
	if err != nil || owner.ID != id["A"] || weighed.Version != week.Version+1 || weighed.Tasks[0].Weight != 150 || weighed.Tasks[1].Weight != 200 {
		t.Fatalf("H weighs task 1 at 1,5: v%d %+v, %v", weighed.Version, weighed.Tasks, err)
	}
	var audits int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE entity = 'task' AND action = 'weigh' AND entity_id = $1`, week.Tasks[0].ID).Scan(&audits); err != nil || audits != 1 {
		t.Fatalf("weigh audited: %d, %v", audits, err)
	}

	// One transaction: the chat failing on the second plan leaves both waiting.
	rec := &recorder{failOn: month.ID}
	err = store.InTx(ctx, pool, func(tx pgx.Tx) error {
		_, _, err := plans.ApproveMany(ctx, tx, id["H"], []plans.Pick{{weighed.ID, weighed.Version}, {month.ID, month.Version}}, today, rec)
		return err
	})
	if err == nil {
		t.Fatal("the chat's failure must fail the selection")
	}
	if p, _ := evaluation.LoadPlan(ctx, pool, week.ID); p.Status != evaluation.StatusSubmitted {
		t.Fatalf("the first approval survived the rollback: %s", p.Status)
	}

	// The card was weighed since: the pick at the old version is left.
	rec = &recorder{}
	var done []plans.Approved
	var refused []plans.Refusal
	err = store.InTx(ctx, pool, func(tx pgx.Tx) error {
		var err error
		done, refused, err = plans.ApproveMany(ctx, tx, id["H"], []plans.Pick{{week.ID, week.Version}, {month.ID, month.Version}}, today, rec)
		return err
	})
	if err != nil || len(done) != 1 || done[0].Plan.ID != month.ID || done[0].Plan.Status != evaluation.StatusApproved ||
		len(refused) != 1 || refused[0].PlanID != week.ID || !errors.Is(refused[0].Err, evaluation.ErrStale) || refused[0].Name != "Trần Thị An" ||
		len(rec.approved) != 1 || rec.approved[0] != month.ID {
		t.Fatalf("approve many: %+v, refused %+v, told %v, %v", done, refused, rec.approved, err)
	}

	// A deputy: only during the delegation.
	if err := evaluation.Delegate(ctx, pool, id["H"], id["B"], today, today.AddDays(2)); err != nil {
		t.Fatal(err)
	}
	if ws, err := plans.Waiting(ctx, pool, id["B"], today); err != nil || len(ws) != 1 || ws[0].Plan.ID != week.ID {
		t.Fatalf("the deputy's waiting plans: %+v, %v", ws, err)
	}
	if _, err := plans.Waiting(ctx, pool, id["B"], today.AddDays(3)); !errors.Is(err, access.ErrForbidden) {
		t.Fatalf("the deputy after the delegation: %v; want ErrForbidden", err)
	}
	err = store.InTx(ctx, pool, func(tx pgx.Tx) error {
		var err error
		done, refused, err = plans.ApproveMany(ctx, tx, id["B"], []plans.Pick{{weighed.ID, weighed.Version}}, today.AddDays(3), nil)
		return err
	})
	if err != nil || len(done) != 0 || len(refused) != 1 || !errors.Is(refused[0].Err, access.ErrForbidden) || refused[0].Name != "" {
		t.Fatalf("the deputy approving after the delegation: %+v, %+v, %v", done, refused, err)
	}
	err = store.InTx(ctx, pool, func(tx pgx.Tx) error {
		var err error
		done, refused, err = plans.ApproveMany(ctx, tx, id["B"], []plans.Pick{{weighed.ID, weighed.Version}}, today, nil)
		return err
	})
	if err != nil || len(done) != 1 || len(refused) != 0 {
		t.Fatalf("the deputy approving during the delegation: %+v, %+v, %v", done, refused, err)
	}
}

// TestForgedPickLocksNoOtherPlan (issue 24 attack): a selection posted with
// someone else's plan among the picks was refused for it, but ApproveMany
// had first locked that plan's row: its own reviewer's «Duyệt» (and its
// owner's edits) waited until the forged selection was decided. Only the
// plans the actor may review are locked now.
func TestForgedPickLocksNoOtherPlan(t *testing.T) {
	ctx := context.Background()
	pool, id := unit(t)
	today := calendar.DateOf(time.Date(2026, 11, 23, 9, 0, 0, 0, calendar.Location))
	p, err := evaluation.SaveDraft(ctx, pool, id["A"], evaluation.KindWeek, today, today.YearMonth(), []evaluation.TaskDraft{{Title: "Tiếp công dân", Weight: 100}})
	if err != nil {
		t.Fatal(err)
	}
	if p, _, err = plans.Submit(ctx, pool, id["A"], p.ID, p.Version); err != nil {
		t.Fatal(err)
	}
	forger, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer forger.Rollback(ctx)
	if _, refused, err := plans.ApproveMany(ctx, forger, id["B"], []plans.Pick{{PlanID: p.ID, Version: p.Version}}, today, nil); err != nil ||
		len(refused) != 1 || !errors.Is(refused[0].Err, access.ErrForbidden) {
		t.Fatalf("B's forged selection: %+v, %v", refused, err)
	}
	wait, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	err = store.InTx(wait, pool, func(tx pgx.Tx) error {
		_, _, err := plans.Approve(wait, tx, id["H"], p.ID, p.Version, today)
		return err
	})
	if err != nil {
		t.Fatalf("H approving while B's forged selection is open: %v", err)
	}
}
