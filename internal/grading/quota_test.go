package grading

import (
	"slices"
	"testing"
)

func gradeList(s string) []Grade {
	out := make([]Grade, len(s))
	for i, r := range s {
		out[i] = Grade(string(r))
	}
	return out
}

func TestMaxExcellent(t *testing.T) {
	h := mustPreset(t, "hanoi-3814-2018")
	n := mustPreset(t, "nd-335-2025")
	for _, c := range []struct {
		f           *Framework
		grades      string
		exceptional bool
		want        int
	}{
		{h, "", false, 0},
		{h, "AAAAAAAAAA", false, 3},
		{h, "AAAAAAAAAA", true, 4},
		{h, "AAABBCCDDD", false, 3}, // C and D count as graded
		{h, "AB", false, 0},
		{h, "AAAAE?", false, 1},     // unknown grades are not graded people
		{n, "AAAAAAAAAA", false, 1}, // keep 1, the 9 demoted count as B: ⌊0.2·9⌋ = 1
		{n, "ABBBBBBBBBB", false, 1},
		{n, "AAAAAAAAAAAA" + "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB", false, 10},  // 10 ≤ ⌊0.2·(48+2)⌋
		{n, "AAAAAAAAAAAAA" + "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB", true, 10}, // 11 > ⌊0.2·(49+2)⌋ = 10
		{n, "BBBBBCCDD", false, 0},
	} {
		if got := c.f.MaxExcellent(gradeList(c.grades), c.exceptional); got != c.want {
			t.Errorf("%s MaxExcellent(%s, %v) = %d, want %d", c.f.ID, c.grades, c.exceptional, got, c.want)
		}
	}
}

func TestQuotaCheck(t *testing.T) {
	h := mustPreset(t, "hanoi-3814-2018")
	members := []QuotaMember{
		{ID: 1, Total: 9100, Grade: GradeA}, {ID: 2, Total: 9800, Grade: GradeA}, {ID: 3, Total: 9100, Grade: GradeA},
		{ID: 4, Total: 8000, Grade: GradeB}, {ID: 5, Total: 9500, Grade: GradeD}, // D by discipline despite its total
		{ID: 6, Total: 7000, Grade: GradeB}, {ID: 7, Total: 6000, Grade: GradeC},
	}
	d := h.QuotaCheck(members, false)
	if d.Max != 2 || d.Excess != 1 || !slices.Equal(d.Candidates, []int64{2, 1, 3}) {
		t.Fatalf("%+v", d)
	}
	if d := h.QuotaCheck(members, true); d.Max != 2 || d.Excess != 1 { // ⌊0.4·7⌋ = 2
		t.Fatalf("exceptional: %+v", d)
	}
	if d := h.QuotaCheck(members[3:], false); d.Max != 0 || d.Excess != 0 || len(d.Candidates) != 0 {
		t.Fatalf("no A: %+v", d)
	}
}

func TestDemoteForQuota(t *testing.T) {
	h := mustPreset(t, DefaultFrameworkID)
	r, err := h.Grade(Input{Criteria: full3814(), Tasks: tasks(StatusOnTime), Bonus: 500})
	if err != nil || r.Grade != GradeA {
		t.Fatal(err, r.Grade)
	}
	r.DemoteForQuota()
	if r.Grade != GradeB || r.Total != 9500 || len(r.Overrides) != 1 || r.Overrides[0].Code != OverrideQuota {
		t.Fatalf("%+v", r)
	}
	r.DemoteForQuota() // a B stays B, no second override
	if r.Grade != GradeB || len(r.Overrides) != 1 {
		t.Fatalf("%+v", r)
	}
}
