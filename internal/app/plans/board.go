package plans

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/app/access"
	"evalbot/internal/calendar"
	"evalbot/internal/evaluation"
	"evalbot/internal/grading"
	"evalbot/internal/roster"
	"evalbot/internal/store"
)

// The plans a head (or the head's deputy, during the delegation) appraises
// (thẩm định kế hoạch) on the review board: the plans waiting of the people
// they review, weighing the free-text tasks, approving a selection in one
// transaction, returning one with a reason. The chat's buttons and the
// board call the same use cases; Notifier tells the chat what the board did.

// WaitingPlan is a submitted plan on a reviewer's board: the plan without
// its tasks, its owner, how many tasks it has (FreeText of them outside the
// catalogue, which the reviewer may weigh) and their weight in standard
// units (hundredths).
type WaitingPlan struct {
	Plan            evaluation.Plan
	Owner           roster.Official
	Tasks, FreeText int
	Weight          grading.Points
}

// Waiting lists the submitted plans (week and month) of the people reviewer
// actorID reviews on day (access.Reviewees: their own subordinates, and a
// delegating head's only during the delegation), in the roster's order, a
// person's by period. access.ErrForbidden when the actor reviews nobody.
func Waiting(ctx context.Context, db store.DB, actorID int64, day calendar.Date) ([]WaitingPlan, error) {
	people, err := access.Reviewees(ctx, db, actorID, day)
	if err != nil {
		return nil, err
	}
	if len(people) == 0 {
		return nil, access.ErrForbidden
	}
	ids := make([]int64, len(people))
	for i, o := range people {
		ids[i] = o.ID
	}
	rows, err := db.Query(ctx, `SELECT p.id, p.official_id, p.kind, p.period_start, p.month, p.status, p.version,
			count(t.id), count(t.id) FILTER (WHERE t.catalogue_item_id IS NULL), coalesce(sum(t.weight), 0)
		FROM plans p LEFT JOIN tasks t ON t.plan_id = p.id
		WHERE p.official_id = ANY($1) AND p.status = $2
		GROUP BY p.id ORDER BY p.period_start, p.kind DESC, p.id`, ids, evaluation.StatusSubmitted)
	if err != nil {
		return nil, err
	}
	byOwner := map[int64][]WaitingPlan{}
	for rows.Next() {
		var w WaitingPlan
		var start, month time.Time
		var weight int64
		if err := rows.Scan(&w.Plan.ID, &w.Plan.OfficialID, &w.Plan.Kind, &start, &month, &w.Plan.Status, &w.Plan.Version,
			&w.Tasks, &w.FreeText, &weight); err != nil {
			rows.Close()
			return nil, err
		}
		w.Plan.PeriodStart = calendar.Date{Year: start.Year(), Month: start.Month(), Day: start.Day()}
		w.Plan.Month = calendar.Month{Year: month.Year(), Month: month.Month()}
		w.Weight = grading.Points(weight)
		byOwner[w.Plan.OfficialID] = append(byOwner[w.Plan.OfficialID], w)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []WaitingPlan
	for _, o := range people {
		for _, w := range byOwner[o.ID] {
			w.Owner = o
			out = append(out, w)
		}
	}
	return out, nil
}

// Reviewed loads plan planID (with its tasks) and its owner for reviewer
// actorID on day, in any state: evaluation.ErrNotFound when there is none,
// access.ErrForbidden when the actor does not review the owner that day.
func Reviewed(ctx context.Context, db store.DB, actorID, planID int64, day calendar.Date) (evaluation.Plan, roster.Official, error) {
	p, err := evaluation.LoadPlan(ctx, db, planID)
	if err != nil {
		return p, roster.Official{}, err
	}
	if ok, err := access.CanReview(ctx, db, actorID, p.OfficialID, day); err != nil || !ok {
		if err == nil {
			err = access.ErrForbidden
		}
		return evaluation.Plan{}, roster.Official{}, err
	}
	owner, err := roster.OfficialByID(ctx, db, p.OfficialID)
	return p, owner, err
}

// Notifier makes the chat show what a plan's appraisal decided on another
// face (the review board), in the decision's transaction: telegram.App
// edits the head's plan card and tells the owner, as the chat's own buttons do.
type Notifier interface {
	// PlanApproved: p was approved by actorID.
	PlanApproved(ctx context.Context, tx pgx.Tx, actorID int64, p evaluation.Plan, owner roster.Official) error
	// PlanReturned: p went back to owner with reason.
	PlanReturned(ctx context.Context, tx pgx.Tx, actorID int64, p evaluation.Plan, owner roster.Official, reason string) error
	// PlanWeighed: tasks of p were weighed; its cards show the new weights,
	// with buttons of the new version.
	PlanWeighed(ctx context.Context, tx pgx.Tx, actorID int64, p evaluation.Plan, owner roster.Official) error
}

// Pick is a plan a reviewer selected, at the version they saw.
type Pick struct {
	PlanID  int64
	Version int
}

// Approved is a plan ApproveMany approved, with its owner.
type Approved struct {
	Plan  evaluation.Plan
	Owner roster.Official
	// Already: this reviewer approved it from that version before (the
	// confirmation pressed twice); nothing was done or told now.
	Already bool
}

// Refusal is a pick ApproveMany left, and why: evaluation.ErrStale (decided
// or changed meanwhile, or gone) or access.ErrForbidden (not the actor's to
// review). Name is the owner's ("" when the plan is gone or not theirs).
type Refusal struct {
	Pick
	Name string
	Err  error
}

// ApproveMany approves, for reviewer actorID on day, the picked submitted
// plans, in tx: one transaction for the whole selection. The plans the
// actor may review are locked first, all at once in id order, so two
// selections over the same plans never wait on each other crosswise; then
// each goes through Approve
// (the reviewer authorized from the database — a deputy only during the
// delegation — and the version checked). A refused pick changes nothing and
// leaves the others. notify, when not nil, is told of each approval. It
// returns the approvals and the refusals, in the picks' order.
func ApproveMany(ctx context.Context, tx pgx.Tx, actorID int64, picks []Pick, day calendar.Date, notify Notifier) ([]Approved, []Refusal, error) {
	// Only the plans of people this reviewer may review are locked: a
	// forged pick of another person's plan (refused below) holds no row
	// another reviewer or its owner is waiting for.
	var ids []int64
	for _, pk := range picks {
		p, err := evaluation.LoadPlan(ctx, tx, pk.PlanID)
		if errors.Is(err, evaluation.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		ok, err := access.CanReview(ctx, tx, actorID, p.OfficialID, day)
		if err != nil {
			return nil, nil, err
		}
		if ok {
			ids = append(ids, pk.PlanID)
		}
	}
	if _, err := tx.Exec(ctx, `SELECT id FROM plans WHERE id = ANY($1) ORDER BY id FOR UPDATE`, ids); err != nil {
		return nil, nil, err
	}
	var done []Approved
	var refused []Refusal
	for _, pk := range picks {
		p, owner, err := Approve(ctx, tx, actorID, pk.PlanID, pk.Version, day)
		switch {
		case err == nil:
			if notify != nil {
				if err := notify.PlanApproved(ctx, tx, actorID, p, owner); err != nil {
					return nil, nil, err
				}
			}
			done = append(done, Approved{Plan: p, Owner: owner})
			continue
		case errors.Is(err, evaluation.ErrAlready):
			a := Approved{Already: true}
			if a.Plan, err = evaluation.LoadPlan(ctx, tx, pk.PlanID); err != nil {
				return nil, nil, err
			}
			if a.Owner, err = roster.OfficialByID(ctx, tx, a.Plan.OfficialID); err != nil {
				return nil, nil, err
			}
			done = append(done, a)
			continue
		case errors.Is(err, evaluation.ErrNotFound):
			err = evaluation.ErrStale
		case errors.Is(err, evaluation.ErrStale), errors.Is(err, access.ErrForbidden):
		default:
			return nil, nil, err
		}
		name := owner.FullName
		if errors.Is(err, evaluation.ErrStale) && name == "" {
			// Refused on its version, after the reviewer was authorized: the
			// reviewer may read whose plan it is.
			if pl, err := evaluation.LoadPlan(ctx, tx, pk.PlanID); err == nil {
				if o, err := roster.OfficialByID(ctx, tx, pl.OfficialID); err == nil {
					name = o.FullName
				}
			}
		}
		if errors.Is(err, access.ErrForbidden) {
			name = "" // never reveal whose a forged pick is
		}
		refused = append(refused, Refusal{Pick: pk, Name: name, Err: err})
	}
	return done, refused, nil
}

// Weigh sets, for reviewer actorID on day, the weights (trọng số, standard
// units in hundredths, evaluation.MinTaskWeight … MaxTaskWeight) of free-text
// tasks of submitted plan planID at version — weights maps a task id of the
// plan to its weight; the tasks whose weight does not change are left — and
// returns the plan as it now stands, with its owner. Each change goes
// through evaluation.WeighTask (audited; the plan's version moves on), as
// the chat's typed weights do (WeighTyped). Refusals, before any change:
// access.ErrForbidden, evaluation.ErrStale (not submitted at version, or a
// task not of the plan), evaluation.ErrCatalogueWeight, evaluation.ErrBadWeight.
func Weigh(ctx context.Context, db store.DB, actorID, planID int64, version int, weights map[int64]grading.Points, day calendar.Date) (evaluation.Plan, roster.Official, error) {
	if _, err := db.Exec(ctx, `SELECT id FROM plans WHERE id = $1 FOR UPDATE`, planID); err != nil {
		return evaluation.Plan{}, roster.Official{}, err
	}
	p, owner, err := Submitted(ctx, db, actorID, planID, version, day)
	if errors.Is(err, evaluation.ErrNotFound) {
		err = evaluation.ErrStale
	}
	if err != nil {
		return p, owner, err
	}
	var changes []evaluation.Task
	for id, w := range weights {
		i := slices.IndexFunc(p.Tasks, func(t evaluation.Task) bool { return t.ID == id })
		switch {
		case i < 0:
			return p, owner, evaluation.ErrStale
		case p.Tasks[i].Weight == w:
		case p.Tasks[i].ItemCode != "":
			return p, owner, evaluation.ErrCatalogueWeight
		case w < evaluation.MinTaskWeight || w > evaluation.MaxTaskWeight:
			return p, owner, evaluation.ErrBadWeight
		default:
			changes = append(changes, evaluation.Task{ID: id, Position: p.Tasks[i].Position, Weight: w})
		}
	}
	slices.SortFunc(changes, func(a, b evaluation.Task) int { return a.Position - b.Position })
	for _, c := range changes {
		if _, err := evaluation.WeighTask(ctx, db, actorID, c.ID, c.Weight, day); err != nil {
			if errors.Is(err, evaluation.ErrNotReviewer) {
				err = access.ErrForbidden
			}
			return p, owner, err
		}
	}
	if len(changes) == 0 {
		return p, owner, nil
	}
	p, err = evaluation.LoadPlan(ctx, db, planID)
	return p, owner, err
}

// WeighTyped applies a reviewer's typed weights to submitted plan planID at
// version, one line per task («2 x1,5»), as the chat's «Trọng số» asks for
// them (evaluation.WeighPlan: every line checked first, then each weight set
// through evaluation.WeighTask). Refusals as evaluation.WeighPlan's, with
// evaluation.ErrNotReviewer as access.ErrForbidden.
func WeighTyped(ctx context.Context, db store.DB, actorID, planID int64, version int, text string, day calendar.Date) (evaluation.Plan, []evaluation.LineError, error) {
	p, errs, err := evaluation.WeighPlan(ctx, db, actorID, planID, version, text, day)
	if errors.Is(err, evaluation.ErrNotReviewer) {
		err = access.ErrForbidden
	}
	return p, errs, err
}
