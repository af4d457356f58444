package reviews

import (
	"context"

	"github.com/jackc/pgx/v5"
	"time"

	"evalbot/internal/app/access"
	"evalbot/internal/app/grades"
	"evalbot/internal/calendar"
	"evalbot/internal/evaluation"
	"evalbot/internal/grading"
	"evalbot/internal/roster"
	"evalbot/internal/store"
)

// Open loads assessment assessmentID and its official for reviewer actorID
// on day: evaluation.ErrNotFound when there is none, access.ErrForbidden
// when the actor does not review that official (access.CanReview).
func Open(ctx context.Context, db store.DB, actorID, assessmentID int64, day calendar.Date) (evaluation.Assessment, roster.Official, error) {
	as, err := evaluation.LoadAssessment(ctx, db, assessmentID)
	if err != nil {
		return as, roster.Official{}, err
	}
	if err := mayReview(ctx, db, actorID, as.OfficialID, day); err != nil {
		return as, roster.Official{}, err
	}
	o, err := roster.OfficialByID(ctx, db, as.OfficialID)
	return as, o, err
}

// OpenForUpdate is Open with the assessment's row locked for the caller's
// transaction (evaluation.LoadAssessmentForUpdate), for a form that
// compares the version its page showed and then changes the assessment:
// the board's task status posted twice at once set a task late twice, both
// requests having compared the version before either wrote. The row is
// locked only once the actor is known to review it (a forged id holds
// nobody else's assessment).
func OpenForUpdate(ctx context.Context, tx pgx.Tx, actorID, assessmentID int64, day calendar.Date) (evaluation.Assessment, roster.Official, error) {
	as, o, err := Open(ctx, tx, actorID, assessmentID, day)
	if err != nil {
		return as, o, err
	}
	as, err = evaluation.LoadAssessmentForUpdate(ctx, tx, assessmentID)
	return as, o, err
}

// Return sends a submitted assessment at version back to its official with
// reason (already cleaned), for reviewer actorID on day, and returns it with
// its official. Refusals: evaluation.ErrStale (gone, or moved on),
// access.ErrForbidden.
func Return(ctx context.Context, db store.DB, actorID, assessmentID int64, version int, reason string, day calendar.Date) (evaluation.Assessment, roster.Official, error) {
	as, err := evaluation.LoadAssessment(ctx, db, assessmentID)
	if err != nil {
		return as, roster.Official{}, evaluation.ErrStale
	}
	if err := mayReview(ctx, db, actorID, as.OfficialID, day); err != nil {
		return as, roster.Official{}, err
	}
	if as, err = evaluation.ReturnAssessment(ctx, db, as.ID, version, actorID, reason); err != nil {
		return as, roster.Official{}, err
	}
	o, err := roster.OfficialByID(ctx, db, as.OfficialID)
	return as, o, err
}

// SetTaskScore enters, for reviewer actorID on day, the task score of a
// month with no planned tasks (điểm thực hiện nhiệm vụ, within fw.TaskMax,
// checked by evaluation.SetManualTaskScore) on assessment as, and returns it
// with its official. Refusals: access.ErrForbidden, evaluation.ErrLocked.
func SetTaskScore(ctx context.Context, db store.DB, actorID int64, as evaluation.Assessment, fw *grading.Framework, score grading.Points, day calendar.Date) (evaluation.Assessment, roster.Official, error) {
	if err := mayReview(ctx, db, actorID, as.OfficialID, day); err != nil {
		return as, roster.Official{}, err
	}
	as, err := evaluation.SetManualTaskScore(ctx, db, as.ID, fw, actorID, score)
	if err != nil {
		return as, roster.Official{}, err
	}
	o, err := roster.OfficialByID(ctx, db, as.OfficialID)
	return as, o, err
}

// AssessAlone opens, for reviewer actorID at now, the review of official
// officialID's month m without a self-assessment (the official never
// answered: the head assesses alone, evaluation.AssessWithoutSelf), and
// returns it with the official. Refusals: access.ErrForbidden,
// evaluation.ErrStale / ErrLocked.
func AssessAlone(ctx context.Context, db store.DB, fws grades.Frameworks, actorID, officialID int64, m calendar.Month, now time.Time) (evaluation.Assessment, roster.Official, error) {
	if err := mayReview(ctx, db, actorID, officialID, calendar.DateOf(now)); err != nil {
		return evaluation.Assessment{}, roster.Official{}, err
	}
	o, err := roster.OfficialByID(ctx, db, officialID)
	if err != nil {
		return evaluation.Assessment{}, o, err
	}
	u, err := roster.UnitByID(ctx, db, o.UnitID)
	if err != nil {
		return evaluation.Assessment{}, o, err
	}
	fw, err := fws(u.FrameworkID)
	if err != nil {
		return evaluation.Assessment{}, o, err
	}
	as, err := evaluation.AssessWithoutSelf(ctx, db, officialID, m, fw, actorID, now)
	if err != nil {
		return as, o, err
	}
	if as.OfficialID != officialID {
		return as, o, evaluation.ErrStale
	}
	return as, o, nil
}

// mayReview is access.CanReview as an error: access.ErrForbidden for no.
func mayReview(ctx context.Context, db store.DB, actorID, officialID int64, day calendar.Date) error {
	ok, err := access.CanReview(ctx, db, actorID, officialID, day)
	if err == nil && !ok {
		err = access.ErrForbidden
	}
	return err
}

// AdjustCriterion sets, for reviewer actorID on day, the points of one
// general criterion of the submitted assessment assessmentID (the head's
// copy; the self-assessed points stay as they were). Refusals:
// evaluation.ErrNotFound, access.ErrForbidden, evaluation.ErrLocked (no
// longer submitted), a *grading.InputError (points out of the criterion's range).
func AdjustCriterion(ctx context.Context, db store.DB, fws grades.Frameworks, actorID, assessmentID int64, criterion string, p grading.Points, day calendar.Date) (evaluation.Assessment, error) {
	fw, err := adjustable(ctx, db, fws, actorID, assessmentID, day)
	if err != nil {
		return evaluation.Assessment{}, err
	}
	return evaluation.AdjustCriterion(ctx, db, assessmentID, fw, actorID, criterion, p)
}

// AdjustBonus is AdjustCriterion for the bonus points (within the
// framework's BonusMax).
func AdjustBonus(ctx context.Context, db store.DB, fws grades.Frameworks, actorID, assessmentID int64, bonus grading.Points, day calendar.Date) (evaluation.Assessment, error) {
	fw, err := adjustable(ctx, db, fws, actorID, assessmentID, day)
	if err != nil {
		return evaluation.Assessment{}, err
	}
	return evaluation.AdjustBonus(ctx, db, assessmentID, fw, actorID, bonus)
}

// adjustable checks that actorID reviews the official of assessment
// assessmentID on day, and returns the assessment's framework.
func adjustable(ctx context.Context, db store.DB, fws grades.Frameworks, actorID, assessmentID int64, day calendar.Date) (*grading.Framework, error) {
	as, err := evaluation.LoadAssessment(ctx, db, assessmentID)
	if err != nil {
		return nil, err
	}
	if err := mayReview(ctx, db, actorID, as.OfficialID, day); err != nil {
		return nil, err
	}
	return fws(as.FrameworkID)
}
