package evaluation

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/calendar"
	"evalbot/internal/grading"
	"evalbot/internal/store"
)

// Assessment statuses, as stored (plans use the same words).
const (
	AssessDraft     = "draft"
	AssessSubmitted = "submitted"
	AssessReturned  = "returned"
	AssessApproved  = "approved"
)

// Assessment is one official's month: the self-assessment (tự đánh giá) and,
// once reviewed, the approved inputs and the computed grade (xếp loại).
type Assessment struct {
	ID               int64
	OfficialID       int64
	Month            calendar.Month
	FrameworkID      string
	FrameworkVersion string
	Status           string
	SelfCriteria     map[string]grading.Points
	SelfBonus        grading.Points
	BonusReason      string
	SelfTotal        *grading.Points // provisional, at submission; nil when not computable
	SelfGrade        string
	Criteria         map[string]grading.Points // the head's copy; nil until the review starts
	Bonus            *grading.Points
	ManualTaskScore  *grading.Points // head-entered, when the plan had no tasks
	ReturnReason     string
	ReviewerID       *int64
	Total            *grading.Points
	Grade            string
	Graded           *bool
	Result           *grading.Result
	QuotaDemoted     bool
	SelfAssessed     bool       // false when the head assessed alone (the person never answered)
	LockedAt         *time.Time // set when the unit's results are published; nothing changes after
	OnBehalfOf       *int64     // the head a deputy approved for
	Version          int
}

// Editable reports whether the official may still change the self-assessment.
func (a Assessment) Editable() bool {
	return (a.Status == AssessDraft || a.Status == AssessReturned) && a.LockedAt == nil
}

const assessCols = `id, official_id, month, framework_id, framework_version, status, self_criteria, self_bonus,
	coalesce(bonus_reason, ''), self_total, coalesce(self_grade, ''), criteria, bonus, manual_task_score,
	coalesce(return_reason, ''), reviewer_id, total, coalesce(grade, ''), graded, result, quota_demoted, self_assessed, locked_at, on_behalf_of, version`

// scanAssessment reads assessCols, then extra columns into extra.
func scanAssessment(r pgx.Row, extra ...any) (Assessment, error) {
	var a Assessment
	var month time.Time
	var selfCrit, crit, result []byte
	var selfBonus int64
	var selfTotal, bonus, manual, total *int64
	err := r.Scan(append([]any{&a.ID, &a.OfficialID, &month, &a.FrameworkID, &a.FrameworkVersion, &a.Status, &selfCrit, &selfBonus,
		&a.BonusReason, &selfTotal, &a.SelfGrade, &crit, &bonus, &manual, &a.ReturnReason, &a.ReviewerID, &total,
		&a.Grade, &a.Graded, &result, &a.QuotaDemoted, &a.SelfAssessed, &a.LockedAt, &a.OnBehalfOf, &a.Version}, extra...)...)
	if errors.Is(err, pgx.ErrNoRows) {
		return a, ErrNotFound
	}
	if err != nil {
		return a, err
	}
	a.Month = dateOf(month).YearMonth()
	a.SelfBonus = grading.Points(selfBonus)
	a.SelfTotal, a.Bonus, a.ManualTaskScore, a.Total = pts(selfTotal), pts(bonus), pts(manual), pts(total)
	if err := json.Unmarshal(selfCrit, &a.SelfCriteria); err != nil {
		return a, err
	}
	if crit != nil {
		if err := json.Unmarshal(crit, &a.Criteria); err != nil {
			return a, err
		}
	}
	if result != nil {
		a.Result = &grading.Result{}
		if err := json.Unmarshal(result, a.Result); err != nil {
			return a, err
		}
	}
	return a, nil
}

func pts(v *int64) *grading.Points {
	if v == nil {
		return nil
	}
	p := grading.Points(*v)
	return &p
}

func ptsArg(p *grading.Points) any {
	if p == nil {
		return nil
	}
	return int64(*p)
}

// LoadAssessment reads one by id; ErrNotFound when there is none.
func LoadAssessment(ctx context.Context, db store.DB, id int64) (Assessment, error) {
	return scanAssessment(db.QueryRow(ctx, `SELECT `+assessCols+` FROM assessments WHERE id = $1`, id))
}

