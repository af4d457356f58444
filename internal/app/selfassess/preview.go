package selfassess

import (
	"context"
	"errors"
	"maps"

	"evalbot/internal/app/access"
	"evalbot/internal/app/grades"
	"evalbot/internal/calendar"
	"evalbot/internal/evaluation"
	"evalbot/internal/grading"
	"evalbot/internal/roster"
	"evalbot/internal/store"
)

// ErrOutOfRange: a chosen point is outside its criterion's range (0 … its
// maximum) or the bonus outside 0 … the framework's BonusMax.
var ErrOutOfRange = errors.New("selfassess: points out of range")

// Preview is the provisional result (grades.Card of the self-assessed
// copy) official actorID's assessment assessmentID would have with choice
// applied — what «Tính lại» would show — computed without writing anything:
// the page recomputes it as the official chooses. GradeErr is set, as on
// Page, when the grade cannot be computed yet. Refusals: access.ErrForbidden
// (not theirs, or no such assessment), ErrOutOfRange.
func Preview(ctx context.Context, db store.DB, cal *calendar.Calendar, fws grades.Frameworks, actorID, assessmentID int64, choice Choice) (Page, error) {
	as, err := evaluation.LoadAssessment(ctx, db, assessmentID)
	if errors.Is(err, evaluation.ErrNotFound) || err == nil && as.OfficialID != actorID {
		return Page{}, access.ErrForbidden
	}
	if err != nil {
		return Page{}, err
	}
	fw, err := fws(as.FrameworkID)
	if err != nil {
		return Page{}, err
	}
	criteria := maps.Clone(as.SelfCriteria)
	if criteria == nil {
		criteria = map[string]grading.Points{}
	}
	for _, c := range fw.General {
		p, ok := choice.Criteria[c.ID]
		if !ok {
			continue
		}
		if p < 0 || p > c.Max {
			return Page{}, ErrOutOfRange
		}
		criteria[c.ID] = p
	}
	if choice.Bonus < 0 || choice.Bonus > fw.BonusMax {
		return Page{}, ErrOutOfRange
	}
	as.SelfCriteria, as.SelfBonus = criteria, choice.Bonus
	o, err := roster.OfficialByID(ctx, db, actorID)
	if err != nil {
		return Page{}, err
	}
	return page(ctx, db, cal, fws, o, as)
}
