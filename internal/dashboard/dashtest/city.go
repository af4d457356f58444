// Package dashtest seeds a synthetic city for the dashboard's tests and
// benchmarks, with a few set-based statements (INSERT … SELECT
// generate_series): 100,000 officials in 5,000 units take seconds.
package dashtest

import (
	"context"
	"fmt"

	"evalbot/internal/calendar"
	"evalbot/internal/store"
)

// AdminCode is the employee code of the city's admin: the head of the root
// unit C0, admin over C0 (the whole city).
const AdminCode = "E0-1"

// City seeds units C0 … C{units-1}: C0 is the root, C1 … C50 hang under it,
// every further unit Ci under C{i mod 50 + 1}. Each unit has perUnit
// officials E{i}-1 … E{i}-{perUnit}, the first its head. For month m, by the
// official's id: id mod 10 = 0 has no assessment, 1 has submitted, 2 a
// draft, 3 was returned, the rest are approved — graded A, B, B, C, D, C in
// turn, or not graded when id mod 17 = 0; the weekly plans of week w are
// approved when id mod 3 = 0, submitted when 1, missing when 2; every 4th
// unit's month is published. The database must have no units yet.
func City(ctx context.Context, db store.DB, units, perUnit int, m calendar.Month, w calendar.Week) error {
	stmts := []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO units (code, name) SELECT 'C' || i, 'Đơn vị số ' || i FROM generate_series(0, $1 - 1) i`, []any{units}},
		{`UPDATE units c SET parent_id = p.id FROM units p
		   WHERE c.code <> 'C0' AND p.code = 'C' || CASE WHEN substr(c.code, 2)::int <= 50 THEN 0 ELSE substr(c.code, 2)::int % 50 + 1 END`, nil},
		{`INSERT INTO officials (employee_code, full_name, unit_id, category, position, is_head)
		  SELECT 'E' || substr(u.code, 2) || '-' || j, 'Cán bộ ' || substr(u.code, 2) || '.' || j, u.id,
		         'cong_chuc', CASE WHEN j = 1 THEN 'Trưởng phòng' ELSE 'Chuyên viên' END, j = 1
		    FROM units u, generate_series(1, $1) j`, []any{perUnit}},
		{`INSERT INTO assessments (official_id, month, framework_id, framework_version, status, graded, total, grade, result, reviewer_id)
		  SELECT o.id, $1::date, 'hanoi-3814-2018', '1',
		         CASE o.id % 10 WHEN 1 THEN 'submitted' WHEN 2 THEN 'draft' WHEN 3 THEN 'returned' ELSE 'approved' END,
		         CASE WHEN o.id % 10 IN (1, 2, 3) THEN NULL ELSE o.id % 17 <> 0 END,
		         CASE WHEN o.id % 10 IN (1, 2, 3) OR o.id % 17 = 0 THEN NULL ELSE 7000 + o.id % 2500 END,
		         CASE WHEN o.id % 10 IN (1, 2, 3) OR o.id % 17 = 0 THEN NULL ELSE (ARRAY['A', 'B', 'B', 'C', 'D', 'C'])[o.id % 6 + 1] END,
		         CASE WHEN o.id % 10 IN (1, 2, 3) THEN NULL ELSE '{}'::jsonb END,
		         CASE WHEN o.id % 10 IN (1, 2, 3) THEN NULL ELSE h.id END
		    FROM officials o LEFT JOIN officials h ON h.unit_id = o.unit_id AND h.is_head
		   WHERE o.id % 10 <> 0`, []any{m.First().String()}},
		{`INSERT INTO plans (official_id, kind, period_start, month, status)
		  SELECT id, 'week', $1::date, $2::date, CASE id % 3 WHEN 0 THEN 'approved' ELSE 'submitted' END
		    FROM officials WHERE id % 3 <> 2`, []any{w.Monday().String(), w.Month().First().String()}},
		{`INSERT INTO publications (unit_id, month) SELECT id, $1::date FROM units WHERE id % 4 = 0`, []any{m.First().String()}},
		{`INSERT INTO admins (official_id, unit_id) SELECT o.id, u.id FROM officials o, units u WHERE o.employee_code = $1 AND u.code = 'C0'`, []any{AdminCode}},
		{`ANALYZE units, officials, assessments, plans, publications, admins, unit_tallies, unit_month_tallies, unit_week_tallies`, nil},
	}
	for _, s := range stmts {
		if _, err := db.Exec(ctx, s.sql, s.args...); err != nil {
			return fmt.Errorf("dashtest: %s: %w", s.sql, err)
		}
	}
	return nil
}
