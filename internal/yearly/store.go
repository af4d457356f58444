package yearly

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/evaluation"
	"evalbot/internal/grading"
	"evalbot/internal/store"
	"evalbot/internal/textnorm"
)

// Errors of Confirm and Adjust.
var (
	ErrNotFound  = errors.New("yearly: no stored result for that person and period")
	ErrStale     = errors.New("yearly: the result changed since it was shown")
	ErrNotGraded = errors.New("yearly: too few graded months: the period has no grade to confirm or adjust")
	ErrBadGrade  = errors.New("yearly: want grade A, B, C or D")
	ErrNoReason  = errors.New("yearly: an adjustment needs a reason")
	// ErrQuota: the decided A grades of the person's quota group (their
	// unit, or their task group in it) already fill the period's grade-A
	// quota; the head moves another A to B first (Adjust).
	ErrQuota = errors.New("yearly: the grade-A quota of the person's group is full")
)

// MaxReason is the longest reason Adjust keeps, in characters.
const MaxReason = 500

// saveBatch is how many people one statement of Save writes: set-based,
// with the statement's parameters (about 150 bytes a person) kept small.
const saveBatch = 10000

// Save stores res as draft rows, a few set-based statements in the caller's
// transaction: new people get a draft; a stored draft takes the new
// figures; a confirmed or adjusted row keeps the head's grade while the
// figures it was decided on are unchanged, and goes back to draft, audited,
// when they changed (a month was reconsidered after the head decided). Rows
// whose figures are unchanged are not written. It returns how many rows
// were written or changed.
func Save(ctx context.Context, db store.DB, res *Results) (int64, error) {
	var b batch
	var written int64
	for _, u := range res.Units {
		for _, x := range u.People {
			if !x.Evaluated {
				continue
			}
			b.add(&x)
			if len(b.ids) == saveBatch {
				n, err := b.save(ctx, db, res.Period)
				if err != nil {
					return written, err
				}
				written += n
				b = batch{}
			}
		}
	}
	n, err := b.save(ctx, db, res.Period)
	return written + n, err
}

// batch is the columns of up to saveBatch people, as unnest's arrays.
type batch struct {
	ids, units          []int64
	fwIDs, fwVersions   []string
	months, a, b, c, d  []int32
	sums, means         []int64
	graded, excess      []bool
	computed, overrides []string
}

func (b *batch) add(x *Person) {
	r := x.Result
	b.ids, b.units = append(b.ids, x.OfficialID), append(b.units, x.UnitID)
	b.fwIDs, b.fwVersions = append(b.fwIDs, r.FrameworkID), append(b.fwVersions, r.FrameworkVersion)
	b.months = append(b.months, int32(r.Months))
	b.a, b.b = append(b.a, int32(r.Counts[0])), append(b.b, int32(r.Counts[1]))
	b.c, b.d = append(b.c, int32(r.Counts[2])), append(b.d, int32(r.Counts[3]))
	b.sums, b.means = append(b.sums, int64(r.Sum)), append(b.means, int64(r.Mean))
	b.graded, b.excess = append(b.graded, r.Graded), append(b.excess, x.QuotaCandidate)
	b.computed, b.overrides = append(b.computed, string(r.Grade)), append(b.overrides, string(overridesJSON(r.Overrides)))
}

