// Package plans holds the use cases of an official's own work plans: today
// the weekly report, marking a task of one's own plan done on time, late or
// not done. It runs inside the caller's transaction and authorizes from the
// database: only the plan's owner, only while the month is open to them.
package plans

import (
	"context"

	"evalbot/internal/app/access"
	"evalbot/internal/calendar"
	"evalbot/internal/evaluation"
	"evalbot/internal/grading"
	"evalbot/internal/store"
)

// MarkOwnTask sets the status of task taskID for its owner actorID, and
// returns the task and its plan (read before the mark). Refusals:
// evaluation.ErrStale when the task does not exist, access.ErrForbidden when
// it is someone else's, evaluation.ErrLocked when its month is no longer open
// to the owner — the self-assessment was submitted, the unit published the
// month, or the month is before openFrom (the month under review,
// calendar.MonthUnderReview); and evaluation.MarkTask's own refusals.
func MarkOwnTask(ctx context.Context, db store.DB, actorID, taskID int64, status grading.TaskStatus, openFrom calendar.Month) (evaluation.Task, evaluation.Plan, error) {
	planID, owner, err := TaskPlan(ctx, db, taskID)
	if err != nil {
		return evaluation.Task{}, evaluation.Plan{}, evaluation.ErrStale
	}
	if owner != actorID {
		return evaluation.Task{}, evaluation.Plan{}, access.ErrForbidden
	}
	p, err := evaluation.LoadPlan(ctx, db, planID)
	if err != nil {
		return evaluation.Task{}, p, err
	}
	if as, err := evaluation.FindAssessment(ctx, db, owner, p.Month); err == nil && !as.Editable() {
		return evaluation.Task{}, p, evaluation.ErrLocked
	}
	// Only a month still open to the official: not one before the month under
	// review, nor one their unit has published (with or without an assessment).
	published, err := evaluation.Published(ctx, db, owner, p.Month)
	if err != nil {
		return evaluation.Task{}, p, err
	}
	if published || p.Month.Before(openFrom) {
		return evaluation.Task{}, p, evaluation.ErrLocked
	}
	task, err := evaluation.MarkTask(ctx, db, taskID, string(status), &actorID)
	return task, p, err
}

// TaskPlan is the plan holding task taskID and the plan's owner (an
// official's id); pgx.ErrNoRows when there is no such task.
func TaskPlan(ctx context.Context, db store.DB, taskID int64) (planID, ownerID int64, err error) {
	err = db.QueryRow(ctx, `SELECT p.id, p.official_id FROM tasks t JOIN plans p ON p.id = t.plan_id WHERE t.id = $1`, taskID).Scan(&planID, &ownerID)
	return planID, ownerID, err
}

// OwnPlan loads plan planID for its owner actorID; evaluation.ErrStale when
// there is no such plan or it is someone else's (a button of another
// person's message never reveals whether the plan exists).
func OwnPlan(ctx context.Context, db store.DB, actorID, planID int64) (evaluation.Plan, error) {
	p, err := evaluation.LoadPlan(ctx, db, planID)
	if err != nil || p.OfficialID != actorID {
		return evaluation.Plan{}, evaluation.ErrStale
	}
	return p, nil
}
