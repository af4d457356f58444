package calendar

import (
	_ "embed"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/BurntSushi/toml"
)

//go:embed holidays.toml
var defaultTOML []byte

var defaultCalendar = sync.OnceValue(func() *Calendar {
	c, err := parse("holidays.toml", defaultTOML)
	if err != nil {
		panic(err) // the embedded file is tested; this cannot happen in a built binary
	}
	return c
})

// Default returns the Calendar of the embedded holidays.toml: Viet Nam's
// public holidays and compensatory working Saturdays for public-sector
// employees in 2026 and 2027 (Labour Code 2019 articles 111–112 and the
// Ministry of Home Affairs' yearly notices; the file marks which dates come
// from a published decision and which are expected). Every call returns the
// same immutable Calendar.
func Default() *Calendar { return defaultCalendar() }

// DefaultTOML returns a copy of the embedded holidays.toml, a template for an
// organization's own file.
func DefaultTOML() []byte { return slices.Clone(defaultTOML) }

// Load reads an organization's holiday file at path and parses it as
// [Parse] does; errors carry the path and, where known, the line.
func Load(path string) (*Calendar, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("calendar: %w", err)
	}
	return parse(path, data)
}

// Parse builds a Calendar from a holiday file in TOML:
//
//	working_saturdays = [2026-01-10]   # weekend days that are working days
//
//	[[holiday]]
//	date = 2026-01-01                  # a TOML date, or a string "2026-01-01"
//	vi   = "Tết Dương lịch"            # required
//	en   = "New Year's Day"            # optional
//
// Both keys are optional; an empty file gives a Calendar without holidays.
// It returns an error for invalid TOML, for an unknown key (naming the key
// and its line), for a missing or invalid date or a missing vi (naming the
// entry, the field and the line), and for the conditions [New] rejects.
func Parse(data []byte) (*Calendar, error) { return parse("", data) }

type holidayFile struct {
	WorkingSaturdays []any         `toml:"working_saturdays"`
	Holiday          []holidayItem `toml:"holiday"`
}

type holidayItem struct {
	Date any    `toml:"date"`
	VI   string `toml:"vi"`
	EN   string `toml:"en"`
}

func parse(name string, data []byte) (*Calendar, error) {
	where := func(line int) string {
		switch {
		case name != "" && line > 0:
			return fmt.Sprintf("calendar: %s:%d: ", name, line)
		case name != "":
			return fmt.Sprintf("calendar: %s: ", name)
		case line > 0:
			return fmt.Sprintf("calendar: line %d: ", line)
		}
		return "calendar: "
	}
	fail := func(fe *FileError, format string, args ...any) error {
		fe.File, fe.text = name, where(fe.Line)+fmt.Sprintf(format, args...)
		return fe
	}
	var f holidayFile
	md, err := toml.Decode(string(data), &f)
	if err != nil {
		fe := &FileError{Code: "syntax"}
		var pe toml.ParseError
		if errors.As(err, &pe) {
			fe.Line = pe.Position.Line
		}
		fe.File, fe.text = name, where(0)+err.Error()
		return nil, fe
	}
	lines := indexLines(string(data))
	if un := md.Undecoded(); len(un) > 0 {
		k := un[0]
		return nil, fail(&FileError{Code: "unknown_key", Line: lines.find(k), Key: k.String()},
			`unknown key %q (allowed: working_saturdays, and date, vi, en in [[holiday]])`, k.String())
	}

	hs := make([]Holiday, 0, len(f.Holiday))
	for i, it := range f.Holiday {
		line := lines.at("holiday", i, "date")
		if line == 0 {
			line = lines.at("holiday", i, "")
		}
		if it.Date == nil {
			return nil, fail(&FileError{Code: "missing_date", Line: line, Entry: i + 1}, "holiday #%d: field \"date\" is missing", i+1)
		}
		d, err := dateValue(it.Date)
		if err != nil {
			return nil, fail(&FileError{Code: "bad_date", Line: line, Entry: i + 1, Value: written(it.Date)},
				"holiday #%d: field \"date\": %v", i+1, err)
		}
		if strings.TrimSpace(it.VI) == "" {
			if l := lines.at("holiday", i, "vi"); l > 0 {
				line = l
			}
			return nil, fail(&FileError{Code: "missing_vi", Line: line, Entry: i + 1, Date: d},
				"holiday #%d (%s): field \"vi\" (the Vietnamese name) is missing or empty", i+1, d)
		}
		hs = append(hs, Holiday{Date: d, VI: it.VI, EN: it.EN})
	}
	sats := make([]Date, 0, len(f.WorkingSaturdays))
	for i, v := range f.WorkingSaturdays {
		d, err := dateValue(v)
		if err != nil {
			return nil, fail(&FileError{Code: "bad_working_day", Line: lines.at("", 0, "working_saturdays"), Entry: i + 1, Value: written(v)},
				"field \"working_saturdays\", element %d: %v", i+1, err)
		}
		sats = append(sats, d)
	}
	c, err := build(hs, sats)
	if err != nil {
		fe := err.(*FileError)
		fe.File, fe.text = name, where(0)+fe.text
		return nil, fe
	}
	return c, nil
}

