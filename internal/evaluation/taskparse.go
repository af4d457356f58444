package evaluation

import (
	"errors"
	"regexp"
	"strconv"
	"strings"

	"evalbot/internal/calendar"
	"evalbot/internal/grading"
	"evalbot/internal/textnorm"
)

// TaskDraft is one task as typed by the official, before it is stored.
type TaskDraft struct {
	Title    string
	Deadline *calendar.Date
	Weight   grading.Points // hundredths of a standard unit; 100 by default
	// Line is the task's 1-based line in the typed message.
	Line int
	// ItemCode and Quantity name a catalogue item (danh mục sản phẩm, công
	// việc) typed as «#TD01 x3»; "" and 0 for a free-text task. Title then
	// holds only the note typed after them, until ResolveCatalogue sets the
	// item's name, ItemID and Weight = Quantity × factor.
	ItemCode string
	Quantity int
	ItemID   int64
}

// LineError names a line of the typed plan that could not be read. A
// catalogue line may also give "bad_item", "bad_quantity", "weight_on_item",
// and ResolveCatalogue "unknown_item", "item_withdrawn", "item_not_for_you".
type LineError struct {
	Line  int    // 1-based line of the message
	Code  string // "empty_title", "title_too_long", "bad_date", "bad_weight", "ambiguous", "out_of_period", "too_many", "no_tasks"
	Value string // the offending part, as typed
	// The plan's period, for "out_of_period".
	From, To calendar.Date
}

// Period is the span a plan covers (kỳ kế hoạch), both days included: a
// week Monday–Sunday, or a calendar month. A task's deadline falls within it.
type Period struct{ From, To calendar.Date }

// PeriodOf is the span of a plan of kind (KindWeek, KindMonth) starting on
// start (PlanPeriod says which starts may be planned).
func PeriodOf(kind string, start calendar.Date) Period {
	if kind == KindMonth {
		return Period{start.YearMonth().First(), start.YearMonth().Last()}
	}
	w := calendar.WeekOf(start)
	return Period{w.Monday(), w.Sunday()}
}

// Contains reports whether d is within p.
func (p Period) Contains(d calendar.Date) bool { return !d.Before(p.From) && !d.After(p.To) }

// Limits on a typed plan: enough for a month's work, small enough for one
// phone screen and Telegram's 100-button keyboards (3 buttons per task).
const (
	MaxTasks      = 30
	MaxTitleRunes = 200
	maxWeight     = 1000 // 10.00 units
	minWeight     = 25   // 0.25 units
)

var bullet = regexp.MustCompile(`^\s*(?:[-–•*+]|\d{1,2}[.)])\s*`)

