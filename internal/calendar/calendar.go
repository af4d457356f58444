package calendar

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Holiday is one day off on the holiday list: a public holiday (ngày nghỉ
// lễ, tết), a compensatory day off (nghỉ bù) or a swapped day off (nghỉ
// hoán đổi). VI is the Vietnamese name (required); EN the English one
// (optional, VI is used when it is empty).
type Holiday struct {
	Date Date
	VI   string
	EN   string
}

// Name returns h's name in lang: English for a language tag starting with
// "en" ("en", "en-US"), Vietnamese otherwise (the default language of
// DESIGN.md section 1). It falls back to VI when EN is empty.
func (h Holiday) Name(lang string) string {
	if h.EN != "" && strings.HasPrefix(strings.ToLower(lang), "en") {
		return h.EN
	}
	return h.VI
}

// Calendar decides which days are working days (DESIGN.md section 2):
// Monday to Friday, minus the days on its holiday list, plus its
// compensatory working weekend days (ngày làm bù, usually a Saturday).
//
// Build one with [Default], [Parse], [Load] or [New]. A Calendar is
// immutable and safe for concurrent use. The zero Calendar is usable and has
// no holidays (every Monday to Friday is a working day); a nil *Calendar is
// not.
type Calendar struct {
	holidays map[Date]Holiday
	workdays map[Date]struct{} // working weekend days
	list     []Holiday         // sorted by date
	sats     []Date            // sorted
	years    map[int]struct{}  // years with at least one holiday
}

// New builds a Calendar from a holiday list and a list of working weekend
// days (the Saturdays, rarely Sundays, worked in exchange for a swapped day
// off). Order does not matter. It returns an error, naming the date, for a
// zero or invalid date, a holiday without a Vietnamese name, a date listed
// twice, a working day that is not a Saturday or Sunday, or a date that is
// both a holiday and a working day.
func New(holidays []Holiday, workingSaturdays []Date) (*Calendar, error) {
	c, err := build(holidays, workingSaturdays)
	if err != nil {
		fe := err.(*FileError)
		fe.text = "calendar: " + fe.text
		return nil, fe
	}
	return c, nil
}

// build is New without the package prefix on its errors; they are all
// *FileError.
func build(holidays []Holiday, workingSaturdays []Date) (*Calendar, error) {
	c := &Calendar{
		holidays: make(map[Date]Holiday, len(holidays)),
		workdays: make(map[Date]struct{}, len(workingSaturdays)),
		years:    make(map[int]struct{}),
	}
	for _, h := range holidays {
		if err := checkDate(h.Date); err != nil {
			return nil, &FileError{Code: "bad_date", Value: h.Date.String(), text: "holiday: " + err.Error()}
		}
		h.VI, h.EN = strings.TrimSpace(h.VI), strings.TrimSpace(h.EN)
		if h.VI == "" {
			return nil, &FileError{Code: "missing_vi", Date: h.Date, text: fmt.Sprintf("holiday %s: the Vietnamese name (vi) is empty", h.Date)}
		}
		if _, dup := c.holidays[h.Date]; dup {
			return nil, &FileError{Code: "duplicate_holiday", Date: h.Date, text: fmt.Sprintf("holiday %s is listed twice", h.Date)}
		}
		c.holidays[h.Date] = h
		c.list = append(c.list, h)
		c.years[h.Date.Year] = struct{}{}
	}
	for _, d := range workingSaturdays {
		if err := checkDate(d); err != nil {
			return nil, &FileError{Code: "bad_working_day", Value: d.String(), text: "working Saturday: " + err.Error()}
		}
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			return nil, &FileError{Code: "not_weekend", Date: d, text: fmt.Sprintf("working Saturday %s is a %s, not a weekend day", d, wd)}
		}
		if _, dup := c.workdays[d]; dup {
			return nil, &FileError{Code: "duplicate_working_day", Date: d, text: fmt.Sprintf("working Saturday %s is listed twice", d)}
		}
		if _, hol := c.holidays[d]; hol {
			return nil, &FileError{Code: "holiday_and_working_day", Date: d, text: fmt.Sprintf("%s is both a holiday and a working Saturday", d)}
		}
		c.workdays[d] = struct{}{}
		c.sats = append(c.sats, d)
	}
	slices.SortFunc(c.list, func(a, b Holiday) int { return a.Date.Compare(b.Date) })
	slices.SortFunc(c.sats, Date.Compare)
	return c, nil
}

func checkDate(d Date) error {
	if d.IsZero() {
		return fmt.Errorf("missing date")
	}
	if _, err := ParseDate(d.String()); err != nil || d.Year > 9999 {
		return fmt.Errorf("invalid date %04d-%02d-%02d", d.Year, int(d.Month), d.Day)
	}
	return nil
}

// IsWorkingDay reports whether d is a working day: a listed working
// Saturday, or a Monday to Friday that is not on the holiday list.
func (c *Calendar) IsWorkingDay(d Date) bool {
	if _, ok := c.workdays[d]; ok {
		return true
	}
	if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	_, hol := c.holidays[d]
	return !hol
}

