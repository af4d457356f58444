package grading

import (
	"fmt"
	"math/big"
	"strconv"
)

// Override codes: why a grade differs from what the points alone give.
const (
	OverrideDiscipline = "discipline"   // a discipline the framework lists forced D
	OverrideTooFewDays = "too_few_days" // too few days worked: not graded
	OverrideQuota      = "quota"        // A lowered to B to keep the unit's quota
)

// Override is a rule that changed the outcome; each is shown on the grade card.
type Override struct {
	// Code is OverrideDiscipline, OverrideTooFewDays or OverrideQuota.
	Code string
	// Detail is the discipline level ("reprimand"), the days as
	// "worked/working" ("10/21"), or the grade before the quota ("A").
	Detail string
}

// Result is one official's graded month. Points are hundredths.
type Result struct {
	// FrameworkID and FrameworkVersion record the rules used, so the grade can
	// be recomputed exactly later.
	FrameworkID, FrameworkVersion string
	// Graded is false when too few days were worked; then every point field
	// is 0, Grade is "" and Overrides says why.
	Graded bool
	// General is the sum of the criteria, 0..general max.
	General Points
	// Deduction is the complaint deduction actually applied: confirmed
	// complaints × points each, at most the monthly cap and at most General.
	Deduction Points
	// Task is the task score after the leader rule, 0..task max, rounded half
	// up to hundredths.
	Task Points
	// Bonus is the bonus granted, 0..bonus max.
	Bonus Points
	// Total is General − Deduction + Task + Bonus, at most 100.00.
	Total Points
	// Grade is the band of Total, or D when an override forces it.
	Grade Grade
	// Overrides lists the rules that changed the outcome, in order applied.
	Overrides []Override
	// Breakdown explains the numbers on the grade card.
	Breakdown Breakdown
}

// Breakdown is how the points came about.
type Breakdown struct {
	// Criteria lists each general criterion in framework order.
	Criteria []CriterionLine
	// Quantity, Quality and Progress are the task ratios as percentages in
	// hundredths (9375 = 93.75%), rounded half up; 0 for a manual task score.
	Quantity, Quality, Progress Points
	// OwnTaskScore is the task score from the person's own work before the
	// leader rule (hundredths, rounded half up); equals Task for staff.
	OwnTaskScore Points
	// UnitFactor is the unit's result used by the leader rule, 10000 = 100%;
	// 0 when the rule did not apply (staff, or a head with no graded
	// subordinates).
	UnitFactor Points
	// Leader reports whether the leader rule applied.
	Leader bool
	// Manual reports that the head entered the task score (no tasks planned).
	Manual bool
	// ComplaintsConfirmed is the number of confirmed complaints counted.
	ComplaintsConfirmed int
}

// CriterionLine is one general criterion's points against its maximum.
type CriterionLine struct {
	ID          string
	Points, Max Points // hundredths
}

// Grade grades one month under f (DESIGN.md §3):
//
//   - not graded (Graded false, override too_few_days) when worked days are
//     below the framework's share of working days (½ in both presets; exactly
//     half is graded); checked first, so the rest of the input is not needed;
//   - general = Σ criteria, less confirmed complaints × each (capped monthly),
//     never below 0;
//   - task score = task max × (wq·quantity + wl·quality + wp·progress),
//     Decree 335's task rule; for a head with graded subordinates the ratio is
//     own share × own ratio + (1 − own share) × unit factor; rounded half up
//     to hundredths once, at the end;
//   - total = general + task + bonus, at most 100, banded inclusively;
//   - a discipline in the framework's force_d list makes the grade D
//     (override discipline), the total still computed.
//
// Invalid input returns an *InputError whose Kind (see ErrorKind) works with
// errors.Is.
func (f *Framework) Grade(in Input) (Result, error) {
	if err := f.checkPerson(in); err != nil {
		return Result{}, err
	}
	res := Result{FrameworkID: f.ID, FrameworkVersion: f.Version}
	if f.tooFewDays(in.WorkingDays, in.WorkedDays) {
		res.Overrides = []Override{{Code: OverrideTooFewDays,
			Detail: strconv.Itoa(in.WorkedDays) + "/" + strconv.Itoa(in.WorkingDays)}}
		return res, nil
	}
	general, lines, err := f.general(in.Criteria)
	if err != nil {
		return Result{}, err
	}
	if in.Bonus < 0 || in.Bonus > f.BonusMax {
		return Result{}, inputErr(ErrBonusOutOfRange, "bonus", in.Bonus.String(), "want 0.00.."+f.BonusMax.String())
	}
	task, bd, err := f.taskScore(in)
	if err != nil {
		return Result{}, err
	}
	bd.Criteria = lines
	bd.ComplaintsConfirmed = in.ConfirmedComplaints

	res.Graded = true
	res.General = general
	res.Deduction = f.deduction(general, in.ConfirmedComplaints)
	res.Task = task
	res.Bonus = in.Bonus
	res.Total = min(general-res.Deduction+task+in.Bonus, hundred)
	res.Grade = f.Band(res.Total)
	if containsDiscipline(f.forceD, in.Discipline) {
		res.Grade = GradeD
		res.Overrides = append(res.Overrides, Override{Code: OverrideDiscipline, Detail: string(in.Discipline)})
	}
	res.Breakdown = bd
	return res, nil
}

