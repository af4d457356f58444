package grading

import (
	"errors"
	"strings"
	"testing"
)

// full3814 is a perfect general group for the default preset.
func full3814() map[string]Points {
	return map[string]Points{"politics": 500, "ethics": 500, "style": 500, "discipline": 500}
}

func ptr(p Points) *Points { return &p }

func tasks(ss ...TaskStatus) []Task {
	out := make([]Task, len(ss))
	for i, s := range ss {
		out[i] = Task{Status: s}
	}
	return out
}

func TestBand(t *testing.T) {
	f := mustPreset(t, DefaultFrameworkID)
	for total, want := range map[Points]Grade{
		10000: GradeA, 9000: GradeA, 8999: GradeB, 7000: GradeB, 6999: GradeC,
		5000: GradeC, 4999: GradeD, 0: GradeD, -100: GradeD,
	} {
		if got := f.Band(total); got != want {
			t.Errorf("Band(%s) = %s, want %s", total, got, want)
		}
	}
}

func TestGradeRules(t *testing.T) {
	h := mustPreset(t, "hanoi-3814-2018")
	cases := []struct {
		name  string
		in    Input
		task  Points
		total Points
		grade Grade
		check func(t *testing.T, r Result)
	}{
		{name: "65.625 rounds half up to 65.63",
			in:   Input{Criteria: full3814(), Tasks: []Task{{Weight: 50, Status: StatusOnTime}, {Weight: 150, Status: StatusLate, Delays: 1}}},
			task: 6563, total: 8563, grade: GradeB,
			check: func(t *testing.T, r Result) {
				if b := r.Breakdown; b.Quantity != 10000 || b.Quality != 10000 || b.Progress != 8125 || b.OwnTaskScore != 6563 {
					t.Errorf("breakdown %+v", b)
				}
			}},
		{name: "a bonus of 4.37 on 85.63 lands on 90.00: A",
			in:   Input{Criteria: full3814(), Tasks: []Task{{Weight: 50, Status: StatusOnTime}, {Weight: 150, Status: StatusLate, Delays: 1}}, Bonus: 437},
			task: 6563, total: 9000, grade: GradeA},
		{name: "a bonus of 4.36 leaves 89.99: B",
			in:   Input{Criteria: full3814(), Tasks: []Task{{Weight: 50, Status: StatusOnTime}, {Weight: 150, Status: StatusLate, Delays: 1}}, Bonus: 436},
			task: 6563, total: 8999, grade: GradeB},
		{name: "perfect with full bonus is exactly 100",
			in:   Input{Criteria: full3814(), Tasks: tasks(StatusOnTime), Bonus: 1000},
			task: 7000, total: 10000, grade: GradeA},
		{name: "four delays take progress to zero, more stay at zero",
			in:   Input{Criteria: full3814(), Tasks: []Task{{Status: StatusLate, Delays: 4}, {Status: StatusLate, Delays: 1 << 40}}},
			task: 4667, total: 6667, grade: GradeC},
		{name: "quality faults floor at zero",
			in:   Input{Criteria: full3814(), Tasks: []Task{{Status: StatusOnTime, QualityFaults: 1 << 50}}},
			task: 4667, total: 6667, grade: GradeC},
		{name: "faults on an undone task do not matter",
			in:   Input{Criteria: full3814(), Tasks: []Task{{Status: StatusOnTime}, {Status: StatusNotDone, QualityFaults: 3, Delays: 2}}},
			task: 3500, total: 5500, grade: GradeC},
		{name: "complaint cap",
			in:   Input{Criteria: full3814(), Tasks: tasks(StatusOnTime), ConfirmedComplaints: 1 << 40},
			task: 7000, total: 8500, grade: GradeB,
			check: func(t *testing.T, r Result) {
				if r.Deduction != 500 || r.General != 2000 || r.Breakdown.ComplaintsConfirmed != 1<<40 {
					t.Errorf("deduction %s general %s", r.Deduction, r.General)
				}
			}},
		{name: "general never below zero",
			in:   Input{Criteria: map[string]Points{"politics": 150, "ethics": 0, "style": 0, "discipline": 0}, Tasks: tasks(StatusOnTime), ConfirmedComplaints: 3},
			task: 7000, total: 7000, grade: GradeB,
			check: func(t *testing.T, r Result) {
				if r.Deduction != 150 {
					t.Errorf("deduction %s, want 1.50", r.Deduction)
				}
			}},
		{name: "manual task score at its maximum",
			in:   Input{Criteria: full3814(), ManualTaskScore: ptr(7000)},
			task: 7000, total: 9000, grade: GradeA,
			check: func(t *testing.T, r Result) {
				if !r.Breakdown.Manual || r.Breakdown.Quantity != 0 {
					t.Errorf("breakdown %+v", r.Breakdown)
				}
			}},
		{name: "manual task score ignored when there are tasks",
			in:   Input{Criteria: full3814(), Tasks: tasks(StatusNotDone), ManualTaskScore: ptr(7000)},
			task: 0, total: 2000, grade: GradeD},
		{name: "head with no graded subordinates: own work only",
			in:   Input{Criteria: full3814(), Tasks: tasks(StatusOnTime, StatusNotDone), Role: RoleHead},
			task: 3500, total: 5500, grade: GradeC,
			check: func(t *testing.T, r Result) {
				if r.Breakdown.Leader || r.Breakdown.UnitFactor != 0 {
					t.Errorf("leader rule applied: %+v", r.Breakdown)
				}
			}},
		{name: "head, all subordinates C or better: round once at the end",
			in: Input{Criteria: full3814(), Tasks: tasks(StatusOnTime, StatusOnTime, StatusOnTime, StatusNotDone), Role: RoleHead, SubordinateGrades: []Grade{"C", "C"}},
			// own: quantity, quality, progress all 3/4 → 52.50; head: (3/4 + 1)/2 × 70 = 61.25
			task: 6125, total: 8125, grade: GradeB,
			check: func(t *testing.T, r Result) {
				if b := r.Breakdown; !b.Leader || b.UnitFactor != 10000 || b.OwnTaskScore != 5250 {
					t.Errorf("breakdown %+v", b)
				}
			}},
		{name: "head with manual score and a D in the unit",
			in:   Input{Criteria: full3814(), ManualTaskScore: ptr(6000), Role: RoleHead, SubordinateGrades: []Grade{"A", "D"}},
			task: 4750, total: 6750, grade: GradeC,
			check: func(t *testing.T, r Result) {
				if b := r.Breakdown; b.UnitFactor != 5000 || b.OwnTaskScore != 6000 || !b.Manual {
					t.Errorf("breakdown %+v", b)
				}
			}},
		{name: "staff subordinate grades are ignored",
			in:   Input{Criteria: full3814(), Tasks: tasks(StatusOnTime), SubordinateGrades: []Grade{"D"}},
			task: 7000, total: 9000, grade: GradeA},
		{name: "warning forces D, total kept",
			in:   Input{Criteria: full3814(), Tasks: tasks(StatusOnTime), Discipline: DisciplineWarning},
			task: 7000, total: 9000, grade: GradeD,
			check: func(t *testing.T, r Result) {
				if len(r.Overrides) != 1 || r.Overrides[0] != (Override{OverrideDiscipline, "warning"}) {
					t.Errorf("overrides %+v", r.Overrides)
				}
			}},
		{name: "exactly half the days is graded",
			in:   Input{Criteria: full3814(), Tasks: tasks(StatusOnTime), WorkingDays: 21, WorkedDays: 11},
			task: 7000, total: 9000, grade: GradeA},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := h.Grade(c.in)
			if err != nil {
				t.Fatal(err)
			}
			if !r.Graded || r.Task != c.task || r.Total != c.total || r.Grade != c.grade {
				t.Errorf("graded %v task %s total %s grade %s; want task %s total %s grade %s",
					r.Graded, r.Task, r.Total, r.Grade, c.task, c.total, c.grade)
			}
			if len(r.Breakdown.Criteria) != len(h.General) {
				t.Errorf("breakdown has %d criteria", len(r.Breakdown.Criteria))
			}
			if c.check != nil {
				c.check(t, r)
			}
		})
	}
}

