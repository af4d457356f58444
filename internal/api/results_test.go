package api_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/store"
	"evalbot/internal/yearly"
)

type results struct {
	Unit   string `json:"unit"`
	Period string `json:"period"`
	Kind   string `json:"kind"`
	Units  []struct {
		Code      string `json:"code"`
		Published *bool  `json:"published"`
		People    []struct {
			EmployeeCode string   `json:"employee_code"`
			Final        bool     `json:"final"`
			Graded       *bool    `json:"graded"`
			Points       *float64 `json:"points"`
			Grade        string   `json:"grade"`
			Months       *int     `json:"months"`
		} `json:"people"`
	} `json:"units"`
}

// person finds a person's result.
func (r results) person(code string) (final bool, points *float64, grade string, months *int, found bool) {
	for _, u := range r.Units {
		for _, p := range u.People {
			if p.EmployeeCode == code {
				return p.Final, p.Points, p.Grade, p.Months, true
			}
		}
	}
	return false, nil, "", nil, false
}

// A unit's results give grades only where they are final (decision 0018):
// a month once the person's unit published it, a quarter or a year once the
// head confirmed it. PHB-VH published November, PHB-KT did not.
func TestResultsOnlyWhenFinal(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	for _, q := range []string{
		// Every month of 2026 to November approved for PHB-VH and PHB-KT: 91.50 points, A.
		`INSERT INTO assessments (official_id, month, framework_id, framework_version, status, graded, total, grade, result, reviewer_id,
			submitted_at, approved_at)
		 SELECT o.id, m::date, 'hanoi-3814-2018', '1', 'approved', true, 9150, 'A', '{}'::jsonb,
		        (SELECT id FROM officials WHERE employee_code = 'HB001'), m + interval '29 days', m + interval '30 days'
		   FROM officials o JOIN units u ON u.id = o.unit_id, generate_series('2026-01-01'::date, '2026-11-01'::date, interval '1 month') m
		  WHERE u.code IN ('PHB-VH', 'PHB-KT')`,
		`INSERT INTO publications (unit_id, month) SELECT id, '2026-11-01' FROM units WHERE code = 'PHB-VH'`,
	} {
		if _, err := w.h.Pool.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	var month results
	r := w.do("GET", "/api/v1/units/PHB/results?period=2026-11", w.ward, nil, true)
	r.decode(t, &month)
	if r.status != http.StatusOK || month.Kind != "month" || month.Period != "2026-11" {
		t.Fatalf("month: %d %s", r.status, r.body)
	}
	if final, pts, grade, _, ok := month.person("HB017"); !ok || !final || pts == nil || *pts != 91.5 || grade != "A" {
		t.Errorf("HB017 (PHB-VH, published): %v %v %q", final, pts, grade)
	}
	if final, pts, grade, _, ok := month.person("HB012"); !ok || final || pts != nil || grade != "" {
		t.Errorf("HB012 (PHB-KT, not published): %v %v %q", final, pts, grade)
	}

	var year results
	r = w.do("GET", "/api/v1/units/PHB-VH/results?period=2026", w.ward, nil, true)
	r.decode(t, &year)
	if final, pts, _, _, ok := year.person("HB017"); r.status != http.StatusOK || year.Kind != "year" || !ok || final || pts != nil {
		t.Fatalf("year before the head confirms: %d %s", r.status, r.body)
	}
	// The December campaign stores the year; the head confirms HB017's.
	err := store.InTx(ctx, w.h.Pool, func(tx pgx.Tx) error {
		res, err := yearly.Compute(ctx, tx, yearly.Period{Year: 2026}, "PHB-VH", nil)
		if err != nil {
			return err
		}
		if _, err := yearly.Save(ctx, tx, res); err != nil {
			return err
		}
		var official, head int64
		if err := tx.QueryRow(ctx, `SELECT (SELECT id FROM officials WHERE employee_code = 'HB017'),
			(SELECT id FROM officials WHERE employee_code = 'HB016')`).Scan(&official, &head); err != nil {
			return err
		}
		_, err = yearly.ConfirmYear(ctx, tx, 2026, official, yearly.Decider{ID: head}, 1)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	r = w.do("GET", "/api/v1/units/PHB-VH/results?period=2026", w.ward, nil, true)
	year = results{}
	r.decode(t, &year)
	if final, pts, grade, months, _ := year.person("HB017"); !final || pts == nil || *pts != 91.5 || grade != "A" || months == nil || *months != 11 {
		t.Errorf("year after the head confirms: %s", r.body)
	}
	if final, _, _, _, _ := year.person("HB018"); final {
		t.Errorf("HB018's year is not confirmed: %s", r.body)
	}
	var quarter results
	r = w.do("GET", "/api/v1/units/PHB-VH/results?period=2026-Q4", w.ward, nil, true)
	r.decode(t, &quarter)
	if r.status != http.StatusOK || quarter.Kind != "quarter" || quarter.Period != "2026-Q4" {
		t.Errorf("quarter: %d %s", r.status, r.body)
	}
	if r := w.do("GET", "/api/v1/units/NOPE/results?period=2026", w.ward, nil, true); r.status != http.StatusNotFound {
		t.Errorf("unknown unit: %d", r.status)
	}
}
