// Package assigned holds the use cases of tasks a task system (hệ thống quản
// lý văn bản, giao việc) assigns to a person through the API: the system
// pushes one (Push, idempotent by its own id) and reports it done with the
// document that proves it (Done); the person accepts it into the week's or
// the month's plan (Accept) or declines it with a reason (Decline). Each
// runs in the caller's transaction, authorizes from the database — the key's
// system and unit subtree for a system, the assignment's owner for a person —
// and is audited (decision 0018). What a key may not reach answers as what
// does not exist (decision 0024): a person outside its subtree is
// ErrNoOfficial, another system's task or a unit outside is ErrNotFound.
package assigned

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/app/access"
	"evalbot/internal/app/apikeys"
	"evalbot/internal/calendar"
	"evalbot/internal/evaluation"
	"evalbot/internal/grading"
	"evalbot/internal/roster"
	"evalbot/internal/store"
	"evalbot/internal/textnorm"
)

// States of an assignment.
const (
	StatusAssigned = "assigned" // waiting for the person
	StatusAccepted = "accepted" // a task of one of their plans
	StatusDeclined = "declined" // refused, with a reason
)

// Bounds of what a system sends. DateWindowDays bounds its dates: a
// deadline at most that many days before or after the day it is pushed, a
// task reported done at most that many days ago (and not in the future); a
// system's 1970-01-01 (a zero Unix time) or 9999-12-31 (a "no deadline"
// placeholder) would make every report of the task late, or none.
const (
	MaxSourceIDRunes = 100
	MaxReasonRunes   = 500
	DateWindowDays   = 366
)

// Errors of the package; none of them changes anything.
var (
	// ErrNotFound: no such assignment of the key's system for a person of
	// its subtree, or no such unit in its subtree.
	ErrNotFound = errors.New("assigned: no such assignment")
	// ErrNoOfficial: no active official with that code in the key's subtree.
	ErrNoOfficial = errors.New("assigned: no active official with that code")
	// ErrConflict: the source id was pushed before with other content, or
	// the task was reported done before with another date or document.
	ErrConflict = errors.New("assigned: differs from what was sent before")
	// ErrDeclined: the person declined the task; it cannot be done.
	ErrDeclined = errors.New("assigned: declined")
	// ErrTooLate: the task's month is submitted, approved or published.
	ErrTooLate = errors.New("assigned: the month is closed")
)

// FieldError is a field of a push or a report that cannot be taken: Field
// is its JSON name, Code one of "required", "too_long", "both_title_and_item",
// "quantity", "unknown_item", "item_withdrawn", "item_not_for_you",
// "future_date", "out_of_range" (a date outside From–To, both inclusive,
// DateWindowDays).
type FieldError struct {
	Field, Code string
	From, To    *calendar.Date // the bounds of "out_of_range"
}

// inWindow checks date d of field against [from, to].
func inWindow(field string, d, from, to calendar.Date) error {
	if d.Before(from) || d.After(to) {
		return &FieldError{Field: field, Code: "out_of_range", From: &from, To: &to}
	}
	return nil
}

func (e *FieldError) Error() string { return "assigned: " + e.Field + ": " + e.Code }

// Input is a task as a system pushes it: a title, or a catalogue item's code
// and quantity (with an optional note in Title); the deadline (within
// DateWindowDays of Today) and the number of the assigning document are
// optional. Today is the day it is pushed (Hanoi); zero means the clock's.
type Input struct {
	Today          calendar.Date
	SourceID       string
	EmployeeCode   string
	Title          string
	ItemCode       string
	Quantity       int
	Deadline       *calendar.Date
	SourceDocument string
}

// Assignment is a pushed task and where it stands.
type Assignment struct {
	ID             int64
	KeyID          int64
	SourceID       string
	OfficialID     int64
	EmployeeCode   string
	Title          string
	ItemCode       string
	Quantity       int
	Weight         grading.Points // hundredths of a standard unit
	Deadline       *calendar.Date
	SourceDocument string
	Status         string
	PlanKind       string // evaluation.KindWeek or KindMonth once accepted
	DeclineReason  string
	DoneOn         *calendar.Date
	DoneDocument   string
	// TaskID and TaskStatus are the plan's task once accepted (0, "" before).
	TaskID     int64
	TaskStatus string
	CreatedAt  time.Time
}

