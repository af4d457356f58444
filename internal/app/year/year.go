// Package year holds the use cases of the yearly evaluation (đánh giá, xếp
// loại năm; Decree 335/2025/NĐ-CP Art. 21): a person's summary of their
// year, the head's yearly table of the people they review, and the head's
// decisions — confirm one, confirm all, adjust one with a reason, and the
// choice of who moves from A to B when an A has no room in the yearly quota
// of its group. The year itself is internal/yearly's (computed from the
// stored months, following a person across units); this package authorizes
// from the database (access.ReviewRight: the head of the person's unit at
// the year's end, or the deputy that head delegated to on the day) and runs
// inside the caller's transaction: one user action, one transaction.
package year

import (
	"context"
	"encoding/json"
	"errors"
	"hash/fnv"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/app/access"
	"evalbot/internal/calendar"
	"evalbot/internal/grading"
	"evalbot/internal/roster"
	"evalbot/internal/store"
	"evalbot/internal/yearly"
)

// Refusals, besides access.ErrForbidden and yearly's (ErrStale, ErrNotFound,
// ErrQuota, ErrNoReason, ErrBadGrade, ErrNotGraded).
var (
	// ErrNoChoice: the person chosen to move to B is not an A of the same
	// quota group as the one who keeps the A.
	ErrNoChoice = errors.New("year: not a candidate of that quota group")
)

// Table is the yearly table of the people a head (or their deputy) decides
// for, by unit in the order of the people (roster order), each unit with
// its quota groups.
type Table struct {
	Year  int
	Units []yearly.Unit // People: only the people the actor reviews
	// Key fingerprints the figures shown (who, where, months, mean,
	// computed grade), not the decisions: «confirm all» carries it, so a
	// table whose figures changed since it was shown is stale, while a
	// second tap on the same table confirms nothing more (ConfirmAll).
	Key string
}

// People counts the table's people.
func (t *Table) People() int {
	n := 0
	for _, u := range t.Units {
		n += len(u.People)
	}
	return n
}

// Person returns the table's row of an official.
func (t *Table) Person(officialID int64) (yearly.Unit, yearly.Person, bool) {
	for _, u := range t.Units {
		for _, x := range u.People {
			if x.OfficialID == officialID {
				return u, x, true
			}
		}
	}
	return yearly.Unit{}, yearly.Person{}, false
}

// Refresh computes the year of every person of the units (yearly.ComputeUnits)
// and stores the drafts (yearly.Save): a decision stands while its figures
// do. It returns the results as stored.
func Refresh(ctx context.Context, db store.DB, y int, unitIDs []int64, fws yearly.Frameworks) (*yearly.Results, error) {
	p := yearly.Period{Year: y}
	res, err := yearly.ComputeUnits(ctx, db, p, unitIDs, fws)
	if err != nil {
		return nil, err
	}
	n, err := yearly.Save(ctx, db, res)
	if err != nil || n == 0 {
		return res, err
	}
	return yearly.ComputeUnits(ctx, db, p, unitIDs, fws) // the stored versions
}

// LoadTable refreshes and returns the yearly table of the people actorID
// reviews on day (access.Reviewees: their unit's people, the heads of the
// units below, and those of a head they stand in for). access.ErrForbidden
// when they review nobody.
func LoadTable(ctx context.Context, db store.DB, actorID int64, y int, day calendar.Date, fws yearly.Frameworks) (*Table, error) {
	who, err := access.Reviewees(ctx, db, actorID, day)
	if err != nil {
		return nil, err
	}
	if len(who) == 0 {
		return nil, access.ErrForbidden
	}
	mine := map[int64]bool{}
	var unitIDs []int64
	for _, o := range who {
		mine[o.ID] = true
		if !slices.Contains(unitIDs, o.UnitID) {
			unitIDs = append(unitIDs, o.UnitID)
		}
	}
	res, err := Refresh(ctx, db, y, unitIDs, fws)
	if err != nil {
		return nil, err
	}
	t := &Table{Year: y}
	h := fnv.New64a()
	for _, u := range res.Units {
		people := u.People
		u.People = nil
		for _, x := range people {
			if !mine[x.OfficialID] || !x.Evaluated {
				continue
			}
			u.People = append(u.People, x)
			h.Write(strconv.AppendInt(nil, x.OfficialID, 10))
			h.Write([]byte{':'})
			h.Write(strconv.AppendInt(nil, x.UnitID, 10))
			h.Write([]byte{':', byte(x.Result.Months), ':'})
			h.Write(strconv.AppendInt(nil, int64(x.Result.Mean), 10))
			h.Write([]byte(":" + string(x.Result.Grade) + ";"))
		}
		if len(u.People) > 0 {
			t.Units = append(t.Units, u)
		}
	}
	t.Key = strconv.FormatUint(h.Sum64(), 36)
	return t, nil
}

