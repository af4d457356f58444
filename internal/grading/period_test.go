package grading

import (
	"errors"
	"math/big"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// g is a graded month; away one not worked.
func g(month int, total Points, grade Grade) MonthResult {
	return MonthResult{Month: month, Graded: true, Total: total, Grade: grade}
}

func away(month int) MonthResult { return MonthResult{Month: month} }

// twelve returns the months 1..12 graded with the same total and grade.
func twelve(total Points, grade Grade) []MonthResult {
	var out []MonthResult
	for m := 1; m <= 12; m++ {
		out = append(out, g(m, total, grade))
	}
	return out
}

func TestYearResultRules(t *testing.T) {
	n := mustPreset(t, "nd-335-2025")
	h := mustPreset(t, DefaultFrameworkID)
	withDiscipline := func(ms []MonthResult, i int, d Discipline) []MonthResult {
		ms = slices.Clone(ms)
		ms[i].Discipline = d
		return ms
	}
	mixed := []MonthResult{ // 11 × 90.00 + 1 × 89.99 = 1079.99 / 12 = 89.9991… → 90.00: A
		g(1, 9000, GradeA), g(2, 9000, GradeA), g(3, 9000, GradeA), g(4, 9000, GradeA), g(5, 9000, GradeA), g(6, 9000, GradeA),
		g(7, 9000, GradeA), g(8, 9000, GradeA), g(9, 9000, GradeA), g(10, 9000, GradeA), g(11, 9000, GradeA), g(12, 8999, GradeB),
	}
	for _, c := range []struct {
		name      string
		f         *Framework
		months    []MonthResult
		graded    bool
		months0   int
		mean      Points
		grade     Grade
		counts    [4]int
		overrides []Override
	}{
		{"twelve A months", n, twelve(9500, GradeA), true, 12, 9500, GradeA, [4]int{12, 0, 0, 0}, nil},
		// Rounded once, at the mean: 1079.99 / 12 = 89.99916… → 90.00 (A), though a month is B.
		{"rounded half up once", n, mixed, true, 12, 9000, GradeA, [4]int{11, 1, 0, 0}, nil},
		// 89.99 and 90.00 average 89.995 → 90.00 half up.
		{"half up at the mean", n, []MonthResult{g(1, 8999, GradeB), g(2, 9000, GradeA), g(3, 9000, GradeA), g(4, 8999, GradeB),
			g(5, 8999, GradeB), g(6, 9000, GradeA)}, true, 6, 9000, GradeA, [4]int{3, 3, 0, 0}, nil},
		// 89.99 and 89.98 average 89.985 → 89.99: B, the floor is inclusive and exact.
		{"just below A", n, []MonthResult{g(1, 8999, GradeB), g(2, 8998, GradeB), g(3, 8999, GradeB), g(4, 8998, GradeB),
			g(5, 8999, GradeB), g(6, 8998, GradeB)}, true, 6, 8999, GradeB, [4]int{0, 6, 0, 0}, nil},
		// Months not worked are left out: six graded months of 80, six away.
		{"months not worked left out", n, []MonthResult{away(1), away(2), away(3), away(4), away(5), away(6),
			g(7, 8000, GradeB), g(8, 8000, GradeB), g(9, 8000, GradeB), g(10, 8000, GradeB), g(11, 8000, GradeB), g(12, 8000, GradeB)},
			true, 6, 8000, GradeB, [4]int{0, 6, 0, 0}, nil},
		// Five graded months: below nd-335's min_graded_months = 6, no yearly grade.
		{"too few months", n, []MonthResult{g(1, 9500, GradeA), g(2, 9500, GradeA), g(3, 9500, GradeA), g(4, 9500, GradeA),
			g(5, 9500, GradeA), away(6)}, false, 5, 9500, "", [4]int{5, 0, 0, 0}, []Override{{OverrideTooFewMonths, "5/6"}}},
		{"no month at all", n, nil, false, 0, 0, "", [4]int{}, []Override{{OverrideTooFewMonths, "0/6"}}},
		// A reprimand in March: the year is at most C (agency-set cap), the mean stays.
		{"discipline caps the year", n, withDiscipline(twelve(9500, GradeA), 2, DisciplineReprimand), true, 12, 9500, GradeC,
			[4]int{12, 0, 0, 0}, []Override{{OverrideDiscipline, "reprimand"}}},
		// The cap never raises a grade: a D year stays D, no override.
		{"cap never raises", n, withDiscipline(twelve(4000, GradeD), 0, DisciplineWarning), true, 12, 4000, GradeD,
			[4]int{0, 0, 0, 12}, nil},
		// A discipline in a month not graded still counts for the year.
		{"discipline in a month away", n, append(twelve(9500, GradeA)[:11], MonthResult{Month: 12, Discipline: DisciplineWarning}),
			true, 11, 9500, GradeC, [4]int{11, 0, 0, 0}, []Override{{OverrideDiscipline, "warning"}}},
		{"3814: same rule", h, twelve(7000, GradeB), true, 12, 7000, GradeB, [4]int{0, 12, 0, 0}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := c.f.YearResult(c.months)
			if err != nil {
				t.Fatal(err)
			}
			if r.Graded != c.graded || r.Months != c.months0 || r.Mean != c.mean || r.Grade != c.grade || r.Counts != c.counts ||
				!slices.Equal(r.Overrides, c.overrides) || r.Kind != PeriodYear || r.FrameworkID != c.f.ID {
				t.Errorf("got %+v\nwant graded %v, %d months, mean %s, grade %q, counts %v, overrides %v",
					r, c.graded, c.months0, c.mean, c.grade, c.counts, c.overrides)
			}
		})
	}
}

