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
			return nil, &SettingError{Code: "cron", Value: spec, err: fmt.Errorf("cron spec %q: %w", spec, err)}
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
	bad := &SettingError{Code: "year_day", Value: s, err: fmt.Errorf("year campaign day %q: want a day of December 1–14, then an hour 0–23", s)}
	day, err := strconv.Atoi(f[0])
	if err != nil || day < 1 || day > 14 || len(f) > 2 {
		return t, bad
	}
	t.YearDay = day
	if len(f) == 2 {
		h, err := strconv.Atoi(f[1])
		if err != nil || h < 0 || h > 23 {
			return t, bad
		}
		t.YearHour = h
	}
	return t, nil
}

// SettingErrorCodes are the codes of a SettingError.
var SettingErrorCodes = []string{"cron", "year_day"}

// SettingError is a setting of the schedule that cannot be taken: Code
// "cron" (a spec of EVALBOT_CRON that is not five cron fields) or
// "year_day" (EVALBOT_YEAR_DAY not a day 1–14, then an hour 0–23); Value is
// the setting as written. Error is English (robfig/cron's words for a
// spec), for a developer; Message is the locale message a person reads
// (ScheduleFault_<Code>) and its data.
type SettingError struct {
	Code, Value string
	err         error
}

func (e *SettingError) Error() string { return e.err.Error() }

// Unwrap is the parser's error.
func (e *SettingError) Unwrap() error { return e.err }

// Message is ScheduleFault_<Code> with Value.
func (e *SettingError) Message() (string, map[string]any) {
	return "ScheduleFault_" + e.Code, map[string]any{"Value": e.Value}
}