// selectCols and from read an Assignment (scan); cols is both.
const (
	selectCols = `a.id, a.api_key_id, a.source_id, a.official_id, o.employee_code, a.title, coalesce(c.code, ''),
	coalesce(a.quantity, 0), a.weight, a.deadline, coalesce(a.source_document, ''), a.status, coalesce(a.plan_kind, ''),
	coalesce(a.decline_reason, ''), a.done_on, coalesce(a.done_document, ''), coalesce(t.id, 0), coalesce(t.status, ''), a.created_at`
	from = ` FROM assignments a JOIN officials o ON o.id = a.official_id
	LEFT JOIN catalogue_items c ON c.id = a.catalogue_item_id LEFT JOIN tasks t ON t.assignment_id = a.id`
	cols = selectCols + from
)

func scan(r pgx.Row) (Assignment, error) {
	var a Assignment
	var w int64
	var deadline, done *time.Time
	err := r.Scan(&a.ID, &a.KeyID, &a.SourceID, &a.OfficialID, &a.EmployeeCode, &a.Title, &a.ItemCode, &a.Quantity, &w,
		&deadline, &a.SourceDocument, &a.Status, &a.PlanKind, &a.DeclineReason, &done, &a.DoneDocument, &a.TaskID, &a.TaskStatus, &a.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return a, ErrNotFound
	}
	a.Weight = grading.Points(w)
	a.Deadline, a.DoneOn = date(deadline), date(done)
	return a, err
}

func date(t *time.Time) *calendar.Date {
	if t == nil {
		return nil
	}
	d := calendar.Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}
	return &d
}

func sqlDate(d *calendar.Date) any {
	if d == nil {
		return nil
	}
	return d.String()
}

func load(ctx context.Context, db store.DB, where string, lock bool, args ...any) (Assignment, error) {
	q := `SELECT ` + cols + ` WHERE ` + where
	if lock {
		q += ` FOR UPDATE OF a`
	}
	return scan(db.QueryRow(ctx, q, args...))
}

// covers reports whether person officialID is in the key's subtree.
func covers(ctx context.Context, db store.DB, k apikeys.Key, officialID int64) (bool, error) {
	o, err := roster.OfficialByID(ctx, db, officialID)
	if err != nil {
		return false, err
	}
	return k.Covers(ctx, db, o)
}

// mine reads the assignment where (with args from $2) of the key's system
// ($1), locked when lock, for a person of the key's subtree: ErrNotFound
// otherwise, whether there is none, another system pushed it, or its person
// is outside the subtree (now) — a key learns nothing of what it may not
// reach. Every read of a system's call goes through here.
func mine(ctx context.Context, db store.DB, k apikeys.Key, where string, lock bool, args ...any) (Assignment, error) {
	a, err := load(ctx, db, `a.system = $1 AND `+where, lock, append([]any{k.System}, args...)...)
	if err != nil {
		return Assignment{}, err
	}
	if ok, err := covers(ctx, db, k, a.OfficialID); err != nil || !ok {
		return Assignment{}, errOr(err, ErrNotFound)
	}
	return a, nil
}

// official is the active official with code in the key's subtree:
// ErrNoOfficial when there is none, and when there is one outside it.
func official(ctx context.Context, db store.DB, k apikeys.Key, code string) (roster.Official, error) {
	o, err := roster.OfficialByCode(ctx, db, code)
	if errors.Is(err, roster.ErrNotFound) || err == nil && !o.Active {
		return roster.Official{}, ErrNoOfficial
	} else if err != nil {
		return roster.Official{}, err
	}
	if ok, err := k.Covers(ctx, db, o); err != nil || !ok {
		return roster.Official{}, errOr(err, ErrNoOfficial)
	}
	return o, nil
}

