package evaluation

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/calendar"
	"evalbot/internal/grading"
	"evalbot/internal/store"
)

// Plan is a weekly or monthly work plan (kế hoạch công tác tuần / tháng).
type Plan struct {
	ID           int64
	OfficialID   int64
	Kind         string        // KindWeek or KindMonth
	PeriodStart  calendar.Date // the week's Monday, or the month's 1st
	Month        calendar.Month
	Status       string
	ReturnReason string
	Version      int
	Tasks        []Task
}

// Task is one line of a plan and, once reported, its result.
type Task struct {
	ID            int64
	PlanID        int64
	Position      int
	Title         string
	Deadline      *calendar.Date
	Weight        grading.Points
	Status        string // TaskPending, or one of grading's statuses
	Delays        int
	QualityFaults int
	// ItemCode, Quantity and Measure are the catalogue item the task was
	// picked from («TD01», 3, «hồ sơ»); "", 0, "" for a free-text task.
	// Weight is then Quantity × the item's factor at the time of planning.
	ItemCode string
	Quantity int
	Measure  string
}

// Editable reports whether the owner may still change the plan's tasks.
func (p Plan) Editable() bool { return p.Status == StatusDraft || p.Status == StatusReturned }

const planCols = `id, official_id, kind, period_start, month, status, coalesce(return_reason, ''), version`

func scanPlan(r pgx.Row) (Plan, error) {
	var p Plan
	var start, month time.Time
	err := r.Scan(&p.ID, &p.OfficialID, &p.Kind, &start, &month, &p.Status, &p.ReturnReason, &p.Version)
	if errors.Is(err, pgx.ErrNoRows) {
		return p, ErrNotFound
	}
	p.PeriodStart = dateOf(start)
	p.Month = dateOf(month).YearMonth()
	return p, err
}

// dateOf reads a PostgreSQL date, which pgx returns as midnight UTC.
func dateOf(t time.Time) calendar.Date {
	return calendar.Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}
}

func sqlDate(d calendar.Date) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
}

// LoadPlan reads a plan with its tasks; ErrNotFound when there is none.
func LoadPlan(ctx context.Context, db store.DB, id int64) (Plan, error) {
	p, err := scanPlan(db.QueryRow(ctx, `SELECT `+planCols+` FROM plans WHERE id = $1`, id))
	if err != nil {
		return p, err
	}
	p.Tasks, err = planTasks(ctx, db, `WHERE plan_id = $1 ORDER BY position`, id)
	return p, err
}

// PlanOfTask reads the plan holding task taskID, with its tasks;
// ErrNotFound when there is no such task.
func PlanOfTask(ctx context.Context, db store.DB, taskID int64) (Plan, error) {
	p, err := scanPlan(db.QueryRow(ctx, `SELECT `+planCols+` FROM plans WHERE id = (SELECT plan_id FROM tasks WHERE id = $1)`, taskID))
	if err != nil {
		return p, err
	}
	p.Tasks, err = planTasks(ctx, db, `WHERE plan_id = $1 ORDER BY position`, p.ID)
	return p, err
}

// FindPlan reads the official's plan of a kind for the period starting at start.
func FindPlan(ctx context.Context, db store.DB, officialID int64, kind string, start calendar.Date) (Plan, error) {
	p, err := scanPlan(db.QueryRow(ctx, `SELECT `+planCols+` FROM plans WHERE official_id = $1 AND kind = $2 AND period_start = $3`,
		officialID, kind, sqlDate(start)))
	if err != nil {
		return p, err
	}
	p.Tasks, err = planTasks(ctx, db, `WHERE plan_id = $1 ORDER BY position`, p.ID)
	return p, err
}

