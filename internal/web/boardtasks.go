package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/app/plans"
	"evalbot/internal/app/reviews"
	"evalbot/internal/calendar"
	"evalbot/internal/dashboard"
	"evalbot/internal/evaluation"
	"evalbot/internal/grading"
	"evalbot/internal/store"
	"evalbot/internal/textnorm"
)

// The month's tasks on one person's page of the board (issue 24): each
// task with its catalogue line, its status as reported, its evidence and its
// «chưa đạt» marks; while the self-assessment waits for review, a small form
// per task sets its status (reviews.MarkTask, the chat's «Điều chỉnh» →
// tasks) and another marks a done task not up to standard with a reason
// (reviews.MarkNotUpToStandard, the chat's ⚠️), or takes the latest mark
// back (reviews.WithdrawQualityMark, the chat's ↩️). Each is one transaction that
// tells the chat (ChatCards), so the head's review card shows the new numbers.

// taskStatuses are the statuses a reviewer may set, in the chat's order.
var taskStatuses = []grading.TaskStatus{grading.StatusOnTime, grading.StatusLate, grading.StatusNotDone}

// boardTaskView is one task of the month on the person's page.
type boardTaskView struct {
	ID         int64
	N          int    // 1 … the month's tasks, in the order the chat lists them
	Title      string // as planned
	Item       string // the catalogue line («TD01: 3 hồ sơ = 4,50 đơn vị chuẩn»); "" for a free-text task
	Status     string // the status as it stands, in words
	Evidence   int    // pieces of evidence (minh chứng)
	Documents  string // what they are: document numbers, file names, photos
	Faults     int    // «chưa đạt» marks
	LastReason string // the latest mark's reason
	LastMark   int64  // the latest mark's id (the one «bỏ» takes back)
	Options    []option
	Markable   bool   // done and under review: may be marked «chưa đạt»
	Reason     string // the reason as typed, kept when refused
	Open       bool   // the «chưa đạt» form shown open (a refused reason)
}

// boardTasks lists the month's tasks of as for the person's page in
// language l; with statuses and marks to change while as is submitted.
func (s *Server) boardTasks(r *http.Request, l tr, lang string, as evaluation.Assessment, tasks []evaluation.Task) ([]boardTaskView, error) {
	if len(tasks) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(tasks))
	for i, t := range tasks {
		ids[i] = t.ID
	}
	marks, err := evaluation.QualityMarks(r.Context(), s.Pool, ids)
	if err != nil {
		return nil, err
	}
	ev, err := evaluation.TaskEvidence(r.Context(), s.Pool, ids)
	if err != nil {
		return nil, err
	}
	open := as.Status == evaluation.AssessSubmitted
	out := make([]boardTaskView, 0, len(tasks))
	for i, t := range tasks {
		v := boardTaskView{ID: t.ID, N: i + 1, Title: t.Title, Status: l.T("BoardTask_" + t.Status), Evidence: len(ev[t.ID]), Faults: t.QualityFaults}
		v.Documents = evidenceList(l, ev[t.ID])
		if t.ItemCode != "" {
			v.Item = l.T("TaskItem", "Code", t.ItemCode, "N", t.Quantity, "Measure", t.Measure, "Weight", pointsIn(lang, t.Weight))
		}
		if ms := marks[t.ID]; len(ms) > 0 {
			v.LastReason, v.LastMark = ms[len(ms)-1].Reason, ms[len(ms)-1].ID
		}
		if open {
			if t.Status == evaluation.TaskPending {
				v.Options = append(v.Options, option{Value: "", Label: l.T("BoardTask_pending"), Selected: true})
			}
			for _, st := range taskStatuses {
				v.Options = append(v.Options, option{Value: string(st), Label: l.T("BoardTask_" + string(st)), Selected: t.Status == string(st)})
			}
			v.Markable = t.Status == string(grading.StatusOnTime) || t.Status == string(grading.StatusLate)
		}
		out = append(out, v)
	}
	return out, nil
}

// taskNotifier is the chat's side of a change to a task (the owner's cards
// that show it follow: telegram.App), or nil without a chat.
func (s *Server) taskNotifier() plans.TaskNotifier {
	if n, ok := s.Chat.(plans.TaskNotifier); ok {
		return n
	}
	return nil
}

// boardTaskForm reads a task form's common fields: the assessment (path),
// the version the page showed, and the task; ok false (and a 404 answered)
// when one is missing or not a number.
func (s *Server) boardTaskForm(w http.ResponseWriter, r *http.Request, me *dashboard.Actor) (id int64, version int, taskID int64, ok bool) {
	var err1, err2, err3 error
	id, err1 = strconv.ParseInt(r.PathValue("id"), 10, 64)
	version, err2 = strconv.Atoi(r.PostFormValue("version"))
	taskID, err3 = strconv.ParseInt(r.PostFormValue("task"), 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		s.messageAs(w, r, me, http.StatusNotFound, "WebNotFoundTitle", "WebNotFound")
		return 0, 0, 0, false
	}
	return id, version, taskID, true
}