// clean checks and cleans a push (textnorm, the bounds of a plan's task).
func (in Input) clean() (Input, error) {
	var err error
	if in.SourceID, err = textnorm.Field(in.SourceID, MaxSourceIDRunes); err != nil {
		return in, fieldErr("source_id", err)
	}
	if in.EmployeeCode, err = textnorm.Field(in.EmployeeCode, 50); err != nil {
		return in, fieldErr("employee_code", err)
	}
	in.ItemCode = textnorm.Code(in.ItemCode)
	if in.Title, err = textnorm.Field(in.Title, evaluation.MaxTitleRunes); err != nil && (in.ItemCode == "" || !errors.Is(err, textnorm.ErrEmpty)) {
		return in, fieldErr("title", err)
	}
	if in.ItemCode != "" && (in.Quantity < 1 || in.Quantity > evaluation.MaxQuantity) {
		return in, &FieldError{Field: "quantity", Code: "quantity"}
	}
	if in.ItemCode == "" && in.Quantity != 0 {
		return in, &FieldError{Field: "catalogue_code", Code: "required"}
	}
	if in.SourceDocument != "" {
		if in.SourceDocument, err = textnorm.Field(in.SourceDocument, evaluation.MaxDocumentNumberRunes); err != nil && !errors.Is(err, textnorm.ErrEmpty) {
			return in, fieldErr("source_document", err)
		}
	}
	if in.Deadline != nil {
		today := in.Today
		if today.IsZero() {
			today = calendar.DateOf(time.Now())
		}
		if err := inWindow("deadline", *in.Deadline, today.AddDays(-DateWindowDays), today.AddDays(DateWindowDays)); err != nil {
			return in, err
		}
	}
	return in, nil
}

func fieldErr(field string, err error) error {
	if errors.Is(err, textnorm.ErrTooLong) {
		return &FieldError{Field: field, Code: "too_long"}
	}
	return &FieldError{Field: field, Code: "required"}
}

// fingerprint is what a repeat of a push must match.
func (in Input) fingerprint() []byte {
	b, _ := json.Marshal([]any{in.EmployeeCode, in.Title, in.ItemCode, in.Quantity, sqlDate(in.Deadline), in.SourceDocument})
	h := sha256.Sum256(b)
	return h[:]
}

// Push records task in for a person of the key's subtree, once per system
// and source id: a repeat with the same content returns the assignment
// stored first (created false), with other content ErrConflict. When it is
// created, notify (when not nil) is told in the same transaction (the chat
// face tells the person through the outbox). Errors: *FieldError, ErrNoOfficial (also for
// a person outside the key's subtree), ErrConflict, apikeys.ErrRevoked (revoked since the request
// was authenticated: apikeys.Key.Hold).
func Push(ctx context.Context, db store.DB, k apikeys.Key, in Input, notify Notifier) (Assignment, bool, error) {
	in, err := in.clean()
	if err != nil {
		return Assignment{}, false, err
	}
	if err := k.Hold(ctx, db); err != nil {
		return Assignment{}, false, err
	}
	fp := in.fingerprint()
	if a, err := repeat(ctx, db, k, in.SourceID, fp); !errors.Is(err, ErrNotFound) {
		return a, false, err
	}
	o, err := official(ctx, db, k, in.EmployeeCode)
	if err != nil {
		return Assignment{}, false, err
	}
	d := evaluation.TaskDraft{Title: in.Title, Deadline: in.Deadline, Weight: 100, ItemCode: in.ItemCode, Quantity: in.Quantity, Line: 1}
	if in.ItemCode != "" {
		ds, errs, err := evaluation.ResolveCatalogue(ctx, db, o.ID, []evaluation.TaskDraft{d})
		if err != nil {
			return Assignment{}, false, err
		}
		if len(errs) > 0 {
			field := "catalogue_code"
			if errs[0].Code == "title_too_long" {
				field = "title"
			}
			return Assignment{}, false, &FieldError{Field: field, Code: errs[0].Code}
		}
		d = ds[0]
	}
	var item, qty any
	if d.ItemID != 0 {
		item, qty = d.ItemID, d.Quantity
	}
	var id int64
	err = db.QueryRow(ctx, `INSERT INTO assignments (api_key_id, system, source_id, fingerprint, official_id, title,
		catalogue_item_id, quantity, weight, deadline, source_document)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (system, source_id) DO NOTHING RETURNING id`,
		k.ID, k.System, in.SourceID, fp, o.ID, d.Title, item, qty, int64(d.Weight), sqlDate(in.Deadline), nullIfEmpty(in.SourceDocument)).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) { // the same push, committed meanwhile
		a, err := repeat(ctx, db, k, in.SourceID, fp)
		return a, false, err
	}
	if err != nil {
		return Assignment{}, false, err
	}
	if err := evaluation.Audit(ctx, db, evaluation.AuditEntry{Subject: o.ID, Entity: "assignment", EntityID: id, Action: "assign",
		After: map[string]any{"api_key": k.ID, "source_id": in.SourceID, "weight": int64(d.Weight)}}); err != nil {
		return Assignment{}, false, err
	}
	a, err := load(ctx, db, `a.id = $1`, false, id)
	if err != nil {
		return a, false, err
	}
	if notify != nil {
		tx, ok := db.(pgx.Tx)
		if !ok {
			return a, false, errNotifyOutsideTx
		}
		if err := notify.Assigned(ctx, tx, o, a); err != nil {
			return a, false, err
		}
	}
	return a, true, nil
}

