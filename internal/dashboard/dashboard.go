// Package dashboard is the organization department's (ban tổ chức) view of
// a month, shared by the faces (the web's dashboard, the chat's /status,
// which also covers a head's people: Status): every unit of an admin's subtree with its
// people, weekly plans, self-assessments, approvals, missing people,
// publication and grade counts, and a unit's people. It authorizes from the
// database (table admins: an admin sees the subtree of each unit granted)
// and reads with a few set-based queries — none per person or per unit —
// so a subtree of 100,000 officials in 5,000 units is one pass.
//
// It returns plain structs; the web face (internal/web) renders them.
package dashboard

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/jackc/pgx/v5"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"evalbot/internal/calendar"
	"evalbot/internal/grading"
	"evalbot/internal/report"
	"evalbot/internal/store"
	"evalbot/internal/textnorm"
)

// Errors of Read and Unit.
var (
	// ErrNotAdmin: the acting person administers no unit (or left the roster).
	ErrNotAdmin = errors.New("dashboard: not an organization-department admin")
	// ErrNotInScope: the unit does not exist or is outside the admin's subtree.
	ErrNotInScope = errors.New("dashboard: unit not in the admin's subtree")
)

// Actor is the signed-in person the dashboard is read for.
type Actor struct {
	ID       int64
	FullName string
	Language string // vi or en, from the roster or the bot's /language
	Admin    bool   // administers at least one unit
}

// WhoIs reads the acting official: name, language and whether they are an admin.
// ErrNotAdmin when the official is unknown or inactive.
func WhoIs(ctx context.Context, db store.DB, officialID int64) (Actor, error) {
	a := Actor{ID: officialID}
	err := db.QueryRow(ctx, `SELECT o.full_name, o.language, EXISTS (SELECT 1 FROM admins ad WHERE ad.official_id = o.id)
		  FROM officials o WHERE o.id = $1 AND o.active`, officialID).Scan(&a.FullName, &a.Language, &a.Admin)
	if errors.Is(err, pgx.ErrNoRows) {
		return a, ErrNotAdmin
	}
	return a, err
}

// UnitMonth is one unit's month. Counts are of the unit's own active
// officials (not its sub-units'). Plans are the weekly plans of Week;
// SelfAssessed counts self-assessments waiting for the head (submitted),
// Approved the approved ones, Missing the rest (none, draft or returned).
type UnitMonth struct {
	ID                                  int64
	Code, Name                          string
	Depth                               int // 0 for a root of the admin's subtree
	People, PlansApproved, PlansWaiting int
	SelfAssessed, Approved, Missing     int
	Published                           bool
	Grades                              GradeCounts
}

// GradeCounts are the approved month's grades; NotGraded is approved but
// not graded (too few working days).
type GradeCounts struct {
	A, B, C, D, NotGraded int
}

// Sum is the number of approved people the counts cover.
func (g GradeCounts) Sum() int { return g.A + g.B + g.C + g.D + g.NotGraded }

// Overview is the month of an admin's subtree.
type Overview struct {
	Month calendar.Month
	Week  calendar.Week
	Units []UnitMonth // filtered and sorted as asked
	// Total sums every unit of the subtree (before the name filter).
	Total UnitMonth
	// UnitsInScope is the number of units in the subtree (before the filter).
	UnitsInScope int
	// Roots are the codes of the units granted to the admin that are not
	// below another of their grants: the subtrees Export takes.
	Roots []string
	// Who is the whole subtree (before the filter), for the picture's reads.
	Who Who
}

// Sort columns of Query.Sort.
const (
	SortTree      = ""          // the unit tree, parents before children
	SortName      = "name"      // by name, Vietnamese order
	SortPeople    = "people"    // most people first
	SortPlans     = "plans"     // fewest approved plans (as a share) first
	SortSelf      = "self"      // most waiting self-assessments first
	SortApproved  = "approved"  // fewest approved (as a share) first
	SortMissing   = "missing"   // most missing first
	SortPublished = "published" // unpublished first
)

// SortColumns lists the accepted Query.Sort values besides SortTree.
var SortColumns = []string{SortName, SortPeople, SortPlans, SortSelf, SortApproved, SortMissing, SortPublished}

