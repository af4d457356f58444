package yearly

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/calendar"
	"evalbot/internal/collation"
	"evalbot/internal/grading"
	"evalbot/internal/roster"
	"evalbot/internal/store"
)

// ErrUnknownUnit is returned when the unit code names no unit.
var ErrUnknownUnit = errors.New("yearly: no unit with that code")

// Period is a year (Quarter 0) or one of its quarters (1–4).
type Period struct {
	Year    int
	Quarter int
}

// Kind is grading.PeriodYear or grading.PeriodQuarter.
func (p Period) Kind() string {
	if p.Quarter != 0 {
		return grading.PeriodQuarter
	}
	return grading.PeriodYear
}

// Months returns the first and last month of the period.
func (p Period) Months() (from, to calendar.Month) {
	if p.Quarter == 0 {
		return calendar.Month{Year: p.Year, Month: time.January}, calendar.Month{Year: p.Year, Month: time.December}
	}
	return calendar.Month{Year: p.Year, Month: time.Month(3*p.Quarter - 2)}, calendar.Month{Year: p.Year, Month: time.Month(3 * p.Quarter)}
}

func (p Period) valid() error {
	if p.Year < 1 || p.Year > 9999 || p.Quarter < 0 || p.Quarter > 4 {
		return fmt.Errorf("yearly: invalid period %d/%d", p.Year, p.Quarter)
	}
	return nil
}

// Result statuses of a stored period result.
const (
	StatusDraft     = "draft"     // computed, not yet seen by the head
	StatusConfirmed = "confirmed" // the head confirmed the computed grade
	StatusAdjusted  = "adjusted"  // the head set another grade, with a reason
)

// Stint is a run of a person's months evaluated in a unit other than the
// one they belong to at the period's end.
type Stint struct {
	UnitID     int64
	UnitCode   string
	UnitName   string
	Months     []int   // 1..12, ascending
	ReviewerID []int64 // the reviewer of each of Months (0 when none recorded)
}

// Person is one person's period.
type Person struct {
	OfficialID   int64
	EmployeeCode string
	FullName     string
	Position     string
	IsHead       bool
	// TaskGroup — nhóm nhiệm vụ: the person's task group at the period's
	// end (officials.task_group, "" for none); under a framework whose quota
	// scope is task_group the period's A quota is counted within it.
	TaskGroup string
	// Unit is where the person belongs at the period's end (their current
	// unit); the period is graded under its framework and quota.
	UnitID int64
	// Evaluated is false for a quarter under a framework that does not
	// evaluate quarters: Result is then empty.
	Evaluated bool
	// Result is the period computed from the stored months.
	Result grading.PeriodResult
	// Elsewhere lists months evaluated in other units (the person moved).
	Elsewhere []Stint
	// Disciplines lists the period's months with a disciplinary measure
	// (kỷ luật), ascending, whether or not the month was graded: the
	// result shows one only when it lowered the grade.
	Disciplines []MonthDiscipline
	// QuotaCandidate marks an A in a unit whose A count is over the
	// period's quota: the head chooses who moves to B (Unit.Quota).
	QuotaCandidate bool
	// Status, Grade, Reason, ConfirmedBy and Version are the stored row's;
	// Status is "" when the period was never stored. Grade is the final
	// grade: the stored one once confirmed or adjusted, else Result.Grade.
	Status      string
	Grade       grading.Grade
	Reason      string
	ConfirmedBy *int64
	Version     int
}

// MonthDiscipline is a disciplinary measure of one month (1..12).
type MonthDiscipline struct {
	Month int
	Level grading.Discipline
}

// Unit is one unit's people for the period, in office order.
type Unit struct {
	ID          int64
	Code, Name  string
	Exceptional bool
	Framework   *grading.Framework
	People      []Person
	// Quota is the period's grade-A quota over the people's final grades
	// (zero when the period is not evaluated under the unit's framework):
	// the sum over Groups (Max, Excess; Candidates group after group).
	Quota grading.QuotaDecision
	// Groups is the quota per quota group (grading.Framework.QuotaGroup of
	// each person's TaskGroup: one group "" under the unit scope, one per
	// task group under Decree 335's task_group scope), by group name. The
	// head chooses within a group (Decree 335/2025/NĐ-CP: the A quota is
	// counted among officials with similar tasks).
	Groups []GroupQuota
}

// GroupQuota is one quota group's standing for the period.
type GroupQuota struct {
	Group    string // "" for the whole unit, or for the people with no task group
	Decision grading.QuotaDecision
}

// Results is a period for a unit subtree, units in tree order.
type Results struct {
	Period Period
	Root   string // the unit code asked for; "" for every unit
	Units  []Unit
}