// Notifier is the chat's side of a task system's calls (telegram.App), told
// in the call's transaction; nil where there is no bot.
type Notifier interface {
	// Assigned: a new assignment a for official o (the person is asked to
	// accept it into a plan or decline it).
	Assigned(ctx context.Context, tx pgx.Tx, o roster.Official, a Assignment) error
	// Reported: assignment a of official o was reported done and its task
	// in plan p marked (on time or late) with the document as evidence; the
	// person is told, and the cards in chat showing the task follow.
	Reported(ctx context.Context, tx pgx.Tx, o roster.Official, a Assignment, p evaluation.Plan) error
}

// errNotifyOutsideTx: a notifier was given to a use case run outside a
// transaction (the chat's messages are queued in the call's transaction).
var errNotifyOutsideTx = errors.New("assigned: a notifier needs the call's transaction")

// repeat is the assignment the key's system pushed before with source id
// sourceID (ErrNotFound when none), checked against fp and the key's scope
// (ErrNoOfficial when its person left the subtree, as a new push would be).
func repeat(ctx context.Context, db store.DB, k apikeys.Key, sourceID string, fp []byte) (Assignment, error) {
	var same bool
	a, err := load(ctx, db, `a.system = $1 AND a.source_id = $2`, false, k.System, sourceID)
	if err != nil {
		return a, err
	}
	if ok, err := covers(ctx, db, k, a.OfficialID); err != nil || !ok {
		return Assignment{}, errOr(err, ErrNoOfficial)
	}
	if err := db.QueryRow(ctx, `SELECT fingerprint = $2 FROM assignments WHERE id = $1`, a.ID, fp).Scan(&same); err != nil {
		return a, err
	}
	if !same {
		return a, ErrConflict
	}
	return a, nil
}

// Get is assignment id for key k: ErrNotFound when none, when another
// system pushed it, or when its person is outside the key's subtree (mine).
func Get(ctx context.Context, db store.DB, k apikeys.Key, id int64) (Assignment, error) {
	return mine(ctx, db, k, `a.id = $2`, false, id)
}

// BySource is the assignment the key's system pushed with sourceID,
// cleaned as Push cleans it (textnorm) (Get's errors).
func BySource(ctx context.Context, db store.DB, k apikeys.Key, sourceID string) (Assignment, error) {
	// The id as Push cleaned it: "VB  2026\u00a0001" was stored "VB 2026 001".
	return mine(ctx, db, k, `a.source_id = $2`, false, textnorm.Clean(sourceID))
}

