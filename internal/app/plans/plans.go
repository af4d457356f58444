// Package plans holds the use cases of work plans (kế hoạch công tác tuần /
// tháng): the owner submits or cancels a draft and reports on their tasks
// (done on time, late, not done); their head, or the head's deputy, approves
// or returns a submitted plan. Each runs inside the caller's transaction and
// authorizes from the database: only the plan's owner, only while the month
// is open to them; only a reviewer of the owner (access.ReviewRight).
package plans

import (
	"context"
	"errors"
	"slices"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/app/access"
	"evalbot/internal/calendar"
	"evalbot/internal/evaluation"
	"evalbot/internal/grading"
	"evalbot/internal/roster"
	"evalbot/internal/store"
)

// MarkOwnTask sets the status of task taskID for its owner actorID, and
// returns the task and its plan (read before the mark). Refusals:
// evaluation.ErrStale when the task does not exist, access.ErrForbidden when
// it is someone else's, evaluation.ErrLocked when its month is no longer open
// to the owner — the self-assessment was submitted, the unit published the
// month, or the month is before openFrom (the month under review,
// calendar.MonthUnderReview); and evaluation.MarkTask's own refusals.
// notify, when not nil, is told of a mark that changed the task (db must
// then be a pgx.Tx): the cards in chat that show the task follow.
func MarkOwnTask(ctx context.Context, db store.DB, actorID, taskID int64, status grading.TaskStatus, openFrom calendar.Month, notify TaskNotifier) (evaluation.Task, evaluation.Plan, error) {
	p, err := OwnOpenTask(ctx, db, actorID, taskID, openFrom)
	if err != nil {
		return evaluation.Task{}, p, err
	}
	task, err := evaluation.MarkTask(ctx, db, taskID, string(status), &actorID)
	if err != nil || notify == nil {
		return task, p, err
	}
	if i := slices.IndexFunc(p.Tasks, func(t evaluation.Task) bool { return t.ID == taskID }); i >= 0 &&
		p.Tasks[i].Status == task.Status && p.Tasks[i].Delays == task.Delays {
		return task, p, nil // the same mark again: no card changes
	}
	return task, p, NotifyTask(ctx, db, notify, p, true)
}

// TaskNotifier makes the chat show a change the owner made to a task of
// theirs (its mark, its evidence) on any face — the page /me/report, the
// chat's buttons, the one-page self-assessment — in the change's
// transaction: telegram.App edits the cards in chat that show the task (the
// week's report cards, báo cáo kết quả tuần, and for a mark the month's
// self-assessment cards), so that a card and the page never disagree.
type TaskNotifier interface {
	// TaskMarked: a task of plan p (as read before the change) got a new mark.
	TaskMarked(ctx context.Context, tx pgx.Tx, p evaluation.Plan) error
	// EvidenceChanged: a task of plan p got or lost an evidence item.
	EvidenceChanged(ctx context.Context, tx pgx.Tx, p evaluation.Plan) error
}

// errNotifyOutsideTx: a notifier was given to a use case run outside a
// transaction (the cards' edits are queued in the change's transaction).
var errNotifyOutsideTx = errors.New("plans: a notifier needs the change's transaction")

// NotifyTask tells notify, when not nil, that a task of p changed: its
// mark when marked, else its evidence. db must be a pgx.Tx then.
func NotifyTask(ctx context.Context, db store.DB, notify TaskNotifier, p evaluation.Plan, marked bool) error {
	if notify == nil {
		return nil
	}
	tx, ok := db.(pgx.Tx)
	if !ok {
		return errNotifyOutsideTx
	}
	if marked {
		return notify.TaskMarked(ctx, tx, p)
	}
	return notify.EvidenceChanged(ctx, tx, p)
}

// TaskChanges is a TaskNotifier for a use case that changes several tasks
// in one transaction (a report saved with several marks and numbers): it
// collects what changed, per plan, and Flush tells Notify once per plan, so
// each card in chat is edited once.
type TaskChanges struct {
	Notify TaskNotifier
	order  []int64
	plans  map[int64]evaluation.Plan
	marked map[int64]bool
}

var _ TaskNotifier = (*TaskChanges)(nil)

func (c *TaskChanges) add(p evaluation.Plan, marked bool) {
	if c.plans == nil {
		c.plans, c.marked = map[int64]evaluation.Plan{}, map[int64]bool{}
	}
	if _, ok := c.plans[p.ID]; !ok {
		c.order = append(c.order, p.ID)
		c.plans[p.ID] = p
	}
	c.marked[p.ID] = c.marked[p.ID] || marked
}

