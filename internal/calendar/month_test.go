package calendar

import (
	"testing"
	"time"
)

func TestParseMonth(t *testing.T) {
	got, err := ParseMonth("2026-11")
	if err != nil || got != (Month{2026, time.November}) || got.String() != "2026-11" {
		t.Fatalf("ParseMonth(2026-11) = %v, %v", got, err)
	}
	for _, s := range []string{"", "2026", "2026-1", "2026-13", "2026-00", "26-11", "2026/11", "2026-11-01",
		" 2026-11", "2026-11 ", "abcd-ef", "0000-01", "2026-+1", "2026-1a", "nov 2026"} {
		if m, err := ParseMonth(s); err == nil {
			t.Errorf("ParseMonth(%q) = %v, want an error", s, m)
		}
	}
}

func TestMonth(t *testing.T) {
	tests := []struct {
		m           Month
		first, last Date
		prev, next  Month
	}{
		{Month{2026, 11}, d(2026, 11, 1), d(2026, 11, 30), Month{2026, 10}, Month{2026, 12}},
		{Month{2026, 12}, d(2026, 12, 1), d(2026, 12, 31), Month{2026, 11}, Month{2027, 1}},
		{Month{2027, 1}, d(2027, 1, 1), d(2027, 1, 31), Month{2026, 12}, Month{2027, 2}},
		{Month{2026, 2}, d(2026, 2, 1), d(2026, 2, 28), Month{2026, 1}, Month{2026, 3}},
		{Month{2028, 2}, d(2028, 2, 1), d(2028, 2, 29), Month{2028, 1}, Month{2028, 3}},
	}
	for _, tt := range tests {
		if tt.m.First() != tt.first || tt.m.FirstDay() != tt.first || tt.m.Last() != tt.last {
			t.Errorf("%v: First/Last = %v/%v, want %v/%v", tt.m, tt.m.First(), tt.m.Last(), tt.first, tt.last)
		}
		if tt.m.Prev() != tt.prev || tt.m.Next() != tt.next {
			t.Errorf("%v: Prev/Next = %v/%v, want %v/%v", tt.m, tt.m.Prev(), tt.m.Next(), tt.prev, tt.next)
		}
		if tt.m.Days() != tt.last.Day || !tt.m.Contains(tt.last) || tt.m.Contains(tt.last.AddDays(1)) {
			t.Errorf("%v: Days/Contains", tt.m)
		}
		if !tt.m.Prev().Before(tt.m) || !tt.m.Next().After(tt.m) || tt.m.Compare(tt.m) != 0 {
			t.Errorf("%v: Compare", tt.m)
		}
	}
	if m := MonthOf(time.Date(2026, 11, 30, 18, 0, 0, 0, time.UTC)); m != (Month{2026, 12}) {
		t.Errorf("MonthOf(2026-11-30T18:00Z) = %v, want 2026-12 (already 1 December in Ha Noi)", m)
	}
}

func TestMonthWeeks(t *testing.T) {
	tests := []struct {
		m     Month
		weeks []string
	}{
		// Mon 30 Nov 2026 (Thursday 3 Dec) belongs to December.
		{Month{2026, 11}, []string{"2026-W45", "2026-W46", "2026-W47", "2026-W48"}},
		{Month{2026, 12}, []string{"2026-W49", "2026-W50", "2026-W51", "2026-W52", "2026-W53"}},
		{Month{2026, 1}, []string{"2026-W01", "2026-W02", "2026-W03", "2026-W04", "2026-W05"}},
	}
	for _, tt := range tests {
		ws := tt.m.Weeks()
		if len(ws) != len(tt.weeks) {
			t.Errorf("%v.Weeks() = %v, want %v", tt.m, ws, tt.weeks)
			continue
		}
		for i, w := range ws {
			if w.String() != tt.weeks[i] || w.Month() != tt.m {
				t.Errorf("%v.Weeks()[%d] = %v (month %v), want %v", tt.m, i, w, w.Month(), tt.weeks[i])
			}
		}
	}
}