// ParseTasks reads one task per line: "title | deadline | weight", both
// optional and in either order. Each line is cleaned as every typed text is
// (textnorm.Clean: no invisible or bidi control characters, NFC, one space);
// bullets and numbering are ignored.
//
// A deadline is a date written dd/mm, dd-mm, dd.mm, or with the year
// (dd/mm/yyyy, dd-mm-yyyy, dd.mm.yyyy, or yy), optionally after "hạn"; it
// must fall within period (its year comes from period when not typed). A
// weight (trọng số, 0.25–10) is written so that it cannot be read as a date:
// after an x («x2», «x1,5», «×1.5», «trọng số 2»), as a whole number («2»),
// or with a decimal comma («1,5»). A field that reads both as a date and as
// a weight («9.12», «1.5») is refused as "ambiguous"; «09.12», written with
// two digits each, is the 9th of December.
//
// A line starting with «#» picks a catalogue item by its code, with a
// quantity (a whole number 1–999, after x or ×, or alone; 1 when none) and an
// optional note: «#TD01 x3 | 27/11», «#TD01 ×2 nhà ông A». Its weight is the
// quantity times the item's factor (ResolveCatalogue), so a weight field on
// it is refused ("weight_on_item"); a quantity that is not a whole number
// is "bad_quantity".
//
// Nothing is returned when any line is wrong, so the official fixes the
// message and sends it again whole.
func ParseTasks(text string, period Period) ([]TaskDraft, []LineError) {
	var out []TaskDraft
	var errs []LineError
	for i, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		n := i + 1
		line = strings.TrimSpace(bullet.ReplaceAllString(textnorm.Clean(line), ""))
		if line == "" {
			continue
		}
		parts := strings.Split(line, "|")
		t := TaskDraft{Weight: 100, Line: n}
		if code, qty, note, ok := itemRef(parts[0]); ok {
			t.ItemCode, t.Quantity, t.Title = code, qty, note
			switch {
			case code == "":
				errs = append(errs, LineError{Line: n, Code: "bad_item", Value: strings.TrimSpace(parts[0])})
				continue
			case qty == 0:
				errs = append(errs, LineError{Line: n, Code: "bad_quantity", Value: strings.TrimSpace(parts[0])})
				continue
			}
		}
		title, err := textnorm.Field(parts[0], MaxTitleRunes)
		if t.ItemCode == "" {
			t.Title = title
		}
		switch {
		case t.ItemCode != "" && !errors.Is(err, textnorm.ErrTooLong):
		case errors.Is(err, textnorm.ErrEmpty):
			errs = append(errs, LineError{Line: n, Code: "empty_title"})
			continue
		case errors.Is(err, textnorm.ErrTooLong):
			errs = append(errs, LineError{Line: n, Code: "title_too_long"})
			continue
		}
		ok := true
		for _, p := range parts[1:] {
			p = strings.TrimSpace(p)
			if p == "" {
				continue
			}
			d, w, code := parseField(p, period.From)
			switch {
			case code == "" && w > 0 && t.ItemCode != "":
				errs = append(errs, LineError{Line: n, Code: "weight_on_item", Value: p})
				ok = false
			case code == "" && w > 0:
				t.Weight = w
			case code == "" && !period.Contains(d):
				errs = append(errs, LineError{Line: n, Code: "out_of_period", Value: p, From: period.From, To: period.To})
				ok = false
			case code == "":
				t.Deadline = &d
			default:
				errs = append(errs, LineError{Line: n, Code: code, Value: p})
				ok = false
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

var (
	// A catalogue item: «#» and its code, then a quantity (after x, × or *,
	// or alone), then an optional note: «#TD01 x3», «#TD01 ×3 nhà ông A»,
	// «#TD01 3», «#TD01».
	itemPart = regexp.MustCompile(`^#([A-Za-z0-9._-]{1,16})(?:(?:\s*[×*]\s*|\s+[xX]\s*)(\d+(?:[.,]\d+)?)|\s+(\d+(?:[.,]\d+)?))?(?:\s+(.*))?$`)
	// A date: day, month and an optional year, one separator throughout.
	datePart = regexp.MustCompile(`^(?:(?:hạn|han|deadline|by)\s*:?\s*)?(\d{1,2})([/.-])(\d{1,2})(?:([/.-])(\d{4}|\d{2}))?$`)
	// A weight after its mark: x, ×, *, "trọng số", "ts", "weight", "w".
	markedWeight = regexp.MustCompile(`^(?:x|×|\*|trọng số|trong so|ts|weight|w)\s*:?\s*(\d{1,2}(?:[.,]\d{1,2})?)$`)
	// A weight without a mark: a whole number or a decimal comma.
	plainWeight = regexp.MustCompile(`^\d{1,2}(?:,\d{1,2})?$`)
	// A decimal point number, which may also be a dd.mm date.
	pointNumber = regexp.MustCompile(`^(\d{1,2})\.(\d{1,2})$`)
)

// parseField reads a field after the title: a deadline (d), a weight (w > 0),
// or a LineError code ("bad_date", "bad_weight", "ambiguous").
func parseField(s string, ref calendar.Date) (d calendar.Date, w grading.Points, code string) {
	s = strings.ToLower(s)
	if m := markedWeight.FindStringSubmatch(s); m != nil {
		if w, ok := weight(m[1]); ok {
			return d, w, ""
		}
		return d, 0, "bad_weight"
	}
	if plainWeight.MatchString(s) {
		if w, ok := weight(s); ok {
			return d, w, ""
		}
		return d, 0, "bad_weight"
	}
	if m := datePart.FindStringSubmatch(s); m != nil && (m[4] == "" || m[4] == m[2]) {
		date, isDate := deadline(m[1], m[3], m[5], ref)
		if pm := pointNumber.FindStringSubmatch(s); pm != nil {
			w, isWeight := weight(s)
			twoDigits := len(pm[1]) == 2 && len(pm[2]) == 2
			switch {
			case isDate && isWeight && !twoDigits:
				return d, 0, "ambiguous"
			case !isDate && isWeight:
				return d, w, ""
			}
		}
		if !isDate {
			return d, 0, "bad_date"
		}
		return date, 0, ""
	}
	if strings.ContainsAny(s, "/-") || strings.HasPrefix(s, "hạn") {
		return d, 0, "bad_date"
	}
	return d, 0, "bad_weight"
}

// MaxQuantity is the largest quantity of a catalogue item on one line.
const MaxQuantity = 999

// itemRef reads a catalogue reference at the start of a line's first field:
// the code in upper case, the quantity (1 when none is typed; 0 when it is
// not a whole number in 1..MaxQuantity), and the note after them. ok is
// false for a field that does not start with «#».
func itemRef(field string) (code string, qty int, note string, ok bool) {
	field = strings.TrimSpace(field)
	if !strings.HasPrefix(field, "#") {
		return "", 0, "", false
	}
	m := itemPart.FindStringSubmatch(field)
	if m == nil {
		return "", 0, "", true // «#» without a code: told as a bad reference
	}
	qty = 1
	if q := m[2] + m[3]; q != "" {
		n, err := strconv.Atoi(q)
		if err != nil || n < 1 || n > MaxQuantity {
			n = 0
		}
		qty = n
	}
	return strings.ToUpper(m[1]), qty, strings.TrimSpace(m[4]), true
}

// deadline is the date of day, month and year as typed (year "" or 2 or 4
// digits); without a year, the one of ref, or the next when the month is
// more than six months before ref's ("05/01" typed in December).
func deadline(day, month, year string, ref calendar.Date) (calendar.Date, bool) {
	dd, _ := strconv.Atoi(day)
	mm, _ := strconv.Atoi(month)
	y := ref.Year
	if year != "" {
		y, _ = strconv.Atoi(year)
		if y < 100 {
			y += 2000
		}
	} else if mm < int(ref.Month)-6 {
		y++
	}
	d, err := calendar.ParseDate(strconv.Itoa(y) + "-" + pad2(mm) + "-" + pad2(dd))
	return d, err == nil
}

// weight reads a weight's number, with a decimal comma or point, in
// 0.25–10.
func weight(s string) (grading.Points, bool) {
	w, err := grading.ParsePoints(strings.ReplaceAll(s, ",", "."))
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
