package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/app/plans"
	"evalbot/internal/calendar"
	"evalbot/internal/dashboard"
	"evalbot/internal/evaluation"
	"evalbot/internal/grading"
	"evalbot/internal/store"
)

// The plan as a form (/me/plan?kind=week|month&start=…, kế hoạch công tác
// tuần / tháng): the official adds, edits, removes and reorders tasks, with
// a deadline (a date picker bounded to the period), a weight or a catalogue
// item with its quantity (searched by name without diacritics), then saves
// the draft or sends it to the head. Without JavaScript: ↑ ↓ ✕, «Thêm dòng»
// and the catalogue search post the whole form and come back with the rows
// as typed (nothing is saved); «Lưu nháp» and «Gửi lãnh đạo» save it in one
// transaction through plans.SaveSheet, the chat's rules and messages
// (evaluation.ParseFormTasks, ResolveCatalogue), and the chat's draft card
// and the head's plan card follow (plans.SheetNotifier, telegram.App). A
// refused save comes back with every row as typed and each fault named by
// its row.

// maxFormRows bounds the rows read from one post (MaxTasks is the rule; a
// longer post is refused by it, not cut).
const maxFormRows = 4 * evaluation.MaxTasks

type planRow struct {
	N, I                     int
	Title, Deadline, Weight  string
	Item, ItemName, Quantity string
	Invalid, First, Last     bool
	Measure                  string
}

type planTab struct {
	Label, URL string
	Current    bool
}

type planBody struct {
	Nav            meNavView
	Tabs           []planTab
	Kind, Start    string
	Version        int
	Status, Notice string
	ReturnedWhy    string
	Errors         []string
	Editable       bool
	Min, Max       string
	Assigned       []string
	Waiting        []waitingView // assigned by a task system, to accept or decline
	WaitingMore    int
	Rows           []planRow
	Done           []string // the tasks of a plan that is no longer editable
	Query          string
	Found          []option // catalogue search results: Value is the code
	FoundNone      bool
	CanAdd         bool
}

// planQuery reads kind and start of a plan page (the chat's default period
// when absent).
func (s *Server) planQuery(r *http.Request, form bool) (string, calendar.Date) {
	get := r.URL.Query().Get
	if form {
		get = r.PostFormValue
	}
	kind := get("kind")
	if kind != evaluation.KindMonth {
		kind = evaluation.KindWeek
	}
	today := calendar.DateOf(s.now())
	start, err := calendar.ParseDate(get("start"))
	if err != nil {
		start = plans.DefaultStart(kind, today)
	}
	return kind, start
}

// mePlan: GET /me/plan.
func (s *Server) mePlan(w http.ResponseWriter, r *http.Request) {
	me := s.signedIn(w, r)
	if me == nil {
		return
	}
	kind, start := s.planQuery(r, false)
	sh, err := plans.OpenSheet(r.Context(), s.Pool, me.ID, kind, start, calendar.DateOf(s.now()))
	if errors.Is(err, evaluation.ErrStale) {
		s.messageAs(w, r, me, http.StatusNotFound, "PlanPageClosedTitle", "PlanPageClosed")
		return
	}
	if s.refused(w, r, me, err) {
		return
	}
	notice := ""
	switch {
	case r.URL.Query().Get("sent") != "":
		notice = "PlanPageSent"
	case r.URL.Query().Get("saved") != "":
		notice = "PlanPageSaved"
	case r.URL.Query().Get("accepted") != "":
		notice = "PlanPageAssignAccepted"
	case r.URL.Query().Get("declined") != "":
		notice = "PlanPageAssignDeclined"
	}
	s.renderPlan(w, r, me, http.StatusOK, sh, nil, notice, nil, "", nil)
}

// formRows reads the posted rows (parallel fields, one value each per row).
func formRows(r *http.Request) []evaluation.FormTask {
	f := r.PostForm
	n := min(len(f["title"]), maxFormRows)
	at := func(k string, i int) string {
		if v := f[k]; i < len(v) {
			return v[i]
		}
		return ""
	}
	rows := make([]evaluation.FormTask, 0, n)
	for i := range n {
		rows = append(rows, evaluation.FormTask{Title: at("title", i), Deadline: at("deadline", i), Weight: at("weight", i),
			ItemCode: at("item", i), Quantity: at("qty", i)})
	}
	return rows
}

