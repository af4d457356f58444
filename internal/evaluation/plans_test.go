package evaluation

import (
	"errors"
	"testing"
	"time"

	"evalbot/internal/calendar"
)

// Issue 20, point 5: the forged callback data "pn:w:2026-11-25" (a
// Wednesday) and "pn:m:2026-11-15" opened a second plan beside the week's
// and the month's approved ones. A period is normalized to its Monday or
// 1st, and bounded to the current period and the next.
func TestPlanPeriod(t *testing.T) {
	date := func(y int, m time.Month, day int) calendar.Date { return calendar.Date{Year: y, Month: m, Day: day} }
	today := date(2026, 11, 23) // a Monday
	for _, tc := range []struct {
		kind  string
		start calendar.Date
		want  calendar.Date
		month calendar.Month
	}{
		{KindWeek, date(2026, 11, 25), date(2026, 11, 23), calendar.Month{Year: 2026, Month: 11}},
		{KindWeek, date(2026, 12, 2), date(2026, 11, 30), calendar.Month{Year: 2026, Month: 12}}, // next week: its Thursday is in December
		{KindMonth, date(2026, 11, 15), date(2026, 11, 1), calendar.Month{Year: 2026, Month: 11}},
		{KindMonth, date(2026, 12, 31), date(2026, 12, 1), calendar.Month{Year: 2026, Month: 12}},
	} {
		got, m, err := PlanPeriod(tc.kind, tc.start, today)
		if err != nil || got != tc.want || m != tc.month {
			t.Errorf("PlanPeriod(%s, %v) = %v %v %v, want %v %v", tc.kind, tc.start, got, m, err, tc.want, tc.month)
		}
	}
	for _, tc := range []struct {
		kind  string
		start calendar.Date
	}{
		{KindWeek, date(2026, 11, 16)}, {KindWeek, date(2026, 12, 7)}, {KindWeek, date(2027, 1, 4)},
		{KindMonth, date(2026, 10, 1)}, {KindMonth, date(2027, 1, 1)}, {"year", date(2026, 11, 23)},
	} {
		if _, _, err := PlanPeriod(tc.kind, tc.start, today); !errors.Is(err, ErrStale) {
			t.Errorf("PlanPeriod(%s, %v) = %v, want ErrStale", tc.kind, tc.start, err)
		}
	}
}
