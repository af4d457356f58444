package assigned

import (
	"context"
	"errors"

	"evalbot/internal/app/apikeys"
	"evalbot/internal/calendar"
	"evalbot/internal/grading"
	"evalbot/internal/report"
	"evalbot/internal/roster"
	"evalbot/internal/store"
	"evalbot/internal/yearly"
)

// Results are a unit subtree's results for a month, a quarter or a year as a
// task system may read them (decision 0018): grades are personal data, so a
// month's grade is given only once the person's unit published the month
// (công khai kết quả: final, after the grade-A quota), and a quarter's or
// a year's only once the head confirmed or adjusted it. Before that a person
// is listed with Final false and no points.
type Results struct {
	Unit   string // the code of the unit asked for, as stored
	Period string // "2026-11", "2026-Q4" or "2026"
	Units  []UnitResults
}

// UnitResults is one unit of the subtree, in tree order.
type UnitResults struct {
	Code, Name string
	// Published is, for a month, whether the unit published it.
	Published bool
	People    []PersonResult
}

// PersonResult is one person's result. Final tells whether Graded, Total,
// Grade (and, for a quarter or year, Months) may be read; Graded is false for
// a month not graded (too few days worked) or a period with too few graded
// months. Total is the month's total or the period's mean, in hundredths.
type PersonResult struct {
	EmployeeCode string
	FullName     string
	Position     string
	Final        bool
	Graded       bool
	Total        grading.Points
	Grade        grading.Grade
	Months       int
}

// unitFor is the unit with code in k's subtree: ErrNotFound when there is
// none, and when there is one outside it (decision 0024).
func unitFor(ctx context.Context, db store.DB, k apikeys.Key, code string) (roster.Unit, error) {
	u, err := roster.UnitByCode(ctx, db, code)
	if errors.Is(err, roster.ErrNotFound) {
		return u, ErrNotFound
	} else if err != nil {
		return u, err
	}
	ok, err := k.CoversUnit(ctx, db, u.ID)
	if err != nil {
		return u, err
	}
	if !ok {
		return roster.Unit{}, ErrNotFound
	}
	return u, nil
}

// MonthResults reads month m of the subtree of the unit with code for key k.
// Pass a read-only repeatable-read transaction for one snapshot. Errors:
// ErrNotFound (no such unit in the key's subtree).
func MonthResults(ctx context.Context, db store.DB, k apikeys.Key, code string, m calendar.Month) (*Results, error) {
	u, err := unitFor(ctx, db, k, code)
	if err != nil {
		return nil, err
	}
	month, err := report.Monthly(ctx, db, m, u.Code)
	if err != nil {
		return nil, err
	}
	rows, err := db.Query(ctx, `SELECT u.code FROM publications p JOIN units u ON u.id = p.unit_id WHERE p.month = $1`, m.First().String())
	if err != nil {
		return nil, err
	}
	published := map[string]bool{}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return nil, err
		}
		published[c] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := &Results{Unit: u.Code, Period: m.String()}
	for _, um := range month.Units {
		ur := UnitResults{Code: um.Code, Name: um.Name, Published: published[um.Code], People: []PersonResult{}}
		for _, p := range um.People {
			pr := PersonResult{EmployeeCode: p.EmployeeCode, FullName: p.FullName, Position: p.Position}
			if ur.Published && p.Approved {
				pr.Final, pr.Graded = true, p.Graded
				if p.Graded {
					pr.Total, pr.Grade, pr.Months = p.Total, p.Grade, 1
				}
			}
			ur.People = append(ur.People, pr)
		}
		out.Units = append(out.Units, ur)
	}
	return out, nil
}

// PeriodResults reads quarter or year p of the subtree of the unit with code
// for key k (MonthResults' errors).
func PeriodResults(ctx context.Context, db store.DB, k apikeys.Key, code string, p yearly.Period, label string) (*Results, error) {
	u, err := unitFor(ctx, db, k, code)
	if err != nil {
		return nil, err
	}
	res, err := yearly.Compute(ctx, db, p, u.Code, nil)
	if err != nil {
		return nil, err
	}
	out := &Results{Unit: u.Code, Period: label}
	for _, yu := range res.Units {
		ur := UnitResults{Code: yu.Code, Name: yu.Name, People: []PersonResult{}}
		for _, yp := range yu.People {
			pr := PersonResult{EmployeeCode: yp.EmployeeCode, FullName: yp.FullName, Position: yp.Position}
			if yp.Evaluated && (yp.Status == yearly.StatusConfirmed || yp.Status == yearly.StatusAdjusted) {
				pr.Final, pr.Graded, pr.Months = true, yp.Grade != "", yp.Result.Months
				if pr.Graded {
					pr.Total, pr.Grade = yp.Result.Mean, yp.Grade
				}
			}
			ur.People = append(ur.People, pr)
		}
		out.Units = append(out.Units, ur)
	}
	return out, nil
}
