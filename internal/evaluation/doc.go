// Package evaluation is the monthly cycle's state machine: work plans (kế
// hoạch công tác tuần / tháng) and their tasks, the self-assessment (tự đánh
// giá) and the head's review (nhận xét, đánh giá của lãnh đạo). Its functions
// take a store.DB, so that one user action runs in the caller's single
// transaction; they decide and write rows, and never talk to Telegram.
package evaluation

import (
	"errors"
	"fmt"
)

// Errors a handler turns into a polite message; none of them changes anything.
var (
	ErrNotFound    = errors.New("evaluation: not found")
	ErrStale       = errors.New("evaluation: out of date") // the version on the button is not the current one
	ErrLocked      = errors.New("evaluation: no longer editable")
	ErrEmptyPlan   = errors.New("evaluation: plan has no tasks")
	ErrNotReady    = errors.New("evaluation: subordinates not all approved")
	ErrNoTaskScore = errors.New("evaluation: no tasks and no manual task score")
	// ErrAlready: the decision asked for was made already, from that
	// version and as asked (a return with the same reason): the same
	// request again, a double tap. Nothing changed now; it is an ErrStale
	// too, so a handler that knows no better answers as before.
	ErrAlready = fmt.Errorf("evaluation: decided already, as asked: %w", ErrStale)
)

// Plan kinds and statuses, as stored.
const (
	KindWeek  = "week"
	KindMonth = "month"

	StatusDraft     = "draft"
	StatusSubmitted = "submitted"
	StatusApproved  = "approved"
	StatusReturned  = "returned"
)

// Task statuses beyond grading's three: a task not yet marked is pending and
// counts as not done when graded.
const TaskPending = "pending"
