package calendar

// PublishWorkingDay is the working day of a month on which the previous
// month's results are published (công khai) and locked: the 5th
// (DESIGN.md §4; internal/schedule publishes then).
const PublishWorkingDay = 5

// MonthUnderEvaluation is the month being evaluated on day d: the previous
// month until its results are published on the PublishWorkingDay-th working
// day of d's month, then d's own month. It is the month the chat's /assess,
// /pending and /status mean and the web dashboard shows.
func (c *Calendar) MonthUnderEvaluation(d Date) Month {
	m := d.YearMonth()
	if pub, ok := c.NthWorkingDay(m, PublishWorkingDay); ok && d.Before(pub) {
		return m.Prev()
	}
	return m
}