func TestYearResultRejects(t *testing.T) {
	n := mustPreset(t, "nd-335-2025")
	for _, c := range []struct {
		name   string
		months []MonthResult
		field  string
	}{
		{"month 13", []MonthResult{g(13, 9000, GradeA)}, "months[0].month"},
		{"month 0", []MonthResult{g(0, 9000, GradeA)}, "months[0].month"},
		{"a month twice", []MonthResult{g(5, 9000, GradeA), g(5, 8000, GradeB)}, "months[1].month"},
		{"total above 100", []MonthResult{g(1, 10001, GradeA)}, "months[0].total"},
		{"negative total", []MonthResult{g(1, -1, GradeD)}, "months[0].total"},
		{"unknown grade", []MonthResult{g(1, 9000, "E")}, "months[0].grade"},
		{"unknown discipline", []MonthResult{{Month: 1, Discipline: "caution"}}, "months[0].discipline"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := n.YearResult(c.months)
			var ie *InputError
			if !errors.As(err, &ie) || ie.Field != c.field || !errors.Is(err, ErrBadInput) {
				t.Fatalf("err = %v, want ErrBadInput on %s", err, c.field)
			}
		})
	}
}

func TestQuarterResult(t *testing.T) {
	h := mustPreset(t, DefaultFrameworkID)
	n := mustPreset(t, "nd-335-2025")
	if !h.QuartersEvaluated() || n.QuartersEvaluated() {
		t.Fatalf("quarters evaluated: 3814 %v, 335 %v; want true, false", h.QuartersEvaluated(), n.QuartersEvaluated())
	}
	// Q4: 92.50, 87.25, November away → (92.50 + 87.25) / 2 = 89.875 → 89.88: B.
	r, err := h.QuarterResult(4, []MonthResult{g(10, 9250, GradeA), away(11), g(12, 8725, GradeB)})
	if err != nil || !r.Graded || r.Months != 2 || r.Mean != 8988 || r.Grade != GradeB || r.Kind != PeriodQuarter {
		t.Fatalf("Q4 = %+v, %v; want 2 months, 89.88, B", r, err)
	}
	// One graded month of three: below the quarter's min_graded_months = 2.
	r, err = h.QuarterResult(1, []MonthResult{g(1, 9500, GradeA), away(2), away(3)})
	if err != nil || r.Graded || !slices.Equal(r.Overrides, []Override{{OverrideTooFewMonths, "1/2"}}) {
		t.Fatalf("Q1 with one month = %+v, %v", r, err)
	}
	if _, err := h.QuarterResult(2, []MonthResult{g(7, 9000, GradeA)}); !errors.Is(err, ErrBadInput) {
		t.Fatalf("July in Q2: err = %v", err)
	}
	if _, err := h.QuarterResult(5, nil); !errors.Is(err, ErrBadInput) {
		t.Fatalf("quarter 5: err = %v", err)
	}
	if _, err := n.QuarterResult(1, nil); !errors.Is(err, ErrQuarterNotEvaluated) {
		t.Fatalf("335 quarter: err = %v, want ErrQuarterNotEvaluated", err)
	}
}

