package publication

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/app/access"
	"evalbot/internal/calendar"
	"evalbot/internal/evaluation"
	"evalbot/internal/store"
)

// ReconsiderDays is how many working days after publication an official may
// ask for reconsideration (phúc khảo).
const ReconsiderDays = 3

// Refusals of a reconsideration request.
var (
	ErrNothingPublished = errors.New("publication: no published result to reconsider")
	ErrAlreadyAsked     = errors.New("publication: reconsideration already asked for this month") // one a month; the head's decision stands
	ErrTooLate          = errors.New("publication: reconsideration window closed")
	ErrPending          = errors.New("publication: a reconsideration request is pending")
)

// Reconsiderable is the result official actorID may ask to reconsider on
// day: their most recent published (locked) month's assessment, if it was
// published at most ReconsiderDays working days before (cal) and nothing was
// asked for it yet. Refusals: ErrNothingPublished, ErrAlreadyAsked, ErrTooLate.
func Reconsiderable(ctx context.Context, db store.DB, cal *calendar.Calendar, actorID int64, day calendar.Date) (evaluation.Assessment, error) {
	var id int64
	var at time.Time
	err := db.QueryRow(ctx, `SELECT a.id, p.published_at FROM assessments a
		JOIN officials o ON o.id = a.official_id
		JOIN publications p ON p.unit_id = o.unit_id AND p.month = a.month
		WHERE a.official_id = $1 AND a.locked_at IS NOT NULL ORDER BY a.month DESC LIMIT 1`, actorID).Scan(&id, &at)
	if errors.Is(err, pgx.ErrNoRows) {
		return evaluation.Assessment{}, ErrNothingPublished
	}
	if err != nil {
		return evaluation.Assessment{}, err
	}
	as, err := evaluation.LoadAssessment(ctx, db, id)
	if err != nil {
		return as, err
	}
	var asked bool
	if err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM reconsiderations WHERE assessment_id = $1)`, as.ID).Scan(&asked); err != nil {
		return as, err
	}
	if asked {
		return as, ErrAlreadyAsked
	}
	if cal.WorkingDaysBetween(calendar.DateOf(at), day) > ReconsiderDays {
		return as, ErrTooLate
	}
	return as, nil
}

// RequestReconsideration records official actorID's request to reconsider
// assessment assessmentID with reason (already cleaned), with an audit
// entry, and returns the request's id and the assessment. Refusals:
// evaluation.ErrStale when the assessment is not there or not the actor's,
// ErrPending when a request for it is pending already.
func RequestReconsideration(ctx context.Context, db store.DB, actorID, assessmentID int64, reason string) (int64, evaluation.Assessment, error) {
	as, err := evaluation.LoadAssessment(ctx, db, assessmentID)
	if err != nil || as.OfficialID != actorID {
		return 0, as, evaluation.ErrStale
	}
	var id int64
	err = db.QueryRow(ctx, `INSERT INTO reconsiderations (assessment_id, reason) VALUES ($1, $2)
		ON CONFLICT (assessment_id) WHERE status = 'pending' DO NOTHING RETURNING id`, as.ID, reason).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, as, ErrPending
	}
	if err != nil {
		return 0, as, err
	}
	if err := evaluation.Audit(ctx, db, evaluation.AuditEntry{Actor: &actorID, Subject: actorID, Entity: "reconsideration",
		EntityID: id, Action: "request", Reason: reason}); err != nil {
		return 0, as, err
	}
	return id, as, nil
}

// Decidable checks that reviewer actorID may decide request requestID on
// day and that it is still pending, locking the request for the caller's
// transaction; it returns the assessment asked about. Refusals:
// evaluation.ErrStale (no such request, or decided already) and
// access.ErrForbidden (the actor does not review that official).
func Decidable(ctx context.Context, db store.DB, actorID, requestID int64, day calendar.Date) (evaluation.Assessment, error) {
	var assessmentID int64
	var status string
	if err := db.QueryRow(ctx, `SELECT assessment_id, status FROM reconsiderations WHERE id = $1 FOR UPDATE`, requestID).Scan(&assessmentID, &status); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return evaluation.Assessment{}, evaluation.ErrStale
		}
		return evaluation.Assessment{}, err
	}
	as, err := evaluation.LoadAssessment(ctx, db, assessmentID)
	if err != nil {
		return as, err
	}
	if ok, err := access.CanReview(ctx, db, actorID, as.OfficialID, day); err != nil || !ok {
		if err == nil {
			err = access.ErrForbidden
		}
		return as, err
	}
	if status != "pending" {
		return as, evaluation.ErrStale
	}
	return as, nil
}

// Accept reopens the result asked about (Decidable's checks first): the
// request is accepted, the assessment unlocked and submitted again (its
// version moves on), with an audit entry naming the total and grade before.
// It returns the assessment as it is now, to review again.
func Accept(ctx context.Context, db store.DB, actorID, requestID int64, day calendar.Date) (evaluation.Assessment, error) {
	as, err := Decidable(ctx, db, actorID, requestID, day)
	if err != nil {
		return as, err
	}
	if _, err := db.Exec(ctx, `UPDATE reconsiderations SET status = 'accepted', decided_by = $2, decided_at = now() WHERE id = $1`, requestID, actorID); err != nil {
		return as, err
	}
	if _, err := db.Exec(ctx, `UPDATE assessments SET status = 'submitted', locked_at = NULL, version = version + 1, updated_at = now() WHERE id = $1`, as.ID); err != nil {
		return as, err
	}
	if err := evaluation.Audit(ctx, db, evaluation.AuditEntry{Actor: &actorID, Subject: as.OfficialID, Entity: "reconsideration", EntityID: requestID,
		Action: "accept", Before: map[string]any{"total": as.Total, "grade": as.Grade}}); err != nil {
		return as, err
	}
	return evaluation.LoadAssessment(ctx, db, as.ID)
}

// Reject keeps the result (Decidable's checks first) and records why, with
// an audit entry; it returns the assessment asked about.
func Reject(ctx context.Context, db store.DB, actorID, requestID int64, reason string, day calendar.Date) (evaluation.Assessment, error) {
	as, err := Decidable(ctx, db, actorID, requestID, day)
	if err != nil {
		return as, err
	}
	if _, err := db.Exec(ctx, `UPDATE reconsiderations SET status = 'rejected', decided_by = $2, decision_reason = $3, decided_at = now() WHERE id = $1`,
		requestID, actorID, reason); err != nil {
		return as, err
	}
	if err := evaluation.Audit(ctx, db, evaluation.AuditEntry{Actor: &actorID, Subject: as.OfficialID, Entity: "reconsideration", EntityID: requestID,
		Action: "reject", Reason: reason}); err != nil {
		return as, err
	}
	return as, nil
}
