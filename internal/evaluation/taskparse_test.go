package evaluation

import (
	"testing"

	"evalbot/internal/calendar"
)

func TestParseTasks(t *testing.T) {
	ref := calendar.Date{Year: 2026, Month: 11, Day: 23}
	dec := calendar.Date{Year: 2026, Month: 12, Day: 28}
	cases := []struct {
		name   string
		text   string
		ref    calendar.Date
		n      int
		weight []int64
		dates  []string
		errs   []string
	}{
		{"plain lines", "Việc một\nViệc hai", ref, 2, []int64{100, 100}, []string{"", ""}, nil},
		{"bullets and numbering", "- Việc một\n2) Việc hai\n• Việc ba", ref, 3, nil, nil, nil},
		{"deadline and weight either order", "A | 27/11 | 2\nB | 1,5 | 30/11", ref, 2, []int64{200, 150}, []string{"2026-11-27", "2026-11-30"}, nil},
		{"blank lines and CRLF", "A\r\n\r\nB\r\n", ref, 2, nil, nil, nil},
		{"january typed in december", "A | 05/01", dec, 1, nil, []string{"2027-01-05"}, nil},
		{"full date", "A | 05/01/2027", ref, 1, nil, []string{"2027-01-05"}, nil},
		{"impossible date", "A | 31/02", ref, 0, nil, nil, []string{"bad_date"}},
		{"weight too big", "A | 11", ref, 0, nil, nil, []string{"bad_weight"}},
		{"weight with words", "A | trọng số 2", ref, 1, []int64{200}, nil, nil},
		{"empty title", " | 27/11", ref, 0, nil, nil, []string{"empty_title"}},
		{"nothing", "\n \n", ref, 0, nil, nil, []string{"no_tasks"}},
		{"every bad line reported", "A | x\n | 1\nC | 99/99", ref, 0, nil, nil, []string{"bad_weight", "empty_title", "bad_date"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, errs := ParseTasks(c.text, c.ref)
			if len(errs) != len(c.errs) {
				t.Fatalf("errors %v, want %v", errs, c.errs)
			}
			for i, e := range errs {
				if e.Code != c.errs[i] {
					t.Errorf("error %d = %s, want %s", i, e.Code, c.errs[i])
				}
			}
			if len(got) != c.n {
				t.Fatalf("%d tasks, want %d", len(got), c.n)
			}
			for i, w := range c.weight {
				if int64(got[i].Weight) != w {
					t.Errorf("task %d weight %d, want %d", i, got[i].Weight, w)
				}
			}
			for i, d := range c.dates {
				switch {
				case d == "" && got[i].Deadline != nil:
					t.Errorf("task %d has a deadline", i)
				case d != "" && (got[i].Deadline == nil || got[i].Deadline.String() != d):
					t.Errorf("task %d deadline %v, want %s", i, got[i].Deadline, d)
				}
			}
		})
	}
	var many string
	for i := 0; i < MaxTasks+1; i++ {
		many += "Việc\n"
	}
	if _, errs := ParseTasks(many, ref); len(errs) != 1 || errs[0].Code != "too_many" {
		t.Fatalf("too many: %v", errs)
	}
}
