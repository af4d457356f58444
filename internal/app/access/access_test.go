package access_test

import (
	"context"
	"errors"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"evalbot/internal/app/access"
	"evalbot/internal/calendar"
	"evalbot/internal/evaluation"
	"evalbot/internal/pgtest"
	"evalbot/internal/roster"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// ward: the ward (W) with its head H and staff A, B; below it the office
// (O) with its head K and staff C; B administers the office's subtree.
func ward(t *testing.T) (*pgxpool.Pool, map[string]int64) {
	ctx := context.Background()
	pool := pgtest.New(t)
	for _, q := range []string{
		`INSERT INTO units (code, name) VALUES ('W', 'Phường')`,
		`INSERT INTO units (code, name, parent_id) SELECT 'O', 'Bộ phận một cửa', id FROM units WHERE code = 'W'`,
		`INSERT INTO officials (employee_code, full_name, unit_id, category, is_head, telegram_user_id) VALUES
			('H', 'Nguyễn Văn Hùng', (SELECT id FROM units WHERE code = 'W'), 'can_bo', true, 1),
			('A', 'Trần Thị An', (SELECT id FROM units WHERE code = 'W'), 'cong_chuc', false, 2),
			('B', 'Lê Văn Bình', (SELECT id FROM units WHERE code = 'W'), 'cong_chuc', false, NULL),
			('K', 'Phạm Thị Khánh', (SELECT id FROM units WHERE code = 'O'), 'cong_chuc', true, 4),
			('C', 'Đỗ Văn Cường', (SELECT id FROM units WHERE code = 'O'), 'cong_chuc', false, 5)`,
		`INSERT INTO admins (official_id, unit_id) SELECT o.id, u.id FROM officials o, units u WHERE o.employee_code = 'B' AND u.code = 'O'`,
	} {
		if _, err := pool.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	ids := map[string]int64{}
	rows, err := pool.Query(ctx, `SELECT employee_code, id FROM officials UNION ALL SELECT 'unit:' || code, id FROM units`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k string
		var id int64
		if err := rows.Scan(&k, &id); err != nil {
			t.Fatal(err)
		}
		ids[k] = id
	}
	return pool, ids
}

func names(os []roster.Official) []string {
	var out []string
	for _, o := range os {
		out = append(out, o.EmployeeCode)
	}
	slices.Sort(out)
	return out
}

// Who reviews whom: the head; under a delegation in force the deputy too,
// for the head's people but never for themself; not before nor after it.
func TestReviewRightFollowsHeadsAndDelegations(t *testing.T) {
	ctx := context.Background()
	pool, id := ward(t)
	day := calendar.DateOf(time.Date(2026, 12, 1, 9, 0, 0, 0, calendar.Location))
	check := func(actor, official string, d calendar.Date, want bool, wantFor string) {
		t.Helper()
		ok, onBehalf, err := access.ReviewRight(ctx, pool, id[actor], id[official], d)
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if onBehalf != nil {
			for k, v := range id {
				if v == *onBehalf && k[0] != 'u' {
					got = k
				}
			}
		}
		if ok != want || got != wantFor {
			t.Errorf("%s reviews %s on %v: %v on behalf of %q; want %v, %q", actor, official, d, ok, got, want, wantFor)
		}
	}
	check("H", "A", day, true, "")
	check("H", "K", day, true, "") // the office's head is reviewed by the ward's head
	check("K", "C", day, true, "")
	check("H", "C", day, false, "")
	check("A", "B", day, false, "")
	if err := evaluation.Delegate(ctx, pool, id["H"], id["A"], day, day.AddDays(2)); err != nil {
		t.Fatal(err)
	}
	check("A", "B", day, true, "H")
	check("A", "A", day, false, "") // a deputy never reviews themself
	check("A", "B", day.AddDays(3), false, "")
	check("A", "B", day.AddDays(-1), false, "")

	got, err := access.Reviewees(ctx, pool, id["A"], day)
	if err != nil {
		t.Fatal(err)
	}
	if n := names(got); !slices.Equal(n, []string{"B", "K"}) {
		t.Errorf("the deputy's reviewees: %v; want [B K] (the head's people, not the deputy)", n)
	}
	if got, err := access.Reviewees(ctx, pool, id["A"], day.AddDays(3)); err != nil || len(got) != 0 {
		t.Errorf("reviewees after the delegation: %v, %v", names(got), err)
	}
}

// An admin sees the units of their subtree; anyone else none.
func TestAdminUnits(t *testing.T) {
	ctx := context.Background()
	pool, id := ward(t)
	got, err := access.AdminUnits(ctx, pool, id["B"])
	if err != nil || !slices.Equal(got, []int64{id["unit:O"]}) {
		t.Errorf("B administers %v, %v; want the office only [%d]", got, err, id["unit:O"])
	}
	if got, err := access.AdminUnits(ctx, pool, id["H"]); err != nil || len(got) != 0 {
		t.Errorf("H administers %v, %v; want none", got, err)
	}
}

// A head delegates to someone of their own unit, for what the menu offers;
// a non-head has nothing to delegate.
func TestDelegationRules(t *testing.T) {
	ctx := context.Background()
	pool, id := ward(t)
	today := calendar.DateOf(time.Date(2026, 12, 1, 9, 0, 0, 0, calendar.Location))
	ds, err := access.Deputies(ctx, pool, id["H"])
	if err != nil || !slices.Equal(names(ds), []string{"A"}) {
		t.Errorf("H's candidate deputies: %v, %v; want [A] (B has no Telegram, K heads another unit)", names(ds), err)
	}
	if _, err := access.Deputies(ctx, pool, id["A"]); !errors.Is(err, access.ErrNotAHead) {
		t.Errorf("A's deputies: %v; want ErrNotAHead", err)
	}
	if _, err := access.Deputy(ctx, pool, id["H"], id["C"]); !errors.Is(err, access.ErrForbidden) {
		t.Errorf("H delegating to C of the office: %v; want ErrForbidden", err)
	}
	if _, err := access.Deputy(ctx, pool, id["H"], id["H"]); !errors.Is(err, access.ErrForbidden) {
		t.Errorf("H delegating to themself: %v; want ErrForbidden", err)
	}
	if _, _, err := access.Delegate(ctx, pool, id["H"], id["A"], 5, today); !errors.Is(err, evaluation.ErrStale) {
		t.Errorf("a delegation of 5 days: %v; want ErrStale (3, 7, 14 or 30)", err)
	}
	_, last, err := access.Delegate(ctx, pool, id["H"], id["A"], 7, today)
	if err != nil || last != today.AddDays(6) {
		t.Fatalf("a delegation of 7 days: last %v, %v", last, err)
	}
	if ok, err := access.CanReview(ctx, pool, id["A"], id["B"], last); err != nil || !ok {
		t.Errorf("A reviews B on the delegation's last day: %v, %v", ok, err)
	}
}
