package report

import (
	"context"
	"encoding/json"
	"fmt"

	"evalbot/internal/calendar"
	"evalbot/internal/grading"
	"evalbot/internal/store"
)

// Month is the export of one month: one UnitMonth per unit of the subtree
// that has anybody to show, in tree order.
type Month struct {
	Month calendar.Month
	// Root is the unit code asked for, "" for the whole organization.
	Root  string
	Units []UnitMonth
}

// UnitMonth is one unit's sheet.
type UnitMonth struct {
	Code, Name string
	// Framework is the framework the unit was graded under (for the group
	// maxima in the headers and the grade names); nil when it is not a
	// shipped preset.
	Framework *grading.Framework
	People    []Person
	Count     Counts
}

// Person is one row: an active official of the unit (or one who left after
// an approved assessment of the month).
type Person struct {
	OfficialID   int64
	EmployeeCode string
	FullName     string
	Position     string
	IsHead       bool
	UnitCode     string
	UnitName     string
	// Status is the assessment's status, "" when there is none.
	Status string
	// Approved is true when the month's assessment is approved: only then
	// are the fields below set.
	Approved bool
	// Graded is false for an approved month that is not graded (too few days).
	Graded bool
	// Points from the stored grading.Result (General before the deduction),
	// Total and Grade from the assessment's own columns.
	General, Deduction, Task, Bonus, Total grading.Points
	Grade                                  grading.Grade
	Overrides                              []grading.Override
	Breakdown                              grading.Breakdown
	BonusReason                            string
	Reviewer                               string // the reviewer's full name
	FrameworkID                            string // from the result; "" when not approved
	// SelfAssessed is false when the head graded alone (no self-assessment).
	SelfAssessed bool
	// Top is true for the head of a root unit: nobody above them is in the
	// system, so they are graded outside it.
	Top bool
	// Absences lists the kinds of absence overlapping the month (leave, sick, …).
	Absences []string
	// CatalogueTasks counts the month's approved tasks picked from the
	// catalogue (Decree 335); UnitsDone and UnitsPlanned are the standard
	// units (hundredths: the tasks' weights) done and planned, QualityMarks
	// the «chưa đạt» marks of the month's tasks.
	CatalogueTasks, QualityMarks int
	UnitsDone, UnitsPlanned      grading.Points
	// EvidenceTasks counts the month's approved tasks that carry evidence
	// (minh chứng, issue 23), EvidenceItems the items they carry.
	EvidenceTasks, EvidenceItems int
	// Discipline is the level of a disciplinary measure (kỷ luật) recorded
	// for the month (grading.Discipline values), "" for none, with its
	// reason (the decision); DisciplineForcesD says whether the unit's
	// framework grades it D, DisciplineRuleKnown whether the framework is a
	// shipped preset (else nothing is said of the grade).
	Discipline, DisciplineReason           string
	DisciplineForcesD, DisciplineRuleKnown bool
}

// Counts summarizes a unit: people, grades, not graded, not yet assessed.
type Counts struct {
	People, A, B, C, D, NotGraded, NotAssessed int
}

func (c *Counts) add(p Person) {
	c.People++
	switch {
	case !p.Approved:
		c.NotAssessed++
	case !p.Graded:
		c.NotGraded++
	default:
		c.addGrade(p.Grade, 1)
	}
}

func (c *Counts) addGrade(g grading.Grade, n int) {
	switch g {
	case grading.GradeA:
		c.A += n
	case grading.GradeB:
		c.B += n
	case grading.GradeC:
		c.C += n
	case grading.GradeD:
		c.D += n
	}
}

// Total returns the counts summed over the units.
func (m *Month) Total() Counts {
	var t Counts
	for _, u := range m.Units {
		t.People += u.Count.People
		t.A += u.Count.A
		t.B += u.Count.B
		t.C += u.Count.C
		t.D += u.Count.D
		t.NotGraded += u.Count.NotGraded
		t.NotAssessed += u.Count.NotAssessed
	}
	return t
}

