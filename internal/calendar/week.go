package calendar

import (
	"fmt"
	"time"
)

// Week is a Monday-to-Sunday week, the period of the weekly work plan
// (DESIGN.md section 2: "Monday 08:00 weekly plan reminder"). It is
// identified by its Monday, comparable and usable as a map key. The zero
// Week is not a valid week; build one with [WeekOf] or [ParseWeek].
type Week struct {
	mon Date
}

// WeekOf returns the week that holds d.
func WeekOf(d Date) Week {
	back := (int(d.Weekday()) + 6) % 7 // days since Monday
	return Week{d.AddDays(-back)}
}

// ParseWeek parses an ISO 8601 week label "YYYY-Www" as produced by
// [Week.String], such as "2026-W49" (the week of Monday 30 November 2026).
// The week number must be two digits and exist in that ISO year (W53 only in
// years that have one); anything else is an error.
func ParseWeek(s string) (Week, error) {
	if len(s) == 8 && s[4] == '-' && s[5] == 'W' {
		y, ok1 := digits(s[0:4])
		n, ok2 := digits(s[6:8])
		if ok1 && ok2 && y >= 1 && n >= 1 && n <= 53 {
			// ISO week 1 is the week that holds 4 January.
			w := Week{WeekOf(Date{y, time.January, 4}).mon.AddDays(7 * (n - 1))}
			if w.String() == s {
				return w, nil
			}
		}
	}
	return Week{}, fmt.Errorf("calendar: invalid week %q: want an ISO week YYYY-Www, e.g. 2026-W49", s)
}

// Monday returns the first day of w.
func (w Week) Monday() Date { return w.mon }

// Sunday returns the last day of w.
func (w Week) Sunday() Date { return w.mon.AddDays(6) }

// Thursday returns the day that decides w's month and ISO year.
func (w Week) Thursday() Date { return w.mon.AddDays(3) }

// Month returns the month that holds w's Thursday: the ISO 8601 rule, so a
// week that spans two months belongs to exactly one of them. The week of
// Monday 30 November 2026 (Thursday 3 December) belongs to December 2026.
func (w Week) Month() Month { return w.Thursday().YearMonth() }

// String returns the ISO 8601 week label "YYYY-Www", e.g. "2026-W49". The
// ISO year is the year of w's Thursday, so it matches [Week.Month]'s year.
func (w Week) String() string {
	y, n := w.Thursday().utc().ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, n)
}

// MarshalText implements encoding.TextMarshaler with the [Week.String] form.
func (w Week) MarshalText() ([]byte, error) { return []byte(w.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler with [ParseWeek].
func (w *Week) UnmarshalText(b []byte) error {
	v, err := ParseWeek(string(b))
	if err != nil {
		return err
	}
	*w = v
	return nil
}

// Next returns the week after w.
func (w Week) Next() Week { return Week{w.mon.AddDays(7)} }

// Prev returns the week before w.
func (w Week) Prev() Week { return Week{w.mon.AddDays(-7)} }

// Contains reports whether d lies in w (Monday to Sunday inclusive).
func (w Week) Contains(d Date) bool { return !d.Before(w.mon) && !d.After(w.Sunday()) }
