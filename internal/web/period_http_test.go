package web_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestPeriodDownloads: the dashboard (and a unit's page) offers the
// quarter's and the year's tables of the admin's subtree (of the unit) (the office's layout, internal/yearly);
// each download reopens with excelize and lists the ward's people with
// their months; both are audited; another subtree's admin and an official
// are refused, and so is a period that is none.
func TestPeriodDownloads(t *testing.T) {
	st := newSite(t, ward(t))
	c := client(t)
	signIn(t, st, c, "HB005")
	_, body, _ := do(t, c, "GET", st.srv.URL+"/", nil)
	for _, want := range []string{
		`href="/export-period.xlsx?period=2026-Q4&amp;unit=PHB" download>Tải bảng tổng hợp quý IV/2026 của PHB (Excel)</a>`,
		`href="/export-period.xlsx?period=2026&amp;unit=PHB" download>Tải bảng tổng hợp năm 2026 của PHB (Excel)</a>`,
	} {
		if !strings.Contains(body, want) {
			t.Fatalf("the overview lacks %s", want)
		}
	}
	// A unit's page offers the unit's own.
	_, body, _ = do(t, c, "GET", st.srv.URL+"/units/PHB-KT", nil)
	if want := `href="/export-period.xlsx?period=2026-Q4&amp;unit=PHB-KT" download>Tải bảng tổng hợp quý IV/2026 của PHB-KT (Excel)</a>`; !strings.Contains(body, want) {
		t.Fatalf("the unit's page lacks %s", want)
	}
	// HB010 (Đặng Văn Long, PHB-KT's head) has November graded (90.00)
	// and not October: too few months for a quarter's or a year's grade.
	for p, note := range map[string]string{"2026-Q4": "cần ít nhất 2 tháng", "2026": "cần ít nhất 6 tháng"} {
		status, xlsx, hdr := do(t, c, "GET", st.srv.URL+"/export-period.xlsx?unit=PHB&period="+p, nil)
		if status != 200 || !strings.Contains(hdr.Get("Content-Disposition"), "filename=ket-qua-"+p+"-PHB.xlsx") {
			t.Fatalf("%s: %d %v", p, status, hdr)
		}
		f, err := excelize.OpenReader(strings.NewReader(xlsx))
		if err != nil {
			t.Fatal(p, err)
		}
		sheets := f.GetSheetList()
		rows, err := f.GetRows(sheets[0])
		f.Close()
		if err != nil {
			t.Fatal(p, err)
		}
		var long []string
		for _, r := range rows {
			if slices.Contains(r, "Đặng Văn Long") {
				long = r
			}
		}
		if !slices.Contains(long, "90.00") || !slices.Contains(long, "Không xếp loại") ||
			!slices.ContainsFunc(long, func(c string) bool { return strings.Contains(c, note) }) {
			t.Errorf("%s: Đặng Văn Long's row %q (sheet %v)", p, long, sheets)
		}
	}
	if n := countRows(t, st, `SELECT count(*) FROM audit_log WHERE action = 'export_period'`); n != 2 {
		t.Fatalf("%d period exports audited", n)
	}
	if status, body, _ := do(t, c, "GET", st.srv.URL+"/export-period.xlsx?unit=PHB&period=2026-Q5", nil); status != http.StatusBadRequest ||
		!strings.Contains(body, "Kỳ cần tải phải là một quý, như 2026-Q4, hoặc một năm, như 2026.") {
		t.Fatalf("a fifth quarter: %d", status)
	}
	vh := client(t)
	signIn(t, st, vh, "HB016")
	if status, _, _ := do(t, vh, "GET", st.srv.URL+"/export-period.xlsx?unit=PHB&period=2026", nil); status != http.StatusNotFound {
		t.Fatalf("another subtree's year: %d", status)
	}
	off := client(t)
	signIn(t, st, off, "HB003")
	if status, _, _ := do(t, off, "GET", st.srv.URL+"/export-period.xlsx?unit=PHB-DU&period=2026-Q4", nil); status != http.StatusForbidden {
		t.Fatalf("an official's quarter: %d", status)
	}
}
