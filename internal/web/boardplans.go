package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/app/access"
	"evalbot/internal/app/plans"
	"evalbot/internal/calendar"
	"evalbot/internal/dashboard"
	"evalbot/internal/evaluation"
	"evalbot/internal/grading"
	"evalbot/internal/store"
	"evalbot/internal/textnorm"
)

// Plans to appraise on the review board (thẩm định kế hoạch, issue 24): the
// week's and the month's plans waiting of the people the head reviews, one
// plan's tasks (catalogue items with quantity and standard units, free-text
// tasks with the weight the head gives them), approving the selected plans
// in one transaction after a confirmation that names them, returning one
// with a reason. Every decision is a use case of internal/app/plans, and
// tells the chat (ChatCards, a plans.Notifier) in its transaction.

// boardPlanRow is a waiting plan on the board.
type boardPlanRow struct {
	ID, Version  int64
	Name, Title  string
	Summary      string
	NeedsWeights bool
}

// boardPlanTitle names a plan's period as the chat's card does («Kế hoạch công
// tác tuần 30/11 – 06/12/2026», «Kế hoạch công tác tháng 12/2026»).
func boardPlanTitle(l tr, kind string, start calendar.Date) string {
	if kind == evaluation.KindMonth {
		return l.T("PlanTitleMonth", "Month", fmt.Sprintf("%02d/%d", int(start.Month), start.Year))
	}
	w := calendar.WeekOf(start)
	dm := func(d calendar.Date) string { return fmt.Sprintf("%02d/%02d", d.Day, int(d.Month)) }
	return l.T("PlanTitleWeek", "From", dm(w.Monday()), "To", dm(w.Sunday())+"/"+strconv.Itoa(w.Sunday().Year))
}

// waitingPlans lays out the plans waiting for reviewer me (plans.Waiting).
func (s *Server) waitingPlans(r *http.Request, meID int64, l tr) ([]boardPlanRow, error) {
	ws, err := plans.Waiting(r.Context(), s.Pool, meID, calendar.DateOf(s.now()))
	if err != nil {
		return nil, err
	}
	out := make([]boardPlanRow, 0, len(ws))
	for _, w := range ws {
		out = append(out, boardPlanRow{ID: w.Plan.ID, Version: int64(w.Plan.Version), Name: w.Owner.FullName,
			Title:        boardPlanTitle(l, w.Plan.Kind, w.Plan.PeriodStart),
			Summary:      l.T("BoardPlanSummary", "N", w.Tasks, "Weight", l.Points(w.Weight)),
			NeedsWeights: w.FreeText > 0})
	}
	return out, nil
}

// planPicks reads the form's plan values ("<plan id>:<version>").
func planPicks(r *http.Request) []plans.Pick {
	var out []plans.Pick
	seen := map[int64]bool{}
	for _, v := range r.PostForm["plan"] {
		a, b, ok := strings.Cut(v, ":")
		id, err1 := strconv.ParseInt(a, 10, 64)
		ver, err2 := strconv.Atoi(b)
		if !ok || err1 != nil || err2 != nil || id <= 0 || seen[id] || len(out) == maxPicks {
			continue
		}
		seen[id] = true
		out = append(out, plans.Pick{PlanID: id, Version: ver})
	}
	return out
}

// boardPlansConfirm: POST /board/plans/confirm names the selected plans
// before anything is decided (those not waiting, or not the head's, are left out).
func (s *Server) boardPlansConfirm(w http.ResponseWriter, r *http.Request) {
	me := s.signedIn(w, r)
	if me == nil {
		return
	}
	if err := r.ParseForm(); err != nil {
		s.messageAs(w, r, me, http.StatusBadRequest, "WebNotFoundTitle", "WebNotFound")
		return
	}
	p := s.boardPage(w, r, me)
	var body confirmBody
	day := calendar.DateOf(s.now())
	for _, pk := range planPicks(r) {
		pl, owner, err := plans.Submitted(r.Context(), s.Pool, me.ID, pk.PlanID, pk.Version, day)
		switch {
		case errors.Is(err, access.ErrForbidden), errors.Is(err, evaluation.ErrNotFound), errors.Is(err, evaluation.ErrStale):
			body.Gone++
			continue
		case err != nil:
			s.fail(w, r, err)
			return
		}
		body.Picks = append(body.Picks, pickView{Value: strconv.FormatInt(pl.ID, 10) + ":" + strconv.Itoa(pl.Version),
			Name: owner.FullName, Total: boardPlanTitle(p.L, pl.Kind, pl.PeriodStart)})
	}
	p.Title = p.L.T("BoardPlansConfirmTitle", "N", len(body.Picks))
	p.Body = body
	s.render(w, http.StatusOK, "board_plans_confirm", p)
}

