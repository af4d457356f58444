package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/app/access"
	"evalbot/internal/app/evidence"
	"evalbot/internal/app/plans"
	"evalbot/internal/calendar"
	"evalbot/internal/dashboard"
	"evalbot/internal/evaluation"
	"evalbot/internal/grading"
	"evalbot/internal/store"
)

// The Friday report as a checklist (/me/report, báo cáo kết quả tuần):
// this week's approved plan, each task with «Đúng hạn / Trễ hạn / Chưa
// xong» and its evidence, and a document number to add as evidence. One
// «Lưu báo cáo» saves every changed mark (plans.MarkOwnTask, as the chat's
// ✅ ⏰ ❌) and every number typed (evidence.Add, source "web") in one
// transaction; a refused number keeps every choice and every number typed.
// The chat's cards that show the tasks — the week's /report card, the
// self-assessment card — are edited in that transaction, once per save
// (plans.TaskNotifier, telegram.App), and sent once it committed.

type reportTask struct {
	ID              int64
	N               int
	Title, Deadline string
	Status          string
	Evidence        []string
	Doc             string
	Invalid         bool
}

type reportBody struct {
	Nav           meNavView
	Plan          string
	Tasks         []reportTask
	Statuses      []option // value and label of each mark
	Notice, Error string
}

// reportMarks are the marks a task can get, in the chat's order.
var reportMarks = []grading.TaskStatus{grading.StatusOnTime, grading.StatusLate, grading.StatusNotDone}

// meReport: GET /me/report.
func (s *Server) meReport(w http.ResponseWriter, r *http.Request) {
	me := s.signedIn(w, r)
	if me == nil {
		return
	}
	notice := ""
	switch q := r.URL.Query(); {
	case q.Get("saved") != "":
		notice = "ReportPageSaved"
	case q.Get("unchanged") != "":
		notice = "ReportPageUnchanged"
	}
	s.renderReport(w, r, me, http.StatusOK, notice, "", 0, nil)
}

// renderReport writes the report page; form, after a refused save, keeps
// what was chosen and typed, and bad is the task whose number was refused.
func (s *Server) renderReport(w http.ResponseWriter, r *http.Request, me *dashboard.Actor, status int, noticeKey, errKey string, bad int64, form *http.Request) {
	p := s.boardPage(w, r, me)
	l := p.L
	plan, ev, err := plans.WeekReport(r.Context(), s.Pool, me.ID, calendar.DateOf(s.now()))
	if errors.Is(err, evaluation.ErrNotFound) {
		p.Title = l.T("ReportPageTitleNone")
		p.Body = reportBody{Nav: meNav(l, "/me/report")}
		s.render(w, http.StatusOK, "me_report", p)
		return
	}
	if s.refused(w, r, me, err) {
		return
	}
	b := reportBody{Nav: meNav(l, "/me/report"), Plan: planTitle(l, plan.Kind, plan.PeriodStart)}
	for _, m := range reportMarks {
		b.Statuses = append(b.Statuses, option{Value: string(m), Label: l.T("ReportPage_" + string(m))})
	}
	for i, t := range plan.Tasks {
		rt := reportTask{ID: t.ID, N: i + 1, Title: t.Title, Status: t.Status, Invalid: t.ID == bad}
		if t.Deadline != nil {
			rt.Deadline = l.T("Deadline", "Date", shortDay(*t.Deadline))
		}
		for _, e := range ev[t.ID] {
			label := e.DocumentNumber
			if label == "" {
				label = e.FileName
			}
			if label == "" {
				label = l.T("ReportPageFile")
			}
			rt.Evidence = append(rt.Evidence, label)
		}
		if form != nil {
			if v := form.PostFormValue("s_" + strconv.FormatInt(t.ID, 10)); v != "" {
				rt.Status = v
			}
			rt.Doc = form.PostFormValue("doc_" + strconv.FormatInt(t.ID, 10))
		}
		b.Tasks = append(b.Tasks, rt)
	}
	if noticeKey != "" {
		b.Notice = l.T(noticeKey)
	}
	if errKey != "" {
		b.Error = l.T(errKey, "Max", evaluation.MaxEvidencePerTask, "Chars", evaluation.MaxDocumentNumberRunes)
	}
	p.Title = l.T("ReportPageTitle", "Title", b.Plan)
	p.Body = b
	s.render(w, status, "me_report", p)
}

// meReportPost: POST /me/report saves the marks that changed and the
// numbers typed, in one transaction.
func (s *Server) meReportPost(w http.ResponseWriter, r *http.Request) {
	me := s.signedIn(w, r)
	if me == nil {
		return
	}
	ctx := r.Context()
	openFrom := s.boardMonth()
	var bad int64
	// The chat's cards that show the tasks (the week's /report card, the
	// self-assessment card) follow, each edited once for the whole save.
	changes := &plans.TaskChanges{}
	changed := false
	if n, ok := s.Chat.(plans.TaskNotifier); ok {
		changes.Notify = n
	}
	err := store.InTx(ctx, s.Pool, func(tx pgx.Tx) error {
		plan, _, err := plans.WeekReportForUpdate(ctx, tx, me.ID, calendar.DateOf(s.now()))
		if err != nil {
			return err
		}
		for _, t := range plan.Tasks {
			id := strconv.FormatInt(t.ID, 10)
			if v := r.PostFormValue("s_" + id); v != "" && v != t.Status {
				st := grading.TaskStatus(v)
				if st != grading.StatusOnTime && st != grading.StatusLate && st != grading.StatusNotDone {
					return evaluation.ErrStale
				}
				if _, _, err := plans.MarkOwnTask(ctx, tx, me.ID, t.ID, st, openFrom, changes); err != nil {
					return err
				}
			}
			if doc := strings.TrimSpace(r.PostFormValue("doc_" + id)); doc != "" {
				_, err := evidence.Add(ctx, tx, me.ID, evaluation.Evidence{TaskID: t.ID, Kind: evaluation.EvidenceDocument,
					DocumentNumber: doc, Source: evaluation.SourceWeb}, openFrom, changes)
				if err != nil {
					bad = t.ID
					return err
				}
			}
		}
		changed = changes.Changed()
		return changes.Flush(ctx, tx)
	})
	errKey := ""
	switch {
	case err == nil && !changed:
		http.Redirect(w, r, "/me/report?unchanged=1", http.StatusSeeOther)
		return
	case err == nil:
		s.flush(ctx)
		http.Redirect(w, r, "/me/report?saved=1", http.StatusSeeOther)
		return
	case errors.Is(err, evidence.ErrNoDigit):
		errKey = "ReportPageNoDigit"
	case errors.Is(err, evaluation.ErrEvidenceTooLong):
		errKey = "ReportPageTooLong"
	case errors.Is(err, evaluation.ErrTooMuchEvidence):
		errKey = "ReportPageTooMany"
	case errors.Is(err, evaluation.ErrEvidenceEmpty):
		errKey = "ReportPageNoDigit"
	case errors.Is(err, evaluation.ErrLocked):
		errKey = "ReportPageLocked"
	case errors.Is(err, evaluation.ErrStale), errors.Is(err, evaluation.ErrNotFound), errors.Is(err, access.ErrForbidden):
		errKey = "ReportPageStale"
	default:
		s.fail(w, r, err)
		return
	}
	s.renderReport(w, r, me, http.StatusUnprocessableEntity, "", errKey, bad, r)
}