// LoadAssessmentForUpdate is LoadAssessment with the row locked until the
// caller's transaction ends: a version compared after it stays true until
// the commit (two requests of one page at once are then decided one after
// the other). ErrNotFound when there is none.
func LoadAssessmentForUpdate(ctx context.Context, db store.DB, id int64) (Assessment, error) {
	return scanAssessment(db.QueryRow(ctx, `SELECT `+assessCols+` FROM assessments WHERE id = $1 FOR UPDATE`, id))
}

// LoadAssessmentPublished is LoadAssessment and Published in one query:
// the assessment and whether its official's unit has published its month.
func LoadAssessmentPublished(ctx context.Context, db store.DB, id int64) (Assessment, bool, error) {
	var published bool
	a, err := scanAssessment(db.QueryRow(ctx, loadPublishedSQL, id), &published)
	return a, published, err
}

// QueueAssessmentPublished queues LoadAssessmentPublished on b: when b has
// been sent, *a, *published and *err hold its results (ErrNotFound included).
func QueueAssessmentPublished(b *pgx.Batch, id int64, a *Assessment, published *bool, err *error) {
	b.Queue(loadPublishedSQL, id).QueryRow(func(row pgx.Row) error {
		*a, *err = scanAssessment(row, published)
		return nil
	})
}

const loadPublishedSQL = `SELECT ` + assessCols + `,
	EXISTS (SELECT 1 FROM publications p JOIN officials o ON o.unit_id = p.unit_id
	         WHERE o.id = assessments.official_id AND p.month = assessments.month)
	FROM assessments WHERE id = $1`

// FindAssessment reads the official's assessment of month m.
func FindAssessment(ctx context.Context, db store.DB, officialID int64, m calendar.Month) (Assessment, error) {
	return scanAssessment(db.QueryRow(ctx, `SELECT `+assessCols+` FROM assessments WHERE official_id = $1 AND month = $2`,
		officialID, sqlDate(m.First())))
}

// lockAssessment reads a for update; a published (locked) month is ErrLocked.
func lockAssessment(ctx context.Context, db store.DB, id int64) (Assessment, error) {
	a, err := scanAssessment(db.QueryRow(ctx, `SELECT `+assessCols+` FROM assessments WHERE id = $1 FOR UPDATE`, id))
	if err == nil && a.LockedAt != nil {
		return a, ErrLocked
	}
	return a, err
}

// OpenAssessment returns the official's assessment of month m, creating a
// draft under framework fw with every criterion at its maximum (most people
// keep most points; lowering one is a tap) when there is none yet.
func OpenAssessment(ctx context.Context, db store.DB, officialID int64, m calendar.Month, fw *grading.Framework) (Assessment, error) {
	a, err := FindAssessment(ctx, db, officialID, m)
	if !errors.Is(err, ErrNotFound) {
		return a, err
	}
	crit := map[string]grading.Points{}
	for _, c := range fw.General {
		crit[c.ID] = c.Max
	}
	raw, _ := json.Marshal(crit)
	_, err = db.Exec(ctx, `INSERT INTO assessments (official_id, month, framework_id, framework_version, status, self_criteria)
		VALUES ($1, $2, $3, $4, 'draft', $5) ON CONFLICT (official_id, month) DO NOTHING`,
		officialID, sqlDate(m.First()), fw.ID, fw.Version, raw)
	if err != nil {
		return a, err
	}
	return FindAssessment(ctx, db, officialID, m)
}

// setSelfCriterionSQL sets criterion $2 to $3 in an editable assessment $1.
const setSelfCriterionSQL = `UPDATE assessments
	SET self_criteria = self_criteria || jsonb_build_object($2::text, $3::bigint), version = version + 1, updated_at = now()
	WHERE id = $1 AND status IN ('draft', 'returned') AND locked_at IS NULL RETURNING ` + assessCols

// SetSelfCriterion sets one criterion of an editable self-assessment; the
// value must lie within the criterion's 0..max.
func SetSelfCriterion(ctx context.Context, db store.DB, id int64, fw *grading.Framework, criterion string, p grading.Points) (Assessment, error) {
	if checkCriterion(fw, criterion, p) == nil {
		// One statement when it is editable; otherwise the steps below say why not.
		a, err := scanAssessment(db.QueryRow(ctx, setSelfCriterionSQL, id, criterion, int64(p)))
		if !errors.Is(err, ErrNotFound) {
			return a, err
		}
	}
	a, err := lockAssessment(ctx, db, id)
	if err != nil {
		return a, err
	}
	if !a.Editable() {
		return a, ErrLocked
	}
	if err := checkCriterion(fw, criterion, p); err != nil {
		return a, err
	}
	a.SelfCriteria[criterion] = p
	raw, _ := json.Marshal(a.SelfCriteria)
	_, err = db.Exec(ctx, `UPDATE assessments SET self_criteria = $2, version = version + 1, updated_at = now() WHERE id = $1`, id, raw)
	if err != nil {
		return a, err
	}
	return LoadAssessment(ctx, db, id)
}

