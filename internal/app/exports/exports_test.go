package exports_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"evalbot/internal/app/access"
	"evalbot/internal/app/exports"
	"evalbot/internal/calendar"
	"evalbot/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// An admin exports the first subtree they administer, a head their own
// unit, anyone else nothing; each export is in the audit log.
func TestExportScope(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.New(t)
	for _, q := range []string{
		`INSERT INTO units (code, name) VALUES ('W', 'Phường')`,
		`INSERT INTO units (code, name, parent_id) SELECT 'O', 'Bộ phận một cửa', id FROM units WHERE code = 'W'`,
		`INSERT INTO officials (employee_code, full_name, unit_id, category, is_head) VALUES
			('H', 'Nguyễn Văn Hùng', (SELECT id FROM units WHERE code = 'W'), 'can_bo', true),
			('A', 'Trần Thị An', (SELECT id FROM units WHERE code = 'W'), 'cong_chuc', false),
			('B', 'Lê Văn Bình', (SELECT id FROM units WHERE code = 'W'), 'cong_chuc', false)`,
		`INSERT INTO admins (official_id, unit_id) SELECT o.id, u.id FROM officials o, units u WHERE o.employee_code = 'B' AND u.code = 'O'`,
	} {
		if _, err := pool.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	id := func(code string) int64 {
		var v int64
		if err := pool.QueryRow(ctx, `SELECT id FROM officials WHERE employee_code = $1`, code).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	nov := calendar.Month{Year: 2026, Month: time.November}
	for who, want := range map[string]string{"B": "O", "H": "W"} {
		month, code, err := exports.Month(ctx, pool, id(who), nov)
		if err != nil || code != want || month == nil {
			t.Errorf("%s exports %q (%v); want %q", who, code, err, want)
		}
	}
	if _, _, err := exports.Month(ctx, pool, id("A"), nov); !errors.Is(err, access.ErrForbidden) {
		t.Errorf("A exporting: %v; want ErrForbidden", err)
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'export_month'`).Scan(&n); err != nil || n != 2 {
		t.Errorf("%d exports in the audit log (%v); want 2", n, err)
	}
}