// Query is what the dashboard is asked for: the month, the week of the
// plan counts, a filter on unit names and codes (case and diacritics
// ignored: "hoa binh" finds «Hòa Bình»), and a sort column (reversed by
// Desc).
type Query struct {
	Month  calendar.Month
	Week   calendar.Week
	Filter string
	Sort   string
	Desc   bool
}

// scopeCTE is the admin's subtree: every unit granted in admins and every
// unit below, with its depth from the granted root and its path of codes
// (compared bytewise: codes are ASCII) for the tree order; a unit under two
// grants counts once, in the tree of the higher grant. $1 is the official.
const scopeCTE = `WITH RECURSIVE scope (id, depth, path) AS (
		SELECT a.unit_id, 0, ARRAY[u.code COLLATE "C"]
		  FROM admins a JOIN units u ON u.id = a.unit_id
		  JOIN officials me ON me.id = a.official_id AND me.active
		 WHERE a.official_id = $1
		UNION ALL
		SELECT u.id, s.depth + 1, s.path || (u.code COLLATE "C")
		  FROM units u JOIN scope s ON u.parent_id = s.id
		 WHERE s.depth < 100),
	sub AS (SELECT DISTINCT ON (id) id, depth, path FROM scope ORDER BY id, depth DESC)`

// Read reads month q.Month for every unit in the subtree of the acting
// admin in one statement, nothing per unit or per person: the subtree's
// units with their publication and their tallies (migration 020, kept by
// triggers in the transactions that change the rows they count, so they are
// exactly what counting the rows would give in the same snapshot). The tree
// order is made here. ErrNotAdmin when actor administers nothing.
func Read(ctx context.Context, db store.DB, actor int64, q Query) (*Overview, error) {
	rows, err := db.Query(ctx, `WITH RECURSIVE scope (id) AS (
		SELECT a.unit_id FROM admins a JOIN officials me ON me.id = a.official_id AND me.active
		 WHERE a.official_id = $1
		UNION
		SELECT u.id FROM units u JOIN scope s ON u.parent_id = s.id)
	SELECT u.id, coalesce(u.parent_id, 0), u.code, u.name, u.active, p.unit_id IS NOT NULL,
	       coalesce(t.people, 0), coalesce(w.approved, 0), coalesce(w.submitted, 0),
	       coalesce(m.submitted, 0), coalesce(m.approved, 0), coalesce(m.grade_a, 0), coalesce(m.grade_b, 0),
	       coalesce(m.grade_c, 0), coalesce(m.grade_d, 0), coalesce(m.not_graded, 0)
	  FROM scope JOIN units u ON u.id = scope.id
	  LEFT JOIN publications p ON p.unit_id = u.id AND p.month = $2::date
	  LEFT JOIN unit_tallies t ON t.unit_id = u.id
	  LEFT JOIN unit_month_tallies m ON m.month = $2::date AND m.unit_id = u.id
	  LEFT JOIN unit_week_tallies w ON w.week_start = $3::date AND w.unit_id = u.id`,
		actor, q.Month.First().String(), q.Week.Monday().String())
	if err != nil {
		return nil, err
	}
	var all []treeUnit
	for rows.Next() {
		var t treeUnit
		u := &t.UnitMonth
		g := &u.Grades
		if err := rows.Scan(&u.ID, &t.parent, &u.Code, &u.Name, &t.active, &u.Published, &u.People, &u.PlansApproved, &u.PlansWaiting,
			&u.SelfAssessed, &u.Approved, &g.A, &g.B, &g.C, &g.D, &g.NotGraded); err != nil {
			rows.Close()
			return nil, err
		}
		u.Missing = u.People - u.SelfAssessed - u.Approved
		all = append(all, t)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	units := treeOrder(all)
	if len(units) == 0 {
		// Nothing in scope: not an admin (a granted unit always shows).
		return nil, ErrNotAdmin
	}
	ids := make([]int64, len(units))
	for i, u := range units {
		ids[i] = u.ID
	}
	ov := &Overview{Month: q.Month, Week: q.Week, UnitsInScope: len(units), Who: Who{Admin: true, Units: ids}}
	ov.Total = Sum(units)
	for _, u := range units {
		if u.Depth == 0 {
			ov.Roots = append(ov.Roots, u.Code)
		}
	}
	if f := Fold(q.Filter); f != "" {
		units = slices.DeleteFunc(units, func(u UnitMonth) bool {
			return !strings.Contains(Fold(u.Name), f) && !strings.Contains(Fold(u.Code), f)
		})
	}
	sortUnits(units, q.Sort, q.Desc)
	ov.Units = units
	return ov, nil
}

// customPlan, put first among a query's arguments, has PostgreSQL plan it
// for its actual parameters each time (pgx's unnamed statement), never with
// the generic plan a cached statement gets after five runs: for a filter
// on an array of units or people the generic plan cannot know the array's
// length and probes officials one by one, seconds at a city's scale
// (decision 0016).
const customPlan = pgx.QueryExecModeExec

// missingSQL is the one definition of "has not self-assessed" (chưa tự
// đánh giá) over an assessment joined as a (NULL when none): no
// assessment, a draft or one returned to its author.
const missingSQL = `(a.status IS NULL OR a.status IN ('draft', 'returned'))`

// addCounts fills the month's counts of units (indexed by id; units not in
// it are left out) from the people of w, in one pass over officials joined
// with week q.Week's plans and month q.Month's assessments.
func addCounts(ctx context.Context, db store.DB, units []UnitMonth, w Who, q Query) error {
	at := make(map[int64]int, len(units))
	for i, u := range units {
		at[u.ID] = i
	}
	who, arg := w.filter()
	rows, err := db.Query(ctx, `
		SELECT o.unit_id,
		       count(*),
		       count(*) FILTER (WHERE pl.status = 'approved'),
		       count(*) FILTER (WHERE pl.status = 'submitted'),
		       count(*) FILTER (WHERE a.status = 'submitted'),
		       count(*) FILTER (WHERE a.status = 'approved'),
		       count(*) FILTER (WHERE `+missingSQL+`),
		       count(*) FILTER (WHERE a.status = 'approved' AND a.graded AND a.grade = 'A'),
		       count(*) FILTER (WHERE a.status = 'approved' AND a.graded AND a.grade = 'B'),
		       count(*) FILTER (WHERE a.status = 'approved' AND a.graded AND a.grade = 'C'),
		       count(*) FILTER (WHERE a.status = 'approved' AND a.graded AND a.grade = 'D'),
		       count(*) FILTER (WHERE a.status = 'approved' AND NOT coalesce(a.graded, false))
		  FROM officials o
		  LEFT JOIN plans pl ON pl.official_id = o.id AND pl.kind = 'week' AND pl.period_start = $3::date
		  LEFT JOIN assessments a ON a.official_id = o.id AND a.month = $2::date
		 WHERE o.active AND `+who+`
		 GROUP BY o.unit_id`, customPlan, arg, q.Month.First().String(), q.Week.Monday().String())
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var c UnitMonth
		g := &c.Grades
		if err := rows.Scan(&id, &c.People, &c.PlansApproved, &c.PlansWaiting, &c.SelfAssessed, &c.Approved, &c.Missing,
			&g.A, &g.B, &g.C, &g.D, &g.NotGraded); err != nil {
			return err
		}
		i, ok := at[id]
		if !ok {
			continue
		}
		u := &units[i]
		u.People, u.PlansApproved, u.PlansWaiting, u.SelfAssessed = c.People, c.PlansApproved, c.PlansWaiting, c.SelfAssessed
		u.Approved, u.Missing, u.Grades = c.Approved, c.Missing, c.Grades
	}
	return rows.Err()
}

