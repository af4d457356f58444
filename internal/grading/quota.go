package grading

import (
	"cmp"
	"math/big"
	"slices"
)

// Quota kinds (framework field quota.kind).
const (
	// quotaOfGraded: A ≤ ⌊share × people graded⌋ (Decision 3814-QĐ/TU: 30%,
	// 40% in an exceptional unit).
	quotaOfGraded = "share_of_graded"
	// quotaOfB: A ≤ ⌊share × B count⌋, counting As moved to B as B
	// (Decree 335/2025/NĐ-CP: 20%).
	quotaOfB = "share_of_b"
)

// MaxExcellent returns the largest number of the unit's A grades that may
// stand under the framework's quota: never more than the As there are.
// grades are the unit's final grades; anything but A–D is not counted as
// graded. exceptional selects the framework's exceptional-unit share.
//
// Decision 3814-QĐ/TU: ⌊30% × graded⌋, 40% in an exceptional unit.
// Decree 335/2025/NĐ-CP: the largest k with k ≤ ⌊20% × (B + (A − k))⌋, since
// an A moved to B for the quota counts as B.
func (f *Framework) MaxExcellent(grades []Grade, exceptional bool) int {
	var count [4]int64
	for _, g := range grades {
		if r := g.rank(); r >= 0 {
			count[r]++
		}
	}
	share := f.quotaShare
	if exceptional {
		share = f.quotaExceptional
	}
	a, b := count[0], count[1]
	if f.quotaKind == quotaOfGraded {
		return int(min(a, floorMul(share, count[0]+count[1]+count[2]+count[3])))
	}
	k := a
	for k > 0 && k > floorMul(share, b+a-k) {
		k--
	}
	return int(k)
}

// floorMul returns ⌊share × n⌋ for n ≥ 0.
func floorMul(share *big.Rat, n int64) int64 {
	var x big.Int
	x.Mul(share.Num(), big.NewInt(n))
	return x.Quo(&x, share.Denom()).Int64()
}

// QuotaMember is one graded person of a unit, for QuotaCheck.
type QuotaMember struct {
	ID    int64  // the official's id, opaque here
	Total Points // hundredths, orders the candidates
	Grade Grade  // the grade before the quota
}

// QuotaDecision tells the head how the unit stands against the A quota.
type QuotaDecision struct {
	// Max is MaxExcellent for the unit.
	Max int
	// Excess is how many A must become B (0 when within the quota).
	Excess int
	// Candidates are the A members' ids, highest total first (ties by id);
	// the head chooses who keeps A, nobody is demoted silently (DESIGN.md §3).
	Candidates []int64
}

// QuotaCheck applies MaxExcellent to a unit's members before the head
// finalizes: when Excess > 0 the head picks Excess of Candidates to move to B
// (Result.DemoteForQuota). Members graded other than A–D are not counted.
func (f *Framework) QuotaCheck(members []QuotaMember, exceptional bool) QuotaDecision {
	gs := make([]Grade, len(members))
	var as []QuotaMember
	for i, m := range members {
		gs[i] = m.Grade
		if m.Grade == GradeA {
			as = append(as, m)
		}
	}
	slices.SortFunc(as, func(x, y QuotaMember) int {
		return cmp.Or(cmp.Compare(y.Total, x.Total), cmp.Compare(x.ID, y.ID))
	})
	d := QuotaDecision{Max: f.MaxExcellent(gs, exceptional)}
	d.Excess = len(as) - d.Max
	for _, m := range as {
		d.Candidates = append(d.Candidates, m.ID)
	}
	return d
}

// DemoteForQuota lowers an A to B because of the unit's quota and records the
// override, so the card says why. Any other grade is left as it is.
func (r *Result) DemoteForQuota() {
	if r.Grade != GradeA {
		return
	}
	r.Grade = GradeB
	r.Overrides = append(r.Overrides, Override{Code: OverrideQuota, Detail: string(GradeA)})
}