// boardTaskStatus: POST /board/{id}/status (version, task, status) sets one
// task's status in the head's review (reviews.MarkTask), and the head's
// cards in chat show it. The status it already has changes nothing (a
// double tap); otherwise the page must show the assessment's version, else
// the page comes again saying it changed, the choice kept.
func (s *Server) boardTaskStatus(w http.ResponseWriter, r *http.Request) {
	me := s.signedIn(w, r)
	if me == nil {
		return
	}
	id, version, taskID, ok := s.boardTaskForm(w, r, me)
	if !ok {
		return
	}
	status := grading.TaskStatus(r.PostFormValue("status"))
	valid := false
	for _, st := range taskStatuses {
		valid = valid || st == status
	}
	ctx := r.Context()
	day := calendar.DateOf(s.now())
	saved := "?task_saved=1"
	if !valid {
		saved = "" // no status chosen («chưa báo cáo» kept): nothing to save
	}
	err := store.InTx(ctx, s.Pool, func(tx pgx.Tx) error {
		as, o, err := reviews.OpenForUpdate(ctx, tx, me.ID, id, day)
		if err != nil || !valid {
			return err
		}
		tasks, err := evaluation.MonthTasks(ctx, tx, as.OfficialID, as.Month)
		if err != nil {
			return err
		}
		for _, t := range tasks {
			if t.ID == taskID && t.Status == string(status) && as.Status == evaluation.AssessSubmitted {
				return nil // as it is already
			}
		}
		if as.Status == evaluation.AssessSubmitted && as.Version != version {
			return evaluation.ErrStale // else MarkTask says why not
		}
		if as, err = reviews.MarkTask(ctx, tx, me.ID, id, taskID, status, day, s.taskNotifier()); err != nil || s.Chat == nil {
			return err
		}
		return s.Chat.Changed(ctx, tx, me.ID, as, o)
	})
	if s.taskRefused(w, r, me, err, func(b *personBody) {
		for i := range b.Tasks {
			if b.Tasks[i].ID != taskID {
				continue
			}
			for j := range b.Tasks[i].Options {
				b.Tasks[i].Options[j].Selected = b.Tasks[i].Options[j].Value == string(status)
			}
		}
	}) {
		return
	}
	s.flush(ctx)
	http.Redirect(w, r, "/board/"+strconv.FormatInt(id, 10)+saved+"#task-"+strconv.FormatInt(taskID, 10), http.StatusSeeOther)
}

// boardQuality: POST /board/{id}/quality (version, task, reason) marks a
// done task «chưa đạt» with the typed reason (reviews.MarkNotUpToStandard);
// the head's cards in chat show the new numbers and the task's owner is told
// in chat (ChatCards.NotUpToStandard). An empty or too long reason, or a
// page of an older version, shows the page again with the reason as typed; the
// same mark again (a double tap) is the same mark.
func (s *Server) boardQuality(w http.ResponseWriter, r *http.Request) {
	me := s.signedIn(w, r)
	if me == nil {
		return
	}
	id, version, taskID, ok := s.boardTaskForm(w, r, me)
	if !ok {
		return
	}
	typed := r.PostFormValue("reason")
	keep := func(b *personBody) {
		for i := range b.Tasks {
			if b.Tasks[i].ID == taskID {
				b.Tasks[i].Reason, b.Tasks[i].Open = typed, true
			}
		}
	}
	reason, err := textnorm.Field(typed, evaluation.MaxMarkReasonRunes)
	if err != nil {
		key := "BoardQualityReasonEmpty"
		if errors.Is(err, textnorm.ErrTooLong) {
			key = "BoardReasonTooLong"
		}
		s.renderPerson(w, r, me, http.StatusUnprocessableEntity, func(b *personBody) {
			keep(b)
			b.Error = s.Cat.Plain(s.lang(w, withPersonLang(r, me.Language)), key, 0, map[string]any{"Max": evaluation.MaxMarkReasonRunes})
		})
		return
	}
	ctx := r.Context()
	day := calendar.DateOf(s.now())
	err = store.InTx(ctx, s.Pool, func(tx pgx.Tx) error {
		as, _, err := reviews.OpenForUpdate(ctx, tx, me.ID, id, day)
		if err != nil {
			return err
		}
		res, err := reviews.MarkNotUpToStandard(ctx, tx, me.ID, id, taskID, reason, day, s.taskNotifier())
		switch {
		case err != nil:
			return err
		case res.Repeated:
			return nil // the mark just made (a double tap, a repeated request)
		case as.Version != version:
			return evaluation.ErrStale // rolls the mark back
		case s.Chat == nil:
			return nil
		}
		return s.Chat.NotUpToStandard(ctx, tx, me.ID, res)
	})
	if s.taskRefused(w, r, me, err, keep) {
		return
	}
	s.flush(ctx)
	http.Redirect(w, r, "/board/"+strconv.FormatInt(id, 10)+"?marked=1#task-"+strconv.FormatInt(taskID, 10), http.StatusSeeOther)
}