func (b *batch) save(ctx context.Context, db store.DB, p Period) (int64, error) {
	if len(b.ids) == 0 {
		return 0, nil
	}
	args := []any{p.Year, p.Quarter, b.ids, b.units, b.fwIDs, b.fwVersions, b.months, b.sums, b.means, b.a, b.b, b.c, b.d,
		b.graded, b.computed, b.overrides, b.excess}
	const input = `
		WITH v AS (
			SELECT * FROM unnest($3::bigint[], $4::bigint[], $5::text[], $6::text[], $7::int[], $8::bigint[], $9::bigint[],
			                     $10::int[], $11::int[], $12::int[], $13::int[], $14::bool[], $15::text[], $16::text[], $17::bool[])
			       AS v(official_id, unit_id, framework_id, framework_version, months, sum_total, mean_total,
			            count_a, count_b, count_c, count_d, graded, computed_grade, overrides, quota_excess)
		)`
	// The head's decision no longer stands when what it was decided on changed: audit it.
	if _, err := db.Exec(ctx, input+`
		INSERT INTO audit_log (actor_id, subject_id, entity, entity_id, action, before, after, reason)
		SELECT NULL, r.official_id, 'period_result', $1::bigint * 10 + $2, 'recomputed',
		       jsonb_build_object('status', r.status, 'grade', r.grade, 'mean', r.mean_total, 'months', r.months),
		       jsonb_build_object('status', 'draft', 'grade', nullif(v.computed_grade, ''), 'mean', v.mean_total, 'months', v.months),
		       'the months changed after the decision'
		  FROM period_results r JOIN v ON v.official_id = r.official_id
		 WHERE r.year = $1 AND r.quarter = $2 AND r.status <> 'draft'
		   AND (r.mean_total, r.months, r.graded, coalesce(r.computed_grade, ''), r.unit_id)
		       IS DISTINCT FROM (v.mean_total, v.months, v.graded, v.computed_grade, v.unit_id)`, args...); err != nil {
		return 0, err
	}
	tag, err := db.Exec(ctx, input+`
		INSERT INTO period_results AS r (official_id, year, quarter, unit_id, framework_id, framework_version, months,
		       sum_total, mean_total, count_a, count_b, count_c, count_d, graded, computed_grade, grade, overrides, quota_excess)
		SELECT official_id, $1, $2, unit_id, framework_id, framework_version, months, sum_total, mean_total,
		       count_a, count_b, count_c, count_d, graded, nullif(computed_grade, ''), nullif(computed_grade, ''), overrides::jsonb, quota_excess
		  FROM v
		ON CONFLICT (official_id, year, quarter) DO UPDATE SET
		       unit_id = excluded.unit_id, framework_id = excluded.framework_id, framework_version = excluded.framework_version,
		       months = excluded.months, sum_total = excluded.sum_total, mean_total = excluded.mean_total,
		       count_a = excluded.count_a, count_b = excluded.count_b, count_c = excluded.count_c, count_d = excluded.count_d,
		       graded = excluded.graded, computed_grade = excluded.computed_grade, overrides = excluded.overrides,
		       quota_excess = excluded.quota_excess, computed_at = now(), version = r.version + 1,
		       -- a decision stands while its figures do
		       status = CASE WHEN r.status <> 'draft' AND NOT `+changed+` THEN r.status ELSE 'draft' END,
		       grade = CASE WHEN r.status <> 'draft' AND NOT `+changed+` THEN r.grade ELSE excluded.grade END,
		       reason = CASE WHEN r.status <> 'draft' AND NOT `+changed+` THEN r.reason END,
		       confirmed_by = CASE WHEN r.status <> 'draft' AND NOT `+changed+` THEN r.confirmed_by END,
		       confirmed_at = CASE WHEN r.status <> 'draft' AND NOT `+changed+` THEN r.confirmed_at END
		 WHERE (r.unit_id, r.months, r.sum_total, r.mean_total, r.count_a, r.count_b, r.count_c, r.count_d, r.graded,
		        r.computed_grade, r.overrides, r.quota_excess, r.framework_id, r.framework_version)
		       IS DISTINCT FROM (excluded.unit_id, excluded.months, excluded.sum_total, excluded.mean_total, excluded.count_a,
		        excluded.count_b, excluded.count_c, excluded.count_d, excluded.graded, excluded.computed_grade,
		        excluded.overrides, excluded.quota_excess, excluded.framework_id, excluded.framework_version)`, args...)
	if err != nil {
		return 0, err
	}
	return tag.RowsAffected(), nil
}

// changed: the figures a decision was made on differ from the new ones.
const changed = `((r.mean_total, r.months, r.graded, r.computed_grade, r.unit_id)
	IS DISTINCT FROM (excluded.mean_total, excluded.months, excluded.graded, excluded.computed_grade, excluded.unit_id))`

// Stored is one stored period result, as Confirm and Adjust return it.
type Stored struct {
	OfficialID    int64
	Period        Period
	UnitID        int64
	Graded        bool
	Months        int
	Mean          grading.Points
	ComputedGrade grading.Grade
	Grade         grading.Grade
	Status        string
	Reason        string
	ConfirmedBy   *int64
	Version       int
}

