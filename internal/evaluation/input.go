package evaluation

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"time"

	"evalbot/internal/calendar"
	"evalbot/internal/citizen"
	"evalbot/internal/grading"
	"evalbot/internal/store"
)

// Subject is what the grading input needs to know of the person beyond the
// assessment: whether they are graded as a head (the leader rule of Decree
// 335) and whom they lead.
type Subject struct {
	Role           grading.Role
	SubordinateIDs []int64
}

// BuildInput assembles the grading engine's input for a. With review set it
// uses the head's copy (adjusted criteria and bonus, manual task score);
// otherwise the self-assessment. Tasks are those of the month's approved
// plans; a task never marked counts as not done. Working days come from the
// calendar, less recorded absences.
func BuildInput(ctx context.Context, db store.DB, a Assessment, review bool, cal *calendar.Calendar, s Subject) (grading.Input, error) {
	in := grading.Input{Criteria: a.SelfCriteria, Bonus: a.SelfBonus, Role: s.Role}
	if review {
		in.Criteria, in.Bonus, in.ManualTaskScore = a.ReviewCriteria(), a.ReviewBonus(), a.ManualTaskScore
	}
	tasks, err := MonthTasks(ctx, db, a.OfficialID, a.Month)
	if err != nil {
		return in, err
	}
	for _, t := range tasks {
		st := grading.TaskStatus(t.Status)
		if t.Status == TaskPending {
			st = grading.StatusNotDone
		}
		in.Tasks = append(in.Tasks, grading.Task{Weight: t.Weight, Status: st, Delays: t.Delays, QualityFaults: t.QualityFaults})
	}
	var level *string
	if err := db.QueryRow(ctx, `SELECT level FROM disciplines WHERE official_id = $1 AND month = $2`,
		a.OfficialID, sqlDate(a.Month.First())).Scan(&level); err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return in, err
	}
	if level != nil {
		in.Discipline = grading.Discipline(*level)
	}
	days := cal.WorkingDays(a.Month)
	absent, err := AbsentDays(ctx, db, a.OfficialID, a.Month, cal)
	if err != nil {
		return in, err
	}
	in.WorkingDays, in.WorkedDays = len(days), len(days)-absent
	// Citizens' complaints the head confirmed deduct by the framework's policy (DESIGN.md §3).
	if in.ConfirmedComplaints, err = citizen.ConfirmedComplaints(ctx, db, a.OfficialID, a.Month); err != nil {
		return in, err
	}
	if s.Role == grading.RoleHead && len(s.SubordinateIDs) > 0 {
		in.SubordinateGrades, err = Grades(ctx, db, s.SubordinateIDs, a.Month)
		if err != nil {
			return in, err
		}
	}
	return in, nil
}

// AbsentDays counts the working days of month m on which the official was
// recorded absent (leave, sickness, maternity).
func AbsentDays(ctx context.Context, db store.DB, officialID int64, m calendar.Month, cal *calendar.Calendar) (int, error) {
	rows, err := db.Query(ctx, `SELECT first_day, last_day FROM absences
		WHERE official_id = $1 AND last_day >= $2 AND first_day <= $3`, officialID, sqlDate(m.First()), sqlDate(m.Last()))
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	away := map[calendar.Date]bool{}
	for rows.Next() {
		var a, b time.Time
		if err := rows.Scan(&a, &b); err != nil {
			return 0, err
		}
		for d := dateOf(a); !d.After(dateOf(b)); d = d.AddDays(1) {
			if d.YearMonth() == m && cal.IsWorkingDay(d) {
				away[d] = true
			}
		}
	}
	return len(away), rows.Err()
}

// Grades lists the final grades of month m among ids (approved and graded only).
func Grades(ctx context.Context, db store.DB, ids []int64, m calendar.Month) ([]grading.Grade, error) {
	rows, err := db.Query(ctx, `SELECT grade FROM assessments WHERE official_id = ANY($1) AND month = $2
		AND status = 'approved' AND graded AND grade IS NOT NULL ORDER BY official_id`, ids, sqlDate(m.First()))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []grading.Grade
	for rows.Next() {
		var g string
		if err := rows.Scan(&g); err != nil {
			return nil, err
		}
		out = append(out, grading.Grade(g))
	}
	return out, rows.Err()
}

// NotFinal counts the people among ids whose month m is not approved yet: a
// head is graded only once the unit's own grades are final (DESIGN.md §3).
func NotFinal(ctx context.Context, db store.DB, ids []int64, m calendar.Month) (int, error) {
	var approved int
	err := db.QueryRow(ctx, `SELECT count(*) FROM assessments WHERE official_id = ANY($1) AND month = $2 AND status = 'approved'`,
		ids, sqlDate(m.First())).Scan(&approved)
	return len(ids) - approved, err
}

// UnitGrades lists the approved grades of month m among ids with their
// totals, for the grade-A quota.
func UnitGrades(ctx context.Context, db store.DB, ids []int64, m calendar.Month) ([]grading.QuotaMember, error) {
	rows, err := db.Query(ctx, `SELECT id, total, grade FROM assessments WHERE official_id = ANY($1) AND month = $2
		AND status = 'approved' AND graded ORDER BY total DESC, id`, ids, sqlDate(m.First()))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []grading.QuotaMember
	for rows.Next() {
		var q grading.QuotaMember
		var total int64
		var g string
		if err := rows.Scan(&q.ID, &total, &g); err != nil {
			return nil, err
		}
		q.Total, q.Grade = grading.Points(total), grading.Grade(g)
		out = append(out, q)
	}
	return out, rows.Err()
}
