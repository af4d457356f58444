package grading

import (
	"errors"
	"math/big"
	"strconv"
)

// ErrQuarterNotEvaluated is QuarterResult's error under a framework whose
// quarter.evaluated is false.
var ErrQuarterNotEvaluated = errors.New("grading: the framework does not evaluate quarters")

// Override codes of a quarter or a year (with OverrideDiscipline and
// OverrideQuota, shared with the month).
const (
	// OverrideTooFewMonths: fewer graded months than the framework's minimum,
	// so the period is not graded; Detail is "graded/minimum" ("4/6").
	OverrideTooFewMonths = "too_few_months"
)

// Period kinds, as PeriodResult.Kind.
const (
	PeriodYear    = "year"    // năm: Decree 335/2025/NĐ-CP Art. 21
	PeriodQuarter = "quarter" // quý: Quy định 366-QĐ/TW (2025)
)

// periodRule is a framework's rule for a quarter or for the year: which
// months count, how the mean is banded, what a discipline in the period caps
// the grade at, and the period's grade-A quota.
type periodRule struct {
	// evaluated: the framework grades this kind of period at all (the year
	// always; a quarter only where the framework asks for it).
	evaluated bool
	// minMonths: the fewest graded months for a grade (agency-set).
	minMonths int
	bands     []band
	// capOf maps a discipline level taken in the period to the best grade
	// the period may have; a level not listed caps nothing.
	capOf map[Discipline]Grade
	quota quotaRule
}

// quotaRule is a grade-A quota: kind, share and the exceptional unit's share.
type quotaRule struct {
	kind               string
	share, exceptional *big.Rat
}

// MonthResult is one stored month of a person, as a quarter or the year
// reads it: only the graded months' totals are averaged.
type MonthResult struct {
	// Month is 1..12.
	Month int
	// Graded is false for a month not worked (leave, too few days) or not
	// graded; such a month is left out of the mean and of the grade counts.
	Graded bool
	// Total is the month's total in hundredths (0..10000); read when Graded.
	Total Points
	// Grade is the month's final grade (A–D); read when Graded.
	Grade Grade
	// Discipline taken in the month, "" for none; counted whether or not
	// the month was graded.
	Discipline Discipline
}

// PeriodResult is a person's quarter or year. Points are hundredths.
type PeriodResult struct {
	FrameworkID, FrameworkVersion string
	// Kind is PeriodYear or PeriodQuarter.
	Kind string
	// Graded is false when fewer months were graded than the framework asks
	// (override too_few_months); then Mean is still the mean of those months
	// (0 with none) but Grade is "".
	Graded bool
	// Months counts the graded months; Sum is the sum of their totals.
	Months int
	Sum    Points
	// Mean is Sum / Months rounded half up to hundredths, once (0 with no
	// graded month).
	Mean Points
	// Counts holds the graded months per grade: A, B, C, D.
	Counts [4]int
	// Grade is the band of Mean, capped by a discipline in the period.
	Grade Grade
	// Overrides lists the rules that changed the outcome.
	Overrides []Override
}

// MeanPoints returns sum / n in hundredths rounded half up (sum ≥ 0, n > 0),
// in integers: ⌊(2·sum + n) / 2n⌋; 0 when n ≤ 0.
func MeanPoints(sum Points, n int) Points {
	if n <= 0 {
		return 0
	}
	return Points((2*int64(sum) + int64(n)) / (2 * int64(n)))
}

// QuartersEvaluated reports whether the framework grades quarters
// (framework field quarter.evaluated).
func (f *Framework) QuartersEvaluated() bool { return f.quarter.evaluated }

// MinGradedMonths returns the fewest graded months for a grade of the kind
// of period (PeriodYear or PeriodQuarter).
func (f *Framework) MinGradedMonths(kind string) int { return f.rule(kind).minMonths }

func (f *Framework) rule(kind string) *periodRule {
	if kind == PeriodQuarter {
		return &f.quarter
	}
	return &f.year
}

// YearResult grades a person's year from their stored months (Decree
// 335/2025/NĐ-CP Art. 21): the mean of the graded months' totals, rounded
// half up to hundredths once, banded by the year's bands (the monthly ones
// unless the framework gives its own); fewer graded months than
// year.min_graded_months is not graded; a discipline taken in any month of
// the year caps the grade as year.discipline_cap says. months may come in
// any order, each month at most once. Invalid months return an *InputError
// (ErrBadInput).
func (f *Framework) YearResult(months []MonthResult) (PeriodResult, error) {
	return f.periodResult(PeriodYear, 1, 12, months)
}

