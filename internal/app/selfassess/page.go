package selfassess

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/app/grades"
	"evalbot/internal/calendar"
	"evalbot/internal/evaluation"
	"evalbot/internal/grading"
	"evalbot/internal/roster"
	"evalbot/internal/store"
)

// Page is an official's self-assessment of a month on one page (the web
// face): the assessment, the framework, the provisional result of the
// self-assessed points (Result, or GradeErr when it cannot be computed yet:
// a *grading.InputError), and whether it may still change.
type Page struct {
	Assessment evaluation.Assessment
	Official   roster.Official
	Framework  *grading.Framework
	Result     grading.Result
	GradeErr   error
	Editable   bool
}

// OpenPage opens official actorID's self-assessment of month m at now (a
// draft with every criterion at its maximum when there is none yet, as the
// chat's prompt does) with its provisional result.
func OpenPage(ctx context.Context, db store.DB, cal *calendar.Calendar, fws grades.Frameworks, actorID int64, m calendar.Month) (Page, error) {
	o, err := roster.OfficialByID(ctx, db, actorID)
	if err != nil {
		return Page{}, err
	}
	u, err := roster.UnitByID(ctx, db, o.UnitID)
	if err != nil {
		return Page{}, err
	}
	fw, err := fws(u.FrameworkID)
	if err != nil {
		return Page{}, err
	}
	as, err := evaluation.OpenAssessment(ctx, db, actorID, m, fw)
	if err != nil {
		return Page{}, err
	}
	return page(ctx, db, cal, fws, o, as)
}

func page(ctx context.Context, db store.DB, cal *calendar.Calendar, fws grades.Frameworks, o roster.Official, as evaluation.Assessment) (Page, error) {
	fw, err := fws(as.FrameworkID)
	if err != nil {
		return Page{}, err
	}
	published, err := evaluation.Published(ctx, db, o.ID, as.Month)
	if err != nil {
		return Page{}, err
	}
	p := Page{Assessment: as, Official: o, Framework: fw, Editable: Editable(o.ID, as, published) == nil}
	p.Result, _, err = grades.Card(ctx, db, cal, fw, o, as, false)
	if err != nil {
		if !errors.As(err, new(*grading.InputError)) {
			return p, err
		}
		p.GradeErr = err
	}
	return p, nil
}

// Choice is what the official chose on the page: points per criterion id
// and the bonus claimed with its reason (already cleaned; required when the
// bonus is above 0).
type Choice struct {
	Criteria map[string]grading.Points
	Bonus    grading.Points
	Reason   string
}

// Notifier makes the chat show what the official did on the page, in the
// same transaction: their self-assessment card in chat follows, and on
// submission the head gets the review card (telegram.App).
type Notifier interface {
	SelfChanged(ctx context.Context, tx pgx.Tx, as evaluation.Assessment, o roster.Official) error
	SelfSubmitted(ctx context.Context, tx pgx.Tx, as evaluation.Assessment, o, head roster.Official) error
}

// ErrNoReason: a bonus above 0 is claimed without its reason.
var ErrNoReason = errors.New("selfassess: a bonus needs its reason")

// sameChoice reports whether choice is what as holds: every criterion
// chosen, the bonus, and its reason when there is one.
func sameChoice(fw *grading.Framework, as evaluation.Assessment, choice Choice) bool {
	for _, c := range fw.General {
		if p, ok := choice.Criteria[c.ID]; ok && p != as.SelfCriteria[c.ID] {
			return false
		}
	}
	return choice.Bonus == as.SelfBonus && (choice.Bonus == 0 || choice.Reason == as.BonusReason)
}

// Save records choice on official actorID's assessment assessmentID at
// version (what the page showed), in tx: the criteria that differ, then the
// bonus and its reason when they differ; when submit is set it then sends
// it to the head (Submit). The same submission again (already sent, as
// chosen: a double tap) is no refusal: nothing is done or told again. It
// returns the page as it is now. Refusals:
// access.ErrForbidden, evaluation.ErrStale (changed meanwhile, in chat or
// another tab), evaluation.ErrLocked, a *grading.InputError, ErrNoReason,
// ErrNoReviewer.
func Save(ctx context.Context, tx pgx.Tx, cal *calendar.Calendar, fws grades.Frameworks, actorID, assessmentID int64, version int, choice Choice, submit bool, now time.Time, notify Notifier) (Page, error) {
	as, err := evaluation.LoadAssessment(ctx, tx, assessmentID)
	if err != nil {
		return Page{}, evaluation.ErrStale
	}
	published, err := evaluation.Published(ctx, tx, as.OfficialID, as.Month)
	if err != nil {
		return Page{}, err
	}
	if submit && as.OfficialID == actorID && as.Status == evaluation.AssessSubmitted && !published {
		// «Gửi» pressed twice (a double tap, a slow phone): the second
		// finds it sent as chosen, and reads as sent, not as refused.
		fw, err := fws(as.FrameworkID)
		if err != nil {
			return Page{}, err
		}
		if sameChoice(fw, as, choice) {
			o, err := roster.OfficialByID(ctx, tx, actorID)
			if err != nil {
				return Page{}, err
			}
			return page(ctx, tx, cal, fws, o, as)
		}
	}
	if err := Editable(actorID, as, published); err != nil {
		return Page{}, err
	}
	if as.Version != version {
		return Page{}, evaluation.ErrStale
	}
	fw, err := fws(as.FrameworkID)
	if err != nil {
		return Page{}, err
	}
	changed := false
	for _, c := range fw.General {
		p, ok := choice.Criteria[c.ID]
		if !ok || p == as.SelfCriteria[c.ID] {
			continue
		}
		if as, err = evaluation.SetSelfCriterion(ctx, tx, as.ID, fw, c.ID, p); err != nil {
			return Page{}, err
		}
		changed = true
	}
	if choice.Bonus != as.SelfBonus || (choice.Bonus > 0 && choice.Reason != as.BonusReason) {
		if choice.Bonus > 0 && choice.Reason == "" {
			return Page{}, ErrNoReason
		}
		if as, err = evaluation.SetSelfBonus(ctx, tx, as.ID, fw, choice.Bonus, choice.Reason); err != nil {
			return Page{}, err
		}
		changed = true
	}
	o, err := roster.OfficialByID(ctx, tx, actorID)
	if err != nil {
		return Page{}, err
	}
	if submit {
		if as, _, err = Submit(ctx, tx, cal, fws, actorID, as.ID, as.Version, now, notify); err != nil {
			return Page{}, err
		}
	} else if changed && notify != nil {
		if err := notify.SelfChanged(ctx, tx, as, o); err != nil {
			return Page{}, err
		}
	}
	return page(ctx, tx, cal, fws, o, as)
}
