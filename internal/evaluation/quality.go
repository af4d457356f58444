package evaluation

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/calendar"
	"evalbot/internal/roster"
	"evalbot/internal/store"
	"evalbot/internal/textnorm"
)

// Errors of MarkNotUpToStandard; none of them changes anything.
var (
	// ErrNotReviewer: the actor is neither the head who reviews the task's
	// owner nor that head's deputy today.
	ErrNotReviewer = errors.New("evaluation: not the reviewer of this official")
	// ErrNotDone: only a task done (on time or late) can be not up to standard.
	ErrNotDone = errors.New("evaluation: the task is not done")
	// ErrReasonRequired: a "chưa đạt" mark needs its reason.
	ErrReasonRequired = errors.New("evaluation: a reason is required")
)

// MaxMarkReasonRunes bounds the reason of a quality mark.
const MaxMarkReasonRunes = 500

// repeatWindow: the same mark (task, actor, reason) again within it is a
// repeated update or a double tap, not a second mark.
const repeatWindow = time.Minute

// QualityMark — một lần đánh giá "chưa đạt": the head (or the deputy, with
// OnBehalfOf the head) found a done task not up to standard, for Reason.
// Each mark is one quality fault of the task: −25 % of its quality share
// under both presets (Decree 335/2025/NĐ-CP; the framework's faults step).
type QualityMark struct {
	ID         int64
	TaskID     int64
	ActorID    int64
	OnBehalfOf *int64
	Reason     string
	At         time.Time
}

// MarkOutcome is what MarkNotUpToStandard did: the mark, the task's owner,
// the task's fault count after it, and Repeated when the same mark had just
// been recorded (nothing was written again).
type MarkOutcome struct {
	Mark     QualityMark
	OwnerID  int64
	Faults   int
	Repeated bool
}

// MarkNotUpToStandard records that a done task of an approved plan is "chưa
// đạt" (not up to standard), once more, with reason. The right is read from
// the database: actorID must be the head who reviews the task's owner
// (roster.HeadOf) or that head's active deputy on today (delegations);
// otherwise ErrNotReviewer. The task must be on_time or late (ErrNotDone),
// its plan approved and its month's assessment neither approved nor locked
// (ErrLocked); reason is cleaned like every typed text and must not be empty
// (ErrReasonRequired). The mark and tasks.quality_faults + 1 are written with
// one audit_log row (entity task, action quality_mark), in the caller's
// transaction. The same actor, task and reason again within a minute is the
// same mark (Repeated). ErrNotFound when there is no such task.
func MarkNotUpToStandard(ctx context.Context, db store.DB, actorID, taskID int64, reason string, today calendar.Date) (MarkOutcome, error) {
	var out MarkOutcome
	reason, err := textnorm.Field(reason, MaxMarkReasonRunes)
	if err != nil {
		return out, ErrReasonRequired
	}
	var status, planStatus string
	var faults int
	var month time.Time
	err = db.QueryRow(ctx, `SELECT t.status, t.quality_faults, p.status, p.official_id, p.month
		FROM tasks t JOIN plans p ON p.id = t.plan_id WHERE t.id = $1 FOR UPDATE OF t`, taskID).
		Scan(&status, &faults, &planStatus, &out.OwnerID, &month)
	if errors.Is(err, pgx.ErrNoRows) {
		return out, ErrNotFound
	}
	if err != nil {
		return out, err
	}
	onBehalf, err := reviewerOf(ctx, db, actorID, out.OwnerID, today)
	if err != nil {
		return out, err
	}
	var last QualityMark
	err = db.QueryRow(ctx, `SELECT id, actor_id, on_behalf_of, reason, marked_at FROM task_quality_marks
		WHERE task_id = $1 ORDER BY id DESC LIMIT 1`, taskID).Scan(&last.ID, &last.ActorID, &last.OnBehalfOf, &last.Reason, &last.At)
	switch {
	case err == nil && last.ActorID == actorID && last.Reason == reason && time.Since(last.At) < repeatWindow:
		last.TaskID = taskID
		out.Mark, out.Faults, out.Repeated = last, faults, true
		return out, nil
	case err != nil && !errors.Is(err, pgx.ErrNoRows):
		return out, err
	}
	if planStatus != StatusApproved {
		return out, ErrLocked
	}
	if status != "on_time" && status != "late" {
		return out, ErrNotDone
	}
	var closed bool
	if err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM assessments WHERE official_id = $1 AND month = $2
		AND (status = 'approved' OR locked_at IS NOT NULL))`, out.OwnerID, month).Scan(&closed); err != nil {
		return out, err
	}
	if closed {
		return out, ErrLocked
	}
	m := QualityMark{TaskID: taskID, ActorID: actorID, OnBehalfOf: onBehalf, Reason: reason}
	if err := db.QueryRow(ctx, `INSERT INTO task_quality_marks (task_id, actor_id, on_behalf_of, reason)
		VALUES ($1, $2, $3, $4) RETURNING id, marked_at`, taskID, actorID, onBehalf, reason).Scan(&m.ID, &m.At); err != nil {
		return out, err
	}
	if _, err := db.Exec(ctx, `UPDATE tasks SET quality_faults = quality_faults + 1 WHERE id = $1`, taskID); err != nil {
		return out, err
	}
	after := map[string]any{"quality_faults": faults + 1, "mark": m.ID}
	if onBehalf != nil {
		after["on_behalf_of"] = *onBehalf
	}
	if err := Audit(ctx, db, AuditEntry{Actor: &actorID, Subject: out.OwnerID, Entity: "task", EntityID: taskID,
		Action: "quality_mark", Before: map[string]any{"quality_faults": faults}, After: after, Reason: reason}); err != nil {
		return out, err
	}
	out.Mark, out.Faults = m, faults+1
	return out, nil
}

// reviewerOf checks from the database that actorID reviews ownerID today:
// their head (nil), or the head's active deputy (the head's id).
func reviewerOf(ctx context.Context, db store.DB, actorID, ownerID int64, today calendar.Date) (*int64, error) {
	head, ok, err := roster.HeadOf(ctx, db, ownerID)
	if err != nil {
		if errors.Is(err, roster.ErrNotFound) {
			return nil, ErrNotFound
		}
		return nil, err
	}
	if !ok || ownerID == actorID {
		return nil, ErrNotReviewer
	}
	if head.ID == actorID {
		return nil, nil
	}
	deputy, ok, err := ActiveDelegate(ctx, db, head.ID, today)
	if err != nil {
		return nil, err
	}
	if !ok || deputy != actorID {
		return nil, ErrNotReviewer
	}
	return &head.ID, nil
}

// QualityMarks lists the "chưa đạt" marks of the tasks, oldest first, by
// task id (for the head's card and the official's grade card).
func QualityMarks(ctx context.Context, db store.DB, taskIDs []int64) (map[int64][]QualityMark, error) {
	rows, err := db.Query(ctx, `SELECT id, task_id, actor_id, on_behalf_of, reason, marked_at FROM task_quality_marks
		WHERE task_id = ANY($1) ORDER BY task_id, id`, taskIDs)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]QualityMark{}
	for rows.Next() {
		var m QualityMark
		if err := rows.Scan(&m.ID, &m.TaskID, &m.ActorID, &m.OnBehalfOf, &m.Reason, &m.At); err != nil {
			return nil, err
		}
		out[m.TaskID] = append(out[m.TaskID], m)
	}
	return out, rows.Err()
}