func lockStored(ctx context.Context, db store.DB, officialID int64, p Period) (Stored, error) {
	s := Stored{OfficialID: officialID, Period: p}
	var computed, grade string
	var mean int64
	var moved bool
	err := db.QueryRow(ctx, `SELECT r.unit_id, r.graded, r.months, r.mean_total, coalesce(r.computed_grade, ''), coalesce(r.grade, ''),
		r.status, coalesce(r.reason, ''), r.confirmed_by, r.version, o.unit_id <> r.unit_id
		FROM period_results r JOIN officials o ON o.id = r.official_id
		WHERE r.official_id = $1 AND r.year = $2 AND r.quarter = $3 FOR UPDATE OF r`, officialID, p.Year, p.Quarter).
		Scan(&s.UnitID, &s.Graded, &s.Months, &mean, &computed, &grade, &s.Status, &s.Reason, &s.ConfirmedBy, &s.Version, &moved)
	if errors.Is(err, pgx.ErrNoRows) {
		return s, ErrNotFound
	}
	if err == nil && moved {
		err = ErrStale // computed in the unit they left: the head of the new one decides, on the year computed again
	}
	s.Mean, s.ComputedGrade, s.Grade = grading.Points(mean), grading.Grade(computed), grading.Grade(grade)
	return s, err
}

// Decider is who confirms or adjusts a period result: the head of the
// person's unit at the period's end, or the deputy that head delegated the
// review to (ủy quyền) on the day, with OnBehalfOf naming the head. The
// caller has authorized them from the database (internal/app/year, through
// access.ReviewRight); the decision and its audit entry record both.
type Decider struct {
	ID         int64
	OnBehalfOf *int64
}

// Confirm records that the head (by) confirms the person's computed
// grade for the period, in the caller's transaction, audited. version is the
// stored row's version the head saw: another one is ErrStale, except that
// confirming what is already confirmed by the same head changes nothing
// (a double tap). A row stored for another unit than the person's own now
// (they moved since it was computed) is ErrStale too. A period not graded
// (too few months) is confirmed as it is, without a grade. Errors:
// ErrNotFound, ErrStale, ErrQuota.
func Confirm(ctx context.Context, db store.DB, p Period, officialID int64, by Decider, version int) (Stored, error) {
	if err := p.valid(); err != nil {
		return Stored{}, err
	}
	s, err := lockStored(ctx, db, officialID, p)
	if err != nil {
		return s, err
	}
	if s.Status == StatusConfirmed && s.ConfirmedBy != nil && *s.ConfirmedBy == by.ID {
		return s, nil
	}
	if s.Version != version {
		return s, ErrStale
	}
	return decide(ctx, db, s, by, StatusConfirmed, s.ComputedGrade, "")
}

// Adjust sets the person's period grade to grade, with a reason (cleaned
// with textnorm, at most MaxReason characters), decided by the head (by),
// in the caller's transaction, audited with the grade before and after. It
// is also how the head settles the grade-A quota: an A moved to B.
// Errors: ErrNotFound, ErrStale, ErrNotGraded, ErrBadGrade, ErrNoReason,
// ErrQuota for an A the quota group has no room for (textnorm.ErrTooLong
// for a long reason).
func Adjust(ctx context.Context, db store.DB, p Period, officialID int64, by Decider, version int, grade grading.Grade, reason string) (Stored, error) {
	if err := p.valid(); err != nil {
		return Stored{}, err
	}
	if !grade.Valid() {
		return Stored{}, ErrBadGrade
	}
	reason, err := textnorm.Field(reason, MaxReason)
	if errors.Is(err, textnorm.ErrEmpty) {
		return Stored{}, ErrNoReason
	}
	if err != nil {
		return Stored{}, err
	}
	s, err := lockStored(ctx, db, officialID, p)
	if err != nil {
		return s, err
	}
	if s.Status == StatusAdjusted && s.Grade == grade && s.Reason == reason && s.ConfirmedBy != nil && *s.ConfirmedBy == by.ID {
		return s, nil // a repeated adjustment
	}
	if s.Version != version {
		return s, ErrStale
	}
	if !s.Graded {
		return s, ErrNotGraded
	}
	return decide(ctx, db, s, by, StatusAdjusted, grade, reason)
}

// ConfirmYear is Confirm for the year.
func ConfirmYear(ctx context.Context, db store.DB, year int, officialID int64, by Decider, version int) (Stored, error) {
	return Confirm(ctx, db, Period{Year: year}, officialID, by, version)
}

