// Package selfassess holds the use cases of an official's self-assessment
// (tự đánh giá): who may still change it, the bonus claimed with its
// reason, and the submission to their head with the provisional grade. Each
// runs in the caller's transaction and authorizes from the database: only
// the assessment's own official, only while it is editable and unpublished.
package selfassess

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/app/access"
	"evalbot/internal/app/grades"
	"evalbot/internal/calendar"
	"evalbot/internal/evaluation"
	"evalbot/internal/grading"
	"evalbot/internal/roster"
	"evalbot/internal/store"
)

// ErrNoReviewer: the official has nobody above them to review the
// self-assessment (the root unit's head).
var ErrNoReviewer = errors.New("selfassess: nobody reviews this official")

// Editable checks that official actorID may change assessment as now:
// access.ErrForbidden when it is someone else's, evaluation.ErrLocked when
// it was submitted or its unit's month published (published). It reads
// nothing: the score press's fast path reads the assessment in its batch.
func Editable(actorID int64, as evaluation.Assessment, published bool) error {
	if as.OfficialID != actorID {
		return access.ErrForbidden
	}
	if !as.Editable() || published {
		return evaluation.ErrLocked
	}
	return nil
}

// SetBonus records the bonus (within the framework's maximum, checked by
// evaluation.SetSelfBonus) and its reason (already cleaned) that official
// actorID claims on their assessment assessmentID. Refusals:
// evaluation.ErrStale (gone, or not theirs), evaluation.ErrLocked, a
// *grading.InputError. notify, when not nil, is told (SelfChanged; db must
// then be a pgx.Tx): the self-assessment cards in chat follow.
func SetBonus(ctx context.Context, db store.DB, fws grades.Frameworks, actorID, assessmentID int64, bonus grading.Points, reason string, notify Notifier) (evaluation.Assessment, error) {
	as, err := evaluation.LoadAssessment(ctx, db, assessmentID)
	if err != nil || as.OfficialID != actorID {
		return as, evaluation.ErrStale
	}
	fw, err := fws(as.FrameworkID)
	if err != nil {
		return as, err
	}
	if as, err = evaluation.SetSelfBonus(ctx, db, as.ID, fw, bonus, reason); err != nil || notify == nil {
		return as, err
	}
	tx, ok := db.(pgx.Tx)
	if !ok {
		return as, errNotifyOutsideTx
	}
	o, err := roster.OfficialByID(ctx, db, actorID)
	if err != nil {
		return as, err
	}
	return as, notify.SelfChanged(ctx, tx, as, o)
}

// errNotifyOutsideTx: a notifier was given to a use case run outside a
// transaction (the cards' edits are queued in the change's transaction).
var errNotifyOutsideTx = errors.New("selfassess: a notifier needs the change's transaction")

// Submit sends official actorID's assessment assessmentID at version to
// their head (roster.HeadOf) at now, with the provisional grade when it can
// be computed yet (grades.Card), and returns it with the head. Refusals:
// access.ErrForbidden (not theirs), ErrNoReviewer, evaluation.ErrStale /
// ErrLocked. notify, when not nil, is told (SelfSubmitted; db must then be
// a pgx.Tx): the official's cards in chat follow, the head gets the review
// card.
func Submit(ctx context.Context, db store.DB, cal *calendar.Calendar, fws grades.Frameworks, actorID, assessmentID int64, version int, now time.Time, notify Notifier) (evaluation.Assessment, roster.Official, error) {
	as, err := evaluation.LoadAssessment(ctx, db, assessmentID)
	if err != nil {
		return as, roster.Official{}, err
	}
	if as.OfficialID != actorID {
		return as, roster.Official{}, access.ErrForbidden
	}
	if as.Version != version {
		return as, roster.Official{}, evaluation.ErrStale
	}
	head, hasHead, err := roster.HeadOf(ctx, db, actorID)
	if err != nil {
		return as, head, err
	}
	if !hasHead {
		return as, head, ErrNoReviewer
	}
	me, err := roster.OfficialByID(ctx, db, actorID)
	if err != nil {
		return as, head, err
	}
	var provisional *grading.Result
	if fw, err := fws(as.FrameworkID); err == nil {
		if r, _, err := grades.Card(ctx, db, cal, fw, me, as, false); err == nil {
			provisional = &r
		}
	}
	as, err = evaluation.SubmitAssessment(ctx, db, as.ID, version, &head.ID, provisional, now)
	if err != nil || notify == nil {
		return as, head, err
	}
	tx, ok := db.(pgx.Tx)
	if !ok {
		return as, head, errNotifyOutsideTx
	}
	return as, head, notify.SelfSubmitted(ctx, tx, as, me, head)
}
