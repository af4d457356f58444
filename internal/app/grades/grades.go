// Package grades computes an assessment's points and grade as a card shows
// them, from the database: the official's own copy (self-assessment) or the
// head's (review), with the month's tasks, absences and — for a head — their
// staff's grades (evaluation.CardInput, grading.Framework.Grade). It reads
// only; the use cases that decide (reviews.Approve) and the faces call it.
package grades

import (
	"context"

	"evalbot/internal/calendar"
	"evalbot/internal/evaluation"
	"evalbot/internal/grading"
	"evalbot/internal/roster"
	"evalbot/internal/store"
)

// Subject tells the grading input whether o is graded as a head
// (grading.RoleHead, with whom o leads) or as staff.
func Subject(ctx context.Context, db store.DB, o roster.Official) (evaluation.Subject, error) {
	if !o.IsHead {
		return evaluation.Subject{Role: grading.RoleStaff}, nil
	}
	ids, err := roster.SubordinateIDs(ctx, db, o.ID)
	if err != nil {
		return evaluation.Subject{}, err
	}
	return evaluation.Subject{Role: grading.RoleHead, SubordinateIDs: ids}, nil
}

// Card grades assessment as of official o under framework fw (the
// assessment's), the head's copy when review is set, and returns the
// month's tasks (evaluation.MonthTasks) read with the input; they are nil
// only when err is not a *grading.InputError.
func Card(ctx context.Context, db store.DB, cal *calendar.Calendar, fw *grading.Framework, o roster.Official, as evaluation.Assessment, review bool) (grading.Result, []evaluation.Task, error) {
	s, err := Subject(ctx, db, o)
	if err != nil {
		return grading.Result{}, nil, err
	}
	in, tasks, err := evaluation.CardInput(ctx, db, as, review, cal, s)
	if err != nil {
		return grading.Result{}, nil, err
	}
	r, err := fw.Grade(in)
	return r, tasks, err
}

// StaffWaiting is how many of head o's staff have no final result of month
// m yet (evaluation.NotFinal); 0 for someone who is no head. A head is
// approved only after all their staff (the head's grade depends on theirs).
func StaffWaiting(ctx context.Context, db store.DB, o roster.Official, m calendar.Month) (int, error) {
	if !o.IsHead {
		return 0, nil
	}
	s, err := Subject(ctx, db, o)
	if err != nil {
		return 0, err
	}
	return evaluation.NotFinal(ctx, db, s.SubordinateIDs, m)
}

// Frameworks finds an evaluation framework by id (a preset or a loaded
// one; the faces keep them cached).
type Frameworks func(id string) (*grading.Framework, error)
