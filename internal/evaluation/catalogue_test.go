package evaluation

import (
	"slices"
	"testing"

	"evalbot/internal/calendar"
)

var nov2026 = PeriodOf(KindMonth, calendar.Date{Year: 2026, Month: 11, Day: 1})

// A plan line picks a catalogue item with «#CODE» and a quantity; the rules
// for the other fields stay as they are.
func TestParseCatalogueLines(t *testing.T) {
	for _, c := range []struct {
		text     string
		code     string
		qty      int
		note     string
		deadline string
		errCode  string
		errValue string
	}{
		{"#TD01 x3 | 27/11", "TD01", 3, "", "2026-11-27", "", ""},
		{"#TD01 ×2 nhà ông Nguyễn Văn A", "TD01", 2, "nhà ông Nguyễn Văn A", "", "", ""},
		{"#TD01×2", "TD01", 2, "", "", "", ""},
		{"#td01", "TD01", 1, "", "", "", ""},
		{"#TD01 3 | hạn 30/11", "TD01", 3, "", "2026-11-30", "", ""},
		{"#TD01 xem lại hồ sơ", "TD01", 1, "xem lại hồ sơ", "", "", ""},
		{"- #HC01 x40", "HC01", 40, "", "", "", ""},
		{"#TD01 x1,5", "", 0, "", "", "bad_quantity", "#TD01 x1,5"},
		{"#TD01 x0", "", 0, "", "", "bad_quantity", "#TD01 x0"},
		{"#TD01 x1000", "", 0, "", "", "bad_quantity", "#TD01 x1000"},
		{"#TD01 x3 | x2", "", 0, "", "", "weight_on_item", "x2"},
		{"# | 27/11", "", 0, "", "", "bad_item", "#"},
	} {
		t.Run(c.text, func(t *testing.T) {
			got, errs := ParseTasks(c.text, nov2026)
			if c.errCode != "" {
				if len(errs) != 1 || errs[0].Code != c.errCode || errs[0].Value != c.errValue || errs[0].Line != 1 {
					t.Fatalf("errors %+v, want %s %q", errs, c.errCode, c.errValue)
				}
				return
			}
			if len(errs) > 0 || len(got) != 1 {
				t.Fatalf("%+v %+v", got, errs)
			}
			d := got[0]
			dl := ""
			if d.Deadline != nil {
				dl = d.Deadline.String()
			}
			if d.ItemCode != c.code || d.Quantity != c.qty || d.Title != c.note || dl != c.deadline || d.Line != 1 {
				t.Errorf("got %+v (deadline %s)", d, dl)
			}
		})
	}
}

