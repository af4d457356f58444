package dashboard

import (
	"context"

	"evalbot/internal/calendar"
	"evalbot/internal/store"
)

// MonthGrades is one month of an admin's subtree: how many assessments were
// approved and their grades. People who left since still count in the
// months they were graded.
type MonthGrades struct {
	Month    calendar.Month
	Approved int
	Grades   GradeCounts
}

// Trend reads the n months ending with last (oldest first) for the acting
// admin's subtree: whether they are an admin, then one pass over the
// months' approved assessments of the subtree's people, the subtree joined
// in the same statement. (It was passed as an array of unit ids: after five
// runs PostgreSQL's generic plan, which cannot know the array's length,
// probed the officials one by one — 3 to 8 s for a city of 100,000, against
// 0.2–0.5 s for the hash join of this statement.) A month without approvals
// has zero counts. ErrNotAdmin when actor administers nothing.
func Trend(ctx context.Context, db store.DB, actor int64, last calendar.Month, n int) ([]MonthGrades, error) {
	var admin bool
	if err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM admins a JOIN officials me ON me.id = a.official_id AND me.active
		WHERE a.official_id = $1)`, actor).Scan(&admin); err != nil {
		return nil, err
	}
	if !admin {
		return nil, ErrNotAdmin
	}
	out := make([]MonthGrades, n)
	at := map[calendar.Month]int{}
	m := last
	for i := n - 1; i >= 0; i-- {
		out[i].Month, at[m] = m, i
		m = m.Prev()
	}
	rows, err := db.Query(ctx, `WITH RECURSIVE scope (id) AS (
		SELECT a.unit_id FROM admins a JOIN officials me ON me.id = a.official_id AND me.active
		 WHERE a.official_id = $1
		UNION
		SELECT u.id FROM units u JOIN scope s ON u.parent_id = s.id)
		SELECT to_char(a.month, 'YYYY-MM'), count(*),
		       count(*) FILTER (WHERE a.graded AND a.grade = 'A'),
		       count(*) FILTER (WHERE a.graded AND a.grade = 'B'),
		       count(*) FILTER (WHERE a.graded AND a.grade = 'C'),
		       count(*) FILTER (WHERE a.graded AND a.grade = 'D'),
		       count(*) FILTER (WHERE NOT coalesce(a.graded, false))
		  FROM scope JOIN officials o ON o.unit_id = scope.id JOIN assessments a ON a.official_id = o.id
		 WHERE a.status = 'approved' AND a.month BETWEEN $2::date AND $3::date
		 GROUP BY a.month`, actor, out[0].Month.First().String(), last.First().String())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var ms string
		var mg MonthGrades
		g := &mg.Grades
		if err := rows.Scan(&ms, &mg.Approved, &g.A, &g.B, &g.C, &g.D, &g.NotGraded); err != nil {
			return nil, err
		}
		month, err := calendar.ParseMonth(ms)
		if err != nil {
			return nil, err
		}
		mg.Month = month
		out[at[month]] = mg
	}
	return out, rows.Err()
}
