package calendar

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const orgFile = `# An organization's own list.
working_saturdays = [
  2030-01-05,   # for Friday 2030-01-04
  "2030-02-09",
]

[[holiday]]
date = 2030-01-01
vi = "Tết Dương lịch"
en = "New Year's Day"

[[holiday]]
date = "2030-01-04"
vi = "Nghỉ hoán đổi"

[[holiday]]
date = 2030-01-07   # a local anniversary
vi = "Ngày truyền thống"
en = "Founding Day"
`

func TestParseCustomFile(t *testing.T) {
	c, err := Parse([]byte(orgFile))
	if err != nil {
		t.Fatal(err)
	}
	// January 2030: 1 Jan is a Tuesday; 23 weekdays − 1, 4, 7 + Saturday 5.
	if n := len(c.WorkingDays(Month{2030, 1})); n != 21 {
		t.Errorf("2030-01: %d working days, want 21", n)
	}
	if !c.IsWorkingDay(d(2030, 1, 5)) || !c.IsWorkingDay(d(2030, 2, 9)) || c.IsWorkingDay(d(2030, 1, 12)) {
		t.Error("working Saturdays")
	}
	if got := c.AddWorkingDays(d(2030, 1, 3), 1); got != d(2030, 1, 5) {
		t.Errorf("AddWorkingDays(Thu 3 Jan, 1) = %v, want the working Saturday", got)
	}
	if got := c.AddWorkingDays(d(2030, 1, 5), 1); got != d(2030, 1, 8) {
		t.Errorf("AddWorkingDays(Sat 5 Jan, 1) = %v, want Tue 8 Jan", got)
	}
	if got, ok := c.NthWorkingDay(Month{2030, 1}, 3); !ok || got != d(2030, 1, 5) {
		t.Errorf("3rd working day of 2030-01 = %v", got)
	}
	if name, _ := c.Holiday(d(2030, 1, 4), "en"); name != "Nghỉ hoán đổi" {
		t.Errorf("EN falls back to VI: %q", name)
	}
	if name, _ := c.Holiday(d(2030, 1, 7), "en"); name != "Founding Day" {
		t.Errorf("Holiday(2030-01-07, en) = %q", name)
	}
	if c.Covers(2026) || !c.Covers(2030) {
		t.Error("a custom file replaces the default list")
	}
}

