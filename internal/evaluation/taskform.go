package evaluation

import (
	"errors"
	"regexp"
	"strconv"
	"strings"

	"evalbot/internal/calendar"
	"evalbot/internal/textnorm"
)

// FormTask is one row of a plan typed in the web form (kế hoạch trên
// trang): the fields as the browser sent them, not yet read.
type FormTask struct {
	// Title is the task (or, on a catalogue row, the optional note after
	// the item's name).
	Title string
	// Deadline is "" or an <input type="date"> value, "2026-12-03".
	Deadline string
	// Weight is "" (1) or a number 0.25–10 with a decimal comma or point.
	Weight string
	// ItemCode names a catalogue item («TD01»); "" for a free-text row.
	ItemCode string
	// Quantity is the catalogue item's whole quantity 1–MaxQuantity ("" is 1).
	Quantity string
}

// Blank reports whether nothing was typed in the row (a new row left
// empty): it is skipped.
func (f FormTask) Blank() bool {
	return strings.TrimSpace(f.Title+f.Deadline+f.Weight+f.ItemCode) == ""
}

// ParseFormTasks reads the rows of the plan form with ParseTasks' rules and
// refusals, so the form and a typed message say the same: a title of at
// most MaxTitleRunes (cleaned as typed text is), a deadline inside period
// ("out_of_period", "bad_date"), a weight 0.25–10 ("bad_weight"; none on a
// catalogue row: "weight_on_item"), a quantity 1–MaxQuantity
// ("bad_quantity"), at most MaxTasks rows ("too_many"), at least one
// ("no_tasks"). LineError.Line is the row's 1-based number among the rows
// given (blank rows count, so the number is the one on the screen). Nothing
// is returned when a row is wrong; catalogue rows still need
// ResolveCatalogue (ParsePlanForm).
func ParseFormTasks(rows []FormTask, period Period) ([]TaskDraft, []LineError) {
	var out []TaskDraft
	var errs []LineError
	for i, r := range rows {
		n := i + 1
		if r.Blank() {
			continue
		}
		t := TaskDraft{Weight: 100, Line: n}
		ok := true
		fail := func(code, value string) {
			errs = append(errs, LineError{Line: n, Code: code, Value: value, From: period.From, To: period.To})
			ok = false
		}
		title, err := textnorm.Field(r.Title, MaxTitleRunes)
		switch {
		case errors.Is(err, textnorm.ErrTooLong):
			fail("title_too_long", "")
		case r.ItemCode == "" && errors.Is(err, textnorm.ErrEmpty):
			fail("empty_title", "")
		}
		t.Title = title
		if code := strings.TrimSpace(r.ItemCode); code != "" {
			qty, err := strconv.Atoi(orOne(strings.TrimSpace(r.Quantity)))
			switch {
			case !itemCode.MatchString(code):
				fail("bad_item", code)
			case err != nil || qty < 1 || qty > MaxQuantity:
				fail("bad_quantity", r.Quantity)
			default:
				t.ItemCode, t.Quantity = strings.ToUpper(code), qty
			}
			if w := strings.TrimSpace(r.Weight); w != "" {
				fail("weight_on_item", w)
			}
		} else if w := strings.TrimSpace(r.Weight); w != "" {
			if v, good := weight(strings.TrimPrefix(strings.ToLower(w), "x")); good {
				t.Weight = v
			} else {
				fail("bad_weight", w)
			}
		}
		if d := strings.TrimSpace(r.Deadline); d != "" {
			date, err := calendar.ParseDate(d)
			switch {
			case err != nil:
				fail("bad_date", d)
			case !period.Contains(date):
				fail("out_of_period", dayTyped(date))
			default:
				t.Deadline = &date
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

// itemCode is a catalogue item's code alone, as in «#TD01» (itemPart).
var itemCode = regexp.MustCompile(`^[A-Za-z0-9._-]{1,16}$`)

func orOne(q string) string {
	if q == "" {
		return "1"
	}
	return q
}

// dayTyped writes d as the official types it in a message: 03/12/2026.
func dayTyped(d calendar.Date) string {
	return pad2(d.Day) + "/" + pad2(int(d.Month)) + "/" + strconv.Itoa(d.Year)
}