// Frameworks returns the framework of an id; grading.Preset by default.
type Frameworks func(id string) (*grading.Framework, error)

// Compute reads every person of the unit subtree of unitCode ("" for every
// unit) and their months of the period, and grades the period per person.
// It only reads (one query for the units, one for the people with their
// stored period row, one streaming the approved months and the disciplines
// ordered by person and month), so it runs in a read-only snapshot. A person
// belongs to the unit they are in now; people who left the roster are
// included when they have a month in the period. fws nil means the presets.
func Compute(ctx context.Context, db store.DB, p Period, unitCode string, fws Frameworks) (*Results, error) {
	if err := p.valid(); err != nil {
		return nil, err
	}
	if fws == nil {
		fws = grading.Preset
	}
	units, err := loadUnits(ctx, db, unitCode)
	if err != nil {
		return nil, err
	}
	return compute(ctx, db, p, strings.TrimSpace(unitCode), units, fws)
}

// ComputeUnits is Compute for the units unitIDs alone (not the units below
// them), in the order given: a head's table (internal/app/year) recomputes
// the units of the people they review. An id that names no unit is
// ErrUnknownUnit.
func ComputeUnits(ctx context.Context, db store.DB, p Period, unitIDs []int64, fws Frameworks) (*Results, error) {
	if err := p.valid(); err != nil {
		return nil, err
	}
	if fws == nil {
		fws = grading.Preset
	}
	rows, err := db.Query(ctx, `SELECT id, code, name, exceptional, framework_id FROM units WHERE id = ANY($1)
		ORDER BY array_position($1, id)`, unitIDs)
	if err != nil {
		return nil, err
	}
	units, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (unitRow, error) {
		var u unitRow
		return u, r.Scan(&u.ID, &u.Code, &u.Name, &u.Exceptional, &u.fwID)
	})
	if err != nil {
		return nil, err
	}
	if len(units) != len(slices.Compact(slices.Sorted(slices.Values(unitIDs)))) {
		return nil, fmt.Errorf("%w: %v", ErrUnknownUnit, unitIDs)
	}
	return compute(ctx, db, p, "", units, fws)
}

func compute(ctx context.Context, db store.DB, p Period, root string, units []unitRow, fws Frameworks) (*Results, error) {
	var err error
	unitIdx := map[int64]int{}
	ids := make([]int64, len(units))
	byID := map[string]*grading.Framework{} // one framework value per id, shared by its units
	for i := range units {
		unitIdx[units[i].ID] = i
		ids[i] = units[i].ID
		f, ok := byID[units[i].fwID]
		if !ok {
			if f, err = fws(units[i].fwID); err != nil {
				return nil, fmt.Errorf("yearly: unit %s: %w", units[i].Code, err)
			}
			byID[units[i].fwID] = f
		}
		units[i].Framework = f
	}
	from, to := p.Months()
	people, err := loadPeople(ctx, db, p, ids, from, to)
	if err != nil {
		return nil, err
	}
	if err := gradePeople(ctx, db, p, ids, from, to, people, units, unitIdx); err != nil {
		return nil, err
	}
	out := &Results{Period: p, Root: root}
	// One slice for everyone, ordered by unit (tree order), then each unit's
	// people in office order; the units share it (no copies: at city scale
	// the people are most of the memory).
	slices.SortStableFunc(people, func(a, b Person) int { return cmp.Compare(unitIdx[a.UnitID], unitIdx[b.UnitID]) })
	for lo := 0; lo < len(people); {
		i := unitIdx[people[lo].UnitID]
		hi := lo + 1
		for hi < len(people) && people[hi].UnitID == people[lo].UnitID {
			hi++
		}
		u := units[i]
		u.People = people[lo:hi:hi]
		collation.SortBy(u.People, func(x Person) []collation.Key {
			return append(collation.OfficeKeys(x.IsHead, x.Position, x.FullName), collation.Plain(x.EmployeeCode))
		})
		u.quota(p)
		out.Units = append(out.Units, u.Unit)
		lo = hi
	}
	return out, nil
}

type unitRow struct {
	Unit
	fwID string
}

func loadUnits(ctx context.Context, db store.DB, code string) ([]unitRow, error) {
	nodes, err := roster.Subtree(ctx, db, code)
	if errors.Is(err, roster.ErrNotFound) {
		return nil, fmt.Errorf("%w: %q", ErrUnknownUnit, strings.TrimSpace(code))
	}
	if err != nil {
		return nil, err
	}
	out := make([]unitRow, len(nodes))
	for i, n := range nodes {
		out[i] = unitRow{Unit: Unit{ID: n.ID, Code: n.Code, Name: n.Name, Exceptional: n.Exceptional}, fwID: n.FrameworkID}
	}
	return out, nil
}

