package grading

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// members builds a unit from "group:grades" parts, ids in order from 1 and
// totals falling, so that the first A of a group is its best.
func members(parts ...string) []QuotaMemberGroup {
	var out []QuotaMemberGroup
	for _, p := range parts {
		group, grades, _ := strings.Cut(p, ":")
		for _, g := range grades {
			id := int64(len(out) + 1)
			out = append(out, QuotaMemberGroup{QuotaMember{ID: id, Total: Points(10000 - id), Grade: Grade(string(g))}, group})
		}
	}
	return out
}

// Issue 23: «under nd-335-2025 the A quota (≤ 20 % of B, demotions counted
// as B) is computed within each group of a unit …; hanoi-3814-2018 keeps its
// unit-wide 30 %/40 %.» The unit of the issue: group X graded A,A,B,B,B,B,B
// and group Y A,B,B,B,B.
func TestQuotaRooms(t *testing.T) {
	h := mustPreset(t, "hanoi-3814-2018")
	n := mustPreset(t, "nd-335-2025")
	unit := members("X:AABBBBB", "Y:ABBBB")
	for _, c := range []struct {
		name        string
		f           *Framework
		m           []QuotaMemberGroup
		exceptional bool
		want        []GroupRoom
	}{
		{"335 per group", n, unit, false, []GroupRoom{
			{Group: "X", Graded: 7, A: 2, Cap: 1, Room: 0, Excess: 1}, // 2 > ⌊0.2·5⌋ = 1; 1 ≤ ⌊0.2·6⌋ = 1
			{Group: "Y", Graded: 5, A: 1, Cap: 0, Room: 0, Excess: 1}, // 1 > ⌊0.2·4⌋ = 0
		}},
		{"3814 unit-wide", h, unit, false, []GroupRoom{
			{Group: "", Graded: 12, A: 3, Cap: 3, Room: 0, Excess: 0}, // ⌊0.3·12⌋ = 3
		}},
		{"3814 exceptional unit", h, members("X:ABBBBBBBBB"), true, []GroupRoom{
			{Group: "", Graded: 10, A: 1, Cap: 4, Room: 3}, // ⌊0.4·10⌋ = 4
		}},
		{"335 room left", n, members("X:ABBBBBBBBBBBBBB", "Y:BBBBBCC"), false, []GroupRoom{
			{Group: "X", Graded: 15, A: 1, Cap: 2, Room: 1}, // ⌊0.2·14⌋ = 2
			{Group: "Y", Graded: 7, A: 0, Cap: 1, Room: 1},  // a C made A: 1 ≤ ⌊0.2·5⌋
		}},
		{"335 ten B: room for a second A", n, members("X:ABBBBBBBBBB"), false, []GroupRoom{
			{Group: "X", Graded: 11, A: 1, Cap: 2, Room: 1}, // 2 ≤ ⌊0.2·10⌋
		}},
		{"335 nine B: none", n, members("X:ABBBBBBBBB"), false, []GroupRoom{
			{Group: "X", Graded: 10, A: 1, Cap: 1, Room: 0}, // 2 > ⌊0.2·9⌋ = 1
		}},
		{"335 people without a group form their own", n, members(":ABBBBB", "X:BBBBB"), false, []GroupRoom{
			{Group: "", Graded: 6, A: 1, Cap: 1, Room: 0}, // 1 ≤ ⌊0.2·5⌋
			{Group: "X", Graded: 5, Cap: 1, Room: 1},
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := c.f.QuotaRooms(c.m, c.exceptional); !slices.Equal(got, c.want) {
				t.Errorf("QuotaRooms = %+v\nwant %+v", got, c.want)
			}
		})
	}
	// The unit-wide count of the same twelve under Decree 335 would keep 2:
	// per group keeps 1 in all.
	all := make([]Grade, len(unit))
	for i, m := range unit {
		all[i] = m.Grade
	}
	if got := n.MaxExcellent(all, false); got != 2 {
		t.Errorf("unit-wide MaxExcellent = %d, want 2", got)
	}
}

// The head chooses within the group: group X's candidates are X's As only.
func TestQuotaCheckGroups(t *testing.T) {
	n := mustPreset(t, "nd-335-2025")
	unit := members("X:AABBBBB", "Y:ABBBB") // ids 1,2 the As of X; id 8 the A of Y
	d := n.QuotaCheckGroups(unit, false, "X")
	if d.Max != 1 || d.Excess != 1 || !slices.Equal(d.Candidates, []int64{1, 2}) {
		t.Errorf("X: %+v", d)
	}
	d = n.QuotaCheckGroups(unit, false, "Y")
	if d.Max != 0 || d.Excess != 1 || !slices.Equal(d.Candidates, []int64{8}) {
		t.Errorf("Y: %+v", d)
	}
	h := mustPreset(t, "hanoi-3814-2018")
	if d := h.QuotaCheckGroups(unit, false, ""); d.Max != 3 || d.Excess != 0 || len(d.Candidates) != 3 {
		t.Errorf("3814: %+v", d)
	}
	if n.QuotaGroup("X") != "X" || h.QuotaGroup("X") != "" {
		t.Error("QuotaGroup")
	}
}

func TestQuotaScopeParse(t *testing.T) {
	src := string(mustRead(t, "presets/nd-335-2025.toml"))
	bad := strings.Replace(src, `scope = "task_group"`, `scope = "team"`, 1)
	_, err := Parse([]byte(bad))
	var fe *FrameworkError
	if !errors.As(err, &fe) || fe.Field != "quota.scope" {
		t.Errorf("scope team: %v", err)
	}
	f, err := Parse([]byte(strings.Replace(src, "scope = \"task_group\"", "", 1)))
	if err != nil || f.QuotaScope() != QuotaScopeUnit {
		t.Errorf("no scope: %v %q", err, f.QuotaScope())
	}
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	b, err := presetFiles.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