func planTasks(ctx context.Context, db store.DB, where string, args ...any) ([]Task, error) {
	rows, err := db.Query(ctx, `SELECT t.id, t.plan_id, t.position, t.title, t.deadline, t.weight, t.status, t.delays, t.quality_faults,
		coalesce(c.code, ''), coalesce(t.quantity, 0), coalesce(c.measure, '')
		FROM tasks t JOIN plans p ON p.id = t.plan_id LEFT JOIN catalogue_items c ON c.id = t.catalogue_item_id `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Task
	for rows.Next() {
		var t Task
		var deadline *time.Time
		var w int64
		if err := rows.Scan(&t.ID, &t.PlanID, &t.Position, &t.Title, &deadline, &w, &t.Status, &t.Delays, &t.QualityFaults,
			&t.ItemCode, &t.Quantity, &t.Measure); err != nil {
			return nil, err
		}
		t.Weight = grading.Points(w)
		if deadline != nil {
			d := dateOf(*deadline)
			t.Deadline = &d
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// MonthTasks lists the tasks of the official's approved plans that count in
// month m (weekly plans of weeks whose Thursday is in m, and the monthly plan).
func MonthTasks(ctx context.Context, db store.DB, officialID int64, m calendar.Month) ([]Task, error) {
	return planTasks(ctx, db, `WHERE p.official_id = $1 AND p.month = $2 AND p.status = 'approved'
		ORDER BY p.kind DESC, p.period_start, t.position`, officialID, sqlDate(m.First()))
}

// PlanPeriod is the period a plan of kind starting at start stands for, as
// the official may plan it on day today: start normalized to its week's
// Monday (kế hoạch tuần) or its month's 1st (kế hoạch tháng), and the month
// the plan counts in (a week's is the month of its Thursday). Only the
// current period and the next one may be planned; any other, or an unknown
// kind, is ErrStale. Every date from a button or a stored step goes through
// it, so that a forged "2026-11-25" never opens a second plan beside the
// week's approved one.
func PlanPeriod(kind string, start, today calendar.Date) (calendar.Date, calendar.Month, error) {
	switch kind {
	case KindWeek:
		w, cur := calendar.WeekOf(start), calendar.WeekOf(today)
		if w != cur && w != cur.Next() {
			return calendar.Date{}, calendar.Month{}, ErrStale
		}
		return w.Monday(), w.Month(), nil
	case KindMonth:
		m, cur := start.YearMonth(), today.YearMonth()
		if m != cur && m != cur.Next() {
			return calendar.Date{}, calendar.Month{}, ErrStale
		}
		return m.First(), m, nil
	}
	return calendar.Date{}, calendar.Month{}, ErrStale
}

// SaveDraft stores tasks as the official's draft plan for the period,
// replacing the tasks of a draft or returned plan. An approved plan, or one
// waiting for the head, is ErrLocked. start must be a period's start (a
// Monday, a 1st: PlanPeriod), else ErrStale; a catalogue line not passed
// through ResolveCatalogue is ErrUnresolvedItem. Tasks a task system
// assigned and the official accepted into the plan (AppendTask) are kept,
// before the typed ones.
func SaveDraft(ctx context.Context, db store.DB, officialID int64, kind string, start calendar.Date, month calendar.Month, tasks []TaskDraft) (Plan, error) {
	if len(tasks) == 0 {
		return Plan{}, ErrEmptyPlan
	}
	if kind == KindWeek && (start != calendar.WeekOf(start).Monday() || month != calendar.WeekOf(start).Month()) ||
		kind == KindMonth && (start != start.YearMonth().First() || month != start.YearMonth()) ||
		kind != KindWeek && kind != KindMonth {
		return Plan{}, ErrStale
	}
	for _, t := range tasks {
		if t.ItemCode != "" && t.ItemID == 0 {
			return Plan{}, ErrUnresolvedItem
		}
	}
	p, err := FindPlan(ctx, db, officialID, kind, start)
	switch {
	case errors.Is(err, ErrNotFound):
		err = db.QueryRow(ctx, `INSERT INTO plans (official_id, kind, period_start, month, status)
			VALUES ($1, $2, $3, $4, 'draft') RETURNING id`, officialID, kind, sqlDate(start), sqlDate(month.First())).Scan(&p.ID)
		if err != nil {
			return p, err
		}
	case err != nil:
		return p, err
	case !p.Editable():
		return p, ErrLocked
	default:
		if _, err := db.Exec(ctx, `UPDATE plans SET status = 'draft', version = version + 1, updated_at = now() WHERE id = $1`, p.ID); err != nil {
			return p, err
		}
		// Tasks a task system assigned and the official accepted stay (a
		// re-typed plan replaces the typed lines only), first, in order.
		if _, err := db.Exec(ctx, `DELETE FROM tasks WHERE plan_id = $1 AND assignment_id IS NULL`, p.ID); err != nil {
			return p, err
		}
		if _, err := db.Exec(ctx, `UPDATE tasks t SET position = -n.rn FROM (SELECT id, row_number() OVER (ORDER BY position) AS rn
			FROM tasks WHERE plan_id = $1) n WHERE t.id = n.id`, p.ID); err != nil {
			return p, err
		}
		if _, err := db.Exec(ctx, `UPDATE tasks SET position = -position WHERE plan_id = $1`, p.ID); err != nil {
			return p, err
		}
	}
	var kept int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM tasks WHERE plan_id = $1`, p.ID).Scan(&kept); err != nil {
		return p, err
	}
	for i, t := range tasks {
		var deadline any
		if t.Deadline != nil {
			deadline = sqlDate(*t.Deadline)
		}
		var item, qty any
		if t.ItemID != 0 {
			item, qty = t.ItemID, t.Quantity
		}
		if _, err := db.Exec(ctx, `INSERT INTO tasks (plan_id, position, title, deadline, weight, catalogue_item_id, quantity)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, p.ID, kept+i+1, t.Title, deadline, int64(t.Weight), item, qty); err != nil {
			return p, err
		}
	}
	return LoadPlan(ctx, db, p.ID)
}

// lockPlan reads a plan FOR UPDATE and checks the version the button carried.
func lockPlan(ctx context.Context, db store.DB, id int64, version int) (Plan, error) {
	p, err := scanPlan(db.QueryRow(ctx, `SELECT `+planCols+` FROM plans WHERE id = $1 FOR UPDATE`, id))
	if err != nil {
		return p, err
	}
	if version != p.Version {
		return p, ErrStale
	}
	p.Tasks, err = planTasks(ctx, db, `WHERE plan_id = $1 ORDER BY position`, id)
	return p, err
}

// SubmitPlan sends a draft plan to the reviewer (thẩm định kế hoạch).
func SubmitPlan(ctx context.Context, db store.DB, id int64, version int, reviewerID *int64) (Plan, error) {
	p, err := lockPlan(ctx, db, id, version)
	if err != nil {
		return p, err
	}
	if p.Status != StatusDraft {
		return p, ErrStale
	}
	status := StatusSubmitted
	if reviewerID == nil {
		status = StatusApproved // nobody above: the plan stands as submitted
	}
	_, err = db.Exec(ctx, `UPDATE plans SET status = $2, reviewer_id = $3, submitted_at = now(),
		decided_at = CASE WHEN $2 = 'approved' THEN now() END, version = version + 1, updated_at = now() WHERE id = $1`, id, status, reviewerID)
	if err != nil {
		return p, err
	}
	return LoadPlan(ctx, db, id)
}

// DecidePlan approves a submitted plan, or returns it with a reason. The
// same decision by the same reviewer from the same version again is
// ErrAlready (nothing changes); another moved-on plan ErrStale.
func DecidePlan(ctx context.Context, db store.DB, id int64, version int, actorID int64, approve bool, reason string) (Plan, error) {
	p, err := lockPlan(ctx, db, id, version)
	if err == nil && p.Status != StatusSubmitted {
		err = ErrStale
	}
	if errors.Is(err, ErrStale) {
		if already, aerr := PlanDecidedBy(ctx, db, id, version, actorID, approve, reason); aerr != nil {
			return p, aerr
		} else if already {
			return p, ErrAlready
		}
	}
	if err != nil {
		return p, err
	}
	status := StatusApproved
	if !approve {
		status = StatusReturned
	}
	_, err = db.Exec(ctx, `UPDATE plans SET status = $2, return_reason = $3, reviewer_id = $4, decided_at = now(),
		version = version + 1, updated_at = now() WHERE id = $1`, id, status, nullIfEmpty(reason), actorID)
	if err != nil {
		return p, err
	}
	if err := Audit(ctx, db, AuditEntry{Actor: &actorID, Subject: p.OfficialID, Entity: "plan", EntityID: id,
		Action: status, Before: map[string]any{"status": p.Status}, After: map[string]any{"status": status}, Reason: reason}); err != nil {
		return p, err
	}
	return LoadPlan(ctx, db, id)
}

// PlanDecidedBy reports whether plan id was decided by actorID from version
// as asked (approved; or returned with reason): DecidePlan's decision sent
// again, a double tap (ErrAlready).
func PlanDecidedBy(ctx context.Context, db store.DB, id int64, version int, actorID int64, approve bool, reason string) (bool, error) {
	status := StatusApproved
	if !approve {
		status = StatusReturned
	}
	var same bool
	err := db.QueryRow(ctx, `SELECT status = $3 AND version = $2 + 1 AND reviewer_id IS NOT DISTINCT FROM $4
		AND coalesce(return_reason, '') = $5 FROM plans WHERE id = $1`, id, version, status, actorID, reason).Scan(&same)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	return same, err
}

// CancelDraft deletes a draft that was never submitted.
func CancelDraft(ctx context.Context, db store.DB, id int64, version int) error {
	p, err := lockPlan(ctx, db, id, version)
	if err != nil {
		return err
	}
	if p.Status != StatusDraft {
		return ErrStale
	}
	// An assigned task the draft held waits to be accepted again.
	if _, err := db.Exec(ctx, `UPDATE assignments SET status = 'assigned', plan_kind = NULL, decided_at = NULL
		WHERE id IN (SELECT assignment_id FROM tasks WHERE plan_id = $1)`, id); err != nil {
		return err
	}
	_, err = db.Exec(ctx, `DELETE FROM plans WHERE id = $1`, id)
	return err
}

// MarkTask records a task's result. For late, each further mark adds a delay
// (1 → 2 → 3 → 1), so a task late twice is two taps. The plan must be
// approved, and its month not yet submitted or approved.
func MarkTask(ctx context.Context, db store.DB, taskID int64, status string, actorID *int64) (Task, error) {
	var t Task
	var planStatus string
	var owner int64
	err := db.QueryRow(ctx, `SELECT t.status, t.delays, p.status, p.official_id, t.plan_id, t.title, t.position FROM tasks t JOIN plans p ON p.id = t.plan_id
		WHERE t.id = $1 FOR UPDATE OF t`, taskID).Scan(&t.Status, &t.Delays, &planStatus, &owner, &t.PlanID, &t.Title, &t.Position)
	if errors.Is(err, pgx.ErrNoRows) {
		return t, ErrNotFound
	}
	if err != nil {
		return t, err
	}
	if planStatus != StatusApproved {
		return t, ErrLocked
	}
	var locked bool
	if err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM assessments a JOIN plans p ON p.official_id = a.official_id AND p.month = a.month
		WHERE p.id = $1 AND a.locked_at IS NOT NULL)`, t.PlanID).Scan(&locked); err != nil {
		return t, err
	}
	if locked {
		return t, ErrLocked
	}
	before := map[string]any{"status": t.Status, "delays": t.Delays}
	delays := 0
	if status == string(grading.StatusLate) {
		delays = 1
		if t.Status == status {
			delays = t.Delays%3 + 1
		}
	}
	if _, err := db.Exec(ctx, `UPDATE tasks SET status = $2, delays = $3 WHERE id = $1`, taskID, status, delays); err != nil {
		return t, err
	}
	if err := Audit(ctx, db, AuditEntry{Actor: actorID, Subject: owner, Entity: "task", EntityID: taskID, Action: "mark",
		Before: before, After: map[string]any{"status": status, "delays": delays}}); err != nil {
		return t, err
	}
	t.ID, t.Status, t.Delays = taskID, status, delays
	return t, nil
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
