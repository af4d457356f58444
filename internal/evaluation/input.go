package evaluation

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/calendar"
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
	in, _, err := CardInput(ctx, db, a, review, cal, s)
	return in, err
}

// cardSQL reads in one statement what BuildInput needs beside the
// assessment: the discipline of the month, the confirmed citizen complaints
// (as citizen.ConfirmedComplaints counts them), the absences overlapping the
// month, the final grades of a head's subordinates ($4; see gradesCol), and
// the month's tasks (MonthTasks), one row each (one row of NULLs when none).
const cardSQL = `
	WITH x AS (
		SELECT (SELECT level FROM disciplines WHERE official_id = $1 AND month = $2) AS level,
		       (SELECT count(*) FROM citizen_ratings WHERE official_id = $1 AND complaint = 'confirmed'
		           AND NOT flagged AND counted_month = $2) AS complaints,
		       ab.first_days, ab.last_days, ` + gradesCol + ` AS grades
		  FROM (SELECT array_agg(first_day ORDER BY id) AS first_days, array_agg(last_day ORDER BY id) AS last_days
		          FROM absences WHERE official_id = $1 AND last_day >= $2 AND first_day <= $3) ab
	)
	SELECT x.level, x.complaints, x.first_days, x.last_days, x.grades,
	       t.id, t.plan_id, t.position, t.title, t.deadline, t.weight, t.status, t.delays, t.quality_faults,
	       c.code, t.quantity, c.measure
	  FROM x LEFT JOIN (tasks t JOIN plans p ON p.id = t.plan_id AND p.official_id = $1 AND p.month = $2 AND p.status = 'approved'
	                    LEFT JOIN catalogue_items c ON c.id = t.catalogue_item_id) ON true
	 ORDER BY p.kind DESC, p.period_start, t.position`

// gradesCol is Grades($4, month $2); staffCardSQL, without it, is cheaper
// to plan.
const gradesCol = `ARRAY(SELECT grade FROM assessments WHERE official_id = ANY($4::bigint[]) AND month = $2
		           AND status = 'approved' AND graded AND grade IS NOT NULL ORDER BY official_id)`

var staffCardSQL = strings.Replace(cardSQL, gradesCol, `NULL::text[]`, 1)

// CardInput is BuildInput that also returns the month's tasks (MonthTasks),
// for a card that shows them: one query where there were five.
func CardInput(ctx context.Context, db store.DB, a Assessment, review bool, cal *calendar.Calendar, s Subject) (grading.Input, []Task, error) {
	sql, args := cardQuery(a, s)
	rows, err := db.Query(ctx, sql, args...)
	if err != nil {
		return grading.Input{}, nil, err
	}
	return scanCard(rows, a, review, cal, s)
}

// cardQuery is the statement and arguments that read a's card for s.
func cardQuery(a Assessment, s Subject) (string, []any) {
	args := []any{a.OfficialID, sqlDate(a.Month.First()), sqlDate(a.Month.Last())}
	if s.Role == grading.RoleHead && len(s.SubordinateIDs) > 0 {
		return cardSQL, append(args, s.SubordinateIDs)
	}
	return staffCardSQL, args
}

// scanCard reads cardSQL's rows (and closes them) into a's grading input and tasks.
func scanCard(rows pgx.Rows, a Assessment, review bool, cal *calendar.Calendar, s Subject) (grading.Input, []Task, error) {
	defer rows.Close()
	in := grading.Input{Criteria: a.SelfCriteria, Bonus: a.SelfBonus, Role: s.Role}
	if review {
		in.Criteria, in.Bonus, in.ManualTaskScore = a.ReviewCriteria(), a.ReviewBonus(), a.ManualTaskScore
	}
	var tasks []Task
	var level *string
	var complaints int
	var firstDays, lastDays []time.Time
	var grades []string
	for first := true; rows.Next(); first = false {
		var id, planID, weight *int64
		var position, delays, faults *int
		var title, status, itemCode, measure *string
		var quantity *int
		var deadline *time.Time
		dest := []any{&id, &planID, &position, &title, &deadline, &weight, &status, &delays, &faults, &itemCode, &quantity, &measure}
		if first {
			dest = append([]any{&level, &complaints, &firstDays, &lastDays, &grades}, dest...)
		} else {
			dest = append([]any{nil, nil, nil, nil, nil}, dest...)
		}
		if err := rows.Scan(dest...); err != nil {
			return in, nil, err
		}
		if id == nil {
			continue // no tasks
		}
		t := Task{ID: *id, PlanID: *planID, Position: *position, Title: *title, Weight: grading.Points(*weight),
			Status: *status, Delays: *delays, QualityFaults: *faults}
		if itemCode != nil && quantity != nil && measure != nil {
			t.ItemCode, t.Quantity, t.Measure = *itemCode, *quantity, *measure
		}
		if deadline != nil {
			d := dateOf(*deadline)
			t.Deadline = &d
		}
		tasks = append(tasks, t)
	}
	if err := rows.Err(); err != nil {
		return in, nil, err
	}
	for _, t := range tasks {
		st := grading.TaskStatus(t.Status)
		if t.Status == TaskPending {
			st = grading.StatusNotDone
		}
		in.Tasks = append(in.Tasks, grading.Task{Weight: t.Weight, Status: st, Delays: t.Delays, QualityFaults: t.QualityFaults})
	}
	if level != nil {
		in.Discipline = grading.Discipline(*level)
	}
	days := cal.WorkingDays(a.Month)
	in.WorkingDays, in.WorkedDays = len(days), len(days)-awayDays(firstDays, lastDays, a.Month, cal)
	// Citizens' complaints the head confirmed deduct by the framework's policy (DESIGN.md §3).
	in.ConfirmedComplaints = complaints
	for _, g := range grades {
		in.SubordinateGrades = append(in.SubordinateGrades, grading.Grade(g))
	}
	return in, tasks, nil
}