// boardPlansApprove: POST /board/plans/approve approves the confirmed plans
// in one transaction (plans.ApproveMany) and says what it did.
func (s *Server) boardPlansApprove(w http.ResponseWriter, r *http.Request) {
	me := s.signedIn(w, r)
	if me == nil {
		return
	}
	if err := r.ParseForm(); err != nil {
		s.messageAs(w, r, me, http.StatusBadRequest, "WebNotFoundTitle", "WebNotFound")
		return
	}
	ps := planPicks(r)
	var done []plans.Approved
	var refused []plans.Refusal
	ctx := r.Context()
	err := store.InTx(ctx, s.Pool, func(tx pgx.Tx) error {
		var err error
		done, refused, err = plans.ApproveMany(ctx, tx, me.ID, ps, calendar.DateOf(s.now()), s.planNotifier())
		return err
	})
	if s.refused(w, r, me, err) {
		return
	}
	s.flush(ctx)
	p := s.boardPage(w, r, me)
	var body doneBody
	for _, a := range done {
		body.Approved = append(body.Approved, pickView{Name: a.Owner.FullName, Total: boardPlanTitle(p.L, a.Plan.Kind, a.Plan.PeriodStart)})
	}
	for _, f := range refused {
		name := f.Name
		if name == "" {
			name = "#" + strconv.FormatInt(f.PlanID, 10)
		}
		body.Refused = append(body.Refused, pickView{Name: name, Total: p.L.T(refusalKey(f.Err)), Value: "plans/" + strconv.FormatInt(f.PlanID, 10)})
	}
	p.Title = p.L.T("BoardPlansDoneTitle", "N", len(done))
	p.Body = body
	s.render(w, http.StatusOK, "board_done", p)
}

// planNotifier is the chat side, or none (a web face without the bot).
func (s *Server) planNotifier() plans.Notifier {
	if s.Chat == nil {
		return nil
	}
	return s.Chat
}

type planTaskView struct {
	ID       int64
	N        int
	Title    string
	Deadline string
	Quantity string // "3 hồ sơ (TD01)"; "" for a free-text task
	Weight   string
	Options  []option // the weight's choice, for a free-text task of a waiting plan
}

type boardPlanBody struct {
	ID, Version  int64
	Name, Detail string
	Status       string
	Submitted    bool
	Tasks        []planTaskView
	CanWeigh     bool
	Total        string
	ReturnReason string
	Reason       string // the typed reason, kept when refused
	Error        string
	Notice       string
}

// weightOptions offers MinTaskWeight … MaxTaskWeight by quarters, selecting cur.
func weightOptions(l tr, cur grading.Points) []option {
	var out []option
	for w := evaluation.MinTaskWeight; w <= evaluation.MaxTaskWeight; w += 25 {
		out = append(out, option{Value: strconv.FormatInt(int64(w), 10), Label: l.Points(w), Selected: w == cur})
	}
	if cur%25 != 0 {
		out = append(out, option{Value: strconv.FormatInt(int64(cur), 10), Label: l.Points(cur), Selected: true})
	}
	return out
}

// boardPlan: GET /board/plans/{id}, one plan as its reviewer appraises it.
func (s *Server) boardPlan(w http.ResponseWriter, r *http.Request) {
	me := s.signedIn(w, r)
	if me == nil {
		return
	}
	s.renderBoardPlan(w, r, me, http.StatusOK, func(*boardPlanBody) {})
}

