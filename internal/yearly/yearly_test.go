package yearly_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"evalbot/internal/calendar"
	"evalbot/internal/evaluation"
	"evalbot/internal/grading"
	"evalbot/internal/pgtest"
	"evalbot/internal/yearly"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

var ctx = context.Background()

// world is a small roster written with plain SQL.
type world struct {
	t    *testing.T
	pool *pgxpool.Pool
}

func newWorld(t *testing.T) *world { return &world{t: t, pool: pgtest.New(t)} }

func (w *world) exec(sql string, args ...any) {
	w.t.Helper()
	if _, err := w.pool.Exec(ctx, sql, args...); err != nil {
		w.t.Fatalf("%s: %v", sql, err)
	}
}

func (w *world) unit(code, framework string, parent int64) int64 {
	w.t.Helper()
	var id int64
	var p any
	if parent != 0 {
		p = parent
	}
	if err := w.pool.QueryRow(ctx, `INSERT INTO units (code, name, parent_id, framework_id) VALUES ($1, $2, $3, $4) RETURNING id`,
		code, "Đơn vị "+code, p, framework).Scan(&id); err != nil {
		w.t.Fatal(err)
	}
	return id
}

func (w *world) official(code, name string, unit int64, head bool) int64 {
	w.t.Helper()
	var id int64
	pos := "Chuyên viên"
	if head {
		pos = "Trưởng phòng"
	}
	if err := w.pool.QueryRow(ctx, `INSERT INTO officials (employee_code, full_name, unit_id, category, position, is_head)
		VALUES ($1, $2, $3, 'cong_chuc', $4, $5) RETURNING id`, code, name, unit, pos, head).Scan(&id); err != nil {
		w.t.Fatal(err)
	}
	return id
}

// month stores an approved month the way the bot does: opened through
// evaluation.OpenAssessment (which records the unit of the month), then
// approved by reviewer with total (graded) or not graded (total < 0).
func (w *world) month(official int64, year, month int, total grading.Points, reviewer int64) {
	w.t.Helper()
	fw, _ := grading.Preset(grading.DefaultFrameworkID)
	a, err := evaluation.OpenAssessment(ctx, w.pool, official, calendar.Month{Year: year, Month: time.Month(month)}, fw)
	if err != nil {
		w.t.Fatal(err)
	}
	if total < 0 {
		w.exec(`UPDATE assessments SET status = 'approved', graded = false, reviewer_id = nullif($2::bigint, 0) WHERE id = $1`, a.ID, reviewer)
		return
	}
	w.exec(`UPDATE assessments SET status = 'approved', graded = true, total = $2, grade = $3, reviewer_id = nullif($4::bigint, 0) WHERE id = $1`,
		a.ID, int64(total), string(fw.Band(total)), reviewer)
}

func find(t *testing.T, r *yearly.Results, official int64) (yearly.Unit, yearly.Person) {
	t.Helper()
	var found []yearly.Person
	var unit yearly.Unit
	for _, u := range r.Units {
		for _, x := range u.People {
			if x.OfficialID == official {
				found = append(found, x)
				unit = u
			}
		}
	}
	if len(found) != 1 {
		t.Fatalf("official %d listed %d times", official, len(found))
	}
	return unit, found[0]
}