// decider authorizes actorID to decide officialID's year on day.
func decider(ctx context.Context, db store.DB, actorID, officialID int64, day calendar.Date) (yearly.Decider, error) {
	ok, onBehalf, err := access.ReviewRight(ctx, db, actorID, officialID, day)
	if err != nil {
		return yearly.Decider{}, err
	}
	if !ok {
		return yearly.Decider{}, access.ErrForbidden
	}
	return yearly.Decider{ID: actorID, OnBehalfOf: onBehalf}, nil
}

// Confirm confirms officialID's computed yearly grade for actorID on day,
// version being the stored row's version the head saw (yearly.Confirm: a
// double tap changes nothing; an A with no room in its quota group is
// yearly.ErrQuota, and the head chooses, Choose). Refusals:
// access.ErrForbidden, yearly's.
func Confirm(ctx context.Context, db store.DB, actorID, officialID int64, y, version int, day calendar.Date) (yearly.Stored, error) {
	by, err := decider(ctx, db, actorID, officialID, day)
	if err != nil {
		return yearly.Stored{}, err
	}
	return yearly.ConfirmYear(ctx, db, y, officialID, by, version)
}

// Adjust sets officialID's yearly grade to grade with a reason, for actorID
// on day (yearly.Adjust). Refusals: access.ErrForbidden, yearly's.
func Adjust(ctx context.Context, db store.DB, actorID, officialID int64, y, version int, grade grading.Grade, reason string, day calendar.Date) (yearly.Stored, error) {
	by, err := decider(ctx, db, actorID, officialID, day)
	if err != nil {
		return yearly.Stored{}, err
	}
	return yearly.AdjustYear(ctx, db, y, officialID, by, version, grade, reason)
}

// AllResult is what «confirm all» did.
type AllResult struct {
	// Confirmed are the rows confirmed now, in table order.
	Confirmed []yearly.Stored
	// Held are the As of a quota group over its quota, left as drafts:
	// the head chooses who keeps the A (Choose), nobody is moved silently.
	Held []yearly.Person
}

// ConfirmAll confirms every draft of actorID's yearly table whose figures
// are those of the table shown (key, Table.Key; else yearly.ErrStale), except
// the As of a quota group over its quota (AllResult.Held). A second tap
// finds nothing left to confirm and changes nothing.
func ConfirmAll(ctx context.Context, db store.DB, actorID int64, y int, key string, day calendar.Date, fws yearly.Frameworks) (*Table, AllResult, error) {
	var out AllResult
	t, err := LoadTable(ctx, db, actorID, y, day, fws)
	if err != nil {
		return nil, out, err
	}
	if t.Key != key {
		return t, out, yearly.ErrStale
	}
	for _, u := range t.Units {
		for _, x := range u.People {
			if x.Status != yearly.StatusDraft {
				continue
			}
			if x.QuotaCandidate {
				out.Held = append(out.Held, x)
				continue
			}
			s, err := Confirm(ctx, db, actorID, x.OfficialID, y, x.Version, day)
			if errors.Is(err, yearly.ErrQuota) {
				out.Held = append(out.Held, x) // decided As fill the group already
				continue
			}
			if err != nil {
				return t, out, err
			}
			out.Confirmed = append(out.Confirmed, s)
		}
	}
	if len(out.Confirmed) > 0 {
		t, err = LoadTable(ctx, db, actorID, y, day, fws)
	}
	return t, out, err
}

// Candidate is an A of a quota group, for the head's choice of who moves to B.
type Candidate struct {
	OfficialID int64
	FullName   string
	Mean       grading.Points
	Version    int
	Decided    bool // confirmed or adjusted A (else a draft whose computed grade is A)
}

