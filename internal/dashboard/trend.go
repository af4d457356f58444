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
// admin's subtree (TrendOf). ErrNotAdmin when actor administers nothing.
func Trend(ctx context.Context, db store.DB, actor int64, last calendar.Month, n int) ([]MonthGrades, error) {
	w, err := WhoOf(ctx, db, actor)
	if err != nil {
		return nil, err
	}
	if !w.Admin {
		return nil, ErrNotAdmin
	}
	return TrendOf(ctx, db, w, last, n)
}

// TrendOf reads the n months ending with last (oldest first) for the
// people of w, in one pass over the months' approved assessments. A month
// without approvals has zero counts.
func TrendOf(ctx context.Context, db store.DB, w Who, last calendar.Month, n int) ([]MonthGrades, error) {
	out := make([]MonthGrades, n)
	at := map[calendar.Month]int{}
	m := last
	for i := n - 1; i >= 0; i-- {
		out[i].Month, at[m] = m, i
		m = m.Prev()
	}
	who, arg := w.filter()
	// customPlan: a generic plan for an array of units probes the officials
	// one by one (3–8 s for a city of 100,000, against 0.2–0.5 s).
	rows, err := db.Query(ctx, `
		SELECT to_char(a.month, 'YYYY-MM'), count(*),
		       count(*) FILTER (WHERE a.graded AND a.grade = 'A'),
		       count(*) FILTER (WHERE a.graded AND a.grade = 'B'),
		       count(*) FILTER (WHERE a.graded AND a.grade = 'C'),
		       count(*) FILTER (WHERE a.graded AND a.grade = 'D'),
		       count(*) FILTER (WHERE NOT coalesce(a.graded, false))
		  FROM assessments a JOIN officials o ON o.id = a.official_id
		 WHERE a.status = 'approved' AND a.month BETWEEN $2::date AND $3::date AND `+who+`
		 GROUP BY a.month`, customPlan, arg, out[0].Month.First().String(), last.First().String())
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
