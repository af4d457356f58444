package evaluation

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"evalbot/internal/calendar"
	"evalbot/internal/grading"
)

// TaskDraft is one task as typed by the official, before it is stored.
type TaskDraft struct {
	Title    string
	Deadline *calendar.Date
	Weight   grading.Points // hundredths of a standard unit; 100 by default
}

// LineError names a line of the typed plan that could not be read.
type LineError struct {
	Line  int    // 1-based line of the message
	Code  string // "empty_title", "title_too_long", "bad_date", "bad_weight", "too_many", "no_tasks"
	Value string // the offending part, as typed
}

// Limits on a typed plan: enough for a month's work, small enough for one
// phone screen and Telegram's 100-button keyboards (3 buttons per task).
const (
	MaxTasks      = 30
	MaxTitleRunes = 200
	maxWeight     = 1000 // 10.00 units
	minWeight     = 25   // 0.25 units
)

var bullet = regexp.MustCompile(`^\s*(?:[-–•*+]|\d{1,2}[.)])\s*`)

// ParseTasks reads one task per line: "title | deadline | weight", deadline as
// dd/mm or dd/mm/yyyy and weight as 1, 1.5 or 1,5 (0.25–10), both optional and
// in either order. Bullets and numbering are ignored. ref gives the year for a
// deadline without one. Nothing is returned when any line is wrong, so the
// official fixes the message and sends it again whole.
func ParseTasks(text string, ref calendar.Date) ([]TaskDraft, []LineError) {
	var out []TaskDraft
	var errs []LineError
	for i, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		n := i + 1
		line = strings.TrimSpace(bullet.ReplaceAllString(line, ""))
		if line == "" {
			continue
		}
		parts := strings.Split(line, "|")
		t := TaskDraft{Title: strings.Join(strings.Fields(parts[0]), " "), Weight: 100}
		if t.Title == "" {
			errs = append(errs, LineError{Line: n, Code: "empty_title"})
			continue
		}
		if utf8.RuneCountInString(t.Title) > MaxTitleRunes {
			errs = append(errs, LineError{Line: n, Code: "title_too_long"})
			continue
		}
		ok := true
		for _, p := range parts[1:] {
			p = strings.TrimSpace(p)
			switch {
			case p == "":
			case strings.ContainsAny(p, "/"):
				d, good := parseDeadline(p, ref)
				if !good {
					errs = append(errs, LineError{Line: n, Code: "bad_date", Value: p})
					ok = false
				}
				t.Deadline = &d
			default:
				w, good := parseWeight(p)
				if !good {
					errs = append(errs, LineError{Line: n, Code: "bad_weight", Value: p})
					ok = false
				}
				t.Weight = w
			}
		}
		if ok {
			out = append(out, t)
		}
	}
	if len(errs) == 0 && len(out) > MaxTasks {
		errs = append(errs, LineError{Code: "too_many", Value: strconv.Itoa(len(out))})
	}
	if len(errs) == 0 && len(out) == 0 {
		errs = append(errs, LineError{Code: "no_tasks"})
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return out, nil
}

var datePart = regexp.MustCompile(`^(?:hạn\s*)?(\d{1,2})/(\d{1,2})(?:/(\d{2}|\d{4}))?$`)

func parseDeadline(s string, ref calendar.Date) (calendar.Date, bool) {
	m := datePart.FindStringSubmatch(strings.ToLower(s))
	if m == nil {
		return calendar.Date{}, false
	}
	day, _ := strconv.Atoi(m[1])
	month, _ := strconv.Atoi(m[2])
	year := ref.Year
	if m[3] != "" {
		year, _ = strconv.Atoi(m[3])
		if year < 100 {
			year += 2000
		}
	} else if month < int(ref.Month)-6 {
		year++ // "05/01" typed in December means next January
	}
	d, err := calendar.ParseDate(strconv.Itoa(year) + "-" + pad2(month) + "-" + pad2(day))
	if err != nil {
		return calendar.Date{}, false
	}
	return d, true
}

var weightPart = regexp.MustCompile(`^(?:(?:trọng số|ts|weight|w|x)\s*:?\s*)?(\d{1,2}(?:[.,]\d{1,2})?)$`)

func parseWeight(s string) (grading.Points, bool) {
	m := weightPart.FindStringSubmatch(strings.ToLower(s))
	if m == nil {
		return 0, false
	}
	w, err := grading.ParsePoints(strings.ReplaceAll(m[1], ",", "."))
	if err != nil || w < minWeight || w > maxWeight {
		return 0, false
	}
	return w, true
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}
