package calendar

import (
	"fmt"
	"time"
)

// Date is a civil date (a day on the wall calendar, no clock, no zone) in
// [Location]. It is comparable with == and usable as a map key; the zero
// value is "no date" (see [Date.IsZero]).
//
// Build one with [DateOf], [ParseDate] or a literal such as
// Date{2026, time.November, 30}; methods assume a valid date (Month 1–12,
// Day within the month), which DateOf, ParseDate and AddDays guarantee.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the civil date of instant t in [Location], whatever t's own
// zone is: 2026-11-30T20:00:00Z is Date{2026, 12, 1}.
func DateOf(t time.Time) Date {
	y, m, d := t.In(Location).Date()
	return Date{y, m, d}
}

// ParseDate parses a date written "YYYY-MM-DD" (ISO 8601 calendar date,
// four-digit year 0001–9999, two-digit month and day), such as "2026-11-30".
// It returns an error for any other shape or for a day that does not exist
// ("2026-02-30").
func ParseDate(s string) (Date, error) {
	if len(s) == 10 && s[4] == '-' && s[7] == '-' {
		y, ok1 := digits(s[0:4])
		m, ok2 := digits(s[5:7])
		d, ok3 := digits(s[8:10])
		if ok1 && ok2 && ok3 && y >= 1 && m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, time.Month(m)) {
			return Date{y, time.Month(m), d}, nil
		}
	}
	return Date{}, fmt.Errorf("calendar: invalid date %q: want an existing date written YYYY-MM-DD", s)
}

// String formats d as "YYYY-MM-DD", e.g. "2026-11-30".
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// MarshalText implements encoding.TextMarshaler with the [Date.String] form.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler with [ParseDate].
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// IsZero reports whether d is the zero Date (no date).
func (d Date) IsZero() bool { return d == Date{} }

// utc is midnight UTC of d, used for arithmetic only (UTC has no DST).
func (d Date) utc() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// AddDays returns the date n days after d (n may be negative); month and
// year boundaries are handled.
func (d Date) AddDays(n int) Date {
	y, m, dd := d.utc().AddDate(0, 0, n).Date()
	return Date{y, m, dd}
}

// Sub returns the number of days from o to d: d.Sub(o) == n when
// o.AddDays(n) == d.
func (d Date) Sub(o Date) int {
	return int(d.utc().Sub(o.utc()) / (24 * time.Hour))
}

// Weekday returns d's day of the week.
func (d Date) Weekday() time.Weekday { return d.utc().Weekday() }

// Compare returns -1, 0 or +1 as d is before, equal to or after o.
func (d Date) Compare(o Date) int {
	switch {
	case d.Year != o.Year:
		return cmpInt(d.Year, o.Year)
	case d.Month != o.Month:
		return cmpInt(int(d.Month), int(o.Month))
	default:
		return cmpInt(d.Day, o.Day)
	}
}

// Before reports whether d is strictly earlier than o.
func (d Date) Before(o Date) bool { return d.Compare(o) < 0 }

// After reports whether d is strictly later than o.
func (d Date) After(o Date) bool { return d.Compare(o) > 0 }

// YearMonth returns the month that holds d.
func (d Date) YearMonth() Month { return Month{d.Year, d.Month} }

// Time returns the instant at hour:min:00 on d in [Location], e.g.
// Date{2026, 11, 30}.Time(9, 0) is 2026-11-30 09:00 +07:00 (the month-end
// prompt of DESIGN.md section 2). Out-of-range hour and min are normalized
// as by time.Date.
func (d Date) Time(hour, min int) time.Time {
	return time.Date(d.Year, d.Month, d.Day, hour, min, 0, 0, Location)
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// daysIn returns the number of days in month m of year y.
func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
