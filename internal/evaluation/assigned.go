package evaluation

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/calendar"
	"evalbot/internal/grading"
	"evalbot/internal/store"
)

// AppendTask adds task t, which a task system assigned (assignment
// assignmentID), at the end of the official's plan of kind for the period
// starting at start (counting in month), opening a draft when there is none.
// The plan must be a draft or returned (it becomes a draft again, its
// version bumped); a submitted or approved plan is ErrLocked, a start that
// is not a period's start ErrStale. It returns the plan and the new task.
func AppendTask(ctx context.Context, db store.DB, officialID int64, kind string, start calendar.Date, month calendar.Month, t TaskDraft, assignmentID int64) (Plan, Task, error) {
	if kind == KindWeek && (start != calendar.WeekOf(start).Monday() || month != calendar.WeekOf(start).Month()) ||
		kind == KindMonth && (start != start.YearMonth().First() || month != start.YearMonth()) ||
		kind != KindWeek && kind != KindMonth {
		return Plan{}, Task{}, ErrStale
	}
	var id int64
	var status string
	err := db.QueryRow(ctx, `SELECT id, status FROM plans WHERE official_id = $1 AND kind = $2 AND period_start = $3 FOR UPDATE`,
		officialID, kind, sqlDate(start)).Scan(&id, &status)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		err = db.QueryRow(ctx, `INSERT INTO plans (official_id, kind, period_start, month, status)
			VALUES ($1, $2, $3, $4, 'draft') RETURNING id`, officialID, kind, sqlDate(start), sqlDate(month.First())).Scan(&id)
	case err == nil && status != StatusDraft && status != StatusReturned:
		return Plan{}, Task{}, ErrLocked
	case err == nil:
		_, err = db.Exec(ctx, `UPDATE plans SET status = 'draft', version = version + 1, updated_at = now() WHERE id = $1`, id)
	}
	if err != nil {
		return Plan{}, Task{}, err
	}
	var deadline, item, qty any
	if t.Deadline != nil {
		deadline = sqlDate(*t.Deadline)
	}
	if t.ItemID != 0 {
		item, qty = t.ItemID, t.Quantity
	}
	var taskID int64
	if err := db.QueryRow(ctx, `INSERT INTO tasks (plan_id, position, title, deadline, weight, catalogue_item_id, quantity, assignment_id)
		VALUES ($1, (SELECT coalesce(max(position), 0) + 1 FROM tasks WHERE plan_id = $1), $2, $3, $4, $5, $6, $7) RETURNING id`,
		id, t.Title, deadline, int64(t.Weight), item, qty, assignmentID).Scan(&taskID); err != nil {
		return Plan{}, Task{}, err
	}
	p, err := LoadPlan(ctx, db, id)
	if err != nil {
		return p, Task{}, err
	}
	for _, task := range p.Tasks {
		if task.ID == taskID {
			return p, task, nil
		}
	}
	return p, Task{}, ErrNotFound
}

// RecordDone marks task taskID done as a task system reported it: on time,
// or late with one delay, whatever its plan's state (the head sees it when
// approving). The month must not be locked (published, or its assessment
// locked): ErrLocked; ErrNotFound when there is no such task. Audited with
// no actor (the system), reason naming what reported it.
func RecordDone(ctx context.Context, db store.DB, taskID int64, late bool, reason string) (Task, error) {
	var t Task
	var owner int64
	var locked bool
	err := db.QueryRow(ctx, `SELECT t.status, t.delays, p.official_id, t.plan_id,
		EXISTS (SELECT 1 FROM assessments a WHERE a.official_id = p.official_id AND a.month = p.month
			AND (a.locked_at IS NOT NULL OR a.status IN ('submitted', 'approved')))
		FROM tasks t JOIN plans p ON p.id = t.plan_id WHERE t.id = $1 FOR UPDATE OF t`, taskID).
		Scan(&t.Status, &t.Delays, &owner, &t.PlanID, &locked)
	if errors.Is(err, pgx.ErrNoRows) {
		return t, ErrNotFound
	}
	if err != nil {
		return t, err
	}
	if locked {
		return t, ErrLocked
	}
	status, delays := string(grading.StatusOnTime), 0
	if late {
		status, delays = string(grading.StatusLate), 1
	}
	if t.Status == status && t.Delays == delays {
		t.ID = taskID
		return t, nil
	}
	before := map[string]any{"status": t.Status, "delays": t.Delays}
	if _, err := db.Exec(ctx, `UPDATE tasks SET status = $2, delays = $3 WHERE id = $1`, taskID, status, delays); err != nil {
		return t, err
	}
	if err := Audit(ctx, db, AuditEntry{Subject: owner, Entity: "task", EntityID: taskID, Action: "mark",
		Before: before, After: map[string]any{"status": status, "delays": delays}, Reason: reason}); err != nil {
		return t, err
	}
	t.ID, t.Status, t.Delays = taskID, status, delays
	return t, nil
}
