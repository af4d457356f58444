package grades

import (
	"context"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/evaluation"
	"evalbot/internal/grading"
	"evalbot/internal/roster"
	"evalbot/internal/store"
)

// MonthCard is one month of an official's history as their grade card shows
// it (phiếu kết quả đánh giá, xếp loại tháng): the approved assessment with
// its stored result (grading.Result and its Breakdown), the framework it was
// graded under, whether the unit published the month (the grade is then
// final and the grade-A quota settled), what the head changed, and who
// approved it (and for whom, under a delegation).
type MonthCard struct {
	Assessment evaluation.Assessment
	Framework  *grading.Framework
	Published  bool
	Changes    evaluation.HeadChanges
	Reviewer   *roster.Official
	OnBehalfOf *roster.Official
}

// HistoryMonths bounds the history read: two years of months.
const HistoryMonths = 24

// History is official actorID's own approved months, newest first, at most
// HistoryMonths (the official's pages: only their own).
func History(ctx context.Context, db store.DB, fws Frameworks, actorID int64) ([]MonthCard, error) {
	rows, err := db.Query(ctx, `SELECT id FROM assessments WHERE official_id = $1 AND status = 'approved' AND result IS NOT NULL
		ORDER BY month DESC LIMIT $2`, actorID, HistoryMonths)
	if err != nil {
		return nil, err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, err
	}
	out := make([]MonthCard, 0, len(ids))
	for _, id := range ids {
		as, published, err := evaluation.LoadAssessmentPublished(ctx, db, id)
		if err != nil {
			return nil, err
		}
		fw, err := fws(as.FrameworkID)
		if err != nil {
			return nil, err
		}
		c := MonthCard{Assessment: as, Framework: fw, Published: published}
		if c.Changes, err = evaluation.Changes(ctx, db, as); err != nil {
			return nil, err
		}
		if as.ReviewerID != nil {
			o, err := roster.OfficialByID(ctx, db, *as.ReviewerID)
			if err != nil {
				return nil, err
			}
			c.Reviewer = &o
		}
		if as.OnBehalfOf != nil {
			o, err := roster.OfficialByID(ctx, db, *as.OnBehalfOf)
			if err != nil {
				return nil, err
			}
			c.OnBehalfOf = &o
		}
		out = append(out, c)
	}
	return out, nil
}
