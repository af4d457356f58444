package evaluation

import (
	"testing"

	"evalbot/internal/calendar"
)

// The plan form's rows follow the typed plan's rules and refusals
// (ParseTasks), row by row; issue 24: «a refused line (deadline outside the
// week)» names the row and the period.
func TestParseFormTasks(t *testing.T) {
	week := PeriodOf(KindWeek, calendar.Date{Year: 2026, Month: 12, Day: 7})
	for _, c := range []struct {
		name     string
		row      FormTask
		errCode  string
		errValue string
	}{
		{"deadline outside the week", FormTask{Title: "Báo cáo kết quả tiếp dân", Deadline: "2026-12-20", Weight: "1,5"}, "out_of_period", "20/12/2026"},
		{"deadline not a date", FormTask{Title: "Báo cáo", Deadline: "20/12"}, "bad_date", "20/12"},
		{"weight above 10", FormTask{Title: "Báo cáo", Weight: "12"}, "bad_weight", "12"},
		{"weight below 0.25", FormTask{Title: "Báo cáo", Weight: "0,2"}, "bad_weight", "0,2"},
		{"weight on a catalogue row", FormTask{ItemCode: "TD01", Quantity: "2", Weight: "2"}, "weight_on_item", "2"},
		{"quantity 0", FormTask{ItemCode: "TD01", Quantity: "0"}, "bad_quantity", "0"},
		{"quantity 1000", FormTask{ItemCode: "TD01", Quantity: "1000"}, "bad_quantity", "1000"},
		{"a code with a space", FormTask{ItemCode: "TD01 x3"}, "bad_item", "TD01 x3"},
		{"no title", FormTask{Title: "  ", Deadline: "2026-12-08"}, "empty_title", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			rows := []FormTask{{Title: "Họp giao ban đầu tuần", Deadline: "2026-12-07"}, c.row}
			got, errs := ParseFormTasks(rows, week)
			if len(errs) != 1 || errs[0].Code != c.errCode || errs[0].Value != c.errValue || errs[0].Line != 2 || got != nil {
				t.Fatalf("%+v %+v; want row 2 %s %q", got, errs, c.errCode, c.errValue)
			}
		})
	}
	got, errs := ParseFormTasks([]FormTask{
		{Title: " Họp  giao ban ", Deadline: "2026-12-07"},
		{},
		{ItemCode: "td01", Quantity: "3", Title: "nhà ông Tâm", Deadline: "2026-12-13"},
		{Title: "Báo cáo", Weight: "x1.5"},
		{ItemCode: "VB01"},
	}, week)
	if len(errs) > 0 || len(got) != 4 {
		t.Fatalf("%+v %+v", got, errs)
	}
	if got[0].Title != "Họp giao ban" || got[0].Deadline.String() != "2026-12-07" || got[0].Weight != 100 || got[0].Line != 1 {
		t.Errorf("row 1: %+v", got[0])
	}
	if got[1].ItemCode != "TD01" || got[1].Quantity != 3 || got[1].Title != "nhà ông Tâm" || got[1].Line != 3 {
		t.Errorf("row 3: %+v", got[1])
	}
	if got[2].Weight != 150 || got[3].Quantity != 1 {
		t.Errorf("rows 4, 5: %+v %+v", got[2], got[3])
	}
	if _, errs := ParseFormTasks([]FormTask{{}, {}}, week); len(errs) != 1 || errs[0].Code != "no_tasks" {
		t.Errorf("blank rows: %+v", errs)
	}
	many := make([]FormTask, MaxTasks+1)
	for i := range many {
		many[i].Title = "Việc"
	}
	if _, errs := ParseFormTasks(many, week); len(errs) != 1 || errs[0].Code != "too_many" || errs[0].Value != "31" {
		t.Errorf("31 rows: %+v", errs)
	}
}