// CheckCriterion reports whether p is a valid score of fw's criterion id:
// a *grading.InputError when id is not fw's or p lies outside 0..max.
func CheckCriterion(fw *grading.Framework, id string, p grading.Points) error {
	return checkCriterion(fw, id, p)
}

func checkCriterion(fw *grading.Framework, id string, p grading.Points) error {
	for _, c := range fw.General {
		if c.ID == id {
			if p < 0 || p > c.Max {
				return &grading.InputError{Kind: grading.ErrCriterionOutOfRange, Field: id}
			}
			return nil
		}
	}
	return &grading.InputError{Kind: grading.ErrCriteriaMismatch, Field: id}
}

// SetSelfBonus records the bonus the official claims (0..framework max) and why.
func SetSelfBonus(ctx context.Context, db store.DB, id int64, fw *grading.Framework, bonus grading.Points, reason string) (Assessment, error) {
	a, err := lockAssessment(ctx, db, id)
	if err != nil {
		return a, err
	}
	if !a.Editable() {
		return a, ErrLocked
	}
	if bonus < 0 || bonus > fw.BonusMax {
		return a, &grading.InputError{Kind: grading.ErrBonusOutOfRange, Field: "bonus"}
	}
	if bonus == 0 {
		reason = ""
	}
	_, err = db.Exec(ctx, `UPDATE assessments SET self_bonus = $2, bonus_reason = $3, version = version + 1, updated_at = now() WHERE id = $1`,
		id, int64(bonus), nullIfEmpty(reason))
	if err != nil {
		return a, err
	}
	return LoadAssessment(ctx, db, id)
}

// SubmitAssessment sends the self-assessment to the reviewer, keeping the
// provisional result (nil when it cannot be computed yet, e.g. no tasks).
// now is the submission time (the app's clock), which the review reminders count from.
func SubmitAssessment(ctx context.Context, db store.DB, id int64, version int, reviewerID *int64, provisional *grading.Result, now time.Time) (Assessment, error) {
	a, err := lockAssessment(ctx, db, id)
	if err != nil {
		return a, err
	}
	if a.Version != version || !a.Editable() {
		return a, ErrStale
	}
	var total *grading.Points
	grade := ""
	if provisional != nil && provisional.Graded {
		total, grade = &provisional.Total, string(provisional.Grade)
	}
	_, err = db.Exec(ctx, `UPDATE assessments SET status = 'submitted', reviewer_id = $2, submitted_at = $5,
		self_total = $3, self_grade = $4, criteria = NULL, bonus = NULL, return_reason = NULL,
		version = version + 1, updated_at = now() WHERE id = $1`, id, reviewerID, ptsArg(total), nullIfEmpty(grade), now)
	if err != nil {
		return a, err
	}
	return LoadAssessment(ctx, db, id)
}

// ReturnAssessment sends a submitted self-assessment back with a reason.
func ReturnAssessment(ctx context.Context, db store.DB, id int64, version int, actorID int64, reason string) (Assessment, error) {
	a, err := lockAssessment(ctx, db, id)
	if err != nil {
		return a, err
	}
	if a.Status == AssessReturned && a.Version == version+1 && a.ReturnReason == reason {
		return a, ErrAlready
	}
	if a.Version != version || a.Status != AssessSubmitted {
		return a, ErrStale
	}
	_, err = db.Exec(ctx, `UPDATE assessments SET status = 'returned', return_reason = $2, criteria = NULL, bonus = NULL,
		version = version + 1, updated_at = now() WHERE id = $1`, id, reason)
	if err != nil {
		return a, err
	}
	if err := Audit(ctx, db, AuditEntry{Actor: &actorID, Subject: a.OfficialID, Entity: "assessment", EntityID: id,
		Action: "return", Before: map[string]any{"status": a.Status}, After: map[string]any{"status": AssessReturned}, Reason: reason}); err != nil {
		return a, err
	}
	return LoadAssessment(ctx, db, id)
}

