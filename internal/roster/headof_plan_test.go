package roster

import (
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"evalbot/internal/pgtest"
)

// genericConn is one connection of pool whose statements are planned once,
// without their arguments: what serve's prepared statements settle on after
// five runs (plan_cache_mode auto).
func genericConn(t testing.TB, pool *pgxpool.Pool) *pgxpool.Conn {
	t.Helper()
	c, err := pool.Acquire(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Release)
	if _, err := c.Exec(t.Context(), `SET plan_cache_mode = force_generic_plan`); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestHeadOfUnderGenericPlans is TestHeadOfAndSubordinates's walk up the
// unit tree, planned generically (regression: the plan of the old join read
// every unit and every head, 1.4 ms a call at 30,000 officials).
func TestHeadOfUnderGenericPlans(t *testing.T) {
	pool := importSample(t)
	c := genericConn(t, pool)
	want := map[string]string{
		"HB002": "HB001", "HB005": "HB001", "HB010": "HB001", "HB016": "HB001", "HB020": "HB001", "HB026": "HB001",
		"HB003": "HB002", "HB004": "HB002", "HB009": "HB005", "HB015": "HB010", "HB025": "HB020", "HB028": "HB026",
	}
	for range 2 { // the second round runs the cached generic plan
		for who, head := range want {
			h, ok, err := HeadOf(t.Context(), c, idOf(t, pool, who))
			if err != nil || !ok || h.EmployeeCode != head {
				t.Errorf("HeadOf(%s) = %s, %v, %v; want %s", who, h.EmployeeCode, ok, err, head)
			}
		}
		if _, ok, err := HeadOf(t.Context(), c, idOf(t, pool, "HB001")); ok || err != nil {
			t.Errorf("HeadOf(root head) ok=%v err=%v", ok, err)
		}
	}
}

// BenchmarkHeadOf finds the reviewer of one official in a city roster
// (20,000 officials in 400 units of 50 under 20 districts, analyzed), on a
// generic plan, as a month-end campaign does once per official.
func BenchmarkHeadOf(b *testing.B) {
	pool := pgtest.New(b)
	ctx := b.Context()
	for _, sql := range []string{
		`INSERT INTO units (code, name) VALUES ('ROOT', 'Thành phố')`,
		`INSERT INTO units (code, name, parent_id) SELECT 'D' || g, 'Quận ' || g, (SELECT id FROM units WHERE code = 'ROOT') FROM generate_series(1, 20) g`,
		`INSERT INTO units (code, name, parent_id) SELECT 'U' || g, 'Phòng ' || g, (SELECT id FROM units WHERE code = 'D' || (g % 20 + 1)) FROM generate_series(1, 400) g`,
		`INSERT INTO officials (employee_code, full_name, unit_id, category, is_head)
		 SELECT 'E' || g, 'Cán bộ ' || g, (SELECT id FROM units WHERE code = 'U' || ((g - 1) / 50 + 1)), 'cong_chuc', (g - 1) % 50 = 0
		 FROM generate_series(1, 20000) g`,
		`INSERT INTO officials (employee_code, full_name, unit_id, category, is_head)
		 SELECT 'T', 'Chủ tịch', id, 'can_bo', true FROM units WHERE code = 'ROOT'`,
		`ANALYZE units, officials`,
	} {
		if _, err := pool.Exec(ctx, sql); err != nil {
			b.Fatal(err)
		}
	}
	c := genericConn(b, pool)
	var first int64
	if err := pool.QueryRow(ctx, `SELECT min(id) FROM officials`).Scan(&first); err != nil {
		b.Fatal(err)
	}
	for i := 0; b.Loop(); i++ {
		// Staff and unit heads in turn: heads walk one level further.
		if _, ok, err := HeadOf(ctx, c, first+int64(i%20000)); err != nil || !ok {
			b.Fatal(ok, err)
		}
	}
}