func TestTooFewDays(t *testing.T) {
	h := mustPreset(t, DefaultFrameworkID)
	// Not graded before anything else is looked at: an absent official needs no criteria.
	r, err := h.Grade(Input{WorkingDays: 21, WorkedDays: 10, Discipline: DisciplineReprimand})
	if err != nil || r.Graded || r.Total != 0 || r.Grade != "" || len(r.Overrides) != 1 ||
		r.Overrides[0] != (Override{OverrideTooFewDays, "10/21"}) || r.FrameworkID != h.ID {
		t.Fatalf("%v %+v", err, r)
	}
	if r, _ := h.Grade(Input{WorkingDays: 20}); r.Graded {
		t.Error("0 of 20 graded")
	}
}

func TestGradeErrors(t *testing.T) {
	h := mustPreset(t, DefaultFrameworkID)
	n := mustPreset(t, "nd-335-2025")
	ok := func(mod func(*Input)) Input {
		in := Input{Criteria: full3814(), Tasks: tasks(StatusOnTime)}
		mod(&in)
		return in
	}
	cases := []struct {
		name  string
		f     *Framework
		in    Input
		kind  ErrorKind
		field string
	}{
		{"criterion above max", h, ok(func(in *Input) { in.Criteria["style"] = 501 }), ErrCriterionOutOfRange, "criteria.style"},
		{"criterion negative", h, ok(func(in *Input) { in.Criteria["style"] = -1 }), ErrCriterionOutOfRange, "criteria.style"},
		{"unknown criterion", h, ok(func(in *Input) { in.Criteria["charisma"] = 0 }), ErrCriteriaMismatch, "criteria.charisma"},
		{"missing criterion", h, ok(func(in *Input) { delete(in.Criteria, "ethics") }), ErrCriteriaMismatch, "criteria.ethics"},
		{"nil criteria", h, ok(func(in *Input) { in.Criteria = nil }), ErrCriteriaMismatch, "criteria.politics"},
		{"3814 criteria under 335", n, ok(func(*Input) {}), ErrCriteriaMismatch, ""},
		{"bonus above max", h, ok(func(in *Input) { in.Bonus = 1001 }), ErrBonusOutOfRange, "bonus"},
		{"bonus negative", h, ok(func(in *Input) { in.Bonus = -1 }), ErrBonusOutOfRange, "bonus"},
		{"negative weight", h, ok(func(in *Input) { in.Tasks = []Task{{Status: StatusOnTime}, {Weight: -100, Status: StatusOnTime}} }), ErrTaskWeight, "tasks[1].weight"},
		{"no tasks", h, ok(func(in *Input) { in.Tasks = nil }), ErrNoTasks, "tasks"},
		{"unknown status", h, ok(func(in *Input) { in.Tasks[0].Status = "done" }), ErrBadTask, "tasks[0].status"},
		{"empty status", h, ok(func(in *Input) { in.Tasks[0].Status = "" }), ErrBadTask, "tasks[0].status"},
		{"negative delays", h, ok(func(in *Input) { in.Tasks[0] = Task{Status: StatusLate, Delays: -1} }), ErrBadTask, "tasks[0].delays"},
		{"negative faults", h, ok(func(in *Input) { in.Tasks[0].QualityFaults = -2 }), ErrBadTask, "tasks[0].quality_faults"},
		{"manual above max", h, ok(func(in *Input) { in.Tasks = nil; in.ManualTaskScore = ptr(7001) }), ErrManualTaskScore, "manual_task_score"},
		{"manual negative", h, ok(func(in *Input) { in.Tasks = nil; in.ManualTaskScore = ptr(-1) }), ErrManualTaskScore, "manual_task_score"},
		{"negative complaints", h, ok(func(in *Input) { in.ConfirmedComplaints = -1 }), ErrBadInput, "confirmed_complaints"},
		{"worked above working", h, ok(func(in *Input) { in.WorkingDays, in.WorkedDays = 20, 21 }), ErrBadInput, "worked_days"},
		{"worked without working", h, ok(func(in *Input) { in.WorkedDays = 3 }), ErrBadInput, "worked_days"},
		{"negative working days", h, ok(func(in *Input) { in.WorkingDays = -1 }), ErrBadInput, "working_days"},
		{"unknown role", h, ok(func(in *Input) { in.Role = "boss" }), ErrBadInput, "role"},
		{"unknown discipline", h, ok(func(in *Input) { in.Discipline = "scolding" }), ErrBadInput, "discipline"},
		{"bad subordinate grade", h, ok(func(in *Input) { in.Role = RoleHead; in.SubordinateGrades = []Grade{"A", "E"} }), ErrBadInput, "subordinate_grades[1]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := c.f.Grade(c.in)
			if !errors.Is(err, c.kind) {
				t.Fatalf("err = %v, want kind %q", err, c.kind)
			}
			var ie *InputError
			if !errors.As(err, &ie) || ie.Kind != c.kind {
				t.Fatalf("err = %v is not an *InputError of kind %q", err, c.kind)
			}
			if c.field != "" && ie.Field != c.field {
				t.Errorf("field = %q, want %q", ie.Field, c.field)
			}
			if !strings.Contains(err.Error(), c.kind.Error()) || !strings.Contains(err.Error(), ie.Field) {
				t.Errorf("message %q names neither kind nor field", err)
			}
			for k := ErrBadInput; int(k) < len(kindText); k++ {
				if k != c.kind && errors.Is(err, k) {
					t.Errorf("err also matches %q", k)
				}
			}
		})
	}
}

func TestDisciplineNotListed(t *testing.T) {
	src := strings.Replace(presetText(t, DefaultFrameworkID),
		`force_d = ["reprimand", "warning", "demotion", "dismissal"]`, `force_d = ["warning", "demotion", "dismissal"]`, 1)
	f, err := Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	r, err := f.Grade(Input{Criteria: full3814(), Tasks: tasks(StatusOnTime), Discipline: DisciplineReprimand})
	if err != nil || r.Grade != GradeA || len(r.Overrides) != 0 {
		t.Fatalf("%v %+v", err, r)
	}
}

func TestErrorKindText(t *testing.T) {
	if ErrorKind(0).Error() == "" || ErrorKind(99).Error() == "" {
		t.Fatal("empty text for an unknown kind")
	}
}