// Sum is the counts of units added up (no name, code or publication).
func Sum(units []UnitMonth) UnitMonth {
	var t UnitMonth
	for _, u := range units {
		t.People += u.People
		t.PlansApproved += u.PlansApproved
		t.PlansWaiting += u.PlansWaiting
		t.SelfAssessed += u.SelfAssessed
		t.Approved += u.Approved
		t.Missing += u.Missing
		t.Grades.A += u.Grades.A
		t.Grades.B += u.Grades.B
		t.Grades.C += u.Grades.C
		t.Grades.D += u.Grades.D
		t.Grades.NotGraded += u.Grades.NotGraded
	}
	return t
}

// treeUnit is a unit of the subtree as read, before the tree order.
type treeUnit struct {
	UnitMonth
	parent int64 // 0 for none
	active bool
}

// treeOrder puts the subtree's units in the tree order, parents before
// children, siblings and roots by code (bytewise: codes are ASCII), and
// sets each one's Depth from its root: a unit whose parent is not in the
// subtree (a granted unit not below another grant). Inactive units are
// left out, their children kept (at the depth they have through them).
func treeOrder(all []treeUnit) []UnitMonth {
	// Sorted by code once, each parent's children are listed in code order.
	slices.SortFunc(all, func(a, b treeUnit) int { return strings.Compare(a.Code, b.Code) })
	at := make(map[int64]int32, len(all))
	for i, t := range all {
		at[t.ID] = int32(i)
	}
	first := make([]int32, len(all)) // each unit's first child, -1 for none
	next := make([]int32, len(all))  // its next sibling, -1 for none
	last := make([]int32, len(all))
	for i := range all {
		first[i], next[i], last[i] = -1, -1, -1
	}
	var roots []int32
	for i, t := range all {
		p, ok := at[t.parent]
		if t.parent == 0 || !ok {
			roots = append(roots, int32(i))
			continue
		}
		if last[p] < 0 {
			first[p] = int32(i)
		} else {
			next[last[p]] = int32(i)
		}
		last[p] = int32(i)
	}
	out := make([]UnitMonth, 0, len(all))
	seen := make([]bool, len(all))
	type frame struct{ i, depth int32 }
	var stack []frame
	for k := len(roots) - 1; k >= 0; k-- {
		stack = append(stack, frame{roots[k], 0})
	}
	var kids []int32
	for len(stack) > 0 {
		f := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[f.i] {
			continue
		}
		seen[f.i] = true
		if t := &all[f.i]; t.active {
			t.Depth = int(f.depth)
			out = append(out, t.UnitMonth)
		}
		kids = kids[:0]
		for c := first[f.i]; c >= 0; c = next[c] {
			kids = append(kids, c)
		}
		for k := len(kids) - 1; k >= 0; k-- {
			stack = append(stack, frame{kids[k], f.depth + 1})
		}
	}
	return out
}

