package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/app/access"
	"evalbot/internal/app/assigned"
	"evalbot/internal/app/plans"
	"evalbot/internal/calendar"
	"evalbot/internal/evaluation"
	"evalbot/internal/store"
)

// The tasks a task system assigned (việc được giao từ hệ thống) wait on the
// plan page too, with the chat's three choices: an official who has no
// Telegram, or cannot reach it, accepts them into the week's or the month's
// plan, or declines with a reason, through the same use cases
// (assigned.Accept, assigned.Decline).

// waitingShown is how many waiting assignments the plan page lists.
const waitingShown = 10

// waitingView is one assignment waiting on the plan page; Reason and Open
// keep a refused decline's text.
type waitingView struct {
	ID     int64
	Title  string
	Lines  []string // catalogue line, deadline, document
	Reason string
	Open   bool
}

// waiting lists what waits for person me on the plan page, the posted
// decline's reason kept (r is the refused POST, or a GET).
func (s *Server) waiting(r *http.Request, l tr, meID int64) ([]waitingView, int, error) {
	list, total, err := assigned.Pending(r.Context(), s.Pool, meID, waitingShown)
	if err != nil {
		return nil, 0, err
	}
	posted, _ := strconv.ParseInt(r.PostFormValue("assignment"), 10, 64)
	var out []waitingView
	for _, a := range list {
		v := waitingView{ID: a.ID, Title: a.Title}
		if a.ItemCode != "" {
			v.Lines = append(v.Lines, l.T("AssignedItem", "Code", a.ItemCode, "Quantity", a.Quantity, "Weight", weightText(l.lang, a.Weight)))
		}
		if a.Deadline != nil {
			v.Lines = append(v.Lines, l.T("AssignedDeadline", "Day", fmt.Sprintf("%02d/%02d/%d", a.Deadline.Day, int(a.Deadline.Month), a.Deadline.Year)))
		}
		if a.SourceDocument != "" {
			v.Lines = append(v.Lines, l.T("AssignedDocument", "Number", a.SourceDocument))
		}
		if a.ID == posted {
			v.Reason, v.Open = r.PostFormValue("reason"), r.PostFormValue("what") == "x"
		}
		out = append(out, v)
	}
	return out, total - len(list), nil
}

// meAssignment: POST /me/assignments/{id} (what: w, m or x; reason for x)
// accepts the assignment into the week's or the month's plan — the page of
// that plan follows, the task in it — or declines it with the reason, in
// one transaction. A refusal shows the plan page again with the reason as
// typed.
func (s *Server) meAssignment(w http.ResponseWriter, r *http.Request) {
	me := s.signedIn(w, r)
	if me == nil {
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	what := r.PostFormValue("what")
	if err != nil || (what != "w" && what != "m" && what != "x") {
		s.messageAs(w, r, me, http.StatusNotFound, "WebNotFoundTitle", "WebNotFound")
		return
	}
	ctx := r.Context()
	today := calendar.DateOf(s.now())
	var p evaluation.Plan
	err = store.InTx(ctx, s.Pool, func(tx pgx.Tx) error {
		var err error
		switch what {
		case "x":
			_, err = assigned.Decline(ctx, tx, me.ID, id, r.PostFormValue("reason"))
		case "m":
			_, p, err = assigned.Accept(ctx, tx, me.ID, id, evaluation.KindMonth, today)
		default:
			_, p, err = assigned.Accept(ctx, tx, me.ID, id, evaluation.KindWeek, today)
		}
		return err
	})
	var fe *assigned.FieldError
	key := ""
	switch {
	case err == nil:
	case errors.As(err, &fe):
		key = "PlanPageDeclineReason"
	case errors.Is(err, evaluation.ErrLocked):
		key = "AssignedPlansClosed"
	case errors.Is(err, assigned.ErrTooLate):
		key = "PlanPageAssignTooLate"
	case errors.Is(err, evaluation.ErrStale), errors.Is(err, evaluation.ErrNotFound), errors.Is(err, access.ErrForbidden):
		key = "PlanPageAssignGone"
	default:
		s.fail(w, r, err)
		return
	}
	if key != "" {
		kind, start := s.planQuery(r, false)
		sh, err := plans.OpenSheet(ctx, s.Pool, me.ID, kind, start, today)
		if s.refused(w, r, me, err) {
			return
		}
		s.renderPlan(w, r, me, http.StatusConflict, sh, nil, "", nil, key, nil)
		return
	}
	if what == "x" {
		http.Redirect(w, r, "/me/plan?declined=1", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/me/plan?kind="+url.QueryEscape(p.Kind)+"&start="+p.PeriodStart.String()+"&accepted=1", http.StatusSeeOther)
}
