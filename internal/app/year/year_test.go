package year_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"evalbot/internal/app/access"
	"evalbot/internal/app/year"
	"evalbot/internal/calendar"
	"evalbot/internal/evaluation"
	"evalbot/internal/grading"
	"evalbot/internal/pgtest"
	"evalbot/internal/yearly"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

var ctx = context.Background()

// The first of December 2026, when the December campaign runs.
var (
	day     = calendar.Date{Year: 2026, Month: time.December, Day: 1}
	current = calendar.Month{Year: 2026, Month: time.December}
)

type world struct {
	t    *testing.T
	pool *pgxpool.Pool
}

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
		code, "Phòng "+code, p, framework).Scan(&id); err != nil {
		w.t.Fatal(err)
	}
	return id
}

func (w *world) official(code, name string, unit int64, head bool, group string) int64 {
	w.t.Helper()
	var id int64
	if err := w.pool.QueryRow(ctx, `INSERT INTO officials (employee_code, full_name, unit_id, category, position, is_head, task_group)
		VALUES ($1, $2, $3, 'cong_chuc', 'Chuyên viên', $4, $5) RETURNING id`, code, name, unit, head, group).Scan(&id); err != nil {
		w.t.Fatal(err)
	}
	return id
}

// month stores an approved month as the bot does (total < 0: not graded).
func (w *world) month(official int64, m int, total grading.Points, reviewer int64) {
	w.t.Helper()
	fw, _ := grading.Preset(grading.DefaultFrameworkID)
	a, err := evaluation.OpenAssessment(ctx, w.pool, official, calendar.Month{Year: 2026, Month: time.Month(m)}, fw)
	if err != nil {
		w.t.Fatal(err)
	}
	if total < 0 {
		w.exec(`UPDATE assessments SET status = 'approved', graded = false, reviewer_id = $2 WHERE id = $1`, a.ID, reviewer)
		return
	}
	w.exec(`UPDATE assessments SET status = 'approved', graded = true, total = $2, grade = $3, reviewer_id = $4 WHERE id = $1`,
		a.ID, int64(total), string(fw.Band(total)), reviewer)
}