// checkPerson validates the fields that do not depend on the framework's points.
func (f *Framework) checkPerson(in Input) error {
	switch in.Role {
	case "", RoleStaff, RoleHead:
	default:
		return inputErr(ErrBadInput, "role", string(in.Role), `want "staff" or "head"`)
	}
	if !knownDiscipline(in.Discipline) {
		return inputErr(ErrBadInput, "discipline", string(in.Discipline), "want reprimand, warning, demotion, dismissal or none")
	}
	if in.WorkingDays < 0 {
		return inputErr(ErrBadInput, "working_days", strconv.Itoa(in.WorkingDays), "want ≥ 0")
	}
	if in.WorkedDays < 0 || in.WorkedDays > in.WorkingDays {
		return inputErr(ErrBadInput, "worked_days", strconv.Itoa(in.WorkedDays), "want 0..working_days "+strconv.Itoa(in.WorkingDays))
	}
	if in.ConfirmedComplaints < 0 {
		return inputErr(ErrBadInput, "confirmed_complaints", strconv.Itoa(in.ConfirmedComplaints), "want ≥ 0")
	}
	for i, g := range in.SubordinateGrades {
		if !g.Valid() {
			return inputErr(ErrBadInput, fmt.Sprintf("subordinate_grades[%d]", i), string(g), "want A, B, C or D")
		}
	}
	return nil
}

// tooFewDays: worked < share × working, with 0 working days meaning unchecked.
func (f *Framework) tooFewDays(working, worked int) bool {
	if working == 0 {
		return false
	}
	// worked/working < p/q  ⟺  worked·q < working·p, in big.Int: day counts are unbounded ints.
	var l, r big.Int
	l.Mul(big.NewInt(int64(worked)), f.minWorked.Denom())
	r.Mul(big.NewInt(int64(working)), f.minWorked.Num())
	return l.Cmp(&r) < 0
}

// general checks the criteria against the framework and sums them.
func (f *Framework) general(given map[string]Points) (Points, []CriterionLine, error) {
	for id := range given {
		if !f.hasCriterion(id) {
			return 0, nil, inputErr(ErrCriteriaMismatch, "criteria."+id, "", "not a criterion of "+f.ID)
		}
	}
	lines := make([]CriterionLine, len(f.General))
	var sum Points
	for i, c := range f.General {
		v, ok := given[c.ID]
		if !ok {
			return 0, nil, inputErr(ErrCriteriaMismatch, "criteria."+c.ID, "", "missing")
		}
		if v < 0 || v > c.Max {
			return 0, nil, inputErr(ErrCriterionOutOfRange, "criteria."+c.ID, v.String(), "want 0.00.."+c.Max.String())
		}
		lines[i] = CriterionLine{ID: c.ID, Points: v, Max: c.Max}
		sum += v
	}
	return sum, lines, nil
}

func (f *Framework) hasCriterion(id string) bool {
	for _, c := range f.General {
		if c.ID == id {
			return true
		}
	}
	return false
}

// deduction is complaints × each, at most the monthly cap and at most general.
func (f *Framework) deduction(general Points, complaints int) Points {
	d := f.complaintCap
	if f.complaintEach == 0 {
		d = 0
	} else if int64(complaints) <= int64(f.complaintCap/f.complaintEach) {
		d = min(d, Points(complaints)*f.complaintEach) // no overflow: complaints ≤ cap/each
	}
	return min(d, general)
}

