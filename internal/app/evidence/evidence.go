// Package evidence holds the use cases of a task's evidence (minh chứng,
// issue 23): the task's owner adds a document number, a file or a photo to
// a task of theirs, or removes an item they added by mistake, while the
// task's month is open to them (as plans.MarkOwnTask); whoever may see the
// owner's records (access.CanSee: the owner, their heads, the organization
// department) opens an item. Each runs in the caller's transaction,
// authorizes from the database and writes the audit log; the storage is
// evaluation.AddEvidence / RemoveEvidence.
package evidence

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode"

	"evalbot/internal/app/access"
	"evalbot/internal/app/plans"
	"evalbot/internal/calendar"
	"evalbot/internal/evaluation"
	"evalbot/internal/roster"
	"evalbot/internal/store"
	"evalbot/internal/textnorm"
)

// ErrNoDigit: a document's number without a digit — «125/UBND-VP» has
// one, as every number and symbol of an administrative document does
// (Decree 30/2020/NĐ-CP); a sentence typed instead has none.
var ErrNoDigit = errors.New("evidence: a document number has no digit")

// Item is an evidence item with its task and the task's plan.
type Item struct {
	Evidence evaluation.Evidence
	// Repeated is true when Add found the same item already on the task
	// (evaluation.AddEvidence): nothing was changed.
	Repeated bool
	Task     evaluation.Task
	Plan     evaluation.Plan
}

// Target is task taskID for its owner actorID to add evidence to: the task
// and its plan. Refusals: plans.OwnOpenTask's (evaluation.ErrStale,
// access.ErrForbidden, evaluation.ErrLocked), and evaluation.ErrLocked when
// the plan is not approved (only an approved plan's tasks are reported on).
func Target(ctx context.Context, db store.DB, actorID, taskID int64, openFrom calendar.Month) (evaluation.Task, evaluation.Plan, error) {
	p, err := plans.OwnOpenTask(ctx, db, actorID, taskID, openFrom)
	if err != nil {
		return evaluation.Task{}, p, err
	}
	if p.Status != evaluation.StatusApproved {
		return evaluation.Task{}, p, evaluation.ErrLocked
	}
	for _, t := range p.Tasks {
		if t.ID == taskID {
			return t, p, nil
		}
	}
	return evaluation.Task{}, p, evaluation.ErrStale
}

// Add attaches e (Kind, and DocumentNumber or FileID, FileUniqueID,
// FileName) to task e.TaskID for its owner actorID; e.Source is
// evaluation.SourceChat or SourceWeb (the task systems add theirs through
// the API). The same item twice is recorded once (Item.Repeated). Refusals:
// Target's, and evaluation.AddEvidence's (ErrEvidenceEmpty,
// ErrEvidenceTooLong, ErrTooMuchEvidence), ErrNoDigit; access.ErrForbidden for another
// source. notify, when not nil, is told of an item added (db must then be a
// pgx.Tx): the cards in chat that show the task follow.
func Add(ctx context.Context, db store.DB, actorID int64, e evaluation.Evidence, openFrom calendar.Month, notify plans.TaskNotifier) (Item, error) {
	if e.Source != evaluation.SourceChat && e.Source != evaluation.SourceWeb {
		return Item{}, access.ErrForbidden
	}
	if n := textnorm.Clean(e.DocumentNumber); e.Kind == evaluation.EvidenceDocument && n != "" && !strings.ContainsFunc(n, unicode.IsDigit) {
		return Item{}, ErrNoDigit
	}
	task, p, err := Target(ctx, db, actorID, e.TaskID, openFrom)
	if err != nil {
		return Item{}, err
	}
	e.AddedBy, e.APIKeyID = &actorID, nil
	stored, repeated, err := evaluation.AddEvidence(ctx, db, e)
	if err != nil {
		return Item{}, err
	}
	out := Item{Evidence: stored, Repeated: repeated, Task: task, Plan: p}
	if repeated {
		return out, nil
	}
	if err := evaluation.Audit(ctx, db, evaluation.AuditEntry{Actor: &actorID, Subject: actorID, Entity: "task",
		EntityID: task.ID, Action: "evidence_add", After: auditOf(stored)}); err != nil {
		return out, err
	}
	return out, plans.NotifyTask(ctx, db, notify, p, false)
}