// renderBoardPlan loads the plan's page for reviewer me and lets fill add to it.
func (s *Server) renderBoardPlan(w http.ResponseWriter, r *http.Request, me *dashboard.Actor, status int, fill func(*boardPlanBody)) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.messageAs(w, r, me, http.StatusNotFound, "WebNotFoundTitle", "WebNotFound")
		return
	}
	pl, owner, err := plans.Reviewed(r.Context(), s.Pool, me.ID, id, calendar.DateOf(s.now()))
	if s.refused(w, r, me, err) {
		return
	}
	p := s.boardPage(w, r, me)
	b := boardPlanBody{ID: pl.ID, Version: int64(pl.Version), Name: owner.FullName, Detail: owner.Position + " — " + owner.UnitName,
		Status: p.L.T("BoardPlanStatus_" + pl.Status), Submitted: pl.Status == evaluation.StatusSubmitted, ReturnReason: pl.ReturnReason}
	var total grading.Points
	for i, t := range pl.Tasks {
		v := planTaskView{ID: t.ID, N: i + 1, Title: t.Title, Deadline: "–", Weight: p.L.Points(t.Weight)}
		if t.Deadline != nil {
			v.Deadline = dayLabel(p.Lang, *t.Deadline)
		}
		if t.ItemCode != "" {
			v.Quantity = p.L.T("BoardPlanQuantity", "Quantity", t.Quantity, "Measure", t.Measure, "Code", t.ItemCode)
		} else if b.Submitted {
			v.Options = weightOptions(p.L, t.Weight)
			b.CanWeigh = true
		}
		total += t.Weight
		b.Tasks = append(b.Tasks, v)
	}
	b.Total = p.L.Points(total)
	switch {
	case r.URL.Query().Get("weighed") != "":
		b.Notice = p.L.T("BoardPlanWeighedNotice")
	}
	fill(&b)
	p.Title = boardPlanTitle(p.L, pl.Kind, pl.PeriodStart) + " · " + owner.FullName
	p.Body = b
	s.render(w, status, "board_plan", p)
}

// planForm reads a plan's id from the path and its version from the form.
func planForm(r *http.Request) (int64, int, bool) {
	id, err1 := strconv.ParseInt(r.PathValue("id"), 10, 64)
	version, err2 := strconv.Atoi(r.PostFormValue("version"))
	return id, version, err1 == nil && err2 == nil
}

// planRefusal shows the plan again with the refusal's message (and what was
// typed), or answers the refusal as the board does; it reports whether it did.
func (s *Server) planRefusal(w http.ResponseWriter, r *http.Request, me *dashboard.Actor, err error, typed string) bool {
	key := ""
	switch {
	case err == nil:
		return false
	case errors.Is(err, evaluation.ErrStale), errors.Is(err, evaluation.ErrLocked):
		key = "BoardPlanStale"
	case errors.Is(err, evaluation.ErrBadWeight), errors.Is(err, evaluation.ErrCatalogueWeight):
		key = "BoardPlanBadWeight"
	}
	if key == "" {
		return s.refused(w, r, me, err)
	}
	lang := s.lang(w, withPersonLang(r, me.Language))
	s.renderBoardPlan(w, r, me, http.StatusConflict, func(b *boardPlanBody) { b.Reason, b.Error = typed, s.Cat.Plain(lang, key, 0, nil) })
	return true
}

// boardPlanApprove: POST /board/plans/{id}/approve approves one plan.
func (s *Server) boardPlanApprove(w http.ResponseWriter, r *http.Request) {
	me := s.signedIn(w, r)
	if me == nil {
		return
	}
	id, version, ok := planForm(r)
	if !ok {
		s.messageAs(w, r, me, http.StatusNotFound, "WebNotFoundTitle", "WebNotFound")
		return
	}
	ctx := r.Context()
	err := store.InTx(ctx, s.Pool, func(tx pgx.Tx) error {
		_, refused, err := plans.ApproveMany(ctx, tx, me.ID, []plans.Pick{{PlanID: id, Version: version}}, calendar.DateOf(s.now()), s.planNotifier())
		if err == nil && len(refused) > 0 {
			err = refused[0].Err
		}
		return err
	})
	if s.planRefusal(w, r, me, err, "") {
		return
	}
	s.flush(ctx)
	http.Redirect(w, r, "/board?plan_approved=1#plans", http.StatusSeeOther)
}