// AdjustYear is Adjust for the year.
func AdjustYear(ctx context.Context, db store.DB, year int, officialID int64, by Decider, version int, grade grading.Grade, reason string) (Stored, error) {
	return Adjust(ctx, db, Period{Year: year}, officialID, by, version, grade, reason)
}

func decide(ctx context.Context, db store.DB, s Stored, by Decider, status string, grade grading.Grade, reason string) (Stored, error) {
	actorID := by.ID
	if grade == grading.GradeA {
		if err := quotaRoom(ctx, db, s); err != nil {
			return s, err
		}
	}
	var g any
	if grade != "" {
		g = string(grade)
	}
	var r any
	if reason != "" {
		r = reason
	}
	if _, err := db.Exec(ctx, `UPDATE period_results SET status = $4, grade = $5, reason = $6, confirmed_by = $7,
		confirmed_at = now(), version = version + 1 WHERE official_id = $1 AND year = $2 AND quarter = $3`,
		s.OfficialID, s.Period.Year, s.Period.Quarter, status, g, r, actorID); err != nil {
		return s, err
	}
	action := strings.TrimSuffix(status, "ed")
	if status == StatusConfirmed {
		action = "confirm"
	}
	if err := evaluation.Audit(ctx, db, evaluation.AuditEntry{Actor: &actorID, Subject: s.OfficialID, Entity: "period_result",
		EntityID: int64(s.Period.Year*10 + s.Period.Quarter), Action: action,
		Before: map[string]any{"status": s.Status, "grade": s.Grade},
		After:  map[string]any{"status": status, "grade": grade, "on_behalf_of": by.OnBehalfOf},
		Reason: reason}); err != nil {
		return s, err
	}
	s.Status, s.Grade, s.Reason, s.ConfirmedBy = status, grade, reason, &actorID
	s.Version++
	return s, nil
}

// String is "2026" or "2026-Q4".
func (p Period) String() string {
	if p.Quarter == 0 {
		return fmt.Sprint(p.Year)
	}
	return fmt.Sprintf("%d-Q%d", p.Year, p.Quarter)
}

// quotaRoom checks that one more decided A fits the period's grade-A quota
// of the person's quota group in their unit (their unit at the period's end;
// the group is their task group under a task_group quota scope, else the
// whole unit): the quota is counted over the group's final grades (the
// decided ones, the computed ones of the drafts) with this person at A, and
// the As already confirmed or adjusted must leave room for this one. The
// unit's rows are locked, so two decisions at once cannot both take the
// last place.
func quotaRoom(ctx context.Context, db store.DB, s Stored) error {
	var fwID string
	var exceptional bool
	if err := db.QueryRow(ctx, `SELECT framework_id, exceptional FROM units WHERE id = $1`, s.UnitID).Scan(&fwID, &exceptional); err != nil {
		return err
	}
	f, err := grading.Preset(fwID)
	if err != nil {
		return fmt.Errorf("yearly: unit %d: %w", s.UnitID, err)
	}
	rows, err := db.Query(ctx, `SELECT r.official_id, r.mean_total, coalesce(r.grade, ''), r.status <> 'draft', o.task_group
		FROM period_results r JOIN officials o ON o.id = r.official_id
		WHERE r.unit_id = $1 AND r.year = $2 AND r.quarter = $3 AND r.graded
		ORDER BY r.official_id FOR UPDATE OF r`, s.UnitID, s.Period.Year, s.Period.Quarter)
	if err != nil {
		return err
	}
	defer rows.Close()
	type member struct {
		grading.QuotaMember
		decided bool
		group   string
	}
	var all []member
	group := ""
	for rows.Next() {
		var m member
		var mean int64
		var grade string
		if err := rows.Scan(&m.ID, &mean, &grade, &m.decided, &m.group); err != nil {
			return err
		}
		m.Total, m.Grade, m.group = grading.Points(mean), grading.Grade(grade), f.QuotaGroup(m.group)
		if m.ID == s.OfficialID {
			m.Grade, group = grading.GradeA, m.group
		}
		all = append(all, m)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	var members []grading.QuotaMember
	decidedA := 0
	for _, m := range all {
		if m.group != group {
			continue
		}
		if m.ID != s.OfficialID && m.decided && m.Grade == grading.GradeA {
			decidedA++
		}
		members = append(members, m.QuotaMember)
	}
	if decidedA+1 > f.PeriodQuotaCheck(s.Period.Kind(), members, exceptional).Max {
		return ErrQuota
	}
	return nil
}