// A deputy decides the year on the head's behalf while the delegation is in
// force, audited so; a colleague, and the head of the unit the person left,
// are refused; a head's double tap changes nothing.
func TestDecideAuthorizesFromTheDatabase(t *testing.T) {
	w := &world{t: t, pool: pgtest.New(t)}
	old := w.unit("CU", "hanoi-3814-2018", 0)
	nw := w.unit("MOI", "hanoi-3814-2018", 0)
	hOld := w.official("H1", "Nguyễn Văn Cũ", old, true, "")
	hNew := w.official("H2", "Trần Thị Mới", nw, true, "")
	dep := w.official("D2", "Lê Văn Phó", nw, false, "")
	x := w.official("X", "Phạm Văn Chuyển", old, false, "")
	for m := 1; m <= 6; m++ {
		w.month(x, m, 8500, hOld)
	}
	w.exec(`UPDATE officials SET unit_id = $2 WHERE id = $1`, x, nw)
	for m := 7; m <= 11; m++ {
		w.month(x, m, 8000, hNew)
	}
	if _, err := year.LoadTable(ctx, w.pool, hNew, 2026, day, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := year.Confirm(ctx, w.pool, dep, x, 2026, 1, day); !errors.Is(err, access.ErrForbidden) {
		t.Fatalf("a colleague confirms: %v", err)
	}
	if _, err := year.Confirm(ctx, w.pool, hOld, x, 2026, 1, day); !errors.Is(err, access.ErrForbidden) {
		t.Fatalf("the head of the unit left in July confirms: %v", err)
	}
	if err := evaluation.Delegate(ctx, w.pool, hNew, dep, day, day.AddDays(6)); err != nil {
		t.Fatal(err)
	}
	s, err := year.Adjust(ctx, w.pool, dep, x, 2026, 1, grading.GradeC, "Chưa hoàn thành chỉ tiêu quý IV", day)
	if err != nil || s.Grade != grading.GradeC || s.Status != yearly.StatusAdjusted {
		t.Fatalf("the deputy adjusts: %+v, %v", s, err)
	}
	var onBehalf int64
	if err := w.pool.QueryRow(ctx, `SELECT (after->>'on_behalf_of')::bigint FROM audit_log
		WHERE entity = 'period_result' AND subject_id = $1 AND actor_id = $2`, x, dep).Scan(&onBehalf); err != nil || onBehalf != hNew {
		t.Fatalf("audit on behalf of = %d, %v; want the head %d", onBehalf, err, hNew)
	}
	// After the delegation, the deputy is refused.
	if _, err := year.Confirm(ctx, w.pool, dep, x, 2026, 2, day.AddDays(7)); !errors.Is(err, access.ErrForbidden) {
		t.Fatalf("the deputy after the delegation: %v", err)
	}
	s, err = year.Confirm(ctx, w.pool, hNew, x, 2026, 2, day)
	if err != nil || s.Grade != grading.GradeB || s.Version != 3 {
		t.Fatalf("the head confirms: %+v, %v", s, err)
	}
	if s, err = year.Confirm(ctx, w.pool, hNew, x, 2026, 2, day); err != nil || s.Version != 3 {
		t.Fatalf("double tap: %+v, %v", s, err)
	}
	// The summary counts every month once: Jan–Jun in CU, Jul–Nov in MOI.
	sum, err := year.LoadSummary(ctx, w.pool, x, x, 2026, current, day, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	// (6 × 85 + 5 × 80) / 11 = 82.727… → 82.73.
	if sum.Stored.Months != 11 || sum.Stored.Mean != 8273 || sum.Counts != [4]int{0, 11, 0, 0} || sum.Months[11].Left != year.LeftNotYet {
		t.Fatalf("summary: %+v", sum)
	}
	for m := 0; m < 11; m++ {
		want := "CU"
		if m >= 6 {
			want = "MOI"
		}
		if got := sum.Months[m]; !got.Graded || got.UnitCode != want {
			t.Fatalf("month %d: %+v, want graded in %s", m+1, got, want)
		}
	}
	if _, err := year.LoadSummary(ctx, w.pool, dep, x, 2026, current, day.AddDays(30), false, nil); !errors.Is(err, access.ErrForbidden) {
		t.Fatalf("a colleague reads the summary: %v", err)
	}
}

// «Confirm all» confirms every draft but the As of a quota group over its
// quota, which the head settles by choosing who moves to B; the table's key
// makes an old table stale; a second tap confirms nothing more.
func TestConfirmAllAndTheQuotaChoice(t *testing.T) {
	w := &world{t: t, pool: pgtest.New(t)}
	u := w.unit("P1", "hanoi-3814-2018", 0)
	head := w.official("H", "Nguyễn Văn Trưởng", u, true, "")
	var staff []int64
	for i := range 4 {
		staff = append(staff, w.official(fmt.Sprintf("S%d", i), fmt.Sprintf("Người %d", i), u, false, ""))
	}
	for m := 1; m <= 11; m++ {
		w.month(staff[0], m, 9500, head) // A
		w.month(staff[1], m, 9200, head) // A
		w.month(staff[2], m, 8000, head) // B
		if m <= 3 {
			w.month(staff[3], m, 8000, head) // 3 months: not graded
		} else {
			w.month(staff[3], m, -1, head) // on leave
		}
	}
	tbl, err := year.LoadTable(ctx, w.pool, head, 2026, day, nil)
	if err != nil {
		t.Fatal(err)
	}
	if tbl.People() != 4 {
		t.Fatalf("table of %d people", tbl.People())
	}
	// 3814: ⌊30% × 3 graded⌋ = 0 A: both As are held for the head's choice.
	if _, _, err := year.ConfirmAll(ctx, w.pool, head, 2026, "old", day, nil); !errors.Is(err, yearly.ErrStale) {
		t.Fatalf("an old table: %v", err)
	}
	_, res, err := year.ConfirmAll(ctx, w.pool, head, 2026, tbl.Key, day, nil)
	if err != nil || len(res.Confirmed) != 2 || len(res.Held) != 2 {
		t.Fatalf("confirm all: %+v, %v", res, err)
	}
	if _, res, err = year.ConfirmAll(ctx, w.pool, head, 2026, tbl.Key, day, nil); err != nil || len(res.Confirmed) != 0 {
		t.Fatalf("second tap: %+v, %v", res, err)
	}
	// 0 A allowed: confirming an A is refused; moving one to B leaves no room either.
	if _, err := year.Confirm(ctx, w.pool, head, staff[0], 2026, 1, day); !errors.Is(err, yearly.ErrQuota) {
		t.Fatalf("an A over the quota: %v", err)
	}
	cands, err := year.Candidates(ctx, w.pool, head, staff[0], 2026, day, nil)
	if err != nil || len(cands) != 1 || cands[0].OfficialID != staff[1] {
		t.Fatalf("candidates: %+v, %v", cands, err)
	}
	if _, _, err := year.Choose(ctx, w.pool, head, staff[0], 1, staff[2], 1, 2026, "Tỷ lệ loại A", day, nil); !errors.Is(err, year.ErrNoChoice) {
		t.Fatalf("a B chosen: %v", err)
	}
	for _, id := range staff[:2] {
		if _, err := year.Adjust(ctx, w.pool, head, id, 2026, 1, grading.GradeB, "Tỷ lệ loại A của đơn vị", day); err != nil {
			t.Fatal(err)
		}
	}
	tbl, err = year.LoadTable(ctx, w.pool, head, 2026, day, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range tbl.Units[0].People {
		if x.Status == yearly.StatusDraft || x.QuotaCandidate {
			t.Fatalf("left undecided: %+v", x)
		}
	}
}

// Under nd-335-2025 the head settles the yearly quota within a task group:
// two As in a group of A,A,B,B,B,B,B keep one; the head chooses which.
func TestChoosePerTaskGroup(t *testing.T) {
	w := &world{t: t, pool: pgtest.New(t)}
	u := w.unit("P335", "nd-335-2025", 0)
	head := w.official("H", "Nguyễn Văn Trưởng", u, true, "QL")
	var x []int64
	for i, c := range "AABBBBB" {
		id := w.official(fmt.Sprintf("X%d", i), fmt.Sprintf("Người X%d", i), u, false, "X")
		total := grading.Points(8000)
		if c == 'A' {
			total = grading.Points(9300 + 100*i)
		}
		for m := 1; m <= 11; m++ {
			w.month(id, m, total, head)
		}
		x = append(x, id)
	}
	other := w.official("Y0", "Người Y0", u, false, "Y")
	for m := 1; m <= 11; m++ {
		w.month(other, m, 9900, head)
	}
	if _, err := year.LoadTable(ctx, w.pool, head, 2026, day, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := year.Confirm(ctx, w.pool, head, x[1], 2026, 1, day); err != nil {
		t.Fatal(err)
	}
	if _, err := year.Confirm(ctx, w.pool, head, x[0], 2026, 1, day); !errors.Is(err, yearly.ErrQuota) {
		t.Fatalf("X's second A: %v", err)
	}
	// Y's A is in another group: not a candidate for X's choice.
	if _, _, err := year.Choose(ctx, w.pool, head, x[0], 1, other, 1, 2026, "Tỷ lệ loại A", day, nil); !errors.Is(err, year.ErrNoChoice) {
		t.Fatalf("another group's A chosen: %v", err)
	}
	kept, demoted, err := year.Choose(ctx, w.pool, head, x[0], 1, x[1], 2, 2026, "Tỷ lệ loại A của nhóm", day, nil)
	if err != nil || kept.Grade != grading.GradeA || demoted.Grade != grading.GradeB || demoted.Reason != "Tỷ lệ loại A của nhóm" {
		t.Fatalf("choose: %+v %+v %v", kept, demoted, err)
	}
	if k2, d2, err := year.Choose(ctx, w.pool, head, x[0], 1, x[1], 2, 2026, "Tỷ lệ loại A của nhóm", day, nil); err != nil ||
		k2.Version != kept.Version || d2.Version != demoted.Version {
		t.Fatalf("double tap: %+v %+v %v", k2, d2, err)
	}
}

// Property (seeded): for random units under nd-335-2025 with task groups,
// random months and moves, and the head confirming all then trying every
// held A in a random order, no quota group ever ends with more decided As
// than its yearly quota allows over the final grades, and every person's
// summary lists the twelve months once each, its graded months being the
// stored row's count, each in the unit the month was evaluated in.
func TestPropertyYearQuotaPerGroupAndSummaryMonths(t *testing.T) {
	w := &world{t: t, pool: pgtest.New(t)}
	r := rand.New(rand.NewPCG(335, 21))
	root := w.unit("UB", "nd-335-2025", 0)
	boss := w.official("CT", "Chủ tịch", root, true, "")
	var units, heads []int64
	for i := range 3 {
		u := w.unit(fmt.Sprintf("P%d", i), "nd-335-2025", root)
		units = append(units, u)
		heads = append(heads, w.official(fmt.Sprintf("H%d", i), fmt.Sprintf("Trưởng %d", i), u, true, "QL"))
	}
	type who struct{ id, unit int64 }
	var people []who
	for i := range 36 {
		u := r.IntN(3)
		g := []string{"", "X", "Y"}[r.IntN(3)]
		people = append(people, who{w.official(fmt.Sprintf("E%02d", i), fmt.Sprintf("Người %d", i), units[u], false, g), units[u]})
	}
	for m := 1; m <= 11; m++ {
		for i := range people {
			p := &people[i]
			if r.IntN(10) == 0 { // moves before this month
				p.unit = units[r.IntN(3)]
				w.exec(`UPDATE officials SET unit_id = $2 WHERE id = $1`, p.id, p.unit)
			}
			var reviewer int64
			for j, u := range units {
				if u == p.unit {
					reviewer = heads[j]
				}
			}
			switch r.IntN(8) {
			case 0:
			case 1:
				w.month(p.id, m, -1, reviewer)
			default:
				w.month(p.id, m, grading.Points(7000+r.Int64N(3001)), reviewer) // many As and Bs
			}
		}
		for _, h := range heads {
			w.month(h, m, 8000, boss)
		}
	}
	for _, h := range heads {
		tbl, err := year.LoadTable(ctx, w.pool, h, 2026, day, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, res, err := year.ConfirmAll(ctx, w.pool, h, 2026, tbl.Key, day, nil)
		if err != nil {
			t.Fatal(err)
		}
		r.Shuffle(len(res.Held), func(i, j int) { res.Held[i], res.Held[j] = res.Held[j], res.Held[i] })
		for _, x := range res.Held {
			if _, err := year.Confirm(ctx, w.pool, h, x.OfficialID, 2026, x.Version, day); err != nil && !errors.Is(err, yearly.ErrQuota) {
				t.Fatal(err)
			}
		}
	}
	fw, _ := grading.Preset("nd-335-2025")
	res, err := yearly.Compute(ctx, w.pool, yearly.Period{Year: 2026}, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range res.Units {
		decidedA := map[string]int{}
		for _, x := range u.People {
			if x.Status != yearly.StatusDraft && x.Grade == grading.GradeA {
				decidedA[fw.QuotaGroup(x.TaskGroup)]++
			}
		}
		for g, n := range decidedA {
			q, _ := u.QuotaGroup(g)
			if n > q.Decision.Max {
				t.Fatalf("unit %s group %q: %d decided A, quota %d", u.Code, g, n, q.Decision.Max)
			}
		}
	}
	for _, p := range people {
		s, err := year.LoadSummary(ctx, w.pool, p.id, p.id, 2026, current, day, false, nil)
		if err != nil {
			t.Fatal(err)
		}
		graded := 0
		for i, m := range s.Months {
			if m.Month != i+1 {
				t.Fatalf("%d: month %d listed at %d", p.id, m.Month, i+1)
			}
			if m.Graded {
				graded++
				var unit string
				if err := w.pool.QueryRow(ctx, `SELECT u.code FROM assessments a JOIN units u ON u.id = a.unit_id
					WHERE a.official_id = $1 AND a.month = $2`, p.id, time.Date(2026, time.Month(m.Month), 1, 0, 0, 0, 0, time.UTC)).Scan(&unit); err != nil {
					t.Fatal(err)
				}
				if unit != m.UnitCode {
					t.Fatalf("%d month %d: listed in %s, evaluated in %s", p.id, m.Month, m.UnitCode, unit)
				}
			} else if m.Left == "" {
				t.Fatalf("%d month %d: left out without a reason", p.id, m.Month)
			}
		}
		if graded != s.Stored.Months || len(s.Months) != 12 {
			t.Fatalf("%d: %d graded months listed, %d stored", p.id, graded, s.Stored.Months)
		}
	}
}