// loadPeople returns the people of the units, by id, with their stored row.
func loadPeople(ctx context.Context, db store.DB, p Period, unitIDs []int64, from, to calendar.Month) ([]Person, error) {
	var n int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM officials WHERE unit_id = ANY($1)`, unitIDs).Scan(&n); err != nil {
		return nil, err
	}
	rows, err := db.Query(ctx, `
		SELECT o.id, o.employee_code, o.full_name, o.position, o.is_head, o.task_group, o.unit_id,
		       coalesce(r.status, ''), coalesce(r.grade, ''), coalesce(r.reason, ''), r.confirmed_by, coalesce(r.version, 0)
		  FROM officials o
		  LEFT JOIN period_results r ON r.official_id = o.id AND r.year = $2 AND r.quarter = $3
		 WHERE o.unit_id = ANY($1)
		   AND (o.active OR EXISTS (SELECT 1 FROM assessments a WHERE a.official_id = o.id
		        AND a.status = 'approved' AND a.month BETWEEN $4::date AND $5::date))
		 ORDER BY o.id`, unitIDs, p.Year, p.Quarter, from.First().String(), to.First().String())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]Person, 0, n)
	for rows.Next() {
		var x Person
		var grade string
		if err := rows.Scan(&x.OfficialID, &x.EmployeeCode, &x.FullName, &x.Position, &x.IsHead, &x.TaskGroup, &x.UnitID,
			&x.Status, &grade, &x.Reason, &x.ConfirmedBy, &x.Version); err != nil {
			return nil, err
		}
		x.Grade = grading.Grade(grade)
		out = append(out, x)
	}
	return out, rows.Err()
}

// monthsSQL streams the period's approved months and disciplines of the
// people in the units ($1), ordered by person and month: one row per month
// that has either.
const monthsSQL = `
	WITH a AS (
		SELECT a.official_id, a.month, a.graded, a.total, a.grade, a.unit_id, a.reviewer_id
		  FROM assessments a JOIN officials o ON o.id = a.official_id
		 WHERE o.unit_id = ANY($1) AND a.status = 'approved' AND a.month BETWEEN $2::date AND $3::date
	), d AS (
		SELECT d.official_id, d.month, d.level
		  FROM disciplines d JOIN officials o ON o.id = d.official_id
		 WHERE o.unit_id = ANY($1) AND d.month BETWEEN $2::date AND $3::date
	)
	SELECT coalesce(a.official_id, d.official_id), extract(month FROM coalesce(a.month, d.month))::int,
	       coalesce(a.graded, false), coalesce(a.total, 0), coalesce(a.grade, ''), coalesce(a.unit_id, 0),
	       coalesce(a.reviewer_id, 0), coalesce(d.level, '')
	  FROM a FULL JOIN d ON d.official_id = a.official_id AND d.month = a.month
	 ORDER BY 1, 2`

// gradePeople streams the months and grades each person's period.
func gradePeople(ctx context.Context, db store.DB, p Period, unitIDs []int64, from, to calendar.Month,
	people []Person, units []unitRow, unitIdx map[int64]int) error {
	rows, err := db.Query(ctx, monthsSQL, unitIDs, from.First().String(), to.First().String())
	if err != nil {
		return err
	}
	defer rows.Close()
	var (
		months []grading.MonthResult
		where  []monthUnit
		at     = -1 // index in people of the person being read
		next   int  // people[next:] are not reached yet
	)
	finish := func() error {
		if at < 0 {
			return nil
		}
		err := grade(p, &people[at], months, where, units, unitIdx)
		months, where, at = months[:0], where[:0], -1
		return err
	}
	// Scanned into the same variables row after row: 1.2 million rows at
	// city scale allocate nothing each (the scan targets escape).
	var (
		id, total    int64
		month        int
		gradedMonth  bool
		grade, level string
		scanUnit     monthUnit
		dest         = []any{&id, &month, &gradedMonth, &total, &grade, &scanUnit.unitID, &scanUnit.reviewerID, &level}
	)
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		m := grading.MonthResult{Month: month, Graded: gradedMonth, Total: grading.Points(total),
			Grade: grading.Grade(grade), Discipline: grading.Discipline(level)}
		mu := scanUnit
		if at < 0 || people[at].OfficialID != id {
			if err := finish(); err != nil {
				return err
			}
			// Everyone before id has no month: grade them from nothing.
			for next < len(people) && people[next].OfficialID < id {
				if err := gradeEmpty(p, &people[next], units, unitIdx); err != nil {
					return err
				}
				next++
			}
			if next < len(people) && people[next].OfficialID == id {
				at = next
				next++
			} else {
				continue // not one of the people (cannot happen: the same units)
			}
		}
		mu.month = m.Month
		months = append(months, m)
		where = append(where, mu)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if err := finish(); err != nil {
		return err
	}
	for ; next < len(people); next++ {
		if err := gradeEmpty(p, &people[next], units, unitIdx); err != nil {
			return err
		}
	}
	return nil
}

// monthUnit is where one month was evaluated, and by whom.
type monthUnit struct {
	month              int
	unitID, reviewerID int64
}

func gradeEmpty(p Period, x *Person, units []unitRow, unitIdx map[int64]int) error {
	return grade(p, x, nil, nil, units, unitIdx)
}

func grade(p Period, x *Person, months []grading.MonthResult, where []monthUnit, units []unitRow, unitIdx map[int64]int) error {
	f := units[unitIdx[x.UnitID]].Framework
	var err error
	x.Evaluated = true
	if p.Quarter == 0 {
		x.Result, err = f.YearResult(months)
	} else {
		x.Result, err = f.QuarterResult(p.Quarter, months)
		if errors.Is(err, grading.ErrQuarterNotEvaluated) {
			x.Evaluated, err = false, nil
		}
	}
	if err != nil {
		return fmt.Errorf("yearly: official %d: %w", x.OfficialID, err)
	}
	if x.Status == "" || x.Status == StatusDraft {
		x.Grade = x.Result.Grade
	}
	x.Disciplines = x.Disciplines[:0]
	for _, m := range months {
		if m.Discipline != grading.DisciplineNone {
			x.Disciplines = append(x.Disciplines, MonthDiscipline{Month: m.Month, Level: m.Discipline})
		}
	}
	for _, w := range where {
		if w.unitID == 0 || w.unitID == x.UnitID {
			continue
		}
		n := len(x.Elsewhere)
		if n == 0 || x.Elsewhere[n-1].UnitID != w.unitID {
			s := Stint{UnitID: w.unitID}
			if i, ok := unitIdx[w.unitID]; ok {
				s.UnitCode, s.UnitName = units[i].Code, units[i].Name
			}
			x.Elsewhere = append(x.Elsewhere, s)
			n++
		}
		x.Elsewhere[n-1].Months = append(x.Elsewhere[n-1].Months, w.month)
		x.Elsewhere[n-1].ReviewerID = append(x.Elsewhere[n-1].ReviewerID, w.reviewerID)
	}
	return nil
}

// quota applies the period's grade-A quota to the unit's final grades,
// within each quota group of the unit's framework (QuotaGroup of the
// person's task group: the whole unit under hanoi-3814-2018, each task group
// under nd-335-2025).
func (u *unitRow) quota(p Period) {
	var members []grading.QuotaMemberGroup
	for _, x := range u.People {
		if x.Evaluated && x.Result.Graded {
			members = append(members, grading.QuotaMemberGroup{TaskGroup: x.TaskGroup,
				QuotaMember: grading.QuotaMember{ID: x.OfficialID, Total: x.Result.Mean, Grade: x.Grade}})
		}
	}
	if len(members) == 0 {
		return
	}
	byGroup := map[string][]grading.QuotaMember{}
	for _, m := range members {
		g := u.Framework.QuotaGroup(m.TaskGroup)
		byGroup[g] = append(byGroup[g], m.QuotaMember)
	}
	over := map[int64]bool{}
	for _, g := range slices.Sorted(maps.Keys(byGroup)) {
		d := u.Framework.PeriodQuotaCheck(p.Kind(), byGroup[g], u.Exceptional)
		u.Groups = append(u.Groups, GroupQuota{Group: g, Decision: d})
		u.Quota.Max += d.Max
		u.Quota.Excess += max(d.Excess, 0)
		u.Quota.Candidates = append(u.Quota.Candidates, d.Candidates...)
		if d.Excess > 0 {
			for _, id := range d.Candidates {
				over[id] = true
			}
		}
	}
	for i := range u.People {
		u.People[i].QuotaCandidate = over[u.People[i].OfficialID] && u.People[i].Status != StatusAdjusted
	}
}

// QuotaGroup returns the unit's quota group g, and whether it has one.
func (u *Unit) QuotaGroup(g string) (GroupQuota, bool) {
	for _, q := range u.Groups {
		if q.Group == g {
			return q, true
		}
	}
	return GroupQuota{}, false
}

// overridesJSON is the stored form of a result's overrides.
func overridesJSON(os []grading.Override) []byte {
	if len(os) == 0 {
		return []byte("[]")
	}
	b, _ := json.Marshal(os)
	return b
}
