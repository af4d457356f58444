package reviews

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/app/access"
	"evalbot/internal/app/plans"
	"evalbot/internal/calendar"
	"evalbot/internal/evaluation"
	"evalbot/internal/grading"
	"evalbot/internal/roster"
	"evalbot/internal/store"
)

// Renew moves assessment assessmentID's version on, so that the buttons of
// every card showing it are stale (its tasks or their marks changed), and
// returns it as it is now.
func Renew(ctx context.Context, db store.DB, assessmentID int64) (evaluation.Assessment, error) {
	if _, err := db.Exec(ctx, `UPDATE assessments SET version = version + 1 WHERE id = $1`, assessmentID); err != nil {
		return evaluation.Assessment{}, err
	}
	return evaluation.LoadAssessment(ctx, db, assessmentID)
}

// QuotaMembers are the active people of unit unitID with the grade their
// quota counts for month m — an approved grade as it is, anyone not yet
// approved with their self-assessed grade but never A, or C — and their task
// groups, and whether the unit is exceptional (the higher quota); none when
// nobody of the unit has a task group (the review card shows no rooms then).
func QuotaMembers(ctx context.Context, db store.DB, unitID int64, m calendar.Month) ([]grading.QuotaMemberGroup, bool, error) {
	return quotaMembers(ctx, db, unitID, m, true)
}

// quotaMembers is QuotaMembers; withGroups false lists the unit's people
// even when none has a task group (the board's meter is always shown).
func quotaMembers(ctx context.Context, db store.DB, unitID int64, m calendar.Month, withGroups bool) ([]grading.QuotaMemberGroup, bool, error) {
	rows, err := db.Query(ctx, `SELECT o.id, o.task_group, a.status, a.grade, a.self_grade, u.exceptional
		FROM officials o JOIN units u ON u.id = o.unit_id
		LEFT JOIN assessments a ON a.official_id = o.id AND a.month = $2
		WHERE o.unit_id = $1 AND o.active AND (NOT $3 OR EXISTS (SELECT 1 FROM officials g WHERE g.unit_id = $1 AND g.active AND g.task_group <> ''))
		ORDER BY o.id`, unitID, m.First().Time(0, 0), withGroups)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	var members []grading.QuotaMemberGroup
	var exceptional bool
	for rows.Next() {
		var id int64
		var group string
		var status, grade, self *string
		if err := rows.Scan(&id, &group, &status, &grade, &self, &exceptional); err != nil {
			return nil, false, err
		}
		g := grading.GradeC
		switch {
		case status != nil && *status == evaluation.AssessApproved && grade != nil:
			g = grading.Grade(*grade)
		case self != nil && *self != "" && *self != "A":
			g = grading.Grade(*self)
		}
		members = append(members, grading.QuotaMemberGroup{QuotaMember: grading.QuotaMember{ID: id, Grade: g}, TaskGroup: group})
	}
	return members, exceptional, rows.Err()
}

// MarkResult is what MarkNotUpToStandard (or WithdrawQualityMark) did: the
// mark (evaluation.MarkOutcome: the mark, the task's fault count after it,
// Repeated for a repeated update), the assessment as it is now (its version
// moved on unless Repeated), its official, and the task's title.
type MarkResult struct {
	evaluation.MarkOutcome
	Assessment evaluation.Assessment
	Official   roster.Official
	TaskTitle  string
}

// MarkNotUpToStandard records, for reviewer actorID on day, that done task
// taskID of the month of the submitted assessment assessmentID is «chưa
// đạt» (not up to standard) once more, with reason (Decree 335/2025/NĐ-CP:
// each mark takes 25 % of the task's quality share), in the caller's
// transaction; the assessment's version moves on (Renew) unless the mark is
// a repeat (the same reason by the same actor within a minute). The task
// must be one of that official's tasks of that month. Refusals:
// evaluation.ErrNotFound (no assessment), access.ErrForbidden (not a
// reviewer of that official that day), evaluation.ErrLocked (approved
// already, or the month published), evaluation.ErrStale (not submitted, or
// not a task of that month), evaluation.ErrNotDone, evaluation.ErrReasonRequired.
// notify, when not nil, is told of a mark that is not a repeat (db must then
// be a pgx.Tx): the owner's cards in chat that show the task follow
// (plans.TaskNotifier).
func MarkNotUpToStandard(ctx context.Context, db store.DB, actorID, assessmentID, taskID int64, reason string, day calendar.Date, notify plans.TaskNotifier) (MarkResult, error) {
	return markQuality(ctx, db, actorID, assessmentID, taskID, day, notify, func() (evaluation.MarkOutcome, error) {
		return evaluation.MarkNotUpToStandard(ctx, db, actorID, taskID, reason, day)
	})
}

