package calendar

import (
	"fmt"
	"time"
)

// Month is a calendar month, the evaluation period of DESIGN.md section 2.
// It is comparable and usable as a map key. Build one with [MonthOf],
// [ParseMonth] or a literal such as Month{2026, time.November}.
type Month struct {
	Year  int
	Month time.Month
}

// MonthOf returns the month that holds instant t in [Location].
func MonthOf(t time.Time) Month { return DateOf(t).YearMonth() }

// ParseMonth parses a month written "YYYY-MM" (four-digit year 0001–9999,
// two-digit month 01–12), such as "2026-11". Any other input, including
// "2026-13", "2026-1", "26-11" and surrounding spaces, is an error.
func ParseMonth(s string) (Month, error) {
	if len(s) == 7 && s[4] == '-' {
		y, ok1 := digits(s[0:4])
		m, ok2 := digits(s[5:7])
		if ok1 && ok2 && y >= 1 && m >= 1 && m <= 12 {
			return Month{y, time.Month(m)}, nil
		}
	}
	return Month{}, fmt.Errorf("calendar: invalid month %q: want YYYY-MM, e.g. 2026-11", s)
}

// String formats m as "YYYY-MM", e.g. "2026-11".
func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year, int(m.Month)) }

// MarshalText implements encoding.TextMarshaler with the [Month.String] form.
func (m Month) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler with [ParseMonth].
func (m *Month) UnmarshalText(b []byte) error {
	v, err := ParseMonth(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// First returns the first day of m.
func (m Month) First() Date { return Date{m.Year, m.Month, 1} }

// FirstDay returns the first day of m; it is the same as [Month.First].
func (m Month) FirstDay() Date { return m.First() }

// Last returns the last day of m (28 February 2026, 29 February 2028, ...).
func (m Month) Last() Date { return Date{m.Year, m.Month, daysIn(m.Year, m.Month)} }

// Days returns the number of days in m.
func (m Month) Days() int { return daysIn(m.Year, m.Month) }

// Next returns the month after m (2026-12 → 2027-01).
func (m Month) Next() Month { return m.add(1) }

// Prev returns the month before m (2027-01 → 2026-12).
func (m Month) Prev() Month { return m.add(-1) }

func (m Month) add(n int) Month {
	i := m.Year*12 + int(m.Month) - 1 + n
	return Month{i / 12, time.Month(i%12 + 1)}
}

// Contains reports whether d lies in m.
func (m Month) Contains(d Date) bool { return d.Year == m.Year && d.Month == m.Month }

// Compare returns -1, 0 or +1 as m is before, equal to or after o.
func (m Month) Compare(o Month) int {
	if m.Year != o.Year {
		return cmpInt(m.Year, o.Year)
	}
	return cmpInt(int(m.Month), int(o.Month))
}

// Before reports whether m is strictly earlier than o.
func (m Month) Before(o Month) bool { return m.Compare(o) < 0 }

// After reports whether m is strictly later than o.
func (m Month) After(o Month) bool { return m.Compare(o) > 0 }

// Weeks returns, in order, the weeks that belong to m under the rule of
// [Week.Month] (the week's Thursday lies in m): four or five weeks, so that
// every week belongs to exactly one month. The first may start in the
// previous month and the last may end in the next one.
func (m Month) Weeks() []Week {
	w := WeekOf(m.First())
	if w.Month() != m {
		w = w.Next()
	}
	var out []Week
	for ; w.Month() == m; w = w.Next() {
		out = append(out, w)
	}
	return out
}
