package locale_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"evalbot/internal/locale"
)

var field = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)

// TestEveryMessageRenders renders every message id in both languages with
// counts 0, 1 and 2: no error, no missing value, and the same ids and
// template fields in both languages.
func TestEveryMessageRenders(t *testing.T) {
	cat, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	vi, en := cat.IDs("vi"), cat.IDs("en")
	if len(vi) < 50 {
		t.Fatalf("only %d Vietnamese messages", len(vi))
	}
	a, b := slices.Sorted(slices.Values(vi)), slices.Sorted(slices.Values(en))
	if !slices.Equal(a, b) {
		t.Fatalf("vi and en define different ids:\nvi-only %v\nen-only %v", diff(a, b), diff(b, a))
	}
	data := map[string]any{}
	for _, k := range []string{"Name", "Unit", "Title", "Month", "Value", "Max", "Chars", "N", "Date", "Weight", "Reason", "Head",
		"Total", "Grade", "GradeName", "Score", "Quantity", "Quality", "Progress", "Bonus", "OnTime", "Late", "NotDone",
		"Points", "Own", "Position", "Detail", "From", "To", "Graded", "Done", "Skipped", "Names", "OK", "Wait", "Submitted", "Approved", "Missing", "Days", "File", "Line", "Field", "UnitsNew", "UnitsChanged", "New", "Changed", "Left", "Same"} {
		data[k] = "X<&>"
	}
	// Citizen ratings (internal/telegram/citizen*.go).
	for _, k := range []string{"Desk", "Level", "Comment", "Time", "Rate", "Confirmed", "Dismissed", "Pending", "Minutes", "Link", "Code", "Kind", "Created", "Updated", "Unchanged", "Period", "Units", "People", "A", "B", "C", "D", "NotGraded", "NotAssessed", "Quarter", "Year", "Period", "Why", "Task", "Status", "Button", "Reason", "Sent", "Edits", "Presses", "Texts", "Notices", "Seconds"} {
		data[k] = "X<&>"
	}
	// Citizens on the web: verified and unverified counts.
	for _, k := range []string{"Verified", "Unverified"} {
		data[k] = "X<&>"
	}
	// The command line (cmd/evalbot).
	for _, k := range []string{"Path", "Command", "Flag", "Arg", "Args", "Flags", "Err", "URL", "Addr", "Cause", "Status", "Active",
		"Share", "Tries", "Lost", "Dups", "Log", "Due", "Dir"} {
		data[k] = "X<&>"
	}
	// Quarters and the year (internal/report/period.go).
	for _, k := range []string{"Months", "Min", "Roman", "Excess"} {
		data[k] = "X<&>"
	}
	// evalbot outbox (cmd/evalbot/outbox.go).
	for _, k := range []string{"IDs", "ID", "Limit"} {
		data[k] = "X<&>"
	}
	// The catalogue, quality marks and quota groups (issue 23).
	for _, k := range []string{"Agency", "Group", "Room", "Cap", "Measure", "Factor", "Marks", "Items", "Query", "Mark"} {
		data[k] = "X<&>"
	}
	// The December campaign, the yearly table, evidence, the task systems' API
	// (issue 23); the review board (issue 24).
	for _, k := range []string{"Mean", "Page", "Pages", "Item", "Number", "Tasks", "Message", "Day", "Prefix", "Key", "State", "Allow", "Used", "Waiting", "Showing"} {
		data[k] = "X<&>"
	}
	// The monthly export's notes (internal/report/notes.go); what operators
	// type and read at the command line.
	for _, k := range []string{"Planned", "Langs", "Host", "Rows", "Faults", "Before", "BeforeReason"} {
		data[k] = "X<&>"
	}
	// a /history line.
	for _, k := range []string{"When", "Who", "What"} {
		data[k] = "X<&>"
	}
	for _, lang := range locale.Languages {
		for _, id := range cat.IDs(lang) {
			for _, n := range []int{0, 1, 2} {
				d := map[string]any{}
				for k, v := range data {
					d[k] = v
				}
				s := cat.N(lang, id, n, d)
				if s == "" || s == id || strings.Contains(s, "<no value>") {
					t.Errorf("%s %s count %d renders %q", lang, id, n, s)
				}
				if strings.Contains(s, "X<&>") {
					t.Errorf("%s %s: a value was not HTML-escaped", lang, id)
				}
			}
		}
	}
}

func diff(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

func TestLang(t *testing.T) {
	for in, want := range map[string]string{"": "vi", "vi": "vi", "en": "en", "en-US": "en", "fr": "vi", "EN": "en"} {
		if got := locale.Lang(in); got != want {
			t.Errorf("Lang(%q) = %q, want %q", in, got, want)
		}
	}
}