// ReviewCriteria is what the head's review stands on: the head's copy when
// the head adjusted something, the self-assessment otherwise.
func (a Assessment) ReviewCriteria() map[string]grading.Points {
	if a.Criteria != nil {
		return a.Criteria
	}
	return a.SelfCriteria
}

// ReviewBonus is the bonus the review stands on.
func (a Assessment) ReviewBonus() grading.Points {
	if a.Bonus != nil {
		return *a.Bonus
	}
	return a.SelfBonus
}

// AdjustCriterion changes one criterion in the head's copy (điều chỉnh).
func AdjustCriterion(ctx context.Context, db store.DB, id int64, fw *grading.Framework, actorID int64, criterion string, p grading.Points) (Assessment, error) {
	a, err := lockAssessment(ctx, db, id)
	if err != nil {
		return a, err
	}
	if a.Status != AssessSubmitted {
		return a, ErrLocked
	}
	if err := checkCriterion(fw, criterion, p); err != nil {
		return a, err
	}
	crit := map[string]grading.Points{}
	for k, v := range a.ReviewCriteria() {
		crit[k] = v
	}
	before := crit[criterion]
	crit[criterion] = p
	raw, _ := json.Marshal(crit)
	if _, err := db.Exec(ctx, `UPDATE assessments SET criteria = $2, version = version + 1, updated_at = now() WHERE id = $1`, id, raw); err != nil {
		return a, err
	}
	if err := Audit(ctx, db, AuditEntry{Actor: &actorID, Subject: a.OfficialID, Entity: "assessment", EntityID: id,
		Action: "adjust_criterion", Before: map[string]any{criterion: before}, After: map[string]any{criterion: p}}); err != nil {
		return a, err
	}
	return LoadAssessment(ctx, db, id)
}

// AdjustBonus sets the bonus in the head's copy (0..framework max).
func AdjustBonus(ctx context.Context, db store.DB, id int64, fw *grading.Framework, actorID int64, bonus grading.Points) (Assessment, error) {
	a, err := lockAssessment(ctx, db, id)
	if err != nil {
		return a, err
	}
	if a.Status != AssessSubmitted {
		return a, ErrLocked
	}
	if bonus < 0 || bonus > fw.BonusMax {
		return a, &grading.InputError{Kind: grading.ErrBonusOutOfRange, Field: "bonus"}
	}
	if _, err := db.Exec(ctx, `UPDATE assessments SET bonus = $2, version = version + 1, updated_at = now() WHERE id = $1`, id, int64(bonus)); err != nil {
		return a, err
	}
	if err := Audit(ctx, db, AuditEntry{Actor: &actorID, Subject: a.OfficialID, Entity: "assessment", EntityID: id,
		Action: "adjust_bonus", Before: map[string]any{"bonus": a.ReviewBonus()}, After: map[string]any{"bonus": bonus}}); err != nil {
		return a, err
	}
	return LoadAssessment(ctx, db, id)
}

// SetManualTaskScore records the head's task score for a month with no tasks.
func SetManualTaskScore(ctx context.Context, db store.DB, id int64, fw *grading.Framework, actorID int64, score grading.Points) (Assessment, error) {
	a, err := lockAssessment(ctx, db, id)
	if err != nil {
		return a, err
	}
	if a.Status != AssessSubmitted {
		return a, ErrLocked
	}
	if score < 0 || score > fw.TaskMax {
		return a, &grading.InputError{Kind: grading.ErrManualTaskScore, Field: "manual_task_score"}
	}
	if _, err := db.Exec(ctx, `UPDATE assessments SET manual_task_score = $2, version = version + 1, updated_at = now() WHERE id = $1`, id, int64(score)); err != nil {
		return a, err
	}
	if err := Audit(ctx, db, AuditEntry{Actor: &actorID, Subject: a.OfficialID, Entity: "assessment", EntityID: id,
		Action: "manual_task_score", Before: map[string]any{"manual_task_score": a.ManualTaskScore}, After: map[string]any{"manual_task_score": score}}); err != nil {
		return a, err
	}
	return LoadAssessment(ctx, db, id)
}