// mePlanPost: POST /me/plan. op is save, submit (one transaction), or a
// change of the form only (up:i, down:i, del:i, add, search, pick:CODE),
// answered with the form as typed.
func (s *Server) mePlanPost(w http.ResponseWriter, r *http.Request) {
	me := s.signedIn(w, r)
	if me == nil {
		return
	}
	ctx := r.Context()
	kind, start := s.planQuery(r, true)
	today := calendar.DateOf(s.now())
	rows := formRows(r)
	names := r.PostForm["iname"]
	if len(names) > len(rows) {
		names = names[:len(rows)]
	}
	for len(names) < len(rows) {
		names = append(names, "")
	}
	op := r.PostFormValue("op")
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	var found []evaluation.CatalogueItem
	verb, arg, _ := strings.Cut(op, ":")
	i, _ := strconv.Atoi(arg)
	switch verb {
	case "up", "down", "del":
		j := i - 1
		if verb == "down" {
			j = i + 1
		}
		switch {
		case i < 0 || i >= len(rows):
		case verb == "del":
			rows = append(rows[:i:i], rows[i+1:]...)
			names = append(names[:i:i], names[i+1:]...)
		case j >= 0 && j < len(rows):
			rows[i], rows[j] = rows[j], rows[i]
			names[i], names[j] = names[j], names[i]
		}
	case "add":
		rows = append(rows, evaluation.FormTask{})
		names = append(names, "")
	case "search", "pick":
		var err error
		found, _, err = evaluation.SearchCatalogue(ctx, s.Pool, me.ID, r.PostFormValue("q"), evaluation.MaxSearchResults)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if verb == "pick" {
			for _, c := range found {
				if c.Code == arg {
					// The picked item replaces an empty last row, or comes after it.
					if n := len(rows); n > 0 && rows[n-1].Blank() {
						rows, names = rows[:n-1], names[:n-1]
					}
					rows = append(rows, evaluation.FormTask{ItemCode: c.Code, Quantity: "1"})
					names = append(names, c.Name)
				}
			}
			found = nil
		}
	case "save", "submit":
		var sh plans.Sheet
		var lineErrs []evaluation.LineError
		err := store.InTx(ctx, s.Pool, func(tx pgx.Tx) error {
			var err error
			var n plans.SheetNotifier
			if c, ok := s.Chat.(plans.SheetNotifier); ok {
				n = c
			}
			sh, lineErrs, err = plans.SaveSheet(ctx, tx, me.ID, kind, start, today, version, rows, verb == "submit", n)
			if len(lineErrs) > 0 {
				return errRefusedRows // nothing of a refused form stays
			}
			return err
		})
		errKey := ""
		switch {
		case err == nil:
			s.flush(ctx)
			q := url.Values{"kind": {kind}, "start": {sh.Start.String()}}
			if verb == "submit" {
				q.Set("sent", "1")
			} else {
				q.Set("saved", "1")
			}
			http.Redirect(w, r, "/me/plan?"+q.Encode(), http.StatusSeeOther)
			return
		case errors.Is(err, errRefusedRows):
		case errors.Is(err, evaluation.ErrLocked):
			errKey = "PlanPageLocked"
		case errors.Is(err, evaluation.ErrStale) || errors.Is(err, evaluation.ErrNotFound):
			errKey = "PlanPageStale"
		case s.refused(w, r, me, err):
			return
		}
		sh, err = plans.OpenSheet(ctx, s.Pool, me.ID, kind, start, today)
		if errors.Is(err, evaluation.ErrStale) {
			s.messageAs(w, r, me, http.StatusNotFound, "PlanPageClosedTitle", "PlanPageClosed")
			return
		}
		if s.refused(w, r, me, err) {
			return
		}
		s.renderPlan(w, r, me, http.StatusUnprocessableEntity, sh, lineErrs, "", formState{rows, names}, errKey, nil)
		return
	}
	sh, err := plans.OpenSheet(ctx, s.Pool, me.ID, kind, start, today)
	if errors.Is(err, evaluation.ErrStale) {
		s.messageAs(w, r, me, http.StatusNotFound, "PlanPageClosedTitle", "PlanPageClosed")
		return
	}
	if s.refused(w, r, me, err) {
		return
	}
	sh.Plan.Version = version // the form keeps the version it was opened at
	s.renderPlan(w, r, me, http.StatusOK, sh, nil, "", formState{rows, names}, "", found)
}

// errRefusedRows rolls back a save whose rows were refused.
var errRefusedRows = errors.New("web: plan rows refused")

// formState is the rows as posted, with the catalogue items' names.
type formState struct {
	rows  []evaluation.FormTask
	names []string
}

// weightText writes a weight (hundredths) as typed: 1, 1,5, 0,25 (1.5 in English).
func weightText(lang string, w grading.Points) string {
	s := strings.TrimSuffix(strings.TrimRight(pointsIn(lang, w), "0"), ",")
	return strings.TrimSuffix(s, ".")
}

