package plans

import (
	"context"

	"github.com/jackc/pgx/v5"

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

// WeekReportForUpdate is WeekReport for a save of the week's report: the
// plan's row is locked first, in the caller's transaction, so that two saves
// at once are decided one after the other and the later one reads the
// tasks as the earlier left them («trễ hạn» saved twice at once set a task
// late twice: each read it not late yet).
func WeekReportForUpdate(ctx context.Context, tx pgx.Tx, actorID int64, today calendar.Date) (evaluation.Plan, map[int64][]evaluation.Evidence, error) {
	if _, err := tx.Exec(ctx, `SELECT 1 FROM plans WHERE official_id = $1 AND kind = $2 AND period_start = $3 FOR UPDATE`,
		actorID, evaluation.KindWeek, calendar.WeekOf(today).Monday().Time(0, 0)); err != nil {
		return evaluation.Plan{}, nil, err
	}
	return WeekReport(ctx, tx, actorID, today)
}
