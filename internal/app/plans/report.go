package plans

import (
	"context"

	"evalbot/internal/calendar"
	"evalbot/internal/evaluation"
	"evalbot/internal/store"
)

// WeekReport is the Friday report of official actorID on today (báo cáo
// kết quả tuần), as the chat's /report shows it: the approved plan of
// today's week and, per task id, its evidence items. evaluation.ErrNotFound
// when the week has no approved plan.
func WeekReport(ctx context.Context, db store.DB, actorID int64, today calendar.Date) (evaluation.Plan, map[int64][]evaluation.Evidence, error) {
	p, err := evaluation.FindPlan(ctx, db, actorID, evaluation.KindWeek, calendar.WeekOf(today).Monday())
	if err != nil {
		return p, nil, err
	}
	if p.Status != evaluation.StatusApproved {
		return p, nil, evaluation.ErrNotFound
	}
	ids := make([]int64, len(p.Tasks))
	for i, t := range p.Tasks {
		ids[i] = t.ID
	}
	ev, err := evaluation.TaskEvidence(ctx, db, ids)
	return p, ev, err
}