// TaskMarked implements TaskNotifier: noted for Flush.
func (c *TaskChanges) TaskMarked(_ context.Context, _ pgx.Tx, p evaluation.Plan) error {
	c.add(p, true)
	return nil
}

// EvidenceChanged implements TaskNotifier: noted for Flush.
func (c *TaskChanges) EvidenceChanged(_ context.Context, _ pgx.Tx, p evaluation.Plan) error {
	c.add(p, false)
	return nil
}

// Changed reports whether a task changed since the last Flush (a save
// with nothing new says so rather than «saved»).
func (c *TaskChanges) Changed() bool { return len(c.order) > 0 }

// Flush tells Notify (when not nil) of each plan changed, once, in the
// order first changed: TaskMarked when any of its tasks got a mark, else
// EvidenceChanged; then forgets them.
func (c *TaskChanges) Flush(ctx context.Context, tx pgx.Tx) error {
	order, ps, marked := c.order, c.plans, c.marked
	c.order, c.plans, c.marked = nil, nil, nil
	if c.Notify == nil {
		return nil
	}
	for _, id := range order {
		if err := NotifyTask(ctx, tx, c.Notify, ps[id], marked[id]); err != nil {
			return err
		}
	}
	return nil
}

// OwnOpenTask is the plan holding task taskID when actorID owns the task and
// its month is still open to them — what the owner may still change on a
// task (its mark, its evidence). Refusals: evaluation.ErrStale when the task
// does not exist, access.ErrForbidden when it is someone else's,
// evaluation.ErrLocked when its month is no longer open to the owner: the
// self-assessment was submitted, the unit published the month, or the month
// is before openFrom (the month under review, calendar.MonthUnderReview).
func OwnOpenTask(ctx context.Context, db store.DB, actorID, taskID int64, openFrom calendar.Month) (evaluation.Plan, error) {
	planID, owner, err := TaskPlan(ctx, db, taskID)
	if err != nil {
		return evaluation.Plan{}, evaluation.ErrStale
	}
	if owner != actorID {
		return evaluation.Plan{}, access.ErrForbidden
	}
	p, err := evaluation.LoadPlan(ctx, db, planID)
	if err != nil {
		return p, err
	}
	if as, err := evaluation.FindAssessment(ctx, db, owner, p.Month); err == nil && !as.Editable() {
		return p, evaluation.ErrLocked
	}
	// Only a month still open to the official: not one before the month under
	// review, nor one their unit has published (with or without an assessment).
	published, err := evaluation.Published(ctx, db, owner, p.Month)
	if err != nil {
		return p, err
	}
	if published || p.Month.Before(openFrom) {
		return p, evaluation.ErrLocked
	}
	return p, nil
}

// TaskPlan is the plan holding task taskID and the plan's owner (an
// official's id); pgx.ErrNoRows when there is no such task.
func TaskPlan(ctx context.Context, db store.DB, taskID int64) (planID, ownerID int64, err error) {
	err = db.QueryRow(ctx, `SELECT p.id, p.official_id FROM tasks t JOIN plans p ON p.id = t.plan_id WHERE t.id = $1`, taskID).Scan(&planID, &ownerID)
	return planID, ownerID, err
}

// OwnPlan loads plan planID for its owner actorID; evaluation.ErrStale when
// there is no such plan or it is someone else's (a button of another
// person's message never reveals whether the plan exists).
func OwnPlan(ctx context.Context, db store.DB, actorID, planID int64) (evaluation.Plan, error) {
	p, err := evaluation.LoadPlan(ctx, db, planID)
	if err != nil || p.OfficialID != actorID {
		return evaluation.Plan{}, evaluation.ErrStale
	}
	return p, nil
}

// Owned loads plan planID for its owner actorID: evaluation.ErrNotFound
// when there is none, access.ErrForbidden when it is someone else's.
func Owned(ctx context.Context, db store.DB, actorID, planID int64) (evaluation.Plan, error) {
	p, err := evaluation.LoadPlan(ctx, db, planID)
	if err != nil {
		return p, err
	}
	if p.OfficialID != actorID {
		return evaluation.Plan{}, access.ErrForbidden
	}
	return p, nil
}