// share is n/of in parts per 10,000 (0 for an empty unit), for sorting by rates.
func share(n, of int) int {
	if of == 0 {
		return 0
	}
	return n * 10000 / of
}

func sortUnits(us []UnitMonth, by string, desc bool) {
	var key func(a, b UnitMonth) int
	switch by {
	case SortName:
		report.SortNames(us, func(u UnitMonth) string { return u.Name })
		if desc {
			slices.Reverse(us)
		}
		return
	case SortPeople:
		key = func(a, b UnitMonth) int { return b.People - a.People }
	case SortPlans:
		key = func(a, b UnitMonth) int { return share(a.PlansApproved, a.People) - share(b.PlansApproved, b.People) }
	case SortSelf:
		key = func(a, b UnitMonth) int { return b.SelfAssessed - a.SelfAssessed }
	case SortApproved:
		key = func(a, b UnitMonth) int { return share(a.Approved, a.People) - share(b.Approved, b.People) }
	case SortMissing:
		key = func(a, b UnitMonth) int { return b.Missing - a.Missing }
	case SortPublished:
		key = func(a, b UnitMonth) int { return boolInt(a.Published) - boolInt(b.Published) }
	default:
		if desc {
			slices.Reverse(us)
		}
		return
	}
	slices.SortStableFunc(us, func(a, b UnitMonth) int {
		if desc {
			return key(b, a)
		}
		return key(a, b)
	})
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Fold lowers s and drops its diacritics (đ → d) for matching names as
// people type them.
func Fold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, strings.ToLower(strings.TrimSpace(s)))
	if err != nil {
		out = strings.ToLower(s)
	}
	return strings.ReplaceAll(out, "đ", "d")
}

