package grading

import (
	"math/rand/v2"
	"testing"
)

// Property tests over seeded random months: reproducible, and many of them.

const propertyRuns = 3000

func randomInput(r *rand.Rand, f *Framework) Input {
	in := Input{Criteria: map[string]Points{}}
	for _, c := range f.General {
		in.Criteria[c.ID] = Points(r.Int64N(int64(c.Max) + 1))
	}
	statuses := []TaskStatus{StatusOnTime, StatusLate, StatusNotDone}
	for range 1 + r.IntN(15) {
		t := Task{Status: statuses[r.IntN(3)], QualityFaults: r.IntN(6)}
		if r.IntN(2) == 0 {
			t.Weight = Points(1 + r.Int64N(500))
		}
		if t.Status == StatusLate {
			t.Delays = r.IntN(6) // 0 counts as 1
		}
		in.Tasks = append(in.Tasks, t)
	}
	if r.IntN(10) == 0 {
		in.Tasks = nil
		in.ManualTaskScore = ptr(Points(r.Int64N(int64(f.TaskMax) + 1)))
	}
	in.Bonus = Points(r.Int64N(int64(f.BonusMax) + 1))
	in.ConfirmedComplaints = r.IntN(12)
	if r.IntN(4) == 0 {
		in.Role = RoleHead
		for range r.IntN(8) {
			in.SubordinateGrades = append(in.SubordinateGrades, grades[r.IntN(4)])
		}
	}
	if r.IntN(8) == 0 {
		in.Discipline = DisciplineWarning
	}
	return in
}

func eachPreset(t *testing.T, fn func(t *testing.T, f *Framework, r *rand.Rand)) {
	for i, id := range Presets() {
		t.Run(id, func(t *testing.T) {
			fn(t, mustPreset(t, id), rand.New(rand.NewPCG(20260101, uint64(i))))
		})
	}
}

func TestPropertyTotalInRange(t *testing.T) {
	eachPreset(t, func(t *testing.T, f *Framework, r *rand.Rand) {
		for range propertyRuns {
			in := randomInput(r, f)
			res, err := f.Grade(in)
			if err != nil {
				t.Fatalf("%+v: %v", in, err)
			}
			if res.Total < 0 || res.Total > 10000 || res.Task < 0 || res.Task > f.TaskMax ||
				res.General-res.Deduction < 0 || !res.Grade.Valid() {
				t.Fatalf("%+v → %+v", in, res)
			}
		}
	})
}

// Turning a task not_done → late, or late → on_time, never lowers the total.
func TestPropertyBetterTaskNeverLowers(t *testing.T) {
	eachPreset(t, func(t *testing.T, f *Framework, r *rand.Rand) {
		improved := 0
		for range propertyRuns {
			in := randomInput(r, f)
			if len(in.Tasks) == 0 {
				continue
			}
			before, err := f.Grade(in)
			if err != nil {
				t.Fatal(err)
			}
			i := r.IntN(len(in.Tasks))
			better := append([]Task(nil), in.Tasks...)
			switch better[i].Status {
			case StatusNotDone:
				better[i].Status, better[i].Delays = StatusLate, r.IntN(8)
			case StatusLate:
				better[i].Status = StatusOnTime
			default:
				continue
			}
			in.Tasks = better
			after, err := f.Grade(in)
			if err != nil {
				t.Fatal(err)
			}
			if after.Total < before.Total || after.Task < before.Task {
				t.Fatalf("task %d improved to %+v: total %s → %s", i, better[i], before.Total, after.Total)
			}
			improved++
		}
		if improved < propertyRuns/3 {
			t.Fatalf("only %d improvements tried", improved)
		}
	})
}

// A higher total never gets a lower grade: Band is monotone, and so is Grade
// when no override forces D.
func TestPropertyGradeMonotone(t *testing.T) {
	eachPreset(t, func(t *testing.T, f *Framework, r *rand.Rand) {
		prev := f.Band(0)
		for total := Points(0); total <= 10000; total++ {
			g := f.Band(total)
			if g.rank() > prev.rank() {
				t.Fatalf("Band(%s) = %s below Band(%s) = %s", total, g, total-1, prev)
			}
			prev = g
		}
		var results []Result
		for range propertyRuns / 3 {
			in := randomInput(r, f)
			in.Discipline = DisciplineNone
			res, err := f.Grade(in)
			if err != nil {
				t.Fatal(err)
			}
			results = append(results, res)
		}
		for _, a := range results {
			for _, b := range results {
				if a.Total > b.Total && a.Grade.rank() > b.Grade.rank() {
					t.Fatalf("total %s got %s, total %s got %s", a.Total, a.Grade, b.Total, b.Grade)
				}
			}
		}
	})
}

// MaxExcellent never exceeds the As present and is monotone in the unit's size.
func TestPropertyQuota(t *testing.T) {
	eachPreset(t, func(t *testing.T, f *Framework, r *rand.Rand) {
		for range propertyRuns {
			var gs []Grade
			as := 0
			for range r.IntN(60) {
				g := grades[r.IntN(4)]
				if g == GradeA {
					as++
				}
				gs = append(gs, g)
			}
			exc := r.IntN(2) == 0
			m := f.MaxExcellent(gs, exc)
			if m < 0 || m > as {
				t.Fatalf("%v: max %d with %d A", gs, m, as)
			}
			if more := f.MaxExcellent(append(gs, GradeB), exc); more < m {
				t.Fatalf("%v: adding a B lowered the quota %d → %d", gs, m, more)
			}
		}
	})
}