// Done records that the system of key k reports assignment id done on day
// doneOn (not after today, at most DateWindowDays before it), proved by
// document (its number and symbol; optional): on time when
// doneOn is not after the deadline, else late (one delay). An accepted task
// is marked at once and carries the document as evidence; one not yet
// accepted gets both when accepted. The same report again changes nothing;
// another date or document is ErrConflict. When the task was marked,
// notify (when not nil) is told in the same transaction (the chat face tells the
// person). Errors: Get's, ErrDeclined, ErrTooLate (the task's month is
// closed), *FieldError for the date or the document, apikeys.ErrRevoked.
func Done(ctx context.Context, db store.DB, k apikeys.Key, id int64, doneOn calendar.Date, document string, today calendar.Date, notify Notifier) (Assignment, error) {
	if doneOn.After(today) {
		return Assignment{}, &FieldError{Field: "done_on", Code: "future_date"}
	}
	if err := inWindow("done_on", doneOn, today.AddDays(-DateWindowDays), today); err != nil {
		return Assignment{}, err
	}
	if err := k.Hold(ctx, db); err != nil {
		return Assignment{}, err
	}
	if document != "" {
		var err error
		if document, err = textnorm.Field(document, evaluation.MaxDocumentNumberRunes); err != nil && !errors.Is(err, textnorm.ErrEmpty) {
			return Assignment{}, fieldErr("document", err)
		}
	}
	a, err := mine(ctx, db, k, `a.id = $2`, true, id)
	if err != nil {
		return a, err
	}
	switch {
	case a.Status == StatusDeclined:
		return a, ErrDeclined
	case a.DoneOn != nil && *a.DoneOn == doneOn && a.DoneDocument == document:
		return a, nil
	case a.DoneOn != nil:
		return a, ErrConflict
	}
	if _, err := db.Exec(ctx, `UPDATE assignments SET done_on = $2, done_document = $3, done_key_id = $4, done_at = now() WHERE id = $1`,
		id, doneOn.String(), nullIfEmpty(document), k.ID); err != nil {
		return a, err
	}
	a.DoneOn, a.DoneDocument = &doneOn, document
	if err := evaluation.Audit(ctx, db, evaluation.AuditEntry{Subject: a.OfficialID, Entity: "assignment", EntityID: id, Action: "done",
		After: map[string]any{"api_key": k.ID, "done_on": doneOn.String()}}); err != nil {
		return a, err
	}
	if a.TaskID == 0 {
		return load(ctx, db, `a.id = $1`, false, id)
	}
	if err := apply(ctx, db, a, k.ID); err != nil {
		return a, err
	}
	if a, err = load(ctx, db, `a.id = $1`, false, id); err != nil || notify == nil {
		return a, err
	}
	tx, ok := db.(pgx.Tx)
	if !ok {
		return a, errNotifyOutsideTx
	}
	o, err := roster.OfficialByID(ctx, db, a.OfficialID)
	if err != nil {
		return a, err
	}
	p, err := evaluation.PlanOfTask(ctx, db, a.TaskID)
	if err != nil {
		return a, err
	}
	return a, notify.Reported(ctx, tx, o, a, p)
}

// apply marks a's task done as reported and adds the document as evidence.
func apply(ctx context.Context, db store.DB, a Assignment, keyID int64) error {
	late := a.Deadline != nil && a.Deadline.Before(*a.DoneOn)
	if _, err := evaluation.RecordDone(ctx, db, a.TaskID, late, "api"); errors.Is(err, evaluation.ErrLocked) {
		return ErrTooLate
	} else if err != nil {
		return err
	}
	if a.DoneDocument == "" {
		return nil
	}
	_, _, err := evaluation.AddEvidence(ctx, db, evaluation.Evidence{TaskID: a.TaskID, Kind: evaluation.EvidenceDocument,
		DocumentNumber: a.DoneDocument, Source: evaluation.SourceAPI, APIKeyID: &keyID})
	if errors.Is(err, evaluation.ErrTooMuchEvidence) {
		return nil // the task is marked; its evidence list is full
	}
	return err
}

