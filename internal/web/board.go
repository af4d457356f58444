package web

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/app/access"
	"evalbot/internal/app/grades"
	"evalbot/internal/app/plans"
	"evalbot/internal/app/reviews"
	"evalbot/internal/app/selfassess"
	"evalbot/internal/calendar"
	"evalbot/internal/dashboard"
	"evalbot/internal/evaluation"
	"evalbot/internal/grading"
	"evalbot/internal/locale"
	"evalbot/internal/roster"
	"evalbot/internal/store"
	"evalbot/internal/textnorm"
)

// The head's review board (bảng duyệt, issue 24): the unit's month as a
// table, the grade-A meters, approving the selected people in one action
// after a confirmation that names them, and one person's page to approve
// (choosing whom the quota moves to B) or return with a reason. Every
// decision is a use case of internal/app/reviews in one transaction, and
// tells the chat (ChatCards) in that transaction, so the head's card in
// Telegram and the board never disagree.

// ChatCards is the chat side of a decision made here (telegram.App): it
// queues the card edits and messages in the decision's transaction, and
// sends the edits once it committed.
type ChatCards interface {
	reviews.Notifier
	selfassess.Notifier
	plans.Notifier
	FlushCards(ctx context.Context) error
}

// maxReasonRunes bounds a return reason, as the chat does.
const maxReasonRunes = 500

// maxPicks bounds one approval's selection (a unit of a few hundred at most).
const maxPicks = 500

func (s *Server) frameworks() grades.Frameworks {
	if s.Frameworks != nil {
		return s.Frameworks
	}
	return grading.Preset
}

// boardMonth is the month under review today.
func (s *Server) boardMonth() calendar.Month { return dashboard.Today(s.Cal, s.now()).Month }

type option struct {
	Value, Label string
	Selected     bool
}

type meterView struct {
	Label     string
	Used, Cap int
	Full      bool
}

type boardRow struct {
	ID, Version                int64
	Name, Position, Unit       string
	Total, Grade, Status, Code string
	Changed, Selectable        bool
}

type boardBody struct {
	Month            string
	Meters           []meterView
	Rows             []boardRow
	Sorts, Statuses  []option
	Q                string
	Notice           string
	Waiting, Showing int
	Plans            []boardPlanRow // the plans waiting for appraisal (boardplans.go)
}

