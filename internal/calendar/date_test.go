package calendar

import (
	"encoding/json"
	"testing"
	"time"
)

func d(y int, m time.Month, day int) Date { return Date{y, m, day} }

func TestParseDate(t *testing.T) {
	good := map[string]Date{
		"2026-11-30": d(2026, 11, 30),
		"2028-02-29": d(2028, 2, 29),
		"0001-01-01": d(1, 1, 1),
	}
	for s, want := range good {
		got, err := ParseDate(s)
		if err != nil || got != want {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", s, got, err, want)
		}
		if got.String() != s {
			t.Errorf("%v.String() = %q, want %q", got, got.String(), s)
		}
	}
	for _, s := range []string{"", "2026-02-29", "2026-02-30", "2026-13-01", "2026-00-10", "2026-11-00",
		"2026-1-05", "26-11-30", "2026/11/30", " 2026-11-30", "2026-11-30T00:00", "0000-01-01", "2026-+1-01"} {
		if got, err := ParseDate(s); err == nil {
			t.Errorf("ParseDate(%q) = %v, want an error", s, got)
		}
	}
}

func TestDateArithmetic(t *testing.T) {
	tests := []struct {
		from Date
		n    int
		want Date
	}{
		{d(2026, 11, 30), 1, d(2026, 12, 1)},
		{d(2026, 12, 31), 1, d(2027, 1, 1)},
		{d(2028, 2, 28), 1, d(2028, 2, 29)},
		{d(2026, 3, 1), -1, d(2026, 2, 28)},
		{d(2026, 1, 1), 365, d(2027, 1, 1)},
		{d(2026, 5, 5), 0, d(2026, 5, 5)},
	}
	for _, tt := range tests {
		got := tt.from.AddDays(tt.n)
		if got != tt.want {
			t.Errorf("%v.AddDays(%d) = %v, want %v", tt.from, tt.n, got, tt.want)
		}
		if s := got.Sub(tt.from); s != tt.n {
			t.Errorf("%v.Sub(%v) = %d, want %d", got, tt.from, s, tt.n)
		}
	}
	if wd := d(2026, 11, 30).Weekday(); wd != time.Monday {
		t.Errorf("2026-11-30 is a %v, want Monday", wd)
	}
	a, b := d(2026, 11, 30), d(2026, 12, 1)
	if !a.Before(b) || a.After(b) || !b.After(a) || a.Compare(b) != -1 || b.Compare(a) != 1 || a.Compare(a) != 0 {
		t.Error("Before/After/Compare disagree")
	}
	if !d(2025, 12, 31).Before(d(2026, 1, 1)) || !d(2026, 1, 31).Before(d(2026, 2, 1)) {
		t.Error("Before across month/year")
	}
	if (Date{}).IsZero() != true || a.IsZero() {
		t.Error("IsZero")
	}
	if m := a.YearMonth(); m != (Month{2026, time.November}) {
		t.Errorf("YearMonth = %v", m)
	}
}

func TestDateOfAndTime(t *testing.T) {
	// 17:00 UTC on 30 November is midnight in Ha Noi: already 1 December.
	if got := DateOf(time.Date(2026, 11, 30, 17, 0, 0, 0, time.UTC)); got != d(2026, 12, 1) {
		t.Errorf("DateOf(17:00Z) = %v, want 2026-12-01", got)
	}
	if got := DateOf(time.Date(2026, 11, 30, 16, 59, 59, 0, time.UTC)); got != d(2026, 11, 30) {
		t.Errorf("DateOf(16:59:59Z) = %v, want 2026-11-30", got)
	}
	tm := d(2026, 11, 30).Time(9, 0)
	if tm.Location() != Location || !tm.Equal(time.Date(2026, 11, 30, 2, 0, 0, 0, time.UTC)) {
		t.Errorf("Time(9, 0) = %v, want 2026-11-30 09:00 +07:00", tm)
	}
	if DateOf(tm) != d(2026, 11, 30) {
		t.Error("DateOf(Time) does not round-trip")
	}
}

func TestTextMarshaling(t *testing.T) {
	type rec struct {
		D Date
		M Month
		W Week
	}
	in := rec{d(2026, 11, 30), Month{2026, time.November}, WeekOf(d(2026, 11, 30))}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"D":"2026-11-30","M":"2026-11","W":"2026-W49"}`; string(b) != want {
		t.Errorf("json = %s, want %s", b, want)
	}
	var out rec
	if err := json.Unmarshal(b, &out); err != nil || out != in {
		t.Errorf("round trip = %+v, %v", out, err)
	}
	if err := json.Unmarshal([]byte(`{"D":"2026-02-30"}`), &out); err == nil {
		t.Error("invalid date accepted")
	}
}