// A person who moved unit in July keeps every month once, in the unit they
// are in at the year's end; the months before the move keep their unit and
// their reviewer on record.
func TestMovedInJulyKeepsEveryMonth(t *testing.T) {
	w := newWorld(t)
	root := w.unit("UB", "hanoi-3814-2018", 0)
	u1 := w.unit("P1", "hanoi-3814-2018", root)
	u2 := w.unit("P2", "hanoi-3814-2018", root)
	h1 := w.official("H1", "Nguyễn Văn Một", u1, true)
	h2 := w.official("H2", "Trần Thị Hai", u2, true)
	p := w.official("X1", "Lê Văn Ba", u1, false)
	for m := 1; m <= 6; m++ {
		w.month(p, 2026, m, 9200, h1) // 92.00 in P1
	}
	w.exec(`UPDATE officials SET unit_id = $2 WHERE id = $1`, p, u2)
	w.month(p, 2026, 7, -1, h2) // July: too few days worked, not graded
	for m := 8; m <= 12; m++ {
		w.month(p, 2026, m, 8000, h2) // 80.00 in P2
	}
	r, err := yearly.Compute(ctx, w.pool, yearly.Period{Year: 2026}, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	u, x := find(t, r, p)
	// (6 × 92.00 + 5 × 80.00) / 11 = 952 / 11 = 86.5454… → 86.55: B.
	if u.Code != "P2" || x.Result.Months != 11 || x.Result.Mean != 8655 || x.Grade != grading.GradeB || x.Result.Counts != [4]int{6, 5, 0, 0} {
		t.Fatalf("in %s: %+v", u.Code, x)
	}
	want := []yearly.Stint{{UnitID: u1, UnitCode: "P1", UnitName: "Đơn vị P1", Months: []int{1, 2, 3, 4, 5, 6},
		ReviewerID: []int64{h1, h1, h1, h1, h1, h1}}}
	if fmt.Sprint(x.Elsewhere) != fmt.Sprint(want) {
		t.Fatalf("elsewhere = %+v, want %+v", x.Elsewhere, want)
	}
	// Export of P1 alone does not list the person; P2's does.
	r1, err := yearly.Compute(ctx, w.pool, yearly.Period{Year: 2026}, "p1", nil)
	if err != nil || len(r1.Units) != 1 || len(r1.Units[0].People) != 1 || r1.Units[0].People[0].OfficialID != h1 {
		t.Fatalf("P1: %+v, %v", r1, err)
	}
	if _, err := yearly.Compute(ctx, w.pool, yearly.Period{Year: 2026}, "NOPE", nil); !errors.Is(err, yearly.ErrUnknownUnit) {
		t.Fatalf("unknown unit: %v", err)
	}
}

// Property (seeded): for random people, months, moves and disciplines, the
// yearly mean equals the mean of the stored graded monthly totals, every
// person is listed exactly once, and every stored month is counted once.
func TestPropertyYearFromStoredMonths(t *testing.T) {
	w := newWorld(t)
	r := rand.New(rand.NewPCG(2026, 23))
	root := w.unit("ROOT", "nd-335-2025", 0)
	var units []int64
	for i := range 4 {
		units = append(units, w.unit(fmt.Sprintf("U%d", i), "nd-335-2025", root))
	}
	var people []int64
	for i := range 40 {
		people = append(people, w.official(fmt.Sprintf("E%03d", i), fmt.Sprintf("Người %d", i), units[r.IntN(4)], false))
	}
	for _, p := range people {
		for m := 1; m <= 12; m++ {
			if r.IntN(8) == 0 { // moves before this month
				w.exec(`UPDATE officials SET unit_id = $2 WHERE id = $1`, p, units[r.IntN(4)])
			}
			switch r.IntN(6) {
			case 0: // no assessment
			case 1:
				w.month(p, 2026, m, -1, 0)
			default:
				w.month(p, 2026, m, grading.Points(r.Int64N(10001)), 0)
			}
			if r.IntN(30) == 0 {
				w.exec(`INSERT INTO disciplines (official_id, month, level, reason) VALUES ($1, $2, 'warning', 'QĐ')`,
					p, fmt.Sprintf("2026-%02d-01", m))
			}
		}
	}
	// A month of another year and a draft never count.
	w.month(people[0], 2025, 12, 10000, 0)
	w.exec(`UPDATE assessments SET status = 'submitted' WHERE official_id = $1 AND month = '2026-01-01'`, people[1])

	res, err := yearly.Compute(ctx, w.pool, yearly.Period{Year: 2026}, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int64]int{}
	for _, u := range res.Units {
		for _, x := range u.People {
			seen[x.OfficialID]++
			var sum, n int64
			var disciplined bool
			if err := w.pool.QueryRow(ctx, `SELECT coalesce(sum(total), 0), count(*) FROM assessments
				WHERE official_id = $1 AND status = 'approved' AND graded AND month BETWEEN '2026-01-01' AND '2026-12-01'`,
				x.OfficialID).Scan(&sum, &n); err != nil {
				t.Fatal(err)
			}
			if err := w.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM disciplines WHERE official_id = $1
				AND month BETWEEN '2026-01-01' AND '2026-12-01')`, x.OfficialID).Scan(&disciplined); err != nil {
				t.Fatal(err)
			}
			months := 0
			for _, s := range x.Elsewhere {
				months += len(s.Months)
			}
			if int64(x.Result.Sum) != sum || int64(x.Result.Months) != n || x.Result.Mean != grading.MeanPoints(grading.Points(sum), int(n)) {
				t.Fatalf("%d: %+v; stored sum %d over %d", x.OfficialID, x.Result, sum, n)
			}
			if x.Result.Graded && disciplined && x.Grade < grading.GradeC {
				t.Fatalf("%d: disciplined in the year, graded %s", x.OfficialID, x.Grade)
			}
			var elsewhere int
			if err := w.pool.QueryRow(ctx, `SELECT count(*) FROM assessments a JOIN officials o ON o.id = a.official_id
				WHERE a.official_id = $1 AND a.status = 'approved' AND a.unit_id <> o.unit_id
				AND a.month BETWEEN '2026-01-01' AND '2026-12-01'`, x.OfficialID).Scan(&elsewhere); err != nil {
				t.Fatal(err)
			}
			if months != elsewhere {
				t.Fatalf("%d: %d months elsewhere listed, %d stored", x.OfficialID, months, elsewhere)
			}
		}
	}
	for _, p := range people {
		if seen[p] != 1 {
			t.Fatalf("official %d listed %d times", p, seen[p])
		}
	}
}

func TestQuotaAndDecisions(t *testing.T) {
	w := newWorld(t)
	root := w.unit("UB", "hanoi-3814-2018", 0)
	u := w.unit("P1", "hanoi-3814-2018", root)
	head := w.official("H1", "Nguyễn Văn Trưởng", u, true)
	var staff []int64
	for i := range 4 {
		staff = append(staff, w.official(fmt.Sprintf("S%d", i), fmt.Sprintf("Người %d", i), u, false))
	}
	for m := 1; m <= 12; m++ {
		w.month(head, 2026, m, 8500, 0)
		for i, s := range staff {
			w.month(s, 2026, m, grading.Points(9100+100*i), head) // 91, 92, 93, 94: four A
		}
	}
	p := yearly.Period{Year: 2026}
	r, err := yearly.Compute(ctx, w.pool, p, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	unit, _ := find(t, r, staff[0])
	// 3814: ⌊30% × 5 graded⌋ = 1 A; the head chooses which 3 of the 4 move.
	if unit.Quota.Max != 1 || unit.Quota.Excess != 3 || !slices.Equal(unit.Quota.Candidates, []int64{staff[3], staff[2], staff[1], staff[0]}) {
		t.Fatalf("quota = %+v", unit.Quota)
	}
	for _, x := range unit.People {
		if x.QuotaCandidate != (x.OfficialID != head) || x.Status != "" {
			t.Fatalf("%+v", x)
		}
	}
	tx, err := w.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := yearly.Save(ctx, tx, r); err != nil || n != 5 {
		t.Fatalf("Save = %d, %v; want the 5 people", n, err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if n, err := yearly.Save(ctx, w.pool, r); err != nil || n != 0 {
		t.Fatalf("Save again = %d, %v; want nothing changed", n, err)
	}
	// Who may decide is the use case's (internal/app/year); here the head.
	by := yearly.Decider{ID: head}
	if _, err := yearly.ConfirmYear(ctx, w.pool, 2026, staff[3], by, 7); !errors.Is(err, yearly.ErrStale) {
		t.Fatalf("stale version: %v", err)
	}
	s, err := yearly.ConfirmYear(ctx, w.pool, 2026, staff[3], by, 1)
	if err != nil || s.Status != yearly.StatusConfirmed || s.Grade != grading.GradeA || s.Version != 2 {
		t.Fatalf("confirm = %+v, %v", s, err)
	}
	if s2, err := yearly.ConfirmYear(ctx, w.pool, 2026, staff[3], by, 1); err != nil || s2.Version != 2 {
		t.Fatalf("double tap = %+v, %v", s2, err)
	}
	// The unit's one A is taken: a second A is refused until the head moves someone.
	if _, err := yearly.ConfirmYear(ctx, w.pool, 2026, staff[2], by, 1); !errors.Is(err, yearly.ErrQuota) {
		t.Fatalf("a second A: %v, want ErrQuota", err)
	}
	if _, err := yearly.AdjustYear(ctx, w.pool, 2026, staff[2], by, 1, grading.GradeA, "Xuất sắc"); !errors.Is(err, yearly.ErrQuota) {
		t.Fatalf("a second A by adjustment: %v, want ErrQuota", err)
	}
	if _, err := yearly.AdjustYear(ctx, w.pool, 2026, staff[0], by, 1, grading.GradeB, " \u200b "); !errors.Is(err, yearly.ErrNoReason) {
		t.Fatalf("no reason: %v", err)
	}
	if _, err := yearly.AdjustYear(ctx, w.pool, 2026, staff[0], by, 1, "E", "x"); !errors.Is(err, yearly.ErrBadGrade) {
		t.Fatalf("grade E: %v", err)
	}
	for _, id := range staff[:3] {
		if _, err := yearly.AdjustYear(ctx, w.pool, 2026, id, by, 1, grading.GradeB, "Tỷ lệ loại A của đơn vị"); err != nil {
			t.Fatal(err)
		}
	}
	var audits int
	if err := w.pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE entity = 'period_result' AND entity_id = 20260 AND actor_id = $1`,
		head).Scan(&audits); err != nil || audits != 4 {
		t.Fatalf("audit rows = %d, %v; want 1 confirm + 3 adjust", audits, err)
	}
	r, err = yearly.Compute(ctx, w.pool, p, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	unit, x := find(t, r, staff[0])
	if unit.Quota.Excess != 0 || x.Grade != grading.GradeB || x.Status != yearly.StatusAdjusted || x.Reason != "Tỷ lệ loại A của đơn vị" ||
		x.Result.Grade != grading.GradeA {
		t.Fatalf("after the head's choice: quota %+v, %+v", unit.Quota, x)
	}
	// A month reconsidered after the decision: the decision goes back to draft, audited.
	w.exec(`UPDATE assessments SET total = 5000, grade = 'C' WHERE official_id = $1 AND month = '2026-03-01'`, staff[0])
	r, _ = yearly.Compute(ctx, w.pool, p, "", nil)
	// 4 rows: the changed one, and the quota flag cleared on the other three
	// (the head's choices settled it), which leaves their decisions standing.
	if n, err := yearly.Save(ctx, w.pool, r); err != nil || n != 4 {
		t.Fatalf("Save after a change = %d, %v", n, err)
	}
	r, _ = yearly.Compute(ctx, w.pool, p, "", nil)
	_, x = find(t, r, staff[0])
	_, kept := find(t, r, staff[3])
	if x.Status != yearly.StatusDraft || x.Reason != "" || kept.Status != yearly.StatusConfirmed {
		t.Fatalf("after the change: %+v; kept %+v", x, kept)
	}
	if err := w.pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE entity = 'period_result' AND action = 'recomputed' AND subject_id = $1`,
		staff[0]).Scan(&audits); err != nil || audits != 1 {
		t.Fatalf("recomputed audit rows = %d, %v", audits, err)
	}
}

func TestQuarters(t *testing.T) {
	w := newWorld(t)
	h := w.unit("HN", "hanoi-3814-2018", 0)
	n := w.unit("ND", "nd-335-2025", 0)
	a := w.official("A1", "Phạm Thị Tư", h, false)
	b := w.official("B1", "Hoàng Văn Năm", n, false)
	w.month(a, 2026, 10, 9250, 0)
	w.month(a, 2026, 11, -1, 0)
	w.month(a, 2026, 12, 8725, 0)
	w.month(b, 2026, 10, 9000, 0)
	r, err := yearly.Compute(ctx, w.pool, yearly.Period{Year: 2026, Quarter: 4}, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	_, x := find(t, r, a)
	if !x.Evaluated || x.Result.Mean != 8988 || x.Grade != grading.GradeB || x.Result.Months != 2 {
		t.Fatalf("3814 Q4: %+v", x)
	}
	_, y := find(t, r, b)
	if y.Evaluated || y.Grade != "" {
		t.Fatalf("335 Q4 (quarters not evaluated): %+v", y)
	}
	if n, err := yearly.Save(ctx, w.pool, r); err != nil || n != 1 {
		t.Fatalf("Save Q4 = %d, %v; want only the evaluated quarter", n, err)
	}
}

// Under nd-335-2025 the year's A quota is counted within each task group of
// the unit (Decree 335: among officials with similar tasks): group X graded
// A,A,B,B,B,B,B keeps 1 A, group Y graded A,B,B,B,B keeps none; counted over
// the unit the same twelve would keep 2. A decided A takes its own group's
// room only.
func TestYearQuotaPerTaskGroup(t *testing.T) {
	w := newWorld(t)
	u := w.unit("P335", "nd-335-2025", 0)
	head := w.official("H", "Nguyễn Văn Trưởng", u, true)
	w.exec(`UPDATE officials SET task_group = 'QL' WHERE id = $1`, head)
	people := map[string][]int64{}
	for g, grades := range map[string]string{"X": "AABBBBB", "Y": "ABBBB"} {
		for i, c := range grades {
			id := w.official(fmt.Sprintf("%s%d", g, i), fmt.Sprintf("Người %s%d", g, i), u, false)
			w.exec(`UPDATE officials SET task_group = $2 WHERE id = $1`, id, g)
			total := grading.Points(8000)
			if c == 'A' {
				total = grading.Points(9300 + 100*i)
			}
			for m := 1; m <= 11; m++ {
				w.month(id, 2026, m, total, head)
			}
			people[g] = append(people[g], id)
		}
	}
	p := yearly.Period{Year: 2026}
	r, err := yearly.Compute(ctx, w.pool, p, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	unit, _ := find(t, r, people["X"][0])
	x, _ := unit.QuotaGroup("X")
	y, _ := unit.QuotaGroup("Y")
	if unit.Quota.Excess != 2 || x.Decision.Max != 1 || x.Decision.Excess != 1 || y.Decision.Max != 0 || y.Decision.Excess != 1 {
		t.Fatalf("quota: unit %+v; X %+v; Y %+v", unit.Quota, x, y)
	}
	if _, err := yearly.Save(ctx, w.pool, r); err != nil {
		t.Fatal(err)
	}
	by := yearly.Decider{ID: head}
	if _, err := yearly.ConfirmYear(ctx, w.pool, 2026, people["Y"][0], by, 1); !errors.Is(err, yearly.ErrQuota) {
		t.Fatalf("Y's A with no room in Y: %v, want ErrQuota", err)
	}
	if _, err := yearly.ConfirmYear(ctx, w.pool, 2026, people["X"][1], by, 1); err != nil {
		t.Fatalf("X's first A: %v", err)
	}
	if _, err := yearly.ConfirmYear(ctx, w.pool, 2026, people["X"][0], by, 1); !errors.Is(err, yearly.ErrQuota) {
		t.Fatalf("X's second A: %v, want ErrQuota", err)
	}
}