// WorkingDays returns m's working days in order (21 for November 2026).
func (c *Calendar) WorkingDays(m Month) []Date {
	out := make([]Date, 0, 23)
	for d, last := m.First(), m.Last(); !d.After(last); d = d.AddDays(1) {
		if c.IsWorkingDay(d) {
			out = append(out, d)
		}
	}
	return out
}

// NthWorkingDay returns the n-th working day of m, counting from 1: n = 1 is
// the monthly plan reminder day and n = 5 of the next month the publication
// day of DESIGN.md section 2. It returns false when n < 1 or m has fewer than
// n working days.
func (c *Calendar) NthWorkingDay(m Month, n int) (Date, bool) {
	if n < 1 {
		return Date{}, false
	}
	for d, last := m.First(), m.Last(); !d.After(last); d = d.AddDays(1) {
		if c.IsWorkingDay(d) {
			if n--; n == 0 {
				return d, true
			}
		}
	}
	return Date{}, false
}

// LastWorkingDay returns m's last working day, the self-assessment prompt
// day of DESIGN.md section 2. It returns the zero Date only if m has no
// working day at all, which only a holiday list covering the whole month
// can cause.
func (c *Calendar) LastWorkingDay(m Month) Date {
	for d, first := m.Last(), m.First(); !d.Before(first); d = d.AddDays(-1) {
		if c.IsWorkingDay(d) {
			return d
		}
	}
	return Date{}
}

// AddWorkingDays returns the n-th working day after d, the "+n working days"
// of DESIGN.md section 2; d itself need not be a working day and is never
// counted. n = 0 returns d unchanged; a negative n returns the |n|-th working
// day before d. For n ≥ 0, WorkingDaysBetween(d, AddWorkingDays(d, n)) == n.
func (c *Calendar) AddWorkingDays(d Date, n int) Date {
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		d = d.AddDays(step)
		if c.IsWorkingDay(d) {
			n--
		}
	}
	return d
}

// WorkingDaysBetween returns the number of working days after a up to and
// including b, i.e. in the interval (a, b]: 0 when a == b, and the negated
// count of working days in (b, a] when b is before a. A deadline "n working
// days after a" has passed on day b once WorkingDaysBetween(a, b) >= n.
func (c *Calendar) WorkingDaysBetween(a, b Date) int {
	sign := 1
	if b.Before(a) {
		a, b, sign = b, a, -1
	}
	n := 0
	for d := a.AddDays(1); !d.After(b); d = d.AddDays(1) {
		if c.IsWorkingDay(d) {
			n++
		}
	}
	return sign * n
}

// Holiday returns the name of the holiday on d in lang (see [Holiday.Name]),
// and false when d is not on the holiday list. Ordinary weekends are not
// holidays.
func (c *Calendar) Holiday(d Date, lang string) (name string, ok bool) {
	h, ok := c.holidays[d]
	if !ok {
		return "", false
	}
	return h.Name(lang), true
}

// Lookup returns the holiday entry on d, with both names, and whether there
// is one.
func (c *Calendar) Lookup(d Date) (Holiday, bool) {
	h, ok := c.holidays[d]
	return h, ok
}

// Holidays returns a copy of the holiday list, sorted by date.
func (c *Calendar) Holidays() []Holiday { return slices.Clone(c.list) }

// WorkingSaturdays returns a copy of the list of working weekend days,
// sorted.
func (c *Calendar) WorkingSaturdays() []Date { return slices.Clone(c.sats) }

// Covers reports whether the holiday list has at least one entry in year,
// i.e. whether someone configured that year's holidays. A scheduler should
// warn the administrator when the current or next year is not covered, since
// Tết and the compensatory days change every year (DESIGN.md section 2).
func (c *Calendar) Covers(year int) bool {
	_, ok := c.years[year]
	return ok
}

// DefaultPublishDay is the working day of the next month on which a month's
// results are published (công khai) and lock: the 5th (DESIGN.md section 2).
const DefaultPublishDay = 5

// PublicationDay returns the day month m's results are published: the
// publishDay-th working day of the next month (DefaultPublishDay when
// publishDay < 1). A next month with too few working days publishes on its
// last working day.
func (c *Calendar) PublicationDay(m Month, publishDay int) Date {
	if publishDay < 1 {
		publishDay = DefaultPublishDay
	}
	if d, ok := c.NthWorkingDay(m.Next(), publishDay); ok {
		return d
	}
	return c.LastWorkingDay(m.Next())
}

// MonthUnderReview is the month that the evaluation commands mean on day d
// (/assess, /publish, /pending, /status, /export, the publication campaign):
// the previous month up to and including its publication day, the current
// month after it. The whole publication day belongs to the month being
// published, so a head's /publish that day publishes the month just ended.
func (c *Calendar) MonthUnderReview(d Date, publishDay int) Month {
	prev := d.YearMonth().Prev()
	if !d.After(c.PublicationDay(prev, publishDay)) {
		return prev
	}
	return d.YearMonth()
}

// Ended reports whether month m is over on day d (d is after its last day).
func (m Month) Ended(d Date) bool { return d.After(m.Last()) }