// Remove deletes evidence item id for the owner who added it, while the
// task's month is open to them (Target's checks). Refusals:
// evaluation.ErrStale when there is no such item (removed already: a second
// tap changes nothing), access.ErrForbidden when actorID did not add it (a
// task system's item, someone else's), and Target's. notify as Add's.
func Remove(ctx context.Context, db store.DB, actorID, id int64, openFrom calendar.Month, notify plans.TaskNotifier) (Item, error) {
	e, err := evaluation.LoadEvidence(ctx, db, id)
	if errors.Is(err, evaluation.ErrNotFound) {
		return Item{}, evaluation.ErrStale
	}
	if err != nil {
		return Item{}, err
	}
	if e.AddedBy == nil || *e.AddedBy != actorID || e.Source == evaluation.SourceAPI {
		return Item{}, access.ErrForbidden
	}
	task, p, err := Target(ctx, db, actorID, e.TaskID, openFrom)
	if err != nil {
		return Item{}, err
	}
	if _, err := evaluation.RemoveEvidence(ctx, db, id); errors.Is(err, evaluation.ErrNotFound) {
		return Item{}, evaluation.ErrStale
	} else if err != nil {
		return Item{}, err
	}
	if err := evaluation.Audit(ctx, db, evaluation.AuditEntry{Actor: &actorID,
		Subject: actorID, Entity: "task", EntityID: task.ID, Action: "evidence_remove", Before: auditOf(e)}); err != nil {
		return Item{}, err
	}
	return Item{Evidence: e, Task: task, Plan: p}, plans.NotifyTask(ctx, db, notify, p, false)
}

// Opened is an evidence item as Open returns it: the item, its task's
// title and the task's owner.
type Opened struct {
	Evidence evaluation.Evidence
	Title    string
	Owner    roster.Official
	// Repeated is true when actorID opened the item less than
	// OpenAgainAfter ago (a double tap): nothing is to be sent again.
	Repeated bool
}

// OpenAgainAfter is how soon the same person opening the same item again
// is taken for a double tap (Open).
const OpenAgainAfter = 10 * time.Second

// Open is evidence item id for actorID to look at on day (a head opening a
// photo from a review card): access.ErrForbidden unless access.CanSee
// allows actorID the task owner's records; evaluation.ErrStale when there
// is no such item (removed meanwhile). Each opening is audited (who looked
// at the owner's document: it shows in the owner's /history); the same
// person again within OpenAgainAfter is Opened.Repeated, not audited.
func Open(ctx context.Context, db store.DB, actorID, id int64, day calendar.Date) (Opened, error) {
	e, err := evaluation.LoadEvidence(ctx, db, id)
	if errors.Is(err, evaluation.ErrNotFound) {
		return Opened{}, evaluation.ErrStale
	}
	if err != nil {
		return Opened{}, err
	}
	_, ownerID, err := plans.TaskPlan(ctx, db, e.TaskID)
	if err != nil {
		return Opened{}, err
	}
	ok, err := access.CanSee(ctx, db, actorID, ownerID, day)
	if err != nil {
		return Opened{}, err
	}
	if !ok {
		return Opened{}, access.ErrForbidden
	}
	title, err := plans.TaskTitle(ctx, db, e.TaskID)
	if err != nil {
		return Opened{}, err
	}
	owner, err := roster.OfficialByID(ctx, db, ownerID)
	if err != nil {
		return Opened{}, err
	}
	out := Opened{Evidence: e, Title: title, Owner: owner}
	if err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM audit_log WHERE subject_id = $1 AND at > now() - $2::interval
		AND actor_id = $3 AND action = 'evidence_open' AND entity_id = $4 AND after->>'evidence' = $5)`,
		ownerID, OpenAgainAfter.String(), actorID, e.TaskID, strconv.FormatInt(e.ID, 10)).Scan(&out.Repeated); err != nil {
		return Opened{}, err
	}
	if out.Repeated {
		return out, nil
	}
	return out, evaluation.Audit(ctx, db, evaluation.AuditEntry{Actor: &actorID, Subject: ownerID, Entity: "task",
		EntityID: e.TaskID, Action: "evidence_open", After: map[string]any{"evidence": e.ID, "kind": e.Kind}})
}

// auditOf is what the audit log keeps of an item: what it is, never
// Telegram's file ids.
func auditOf(e evaluation.Evidence) map[string]any {
	m := map[string]any{"evidence": e.ID, "kind": e.Kind, "source": e.Source}
	if e.DocumentNumber != "" {
		m["document_number"] = e.DocumentNumber
	}
	if e.FileName != "" {
		m["file_name"] = e.FileName
	}
	return m
}
