package grading

import (
	"maps"
	"math/big"
	"slices"
)

// DefaultFrameworkID names the preset used unless an organization picks
// another: Decision 3814-QĐ/TU of the Hanoi Party Committee's Standing Board.
const DefaultFrameworkID = "hanoi-3814-2018"

// Framework is one validated, versioned evaluation framework (khung tiêu chí).
// Get one from Preset, Parse or Load; treat it as read-only and share it
// freely (Grade does not modify it).
type Framework struct {
	// ID and Version identify the rules a Result was graded under.
	ID, Version string
	// Name is the framework's title by language ("vi" always present).
	Name map[string]string
	// Source cites the legal text the framework follows.
	Source string
	// General lists the general criteria in display order.
	General []Criterion
	// TaskMax is the task group's maximum in hundredths (7000 in both presets).
	TaskMax Points
	// BonusMax is the largest bonus in hundredths (1000 for 3814, 0 for Decree 335).
	BonusMax Points

	// Task-result rule: weights of quantity, quality, progress (sum 1) and the
	// share of a task lost per quality fault and per delay.
	weights              [3]*big.Rat
	faultStep, delayStep ratio

	// Complaint deduction: per confirmed complaint, and the monthly cap.
	complaintEach, complaintCap Points

	// Leader rule: own share, unit factor when every subordinate ≥ C, and
	// when any has D.
	ownShare, factorAllC, factorAnyD *big.Rat

	bands []band // A, B, C, D with strictly decreasing floors, D at 0

	quotaKind                    string
	quotaShare, quotaExceptional *big.Rat
	quotaScope                   string // QuotaScopeUnit or QuotaScopeTaskGroup

	forceD    []Discipline
	minWorked *big.Rat // share of working days that must be worked

	// The year (Decree 335/2025/NĐ-CP Art. 21) and the quarter (Quy định
	// 366-QĐ/TW): framework sections [year] and [quarter].
	year, quarter periodRule
}

// Criterion is one general criterion (ý thức, phẩm chất, …).
type Criterion struct {
	// ID is a short snake_case key ("politics"), stable across versions.
	ID string
	// Name is the criterion's label by language ("vi" always present).
	Name map[string]string
	// Max is the criterion's maximum in hundredths, > 0.
	Max Points
}

type band struct {
	grade Grade
	min   Points
	name  map[string]string
}

// ratio is a step p/q in lowest terms with small p and q (parse bounds them
// to < 10^9), kept as integers so the per-task arithmetic stays in int64.
type ratio struct{ p, q int64 }

// units returns q·max(0, 1 − (p/q)·n) = max(0, q − p·n) for n ≥ 0 without overflow.
func (r ratio) units(n int) int64 {
	if r.p == 0 {
		return r.q
	}
	if int64(n) >= (r.q+r.p-1)/r.p { // n ≥ ⌈q/p⌉: nothing left
		return 0
	}
	return r.q - r.p*int64(n)
}

// Band returns the grade whose lower bound is the highest one ≤ total:
// bounds are inclusive (with the presets 90.00 is A, 89.99 is B).
// A total below every bound (only possible for negative totals) is D.
func (f *Framework) Band(total Points) Grade {
	for _, b := range f.bands {
		if total >= b.min {
			return b.grade
		}
	}
	return GradeD
}

// BandMin returns the lower bound of grade g in hundredths (9000 for A in
// both presets), and false for an unknown grade.
func (f *Framework) BandMin(g Grade) (Points, bool) {
	for _, b := range f.bands {
		if b.grade == g {
			return b.min, true
		}
	}
	return 0, false
}

// BandName returns the grade's name in lang ("vi" or "en"), falling back to
// Vietnamese, and the grade letter itself for an unknown grade.
func (f *Framework) BandName(g Grade, lang string) string {
	for _, b := range f.bands {
		if b.grade == g {
			return pick(b.name, lang)
		}
	}
	return string(g)
}

// CriterionName returns the criterion's name in lang ("vi" or "en"), falling
// back to Vietnamese, and the id itself for an unknown criterion.
func (f *Framework) CriterionName(id, lang string) string {
	for _, c := range f.General {
		if c.ID == id {
			return pick(c.Name, lang)
		}
	}
	return id
}

// Title returns the framework's name in lang, falling back to Vietnamese.
func (f *Framework) Title(lang string) string { return pick(f.Name, lang) }

// GeneralMax returns the sum of the general criteria's maxima in hundredths
// (2000 for 3814, 3000 for Decree 335).
func (f *Framework) GeneralMax() Points {
	var sum Points
	for _, c := range f.General {
		sum += c.Max
	}
	return sum
}

func pick(names map[string]string, lang string) string {
	if s, ok := names[lang]; ok && s != "" {
		return s
	}
	return names["vi"]
}

// clone copies the parts a caller could modify (exported maps and slices);
// the unexported rules are never modified after Parse and are shared.
func (f *Framework) clone() *Framework {
	c := *f
	c.Name = maps.Clone(f.Name)
	c.General = slices.Clone(f.General)
	for i := range c.General {
		c.General[i].Name = maps.Clone(c.General[i].Name)
	}
	return &c
}

// ForcesD reports whether the framework grades a month with disciplinary
// measure d as D (its force_d list; DESIGN.md §3); false for none.
func (f *Framework) ForcesD(d Discipline) bool {
	return d != DisciplineNone && containsDiscipline(f.forceD, d)
}
