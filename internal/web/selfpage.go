package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/app/access"
	"evalbot/internal/app/selfassess"
	"evalbot/internal/calendar"
	"evalbot/internal/dashboard"
	"evalbot/internal/evaluation"
	"evalbot/internal/grading"
	"evalbot/internal/store"
	"evalbot/internal/textnorm"
)

// The official's self-assessment on one page (tự đánh giá, issue 24): the
// criteria and the bonus chosen at once, the provisional total and grade
// recomputed by «Tính lại» (one round trip, nothing lost), and «Gửi đánh
// giá». Through internal/app/selfassess; the chat's card follows and the
// head gets the review card (ChatCards).

type selfBody struct {
	ID, Version        int64
	Month              string
	Criteria           []adjustView
	BonusChoice        []option
	Reason             string
	Provisional        string
	Editable           bool
	Status, Notice     string
	Error, ReturnedWhy string
	Nav                meNavView
}

// selfPage: GET /me/assess.
func (s *Server) selfPage(w http.ResponseWriter, r *http.Request) {
	me := s.signedIn(w, r)
	if me == nil {
		return
	}
	pg, err := selfassess.OpenPage(r.Context(), s.Pool, s.Cal, s.frameworks(), me.ID, s.boardMonth())
	if s.refused(w, r, me, err) {
		return
	}
	notice := ""
	switch {
	case r.URL.Query().Get("sent") != "":
		notice = "SelfPageSent"
	case r.URL.Query().Get("saved") != "":
		notice = "SelfPageSaved"
	}
	s.renderSelf(w, r, me, http.StatusOK, pg, notice, "", nil)
}

// renderSelf writes the page; form, after a refused post, keeps what was
// chosen and typed.
func (s *Server) renderSelf(w http.ResponseWriter, r *http.Request, me *dashboard.Actor, status int, pg selfassess.Page, noticeKey, errKey string, form *http.Request) {
	p := s.boardPage(w, r, me)
	as, fw := pg.Assessment, pg.Framework
	b := selfBody{ID: as.ID, Version: int64(as.Version), Month: monthLabel(p.Lang, as.Month), Editable: pg.Editable,
		Reason: as.BonusReason, ReturnedWhy: as.ReturnReason, Status: p.L.T("WebStatus_" + as.Status)}
	b.Nav = meNav(p.L, "/me/assess")
	chosen := func(field string, cur grading.Points) grading.Points {
		if form != nil {
			if v, err := strconv.Atoi(form.PostFormValue(field)); err == nil {
				return grading.Points(v * 100)
			}
		}
		return cur
	}
	for _, c := range fw.General {
		b.Criteria = append(b.Criteria, adjustView{Field: "c_" + c.ID, Name: fw.CriterionName(c.ID, p.Lang),
			Options: wholePoints(p.Lang, c.Max, chosen("c_"+c.ID, as.SelfCriteria[c.ID]))})
	}
	if fw.BonusMax > 0 {
		b.BonusChoice = wholePoints(p.Lang, fw.BonusMax, chosen("bonus", as.SelfBonus))
	}
	if form != nil {
		b.Reason = form.PostFormValue("reason")
	}
	if pg.GradeErr != nil || !pg.Result.Graded {
		b.Provisional = p.L.T("SelfPageNoGrade")
	} else {
		b.Provisional = p.L.T("SelfPageProvisional", "Total", pointsIn(p.Lang, pg.Result.Total), "Grade", string(pg.Result.Grade))
	}
	if noticeKey != "" {
		b.Notice = p.L.T(noticeKey)
	}
	if errKey != "" {
		b.Error = p.L.T(errKey, "Max", maxReasonRunes)
	}
	p.Title = p.L.T("SelfPageTitle", "Month", b.Month)
	p.Body = b
	s.render(w, status, "self", p)
}