// boardPlanReturn: POST /board/plans/{id}/return sends the plan back with the
// typed reason (plans.Return); an empty or too long reason, or a plan that
// moved on, shows the page again with the text as typed.
func (s *Server) boardPlanReturn(w http.ResponseWriter, r *http.Request) {
	me := s.signedIn(w, r)
	if me == nil {
		return
	}
	id, version, ok := planForm(r)
	if !ok {
		s.messageAs(w, r, me, http.StatusNotFound, "WebNotFoundTitle", "WebNotFound")
		return
	}
	typed := r.PostFormValue("reason")
	reason, err := textnorm.Field(typed, maxReasonRunes)
	if err != nil {
		key := "BoardReasonEmpty"
		if errors.Is(err, textnorm.ErrTooLong) {
			key = "BoardReasonTooLong"
		}
		lang := s.lang(w, withPersonLang(r, me.Language))
		s.renderBoardPlan(w, r, me, http.StatusUnprocessableEntity, func(b *boardPlanBody) {
			b.Reason, b.Error = typed, s.Cat.Plain(lang, key, 0, map[string]any{"Max": maxReasonRunes})
		})
		return
	}
	ctx := r.Context()
	err = store.InTx(ctx, s.Pool, func(tx pgx.Tx) error {
		p, owner, err := plans.Return(ctx, tx, me.ID, id, version, reason, calendar.DateOf(s.now()))
		if err != nil || s.Chat == nil {
			return err
		}
		return s.Chat.PlanReturned(ctx, tx, me.ID, p, owner, reason)
	})
	if errors.Is(err, evaluation.ErrAlready) {
		err = nil // the same return pressed twice: done by the first
	}
	if s.planRefusal(w, r, me, err, typed) {
		return
	}
	s.flush(ctx)
	http.Redirect(w, r, "/board?plan_returned=1#plans", http.StatusSeeOther)
}

// boardPlanWeigh: POST /board/plans/{id}/weigh sets the weights of the
// plan's free-text tasks that changed (w_<task id>, hundredths), in one
// transaction (plans.Weigh); the head's plan card in chat shows them.
func (s *Server) boardPlanWeigh(w http.ResponseWriter, r *http.Request) {
	me := s.signedIn(w, r)
	if me == nil {
		return
	}
	id, version, ok := planForm(r)
	if !ok {
		s.messageAs(w, r, me, http.StatusNotFound, "WebNotFoundTitle", "WebNotFound")
		return
	}
	// A weight that is not one whole number of hundredths ("1e9", "1,5",
	// the field twice) refuses the form whole, as one out of range does,
	// rather than saving the others without it.
	weights := map[int64]grading.Points{}
	bad := false
	for k, vs := range r.PostForm {
		tid, found := strings.CutPrefix(k, "w_")
		if !found {
			continue
		}
		t, err1 := strconv.ParseInt(tid, 10, 64)
		var v int64
		var err2 error = evaluation.ErrBadWeight
		if len(vs) == 1 {
			v, err2 = strconv.ParseInt(vs[0], 10, 32)
		}
		if err1 != nil || err2 != nil {
			bad = true
			continue
		}
		weights[t] = grading.Points(v)
	}
	ctx := r.Context()
	if bad {
		s.planRefusal(w, r, me, evaluation.ErrBadWeight, "")
		return
	}
	err := store.InTx(ctx, s.Pool, func(tx pgx.Tx) error {
		p, owner, err := plans.Weigh(ctx, tx, me.ID, id, version, weights, calendar.DateOf(s.now()))
		if err != nil || s.Chat == nil || p.Version == version {
			return err
		}
		return s.Chat.PlanWeighed(ctx, tx, me.ID, p, owner)
	})
	if s.planRefusal(w, r, me, err, "") {
		return
	}
	s.flush(ctx)
	http.Redirect(w, r, "/board/plans/"+strconv.FormatInt(id, 10)+"?weighed=1", http.StatusSeeOther)
}