// Person is one row of a unit's people: an active official of the unit
// with the month's assessment. Status is "" (none), draft, submitted,
// returned or approved; Total and Grade are set when Graded.
type Person struct {
	ID           int64
	EmployeeCode string
	FullName     string
	Position     string
	IsHead       bool
	Status       string
	Graded       bool
	Total        grading.Points
	Grade        grading.Grade
	Reviewer     string // the reviewer's full name, "" when none yet
	// EvidenceTasks counts the month's approved tasks that carry evidence
	// (minh chứng, issue 23), EvidenceItems the items they carry.
	EvidenceTasks, EvidenceItems int
}

// UnitPeople is one unit's month with its people in the office's order
// (the head, deputies, then by given name).
type UnitPeople struct {
	Unit   UnitMonth
	People []Person
}

// Unit reads month m of the unit with code for the acting admin: the unit
// must be in their subtree (ErrNotInScope otherwise, also for an unknown
// code; ErrNotAdmin when they administer nothing). Three statements: the
// unit, its people, their counts (the ones Read has, addCounts).
func Unit(ctx context.Context, db store.DB, actor int64, code string, q Query) (*UnitPeople, error) {
	var u UnitMonth
	var published bool
	err := db.QueryRow(ctx, scopeCTE+`
		SELECT u.id, u.code, u.name, sub.depth,
		       EXISTS (SELECT 1 FROM publications p WHERE p.unit_id = u.id AND p.month = $3::date)
		  FROM sub JOIN units u ON u.id = sub.id
		 WHERE u.code = $2`, actor, textnorm.Code(code), q.Month.First().String()).
		Scan(&u.ID, &u.Code, &u.Name, &u.Depth, &published)
	if errors.Is(err, pgx.ErrNoRows) {
		if admin, err := isAdmin(ctx, db, actor); err != nil || !admin {
			return nil, errOr(err, ErrNotAdmin)
		}
		return nil, ErrNotInScope
	}
	if err != nil {
		return nil, err
	}
	u.Published = published
	rows, err := db.Query(ctx, `
		SELECT o.id, o.employee_code, o.full_name, o.position, o.is_head, coalesce(a.status, ''),
		       coalesce(a.status = 'approved' AND a.graded, false), coalesce(a.total, 0), coalesce(a.grade, ''),
		       coalesce(r.full_name, ''), ev.tasks, ev.items
		  FROM officials o
		  LEFT JOIN assessments a ON a.official_id = o.id AND a.month = $2::date
		  LEFT JOIN officials r ON r.id = a.reviewer_id
		  CROSS JOIN LATERAL (
		       SELECT count(DISTINCT te.task_id)::int AS tasks, count(te.id)::int AS items
		         FROM plans p JOIN tasks t ON t.plan_id = p.id JOIN task_evidence te ON te.task_id = t.id
		        WHERE p.official_id = o.id AND p.month = $2::date AND p.status = 'approved') ev
		 WHERE o.unit_id = $1 AND o.active`, u.ID, q.Month.First().String())
	if err != nil {
		return nil, err
	}
	var people []Person
	for rows.Next() {
		var p Person
		var total int64
		var grade string
		if err := rows.Scan(&p.ID, &p.EmployeeCode, &p.FullName, &p.Position, &p.IsHead, &p.Status, &p.Graded, &total, &grade,
			&p.Reviewer, &p.EvidenceTasks, &p.EvidenceItems); err != nil {
			rows.Close()
			return nil, err
		}
		if p.Graded {
			p.Total, p.Grade = grading.Points(total), grading.Grade(grade)
		}
		people = append(people, p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	report.SortPeople(people, func(p Person) (bool, string, string, string) {
		return p.IsHead, p.Position, p.FullName, p.EmployeeCode
	})
	units := []UnitMonth{u}
	if err := addCounts(ctx, db, units, Who{Admin: true, Units: []int64{u.ID}}, q); err != nil {
		return nil, err
	}
	return &UnitPeople{Unit: units[0], People: people}, nil
}

// Today is the day and week the dashboard is read on, and the month under
// evaluation then (calendar.MonthUnderReview, as in the chat: the whole
// publication day still belongs to the month being published).
func Today(cal *calendar.Calendar, now time.Time) Query {
	d := calendar.DateOf(now)
	return Query{Month: cal.MonthUnderReview(d, calendar.DefaultPublishDay), Week: calendar.WeekOf(d)}
}