// renderPlan writes the plan page: the rows of form when it is set (a
// refused save, a change of the form), else the plan as stored.
func (s *Server) renderPlan(w http.ResponseWriter, r *http.Request, me *dashboard.Actor, status int, sh plans.Sheet,
	lineErrs []evaluation.LineError, noticeKey string, form any, errKey string, found []evaluation.CatalogueItem) {
	p := s.boardPage(w, r, me)
	l := p.L
	title := planTitle(l, sh.Kind, sh.Start)
	b := planBody{Nav: meNav(l, "/me/plan"), Kind: sh.Kind, Start: sh.Start.String(), Version: sh.Plan.Version,
		Editable: sh.Editable, Min: sh.Period.From.String(), Max: sh.Period.To.String(), Query: r.PostFormValue("q")}
	today := calendar.DateOf(s.now())
	for _, k := range []string{evaluation.KindWeek, evaluation.KindMonth} {
		cur := plans.DefaultStart(k, today)
		next := calendar.WeekOf(cur).Next().Monday()
		label, nextLabel := "PlanPageThisWeek", "PlanPageNextWeek"
		if k == evaluation.KindMonth {
			next, label, nextLabel = cur.YearMonth().Next().First(), "PlanPageThisMonth", "PlanPageNextMonth"
		}
		for _, t := range []struct {
			id string
			d  calendar.Date
		}{{label, cur}, {nextLabel, next}} {
			b.Tabs = append(b.Tabs, planTab{Label: l.T(t.id), URL: "/me/plan?kind=" + k + "&start=" + t.d.String(),
				Current: k == sh.Kind && t.d == sh.Start})
		}
	}
	switch {
	case sh.Plan.ID == 0:
		b.Status = l.T("PlanPageNew")
	case sh.Plan.Status == evaluation.StatusReturned:
		b.Status, b.ReturnedWhy = l.T("PlanPageReturned"), sh.Plan.ReturnReason
	default:
		b.Status = l.T("PlanPageStatus_" + sh.Plan.Status)
	}
	for _, t := range sh.Assigned {
		b.Assigned = append(b.Assigned, taskLine(l, t))
	}
	var err error
	if b.Waiting, b.WaitingMore, err = s.waiting(r, l, me.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	if noticeKey != "" {
		b.Notice = l.T(noticeKey)
	}
	if errKey != "" {
		b.Errors = append(b.Errors, l.T(errKey))
	}
	bad := map[int]bool{}
	for _, e := range lineErrs {
		msg := l.T("TaskErr_"+e.Code, "Value", e.Value, "Max", evaluation.MaxTasks, "Chars", evaluation.MaxTitleRunes,
			"From", shortDay(e.From), "To", shortDay(e.To))
		if e.Line > 0 {
			msg = l.T("PlanPageRow", "N", e.Line) + ": " + msg
			bad[e.Line] = true
		}
		b.Errors = append(b.Errors, msg)
	}
	if !sh.Editable {
		for _, t := range sh.Typed {
			b.Done = append(b.Done, taskLine(l, t))
		}
	} else if fs, ok := form.(formState); ok {
		for i, f := range fs.rows {
			b.Rows = append(b.Rows, planRow{Title: f.Title, Deadline: f.Deadline, Weight: f.Weight, Item: f.ItemCode,
				ItemName: fs.names[i], Quantity: f.Quantity})
		}
	} else {
		for _, t := range sh.Typed {
			row := planRow{Title: t.Title}
			if t.Deadline != nil {
				row.Deadline = t.Deadline.String()
			}
			if t.ItemCode != "" {
				row.Item, row.ItemName, row.Quantity, row.Title = t.ItemCode, t.Title, strconv.Itoa(t.Quantity), sh.Note(t)
				if name, ok := sh.Names[t.ID]; ok {
					row.ItemName = name
				}
			} else {
				row.Weight = weightText(p.Lang, t.Weight)
			}
			b.Rows = append(b.Rows, row)
		}
		if len(b.Rows) < evaluation.MaxTasks {
			b.Rows = append(b.Rows, planRow{})
		}
	}
	for i := range b.Rows {
		b.Rows[i].N, b.Rows[i].I, b.Rows[i].Invalid = i+1, i, bad[i+1]
		b.Rows[i].First, b.Rows[i].Last = i == 0, i == len(b.Rows)-1
	}
	b.CanAdd = len(b.Rows) < evaluation.MaxTasks
	for _, c := range found {
		b.Found = append(b.Found, option{Value: c.Code, Label: c.Code + " — " + c.Name + " (" + c.Measure + ")"})
	}
	b.FoundNone = r.PostFormValue("op") == "search" && len(found) == 0
	p.Title = title
	p.Body = b
	s.render(w, status, "me_plan", p)
}

// planTitle is the plan's title as the chat's card writes it.
func planTitle(l tr, kind string, start calendar.Date) string {
	if kind == evaluation.KindMonth {
		return l.T("PlanTitleMonth", "Month", fmt.Sprintf("%02d/%d", int(start.Month), start.Year))
	}
	wk := calendar.WeekOf(start)
	return l.T("PlanTitleWeek", "From", shortDay(wk.Monday()), "To", shortDay(wk.Sunday())+"/"+strconv.Itoa(wk.Sunday().Year))
}

// shortDay is dd/mm, as the chat writes a deadline.
func shortDay(d calendar.Date) string { return fmt.Sprintf("%02d/%02d", d.Day, int(d.Month)) }

// taskLine is a task read-only: its title, deadline and weight.
func taskLine(l tr, t evaluation.Task) string {
	out := t.Title
	if t.Deadline != nil {
		out += " — " + l.T("Deadline", "Date", shortDay(*t.Deadline))
	}
	if t.ItemCode != "" {
		out += " — " + strconv.Itoa(t.Quantity) + " " + t.Measure
	} else if t.Weight != 100 {
		out += " — " + l.T("Weight", "Weight", weightText(l.lang, t.Weight))
	}
	return out
}