// taskScore computes the task group with the leader rule, and its breakdown.
func (f *Framework) taskScore(in Input) (Points, Breakdown, error) {
	var bd Breakdown
	own, err := f.ownRatio(in, &bd)
	if err != nil {
		return 0, bd, err
	}
	bd.OwnTaskScore = scale(own, f.TaskMax)
	if in.Role != RoleHead || len(in.SubordinateGrades) == 0 {
		return bd.OwnTaskScore, bd, nil
	}
	// Leader rule (Decree 335): mix own work with the unit's result.
	factor := f.factorAllC
	for _, g := range in.SubordinateGrades {
		if g == GradeD {
			factor = f.factorAnyD
			break
		}
	}
	bd.Leader = true
	bd.UnitFactor = scale(factor, hundred)
	var mixed, unit big.Rat
	mixed.Mul(f.ownShare, own)
	unit.Sub(one, f.ownShare)
	mixed.Add(&mixed, unit.Mul(&unit, factor))
	return scale(&mixed, f.TaskMax), bd, nil
}

// ownRatio is the person's own task ratio in 0..1: from the tasks, or the
// manual score over task max when the plan has none.
func (f *Framework) ownRatio(in Input, bd *Breakdown) (*big.Rat, error) {
	if len(in.Tasks) == 0 {
		if in.ManualTaskScore == nil {
			return nil, inputErr(ErrNoTasks, "tasks", "", "no tasks in the plan and no manual_task_score")
		}
		m := *in.ManualTaskScore
		if m < 0 || m > f.TaskMax {
			return nil, inputErr(ErrManualTaskScore, "manual_task_score", m.String(), "want 0.00.."+f.TaskMax.String())
		}
		bd.Manual = true
		return big.NewRat(int64(m), int64(f.TaskMax)), nil
	}

	// Sums over tasks, each weight w in hundredths:
	//   done = Σ w (done), qual = Σ w·quality units, prog = Σ w·progress units,
	// where a task's units are q·max(0, 1 − step·n) for a step p/q.
	var total, done, qual, prog, tmp, units big.Int
	for i, t := range in.Tasks {
		w := t.Weight
		if w == 0 {
			w = 100
		} else if w < 0 {
			return nil, inputErr(ErrTaskWeight, fmt.Sprintf("tasks[%d].weight", i), w.String(), "want > 0, or 0 for the default 1.00")
		}
		if t.QualityFaults < 0 {
			return nil, inputErr(ErrBadTask, fmt.Sprintf("tasks[%d].quality_faults", i), strconv.Itoa(t.QualityFaults), "want ≥ 0")
		}
		if t.Delays < 0 {
			return nil, inputErr(ErrBadTask, fmt.Sprintf("tasks[%d].delays", i), strconv.Itoa(t.Delays), "want ≥ 0")
		}
		total.Add(&total, tmp.SetInt64(int64(w)))
		var progUnits int64
		switch t.Status {
		case StatusOnTime:
			progUnits = f.delayStep.q
		case StatusLate:
			progUnits = f.delayStep.units(max(t.Delays, 1)) // a late task has at least one delay
		case StatusNotDone:
			continue
		default:
			return nil, inputErr(ErrBadTask, fmt.Sprintf("tasks[%d].status", i), string(t.Status), "want on_time, late or not_done")
		}
		done.Add(&done, tmp.SetInt64(int64(w)))
		qual.Add(&qual, tmp.Mul(tmp.SetInt64(int64(w)), units.SetInt64(f.faultStep.units(t.QualityFaults))))
		prog.Add(&prog, tmp.Mul(tmp.SetInt64(int64(w)), units.SetInt64(progUnits)))
	}

	var quantity, quality, progress big.Rat
	quantity.SetFrac(&done, &total)
	quality.SetFrac(&qual, tmp.Mul(&total, units.SetInt64(f.faultStep.q)))
	progress.SetFrac(&prog, tmp.Mul(&total, units.SetInt64(f.delayStep.q)))
	bd.Quantity = scale(&quantity, hundred)
	bd.Quality = scale(&quality, hundred)
	bd.Progress = scale(&progress, hundred)

	r := new(big.Rat).Mul(f.weights[0], &quantity)
	var x big.Rat
	r.Add(r, x.Mul(f.weights[1], &quality))
	r.Add(r, x.Mul(f.weights[2], &progress))
	return r, nil
}