// Pending lists the assignments waiting for person actorID to accept or
// decline, oldest first, at most limit, and how many wait in all.
func Pending(ctx context.Context, db store.DB, actorID int64, limit int) ([]Assignment, int, error) {
	rows, err := db.Query(ctx, `SELECT `+selectCols+`, count(*) OVER ()`+from+` WHERE a.official_id = $1 AND a.status = 'assigned'
		ORDER BY a.id LIMIT $2`, actorID, limit)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []Assignment
	total := 0
	for rows.Next() {
		var a Assignment
		var w int64
		var deadline, done *time.Time
		if err := rows.Scan(&a.ID, &a.KeyID, &a.SourceID, &a.OfficialID, &a.EmployeeCode, &a.Title, &a.ItemCode, &a.Quantity, &w,
			&deadline, &a.SourceDocument, &a.Status, &a.PlanKind, &a.DeclineReason, &done, &a.DoneDocument, &a.TaskID, &a.TaskStatus,
			&a.CreatedAt, &total); err != nil {
			return nil, 0, err
		}
		a.Weight = grading.Points(w)
		a.Deadline, a.DoneOn = date(deadline), date(done)
		out = append(out, a)
	}
	return out, total, rows.Err()
}

// Waiting counts the assignments waiting for person officialID to accept or
// decline.
func Waiting(ctx context.Context, db store.DB, officialID int64) (int, error) {
	var n int
	err := db.QueryRow(ctx, `SELECT count(*) FROM assignments WHERE official_id = $1 AND status = 'assigned'`, officialID).Scan(&n)
	return n, err
}

// InPlan counts the tasks of plan planID that came from a task system: a
// plan typed again keeps them (evaluation.SaveDraft).
func InPlan(ctx context.Context, db store.DB, planID int64) (int, error) {
	var n int
	err := db.QueryRow(ctx, `SELECT count(*) FROM tasks WHERE plan_id = $1 AND assignment_id IS NOT NULL`, planID).Scan(&n)
	return n, err
}

// Own is assignment id for its person actorID: evaluation.ErrStale when
// there is none or it is someone else's (a button never tells which).
func Own(ctx context.Context, db store.DB, actorID, id int64) (Assignment, error) {
	a, err := load(ctx, db, `a.id = $1`, false, id)
	if err != nil || a.OfficialID != actorID {
		return Assignment{}, evaluation.ErrStale
	}
	return a, nil
}

