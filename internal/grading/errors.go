package grading

import (
	"strconv"
	"strings"
)

// ErrorKind classifies a rejected Input. Every ErrorKind is itself an error,
// so callers test with errors.Is(err, grading.ErrNoTasks); errors.As to
// *InputError gives the field and the offending value as well.
type ErrorKind int

// Kinds of invalid Input, returned by Framework.Grade inside an *InputError.
const (
	// ErrBadInput: any other fault (negative complaints or days, worked days
	// above working days, an unknown role, discipline level or grade).
	ErrBadInput ErrorKind = iota + 1
	// ErrCriterionOutOfRange: a general criterion outside 0..its max.
	ErrCriterionOutOfRange
	// ErrCriteriaMismatch: a criterion the framework does not have, or one it
	// has that is missing.
	ErrCriteriaMismatch
	// ErrBonusOutOfRange: bonus outside 0..bonus max (any bonus at all when
	// the framework's bonus max is 0, as in Decree 335).
	ErrBonusOutOfRange
	// ErrTaskWeight: a negative task weight (0 is not an error: it means the
	// default 1.00).
	ErrTaskWeight
	// ErrNoTasks: no tasks in the plan and no manual task score.
	ErrNoTasks
	// ErrBadTask: unknown status, negative delays or negative quality faults.
	ErrBadTask
	// ErrManualTaskScore: a manual task score outside 0..task max.
	ErrManualTaskScore
)

var kindText = [...]string{
	ErrBadInput:            "bad input",
	ErrCriterionOutOfRange: "criterion out of range",
	ErrCriteriaMismatch:    "criteria mismatch",
	ErrBonusOutOfRange:     "bonus out of range",
	ErrTaskWeight:          "task weight must be positive",
	ErrNoTasks:             "no tasks",
	ErrBadTask:             "bad task",
	ErrManualTaskScore:     "manual task score out of range",
}

// Error names the kind in a few English words ("criterion out of range").
func (k ErrorKind) Error() string {
	if k <= 0 || int(k) >= len(kindText) {
		return "grading error " + strconv.Itoa(int(k))
	}
	return kindText[k]
}

// InputError is the error Framework.Grade returns for invalid Input.
type InputError struct {
	Kind ErrorKind
	// Field is the input's path in snake_case: "criteria.politics",
	// "tasks[2].weight", "bonus", "manual_task_score", "worked_days", ….
	Field string
	// Value is the offending value as text ("6.00", "-1.00", "E"); may be empty.
	Value string
	// Reason says what was expected, e.g. "want 0.00..5.00".
	Reason string
}

// Error reads "grading: criterion out of range: criteria.politics = 6.00 (want 0.00..5.00)".
func (e *InputError) Error() string {
	var b strings.Builder
	b.WriteString("grading: ")
	b.WriteString(e.Kind.Error())
	if e.Field != "" {
		b.WriteString(": ")
		b.WriteString(e.Field)
	}
	if e.Value != "" {
		b.WriteString(" = ")
		b.WriteString(e.Value)
	}
	if e.Reason != "" {
		b.WriteString(" (")
		b.WriteString(e.Reason)
		b.WriteString(")")
	}
	return b.String()
}

// Unwrap returns the Kind, which makes errors.Is(err, kind) work.
func (e *InputError) Unwrap() error { return e.Kind }

func inputErr(kind ErrorKind, field, value, reason string) error {
	return &InputError{Kind: kind, Field: field, Value: value, Reason: reason}
}

// FrameworkError is the error Parse and Load return for a framework file that
// is not valid TOML, has unknown keys, or is inconsistent.
type FrameworkError struct {
	// Field is the TOML path of the fault: "tasks.quantity", "general[2].max",
	// "bands", "quota.kind"; empty when the file does not parse at all.
	Field string
	// Line is the 1-based line of the fault when known, else 0.
	Line int
	// Reason says what is wrong.
	Reason string
	// Err is the underlying TOML error, if any.
	Err error
}

// Error reads "framework: tasks: quantity + quality + progress = 5/6, must be 1".
func (e *FrameworkError) Error() string {
	s := "framework: "
	if e.Line > 0 {
		s += "line " + strconv.Itoa(e.Line) + ": "
	}
	if e.Field != "" {
		s += e.Field + ": "
	}
	return s + e.Reason
}

// Unwrap returns the underlying TOML error, if any.
func (e *FrameworkError) Unwrap() error { return e.Err }
