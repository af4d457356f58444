package calendar

import "testing"

func TestMonthUnderEvaluation(t *testing.T) {
	c := Default()
	// December 2026: working days 1, 2, 3, 4, 7 — the 5th is Monday 7.
	for _, tc := range []struct {
		day  Date
		want Month
	}{
		{Date{2026, 12, 1}, Month{2026, 11}},
		{Date{2026, 12, 6}, Month{2026, 11}},
		{Date{2026, 12, 7}, Month{2026, 12}},
		{Date{2026, 11, 30}, Month{2026, 11}},
	} {
		if got := c.MonthUnderEvaluation(tc.day); got != tc.want {
			t.Errorf("MonthUnderEvaluation(%s) = %s, want %s", tc.day, got, tc.want)
		}
	}
}
