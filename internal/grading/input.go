package grading

// Grade is a monthly grade (xếp loại). A is best.
// Bands and their names are framework data (DESIGN.md §3).
type Grade string

// The four grades of Decision 3814-QĐ/TU and Decree 335/2025/NĐ-CP.
const (
	GradeA Grade = "A" // hoàn thành xuất sắc nhiệm vụ
	GradeB Grade = "B" // hoàn thành tốt nhiệm vụ
	GradeC Grade = "C" // hoàn thành nhiệm vụ
	GradeD Grade = "D" // không hoàn thành nhiệm vụ
)

// grades lists the grades best first; rank is the index.
var grades = [...]Grade{GradeA, GradeB, GradeC, GradeD}

// rank returns 0 for A … 3 for D, and -1 for anything else.
func (g Grade) rank() int {
	for i, x := range grades {
		if x == g {
			return i
		}
	}
	return -1
}

// Valid reports whether g is one of A, B, C, D.
func (g Grade) Valid() bool { return g.rank() >= 0 }

// Role selects the task rule: a head's task ratio mixes in the unit's result.
type Role string

// Roles. The zero value "" means RoleStaff.
const (
	RoleStaff Role = "staff"
	RoleHead  Role = "head" // người đứng đầu: graded with the leader rule
)

// TaskStatus is how a task in the month's approved plan ended.
type TaskStatus string

// Task statuses (DESIGN.md §3 "Task results").
const (
	StatusOnTime  TaskStatus = "on_time"
	StatusLate    TaskStatus = "late"     // with Delays ≥ 1
	StatusNotDone TaskStatus = "not_done" // counts for nothing
)

// Discipline is a disciplinary measure taken in the month. A framework names
// in its force_d list the levels that force grade D (both presets: all four,
// "khiển trách or above").
type Discipline string

// Discipline levels, lightest first. The zero value "" means none.
const (
	DisciplineNone      Discipline = ""
	DisciplineReprimand Discipline = "reprimand" // khiển trách
	DisciplineWarning   Discipline = "warning"   // cảnh cáo
	DisciplineDemotion  Discipline = "demotion"  // hạ bậc lương, giáng chức, cách chức
	DisciplineDismissal Discipline = "dismissal" // buộc thôi việc
)

// knownDiscipline reports whether d is none or one of the four levels.
func knownDiscipline(d Discipline) bool {
	switch d {
	case DisciplineNone, DisciplineReprimand, DisciplineWarning, DisciplineDemotion, DisciplineDismissal:
		return true
	}
	return false
}

// Task is one task of the month's approved plan.
type Task struct {
	// Weight is the task's converted size (đã quy đổi) in hundredths; 0 means
	// the default 1.00, a negative value is ErrTaskWeight.
	Weight Points
	// Status is on_time, late or not_done; anything else is ErrBadTask.
	Status TaskStatus
	// Delays counts the delays of a late task, each −25% of its progress
	// (Decree 335). Read only for late tasks; 0 on a late task counts as 1;
	// negative is ErrBadTask.
	Delays int
	// QualityFaults counts major quality faults of done work, each −25% of
	// its quality (Decree 335); negative is ErrBadTask.
	QualityFaults int
}

// Input is everything one official's month is graded from.
type Input struct {
	// Criteria maps every general criterion id of the framework to the
	// points awarded (hundredths, 0..the criterion's max). Unknown or missing
	// ids are ErrCriteriaMismatch, values outside the range ErrCriterionOutOfRange.
	Criteria map[string]Points
	// Tasks is the month's approved plan with each task's outcome.
	Tasks []Task
	// ManualTaskScore is the task score the head enters (hundredths,
	// 0..task max) for a month with no tasks; ignored when Tasks is not empty.
	ManualTaskScore *Points
	// Bonus (điểm thưởng) in hundredths, 0..the framework's bonus max.
	Bonus Points
	// ConfirmedComplaints counts the citizens' "không hài lòng" ratings the
	// head confirmed this month; each costs general points (framework data).
	ConfirmedComplaints int
	// Discipline taken in the month, "" for none.
	Discipline Discipline
	// WorkingDays and WorkedDays decide whether the month is graded at all;
	// 0 and 0 mean "full month, not checked".
	WorkingDays, WorkedDays int
	// Role is "" or RoleStaff for staff, RoleHead for a unit's head.
	Role Role
	// SubordinateGrades are the final grades of the unit's graded
	// subordinates; read only for a head.
	SubordinateGrades []Grade
}