// Draft is Owned that also requires the plan to be a draft at version
// (evaluation.ErrStale otherwise): what the owner may still edit, submit or cancel.
func Draft(ctx context.Context, db store.DB, actorID, planID int64, version int) (evaluation.Plan, error) {
	p, err := Owned(ctx, db, actorID, planID)
	if err != nil {
		return p, err
	}
	if p.Version != version || p.Status != evaluation.StatusDraft {
		return p, evaluation.ErrStale
	}
	return p, nil
}

// Cancel drops the owner's draft (Draft's checks first).
func Cancel(ctx context.Context, db store.DB, actorID, planID int64, version int) error {
	if _, err := Draft(ctx, db, actorID, planID, version); err != nil {
		return err
	}
	return evaluation.CancelDraft(ctx, db, planID, version)
}

// Submit sends the owner's draft (Draft's checks first) to their head, who
// reviews it (roster.HeadOf); a plan of someone without a head is approved
// at once (evaluation.SubmitPlan). head is nil in that case.
func Submit(ctx context.Context, db store.DB, actorID, planID int64, version int) (evaluation.Plan, *roster.Official, error) {
	if _, err := Draft(ctx, db, actorID, planID, version); err != nil {
		return evaluation.Plan{}, nil, err
	}
	head, hasHead, err := roster.HeadOf(ctx, db, actorID)
	if err != nil {
		return evaluation.Plan{}, nil, err
	}
	var reviewer *int64
	if hasHead {
		reviewer = &head.ID
	}
	p, err := evaluation.SubmitPlan(ctx, db, planID, version, reviewer)
	if err != nil || !hasHead {
		return p, nil, err
	}
	return p, &head, nil
}

// Submitted loads plan planID for its reviewer actorID on day, with its
// owner: access.ErrForbidden when the actor does not review the owner,
// evaluation.ErrStale when the plan is not submitted at version.
func Submitted(ctx context.Context, db store.DB, actorID, planID int64, version int, day calendar.Date) (evaluation.Plan, roster.Official, error) {
	p, err := evaluation.LoadPlan(ctx, db, planID)
	if err != nil {
		return p, roster.Official{}, err
	}
	if ok, err := access.CanReview(ctx, db, actorID, p.OfficialID, day); err != nil || !ok {
		if err == nil {
			err = access.ErrForbidden
		}
		return p, roster.Official{}, err
	}
	if p.Version != version || p.Status != evaluation.StatusSubmitted {
		return p, roster.Official{}, evaluation.ErrStale
	}
	owner, err := roster.OfficialByID(ctx, db, p.OfficialID)
	return p, owner, err
}

// Approve approves a submitted plan for its reviewer actorID on day
// (Submitted's checks first), and returns it with its owner;
// evaluation.ErrAlready when this reviewer approved it from version already.
func Approve(ctx context.Context, db store.DB, actorID, planID int64, version int, day calendar.Date) (evaluation.Plan, roster.Official, error) {
	_, owner, err := Submitted(ctx, db, actorID, planID, version, day)
	if errors.Is(err, evaluation.ErrStale) {
		// Approved by this reviewer from this version: a double tap.
		if same, aerr := evaluation.PlanDecidedBy(ctx, db, planID, version, actorID, true, ""); aerr != nil {
			err = aerr
		} else if same {
			err = evaluation.ErrAlready
		}
	}
	if err != nil {
		return evaluation.Plan{}, owner, err
	}
	p, err := evaluation.DecidePlan(ctx, db, planID, version, actorID, true, "")
	return p, owner, err
}

// Return sends a submitted plan back to its owner with reason (already
// cleaned), for its reviewer actorID on day: access.ErrForbidden when the
// actor does not review the owner, evaluation.ErrStale (or ErrNotFound) when
// the plan moved on from version. It returns the plan and its owner.
func Return(ctx context.Context, db store.DB, actorID, planID int64, version int, reason string, day calendar.Date) (evaluation.Plan, roster.Official, error) {
	p, err := evaluation.LoadPlan(ctx, db, planID)
	if err != nil {
		return p, roster.Official{}, err
	}
	if ok, err := access.CanReview(ctx, db, actorID, p.OfficialID, day); err != nil || !ok {
		if err == nil {
			err = access.ErrForbidden
		}
		return p, roster.Official{}, err
	}
	p, err = evaluation.DecidePlan(ctx, db, planID, version, actorID, false, reason)
	if err != nil {
		return p, roster.Official{}, err
	}
	owner, err := roster.OfficialByID(ctx, db, p.OfficialID)
	return p, owner, err
}
