package report

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"evalbot/internal/calendar"
	"evalbot/internal/grading"
	"evalbot/internal/store"
)

// Rollup is a quarter's or a year's results per person: months per grade and
// the mean total over the graded months.
type Rollup struct {
	// Title is "QUÝ IV NĂM 2026" or "NĂM 2026"; Label is "2026-Q4" or "2026".
	Title, Label string
	From, To     calendar.Month
	Root         string
	Units        []UnitRollup
}

// UnitRollup is one unit's sheet of a roll-up.
type UnitRollup struct {
	Code, Name string
	// Framework is the unit's framework (for the grade names); nil when it
	// is not a shipped preset.
	Framework *grading.Framework
	People    []PersonRollup
	// Months sums the people's months: A…D per grade, NotGraded, and People.
	Months Counts
}

// PersonRollup is one person over the period (approved months only).
type PersonRollup struct {
	OfficialID   int64
	EmployeeCode string
	FullName     string
	Position     string
	IsHead       bool
	UnitCode     string
	UnitName     string
	// Approved counts the months with an approved assessment; Graded those of
	// them that were graded; A…D the graded months per grade.
	Approved, Graded int
	A, B, C, D       int
	// Sum is the sum of the graded months' totals; Mean is Sum / Graded
	// rounded half up to hundredths (0 when Graded is 0).
	Sum, Mean grading.Points
}

// NotGraded is the approved months that were not graded (too few days).
func (p PersonRollup) NotGraded() int { return p.Approved - p.Graded }

// Mean returns sum / n in hundredths rounded half up (sum ≥ 0, n > 0), in
// integers: ⌊(2·sum + n) / 2n⌋.
func Mean(sum grading.Points, n int) grading.Points {
	if n <= 0 {
		return 0
	}
	return grading.Points((2*int64(sum) + int64(n)) / (2 * int64(n)))
}

// ParseQuarter reads "2026-Q4" (also "2026-q4").
func ParseQuarter(s string) (year, quarter int, err error) {
	y, q, ok := strings.Cut(strings.ToUpper(strings.TrimSpace(s)), "-Q")
	if ok && len(y) == 4 && len(q) == 1 {
		yv, err1 := strconv.Atoi(y)
		qv, err2 := strconv.Atoi(q)
		if err1 == nil && err2 == nil && yv >= 1 && qv >= 1 && qv <= 4 {
			return yv, qv, nil
		}
	}
	return 0, 0, fmt.Errorf("report: invalid quarter %q: want YYYY-Qn, e.g. 2026-Q4", s)
}

var roman = [...]string{"I", "II", "III", "IV"}

// Quarter rolls up quarter q (1–4) of year for the unit subtree of unitCode.
func Quarter(ctx context.Context, db store.DB, year, q int, unitCode string) (*Rollup, error) {
	if q < 1 || q > 4 {
		return nil, fmt.Errorf("report: quarter %d: want 1..4", q)
	}
	from := calendar.Month{Year: year, Month: time.Month(3*q - 2)}
	to := calendar.Month{Year: year, Month: time.Month(3 * q)}
	return rollup(ctx, db, from, to, fmt.Sprintf("QUÝ %s NĂM %d", roman[q-1], year), fmt.Sprintf("%d-Q%d", year, q), unitCode)
}

// Year rolls up the twelve months of year for the unit subtree of unitCode.
func Year(ctx context.Context, db store.DB, year int, unitCode string) (*Rollup, error) {
	from := calendar.Month{Year: year, Month: time.January}
	to := calendar.Month{Year: year, Month: time.December}
	return rollup(ctx, db, from, to, fmt.Sprintf("NĂM %d", year), strconv.Itoa(year), unitCode)
}

func rollup(ctx context.Context, db store.DB, from, to calendar.Month, title, label, unitCode string) (*Rollup, error) {
	units, err := subtree(ctx, db, unitCode)
	if err != nil {
		return nil, err
	}
	rows, err := db.Query(ctx, `
		SELECT o.id, o.employee_code, o.full_name, o.position, o.is_head, o.unit_id,
		       count(a.id), count(a.id) FILTER (WHERE a.graded),
		       count(a.id) FILTER (WHERE a.graded AND a.grade = 'A'),
		       count(a.id) FILTER (WHERE a.graded AND a.grade = 'B'),
		       count(a.id) FILTER (WHERE a.graded AND a.grade = 'C'),
		       count(a.id) FILTER (WHERE a.graded AND a.grade = 'D'),
		       coalesce(sum(a.total::bigint) FILTER (WHERE a.graded), 0)
		  FROM officials o
		  LEFT JOIN assessments a ON a.official_id = o.id AND a.status = 'approved'
		       AND a.month BETWEEN $2::date AND $3::date
		 WHERE o.unit_id = ANY($1)
		 GROUP BY o.id
		HAVING bool_or(o.active) OR count(a.id) > 0`,
		unitIDs(units), from.First().String(), to.First().String())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byUnit := map[int64][]PersonRollup{}
	for rows.Next() {
		var p PersonRollup
		var unitID, sum int64
		if err := rows.Scan(&p.OfficialID, &p.EmployeeCode, &p.FullName, &p.Position, &p.IsHead, &unitID,
			&p.Approved, &p.Graded, &p.A, &p.B, &p.C, &p.D, &sum); err != nil {
			return nil, err
		}
		p.Sum = grading.Points(sum)
		p.Mean = Mean(p.Sum, p.Graded)
		byUnit[unitID] = append(byUnit[unitID], p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := &Rollup{Title: title, Label: label, From: from, To: to, Root: unitCode}
	for _, u := range units {
		people := byUnit[u.id]
		if len(people) == 0 {
			continue
		}
		ur := UnitRollup{Code: u.code, Name: u.name, Framework: frameworkOf(u.frameworkID, nil)}
		sortPeople(people, func(p PersonRollup) (bool, string, string, string) {
			return p.IsHead, p.Position, p.FullName, p.EmployeeCode
		})
		for i := range people {
			people[i].UnitCode, people[i].UnitName = u.code, u.name
			p := people[i]
			ur.Months.People++
			ur.Months.A += p.A
			ur.Months.B += p.B
			ur.Months.C += p.C
			ur.Months.D += p.D
			ur.Months.NotGraded += p.NotGraded()
		}
		ur.People = people
		out.Units = append(out.Units, ur)
	}
	return out, nil
}

// months returns the months of the roll-up, in order.
func (r *Rollup) months() int {
	return (r.To.Year-r.From.Year)*12 + int(r.To.Month) - int(r.From.Month) + 1
}
