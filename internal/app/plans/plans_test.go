package plans_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"evalbot/internal/app/access"
	"evalbot/internal/app/plans"
	"evalbot/internal/calendar"
	"evalbot/internal/evaluation"
	"evalbot/internal/grading"
	"evalbot/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// unit: a unit with its head H and staff A, B.
func unit(t *testing.T) (*pgxpool.Pool, map[string]int64) {
	ctx := context.Background()
	pool := pgtest.New(t)
	for _, q := range []string{
		`INSERT INTO units (code, name) VALUES ('W', 'Phường')`,
		`INSERT INTO officials (employee_code, full_name, unit_id, category, is_head) VALUES
			('H', 'Nguyễn Văn Hùng', (SELECT id FROM units WHERE code = 'W'), 'can_bo', true),
			('A', 'Trần Thị An', (SELECT id FROM units WHERE code = 'W'), 'cong_chuc', false),
			('B', 'Lê Văn Bình', (SELECT id FROM units WHERE code = 'W'), 'cong_chuc', false)`,
	} {
		if _, err := pool.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	ids := map[string]int64{}
	for _, c := range []string{"H", "A", "B"} {
		var id int64
		if err := pool.QueryRow(ctx, `SELECT id FROM officials WHERE employee_code = $1`, c).Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids[c] = id
	}
	return pool, ids
}

// Only the owner submits or cancels their draft; only their reviewer (the
// head, or the deputy under a delegation) approves or returns it; a press
// on an older version decides nothing.
func TestPlanUseCasesAuthorizeFromTheDatabase(t *testing.T) {
	ctx := context.Background()
	pool, id := unit(t)
	monday := calendar.DateOf(time.Date(2026, 11, 23, 9, 0, 0, 0, calendar.Location))
	today := monday
	draft := func() evaluation.Plan {
		t.Helper()
		p, err := evaluation.SaveDraft(ctx, pool, id["A"], evaluation.KindWeek, monday, monday.YearMonth(),
			[]evaluation.TaskDraft{{Title: "Soạn báo cáo tháng", Weight: grading.Points(200)}})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	p := draft()
	if _, _, err := plans.Submit(ctx, pool, id["B"], p.ID, p.Version); !errors.Is(err, access.ErrForbidden) {
		t.Errorf("B submitting A's plan: %v; want ErrForbidden", err)
	}
	if err := plans.Cancel(ctx, pool, id["B"], p.ID, p.Version); !errors.Is(err, access.ErrForbidden) {
		t.Errorf("B cancelling A's plan: %v; want ErrForbidden", err)
	}
	if _, _, err := plans.Submit(ctx, pool, id["A"], p.ID, p.Version+1); !errors.Is(err, evaluation.ErrStale) {
		t.Errorf("A submitting a newer version than theirs: %v; want ErrStale", err)
	}
	p, head, err := plans.Submit(ctx, pool, id["A"], p.ID, p.Version)
	if err != nil || head == nil || head.ID != id["H"] || p.Status != evaluation.StatusSubmitted {
		t.Fatalf("A submits: %+v to %v, %v; want submitted to H", p.Status, head, err)
	}
	if _, _, err := plans.Approve(ctx, pool, id["B"], p.ID, p.Version, today); !errors.Is(err, access.ErrForbidden) {
		t.Errorf("B approving A's plan: %v; want ErrForbidden", err)
	}
	if _, _, err := plans.Return(ctx, pool, id["A"], p.ID, p.Version, "tự trả lại", today); !errors.Is(err, access.ErrForbidden) {
		t.Errorf("A returning their own plan: %v; want ErrForbidden", err)
	}
	if _, _, err := plans.Approve(ctx, pool, id["H"], p.ID, p.Version-1, today); !errors.Is(err, evaluation.ErrStale) {
		t.Errorf("H approving an older version: %v; want ErrStale", err)
	}
	// Under a delegation, B (the deputy) returns A's plan on H's behalf.
	if err := evaluation.Delegate(ctx, pool, id["H"], id["B"], today, today.AddDays(2)); err != nil {
		t.Fatal(err)
	}
	p, owner, err := plans.Return(ctx, pool, id["B"], p.ID, p.Version, "Bổ sung hạn hoàn thành", today)
	if err != nil || owner.ID != id["A"] || p.Status != evaluation.StatusReturned {
		t.Fatalf("the deputy returns A's plan: %s, owner %d, %v", p.Status, owner.ID, err)
	}
	if _, _, err := plans.Approve(ctx, pool, id["B"], p.ID, p.Version, today.AddDays(3)); !errors.Is(err, access.ErrForbidden) {
		t.Errorf("the deputy after the delegation: %v; want ErrForbidden", err)
	}
}
