// Package reviews holds the use cases of a head (or their deputy) reviewing
// the month's self-assessments: locking the unit-months a batch approval
// touches, the grade-A quota check before an approval, and marking a task of
// the reviewed month. Each runs inside the caller's transaction and
// authorizes from the database (access.ReviewRight).
package reviews

import (
	"context"
	"errors"
	"slices"
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

// LockUnitMonths takes the unit-month lock (evaluation.LockUnitMonth) of
// every unit and month the assessments assessmentIDs belong to, all at once
// and in one order (unit, then month), so two batch approvals over
// overlapping units never wait on each other crosswise.
func LockUnitMonths(ctx context.Context, db store.DB, assessmentIDs []int64) error {
	rows, err := db.Query(ctx, `SELECT DISTINCT o.unit_id, a.month FROM assessments a JOIN officials o ON o.id = a.official_id
		WHERE a.id = ANY($1) ORDER BY 1, 2`, assessmentIDs)
	if err != nil {
		return err
	}
	type unitMonth struct {
		unit  int64
		month time.Time
	}
	ums, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (unitMonth, error) {
		var u unitMonth
		return u, r.Scan(&u.unit, &u.month)
	})
	if err != nil {
		return err
	}
	for _, u := range ums {
		if err := evaluation.LockUnitMonth(ctx, db, u.unit, calendar.Month{Year: u.month.Year(), Month: u.month.Month()}); err != nil {
			return err
		}
	}
	return nil
}

// Quota is an exceeded grade-A quota (Quyết định về tỷ lệ loại A of the
// framework): the unit's limit, how many people it was computed over, and the
// A's among which the head chooses who moves to B — the assessment ids and
// the names, in step, the one being approved last.
type Quota struct {
	Max        int
	Graded     int
	Candidates []int64
	Names      []string
}

// QuotaExceeded checks, for actorID approving assessment as of official o
// with grade A on day, whether one more A in o's unit (in o's task group,
// when the framework counts the quota per group) breaks the framework's
// quota; nil when it does not. People of the unit not yet
// approved count with their self-assessed grade (C when unknown), so the
// limit is known before the month closes. Only the approved A's the actor
// may review are offered as candidates. The caller holds the unit-month lock.
func QuotaExceeded(ctx context.Context, db store.DB, actorID int64, day calendar.Date, fw *grading.Framework, o roster.Official, as evaluation.Assessment) (*Quota, error) {
	u, err := roster.UnitByID(ctx, db, o.UnitID)
	if err != nil {
		return nil, err
	}
	// Decree 335 counts the quota within the person's task group ($3 true, $4 the group).
	byGroup, group := fw.QuotaScope() == grading.QuotaScopeTaskGroup, o.TaskGroup
	rows, err := db.Query(ctx, `SELECT o.id, o.full_name, a.id, a.status, a.grade, a.self_grade
		FROM officials o LEFT JOIN assessments a ON a.official_id = o.id AND a.month = $2
		WHERE o.unit_id = $1 AND o.active AND (NOT $3 OR o.task_group = $4) ORDER BY a.total DESC NULLS LAST, o.id`,
		o.UnitID, as.Month.First().Time(0, 0), byGroup, group)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type member struct {
		oid                 int64
		name                string
		aid                 *int64
		status, grade, self *string
	}
	var ms []member
	for rows.Next() {
		var m member
		if err := rows.Scan(&m.oid, &m.name, &m.aid, &m.status, &m.grade, &m.self); err != nil {
			return nil, err
		}
		ms = append(ms, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var grades []grading.Grade
	q := &Quota{}
	for _, m := range ms {
		g := grading.Grade("C")
		switch {
		case m.oid == o.ID:
			g = "A"
		case m.status != nil && *m.status == evaluation.AssessApproved && m.grade != nil:
			g = grading.Grade(*m.grade)
			if g == "A" {
				ok, err := access.CanReview(ctx, db, actorID, m.oid, day)
				if err != nil {
					return nil, err
				}
				if ok {
					q.Candidates = append(q.Candidates, *m.aid)
					q.Names = append(q.Names, m.name)
				}
			}
		case m.self != nil && *m.self != "" && *m.self != "A":
			g = grading.Grade(*m.self)
		}
		grades = append(grades, g)
	}
	approvedA := 1 // this one
	var countA int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM assessments a JOIN officials o ON o.id = a.official_id
		WHERE o.unit_id = $1 AND a.month = $2 AND a.status = 'approved' AND a.grade = 'A' AND (NOT $3 OR o.task_group = $4)`,
		o.UnitID, as.Month.First().Time(0, 0), byGroup, group).Scan(&countA); err != nil {
		return nil, err
	}
	approvedA += countA
	q.Max = fw.MaxExcellent(grades, u.Exceptional)
	q.Graded = len(grades)
	if approvedA <= q.Max {
		return nil, nil
	}
	q.Candidates = append(q.Candidates, as.ID)
	q.Names = append(q.Names, o.FullName)
	return q, nil
}

// MarkTask sets, for reviewer actorID on day, the status of task taskID of
// the month of the submitted assessment assessmentID (the head's correction
// of a report): the task must be one of that official's plans of that month
// (else evaluation.ErrStale). The assessment's version moves on, so a card
// showing the old tasks is stale. It returns the assessment as it is now.
// Refusals: evaluation.ErrNotFound, access.ErrForbidden (not a reviewer of
// that official), evaluation.ErrLocked (approved already, or the month
// published), evaluation.ErrStale (not submitted), and evaluation.MarkTask's.
// notify, when not nil, is told of a mark that changed the task (db must then
// be a pgx.Tx): the owner's cards in chat that show the task follow, as after
// the owner's own mark (plans.TaskNotifier).
func MarkTask(ctx context.Context, db store.DB, actorID, assessmentID, taskID int64, status grading.TaskStatus, day calendar.Date, notify plans.TaskNotifier) (evaluation.Assessment, error) {
	as, err := reviewing(ctx, db, actorID, assessmentID, day)
	if err != nil {
		return as, err
	}
	owner, month, _, err := taskOf(ctx, db, taskID)
	if errors.Is(err, pgx.ErrNoRows) || err == nil && (owner != as.OfficialID || month != as.Month) {
		return as, evaluation.ErrStale
	}
	if err != nil {
		return as, err
	}
	p, err := planOf(ctx, db, taskID)
	if err != nil {
		return as, err
	}
	task, err := evaluation.MarkTask(ctx, db, taskID, string(status), &actorID)
	if err != nil {
		return as, err
	}
	if i := slices.IndexFunc(p.Tasks, func(t evaluation.Task) bool { return t.ID == taskID }); i < 0 ||
		p.Tasks[i].Status != task.Status || p.Tasks[i].Delays != task.Delays {
		if err := plans.NotifyTask(ctx, db, notify, p, true); err != nil {
			return as, err
		}
	}
	return Renew(ctx, db, as.ID)
}

// planOf is the plan that holds task taskID, as it stands.
func planOf(ctx context.Context, db store.DB, taskID int64) (evaluation.Plan, error) {
	var planID int64
	if err := db.QueryRow(ctx, `SELECT plan_id FROM tasks WHERE id = $1`, taskID).Scan(&planID); err != nil {
		return evaluation.Plan{}, err
	}
	return evaluation.LoadPlan(ctx, db, planID)
}
