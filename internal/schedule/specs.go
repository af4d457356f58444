package schedule

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/robfig/cron/v3"
)

// ParseSpecs reads a comma- or semicolon-separated list of five-field cron
// specs (EVALBOT_CRON), checking each; "" gives DefaultSpecs. A bad spec is an
// error that names it, so the program stops at start-up with a clear message.
func ParseSpecs(s string) ([]string, error) {
	if strings.TrimSpace(s) == "" {
		return DefaultSpecs, nil
	}
	var out []string
	for _, spec := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' }) {
		spec = strings.TrimSpace(spec)
		if _, err := cron.ParseStandard(spec); err != nil {
			return nil, fmt.Errorf("cron spec %q: %w", spec, err)
		}
		out = append(out, spec)
	}
	return out, nil
}

// WithYearDay returns t with the December campaign's day and hour read from
// s (EVALBOT_YEAR_DAY): "5" (the 5th of December, at t.YearHour) or "5 9"
// (at 09:00, Asia/Ho_Chi_Minh); "" leaves t as it is. The day is 1–14: the
// yearly evaluation is done before 15 December (Decree 335/2025/NĐ-CP
// Art. 21); a value out of range is an error that names it.
func WithYearDay(t Times, s string) (Times, error) {
	f := strings.Fields(s)
	if len(f) == 0 {
		return t, nil
	}
	day, err := strconv.Atoi(f[0])
	if err != nil || day < 1 || day > 14 || len(f) > 2 {
		return t, fmt.Errorf("year campaign day %q: want a day of December 1–14, then an hour 0–23", s)
	}
	t.YearDay = day
	if len(f) == 2 {
		h, err := strconv.Atoi(f[1])
		if err != nil || h < 0 || h > 23 {
			return t, fmt.Errorf("year campaign day %q: want a day of December 1–14, then an hour 0–23", s)
		}
		t.YearHour = h
	}
	return t, nil
}