// WithdrawQualityMark takes back, for reviewer actorID on day, mark
// markID, the latest «chưa đạt» mark of task taskID as the reviewer saw it,
// of the month of the submitted assessment assessmentID
// (evaluation.WithdrawQualityMark), and moves the assessment's version on.
// Refusals as MarkNotUpToStandard's, evaluation.ErrNotFound when the task
// has no mark, evaluation.ErrStale when markID is not its latest; a mark
// taken back already (a double tap) comes back Repeated, nothing changed;
// notify as MarkNotUpToStandard's.
func WithdrawQualityMark(ctx context.Context, db store.DB, actorID, assessmentID, taskID, markID int64, day calendar.Date, notify plans.TaskNotifier) (MarkResult, error) {
	return markQuality(ctx, db, actorID, assessmentID, taskID, day, notify, func() (evaluation.MarkOutcome, error) {
		return evaluation.WithdrawQualityMark(ctx, db, actorID, taskID, markID, day)
	})
}

// markQuality checks that actorID reviews the submitted assessment
// assessmentID on day and that task taskID is of its official's month, then
// does mark and, unless the mark was a repeat, renews the assessment and
// tells notify.
func markQuality(ctx context.Context, db store.DB, actorID, assessmentID, taskID int64, day calendar.Date, notify plans.TaskNotifier, mark func() (evaluation.MarkOutcome, error)) (MarkResult, error) {
	var res MarkResult
	as, err := reviewing(ctx, db, actorID, assessmentID, day)
	if err != nil {
		return res, err
	}
	owner, month, title, err := taskOf(ctx, db, taskID)
	if errors.Is(err, pgx.ErrNoRows) || err == nil && (owner != as.OfficialID || month != as.Month) {
		return res, evaluation.ErrStale
	}
	if err != nil {
		return res, err
	}
	out, err := mark()
	if errors.Is(err, evaluation.ErrNotReviewer) {
		err = access.ErrForbidden
	}
	if err != nil {
		return res, err
	}
	if !out.Repeated {
		// The card's numbers change: older buttons of this review are stale.
		if as, err = Renew(ctx, db, as.ID); err != nil {
			return res, err
		}
		p, err := planOf(ctx, db, taskID)
		if err != nil {
			return res, err
		}
		if err := plans.NotifyTask(ctx, db, notify, p, true); err != nil {
			return res, err
		}
	}
	o, err := roster.OfficialByID(ctx, db, as.OfficialID)
	if err != nil {
		return res, err
	}
	return MarkResult{MarkOutcome: out, Assessment: as, Official: o, TaskTitle: title}, nil
}

// reviewing loads assessment assessmentID for reviewer actorID on day and
// checks it waits for the review: evaluation.ErrNotFound, access.ErrForbidden,
// evaluation.ErrLocked when approved already, evaluation.ErrStale when it is
// not submitted (returned, or back to draft).
func reviewing(ctx context.Context, db store.DB, actorID, assessmentID int64, day calendar.Date) (evaluation.Assessment, error) {
	as, err := evaluation.LoadAssessment(ctx, db, assessmentID)
	if err != nil {
		return as, err
	}
	if err := mayReview(ctx, db, actorID, as.OfficialID, day); err != nil {
		return as, err
	}
	switch as.Status {
	case evaluation.AssessSubmitted:
		return as, nil
	case evaluation.AssessApproved:
		return as, evaluation.ErrLocked
	}
	return as, evaluation.ErrStale
}

// taskOf is the official whose approved plan holds task taskID, the
// plan's month, and the task's title; pgx.ErrNoRows when there is no such
// task, or its plan is not approved (not a task of the month under review:
// a forged id of a plan still waiting was answered «approved already»).
func taskOf(ctx context.Context, db store.DB, taskID int64) (int64, calendar.Month, string, error) {
	var owner int64
	var month time.Time
	var title string
	err := db.QueryRow(ctx, `SELECT p.official_id, p.month, t.title FROM tasks t JOIN plans p ON p.id = t.plan_id
		WHERE t.id = $1 AND p.status = 'approved'`, taskID).
		Scan(&owner, &month, &title)
	return owner, calendar.Month{Year: month.Year(), Month: month.Month()}, title, err
}