// Approve finalizes the review with the result the grading engine computed
// from the approved inputs (never a typed grade).
// onBehalfOf names the head when a deputy approves under a delegation.
func Approve(ctx context.Context, db store.DB, id int64, version int, actorID int64, onBehalfOf *int64, r grading.Result) (Assessment, error) {
	a, err := lockAssessment(ctx, db, id)
	if err != nil {
		return a, err
	}
	if a.Version != version || a.Status != AssessSubmitted {
		return a, ErrStale
	}
	if err := writeResult(ctx, db, a, &actorID, "approve", r); err != nil {
		return a, err
	}
	// Only when it changes: most approvals are the head's own, on a row
	// that never had a deputy's.
	if onBehalfOf != nil || a.OnBehalfOf != nil {
		if _, err := db.Exec(ctx, `UPDATE assessments SET on_behalf_of = $2 WHERE id = $1`, id, onBehalfOf); err != nil {
			return a, err
		}
	}
	return LoadAssessment(ctx, db, id)
}

func writeResult(ctx context.Context, db store.DB, a Assessment, actor *int64, action string, r grading.Result) error {
	raw, err := json.Marshal(r)
	if err != nil {
		return err
	}
	critRaw, _ := json.Marshal(a.ReviewCriteria())
	var total any
	grade := ""
	if r.Graded {
		total, grade = int64(r.Total), string(r.Grade)
	}
	demoted := false
	for _, o := range r.Overrides {
		if o.Code == "quota" {
			demoted = true
		}
	}
	_, err = db.Exec(ctx, `UPDATE assessments SET status = 'approved', criteria = $2, bonus = $3, reviewer_id = coalesce($4, reviewer_id),
		approved_at = now(), graded = $5, total = $6, grade = $7, result = $8, quota_demoted = $9,
		version = version + 1, updated_at = now() WHERE id = $1`,
		a.ID, critRaw, int64(a.ReviewBonus()), actor, r.Graded, total, nullIfEmpty(grade), raw, demoted)
	if err != nil {
		return err
	}
	return Audit(ctx, db, AuditEntry{Actor: actor, Subject: a.OfficialID, Entity: "assessment", EntityID: a.ID, Action: action,
		Before: map[string]any{"status": a.Status, "total": a.Total, "grade": a.Grade},
		After:  map[string]any{"status": AssessApproved, "total": total, "grade": grade}})
}

// DemoteForQuota lowers an approved A to B for the unit's grade-A quota, at
// the head's choice; the card says so (Override "quota").
func DemoteForQuota(ctx context.Context, db store.DB, id int64, actorID int64) (Assessment, error) {
	a, err := lockAssessment(ctx, db, id)
	if err != nil {
		return a, err
	}
	if a.Status != AssessApproved || a.Result == nil || a.Result.Grade != "A" {
		return a, ErrStale
	}
	r := *a.Result
	r.DemoteForQuota()
	if err := writeResult(ctx, db, a, &actorID, "quota_demote", r); err != nil {
		return a, err
	}
	return LoadAssessment(ctx, db, id)
}

// AssessWithoutSelf opens the review of someone who has not self-assessed:
// the head grades alone (DESIGN.md §2). The assessment is created when
// missing, and moves to submitted with self_assessed = false.
func AssessWithoutSelf(ctx context.Context, db store.DB, officialID int64, m calendar.Month, fw *grading.Framework, reviewerID int64, now time.Time) (Assessment, error) {
	a, err := OpenAssessment(ctx, db, officialID, m, fw)
	if err != nil {
		return a, err
	}
	a, err = lockAssessment(ctx, db, a.ID)
	if err != nil {
		return a, err
	}
	if a.Status != AssessDraft && a.Status != AssessReturned {
		return a, ErrStale
	}
	if _, err := db.Exec(ctx, `UPDATE assessments SET status = 'submitted', self_assessed = false, reviewer_id = $2,
		submitted_at = $3, self_total = NULL, self_grade = NULL, version = version + 1, updated_at = now() WHERE id = $1`, a.ID, reviewerID, now); err != nil {
		return a, err
	}
	if err := Audit(ctx, db, AuditEntry{Actor: &reviewerID, Subject: officialID, Entity: "assessment", EntityID: a.ID,
		Action: "assess_without_self", Before: map[string]any{"status": a.Status}, After: map[string]any{"status": AssessSubmitted}}); err != nil {
		return a, err
	}
	return LoadAssessment(ctx, db, a.ID)
}

// Published reports whether the official's unit has published month m (công
// khai): the official can no longer change anything of that month.
func Published(ctx context.Context, db store.DB, officialID int64, m calendar.Month) (bool, error) {
	var ok bool
	err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM publications p JOIN officials o ON o.unit_id = p.unit_id
		WHERE o.id = $1 AND p.month = $2)`, officialID, sqlDate(m.First())).Scan(&ok)
	return ok, err
}
