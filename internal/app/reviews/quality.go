package reviews

import (
	"context"

	"evalbot/internal/calendar"
	"evalbot/internal/evaluation"
	"evalbot/internal/grading"
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
