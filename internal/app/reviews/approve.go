package reviews

import (
	"context"
	"errors"
	"slices"
	"time"

	"evalbot/internal/app/access"
	"evalbot/internal/app/grades"
	"evalbot/internal/app/publication"
	"evalbot/internal/calendar"
	"evalbot/internal/evaluation"
	"evalbot/internal/roster"
	"evalbot/internal/store"
)

// Approval is what Approve did. When StaffWaiting > 0 or Quota is set,
// nothing was decided: the head's own staff must be approved first, or the
// unit's grade-A quota is full and the reviewer chooses whom to move to B
// (Approve again with demote). Otherwise Assessment is the approved result;
// Addendum says it was published at once, after its unit's month (Unit, to
// tell the unit's group).
type Approval struct {
	Assessment   evaluation.Assessment
	Official     roster.Official
	StaffWaiting int
	Quota        *Quota
	Addendum     bool
	Unit         roster.Unit
	// Already: the assessment was approved before, by this reviewer, from
	// the version asked for — the same request again (a double tap, a
	// resent form); nothing was done now and nothing is to be told.
	Already bool
}

// Approve finalizes, for reviewer actorID at now, the submitted
// assessment assessmentID at version: the grade is computed from the
// reviewed inputs (grades.Card), and an A that breaks the unit's quota
// waits for the reviewer's choice — demote names the A to move to B
// (another person's approved A among Quota.Candidates, or assessmentID
// itself; 0 before the choice). A deputy approves on behalf of the head.
// It runs under the unit's month lock (evaluation.LockUnitMonth), as the
// publication does: two approvals at once are decided one after the other,
// and an approval after the unit's month was published is published at
// once as the addendum (publication.PublishLate).
//
// The same approval again (this reviewer approved it from version) is
// Already, not a refusal: a double tap reads as done.
//
// Refusals: access.ErrForbidden (not a reviewer of that official),
// evaluation.ErrStale / ErrNotFound (the assessment moved on, or the demote
// choice is not a candidate), and a *grading.InputError when the grade
// cannot be computed (grading.ErrNoTasks: the reviewer enters the task score first).
func Approve(ctx context.Context, db store.DB, cal *calendar.Calendar, fws grades.Frameworks, actorID, assessmentID int64, version int, demote int64, now time.Time) (Approval, error) {
	return approve(ctx, db, cal, fws, actorID, assessmentID, version, demote, now, false)
}

// approve is Approve; locked says the caller holds the unit-month lock
// already (ApproveMany), so the assessment read first is read under it.
func approve(ctx context.Context, db store.DB, cal *calendar.Calendar, fws grades.Frameworks, actorID, assessmentID int64, version int, demote int64, now time.Time, locked bool) (Approval, error) {
	as, err := evaluation.LoadAssessment(ctx, db, assessmentID)
	if err != nil {
		return Approval{}, err
	}
	ok, onBehalf, err := access.ReviewRight(ctx, db, actorID, as.OfficialID, calendar.DateOf(now))
	if err != nil {
		return Approval{}, err
	}
	if !ok {
		return Approval{}, access.ErrForbidden
	}
	o, err := roster.OfficialByID(ctx, db, as.OfficialID)
	if err != nil {
		return Approval{}, err
	}
	res := Approval{Assessment: as, Official: o}
	if !locked {
		if err := evaluation.LockUnitMonth(ctx, db, o.UnitID, as.Month); err != nil {
			return res, err
		}
		// What was read before the lock may have moved on meanwhile (the
		// other approver pressed first): then nothing is decided, not even
		// a quota move.
		as, err = evaluation.LoadAssessment(ctx, db, assessmentID)
	}
	if err == nil && as.Status == evaluation.AssessApproved && as.Version == version+1 && as.ReviewerID != nil && *as.ReviewerID == actorID {
		res.Assessment, res.Already = as, true
		return res, nil
	}
	if err != nil || as.Version != version || as.Status != evaluation.AssessSubmitted {
		if err != nil && !errors.Is(err, evaluation.ErrNotFound) {
			return res, err
		}
		return res, evaluation.ErrStale
	}
	res.Assessment = as
	if res.StaffWaiting, err = grades.StaffWaiting(ctx, db, o, as.Month); err != nil || res.StaffWaiting > 0 {
		return res, err
	}
	fw, err := fws(as.FrameworkID)
	if err != nil {
		return res, err
	}
	r, _, err := grades.Card(ctx, db, cal, fw, o, as, true)
	if err != nil {
		return res, err
	}
	if r.Graded && r.Grade == "A" {
		over, err := QuotaExceeded(ctx, db, actorID, calendar.DateOf(now), fw, o, as)
		if err != nil {
			return res, err
		}
		switch {
		case over == nil:
		case demote == 0:
			res.Quota = over
			return res, nil
		case demote == as.ID:
			r.DemoteForQuota()
		case !slices.Contains(over.Candidates, demote):
			return res, evaluation.ErrStale
		default:
			// The other person's card said their A was provisional; they
			// get the final card, saying the quota moved it, at publication.
			if _, err := evaluation.DemoteForQuota(ctx, db, demote, actorID); err != nil {
				return res, err
			}
		}
	}
	if res.Assessment, err = evaluation.Approve(ctx, db, as.ID, as.Version, actorID, onBehalf, r); err != nil {
		return res, err
	}
	res.Addendum, res.Unit, err = publication.PublishLate(ctx, db, actorID, res.Assessment, o, now)
	return res, err
}