// selfSave: POST /me/assess saves the choice (action=save) or saves and
// sends it (action=submit), in one transaction.
func (s *Server) selfSave(w http.ResponseWriter, r *http.Request) {
	me := s.signedIn(w, r)
	if me == nil {
		return
	}
	id, err1 := strconv.ParseInt(r.PostFormValue("id"), 10, 64)
	version, err2 := strconv.Atoi(r.PostFormValue("version"))
	if err1 != nil || err2 != nil {
		s.messageAs(w, r, me, http.StatusNotFound, "WebNotFoundTitle", "WebNotFound")
		return
	}
	ctx := r.Context()
	choice, ok := selfChoice(r)
	var errKey string
	if !ok {
		errKey = "SelfPageBadPoints"
	} else if choice.Bonus > 0 {
		reason, err := textnorm.Field(r.PostFormValue("reason"), maxReasonRunes)
		switch {
		case errors.Is(err, textnorm.ErrTooLong):
			errKey = "BoardReasonTooLong"
		case err != nil:
			errKey = "SelfPageNoReason"
		}
		choice.Reason = reason
	}
	submit := r.PostFormValue("action") == "submit"
	if errKey == "" {
		err := store.InTx(ctx, s.Pool, func(tx pgx.Tx) error {
			var n selfassess.Notifier
			if s.Chat != nil {
				n = s.Chat
			}
			_, err := selfassess.Save(ctx, tx, s.Cal, s.frameworks(), me.ID, id, version, choice, submit, s.now(), n)
			return err
		})
		var ie *grading.InputError
		switch {
		case err == nil:
			s.flush(ctx)
			dest := "/me/assess?saved=1"
			if submit {
				dest = "/me/assess?sent=1"
			}
			http.Redirect(w, r, dest, http.StatusSeeOther)
			return
		case errors.Is(err, evaluation.ErrStale):
			errKey = "SelfPageStale"
		case errors.Is(err, evaluation.ErrLocked):
			errKey = "SelfPageLocked"
		case errors.Is(err, selfassess.ErrNoReviewer):
			errKey = "SelfPageNoReviewer"
		case errors.Is(err, selfassess.ErrNoReason):
			errKey = "SelfPageNoReason"
		case errors.As(err, &ie):
			errKey = "SelfPageBadPoints"
		case s.refused(w, r, me, err):
			return
		}
	}
	pg, err := selfassess.OpenPage(ctx, s.Pool, s.Cal, s.frameworks(), me.ID, s.boardMonth())
	if s.refused(w, r, me, err) {
		return
	}
	s.renderSelf(w, r, me, http.StatusConflict, pg, "", errKey, r)
}

// selfChoice reads the self-assessment form's choice: c_<criterion> and
// bonus, whole points. ok is false when one of them is there but is not one
// whole number ("9e9", "", "5.5", the field twice): such a form is refused
// whole, not saved without it (the use case checks the ranges).
func selfChoice(r *http.Request) (selfassess.Choice, bool) {
	choice := selfassess.Choice{Criteria: map[string]grading.Points{}}
	points := func(vs []string) (grading.Points, bool) {
		if len(vs) != 1 {
			return 0, false
		}
		v, err := strconv.ParseInt(vs[0], 10, 16)
		return grading.Points(v * 100), err == nil
	}
	for k, vs := range r.PostForm {
		if c, isCrit := strings.CutPrefix(k, "c_"); isCrit {
			p, ok := points(vs)
			if !ok {
				return choice, false
			}
			choice.Criteria[c] = p
		}
	}
	if vs, there := r.PostForm["bonus"]; there {
		p, ok := points(vs)
		if !ok {
			return choice, false
		}
		choice.Bonus = p
	}
	return choice, true
}

// landing is where a signed-in person starts: the review board for whoever
// reviews someone today, else their own self-assessment.
func (s *Server) landing(ctx context.Context, officialID int64) string {
	people, err := access.Reviewees(ctx, s.Pool, officialID, calendar.DateOf(s.now()))
	if err == nil && len(people) == 0 {
		return "/me/assess"
	}
	return "/board"
}
