package calendar

import (
	"slices"
	"testing"
	"time"
)

func TestDefaultMonths(t *testing.T) {
	c := Default()
	tests := []struct {
		m           Month
		count       int
		first, last Date
	}{
		{Month{2026, 11}, 21, d(2026, 11, 2), d(2026, 11, 30)},
		{Month{2026, 12}, 23, d(2026, 12, 1), d(2026, 12, 31)},
		// Tết: 16–20 February off, 20 weekdays − 5.
		{Month{2026, 2}, 15, d(2026, 2, 2), d(2026, 2, 27)},
		// 1–2 January off, Saturday 10 January worked: 22 weekdays − 2 + 1.
		{Month{2026, 1}, 21, d(2026, 1, 5), d(2026, 1, 30)},
		// 27 (compensatory for Sunday 26) and 30 April off.
		{Month{2026, 4}, 20, d(2026, 4, 1), d(2026, 4, 29)},
		// Saturday 22 August worked, Monday 31 August off.
		{Month{2026, 8}, 21, d(2026, 8, 3), d(2026, 8, 28)},
		// 1 and 2 September off.
		{Month{2026, 9}, 20, d(2026, 9, 3), d(2026, 9, 30)},
		// Expected 2027 Tết: 4, 5, 8, 9, 10 February off.
		{Month{2027, 2}, 15, d(2027, 2, 1), d(2027, 2, 26)},
	}
	for _, tt := range tests {
		days := c.WorkingDays(tt.m)
		if len(days) != tt.count {
			t.Errorf("%v: %d working days, want %d: %v", tt.m, len(days), tt.count, days)
		}
		if first, ok := c.NthWorkingDay(tt.m, 1); !ok || first != tt.first {
			t.Errorf("%v: first working day %v, want %v", tt.m, first, tt.first)
		}
		if last := c.LastWorkingDay(tt.m); last != tt.last {
			t.Errorf("%v: last working day %v, want %v", tt.m, last, tt.last)
		}
		if nth, ok := c.NthWorkingDay(tt.m, len(days)); !ok || nth != tt.last {
			t.Errorf("%v: NthWorkingDay(%d) = %v, %v", tt.m, len(days), nth, ok)
		}
		if _, ok := c.NthWorkingDay(tt.m, len(days)+1); ok {
			t.Errorf("%v: NthWorkingDay(%d) found a day", tt.m, len(days)+1)
		}
	}
}

func TestNthWorkingDay(t *testing.T) {
	c := Default()
	tests := []struct {
		m    Month
		n    int
		want Date
		ok   bool
	}{
		{Month{2026, 12}, 5, d(2026, 12, 7), true}, // publication of November's results
		{Month{2026, 11}, 1, d(2026, 11, 2), true},
		{Month{2026, 2}, 10, d(2026, 2, 13), true},
		{Month{2026, 2}, 11, d(2026, 2, 23), true}, // first day back after Tết
		{Month{2026, 9}, 1, d(2026, 9, 3), true},
		{Month{2026, 5}, 1, d(2026, 5, 4), true},
		{Month{2026, 11}, 0, Date{}, false},
		{Month{2026, 11}, -1, Date{}, false},
		{Month{2026, 11}, 22, Date{}, false},
	}
	for _, tt := range tests {
		got, ok := c.NthWorkingDay(tt.m, tt.n)
		if got != tt.want || ok != tt.ok {
			t.Errorf("NthWorkingDay(%v, %d) = %v, %v; want %v, %v", tt.m, tt.n, got, ok, tt.want, tt.ok)
		}
	}
}

func TestIsWorkingDay(t *testing.T) {
	c := Default()
	tests := []struct {
		day  Date
		want bool
	}{
		{d(2026, 11, 30), true},
		{d(2026, 11, 28), false}, // Saturday
		{d(2026, 11, 29), false}, // Sunday
		{d(2026, 11, 24), true},  // Viet Nam Culture Day: not (yet) a holiday
		{d(2026, 1, 2), false},   // swapped day off
		{d(2026, 1, 10), true},   // working Saturday
		{d(2026, 1, 17), false},  // ordinary Saturday
		{d(2026, 2, 17), false},  // mùng 1 Tết
		{d(2026, 2, 23), true},
		{d(2026, 4, 27), false}, // compensatory for Sunday 26 April
		{d(2026, 8, 22), true},  // working Saturday
		{d(2026, 8, 31), false},
		{d(2027, 5, 3), false}, // compensatory for Saturday 1 May 2027
	}
	for _, tt := range tests {
		if got := c.IsWorkingDay(tt.day); got != tt.want {
			t.Errorf("IsWorkingDay(%v %v) = %v, want %v", tt.day, tt.day.Weekday(), got, tt.want)
		}
	}
}