// Accept puts assignment id into its person actorID's plan of kind
// (evaluation.KindWeek or KindMonth) on day today: the plan of the current
// period (for a week, the next one from Saturday), or, when that one is
// submitted or approved, of the next period; a draft is opened when there
// is none. A report of the task done, if any, is applied. Accepting an
// accepted assignment changes nothing. It returns the assignment and the
// plan. Refusals: access.ErrForbidden (not theirs), evaluation.ErrStale
// (none, declined, or an unknown kind), evaluation.ErrLocked (both periods'
// plans are closed), ErrTooLate.
func Accept(ctx context.Context, db store.DB, actorID, id int64, kind string, today calendar.Date) (Assignment, evaluation.Plan, error) {
	a, err := load(ctx, db, `a.id = $1`, true, id)
	if errors.Is(err, ErrNotFound) {
		return a, evaluation.Plan{}, evaluation.ErrStale
	} else if err != nil {
		return a, evaluation.Plan{}, err
	}
	if a.OfficialID != actorID {
		return Assignment{}, evaluation.Plan{}, access.ErrForbidden
	}
	if a.Status == StatusAccepted && a.TaskID != 0 {
		var planID int64
		if err := db.QueryRow(ctx, `SELECT plan_id FROM tasks WHERE id = $1`, a.TaskID).Scan(&planID); err != nil {
			return a, evaluation.Plan{}, err
		}
		p, err := evaluation.LoadPlan(ctx, db, planID)
		return a, p, err
	}
	if a.Status != StatusAssigned || kind != evaluation.KindWeek && kind != evaluation.KindMonth {
		return a, evaluation.Plan{}, evaluation.ErrStale
	}
	var itemID int64
	if err := db.QueryRow(ctx, `SELECT coalesce(catalogue_item_id, 0) FROM assignments WHERE id = $1`, id).Scan(&itemID); err != nil {
		return a, evaluation.Plan{}, err
	}
	d := evaluation.TaskDraft{Title: a.Title, Deadline: a.Deadline, Weight: a.Weight, ItemCode: a.ItemCode, Quantity: a.Quantity, ItemID: itemID}
	var p evaluation.Plan
	for _, period := range periods(kind, today) {
		p, _, err = evaluation.AppendTask(ctx, db, actorID, kind, period.start, period.month, d, id)
		if !errors.Is(err, evaluation.ErrLocked) {
			break
		}
	}
	if err != nil {
		return a, p, err
	}
	if _, err := db.Exec(ctx, `UPDATE assignments SET status = 'accepted', plan_kind = $2, decided_at = now() WHERE id = $1`, id, kind); err != nil {
		return a, p, err
	}
	if err := evaluation.Audit(ctx, db, evaluation.AuditEntry{Actor: &actorID, Subject: actorID, Entity: "assignment", EntityID: id,
		Action: "accept", After: map[string]any{"plan": p.ID, "kind": kind}}); err != nil {
		return a, p, err
	}
	a, err = load(ctx, db, `a.id = $1`, false, id)
	if err != nil {
		return a, p, err
	}
	if a.DoneOn != nil {
		var keyID int64
		if err := db.QueryRow(ctx, `SELECT done_key_id FROM assignments WHERE id = $1`, id).Scan(&keyID); err != nil {
			return a, p, err
		}
		if err := apply(ctx, db, a, keyID); err != nil {
			return a, p, err
		}
		if a, err = load(ctx, db, `a.id = $1`, false, id); err != nil {
			return a, p, err
		}
	}
	p, err = evaluation.LoadPlan(ctx, db, p.ID)
	return a, p, err
}

type period struct {
	start calendar.Date
	month calendar.Month
}

// periods are the plans an assignment accepted on today may go to, in order:
// this period, then the next.
func periods(kind string, today calendar.Date) []period {
	if kind == evaluation.KindMonth {
		m := today.YearMonth()
		return []period{{m.First(), m}, {m.Next().First(), m.Next()}}
	}
	w := calendar.WeekOf(today)
	if wd := today.Weekday(); wd == time.Saturday || wd == time.Sunday {
		w = w.Next()
	}
	return []period{{w.Monday(), w.Month()}, {w.Next().Monday(), w.Next().Month()}}
}

// Decline refuses assignment id for its person actorID with reason (cleaned
// here); the system reads it on the assignment. Declining again changes
// nothing. Refusals: access.ErrForbidden, evaluation.ErrStale (none, or
// already accepted), *FieldError (the reason empty or too long).
func Decline(ctx context.Context, db store.DB, actorID, id int64, reason string) (Assignment, error) {
	reason, err := textnorm.Field(reason, MaxReasonRunes)
	if err != nil {
		return Assignment{}, fieldErr("reason", err)
	}
	a, err := load(ctx, db, `a.id = $1`, true, id)
	if errors.Is(err, ErrNotFound) {
		return a, evaluation.ErrStale
	} else if err != nil {
		return a, err
	}
	if a.OfficialID != actorID {
		return Assignment{}, access.ErrForbidden
	}
	if a.Status == StatusDeclined {
		return a, nil
	}
	if a.Status != StatusAssigned {
		return a, evaluation.ErrStale
	}
	if _, err := db.Exec(ctx, `UPDATE assignments SET status = 'declined', decline_reason = $2, decided_at = now() WHERE id = $1`, id, reason); err != nil {
		return a, err
	}
	if err := evaluation.Audit(ctx, db, evaluation.AuditEntry{Actor: &actorID, Subject: actorID, Entity: "assignment", EntityID: id,
		Action: "decline", Reason: reason}); err != nil {
		return a, err
	}
	return load(ctx, db, `a.id = $1`, false, id)
}

func errOr(err, otherwise error) error {
	if err != nil {
		return err
	}
	return otherwise
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