// written is a date value as the file wrote it, for telling the person.
func written(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case time.Time:
		return v.Format("2006-01-02T15:04:05")
	}
	return fmt.Sprint(v)
}

// dateValue accepts a TOML local date (2026-01-01) or a string "2026-01-01".
func dateValue(v any) (Date, error) {
	switch v := v.(type) {
	case time.Time:
		if h, m, s := v.Clock(); h != 0 || m != 0 || s != 0 || v.Nanosecond() != 0 {
			return Date{}, fmt.Errorf("want a date such as 2026-01-01, not a date-time")
		}
		y, m, d := v.Date()
		return ParseDate(Date{y, m, d}.String())
	case string:
		d, err := ParseDate(v)
		if err != nil {
			return Date{}, fmt.Errorf("%q is not an existing date written YYYY-MM-DD", v)
		}
		return d, nil
	default:
		return Date{}, fmt.Errorf("want a date such as 2026-01-01, got %s %v", tomlKind(v), v)
	}
}

func tomlKind(v any) string {
	switch v.(type) {
	case int64:
		return "the integer"
	case float64:
		return "the number"
	case bool:
		return "the boolean"
	}
	return "the value"
}

// lineIndex remembers, for error messages, on which line each key of the
// holiday file first appears. The TOML decoder keeps one position per key
// name, not per element of an array of tables, so positions inside
// [[holiday]] entries are found here by a light scan of the text.
type lineIndex map[lineKey]int

type lineKey struct {
	table string // "" for the top level; "holiday" for [[holiday]]
	idx   int    // which [[holiday]] entry, from 0
	key   string // "" for the table header itself
}

func indexLines(src string) lineIndex {
	ix := lineIndex{}
	table, idx := "", 0
	counts := map[string]int{}
	for n, line := range strings.Split(src, "\n") {
		s := strings.TrimSpace(line)
		switch {
		case s == "" || s[0] == '#':
			continue
		case strings.HasPrefix(s, "[["):
			end := strings.Index(s, "]]")
			if end < 0 {
				continue
			}
			table = strings.TrimSpace(s[2:end])
			idx = counts[table]
			counts[table]++
			ix.add(lineKey{table, idx, ""}, n+1)
		case strings.HasPrefix(s, "["):
			end := strings.Index(s, "]")
			if end < 0 {
				continue
			}
			table, idx = strings.TrimSpace(s[1:end]), 0
			ix.add(lineKey{table, idx, ""}, n+1)
		default:
			eq := strings.IndexByte(s, '=')
			if eq <= 0 {
				continue
			}
			key := strings.Trim(strings.TrimSpace(s[:eq]), `"'`)
			ix.add(lineKey{table, idx, key}, n+1)
		}
	}
	return ix
}

func (ix lineIndex) add(k lineKey, line int) {
	if _, ok := ix[k]; !ok {
		ix[k] = line
	}
}

// at returns the line of key in the idx-th entry of table, or 0.
func (ix lineIndex) at(table string, idx int, key string) int { return ix[lineKey{table, idx, key}] }

// find returns the first line where the (possibly nested) TOML key appears,
// or 0.
func (ix lineIndex) find(k toml.Key) int {
	var want lineKey
	switch len(k) {
	case 1:
		if l := ix.at("", 0, k[0]); l > 0 {
			return l
		}
		want = lineKey{table: k[0]}
	default:
		want = lineKey{table: strings.Join(k[:len(k)-1], "."), key: k[len(k)-1]}
	}
	best := 0
	for lk, line := range ix {
		if lk.table == want.table && lk.key == want.key && (best == 0 || line < best) {
			best = line
		}
	}
	return best
}