// Issue 23: «a task is picked from the catalogue (by code …) with a
// quantity, and its weight is quantity × factor; free-text tasks remain».
func TestResolveCatalogue(t *testing.T) {
	pool := demoWard(t)
	ctx := t.Context()
	oanh := officialID(t, pool, "HB013") // Chuyên viên xây dựng - đô thị
	text := "#TD01 x3 | 27/11\n#VB01 x2 báo cáo tuần\nRà soát hồ sơ tồn | 2"
	drafts, errs, err := ParsePlan(ctx, pool, oanh, text, nov2026)
	if err != nil || len(errs) > 0 {
		t.Fatal(errs, err)
	}
	want := []struct {
		title  string
		weight int64
	}{
		{"Thẩm định hồ sơ cấp phép xây dựng", 450},                                // 3 × 1.5
		{"Soạn thảo văn bản hành chính (công văn, thông báo): báo cáo tuần", 200}, // 2 × 1, for everyone
		{"Rà soát hồ sơ tồn", 200},                                                // free text, weight as typed
	}
	for i, w := range want {
		if drafts[i].Title != w.title || int64(drafts[i].Weight) != w.weight {
			t.Errorf("task %d: %q %d, want %q %d", i+1, drafts[i].Title, drafts[i].Weight, w.title, w.weight)
		}
	}
	if drafts[0].ItemID == 0 || drafts[2].ItemID != 0 {
		t.Errorf("item ids %d %d", drafts[0].ItemID, drafts[2].ItemID)
	}
	p, err := SaveDraft(ctx, pool, oanh, KindMonth, nov2026.From, nov2026.From.YearMonth(), drafts)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Tasks[0]; got.ItemCode != "TD01" || got.Quantity != 3 || got.Measure != "hồ sơ" || got.Weight != 450 {
		t.Errorf("stored %+v", got)
	}
	if got := p.Tasks[2]; got.ItemCode != "" || got.Quantity != 0 {
		t.Errorf("free text stored %+v", got)
	}

	// Unknown, withdrawn, and for another position: every line told.
	_, errs, err = ParsePlan(ctx, pool, oanh, "#ZZ99\n#TD00 x2\n#DC01\n#TD01", nov2026)
	if err != nil {
		t.Fatal(err)
	}
	wantErrs := []LineError{{Line: 1, Code: "unknown_item", Value: "ZZ99"}, {Line: 2, Code: "item_withdrawn", Value: "TD00"},
		{Line: 3, Code: "item_not_for_you", Value: "DC01"}}
	if !slices.Equal(errs, wantErrs) {
		t.Errorf("errors %+v\nwant %+v", errs, wantErrs)
	}
	// A task group listed in applies_to opens the item too.
	if _, err := pool.Exec(ctx, `UPDATE officials SET task_group = 'Địa chính' WHERE id = $1`, oanh); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `UPDATE catalogue_items SET applies_to = applies_to || 'dia chinh'::text WHERE code = 'DC01'`); err != nil {
		t.Fatal(err)
	}
	if _, errs, err := ParsePlan(ctx, pool, oanh, "#DC01 x2", nov2026); err != nil || len(errs) > 0 {
		t.Errorf("DC01 for the group: %+v %v", errs, err)
	}
	// A catalogue line that was not resolved is never saved as free text.
	raw, _ := ParseTasks("#TD01 x3", nov2026)
	if _, err := SaveDraft(ctx, pool, oanh, KindWeek, calendar.Date{Year: 2026, Month: 11, Day: 23}, nov2026.From.YearMonth(), raw); err != ErrUnresolvedItem {
		t.Errorf("unresolved: %v", err)
	}
}

// Searching the name from a phone: no diacritics needed, withdrawn items
// left out, the official's own items first, the list bounded.
func TestSearchCatalogue(t *testing.T) {
	pool := demoWard(t)
	ctx := t.Context()
	oanh := officialID(t, pool, "HB013")
	codes := func(query string, limit int) ([]string, int) {
		items, n, err := SearchCatalogue(ctx, pool, oanh, query, limit)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range items {
			out = append(out, c.Code)
		}
		return out, n
	}
	if got, n := codes("tham dinh xay dung", 10); !slices.Equal(got, []string{"TD01"}) || n != 1 {
		t.Errorf("tham dinh xay dung: %v %d", got, n)
	}
	if got, n := codes("THẨM ĐỊNH", 10); !slices.Equal(got, []string{"TD01", "XH01"}) || n != 2 {
		t.Errorf("THẨM ĐỊNH: %v %d", got, n)
	}
	// TD01 is hers, then by code; «hòa giải cơ sở» has words starting «ho»
	// and «so», «thông báo» has neither.
	if got, n := codes("ho so", 3); !slices.Equal(got, []string{"TD01", "DC02", "HC01"}) || n != 4 {
		t.Errorf("ho so: %v %d", got, n)
	}
	if got, _ := codes("vb02", 10); !slices.Equal(got, []string{"VB02"}) {
		t.Errorf("by code: %v", got)
	}
	if got, n := codes("  ", 10); got != nil || n != 0 {
		t.Errorf("blank: %v %d", got, n)
	}
}
