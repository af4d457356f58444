package evaluation

import (
	"testing"

	"evalbot/internal/calendar"
)

func TestParseTasks(t *testing.T) {
	ref := PeriodOf(KindMonth, calendar.Date{Year: 2026, Month: 11, Day: 1})
	dec := PeriodOf(KindWeek, calendar.Date{Year: 2026, Month: 12, Day: 28})
	cases := []struct {
		name   string
		text   string
		ref    Period
		n      int
		weight []int64
		dates  []string
		errs   []string
	}{
		{"plain lines", "Việc một\nViệc hai", ref, 2, []int64{100, 100}, []string{"", ""}, nil},
		{"bullets and numbering", "- Việc một\n2) Việc hai\n• Việc ba", ref, 3, nil, nil, nil},
		{"deadline and weight either order", "A | 27/11 | 2\nB | 1,5 | 30/11", ref, 2, []int64{200, 150}, []string{"2026-11-27", "2026-11-30"}, nil},
		{"blank lines and CRLF", "A\r\n\r\nB\r\n", ref, 2, nil, nil, nil},
		{"january typed in december", "A | 02/01", dec, 1, nil, []string{"2027-01-02"}, nil},
		{"full date", "A | 01/01/2027", dec, 1, nil, []string{"2027-01-01"}, nil},
		{"impossible date", "A | 31/02", ref, 0, nil, nil, []string{"bad_date"}},
		{"weight too big", "A | 11", ref, 0, nil, nil, []string{"bad_weight"}},
		{"weight with words", "A | trọng số 2", ref, 1, []int64{200}, nil, nil},
		{"empty title", " | 27/11", ref, 0, nil, nil, []string{"empty_title"}},
		{"nothing", "\n \n", ref, 0, nil, nil, []string{"no_tasks"}},
		{"every bad line reported", "A | x\n | 1\nC | 99/99", ref, 0, nil, nil, []string{"bad_weight", "empty_title", "bad_date"}},
		{"every date form", "A | 27.11\nB | 27-11\nC | 27/11/2026\nD | 27-11-2026\nE | 27.11.2026\nF | hạn 27/11\nG | 27/11/26", ref, 7, nil,
			[]string{"2026-11-27", "2026-11-27", "2026-11-27", "2026-11-27", "2026-11-27", "2026-11-27", "2026-11-27"}, nil},
		{"every weight form", "A | x2\nB | x1,5\nC | ×1.5\nD | trọng số 1,5\nE | 1,5\nF | 2\nG | X3", ref, 7, []int64{200, 150, 150, 150, 150, 200, 300}, nil, nil},
		{"mixed separators", "A | 27/11-2026", ref, 0, nil, nil, []string{"bad_date"}},
		{"decimal point that is no date", "A | 2.50", ref, 1, []int64{250}, []string{""}, nil},
		{"point that is no weight", "A | 10.11", ref, 1, []int64{100}, []string{"2026-11-10"}, nil},
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

// TestDatesAreNotWeights (issue 21, point 2): «Nộp báo cáo tuần | 09.12»
// became weight 9.12 with no error; dd.mm, dd/mm, dd-mm and dd/mm/yyyy are
// dates, and a field that reads both ways is refused with the reason.
func TestDatesAreNotWeights(t *testing.T) {
	dec := PeriodOf(KindMonth, calendar.Date{Year: 2026, Month: 12, Day: 1})
	got, errs := ParseTasks("Nộp báo cáo tuần | 09.12", dec)
	if len(errs) > 0 || len(got) != 1 {
		t.Fatalf("«Nộp báo cáo tuần | 09.12»: %v", errs)
	}
	if got[0].Weight != 100 || got[0].Deadline == nil || got[0].Deadline.String() != "2026-12-09" {
		t.Fatalf("«Nộp báo cáo tuần | 09.12» read as weight %v, deadline %v; want the 9th of December", got[0].Weight, got[0].Deadline)
	}
	for _, field := range []string{"9.12", "1.5", "2.1"} {
		_, errs := ParseTasks("Nộp báo cáo tuần | "+field, dec)
		if len(errs) != 1 || errs[0].Code != "ambiguous" || errs[0].Value != field {
			t.Errorf("%q: %v, want it refused as ambiguous", field, errs)
		}
	}
}

// TestDeadlineWithinThePlansPeriod (issue 21, point 2): a returned plan for
// the week 02/11–08/11 was resubmitted with «hạn 27/11» and approved. A
// deadline outside the week (or the month) is refused, naming the period.
func TestDeadlineWithinThePlansPeriod(t *testing.T) {
	week := PeriodOf(KindWeek, calendar.Date{Year: 2026, Month: 11, Day: 2})
	if week.From.String() != "2026-11-02" || week.To.String() != "2026-11-08" {
		t.Fatalf("week period %v", week)
	}
	_, errs := ParseTasks("Soạn báo cáo | hạn 27/11", week)
	if len(errs) != 1 || errs[0].Code != "out_of_period" || errs[0].Value != "hạn 27/11" || errs[0].From != week.From || errs[0].To != week.To {
		t.Fatalf("«hạn 27/11» in the week 02/11–08/11: %v", errs)
	}
	for _, ok := range []string{"hạn 02/11", "hạn 8/11", "06-11"} {
		if _, errs := ParseTasks("Soạn báo cáo | "+ok, week); len(errs) > 0 {
			t.Errorf("%q in the week 02/11–08/11: %v", ok, errs)
		}
	}
	if _, errs := ParseTasks("Soạn báo cáo | 30/10", week); len(errs) != 1 || errs[0].Code != "out_of_period" {
		t.Errorf("a deadline before the week: %v", errs)
	}
	month := PeriodOf(KindMonth, calendar.Date{Year: 2026, Month: 11, Day: 1})
	if _, errs := ParseTasks("Tổng hợp | 01/12", month); len(errs) != 1 || errs[0].Code != "out_of_period" {
		t.Errorf("a deadline after the month: %v", errs)
	}
}

// TestInvisibleTitles (issue 21, point 3): task titles made only of
// zero-width characters (U+200B, U+2060) were accepted, and a right-to-left
// override (U+202E) was kept.
func TestInvisibleTitles(t *testing.T) {
	p := PeriodOf(KindWeek, calendar.Date{Year: 2026, Month: 11, Day: 23})
	_, errs := ParseTasks("\u200b\u200b\n\u2060\n\u200b\u2060 | 27/11", p)
	if len(errs) != 1 || errs[0].Code != "empty_title" || errs[0].Line != 3 {
		// Lines 1 and 2 are blank once cleaned; line 3 has a deadline and no title.
		t.Errorf("zero-width titles: %v", errs)
	}
	if _, errs := ParseTasks("\u200b\n\u2060\u200b", p); len(errs) != 1 || errs[0].Code != "no_tasks" {
		t.Errorf("a plan of zero-width lines: %v", errs)
	}
	got, errs := ParseTasks("Kiểm tra \u202ehồ sơ đất đai | 27/11", p)
	if len(errs) > 0 || len(got) != 1 || got[0].Title != "Kiểm tra hồ sơ đất đai" {
		t.Errorf("a title with U+202E: %+v %v", got, errs)
	}
}