func TestAddWorkingDays(t *testing.T) {
	c := Default()
	tests := []struct {
		name string
		from Date
		n    int
		want Date
	}{
		{"zero", d(2026, 11, 28), 0, d(2026, 11, 28)},
		{"over a weekend", d(2026, 11, 27), 1, d(2026, 11, 30)},
		{"from a Saturday", d(2026, 11, 28), 1, d(2026, 11, 30)},
		{"+2 into next month", d(2026, 11, 27), 2, d(2026, 12, 1)},
		{"+1 after the last working day", d(2026, 11, 30), 1, d(2026, 12, 1)},
		{"over 30/4, 1/5 and a weekend", d(2026, 4, 29), 1, d(2026, 5, 4)},
		{"over the compensatory Monday", d(2026, 4, 24), 1, d(2026, 4, 28)},
		{"over Tết", d(2026, 2, 13), 1, d(2026, 2, 23)},
		{"+4 over Tết", d(2026, 2, 12), 4, d(2026, 2, 25)},
		{"onto a working Saturday", d(2026, 1, 9), 1, d(2026, 1, 10)},
		{"over New Year", d(2025, 12, 31), 1, d(2026, 1, 5)},
		{"over National Day", d(2026, 8, 28), 1, d(2026, 9, 3)},
		{"backwards over a weekend", d(2026, 11, 30), -1, d(2026, 11, 27)},
		{"backwards over Tết", d(2026, 2, 23), -1, d(2026, 2, 13)},
	}
	for _, tt := range tests {
		got := c.AddWorkingDays(tt.from, tt.n)
		if got != tt.want {
			t.Errorf("%s: AddWorkingDays(%v, %d) = %v, want %v", tt.name, tt.from, tt.n, got, tt.want)
		}
	}
}