// ScorePress is a self-assessment score button press (tự chấm một tiêu
// chí) applied by QueueScorePress within the update's first round trip.
type ScorePress struct {
	UpdateID       int64          // the update; its processed_updates row licenses the change
	TelegramUserID int64          // who pressed; must be the assessment's active owner
	AssessmentID   int64          // the card's assessment
	Points         grading.Points // the score, in hundredths
	// Criteria maps each framework id to the criterion at the pressed
	// button's position and its maximum (PressCriteria), as JSON.
	Criteria []byte
}

// PressCriteria is ScorePress.Criteria for the criterion at position i of
// each framework's General list: {"<framework id>": ["<criterion id>", max]};
// frameworks with fewer criteria are left out (a press on them changes
// nothing).
func PressCriteria(fws []*grading.Framework, i int) []byte {
	m := map[string][2]any{}
	for _, fw := range fws {
		if i >= 0 && i < len(fw.General) {
			m[fw.ID] = [2]any{fw.General[i].ID, int64(fw.General[i].Max)}
		}
	}
	b, _ := json.Marshal(m) // strings and integers: cannot fail
	return b
}

// PressResult is what QueueScorePress read; Applied tells whether the score
// was set. When it was not, the press changed nothing, and LoadAssessment's
// checks, run on what the same batch read before, say why (another person's
// card, not editable, published, out of range); if they all pass, the
// assessment changed in between (ErrLocked).
type PressResult struct {
	Applied bool
	After   Assessment    // the assessment as changed
	Input   grading.Input // its card's grading input; Role and subordinates' grades are the caller's
	Tasks   []Task
	Err     error // reading the results (the statements' own errors fail the batch)
}

// pressSQL sets the criterion when every rule holds, in one statement: the
// assessment is editable and not published, the presser is its active owner,
// the framework has the criterion and the score is within 0..max, and this
// transaction inserted the update's processed_updates row (a repeat changes
// nothing). The same checks are made in Go on the assessment read earlier in
// the batch, to tell the person why when nothing changed.
const pressSQL = `UPDATE assessments
	SET self_criteria = self_criteria || jsonb_build_object($4::jsonb -> framework_id ->> 0, $3::bigint), version = version + 1, updated_at = now()
	WHERE id = $1 AND status IN ('draft', 'returned') AND locked_at IS NULL
	  AND official_id = (SELECT o.id FROM officials o WHERE o.telegram_user_id = $2 AND o.active)
	  AND $3::bigint BETWEEN 0 AND ($4::jsonb -> framework_id ->> 1)::bigint
	  AND NOT EXISTS (SELECT 1 FROM publications p JOIN officials o ON o.unit_id = p.unit_id
	                   WHERE o.id = assessments.official_id AND p.month = assessments.month)
	  AND EXISTS (SELECT 1 FROM processed_updates d WHERE d.update_id = $5 AND d.xmin = pg_current_xact_id()::xid)
	RETURNING ` + assessCols

// pressCardSQL is staffCardSQL for the assessment $1 (its owner and month).
var pressCardSQL = strings.Replace(
	strings.NewReplacer("$1", "(SELECT official_id FROM a0)", "$2", "(SELECT month FROM a0)", "$3", "(SELECT last FROM a0)").Replace(staffCardSQL),
	"WITH x AS (", `WITH a0 AS (
		SELECT official_id, month, (month + interval '1 month' - interval '1 day')::date AS last FROM assessments WHERE id = $1
	), x AS (`, 1)

// QueueScorePress queues the press and its card's data on b, the update's
// first batch, after its dedup insert; the caller queues the COMMIT after
// them (store.QueueCommit), so that a score press is one round trip. *r is
// set as b's results are read.
func QueueScorePress(b *pgx.Batch, p ScorePress, cal *calendar.Calendar, r *PressResult) {
	b.Queue(pressSQL, p.AssessmentID, p.TelegramUserID, int64(p.Points), p.Criteria, p.UpdateID).QueryRow(func(row pgx.Row) error {
		a, err := scanAssessment(row)
		switch {
		case err == nil:
			r.Applied, r.After = true, a
		case !errors.Is(err, ErrNotFound):
			return err // fails the batch; PostgreSQL skips its COMMIT after a failed statement
		}
		return nil
	})
	b.Queue(pressCardSQL, p.AssessmentID).Query(func(rows pgx.Rows) error {
		if !r.Applied {
			rows.Close()
			return nil
		}
		in, tasks, err := scanCard(rows, r.After, false, cal, Subject{})
		r.Input, r.Tasks = in, tasks
		if err != nil && r.Err == nil {
			r.Err = err
		}
		return nil
	})
}

// awayDays counts the working days of m inside the ranges first[i]..last[i].
func awayDays(first, last []time.Time, m calendar.Month, cal *calendar.Calendar) int {
	away := map[calendar.Date]bool{}
	for i := range first {
		for d := dateOf(first[i]); !d.After(dateOf(last[i])); d = d.AddDays(1) {
			if d.YearMonth() == m && cal.IsWorkingDay(d) {
				away[d] = true
			}
		}
	}
	return len(away)
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
	var first, last []time.Time
	for rows.Next() {
		var a, b time.Time
		if err := rows.Scan(&a, &b); err != nil {
			return 0, err
		}
		first, last = append(first, a), append(last, b)
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	return awayDays(first, last, m, cal), nil
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
