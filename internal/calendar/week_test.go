package calendar

import (
	"testing"
	"time"
)

func TestWeekOf(t *testing.T) {
	tests := []struct {
		day    Date
		monday Date
		month  Month
		label  string
	}{
		// The week of Mon 30 Nov 2026 holds Thu 3 Dec: it belongs to December.
		{d(2026, 11, 30), d(2026, 11, 30), Month{2026, 12}, "2026-W49"},
		{d(2026, 12, 6), d(2026, 11, 30), Month{2026, 12}, "2026-W49"},
		{d(2026, 11, 29), d(2026, 11, 23), Month{2026, 11}, "2026-W48"},
		// Mon 28 Dec 2026 to Sun 3 Jan 2027: Thursday 31 Dec, so December 2026, ISO week 53.
		{d(2027, 1, 3), d(2026, 12, 28), Month{2026, 12}, "2026-W53"},
		// Mon 29 Dec 2025 to Sun 4 Jan 2026: Thursday 1 Jan, so January 2026.
		{d(2025, 12, 31), d(2025, 12, 29), Month{2026, 1}, "2026-W01"},
		// Mon 30 Mar 2026 to Sun 5 Apr: Thursday 2 Apr, so April.
		{d(2026, 3, 31), d(2026, 3, 30), Month{2026, 4}, "2026-W14"},
		// Mon 27 Apr 2026 to Sun 3 May: Thursday 30 Apr, so April.
		{d(2026, 5, 3), d(2026, 4, 27), Month{2026, 4}, "2026-W18"},
	}
	for _, tt := range tests {
		w := WeekOf(tt.day)
		if w.Monday() != tt.monday || w.Sunday() != tt.monday.AddDays(6) {
			t.Errorf("WeekOf(%v) = %v..%v, want Monday %v", tt.day, w.Monday(), w.Sunday(), tt.monday)
		}
		if w.Monday().Weekday() != time.Monday || w.Sunday().Weekday() != time.Sunday {
			t.Errorf("WeekOf(%v): wrong weekdays", tt.day)
		}
		if w.Month() != tt.month {
			t.Errorf("WeekOf(%v).Month() = %v, want %v", tt.day, w.Month(), tt.month)
		}
		if w.String() != tt.label {
			t.Errorf("WeekOf(%v).String() = %q, want %q", tt.day, w.String(), tt.label)
		}
		if !w.Contains(tt.day) || w.Contains(w.Sunday().AddDays(1)) || w.Contains(w.Monday().AddDays(-1)) {
			t.Errorf("WeekOf(%v).Contains", tt.day)
		}
		p, err := ParseWeek(tt.label)
		if err != nil || p != w {
			t.Errorf("ParseWeek(%q) = %v, %v; want %v", tt.label, p.Monday(), err, w.Monday())
		}
		if w.Next().Prev() != w || w.Next().Monday() != w.Monday().AddDays(7) {
			t.Errorf("Next/Prev of %v", w)
		}
	}
}

func TestParseWeekErrors(t *testing.T) {
	for _, s := range []string{"", "2026-W00", "2026-W54", "2025-W53", "2026-w49", "2026W49", "2026-W9",
		"2026-W490", "26-W49", "2026-11", "0000-W01"} {
		if w, err := ParseWeek(s); err == nil {
			t.Errorf("ParseWeek(%q) = %v, want an error", s, w)
		}
	}
	// Every week of 2026–2027 round-trips.
	for w := WeekOf(d(2026, 1, 1)); w.Monday().Year < 2028; w = w.Next() {
		if p, err := ParseWeek(w.String()); err != nil || p != w {
			t.Fatalf("ParseWeek(%q) = %v, %v", w, p.Monday(), err)
		}
	}
}
