package calendar

import (
	"testing"
	"time"
)

// Issue 20, point 8: on the 5th working day of December 2026 (Monday 7
// December) /assess and /publish meant December; the whole publication day
// belongs to the month being published.
func TestMonthUnderReview(t *testing.T) {
	c := Default()
	nov, dec := Month{2026, time.November}, Month{2026, time.December}
	if got := c.PublicationDay(nov, DefaultPublishDay); got != (Date{2026, time.December, 7}) {
		t.Fatalf("November 2026 is published on %v, want 2026-12-07", got)
	}
	for _, tc := range []struct {
		day  Date
		want Month
	}{
		{Date{2026, time.November, 6}, Month{2026, time.October}}, // October's publication day
		{Date{2026, time.November, 9}, nov},
		{Date{2026, time.November, 30}, nov},
		{Date{2026, time.December, 1}, nov},
		{Date{2026, time.December, 4}, nov},
		{Date{2026, time.December, 7}, nov}, // the publication day itself
		{Date{2026, time.December, 8}, dec},
		{Date{2027, time.January, 1}, dec},
	} {
		if got := c.MonthUnderReview(tc.day, DefaultPublishDay); got != tc.want {
			t.Errorf("MonthUnderReview(%v) = %v, want %v", tc.day, got, tc.want)
		}
	}
	if nov.Ended(Date{2026, time.November, 30}) || !nov.Ended(Date{2026, time.December, 1}) {
		t.Error("Ended: November ends after its 30th")
	}
}
