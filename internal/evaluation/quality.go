package evaluation

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/calendar"
	"evalbot/internal/grading"
	"evalbot/internal/roster"
	"evalbot/internal/store"
	"evalbot/internal/textnorm"
)

// Errors of MarkNotUpToStandard; none of them changes anything.
var (
	// ErrNotReviewer: the actor is neither the head who reviews the task's
	// owner nor that head's deputy today.
	ErrNotReviewer = errors.New("evaluation: not the reviewer of this official")
	// ErrNotDone: only a task done (on time or late) can be not up to standard.
	ErrNotDone = errors.New("evaluation: the task is not done")
	// ErrReasonRequired: a "chưa đạt" mark needs its reason.
	ErrReasonRequired = errors.New("evaluation: a reason is required")
)

// MaxMarkReasonRunes bounds the reason of a quality mark.
const MaxMarkReasonRunes = 500

// repeatWindow: the same mark (task, actor, reason) again within it is a
// repeated update or a double tap, not a second mark.
const repeatWindow = time.Minute

// QualityMark — một lần đánh giá "chưa đạt": the head (or the deputy, with
// OnBehalfOf the head) found a done task not up to standard, for Reason.
// Each mark is one quality fault of the task: −25 % of its quality share
// under both presets (Decree 335/2025/NĐ-CP; the framework's faults step).
type QualityMark struct {
	ID         int64
	TaskID     int64
	ActorID    int64
	OnBehalfOf *int64
	Reason     string
	At         time.Time
}

// MarkOutcome is what MarkNotUpToStandard did: the mark, the task's owner,
// the task's fault count after it, and Repeated when the same mark had just
// been recorded (nothing was written again).
type MarkOutcome struct {
	Mark     QualityMark
	OwnerID  int64
	Faults   int
	Repeated bool
}