func TestParseEmpty(t *testing.T) {
	c, err := Parse(nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(c.WorkingDays(Month{2026, 11})); n != 21 || len(c.Holidays()) != 0 {
		t.Errorf("empty file: %d working days, %d holidays", n, len(c.Holidays()))
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string // substrings of the error
	}{
		{"unknown top-level key", "year = 2026\n", []string{`unknown key "year"`, "line 1"}},
		{"misspelt list", "\nworking_saturday = [2026-01-10]\n", []string{`unknown key "working_saturday"`, "line 2"}},
		{"unknown key in an entry",
			"[[holiday]]\ndate = 2026-01-01\nvi = \"a\"\n\n[[holiday]]\ndate = 2026-01-02\nvi = \"b\"\nname = \"c\"\n",
			[]string{`unknown key "holiday.name"`, "line 8"}},
		{"unknown table", "[holidays]\ndate = 2026-01-01\n", []string{`unknown key "holidays"`, "line 1"}},
		{"invalid date string in the 2nd entry",
			"[[holiday]]\ndate = 2026-01-01\nvi = \"a\"\n\n[[holiday]]\ndate = \"2026-02-30\"\nvi = \"b\"\n",
			[]string{"line 6", "holiday #2", `field "date"`, "2026-02-30"}},
		{"invalid TOML date", "[[holiday]]\nvi = \"a\"\ndate = 2026-02-30\n", []string{"line 3", "2026-02-30"}},
		{"date-time", "[[holiday]]\ndate = 2026-01-01T08:00:00\nvi = \"a\"\n", []string{"line 2", `field "date"`, "date-time"}},
		{"number as date", "[[holiday]]\ndate = 20260101\nvi = \"a\"\n", []string{"line 2", `field "date"`}},
		{"missing date", "[[holiday]]\nvi = \"a\"\n", []string{"line 1", "holiday #1", `"date" is missing`}},
		{"missing vi", "[[holiday]]\ndate = 2026-01-01\nen = \"x\"\n", []string{"holiday #1", `"vi"`}},
		{"bad working Saturday", "working_saturdays = [2026-01-10, \"2026-13-01\"]\n",
			[]string{"line 1", "working_saturdays", "element 2"}},
		{"working day on a Friday", "working_saturdays = [2026-01-09]\n", []string{"2026-01-09", "Friday"}},
		{"duplicate holiday", "[[holiday]]\ndate = 2026-01-01\nvi = \"a\"\n[[holiday]]\ndate = 2026-01-01\nvi = \"b\"\n",
			[]string{"2026-01-01", "twice"}},
		{"wrong type", "[[holiday]]\ndate = 2026-01-01\nvi = 3\n", []string{"vi"}},
		{"bad syntax", "[[holiday]\n", []string{"toml", "line"}},
	}
	for _, tt := range tests {
		_, err := Parse([]byte(tt.src))
		if err == nil {
			t.Errorf("%s: accepted", tt.name)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not mention %q", tt.name, err, w)
			}
		}
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "holidays.toml")
	if err := os.WriteFile(path, []byte(orgFile), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Covers(2030) {
		t.Error("Load: holidays missing")
	}

	bad := filepath.Join(dir, "bad.toml")
	if err := os.WriteFile(bad, []byte("[[holiday]]\ndate = \"2026-1-1\"\nvi = \"a\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(bad); err == nil || !strings.Contains(err.Error(), bad+":2:") {
		t.Errorf("Load(bad) error = %v, want it to name %s:2", err, bad)
	}
	if _, err := Load(filepath.Join(dir, "missing.toml")); err == nil {
		t.Error("Load of a missing file succeeded")
	}
}

func TestDefaultTOML(t *testing.T) {
	b := DefaultTOML()
	if !bytes.Contains(b, []byte("[[holiday]]")) {
		t.Fatal("DefaultTOML is not the holiday file")
	}
	c, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.Holidays(), Default().Holidays()) {
		t.Error("DefaultTOML parses to a different list than Default")
	}
	b[0] = 'X'
	if DefaultTOML()[0] == 'X' {
		t.Error("DefaultTOML returns the embedded slice")
	}
}

// Leftovers 2: a holiday file's faults carry a code and what they concern,
// so that a person reads them in their language (FileError.Message), not
// in this package's English.
func TestParseErrorsAreFileErrors(t *testing.T) {
	for _, c := range []struct {
		src  string
		want FileError
	}{
		{"[[holiday]]\ndate = \"2026-02-30\"\nvi = \"Tết\"\n", FileError{Code: "bad_date", Line: 2, Entry: 1, Value: "2026-02-30"}},
		{"working_saturdays = [2026-01-09]\n", FileError{Code: "not_weekend", Date: Date{2026, 1, 9}}},
		{"[[holiday]]\ndate = 2026-01-01\nvi = \"Tết Dương lịch\"\nname = \"x\"\n", FileError{Code: "unknown_key", Line: 4, Key: "holiday.name"}},
		{"[[holiday]]\n", FileError{Code: "missing_date", Line: 1, Entry: 1}},
		{"[[holiday]]\ndate = 2026-01-01\nen = \"x\"\n", FileError{Code: "missing_vi", Line: 2, Entry: 1, Date: Date{2026, 1, 1}}},
		{"[[holiday]]\ndate = 2026-01-01\nvi = \"a\"\n[[holiday]]\ndate = 2026-01-01\nvi = \"b\"\n", FileError{Code: "duplicate_holiday", Date: Date{2026, 1, 1}}},
		{"[[holiday]\n", FileError{Code: "syntax", Line: 2}},
	} {
		_, err := Parse([]byte(c.src))
		var fe *FileError
		if !errors.As(err, &fe) {
			t.Errorf("%q: %v, not a *FileError", c.src, err)
			continue
		}
		got := *fe
		got.text = ""
		if got != c.want {
			t.Errorf("%q: %+v, want %+v", c.src, got, c.want)
		}
		if id, _ := fe.Message(); id != "HolidayFault_"+c.want.Code {
			t.Errorf("%q: message %s", c.src, id)
		}
	}
}