// QuarterResult grades quarter q (1–4) the same way from its months, under
// the framework's quarter rule (Quy định 366-QĐ/TW: quarterly evaluation on
// a 100-point scale). A framework that does not evaluate quarters returns
// ErrQuarterNotEvaluated; a month outside the quarter is ErrBadInput.
func (f *Framework) QuarterResult(q int, months []MonthResult) (PeriodResult, error) {
	if q < 1 || q > 4 {
		return PeriodResult{}, inputErr(ErrBadInput, "quarter", strconv.Itoa(q), "want 1..4")
	}
	if !f.quarter.evaluated {
		return PeriodResult{}, ErrQuarterNotEvaluated
	}
	return f.periodResult(PeriodQuarter, 3*q-2, 3*q, months)
}

func (f *Framework) periodResult(kind string, first, last int, months []MonthResult) (PeriodResult, error) {
	rule := f.rule(kind)
	res := PeriodResult{FrameworkID: f.ID, FrameworkVersion: f.Version, Kind: kind}
	var seen [13]bool
	worst, worstRank := DisciplineNone, -1 // the discipline whose cap is the lowest grade
	for i, m := range months {
		field := "months[" + strconv.Itoa(i) + "]"
		if m.Month < first || m.Month > last {
			return PeriodResult{}, inputErr(ErrBadInput, field+".month", strconv.Itoa(m.Month),
				"want "+strconv.Itoa(first)+".."+strconv.Itoa(last))
		}
		if seen[m.Month] {
			return PeriodResult{}, inputErr(ErrBadInput, field+".month", strconv.Itoa(m.Month), "each month at most once")
		}
		seen[m.Month] = true
		if !knownDiscipline(m.Discipline) {
			return PeriodResult{}, inputErr(ErrBadInput, field+".discipline", string(m.Discipline), "want reprimand, warning, demotion or dismissal")
		}
		if cap, ok := rule.capOf[m.Discipline]; ok && cap.rank() > worstRank {
			worst, worstRank = m.Discipline, cap.rank()
		}
		if !m.Graded {
			continue
		}
		if m.Total < 0 || m.Total > hundred {
			return PeriodResult{}, inputErr(ErrBadInput, field+".total", m.Total.String(), "want 0.00..100.00")
		}
		r := m.Grade.rank()
		if r < 0 {
			return PeriodResult{}, inputErr(ErrBadInput, field+".grade", string(m.Grade), "want A, B, C or D")
		}
		res.Counts[r]++
		res.Months++
		res.Sum += m.Total
	}
	res.Mean = MeanPoints(res.Sum, res.Months)
	if res.Months < rule.minMonths || res.Months == 0 {
		res.Overrides = append(res.Overrides, Override{Code: OverrideTooFewMonths,
			Detail: strconv.Itoa(res.Months) + "/" + strconv.Itoa(max(rule.minMonths, 1))})
		return res, nil
	}
	res.Graded = true
	res.Grade = bandOf(rule.bands, res.Mean)
	if worstRank > res.Grade.rank() {
		res.Grade = grades[worstRank]
		res.Overrides = append(res.Overrides, Override{Code: OverrideDiscipline, Detail: string(worst)})
	}
	return res, nil
}

// bandOf is Framework.Band over a given list of bands.
func bandOf(bands []band, total Points) Grade {
	for _, b := range bands {
		if total >= b.min {
			return b.grade
		}
	}
	return GradeD
}

// PeriodBand returns the grade of a quarter's or a year's mean under that
// period's bands (the monthly bands unless the framework gives its own).
func (f *Framework) PeriodBand(kind string, mean Points) Grade {
	return bandOf(f.rule(kind).bands, mean)
}

// PeriodQuotaCheck is QuotaCheck under the period's grade-A quota
// (year.quota or quarter.quota; the monthly quota unless given): the
// members are the people of one unit (their unit at the period's end) with
// their period mean as Total and their period grade.
func (f *Framework) PeriodQuotaCheck(kind string, members []QuotaMember, exceptional bool) QuotaDecision {
	q := f.rule(kind).quota
	g := *f // the monthly quota machinery, under the period's rule
	g.quotaKind, g.quotaShare, g.quotaExceptional = q.kind, q.share, q.exceptional
	return g.QuotaCheck(members, exceptional)
}

// DemoteForQuota lowers a period's A to B for the unit's quota, recording
// the override (the head's choice; nobody is demoted silently).
func (r *PeriodResult) DemoteForQuota() {
	if r.Grade != GradeA {
		return
	}
	r.Grade = GradeB
	r.Overrides = append(r.Overrides, Override{Code: OverrideQuota, Detail: string(GradeA)})
}