func TestWorkingDaysBetween(t *testing.T) {
	c := Default()
	tests := []struct {
		a, b Date
		want int
	}{
		{d(2026, 11, 30), d(2026, 11, 30), 0},
		{d(2026, 11, 27), d(2026, 11, 30), 1},
		{d(2026, 11, 28), d(2026, 11, 29), 0},
		{d(2026, 10, 31), d(2026, 11, 30), 21},
		{d(2026, 11, 30), d(2026, 10, 31), -21},
		{d(2026, 2, 13), d(2026, 2, 23), 1},
		{d(2026, 1, 9), d(2026, 1, 12), 2}, // working Saturday 10 and Monday 12
	}
	for _, tt := range tests {
		if got := c.WorkingDaysBetween(tt.a, tt.b); got != tt.want {
			t.Errorf("WorkingDaysBetween(%v, %v) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
	// AddWorkingDays and WorkingDaysBetween agree on every day of 2026–2027.
	for day := d(2026, 1, 1); day.Year < 2028; day = day.AddDays(1) {
		for n := 0; n <= 6; n++ {
			to := c.AddWorkingDays(day, n)
			if got := c.WorkingDaysBetween(day, to); got != n {
				t.Fatalf("WorkingDaysBetween(%v, AddWorkingDays(%v, %d) = %v) = %d", day, day, n, to, got)
			}
			if n > 0 && !c.IsWorkingDay(to) {
				t.Fatalf("AddWorkingDays(%v, %d) = %v is not a working day", day, n, to)
			}
		}
	}
}

func TestHolidayNames(t *testing.T) {
	c := Default()
	tests := []struct {
		day  Date
		lang string
		want string
		ok   bool
	}{
		{d(2026, 9, 2), "vi", "Quốc khánh", true},
		{d(2026, 9, 2), "en", "National Day", true},
		{d(2026, 9, 2), "en-US", "National Day", true},
		{d(2026, 9, 2), "", "Quốc khánh", true},
		{d(2026, 2, 17), "vi", "Tết Nguyên đán (mùng 1 Tết)", true},
		{d(2026, 4, 26), "en", "Hùng Kings' Commemoration Day", true}, // a Sunday, still named
		{d(2026, 11, 28), "vi", "", false},                            // an ordinary Saturday
		{d(2026, 11, 30), "en", "", false},
	}
	for _, tt := range tests {
		got, ok := c.Holiday(tt.day, tt.lang)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Holiday(%v, %q) = %q, %v; want %q, %v", tt.day, tt.lang, got, ok, tt.want, tt.ok)
		}
	}
	h, ok := c.Lookup(d(2026, 1, 1))
	if !ok || h.VI != "Tết Dương lịch" || h.EN != "New Year's Day" || h.Date != d(2026, 1, 1) {
		t.Errorf("Lookup(2026-01-01) = %+v, %v", h, ok)
	}
	if (Holiday{VI: "Quốc khánh"}).Name("en") != "Quốc khánh" {
		t.Error("Name does not fall back to VI when EN is empty")
	}
}

func TestDefaultInvariants(t *testing.T) {
	c := Default()
	if Default() != c {
		t.Error("Default returns a new Calendar each call")
	}
	if !c.Covers(2026) || !c.Covers(2027) || c.Covers(2025) || c.Covers(2028) {
		t.Error("Covers: want 2026 and 2027 only")
	}
	hs := c.Holidays()
	if !slices.IsSortedFunc(hs, func(a, b Holiday) int { return a.Date.Compare(b.Date) }) {
		t.Error("Holidays not sorted")
	}
	// 11 statutory days a year plus swapped/compensatory days.
	per := map[int]int{}
	for _, h := range hs {
		per[h.Date.Year]++
		if h.VI == "" || h.EN == "" {
			t.Errorf("%v: missing a name", h.Date)
		}
	}
	if per[2026] != 14 || per[2027] != 14 {
		t.Errorf("holidays per year = %v", per)
	}
	want := []Date{d(2026, 1, 10), d(2026, 8, 22)}
	if got := c.WorkingSaturdays(); !slices.Equal(got, want) {
		t.Errorf("WorkingSaturdays = %v, want %v", got, want)
	}
	hs[0].VI = "changed"
	if c.Holidays()[0].VI == "changed" {
		t.Error("Holidays returns the internal slice")
	}
}

func TestZeroCalendar(t *testing.T) {
	var c Calendar
	if n := len(c.WorkingDays(Month{2026, 11})); n != 21 {
		t.Errorf("zero Calendar: %d working days in 2026-11, want 21", n)
	}
	if n := len(c.WorkingDays(Month{2026, 2})); n != 20 {
		t.Errorf("zero Calendar: %d working days in 2026-02, want 20", n)
	}
	if c.IsWorkingDay(d(2026, 1, 10)) || !c.IsWorkingDay(d(2026, 1, 1)) {
		t.Error("zero Calendar: weekends only")
	}
	if _, ok := c.Holiday(d(2026, 1, 1), "vi"); ok || c.Covers(2026) {
		t.Error("zero Calendar has holidays")
	}
}

func TestNew(t *testing.T) {
	// A month without working days.
	var hs []Holiday
	for day := d(2030, 6, 1); day.Month == time.June; day = day.AddDays(1) {
		hs = append(hs, Holiday{Date: day, VI: "nghỉ"})
	}
	c, err := New(hs, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.LastWorkingDay(Month{2030, 6}); !got.IsZero() {
		t.Errorf("LastWorkingDay of a month of holidays = %v, want zero", got)
	}
	if got := c.AddWorkingDays(d(2030, 5, 31), 1); got != d(2030, 7, 1) {
		t.Errorf("AddWorkingDays over a month of holidays = %v", got)
	}

	bad := []struct {
		name string
		hs   []Holiday
		sats []Date
	}{
		{"zero date", []Holiday{{VI: "x"}}, nil},
		{"invalid date", []Holiday{{Date: d(2026, 2, 30), VI: "x"}}, nil},
		{"no vi", []Holiday{{Date: d(2026, 1, 1), EN: "x"}}, nil},
		{"duplicate", []Holiday{{Date: d(2026, 1, 1), VI: "x"}, {Date: d(2026, 1, 1), VI: "y"}}, nil},
		{"weekday working Saturday", nil, []Date{d(2026, 1, 9)}},
		{"duplicate working Saturday", nil, []Date{d(2026, 1, 10), d(2026, 1, 10)}},
		{"holiday and working Saturday", []Holiday{{Date: d(2026, 1, 10), VI: "x"}}, []Date{d(2026, 1, 10)}},
	}
	for _, tt := range bad {
		if _, err := New(tt.hs, tt.sats); err == nil {
			t.Errorf("New: %s accepted", tt.name)
		}
	}
}