// board: GET /board?sort=name|total|grade|status&status=…&q=….
func (s *Server) board(w http.ResponseWriter, r *http.Request) {
	me := s.signedIn(w, r)
	if me == nil {
		return
	}
	ctx := r.Context()
	m := s.boardMonth()
	b, err := reviews.LoadBoard(ctx, s.Pool, s.frameworks(), me.ID, calendar.DateOf(s.now()), m)
	if s.refused(w, r, me, err) {
		return
	}
	p := s.boardPage(w, r, me)
	q := r.URL.Query()
	body := boardBody{Month: monthLabel(p.Lang, m), Q: strings.TrimSpace(q.Get("q"))}
	for _, mt := range b.Meters {
		label := p.L.T("BoardMeter", "Used", mt.Used, "Cap", mt.Cap)
		switch {
		case mt.Group != "":
			label = p.L.T("BoardMeterGroup", "Group", mt.Group, "Used", mt.Used, "Cap", mt.Cap)
		case mt.ByGroup:
			label = p.L.T("BoardMeterNoGroup", "Used", mt.Used, "Cap", mt.Cap)
		}
		if slices.ContainsFunc(b.Meters, func(o reviews.Meter) bool { return o.UnitID != mt.UnitID }) {
			label = mt.UnitName + " · " + label
		}
		body.Meters = append(body.Meters, meterView{Label: label, Used: mt.Used, Cap: mt.Cap, Full: mt.Used >= mt.Cap})
	}
	sortBy, status := q.Get("sort"), q.Get("status")
	for _, v := range []string{"name", "total", "grade", "status"} {
		body.Sorts = append(body.Sorts, option{v, p.L.T("BoardSort_" + v), v == sortBy})
	}
	for _, v := range []string{"", "submitted", "approved", "returned", "draft", "none", "changed"} {
		body.Statuses = append(body.Statuses, option{v, p.L.T("BoardFilter_" + or(v, "all")), v == status})
	}
	needle := textnorm.Fold(body.Q)
	rows := b.Rows
	shown := reviews.Board{Month: b.Month}
	switch sortBy {
	case "total":
		slices.SortStableFunc(rows, func(x, y reviews.BoardRow) int { return cmpPoints(y.SelfTotal, x.SelfTotal) })
	case "grade":
		slices.SortStableFunc(rows, func(x, y reviews.BoardRow) int { return strings.Compare(or(x.Grade, "Z"), or(y.Grade, "Z")) })
	case "status":
		slices.SortStableFunc(rows, func(x, y reviews.BoardRow) int { return statusRank(x.Status) - statusRank(y.Status) })
	}
	for _, row := range rows {
		if row.Status == evaluation.AssessSubmitted {
			body.Waiting++
		}
		switch {
		case status == "changed" && !row.Changed,
			status == "none" && row.Status != "",
			status != "" && status != "changed" && status != "none" && row.Status != status,
			needle != "" && !strings.Contains(textnorm.Fold(row.Official.FullName), needle):
			continue
		}
		shown.Rows = append(shown.Rows, row)
		v := boardRow{ID: row.AssessmentID, Version: int64(row.Version), Name: row.Official.FullName, Position: row.Official.Position,
			Unit: row.Official.UnitName, Total: "–", Grade: row.Grade, Code: row.Status, Changed: row.Changed,
			Selectable: row.Status == evaluation.AssessSubmitted, Status: p.L.T("WebStatusNone")}
		if row.SelfTotal != nil {
			v.Total = pointsIn(p.Lang, *row.SelfTotal)
		}
		if row.Status != "" {
			v.Status = p.L.T("WebStatus_" + row.Status)
		}
		body.Rows = append(body.Rows, v)
	}
	body.Showing = len(body.Rows)
	// What is shown is seen: "changed" compares with it next time (not
	// when another site loaded the page unseen: shownToPerson).
	if shownToPerson(r) {
		if err := reviews.SeeBoard(ctx, s.Pool, me.ID, shown); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if body.Plans, err = s.waitingPlans(r, me.ID, p.L); err != nil {
		s.fail(w, r, err)
		return
	}
	switch {
	case q.Get("returned") != "":
		body.Notice = p.L.T("BoardReturnedNotice")
	case q.Get("approved") != "":
		body.Notice = p.L.T("BoardApprovedOneNotice")
	case q.Get("plan_returned") != "":
		body.Notice = p.L.T("BoardPlanReturnedNotice")
	case q.Get("plan_approved") != "":
		body.Notice = p.L.T("BoardPlanApprovedNotice")
	}
	p.Title = p.L.T("BoardTitle", "Month", body.Month)
	p.Body = body
	s.render(w, http.StatusOK, "board", p)
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func cmpPoints(a, b *grading.Points) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	return int(*a - *b)
}

// statusRank orders the board by what the head must do first.
func statusRank(s string) int {
	return map[string]int{evaluation.AssessSubmitted: 0, evaluation.AssessReturned: 1, evaluation.AssessDraft: 2, "": 3, evaluation.AssessApproved: 4}[s]
}

// refused answers a board use case's refusal (and a failure) and reports
// whether it did.
func (s *Server) refused(w http.ResponseWriter, r *http.Request, me *dashboard.Actor, err error) bool {
	switch {
	case err == nil:
		return false
	case errors.Is(err, access.ErrForbidden):
		s.messageAs(w, r, me, http.StatusForbidden, "BoardForbiddenTitle", "BoardForbidden")
	case errors.Is(err, evaluation.ErrNotFound):
		s.messageAs(w, r, me, http.StatusNotFound, "WebNotFoundTitle", "WebNotFound")
	default:
		s.fail(w, r, err)
	}
	return true
}

// picks reads the form's pick values ("<assessment id>:<version>").
func picks(r *http.Request) []reviews.Pick {
	var out []reviews.Pick
	seen := map[int64]bool{}
	for _, v := range r.PostForm["pick"] {
		a, b, ok := strings.Cut(v, ":")
		id, err1 := strconv.ParseInt(a, 10, 64)
		ver, err2 := strconv.Atoi(b)
		if !ok || err1 != nil || err2 != nil || id <= 0 || seen[id] || len(out) == maxPicks {
			continue
		}
		seen[id] = true
		out = append(out, reviews.Pick{AssessmentID: id, Version: ver})
	}
	return out
}

type pickView struct {
	Value, Name, Total, Grade string
}

type confirmBody struct {
	Picks []pickView
	Gone  int
}

// boardConfirm: POST /board/confirm names the selected people before
// anything is decided (those the head does not review are left out).
func (s *Server) boardConfirm(w http.ResponseWriter, r *http.Request) {
	me := s.signedIn(w, r)
	if me == nil {
		return
	}
	if err := r.ParseForm(); err != nil {
		s.messageAs(w, r, me, http.StatusBadRequest, "WebNotFoundTitle", "WebNotFound")
		return
	}
	ps := picks(r)
	var body confirmBody
	day := calendar.DateOf(s.now())
	p := s.boardPage(w, r, me)
	for _, pk := range ps {
		as, o, err := reviews.Open(r.Context(), s.Pool, me.ID, pk.AssessmentID, day)
		if errors.Is(err, access.ErrForbidden) || errors.Is(err, evaluation.ErrNotFound) || err == nil && (as.Version != pk.Version || as.Status != evaluation.AssessSubmitted) {
			body.Gone++
			continue
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		// What approving gives: the head's copy as Approve grades it.
		v := pickView{Value: strconv.FormatInt(as.ID, 10) + ":" + strconv.Itoa(as.Version), Name: o.FullName}
		fw, err := s.frameworks()(as.FrameworkID)
		if err == nil {
			v.Total, err = s.outcome(r.Context(), p.L, fw, o, as, true)
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		body.Picks = append(body.Picks, v)
	}
	p.Title = p.L.T("BoardConfirmTitle", "N", len(body.Picks))
	p.Body = body
	s.render(w, http.StatusOK, "board_confirm", p)
}

type doneBody struct {
	Approved []pickView
	Refused  []pickView // Total holds the reason
}

// boardApprove: POST /board/approve approves the confirmed selection in one
// transaction (reviews.ApproveMany) and says what it did.
func (s *Server) boardApprove(w http.ResponseWriter, r *http.Request) {
	me := s.signedIn(w, r)
	if me == nil {
		return
	}
	if err := r.ParseForm(); err != nil {
		s.messageAs(w, r, me, http.StatusBadRequest, "WebNotFoundTitle", "WebNotFound")
		return
	}
	ps := picks(r)
	var done []reviews.Approval
	var refused []reviews.Refusal
	ctx := r.Context()
	err := store.InTx(ctx, s.Pool, func(tx pgx.Tx) error {
		var err error
		done, refused, err = reviews.ApproveMany(ctx, tx, s.Cal, s.frameworks(), me.ID, ps, s.now(), s.notifier())
		return err
	})
	if s.refused(w, r, me, err) {
		return
	}
	s.flush(ctx)
	p := s.boardPage(w, r, me)
	var body doneBody
	for _, a := range done {
		v := pickView{Name: a.Official.FullName, Total: "–", Grade: a.Assessment.Grade}
		if a.Assessment.Total != nil {
			v.Total = pointsIn(p.Lang, *a.Assessment.Total)
		}
		body.Approved = append(body.Approved, v)
	}
	for _, f := range refused {
		name := f.Name
		if name == "" {
			name = "#" + strconv.FormatInt(f.AssessmentID, 10)
		}
		body.Refused = append(body.Refused, pickView{Name: name, Total: p.L.T(refusalKey(f.Err)),
			Value: strconv.FormatInt(f.AssessmentID, 10)})
	}
	p.Title = p.L.T("BoardDoneTitle", "N", len(done))
	p.Body = body
	s.render(w, http.StatusOK, "board_done", p)
}

func refusalKey(err error) string {
	var ie *grading.InputError
	switch {
	case errors.Is(err, reviews.ErrNeedsQuotaChoice):
		return "BoardRefusedQuota"
	case errors.Is(err, reviews.ErrStaffWaiting):
		return "BoardRefusedStaff"
	case errors.Is(err, grading.ErrNoTasks):
		return "BoardRefusedNoTasks"
	case errors.As(err, &ie):
		return "BoardRefusedInput"
	case errors.Is(err, access.ErrForbidden):
		return "BoardRefusedForbidden"
	}
	return "BoardRefusedStale"
}

// notifier is the chat side, or none (a web face without the bot).
func (s *Server) notifier() reviews.Notifier {
	if s.Chat == nil {
		return nil
	}
	return s.Chat
}

// flush sends the chat's card edits of a committed decision; a failure is
// only logged (the edits stay in card_edits for the bot's sweep).
func (s *Server) flush(ctx context.Context) {
	if s.Chat == nil {
		return
	}
	if err := s.Chat.FlushCards(ctx); err != nil {
		s.log().Warn("web: chat cards", "err", err)
	}
}

type critView struct {
	Name           string
	Self, Reviewed string
	Max            string
}

type personBody struct {
	ID, Version      int64
	Name, Position   string
	Unit, Status     string
	Code             string
	SelfTotal        string
	SelfGrade        string
	SelfLine         string // what the self-assessment came to, or why there is no total
	Outcome          string // what approving now would give (the head's copy), while submitted
	Criteria         []critView
	Bonus, SelfBonus string
	BonusReason      string
	ReturnReason     string
	Reason           string // the typed reason, kept when refused
	Error            string
	Quota            []option // the A's the quota lets the head move to B
	QuotaText        string
	Submitted        bool
	Adjust           []adjustView // the head's copy, a choice per criterion
	BonusChoice      []option     // none when the framework has no bonus
	// TaskScore is the head's task score (điểm thực hiện nhiệm vụ) of a
	// month without tasks in an approved plan, whole points 0 … fw.TaskMax,
	// after an empty choice while none was entered; nil when the month has
	// tasks (their statuses give the score).
	TaskScore []option
	Notice    string
	Tasks     []boardTaskView // the month's tasks (boardtasks.go)
}

// adjustView is one criterion's choice of whole points (0 … its maximum).
type adjustView struct {
	Field, Name string
	Options     []option
}

// wholePoints offers 0 … max whole points, selecting cur.
func wholePoints(lang string, max, cur grading.Points) []option {
	var out []option
	for p := 0; p <= int(max/100); p++ {
		out = append(out, option{Value: strconv.Itoa(p), Label: pointsIn(lang, grading.Points(p*100)), Selected: cur == grading.Points(p*100)})
	}
	return out
}

// boardPerson: GET /board/{id}, one person's self-assessment as the head
// reviews it, with Approve and Return.
func (s *Server) boardPerson(w http.ResponseWriter, r *http.Request) {
	me := s.signedIn(w, r)
	if me == nil {
		return
	}
	s.renderPerson(w, r, me, http.StatusOK, func(*personBody) {})
}

// renderPerson loads the person's page and lets fill add to it.
func (s *Server) renderPerson(w http.ResponseWriter, r *http.Request, me *dashboard.Actor, status int, fill func(*personBody)) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.messageAs(w, r, me, http.StatusNotFound, "WebNotFoundTitle", "WebNotFound")
		return
	}
	as, o, err := reviews.Open(r.Context(), s.Pool, me.ID, id, calendar.DateOf(s.now()))
	if s.refused(w, r, me, err) {
		return
	}
	fw, err := s.frameworks()(as.FrameworkID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.boardPage(w, r, me)
	b := personBody{ID: as.ID, Version: int64(as.Version), Name: o.FullName, Position: o.Position, Unit: o.UnitName,
		Code: as.Status, Status: p.L.T("WebStatus_" + as.Status), SelfTotal: "–", SelfGrade: or(as.SelfGrade, "–"),
		SelfBonus: pointsIn(p.Lang, as.SelfBonus), Bonus: pointsIn(p.Lang, as.ReviewBonus()), BonusReason: as.BonusReason,
		ReturnReason: as.ReturnReason, Submitted: as.Status == evaluation.AssessSubmitted}
	if as.SelfTotal != nil {
		b.SelfTotal = pointsIn(p.Lang, *as.SelfTotal)
	}
	rc := as.ReviewCriteria()
	for _, c := range fw.General {
		b.Criteria = append(b.Criteria, critView{Name: fw.CriterionName(c.ID, p.Lang), Self: pointsIn(p.Lang, as.SelfCriteria[c.ID]),
			Reviewed: pointsIn(p.Lang, rc[c.ID]), Max: pointsIn(p.Lang, c.Max)})
	}
	tasks, err := evaluation.MonthTasks(r.Context(), s.Pool, as.OfficialID, as.Month)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if b.Tasks, err = s.boardTasks(r, p.L, p.Lang, as, tasks); err != nil {
		s.fail(w, r, err)
		return
	}
	if b.Submitted {
		for _, c := range fw.General {
			b.Adjust = append(b.Adjust, adjustView{Field: "c_" + c.ID, Name: fw.CriterionName(c.ID, p.Lang), Options: wholePoints(p.Lang, c.Max, rc[c.ID])})
		}
		if fw.BonusMax > 0 {
			b.BonusChoice = wholePoints(p.Lang, fw.BonusMax, as.ReviewBonus())
		}
		if len(tasks) == 0 {
			cur := grading.Points(-1)
			if as.ManualTaskScore != nil {
				cur = *as.ManualTaskScore
			}
			b.TaskScore = append([]option{{Value: "", Label: "–", Selected: cur < 0}}, wholePoints(p.Lang, fw.TaskMax, cur)...)
		}
	}
	b.SelfLine = selfLine(p.L, as)
	if b.Submitted {
		if b.Outcome, err = s.outcome(r.Context(), p.L, fw, o, as, false); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	switch q := r.URL.Query(); {
	case q.Get("adjusted") != "":
		b.Notice = p.L.T("BoardAdjustedNotice")
	case q.Get("task_saved") != "":
		b.Notice = p.L.T("BoardTaskSavedNotice")
	case q.Get("marked") != "":
		b.Notice = p.L.T("BoardQualityMarkedNotice")
	case q.Get("unmarked") != "":
		b.Notice = p.L.T("BoardQualityUnmarkedNotice")
	}
	fill(&b)
	p.Title = p.L.T("BoardPersonTitle", "Name", o.FullName, "Month", monthLabel(p.Lang, as.Month))
	p.Body = b
	s.render(w, status, "board_person", p)
}

// selfLine is what the self-assessment came to (the total the official saw
// when sending it), that it has not been sent, or that it had no total yet
// (nothing to score the tasks by, e.g. a month without tasks).
func selfLine(l tr, as evaluation.Assessment) string {
	switch {
	case as.Status == evaluation.AssessDraft || as.Status == evaluation.AssessReturned:
		return l.T("BoardNotSentYet")
	case as.SelfTotal != nil:
		return l.T("BoardSelfAsLine", "Total", l.Points(*as.SelfTotal), "Grade", or(as.SelfGrade, "–"))
	}
	return l.T("BoardSelfNoTotal")
}

// outcome is what approving as now would give — the head's copy graded as
// Approve grades it (grades.Card), before the A quota — so the head sees
// the effect of their changes before deciding.
// In short form (a line of the confirmation's list) it is the result alone.
func (s *Server) outcome(ctx context.Context, l tr, fw *grading.Framework, o roster.Official, as evaluation.Assessment, short bool) (string, error) {
	res, _, err := grades.Card(ctx, s.Pool, s.Cal, fw, o, as, true)
	key := "BoardOutcome"
	if short {
		key = "BoardOutcomeShort"
	}
	var ie *grading.InputError
	switch {
	case errors.Is(err, grading.ErrNoTasks):
		return l.T(key + "NeedsTaskScore"), nil
	case errors.As(err, &ie):
		return "", nil
	case err != nil:
		return "", err
	case !res.Graded:
		return l.T(key + "Ungraded"), nil
	}
	return l.T(key, "Total", l.Points(res.Total), "Grade", string(res.Grade)), nil
}

// boardReturn: POST /board/{id}/return sends the self-assessment back with
// the typed reason (reviews.Return); an empty or too long reason shows the
// page again with the text as typed.
func (s *Server) boardReturn(w http.ResponseWriter, r *http.Request) {
	me := s.signedIn(w, r)
	if me == nil {
		return
	}
	id, err1 := strconv.ParseInt(r.PathValue("id"), 10, 64)
	version, err2 := strconv.Atoi(r.PostFormValue("version"))
	if err1 != nil || err2 != nil {
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
		s.renderPerson(w, r, me, http.StatusUnprocessableEntity, func(b *personBody) {
			b.Reason, b.Error = typed, s.Cat.Plain(s.lang(w, withPersonLang(r, me.Language)), key, 0, map[string]any{"Max": maxReasonRunes})
		})
		return
	}
	ctx := r.Context()
	err = store.InTx(ctx, s.Pool, func(tx pgx.Tx) error {
		as, o, err := reviews.Return(ctx, tx, me.ID, id, version, reason, calendar.DateOf(s.now()))
		if err != nil || s.Chat == nil {
			return err
		}
		return s.Chat.Returned(ctx, tx, me.ID, as, o)
	})
	if errors.Is(err, evaluation.ErrAlready) {
		err = nil // the same return pressed twice: done by the first
	}
	if errors.Is(err, evaluation.ErrStale) {
		s.renderPerson(w, r, me, http.StatusConflict, func(b *personBody) {
			b.Reason, b.Error = typed, s.Cat.Plain(s.lang(w, withPersonLang(r, me.Language)), "BoardStale", 0, nil)
		})
		return
	}
	if s.refused(w, r, me, err) {
		return
	}
	s.flush(ctx)
	http.Redirect(w, r, "/board?returned=1", http.StatusSeeOther)
}

// boardApproveOne: POST /board/{id}/approve approves one person; when the
// grade-A quota is full the page asks whom to move to B, and the choice
// (demote) comes back here.
func (s *Server) boardApproveOne(w http.ResponseWriter, r *http.Request) {
	me := s.signedIn(w, r)
	if me == nil {
		return
	}
	id, err1 := strconv.ParseInt(r.PathValue("id"), 10, 64)
	version, err2 := strconv.Atoi(r.PostFormValue("version"))
	if err1 != nil || err2 != nil {
		s.messageAs(w, r, me, http.StatusNotFound, "WebNotFoundTitle", "WebNotFound")
		return
	}
	demote, _ := strconv.ParseInt(r.PostFormValue("demote"), 10, 64)
	ctx := r.Context()
	var res reviews.Approval
	err := store.InTx(ctx, s.Pool, func(tx pgx.Tx) error {
		var err error
		res, err = reviews.Approve(ctx, tx, s.Cal, s.frameworks(), me.ID, id, version, demote, s.now())
		if err != nil || res.Already || res.Quota != nil || res.StaffWaiting > 0 || s.Chat == nil {
			return err
		}
		return s.Chat.Approved(ctx, tx, me.ID, res)
	})
	lang := s.lang(w, withPersonLang(r, me.Language))
	var ie *grading.InputError
	switch {
	case errors.Is(err, evaluation.ErrStale), errors.As(err, &ie):
		s.renderPerson(w, r, me, http.StatusConflict, func(b *personBody) { b.Error = s.Cat.Plain(lang, refusalKey(err), 0, nil) })
		return
	case err == nil && res.StaffWaiting > 0:
		s.renderPerson(w, r, me, http.StatusConflict, func(b *personBody) { b.Error = s.Cat.Plain(lang, "BoardRefusedStaff", 0, nil) })
		return
	case err == nil && res.Quota != nil:
		q := res.Quota
		s.renderPerson(w, r, me, http.StatusOK, func(b *personBody) {
			b.QuotaText = s.Cat.Plain(lang, "BoardQuotaChoose", 0, map[string]any{"Max": q.Max, "Graded": q.Graded})
			for i, c := range q.Candidates {
				b.Quota = append(b.Quota, option{Value: strconv.FormatInt(c, 10), Label: q.Names[i], Selected: c == id})
			}
		})
		return
	}
	if s.refused(w, r, me, err) {
		return
	}
	s.flush(ctx)
	http.Redirect(w, r, "/board?approved=1", http.StatusSeeOther)
}

// boardPage is a page of the board: Telegram's script inside the Mini App.
// Inside Telegram its header shows only what belongs there (the board to a
// reviewer, the person's own pages); a browser keeps the general navigation.
func (s *Server) boardPage(w http.ResponseWriter, r *http.Request, me *dashboard.Actor) *page {
	p := s.newPage(w, r, me)
	p.MiniApp, p.Script, p.Board = s.inMiniApp(r), s.script(), true
	if p.MiniApp && me != nil {
		p.Reviewer = s.landing(r.Context(), me.ID) == "/board"
	}
	return p
}

// pointsIn writes points (hundredths) as the language does: 90,00 in
// Vietnamese (decimal comma), 90.00 in English — locale.Points, as the
// chat's cards do.
func pointsIn(lang string, p grading.Points) string {
	return locale.Points(lang, p)
}

// boardAdjust: POST /board/{id}/adjust sets the head's copy of the criteria
// and the bonus (whole points) that differ from it, and the task score of a
// month without tasks, in one transaction (reviews.AdjustCriterion,
// AdjustBonus, SetTaskScore), and the head's cards in chat show it. The
// form carries the page's version: a page older than the assessment (the
// deputy changed it meanwhile) is shown again with «stale», nothing saved;
// a value that is not a whole number is refused whole, nothing saved.
func (s *Server) boardAdjust(w http.ResponseWriter, r *http.Request) {
	me := s.signedIn(w, r)
	if me == nil {
		return
	}
	id, err1 := strconv.ParseInt(r.PathValue("id"), 10, 64)
	version, err2 := strconv.Atoi(r.PostFormValue("version"))
	if err1 != nil || err2 != nil {
		s.messageAs(w, r, me, http.StatusNotFound, "WebNotFoundTitle", "WebNotFound")
		return
	}
	lang := s.lang(w, withPersonLang(r, me.Language))
	points, ok := adjustChoice(r)
	if !ok {
		s.renderPerson(w, r, me, http.StatusUnprocessableEntity, func(b *personBody) { b.Error = s.Cat.Plain(lang, "BoardBadPoints", 0, nil) })
		return
	}
	ctx := r.Context()
	day := calendar.DateOf(s.now())
	fws := s.frameworks()
	err := store.InTx(ctx, s.Pool, func(tx pgx.Tx) error {
		as, o, err := reviews.OpenForUpdate(ctx, tx, me.ID, id, day)
		if err != nil {
			return err
		}
		if as.Version != version {
			return evaluation.ErrStale
		}
		fw, err := fws(as.FrameworkID)
		if err != nil {
			return err
		}
		changed := false
		rc := as.ReviewCriteria()
		for _, c := range fw.General {
			v, ok := points["c_"+c.ID]
			if !ok || v == rc[c.ID] {
				continue
			}
			if as, err = reviews.AdjustCriterion(ctx, tx, fws, me.ID, id, c.ID, v, day); err != nil {
				return err
			}
			changed = true
		}
		if v, ok := points["bonus"]; ok && fw.BonusMax > 0 && v != as.ReviewBonus() {
			if as, err = reviews.AdjustBonus(ctx, tx, fws, me.ID, id, v, day); err != nil {
				return err
			}
			changed = true
		}
		// A month without tasks: the task score the chat's «nhập điểm
		// nhiệm vụ» enters (reviews.SetTaskScore checks the month has none
		// to score and the range).
		if score, ok := points["task_score"]; ok {
			if as.ManualTaskScore == nil || *as.ManualTaskScore != score {
				if as, _, err = reviews.SetTaskScore(ctx, tx, me.ID, as, fw, score, day); err != nil {
					return err
				}
				changed = true
			}
		}
		if !changed || s.Chat == nil {
			return nil
		}
		return s.Chat.Changed(ctx, tx, me.ID, as, o)
	})
	var ie *grading.InputError
	switch {
	case errors.Is(err, evaluation.ErrStale):
		s.renderPerson(w, r, me, http.StatusConflict, func(b *personBody) { b.Error = s.Cat.Plain(lang, "BoardStale", 0, nil) })
		return
	case errors.Is(err, evaluation.ErrLocked), errors.As(err, &ie):
		s.renderPerson(w, r, me, http.StatusConflict, func(b *personBody) { b.Error = s.Cat.Plain(lang, refusalKey(err), 0, nil) })
		return
	case s.refused(w, r, me, err):
		return
	}
	s.flush(ctx)
	http.Redirect(w, r, "/board/"+strconv.FormatInt(id, 10)+"?adjusted=1", http.StatusSeeOther)
}

// adjustChoice reads the adjust form's whole points: c_<criterion>, bonus
// and task_score (empty: none chosen), each once and a whole number of
// points (0 … 999; the use cases check each one's range). ok is false when
// any field is otherwise — «9e9», «5.5», the field twice — and then nothing
// is saved.
func adjustChoice(r *http.Request) (map[string]grading.Points, bool) {
	out := map[string]grading.Points{}
	for name, vs := range r.PostForm {
		if name != "bonus" && name != "task_score" && !strings.HasPrefix(name, "c_") {
			continue
		}
		if len(vs) != 1 {
			return nil, false
		}
		if name == "task_score" && vs[0] == "" {
			continue
		}
		v, err := strconv.Atoi(vs[0])
		if err != nil || v < 0 || v > 999 || len(vs[0]) > 3 {
			return nil, false
		}
		out[name] = grading.Points(v * 100)
	}
	return out, true
}