func TestPeriodSectionsParse(t *testing.T) {
	base := presetText(t, "nd-335-2025")
	// A framework without [year] and [quarter]: the year takes the monthly
	// bands and quota, at least one month; quarters are not evaluated.
	cut := base[:strings.Index(base, "\n# The year (Art. 21)")]
	f, err := Parse([]byte(cut))
	if err != nil {
		t.Fatal(err)
	}
	if f.QuartersEvaluated() || f.MinGradedMonths(PeriodYear) != 1 {
		t.Fatalf("defaults: quarters %v, year min %d", f.QuartersEvaluated(), f.MinGradedMonths(PeriodYear))
	}
	if r, _ := f.YearResult([]MonthResult{g(1, 9500, GradeA).withDiscipline(DisciplineDismissal)}); r.Grade != GradeA {
		t.Fatalf("no discipline cap by default: %+v", r)
	}
	// The year's own bands: A from 95.
	own := cut + "\n[year]\nmin_graded_months = 1\n" + `
[[year.bands]]
grade = "A"
min = 95
name = { vi = "Hoàn thành xuất sắc nhiệm vụ" }
[[year.bands]]
grade = "B"
min = 70
name = { vi = "Hoàn thành tốt nhiệm vụ" }
[[year.bands]]
grade = "C"
min = 50
name = { vi = "Hoàn thành nhiệm vụ" }
[[year.bands]]
grade = "D"
min = 0
name = { vi = "Không hoàn thành nhiệm vụ" }
`
	f, err = Parse([]byte(own))
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := f.YearResult([]MonthResult{g(1, 9400, GradeA)}); r.Grade != GradeB || f.Band(9400) != GradeA {
		t.Fatalf("year bands: %+v", r)
	}

	for _, c := range []struct{ name, old, new, field string }{
		{"year.evaluated", "[year]\n", "[year]\nevaluated = false\n", "year.evaluated"},
		{"rounding", `rounding = "half_up"`, `rounding = "down"`, "year.rounding"},
		{"min months above 12", "min_graded_months = 6", "min_graded_months = 13", "year.min_graded_months"},
		{"min months zero", "min_graded_months = 6", "min_graded_months = 0", "year.min_graded_months"},
		{"quarter min above 3", "min_graded_months = 2", "min_graded_months = 4", "quarter.min_graded_months"},
		{"unknown cap level", "reprimand = \"C\"", "caution = \"C\"", "year.discipline_cap.caution"},
		{"cap grade", "reprimand = \"C\"", "reprimand = \"E\"", "year.discipline_cap.reprimand"},
		{"year quota kind", `quota = { kind = "share_of_b"`, `quota = { kind = "percent"`, "year.quota.kind"},
		{"unknown key", "[quarter]\n", "[quarter]\nweeks = 13\n", "quarter.weeks"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if !strings.Contains(base, c.old) {
				t.Fatalf("preset lacks %q", c.old)
			}
			_, err := Parse([]byte(strings.Replace(base, c.old, c.new, 1)))
			var fe *FrameworkError
			if !errors.As(err, &fe) || fe.Field != c.field {
				t.Fatalf("err = %v, want a fault on %s", err, c.field)
			}
		})
	}
}

func (m MonthResult) withDiscipline(d Discipline) MonthResult { m.Discipline = d; return m }

func TestPeriodQuota(t *testing.T) {
	n := mustPreset(t, "nd-335-2025")
	h := mustPreset(t, DefaultFrameworkID)
	members := func(grades string) []QuotaMember {
		var out []QuotaMember
		for i, r := range grades {
			out = append(out, QuotaMember{ID: int64(i + 1), Total: Points(9000 + 10*i), Grade: Grade(string(r))})
		}
		return out
	}
	// 335: A ≤ 20% of B, demoted As counted as B: 3 A and 7 B → keep 1 (⌊0.2·9⌋ = 1), 2 to move.
	d := n.PeriodQuotaCheck(PeriodYear, members("AAABBBBBBB"), false)
	if d.Max != 1 || d.Excess != 2 || !slices.Equal(d.Candidates, []int64{3, 2, 1}) {
		t.Fatalf("335 year quota = %+v", d)
	}
	// 3814: 30% of 10 graded = 3.
	if d := h.PeriodQuotaCheck(PeriodYear, members("AAAABBBBBB"), false); d.Max != 3 || d.Excess != 1 {
		t.Fatalf("3814 year quota = %+v", d)
	}
	r := PeriodResult{Graded: true, Grade: GradeA}
	r.DemoteForQuota()
	if r.Grade != GradeB || !slices.Equal(r.Overrides, []Override{{OverrideQuota, "A"}}) {
		t.Fatalf("DemoteForQuota: %+v", r)
	}
}

// Property: the yearly mean is the exact mean of the graded months' totals,
// rounded half up once; months not worked change nothing; order does not matter.
func TestPropertyYearMean(t *testing.T) {
	eachPreset(t, func(t *testing.T, f *Framework, r *rand.Rand) {
		for range propertyRuns {
			var months []MonthResult
			var sum int64
			graded := 0
			for m := 1; m <= 12; m++ {
				switch r.IntN(5) {
				case 0: // not in the list at all
				case 1:
					months = append(months, away(m))
				default:
					total := Points(r.Int64N(10001))
					months = append(months, g(m, total, f.Band(total)))
					sum += int64(total)
					graded++
				}
			}
			r.Shuffle(len(months), func(i, j int) { months[i], months[j] = months[j], months[i] })
			res, err := f.YearResult(months)
			if err != nil {
				t.Fatal(err)
			}
			var want Points
			if graded > 0 {
				want = Points(roundHalfUp(big.NewRat(sum, int64(graded))))
			}
			if res.Mean != want || res.Months != graded || int64(res.Sum) != sum {
				t.Fatalf("%+v: mean %s over %d, want %s over %d", months, res.Mean, res.Months, want, graded)
			}
			if res.Graded != (graded >= f.MinGradedMonths(PeriodYear)) || (res.Graded && res.Grade != f.Band(want)) {
				t.Fatalf("%+v: %+v", months, res)
			}
		}
	})
}
