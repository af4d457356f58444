package web_test

import (
	"net/http"
	"regexp"
	"testing"
)

// Regression (a new user's trial): /me/history showed the year's summary as
// the December campaign had stored it — «Số tháng được xếp loại: 0» right
// above November's graded card. This year's summary is computed when the
// page is read, as /year in chat does.
func TestHistoryYearIsComputedWhenRead(t *testing.T) {
	st := newSite(t, ward(t))
	var code string
	if err := st.pool.QueryRow(t.Context(), `SELECT o.employee_code FROM officials o JOIN units u ON u.id = o.unit_id
		WHERE u.code = 'PHB-KT' AND EXISTS (SELECT 1 FROM assessments a WHERE a.official_id = o.id AND a.month = '2026-11-01' AND a.status = 'approved')
		ORDER BY o.employee_code LIMIT 1`).Scan(&code); err != nil {
		t.Fatal(err)
	}
	c := client(t)
	signIn(t, st, c, code)
	months := regexp.MustCompile(`Số tháng được xếp loại: ([0-9]+)`)
	read := func() string {
		t.Helper()
		status, body, _ := do(t, c, "GET", st.srv.URL+"/me/history", nil)
		m := months.FindStringSubmatch(body)
		if status != http.StatusOK || m == nil {
			t.Fatalf("%s's history: %d, no year's figures\n%s", code, status, body)
		}
		return m[1]
	}
	first := read()
	if first == "0" {
		t.Fatalf("%s's year: 0 months graded under a graded November", code)
	}
	// The stored summary goes stale (computed before a month was approved).
	if _, err := st.pool.Exec(t.Context(), `UPDATE period_results SET months = 0, graded = false
		WHERE official_id = (SELECT id FROM officials WHERE employee_code = $1) AND year = 2026 AND quarter = 0`, code); err != nil {
		t.Fatal(err)
	}
	if again := read(); again != first {
		t.Errorf("%s's year after the stored summary went stale: %s months, want %s", code, again, first)
	}
}