// MarkNotUpToStandard records that a done task of an approved plan is "chưa
// đạt" (not up to standard), once more, with reason. The right is read from
// the database: actorID must be the head who reviews the task's owner
// (roster.HeadOf) or that head's active deputy on today (delegations);
// otherwise ErrNotReviewer. The task must be on_time or late (ErrNotDone),
// its plan approved and its month's assessment neither approved nor locked
// (ErrLocked); reason is cleaned like every typed text and must not be empty
// (ErrReasonRequired). The mark and tasks.quality_faults + 1 are written with
// one audit_log row (entity task, action quality_mark), in the caller's
// transaction. The same actor, task and reason again within a minute is the
// same mark (Repeated). ErrNotFound when there is no such task.
func MarkNotUpToStandard(ctx context.Context, db store.DB, actorID, taskID int64, reason string, today calendar.Date) (MarkOutcome, error) {
	var out MarkOutcome
	reason, err := textnorm.Field(reason, MaxMarkReasonRunes)
	if err != nil {
		return out, ErrReasonRequired
	}
	var status, planStatus string
	var faults int
	var month time.Time
	err = db.QueryRow(ctx, `SELECT t.status, t.quality_faults, p.status, p.official_id, p.month
		FROM tasks t JOIN plans p ON p.id = t.plan_id WHERE t.id = $1 FOR UPDATE OF t`, taskID).
		Scan(&status, &faults, &planStatus, &out.OwnerID, &month)
	if errors.Is(err, pgx.ErrNoRows) {
		return out, ErrNotFound
	}
	if err != nil {
		return out, err
	}
	onBehalf, err := reviewerOf(ctx, db, actorID, out.OwnerID, today)
	if err != nil {
		return out, err
	}
	var last QualityMark
	err = db.QueryRow(ctx, `SELECT id, actor_id, on_behalf_of, reason, marked_at FROM task_quality_marks
		WHERE task_id = $1 ORDER BY id DESC LIMIT 1`, taskID).Scan(&last.ID, &last.ActorID, &last.OnBehalfOf, &last.Reason, &last.At)
	switch {
	case err == nil && last.ActorID == actorID && last.Reason == reason && time.Since(last.At) < repeatWindow:
		last.TaskID = taskID
		out.Mark, out.Faults, out.Repeated = last, faults, true
		return out, nil
	case err != nil && !errors.Is(err, pgx.ErrNoRows):
		return out, err
	}
	if planStatus != StatusApproved {
		return out, ErrLocked
	}
	if status != "on_time" && status != "late" {
		return out, ErrNotDone
	}
	var closed bool
	if err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM assessments WHERE official_id = $1 AND month = $2
		AND (status = 'approved' OR locked_at IS NOT NULL))`, out.OwnerID, month).Scan(&closed); err != nil {
		return out, err
	}
	if closed {
		return out, ErrLocked
	}
	m := QualityMark{TaskID: taskID, ActorID: actorID, OnBehalfOf: onBehalf, Reason: reason}
	if err := db.QueryRow(ctx, `INSERT INTO task_quality_marks (task_id, actor_id, on_behalf_of, reason)
		VALUES ($1, $2, $3, $4) RETURNING id, marked_at`, taskID, actorID, onBehalf, reason).Scan(&m.ID, &m.At); err != nil {
		return out, err
	}
	if _, err := db.Exec(ctx, `UPDATE tasks SET quality_faults = quality_faults + 1 WHERE id = $1`, taskID); err != nil {
		return out, err
	}
	after := map[string]any{"quality_faults": faults + 1, "mark": m.ID}
	if onBehalf != nil {
		after["on_behalf_of"] = *onBehalf
	}
	if err := Audit(ctx, db, AuditEntry{Actor: &actorID, Subject: out.OwnerID, Entity: "task", EntityID: taskID,
		Action: "quality_mark", Before: map[string]any{"quality_faults": faults}, After: after, Reason: reason}); err != nil {
		return out, err
	}
	out.Mark, out.Faults = m, faults+1
	return out, nil
}

// reviewerOf checks from the database that actorID reviews ownerID today:
// their head (nil), or the head's active deputy (the head's id).
func reviewerOf(ctx context.Context, db store.DB, actorID, ownerID int64, today calendar.Date) (*int64, error) {
	head, ok, err := roster.HeadOf(ctx, db, ownerID)
	if err != nil {
		if errors.Is(err, roster.ErrNotFound) {
			return nil, ErrNotFound
		}
		return nil, err
	}
	if !ok || ownerID == actorID {
		return nil, ErrNotReviewer
	}
	if head.ID == actorID {
		return nil, nil
	}
	deputy, ok, err := ActiveDelegate(ctx, db, head.ID, today)
	if err != nil {
		return nil, err
	}
	if !ok || deputy != actorID {
		return nil, ErrNotReviewer
	}
	return &head.ID, nil
}

// QualityMarks lists the "chưa đạt" marks of the tasks, oldest first, by
// task id (for the head's card and the official's grade card).
func QualityMarks(ctx context.Context, db store.DB, taskIDs []int64) (map[int64][]QualityMark, error) {
	rows, err := db.Query(ctx, `SELECT id, task_id, actor_id, on_behalf_of, reason, marked_at FROM task_quality_marks
		WHERE task_id = ANY($1) ORDER BY task_id, id`, taskIDs)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]QualityMark{}
	for rows.Next() {
		var m QualityMark
		if err := rows.Scan(&m.ID, &m.TaskID, &m.ActorID, &m.OnBehalfOf, &m.Reason, &m.At); err != nil {
			return nil, err
		}
		out[m.TaskID] = append(out[m.TaskID], m)
	}
	return out, rows.Err()
}

// Errors of WeighTask.
var (
	// ErrCatalogueWeight: a catalogue task's weight is its quantity × factor,
	// not set by hand.
	ErrCatalogueWeight = errors.New("evaluation: a catalogue task's weight comes from the catalogue")
	// ErrBadWeight: a weight outside 0.25–10.
	ErrBadWeight = errors.New("evaluation: weight out of range")
)

// The range of a task's weight (trọng số) a head may set, in hundredths of
// a standard unit: 0.25 … 10.
const (
	MinTaskWeight = grading.Points(minWeight)
	MaxTaskWeight = grading.Points(maxWeight)
)

// WeighTask sets the weight (trọng số, 0.25–10 standard units, hundredths)
// of a free-text task of a plan waiting for approval, as the head does
// before approving it: Decree 335 weighs a task outside the catalogue by the
// head's judgment. The right is read from the database as for
// MarkNotUpToStandard (the owner's head, or the head's deputy on today); the
// plan's version goes up (buttons on the old card are stale) and the change
// is audited (entity task, action weigh). ErrLocked when the plan is not
// submitted, ErrCatalogueWeight for a catalogue task, ErrBadWeight outside
// the range, ErrNotFound for no such task.
func WeighTask(ctx context.Context, db store.DB, actorID, taskID int64, w grading.Points, today calendar.Date) (Task, error) {
	var t Task
	var planStatus string
	var owner int64
	var item *int64
	var weight int64
	err := db.QueryRow(ctx, `SELECT t.plan_id, t.position, t.title, t.weight, t.catalogue_item_id, p.status, p.official_id
		FROM tasks t JOIN plans p ON p.id = t.plan_id WHERE t.id = $1 FOR UPDATE OF t, p`, taskID).
		Scan(&t.PlanID, &t.Position, &t.Title, &weight, &item, &planStatus, &owner)
	if errors.Is(err, pgx.ErrNoRows) {
		return t, ErrNotFound
	}
	if err != nil {
		return t, err
	}
	if _, err := reviewerOf(ctx, db, actorID, owner, today); err != nil {
		return t, err
	}
	switch {
	case planStatus != StatusSubmitted:
		return t, ErrLocked
	case item != nil:
		return t, ErrCatalogueWeight
	case w < minWeight || w > maxWeight:
		return t, ErrBadWeight
	}
	t.ID, t.Weight = taskID, w
	if grading.Points(weight) == w {
		return t, nil
	}
	if _, err := db.Exec(ctx, `UPDATE tasks SET weight = $2 WHERE id = $1`, taskID, int64(w)); err != nil {
		return t, err
	}
	if _, err := db.Exec(ctx, `UPDATE plans SET version = version + 1, updated_at = now() WHERE id = $1`, t.PlanID); err != nil {
		return t, err
	}
	return t, Audit(ctx, db, AuditEntry{Actor: &actorID, Subject: owner, Entity: "task", EntityID: taskID, Action: "weigh",
		Before: map[string]any{"weight": weight}, After: map[string]any{"weight": int64(w)}})
}

// weighLine is one line of a head's weights: a task's number, then its
// weight as a plan line writes it («2 x1,5», «2 | 1,5», «2: trọng số 2»).
var weighLine = regexp.MustCompile(`^(\d{1,2})\s*(?:[|:.)]\s*|\s+)(.+)$`)

// WeighPlan applies a head's typed weights to a submitted plan, one line per
// task: its number on the plan and the weight («2 x1,5»). The plan must still
// be at version (ErrStale). Lines that cannot be applied come back as
// LineErrors — "no_such_task" (Value: the number), "bad_weight", "ambiguous",
// "catalogue_weight" (a catalogue task's weight is quantity × factor) — and
// then nothing is changed; otherwise each weight is set with WeighTask and
// the plan is returned as it now stands.
func WeighPlan(ctx context.Context, db store.DB, actorID, planID int64, version int, text string, today calendar.Date) (Plan, []LineError, error) {
	p, err := lockPlan(ctx, db, planID, version)
	if err != nil {
		return p, nil, err
	}
	if p.Status != StatusSubmitted {
		return p, nil, ErrLocked
	}
	if _, err := reviewerOf(ctx, db, actorID, p.OfficialID, today); err != nil {
		return p, nil, err
	}
	type change struct {
		id int64
		w  grading.Points
	}
	var changes []change
	var errs []LineError
	for i, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(textnorm.Clean(line))
		if line == "" {
			continue
		}
		m := weighLine.FindStringSubmatch(line)
		if m == nil {
			errs = append(errs, LineError{Line: i + 1, Code: "bad_weight", Value: line})
			continue
		}
		n, _ := strconv.Atoi(m[1])
		if n < 1 || n > len(p.Tasks) {
			errs = append(errs, LineError{Line: i + 1, Code: "no_such_task", Value: m[1]})
			continue
		}
		task := p.Tasks[n-1]
		_, w, code := parseField(strings.TrimSpace(m[2]), p.PeriodStart)
		switch {
		case code == "ambiguous":
			errs = append(errs, LineError{Line: i + 1, Code: code, Value: strings.TrimSpace(m[2])})
		case code != "" || w == 0: // a date, or nothing a weight
			errs = append(errs, LineError{Line: i + 1, Code: "bad_weight", Value: strings.TrimSpace(m[2])})
		case task.ItemCode != "":
			errs = append(errs, LineError{Line: i + 1, Code: "catalogue_weight", Value: m[1]})
		default:
			changes = append(changes, change{task.ID, w})
		}
	}
	if len(errs) == 0 && len(changes) == 0 {
		errs = append(errs, LineError{Code: "no_tasks"})
	}
	if len(errs) > 0 {
		return p, errs, nil
	}
	for _, c := range changes {
		if _, err := WeighTask(ctx, db, actorID, c.id, c.w, today); err != nil {
			return p, nil, err
		}
	}
	p, err = LoadPlan(ctx, db, planID)
	return p, nil, err
}

// WithdrawQualityMark takes back mark markID, the latest «chưa đạt» mark
// of a task as the reviewer saw it (the head pressed it by mistake): the
// mark's row is deleted, the task's fault count goes down by one, and the
// audit log keeps what was withdrawn (entity task, action quality_unmark,
// with the reason that was given). Authorized and bounded as
// MarkNotUpToStandard; ErrNotFound when the task has no mark; ErrStale when
// markID is not its latest (another mark came since). A mark no longer
// there (taken back already: a double tap, a repeated request) changes
// nothing and comes back Repeated: each request names the mark it takes
// back, so a double tap never takes a second one.
func WithdrawQualityMark(ctx context.Context, db store.DB, actorID, taskID, markID int64, today calendar.Date) (MarkOutcome, error) {
	var out MarkOutcome
	var faults int
	var month time.Time
	err := db.QueryRow(ctx, `SELECT t.quality_faults, p.official_id, p.month
		FROM tasks t JOIN plans p ON p.id = t.plan_id WHERE t.id = $1 FOR UPDATE OF t`, taskID).Scan(&faults, &out.OwnerID, &month)
	if errors.Is(err, pgx.ErrNoRows) {
		return out, ErrNotFound
	}
	if err != nil {
		return out, err
	}
	if _, err := reviewerOf(ctx, db, actorID, out.OwnerID, today); err != nil {
		return out, err
	}
	var closed bool
	if err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM assessments WHERE official_id = $1 AND month = $2
		AND (status = 'approved' OR locked_at IS NOT NULL))`, out.OwnerID, month).Scan(&closed); err != nil {
		return out, err
	}
	if closed {
		return out, ErrLocked
	}
	var latest *int64
	if err := db.QueryRow(ctx, `SELECT max(id) FROM task_quality_marks WHERE task_id = $1`, taskID).Scan(&latest); err != nil {
		return out, err
	}
	// Taken back already from this task (the audit log keeps it): the same
	// request again. A made-up id is no mark of this task: stale.
	var withdrawn bool
	if err := db.QueryRow(ctx, `SELECT NOT EXISTS (SELECT 1 FROM task_quality_marks WHERE id = $2)
		AND EXISTS (SELECT 1 FROM audit_log WHERE entity = 'task' AND entity_id = $1 AND action = 'quality_unmark'
			AND before->>'mark' = $2::text)`, taskID, markID).Scan(&withdrawn); err != nil {
		return out, err
	}
	switch {
	case withdrawn:
		out.Mark, out.Faults, out.Repeated = QualityMark{ID: markID, TaskID: taskID}, faults, true
		return out, nil
	case latest == nil:
		return out, ErrNotFound
	case *latest != markID:
		return out, ErrStale
	}
	m := QualityMark{TaskID: taskID}
	if err := db.QueryRow(ctx, `DELETE FROM task_quality_marks WHERE id = $1
		RETURNING id, actor_id, on_behalf_of, reason, marked_at`, markID).Scan(&m.ID, &m.ActorID, &m.OnBehalfOf, &m.Reason, &m.At); err != nil {
		return out, err
	}
	if _, err := db.Exec(ctx, `UPDATE tasks SET quality_faults = greatest(quality_faults - 1, 0) WHERE id = $1`, taskID); err != nil {
		return out, err
	}
	if err := Audit(ctx, db, AuditEntry{Actor: &actorID, Subject: out.OwnerID, Entity: "task", EntityID: taskID,
		Action: "quality_unmark", Before: map[string]any{"quality_faults": faults, "mark": m.ID},
		After: map[string]any{"quality_faults": max(faults-1, 0)}, Reason: m.Reason}); err != nil {
		return out, err
	}
	out.Mark, out.Faults = m, max(faults-1, 0)
	return out, nil
}
