package grading

import (
	"cmp"
	"slices"
)

// Quota scopes (framework field quota.scope): where the grade-A quota is
// counted.
const (
	// QuotaScopeUnit: over the whole unit (Decision 3814-QĐ/TU). The default.
	QuotaScopeUnit = "unit"
	// QuotaScopeTaskGroup: within each group of the unit's officials with
	// similar tasks (nhóm có nhiệm vụ tương đồng, Decree 335/2025/NĐ-CP);
	// people with no group form one group of their own.
	QuotaScopeTaskGroup = "task_group"
)

// QuotaScope is QuotaScopeUnit or QuotaScopeTaskGroup.
func (f *Framework) QuotaScope() string { return f.quotaScope }

// QuotaGroup is the group an official with roster task group taskGroup
// counts in for the quota: taskGroup itself under QuotaScopeTaskGroup, ""
// (the whole unit) otherwise.
func (f *Framework) QuotaGroup(taskGroup string) string {
	if f.quotaScope == QuotaScopeTaskGroup {
		return taskGroup
	}
	return ""
}

// GroupRoom is how one quota group of a unit stands against the A quota.
type GroupRoom struct {
	// Group is the quota group ("" for the whole unit, or for the people
	// without a task group under QuotaScopeTaskGroup).
	Group string
	// Graded counts the group's members graded A–D; A the As among them.
	Graded, A int
	// Cap is the most As the group can hold as its people stand, a new A
	// coming from someone graded neither A nor B (a person not yet approved,
	// counted C): under share_of_graded ⌊share × Graded⌋; under share_of_b
	// ⌊share × B⌋ when that covers the As there are, else MaxExcellent (the
	// As moved to B counting as B). MaxExcellent of the group is min(A, Cap).
	Cap int
	// Room is how many more A the group may take (Cap − A, at least 0);
	// Excess how many of its As must become B (A − Cap, at least 0).
	Room, Excess int
}

// QuotaMemberGroup is a QuotaMember with the roster task group it belongs to.
type QuotaMemberGroup struct {
	QuotaMember
	TaskGroup string // officials.task_group, "" for none
}

// QuotaRooms splits a unit's members into the framework's quota groups
// (QuotaGroup of each member's TaskGroup) and gives each group's standing,
// ordered by group name ("" first). Members graded other than A–D are not
// counted. With QuotaScopeUnit there is one group, "".
//
// Example (Decree 335, 20 % of B): group X graded A,A,B,B,B,B,B may keep 1 A
// (2 > ⌊0.2·5⌋, 1 ≤ ⌊0.2·6⌋), group Y graded A,B,B,B,B none (1 > ⌊0.2·4⌋);
// counted over the unit the same twelve would keep 2.
func (f *Framework) QuotaRooms(members []QuotaMemberGroup, exceptional bool) []GroupRoom {
	byGroup := map[string][]Grade{}
	for _, m := range members {
		g := f.QuotaGroup(m.TaskGroup)
		byGroup[g] = append(byGroup[g], m.Grade)
	}
	out := make([]GroupRoom, 0, len(byGroup))
	for g, grades := range byGroup {
		r := GroupRoom{Group: g}
		var b int64
		for _, x := range grades {
			switch {
			case x == GradeA:
				r.A++
			case x == GradeB:
				b++
			}
			if x.Valid() {
				r.Graded++
			}
		}
		r.Cap = f.capacity(grades, int64(r.A), b, int64(r.Graded), exceptional)
		r.Room, r.Excess = max(0, r.Cap-r.A), max(0, r.A-r.Cap)
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b GroupRoom) int { return cmp.Compare(a.Group, b.Group) })
	return out
}

// capacity is the most As a group with a As and b Bs among graded people
// can hold, the As beyond a coming from people graded neither A nor B (see
// GroupRoom.Cap).
func (f *Framework) capacity(grades []Grade, a, b, graded int64, exceptional bool) int {
	share := f.quotaShare
	if exceptional {
		share = f.quotaExceptional
	}
	if f.quotaKind == quotaOfGraded {
		return int(floorMul(share, graded))
	}
	if c := floorMul(share, b); c >= a {
		return int(c) // every A stands and the Bs carry c in all
	}
	return f.MaxExcellent(grades, exceptional) // some As must become B: they count as B
}

// QuotaCheckGroups is QuotaCheck within each quota group: the members of
// group are those whose QuotaGroup is group, and the head chooses among that
// group's As only. It returns the decision of the group named.
func (f *Framework) QuotaCheckGroups(members []QuotaMemberGroup, exceptional bool, group string) QuotaDecision {
	var in []QuotaMember
	for _, m := range members {
		if f.QuotaGroup(m.TaskGroup) == group {
			in = append(in, m.QuotaMember)
		}
	}
	return f.QuotaCheck(in, exceptional)
}