// Candidates lists the As of officialID's quota group for the year (the
// same unit at the year's end and, under a task_group quota scope, the same
// task group) that actorID may decide on day, officialID excluded, highest
// mean first: whom the head may move to B so that officialID keeps an A.
func Candidates(ctx context.Context, db store.DB, actorID, officialID int64, y int, day calendar.Date, fws yearly.Frameworks) ([]Candidate, error) {
	if _, err := decider(ctx, db, actorID, officialID, day); err != nil {
		return nil, err
	}
	if fws == nil {
		fws = grading.Preset
	}
	var fwID, group string
	var unitID int64
	if err := db.QueryRow(ctx, `SELECT r.unit_id, u.framework_id, o.task_group FROM period_results r
		JOIN officials o ON o.id = r.official_id JOIN units u ON u.id = r.unit_id
		WHERE r.official_id = $1 AND r.year = $2 AND r.quarter = 0`, officialID, y).Scan(&unitID, &fwID, &group); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, yearly.ErrNotFound
		}
		return nil, err
	}
	fw, err := fws(fwID)
	if err != nil {
		return nil, err
	}
	rows, err := db.Query(ctx, `SELECT r.official_id, o.full_name, r.mean_total, r.version, r.status <> 'draft', o.task_group
		FROM period_results r JOIN officials o ON o.id = r.official_id
		WHERE r.unit_id = $1 AND r.year = $2 AND r.quarter = 0 AND r.graded AND r.grade = 'A' AND r.official_id <> $3
		ORDER BY r.mean_total DESC, r.official_id`, unitID, y, officialID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Candidate
	for rows.Next() {
		var c Candidate
		var mean int64
		var g string
		if err := rows.Scan(&c.OfficialID, &c.FullName, &mean, &c.Version, &c.Decided, &g); err != nil {
			return nil, err
		}
		c.Mean = grading.Points(mean)
		if fw.QuotaGroup(g) == fw.QuotaGroup(group) {
			out = append(out, c)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	kept := out[:0]
	for _, c := range out {
		if ok, err := access.CanReview(ctx, db, actorID, c.OfficialID, day); err != nil {
			return nil, err
		} else if ok {
			kept = append(kept, c)
		}
	}
	return kept, nil
}

// Choose settles the yearly A quota of a group the head's way: demoteID (an
// A of keepID's quota group, Candidates) moves to B with reason, then keepID's
// A is confirmed; both at the versions the head saw. Both changes are audited
// and happen together or not at all (the caller's transaction). A second tap
// finds both done and changes nothing. Refusals: access.ErrForbidden,
// ErrNoChoice, yearly's.
func Choose(ctx context.Context, db store.DB, actorID, keepID int64, keepVersion int, demoteID int64, demoteVersion int, y int, reason string, day calendar.Date, fws yearly.Frameworks) (kept, demoted yearly.Stored, err error) {
	cands, err := Candidates(ctx, db, actorID, keepID, y, day, fws)
	if err != nil {
		return kept, demoted, err
	}
	ok := false
	for _, c := range cands {
		ok = ok || c.OfficialID == demoteID
	}
	if !ok {
		// Already moved to B by this choice (a double tap): the Adjust below
		// is then a repeat; anything else is not a candidate.
		var status, grade string
		err := db.QueryRow(ctx, `SELECT status, coalesce(grade, '') FROM period_results WHERE official_id = $1 AND year = $2 AND quarter = 0`,
			demoteID, y).Scan(&status, &grade)
		if err != nil || status != yearly.StatusAdjusted || grade != string(grading.GradeB) {
			return kept, demoted, ErrNoChoice
		}
	}
	if demoted, err = Adjust(ctx, db, actorID, demoteID, y, demoteVersion, grading.GradeB, reason, day); err != nil {
		return kept, demoted, err
	}
	kept, err = Confirm(ctx, db, actorID, keepID, y, keepVersion, day)
	return kept, demoted, err
}

// Month is one month of a person's year, as their summary lists it.
type Month struct {
	Month int // 1..12
	// Graded: the month counts in the mean, with Total and Grade.
	Graded bool
	Total  grading.Points
	Grade  grading.Grade
	// Left says why a month is left out: LeftNotWorked, LeftNoResult or
	// LeftNotYet; "" for a graded month.
	Left string
	// UnitCode and UnitName: where the month was evaluated ("" when not).
	UnitCode, UnitName string
}

// Why a month is left out of the year's mean.
const (
	LeftNotWorked = "not_worked" // approved without a grade: too few days worked (leave, sickness)
	LeftNoResult  = "no_result"  // no approved result for the month
	LeftNotYet    = "not_yet"    // the month is not over, or not yet evaluated
)

// Summary is a person's year as their summary card shows it.
type Summary struct {
	Official roster.Official
	Year     int
	// Stored is the stored yearly row (draft, confirmed or adjusted).
	Stored yearly.Stored
	Counts [4]int // graded months per grade: A, B, C, D
	// Overrides are the year's rule outcomes (too few months, a discipline).
	Overrides []grading.Override
	// MinMonths is the fewest graded months the framework grades a year on.
	MinMonths int
	Months    []Month // 1..12
}

// LoadSummary returns officialID's year for actorID (the person themself,
// or whoever reviews them on day; else access.ErrForbidden), from the
// stored row (yearly.ErrNotFound when the year was never computed for them;
// refresh computes their unit first). Months from current on are «not yet».
func LoadSummary(ctx context.Context, db store.DB, actorID, officialID int64, y int, current calendar.Month, day calendar.Date, refresh bool, fws yearly.Frameworks) (Summary, error) {
	s := Summary{Year: y}
	if actorID != officialID {
		if ok, err := access.CanReview(ctx, db, actorID, officialID, day); err != nil || !ok {
			if err == nil {
				err = access.ErrForbidden
			}
			return s, err
		}
	}
	o, err := roster.OfficialByID(ctx, db, officialID)
	if err != nil {
		return s, err
	}
	s.Official = o
	if refresh {
		if _, err := Refresh(ctx, db, y, []int64{o.UnitID}, fws); err != nil {
			return s, err
		}
	}
	var mean int64
	var computed, grade, overrides string
	st := &s.Stored
	err = db.QueryRow(ctx, `SELECT r.unit_id, r.graded, r.months, r.mean_total, coalesce(r.computed_grade, ''), coalesce(r.grade, ''),
		r.status, coalesce(r.reason, ''), r.confirmed_by, r.version, r.count_a, r.count_b, r.count_c, r.count_d, r.overrides::text,
		r.framework_id
		FROM period_results r WHERE r.official_id = $1 AND r.year = $2 AND r.quarter = 0`, officialID, y).
		Scan(&st.UnitID, &st.Graded, &st.Months, &mean, &computed, &grade, &st.Status, &st.Reason, &st.ConfirmedBy, &st.Version,
			&s.Counts[0], &s.Counts[1], &s.Counts[2], &s.Counts[3], &overrides, new(string))
	if errors.Is(err, pgx.ErrNoRows) {
		return s, yearly.ErrNotFound
	}
	if err != nil {
		return s, err
	}
	st.OfficialID, st.Period = officialID, yearly.Period{Year: y}
	st.Mean, st.ComputedGrade, st.Grade = grading.Points(mean), grading.Grade(computed), grading.Grade(grade)
	if err := json.Unmarshal([]byte(overrides), &s.Overrides); err != nil {
		return s, err
	}
	var fwID string
	if err := db.QueryRow(ctx, `SELECT framework_id FROM units WHERE id = $1`, st.UnitID).Scan(&fwID); err != nil {
		return s, err
	}
	if fws == nil {
		fws = grading.Preset
	}
	if fw, err := fws(fwID); err == nil {
		s.MinMonths = fw.MinGradedMonths(grading.PeriodYear)
	}
	rows, err := db.Query(ctx, `SELECT extract(month FROM a.month)::int, a.status = 'approved', coalesce(a.graded, false),
		coalesce(a.total, 0), coalesce(a.grade, ''), u.code, u.name
		FROM assessments a JOIN units u ON u.id = a.unit_id
		WHERE a.official_id = $1 AND a.month BETWEEN $2::date AND $3::date ORDER BY a.month`,
		officialID, time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(y, 12, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		return s, err
	}
	defer rows.Close()
	s.Months = make([]Month, 12)
	for i := range s.Months {
		s.Months[i] = Month{Month: i + 1, Left: LeftNoResult}
	}
	for rows.Next() {
		var m Month
		var approved bool
		var total int64
		var g string
		if err := rows.Scan(&m.Month, &approved, &m.Graded, &total, &g, &m.UnitCode, &m.UnitName); err != nil {
			return s, err
		}
		m.Total, m.Grade = grading.Points(total), grading.Grade(g)
		switch {
		case !approved:
			m.Graded, m.Left = false, LeftNoResult
		case !m.Graded:
			m.Left = LeftNotWorked
		}
		s.Months[m.Month-1] = m
	}
	if err := rows.Err(); err != nil {
		return s, err
	}
	for i := range s.Months {
		m := &s.Months[i]
		if !m.Graded && (y > current.Year || y == current.Year && m.Month >= int(current.Month)) {
			m.Left = LeftNotYet
		}
	}
	return s, nil
}