// boardUnmark: POST /board/{id}/unmark (version, task, mark) takes back
// mark, the latest «chưa đạt» mark of the task as the page showed it
// (reviews.WithdrawQualityMark, the chat's ↩️); the head's cards in chat
// show it and the owner is told (ChatCards.MarkWithdrawn). A mark taken
// back already (a double tap) is done; otherwise the page must show the
// assessment's version, else it comes again saying it changed.
func (s *Server) boardUnmark(w http.ResponseWriter, r *http.Request) {
	me := s.signedIn(w, r)
	if me == nil {
		return
	}
	id, version, taskID, ok := s.boardTaskForm(w, r, me)
	if !ok {
		return
	}
	markID, err := strconv.ParseInt(r.PostFormValue("mark"), 10, 64)
	if err != nil {
		s.messageAs(w, r, me, http.StatusNotFound, "WebNotFoundTitle", "WebNotFound")
		return
	}
	ctx := r.Context()
	day := calendar.DateOf(s.now())
	err = store.InTx(ctx, s.Pool, func(tx pgx.Tx) error {
		as, _, err := reviews.OpenForUpdate(ctx, tx, me.ID, id, day)
		if err != nil {
			return err
		}
		res, err := reviews.WithdrawQualityMark(ctx, tx, me.ID, id, taskID, markID, day, s.taskNotifier())
		switch {
		case errors.Is(err, evaluation.ErrNotFound):
			return evaluation.ErrStale // no mark left to take back
		case err != nil:
			return err
		case res.Repeated:
			return nil // taken back by the same page already (a double tap)
		case as.Version != version:
			return evaluation.ErrStale // rolls the withdrawal back
		case s.Chat == nil:
			return nil
		}
		return s.Chat.MarkWithdrawn(ctx, tx, me.ID, res)
	})
	if s.taskRefused(w, r, me, err, func(*personBody) {}) {
		return
	}
	s.flush(ctx)
	http.Redirect(w, r, "/board/"+strconv.FormatInt(id, 10)+"?unmarked=1#task-"+strconv.FormatInt(taskID, 10), http.StatusSeeOther)
}

// taskRefused answers a refusal of a task form and reports whether it did:
// changed meanwhile (or no longer a task to mark) and approved already show
// the page again with what was chosen or typed (keep); not the actor's to
// review, or gone, as the board's other refusals.
func (s *Server) taskRefused(w http.ResponseWriter, r *http.Request, me *dashboard.Actor, err error, keep func(*personBody)) bool {
	key := ""
	switch {
	case err == nil:
		return false
	case errors.Is(err, evaluation.ErrLocked):
		key = "BoardLocked"
	case errors.Is(err, evaluation.ErrStale), errors.Is(err, evaluation.ErrNotDone):
		key = "BoardStale"
	default:
		return s.refused(w, r, me, err)
	}
	lang := s.lang(w, withPersonLang(r, me.Language))
	s.renderPerson(w, r, me, http.StatusConflict, func(b *personBody) {
		keep(b)
		b.Error = s.Cat.Plain(lang, key, 0, nil)
	})
	return true
}

// evidenceList names a task's evidence for the head: each document's number,
// each file's name, and how many photos («45/BC-KT; bao-cao.pdf; 2 ảnh»);
// "" for none. Files and photos open in chat (the card's buttons).
func evidenceList(l tr, items []evaluation.Evidence) string {
	var parts []string
	photos := 0
	for _, e := range items {
		switch {
		case e.Kind == evaluation.EvidenceDocument:
			parts = append(parts, e.DocumentNumber)
		case e.Kind == evaluation.EvidencePhoto:
			photos++
		case e.FileName != "":
			parts = append(parts, e.FileName)
		default:
			parts = append(parts, l.T("BoardEvidenceFile"))
		}
	}
	if photos > 0 {
		parts = append(parts, l.T("BoardEvidencePhotos", "N", photos))
	}
	return strings.Join(parts, "; ")
}