// Monthly reads month m for the unit with code unitCode and its descendants
// (every unit when unitCode is ""). Pass a read-only repeatable-read
// transaction as db for a consistent snapshot. ErrUnknownUnit when the code
// names no unit.
func Monthly(ctx context.Context, db store.DB, m calendar.Month, unitCode string) (*Month, error) {
	units, err := subtree(ctx, db, unitCode)
	if err != nil {
		return nil, err
	}
	rows, err := db.Query(ctx, `
		SELECT o.id, o.employee_code, o.full_name, o.position, o.is_head, o.unit_id,
		       coalesce(a.status, ''), coalesce(a.graded, false), a.total, coalesce(a.grade, ''), a.result,
		       coalesce(a.bonus_reason, ''), coalesce(r.full_name, ''), coalesce(a.self_assessed, true),
		       (SELECT array_agg(DISTINCT ab.kind ORDER BY ab.kind) FROM absences ab
		         WHERE ab.official_id = o.id AND ab.first_day <= $3::date AND ab.last_day >= $2::date),
		       w.items, w.marks, w.done, w.planned, w.ev_tasks, w.ev_items,
		       coalesce(d.level, ''), coalesce(d.reason, '')
		  FROM officials o
		  LEFT JOIN disciplines d ON d.official_id = o.id AND d.month = $2::date
		  LEFT JOIN assessments a ON a.official_id = o.id AND a.month = $2::date
		  CROSS JOIN LATERAL (
		       SELECT count(t.catalogue_item_id)::int AS items, coalesce(sum(t.quality_faults), 0)::int AS marks,
		              coalesce(sum(t.weight) FILTER (WHERE t.status IN ('on_time', 'late')), 0)::bigint AS done,
		              coalesce(sum(t.weight), 0)::bigint AS planned,
		              count(ev.n)::int AS ev_tasks, coalesce(sum(ev.n), 0)::int AS ev_items
		         FROM plans p JOIN tasks t ON t.plan_id = p.id
		         LEFT JOIN LATERAL (SELECT count(*) AS n FROM task_evidence te WHERE te.task_id = t.id
		                             HAVING count(*) > 0) ev ON true
		        WHERE p.official_id = o.id AND p.month = $2::date AND p.status = 'approved') w
		  LEFT JOIN officials r ON r.id = a.reviewer_id
		 WHERE o.unit_id = ANY($1) AND (o.active OR a.status = 'approved')`,
		unitIDs(units), m.First().String(), m.Last().String())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byUnit := map[int64][]Person{}
	for rows.Next() {
		var p Person
		var unitID int64
		var total *int64
		var grade string
		var result []byte
		var done, planned int64
		if err := rows.Scan(&p.OfficialID, &p.EmployeeCode, &p.FullName, &p.Position, &p.IsHead, &unitID,
			&p.Status, &p.Graded, &total, &grade, &result, &p.BonusReason, &p.Reviewer, &p.SelfAssessed, &p.Absences,
			&p.CatalogueTasks, &p.QualityMarks, &done, &planned, &p.EvidenceTasks, &p.EvidenceItems,
			&p.Discipline, &p.DisciplineReason); err != nil {
			return nil, err
		}
		p.UnitsDone, p.UnitsPlanned = grading.Points(done), grading.Points(planned)
		p.Approved = p.Status == "approved"
		if p.Approved {
			if result == nil {
				return nil, fmt.Errorf("report: approved assessment of official %d in %s has no result", p.OfficialID, m)
			}
			var r grading.Result
			if err := json.Unmarshal(result, &r); err != nil {
				return nil, fmt.Errorf("report: result of official %d in %s: %w", p.OfficialID, m, err)
			}
			p.General, p.Deduction, p.Task, p.Bonus = r.General, r.Deduction, r.Task, r.Bonus
			p.Overrides, p.Breakdown, p.FrameworkID = r.Overrides, r.Breakdown, r.FrameworkID
			if p.Graded {
				if total == nil || !grading.Grade(grade).Valid() {
					return nil, fmt.Errorf("report: graded assessment of official %d in %s has no total or grade", p.OfficialID, m)
				}
				p.Total, p.Grade = grading.Points(*total), grading.Grade(grade)
			}
		} else {
			p.Graded, p.BonusReason, p.Reviewer = false, "", ""
		}
		byUnit[unitID] = append(byUnit[unitID], p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := &Month{Month: m, Root: unitCode}
	for _, u := range units {
		people := byUnit[u.id]
		if len(people) == 0 {
			continue
		}
		um := UnitMonth{Code: u.code, Name: u.name, Framework: frameworkOf(u.frameworkID, people)}
		for i := range people {
			people[i].UnitCode, people[i].UnitName = u.code, u.name
			people[i].Top = u.root && people[i].IsHead
			if d := people[i].Discipline; d != "" && um.Framework != nil {
				people[i].DisciplineRuleKnown = true
				people[i].DisciplineForcesD = um.Framework.ForcesD(grading.Discipline(d))
			}
		}
		sortPeople(people, func(p Person) (bool, string, string, string) {
			return p.IsHead, p.Position, p.FullName, p.EmployeeCode
		})
		for _, p := range people {
			um.Count.add(p)
		}
		um.People = people
		out.Units = append(out.Units, um)
	}
	return out, nil
}

// frameworkOf is the framework named by the unit, or by its people's results
// when they were graded under another one; nil when it is no shipped preset.
func frameworkOf(unitFramework string, people []Person) *grading.Framework {
	id := unitFramework
	for _, p := range people {
		if p.Approved && p.FrameworkID != "" {
			id = p.FrameworkID // the results record the rules they were graded under
			break
		}
	}
	f, err := grading.Preset(id)
	if err != nil {
		return nil
	}
	return f
}
