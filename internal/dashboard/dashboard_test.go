package dashboard_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"evalbot/internal/calendar"
	"evalbot/internal/dashboard"
	"evalbot/internal/dashboard/dashtest"
	"evalbot/internal/evaluation"
	"evalbot/internal/grading"
	"evalbot/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

var (
	month = calendar.Month{Year: 2026, Month: 11}
	week  = calendar.WeekOf(calendar.Date{Year: 2026, Month: 12, Day: 3})
	query = dashboard.Query{Month: month, Week: week}
)

func official(t *testing.T, ctx context.Context, db interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}, code string) int64 {
	t.Helper()
	var id int64
	if err := db.QueryRow(ctx, `SELECT id FROM officials WHERE employee_code = $1`, code).Scan(&id); err != nil {
		t.Fatal(code, err)
	}
	return id
}

// TestReadMatchesPerPerson: the set-based overview gives, unit by unit, the
// counts that reading each person's plan and assessment one by one (as the
// chat's /status does) gives.
func TestReadMatchesPerPerson(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.New(t)
	if err := dashtest.City(ctx, pool, 60, 7, month, week); err != nil {
		t.Fatal(err)
	}
	admin := official(t, ctx, pool, dashtest.AdminCode)
	ov, err := dashboard.Read(ctx, pool, admin, query)
	if err != nil {
		t.Fatal(err)
	}
	if ov.UnitsInScope != 60 || len(ov.Units) != 60 || ov.Total.People != 420 {
		t.Fatalf("scope %d units (%d shown), %d people", ov.UnitsInScope, len(ov.Units), ov.Total.People)
	}
	if ov.Units[0].Code != "C0" || ov.Units[0].Depth != 0 || ov.Units[1].Depth != 1 {
		t.Fatalf("tree order: %+v", ov.Units[:2])
	}
	rows, err := pool.Query(ctx, `SELECT o.id, o.unit_id FROM officials o WHERE o.active`)
	if err != nil {
		t.Fatal(err)
	}
	type pair struct{ id, unit int64 }
	people, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (pair, error) {
		var p pair
		return p, r.Scan(&p.id, &p.unit)
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64]*dashboard.UnitMonth{}
	for _, p := range people {
		u := want[p.unit]
		if u == nil {
			u = &dashboard.UnitMonth{}
			want[p.unit] = u
		}
		u.People++
		if pl, err := evaluation.FindPlan(ctx, pool, p.id, evaluation.KindWeek, week.Monday()); err == nil {
			switch pl.Status {
			case evaluation.StatusApproved:
				u.PlansApproved++
			case evaluation.StatusSubmitted:
				u.PlansWaiting++
			}
		}
		as, err := evaluation.FindAssessment(ctx, pool, p.id, month)
		switch {
		case err == nil && as.Status == evaluation.AssessApproved:
			u.Approved++
			var graded *bool
			var grade *string
			if err := pool.QueryRow(ctx, `SELECT graded, grade FROM assessments WHERE id = $1`, as.ID).Scan(&graded, &grade); err != nil {
				t.Fatal(err)
			}
			switch {
			case graded == nil || !*graded:
				u.Grades.NotGraded++
			case grading.Grade(*grade) == grading.GradeA:
				u.Grades.A++
			case grading.Grade(*grade) == grading.GradeB:
				u.Grades.B++
			case grading.Grade(*grade) == grading.GradeC:
				u.Grades.C++
			case grading.Grade(*grade) == grading.GradeD:
				u.Grades.D++
			}
		case err == nil && as.Status == evaluation.AssessSubmitted:
			u.SelfAssessed++
		case err == nil || errors.Is(err, evaluation.ErrNotFound):
			u.Missing++
		default:
			t.Fatal(err)
		}
	}
	for _, got := range ov.Units {
		w := want[got.ID]
		var published bool
		if err := pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM publications WHERE unit_id = $1 AND month = $2)`, got.ID, month.First().String()).Scan(&published); err != nil {
			t.Fatal(err)
		}
		if got.People != w.People || got.PlansApproved != w.PlansApproved || got.PlansWaiting != w.PlansWaiting ||
			got.SelfAssessed != w.SelfAssessed || got.Approved != w.Approved || got.Missing != w.Missing ||
			got.Grades != w.Grades || got.Published != published {
			t.Errorf("%s: got %+v, one by one %+v (published %v)", got.Code, got, *w, published)
		}
		// The drill-down counts the same.
		up, err := dashboard.Unit(ctx, pool, admin, got.Code, query)
		if err != nil {
			t.Fatal(err)
		}
		if len(up.People) != got.People || up.Unit.Grades != got.Grades || up.Unit.Missing != got.Missing ||
			up.Unit.PlansApproved != got.PlansApproved || up.Unit.Published != got.Published {
			t.Errorf("%s drill-down: %+v, overview %+v", got.Code, up.Unit, got)
		}
		if !up.People[0].IsHead {
			t.Errorf("%s: the head is not listed first", got.Code)
		}
	}
}

// TestScope: an admin of C7 sees C7 and the units below it, nothing else;
// a person who administers nothing is refused.
func TestScope(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.New(t)
	if err := dashtest.City(ctx, pool, 160, 2, month, week); err != nil {
		t.Fatal(err)
	}
	sub := official(t, ctx, pool, "E7-2")
	if _, err := pool.Exec(ctx, `INSERT INTO admins (official_id, unit_id) SELECT $1, id FROM units WHERE code = 'C7'`, sub); err != nil {
		t.Fatal(err)
	}
	ov, err := dashboard.Read(ctx, pool, sub, query)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, u := range ov.Units {
		codes = append(codes, u.Code)
	}
	// C7 has C56 and C106 and C156 below it (i mod 50 + 1 = 7).
	if len(codes) != 4 || codes[0] != "C7" {
		t.Fatalf("C7's subtree: %v", codes)
	}
	// A second grant inside the first changes nothing: C56 counts once, under C7.
	if _, err := pool.Exec(ctx, `INSERT INTO admins (official_id, unit_id) SELECT $1, id FROM units WHERE code = 'C56'`, sub); err != nil {
		t.Fatal(err)
	}
	if ov, err = dashboard.Read(ctx, pool, sub, query); err != nil || len(ov.Units) != 4 {
		t.Fatalf("overlapping grants: %v %+v", err, ov.Units)
	}
	for _, u := range ov.Units {
		if u.Code == "C56" && u.Depth != 1 {
			t.Fatalf("C56 under two grants: depth %d, want 1 (under C7)", u.Depth)
		}
	}
	if _, err := dashboard.Unit(ctx, pool, sub, "C56", query); err != nil {
		t.Fatalf("C56 in C7's subtree: %v", err)
	}
	for _, code := range []string{"C8", "C0", "NOPE"} {
		if _, err := dashboard.Unit(ctx, pool, sub, code, query); !errors.Is(err, dashboard.ErrNotInScope) {
			t.Errorf("%s outside C7's subtree: %v", code, err)
		}
	}
	nobody := official(t, ctx, pool, "E8-2")
	if _, err := dashboard.Read(ctx, pool, nobody, query); !errors.Is(err, dashboard.ErrNotAdmin) {
		t.Errorf("no admin, overview: %v", err)
	}
	if _, err := dashboard.Unit(ctx, pool, nobody, "C8", query); !errors.Is(err, dashboard.ErrNotAdmin) {
		t.Errorf("no admin, unit: %v", err)
	}
	// An admin who left the roster sees nothing.
	if _, err := pool.Exec(ctx, `UPDATE officials SET active = false WHERE id = $1`, sub); err != nil {
		t.Fatal(err)
	}
	if _, err := dashboard.Read(ctx, pool, sub, query); !errors.Is(err, dashboard.ErrNotAdmin) {
		t.Errorf("former admin: %v", err)
	}
}

// TestFilterAndSort: the name filter ignores case and diacritics; sorting
// by a column orders the units by it.
func TestFilterAndSort(t *testing.T) {
	for in, want := range map[string]string{"Hòa Bình": "hoa binh", "ĐỖ QUANG HUY": "do quang huy", " Ủy ban ": "uy ban"} {
		if got := dashboard.Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
	ctx := context.Background()
	pool := pgtest.New(t)
	if err := dashtest.City(ctx, pool, 60, 7, month, week); err != nil {
		t.Fatal(err)
	}
	admin := official(t, ctx, pool, dashtest.AdminCode)
	q := query
	q.Filter = "don vi SO 57"
	ov, err := dashboard.Read(ctx, pool, admin, q)
	if err != nil {
		t.Fatal(err)
	}
	if len(ov.Units) != 1 || ov.Units[0].Code != "C57" || ov.Total.People != 420 {
		t.Fatalf("filter: %d units, total %d", len(ov.Units), ov.Total.People)
	}
	q = query
	q.Sort = dashboard.SortMissing
	if ov, err = dashboard.Read(ctx, pool, admin, q); err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(ov.Units); i++ {
		if ov.Units[i].Missing > ov.Units[i-1].Missing {
			t.Fatalf("sort by missing: %s (%d) after %s (%d)", ov.Units[i].Code, ov.Units[i].Missing, ov.Units[i-1].Code, ov.Units[i-1].Missing)
		}
	}
	q.Desc = true
	if ov, err = dashboard.Read(ctx, pool, admin, q); err != nil {
		t.Fatal(err)
	}
	if ov.Units[0].Missing > ov.Units[len(ov.Units)-1].Missing {
		t.Fatal("reversed sort is not reversed")
	}
}

// TestTrend: the months' grades of the subtree, oldest first; the month
// under evaluation agrees with the overview's total, a month without
// approvals is zero, and another admin's subtree counts only its own.
func TestTrend(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.New(t)
	if err := dashtest.City(ctx, pool, 60, 7, month, week); err != nil {
		t.Fatal(err)
	}
	// October: everyone approved in November was approved with an A.
	if _, err := pool.Exec(ctx, `INSERT INTO assessments (official_id, month, framework_id, framework_version, status, graded, total, grade, result)
		SELECT official_id, '2026-10-01', framework_id, framework_version, 'approved', true, 9000, 'A', '{}'
		  FROM assessments WHERE month = '2026-11-01' AND status = 'approved'`); err != nil {
		t.Fatal(err)
	}
	admin := official(t, ctx, pool, dashtest.AdminCode)
	ms, err := dashboard.Trend(ctx, pool, admin, month, 3)
	if err != nil {
		t.Fatal(err)
	}
	ov, err := dashboard.Read(ctx, pool, admin, query)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 3 || ms[0].Month != (calendar.Month{Year: 2026, Month: 9}) || ms[0].Approved != 0 || ms[2].Month != month {
		t.Fatalf("months %+v", ms)
	}
	if ms[2].Grades != ov.Total.Grades || ms[2].Approved != ov.Total.Approved {
		t.Fatalf("November: trend %+v, overview %+v / %d", ms[2], ov.Total.Grades, ov.Total.Approved)
	}
	if ms[1].Approved != ov.Total.Approved || ms[1].Grades.A != ov.Total.Approved {
		t.Fatalf("October: %+v, want %d A", ms[1], ov.Total.Approved)
	}
	sub := official(t, ctx, pool, "E7-2")
	if _, err := pool.Exec(ctx, `INSERT INTO admins (official_id, unit_id) SELECT $1, id FROM units WHERE code = 'C7'`, sub); err != nil {
		t.Fatal(err)
	}
	small, err := dashboard.Trend(ctx, pool, sub, month, 3)
	if err != nil || small[2].Approved == 0 || small[2].Approved >= ms[2].Approved {
		t.Fatalf("C7's trend: %+v %v", small, err)
	}
	if _, err := dashboard.Trend(ctx, pool, official(t, ctx, pool, "E8-2"), month, 3); !errors.Is(err, dashboard.ErrNotAdmin) {
		t.Fatalf("no admin: %v", err)
	}
}

// recount is what Read counted from the rows before the tallies (migration
// 020): one pass over the active officials with the week's plans and the
// month's assessments, per unit.
func recount(t *testing.T, ctx context.Context, pool *pgxpool.Pool) map[int64]dashboard.UnitMonth {
	t.Helper()
	rows, err := pool.Query(ctx, `
		SELECT o.unit_id, count(*),
		       count(*) FILTER (WHERE pl.status = 'approved'), count(*) FILTER (WHERE pl.status = 'submitted'),
		       count(*) FILTER (WHERE a.status = 'submitted'), count(*) FILTER (WHERE a.status = 'approved'),
		       count(*) FILTER (WHERE a.status IS NULL OR a.status IN ('draft', 'returned')),
		       count(*) FILTER (WHERE a.status = 'approved' AND a.graded AND a.grade = 'A'),
		       count(*) FILTER (WHERE a.status = 'approved' AND a.graded AND a.grade = 'B'),
		       count(*) FILTER (WHERE a.status = 'approved' AND a.graded AND a.grade = 'C'),
		       count(*) FILTER (WHERE a.status = 'approved' AND a.graded AND a.grade = 'D'),
		       count(*) FILTER (WHERE a.status = 'approved' AND NOT coalesce(a.graded, false))
		  FROM officials o
		  LEFT JOIN plans pl ON pl.official_id = o.id AND pl.kind = 'week' AND pl.period_start = $2::date
		  LEFT JOIN assessments a ON a.official_id = o.id AND a.month = $1::date
		 WHERE o.active GROUP BY o.unit_id`, month.First().String(), week.Monday().String())
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64]dashboard.UnitMonth{}
	for rows.Next() {
		var id int64
		var u dashboard.UnitMonth
		g := &u.Grades
		if err := rows.Scan(&id, &u.People, &u.PlansApproved, &u.PlansWaiting, &u.SelfAssessed, &u.Approved, &u.Missing,
			&g.A, &g.B, &g.C, &g.D, &g.NotGraded); err != nil {
			t.Fatal(err)
		}
		out[id] = u
	}
	return out
}

// TestTalliesFollowEveryChange: after each kind of change to what the
// dashboard counts — a bulk seeding, a submission, an approval, a regrade,
// a return, a deletion, an official moved to another unit, leaving and
// coming back, a new person with an assessment in one transaction, a bulk
// approval, a rolled-back change — Read's counts (from the tallies the
// triggers keep) are what counting the rows gives.
func TestTalliesFollowEveryChange(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.New(t)
	if err := dashtest.City(ctx, pool, 12, 6, month, week); err != nil {
		t.Fatal(err)
	}
	admin := official(t, ctx, pool, dashtest.AdminCode)
	check := func(step string) {
		t.Helper()
		ov, err := dashboard.Read(ctx, pool, admin, query)
		if err != nil {
			t.Fatal(step, err)
		}
		want := recount(t, ctx, pool)
		for _, got := range ov.Units {
			w := want[got.ID]
			if got.People != w.People || got.PlansApproved != w.PlansApproved || got.PlansWaiting != w.PlansWaiting ||
				got.SelfAssessed != w.SelfAssessed || got.Approved != w.Approved || got.Missing != w.Missing || got.Grades != w.Grades {
				t.Errorf("%s: %s: tallies %+v, rows %+v", step, got.Code, got, w)
			}
		}
	}
	exec := func(step, sql string, args ...any) {
		t.Helper()
		if _, err := pool.Exec(ctx, sql, args...); err != nil {
			t.Fatal(step, err)
		}
		check(step)
	}
	m, w := month.First().String(), week.Monday().String()
	check("seeded")
	exec("draft submitted", `UPDATE assessments SET status = 'submitted' WHERE status = 'draft' AND official_id = (SELECT min(official_id) FROM assessments WHERE status = 'draft')`)
	exec("submitted approved", `UPDATE assessments SET status = 'approved', graded = true, grade = 'A', total = 9500
		WHERE id = (SELECT min(id) FROM assessments WHERE status = 'submitted')`)
	exec("A moved to B by the quota", `UPDATE assessments SET grade = 'B', quota_demoted = true WHERE id = (SELECT min(id) FROM assessments WHERE grade = 'A')`)
	exec("graded becomes not graded", `UPDATE assessments SET graded = false WHERE id = (SELECT min(id) FROM assessments WHERE grade = 'C' AND graded)`)
	exec("approved returned", `UPDATE assessments SET status = 'returned' WHERE id = (SELECT max(id) FROM assessments WHERE status = 'approved')`)
	exec("a score press changes nothing counted", `UPDATE assessments SET self_criteria = '{"c1": 500}', version = version + 1 WHERE id = (SELECT min(id) FROM assessments)`)
	exec("an assessment deleted", `DELETE FROM assessments WHERE id = (SELECT max(id) FROM assessments WHERE status = 'approved')`)
	exec("a weekly plan approved", `UPDATE plans SET status = 'approved' WHERE id = (SELECT min(id) FROM plans WHERE status = 'submitted' AND kind = 'week')`)
	exec("a weekly plan deleted", `DELETE FROM plans WHERE id = (SELECT max(id) FROM plans WHERE kind = 'week')`)
	exec("a monthly plan counts nowhere", `INSERT INTO plans (official_id, kind, period_start, month, status)
		SELECT min(id), 'month', $1::date, $1::date, 'approved' FROM officials`, m)
	exec("moved to another unit", `UPDATE officials SET unit_id = (SELECT id FROM units WHERE code = 'C5')
		WHERE id = (SELECT min(a.official_id) FROM assessments a JOIN officials o ON o.id = a.official_id
		             JOIN plans p ON p.official_id = o.id WHERE a.status = 'approved' AND NOT o.is_head)`)
	exec("left the roster", `UPDATE officials SET active = false WHERE id = (SELECT max(official_id) FROM assessments WHERE status = 'submitted')`)
	exec("came back, to another unit", `UPDATE officials SET active = true, unit_id = (SELECT id FROM units WHERE code = 'C3')
		WHERE id = (SELECT max(official_id) FROM assessments WHERE status = 'submitted')`)
	exec("an inactive person's assessment changes", `UPDATE assessments SET status = 'approved', graded = true, grade = 'D'
		WHERE official_id = (SELECT min(id) FROM officials WHERE NOT active)`)
	exec("a new person with a plan and an assessment", `
		WITH o AS (INSERT INTO officials (employee_code, full_name, unit_id, category)
		           SELECT 'NEW1', 'Người mới', id, 'cong_chuc' FROM units WHERE code = 'C7' RETURNING id),
		     p AS (INSERT INTO plans (official_id, kind, period_start, month, status) SELECT id, 'week', $2::date, $1::date, 'submitted' FROM o)
		INSERT INTO assessments (official_id, month, framework_id, framework_version, status) SELECT id, $1::date, 'hanoi-3814-2018', '1', 'submitted' FROM o`, m, w)
	exec("a whole unit approved at once", `UPDATE assessments SET status = 'approved', graded = true, grade = 'C'
		WHERE month = $1::date AND status IN ('submitted', 'draft') AND official_id IN (SELECT id FROM officials WHERE unit_id = (SELECT id FROM units WHERE code = 'C2'))`, m)
	exec("a whole unit moved", `UPDATE officials SET unit_id = (SELECT id FROM units WHERE code = 'C9') WHERE unit_id = (SELECT id FROM units WHERE code = 'C4') AND NOT is_head`)
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `UPDATE assessments SET status = 'approved', graded = true, grade = 'A' WHERE month = $1::date`, m); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	check("rolled back")
}

// TestTreeOrderAsBefore: the tree order made in Go (treeOrder) is the one
// the path-sorted recursive query gave — parents first, siblings by code, a
// unit under two grants once at the depth of the higher grant, an inactive
// unit left out and its children kept — for an admin granted the root and
// a unit below it, and another unit's subtree.
func TestTreeOrderAsBefore(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.New(t)
	if err := dashtest.City(ctx, pool, 160, 1, month, week); err != nil {
		t.Fatal(err)
	}
	admin := official(t, ctx, pool, dashtest.AdminCode)
	if _, err := pool.Exec(ctx, `INSERT INTO admins (official_id, unit_id) SELECT $1, id FROM units WHERE code IN ('C7', 'C120')`, admin); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `UPDATE units SET active = false WHERE code IN ('C3', 'C57')`); err != nil {
		t.Fatal(err)
	}
	// The order of the query Read used before (decision 0016).
	rows, err := pool.Query(ctx, `WITH RECURSIVE scope (id, depth, path) AS (
			SELECT a.unit_id, 0, ARRAY[u.code COLLATE "C"]
			  FROM admins a JOIN units u ON u.id = a.unit_id
			  JOIN officials me ON me.id = a.official_id AND me.active
			 WHERE a.official_id = $1
			UNION ALL
			SELECT u.id, s.depth + 1, s.path || (u.code COLLATE "C")
			  FROM units u JOIN scope s ON u.parent_id = s.id
			 WHERE s.depth < 100),
		sub AS (SELECT DISTINCT ON (id) id, depth, path FROM scope ORDER BY id, depth DESC)
		SELECT u.code || ':' || sub.depth FROM sub JOIN units u ON u.id = sub.id WHERE u.active ORDER BY sub.path`, admin)
	if err != nil {
		t.Fatal(err)
	}
	want, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	ov, err := dashboard.Read(ctx, pool, admin, query)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, u := range ov.Units {
		got = append(got, fmt.Sprintf("%s:%d", u.Code, u.Depth))
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("order:\n got %v\nwant %v", got, want)
	}
	if len(got) != 158 || strings.Join(ov.Roots, ",") != "C0" {
		t.Errorf("%d units, roots %v", len(got), ov.Roots)
	}
}

// TestUnitCountsEvidence: the drill-down shows per person the month's
// tasks with evidence and their items (issue 23), counting only approved
// plans of the month.
func TestUnitCountsEvidence(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.New(t)
	if err := dashtest.City(ctx, pool, 3, 4, month, week); err != nil {
		t.Fatal(err)
	}
	admin := official(t, ctx, pool, dashtest.AdminCode)
	var owner int64
	var code string
	if err := pool.QueryRow(ctx, `SELECT o.id, u.code FROM officials o JOIN units u ON u.id = o.unit_id
		WHERE o.active AND NOT o.is_head ORDER BY o.id LIMIT 1`).Scan(&owner, &code); err != nil {
		t.Fatal(err)
	}
	p, err := evaluation.SaveDraft(ctx, pool, owner, evaluation.KindMonth, month.First(), month,
		[]evaluation.TaskDraft{{Title: "Báo cáo quý IV", Weight: 100}, {Title: "Rà soát hồ sơ", Weight: 100}, {Title: "Tiếp dân", Weight: 100}})
	if err != nil {
		t.Fatal(err)
	}
	if p, err = evaluation.SubmitPlan(ctx, pool, p.ID, p.Version, nil); err != nil || p.Status != evaluation.StatusApproved {
		t.Fatalf("plan: %s %v", p.Status, err)
	}
	for i, e := range []evaluation.Evidence{
		{TaskID: p.Tasks[0].ID, Kind: evaluation.EvidenceDocument, DocumentNumber: "125/UBND-VP"},
		{TaskID: p.Tasks[0].ID, Kind: evaluation.EvidencePhoto, FileID: "AgACAgIAAxk", FileUniqueID: "AQADq7Ex"},
		{TaskID: p.Tasks[1].ID, Kind: evaluation.EvidenceFile, FileID: "BQACAgIAAxk", FileUniqueID: "AgADdoc", FileName: "bao-cao.pdf"},
	} {
		e.Source, e.AddedBy = evaluation.SourceChat, &owner
		if _, _, err := evaluation.AddEvidence(ctx, pool, e); err != nil {
			t.Fatal(i, err)
		}
	}
	up, err := dashboard.Unit(ctx, pool, admin, code, query)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range up.People {
		want := [2]int{}
		if p.ID == owner {
			want = [2]int{2, 3}
		}
		if got := [2]int{p.EvidenceTasks, p.EvidenceItems}; got != want {
			t.Errorf("%s: evidence %v, want %v", p.EmployeeCode, got, want)
		}
	}
}
