package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestExportDownloadInTheSessionsLanguage (issue 21's leftover: the month's
// workbook stayed Vietnamese whatever the reader's language): the month's
// workbook follows the web session's language, Vietnamese by default.
func TestExportDownloadInTheSessionsLanguage(t *testing.T) {
	st := newSite(t, ward(t))
	c := client(t)
	signIn(t, st, c, "HB005")
	for _, w := range []struct{ query, file, overview, header string }{
		{"", "ket-qua-2026-11-PHB.xlsx", "Tổng hợp", "Họ và tên"},
		{"&lang=en", "results-2026-11-PHB.xlsx", "Summary", "Full name"},
	} {
		status, xlsx, hdr := do(t, c, "GET", st.srv.URL+"/export.xlsx?unit=PHB"+w.query, nil)
		if status != 200 || !strings.Contains(hdr.Get("Content-Disposition"), "filename="+w.file) {
			t.Fatalf("export%s: %d %q", w.query, status, hdr.Get("Content-Disposition"))
		}
		f, err := excelize.OpenReader(strings.NewReader(xlsx))
		if err != nil {
			t.Fatal(err)
		}
		if got := f.GetSheetList()[0]; got != w.overview {
			t.Errorf("export%s: first sheet %q, want %q", w.query, got, w.overview)
		}
		rows, err := f.GetRows("PHB-KT")
		if err != nil || len(rows) < 4 || rows[3][1] != w.header {
			t.Errorf("export%s: PHB-KT's header %v (%v), want %q", w.query, rows, err, w.header)
		}
		f.Close()
	}
}

// TestUnitPagePointsInTheSessionsLanguage: a unit's page wrote totals with a
// decimal point in Vietnamese («90.00»); it writes them as the session's
// language does: «90,00», «90.00» in English.
func TestUnitPagePointsInTheSessionsLanguage(t *testing.T) {
	st := newSite(t, ward(t))
	c := client(t)
	signIn(t, st, c, "HB005")
	for _, w := range []struct{ query, want, not string }{
		{"", `">90,00</td>`, `">90.00</td>`},
		{"?lang=en", `">90.00</td>`, `">90,00</td>`},
	} {
		status, body, _ := do(t, c, "GET", st.srv.URL+"/units/PHB-KT"+w.query, nil)
		if status != 200 || !strings.Contains(body, w.want) || strings.Contains(body, w.not) {
			t.Errorf("/units/PHB-KT%s: %d, want %s and no %s:\n%s", w.query, status, w.want, w.not, body)
		}
	}
}

// TestDashboardCountsInTheSessionsLanguage: counts were written «1006»
// whatever the language; they are written as the session's language
// writes them: «1.006» in Vietnamese, «1,006» in English.
func TestDashboardCountsInTheSessionsLanguage(t *testing.T) {
	pool := ward(t)
	if _, err := pool.Exec(context.Background(), `INSERT INTO officials (employee_code, full_name, unit_id, category)
		SELECT 'X' || g, 'Người ' || g, (SELECT id FROM units WHERE code = 'PHB-KT'), 'cong_chuc' FROM generate_series(1, 1000) g`); err != nil {
		t.Fatal(err)
	}
	st := newSite(t, pool)
	c := client(t)
	signIn(t, st, c, "HB005")
	for _, w := range []struct{ query, want string }{
		{"", `data-label="Số người">1.006</td>`},
		{"?lang=en", `>1,006</td>`},
	} {
		if status, body, _ := do(t, c, "GET", st.srv.URL+"/"+w.query, nil); status != 200 || !strings.Contains(body, w.want) {
			t.Errorf("/%s: %d, no %s:\n%s", w.query, status, w.want, body)
		}
	}
}

// TestPeriodDownloadInTheSessionsLanguage: the year's table follows the
// session's language too, its file name included.
func TestPeriodDownloadInTheSessionsLanguage(t *testing.T) {
	st := newSite(t, ward(t))
	c := client(t)
	signIn(t, st, c, "HB005")
	for _, w := range []struct{ query, file, header string }{
		{"", "ket-qua-2026-PHB.xlsx", "Họ và tên"},
		{"&lang=en", "results-2026-PHB.xlsx", "Full name"},
	} {
		status, xlsx, hdr := do(t, c, "GET", st.srv.URL+"/export-period.xlsx?period=2026&unit=PHB"+w.query, nil)
		if status != 200 || !strings.Contains(hdr.Get("Content-Disposition"), "filename="+w.file) {
			t.Fatalf("period%s: %d %q", w.query, status, hdr.Get("Content-Disposition"))
		}
		f, err := excelize.OpenReader(strings.NewReader(xlsx))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := f.GetRows(f.GetSheetList()[0])
		if err != nil || len(rows) < 4 || rows[3][1] != w.header {
			t.Errorf("period%s: header %v (%v), want %q", w.query, rows[:min(4, len(rows))], err, w.header)
		}
		f.Close()
	}
}
