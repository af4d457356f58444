package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/app/grades"
	"evalbot/internal/app/year"
	"evalbot/internal/calendar"
	"evalbot/internal/grading"
	"evalbot/internal/store"
	"evalbot/internal/yearly"
)

// The official's history (/me/history, kết quả các tháng): every approved
// month's grade card with its breakdown, as the chat's grade card has it
// (the criteria, the tasks' quantity, quality and progress, the bonus, a
// deduction, what the head changed, the rules that moved the grade, the
// grade-A quota's note), newest first (grades.History), and the year's
// summary when the December campaign computed one (year.LoadSummary, read
// only).

type lineView struct{ Name, Points string }

type cardView struct {
	Title, Total string
	NotGraded    bool
	Lines        []lineView
	Notes        []string
	Approved     string
}

type yearView struct {
	Title string
	Lines []string
}

type historyBody struct {
	Nav   meNavView
	Years []yearView
	Cards []cardView
}

// meHistory: GET /me/history.
func (s *Server) meHistory(w http.ResponseWriter, r *http.Request) {
	me := s.signedIn(w, r)
	if me == nil {
		return
	}
	ctx := r.Context()
	p := s.boardPage(w, r, me)
	l, lang := p.L, p.Lang
	cards, err := grades.History(ctx, s.Pool, s.frameworks(), me.ID)
	if s.refused(w, r, me, err) {
		return
	}
	b := historyBody{Nav: meNav(l, "/me/history")}
	today := calendar.DateOf(s.now())
	var years []int
	fwOf := map[int]*grading.Framework{}
	for _, c := range cards {
		if y := c.Assessment.Month.Year; len(years) == 0 || years[len(years)-1] != y {
			years, fwOf[y] = append(years, y), c.Framework
		}
		b.Cards = append(b.Cards, s.cardOf(l, lang, c))
	}
	for _, y := range years {
		// This year's is computed now, as /year in chat does: the one the
		// December campaign stored misses a month approved since («Số tháng
		// được xếp loại: 0» above November's card); an earlier year's stands.
		var sum year.Summary
		err := store.InTx(ctx, s.Pool, func(tx pgx.Tx) error {
			var err error
			sum, err = year.LoadSummary(ctx, tx, me.ID, me.ID, y, today.YearMonth(), today, y == today.Year, yearly.Frameworks(s.frameworks()))
			return err
		})
		if errors.Is(err, yearly.ErrNotFound) {
			continue
		}
		if s.refused(w, r, me, err) {
			return
		}
		b.Years = append(b.Years, yearOf(l, lang, sum, fwOf[y]))
	}
	p.Title = l.T("HistoryPageTitle")
	p.Body = b
	s.render(w, http.StatusOK, "me_history", p)
}

// cardOf is one month's grade card.
func (s *Server) cardOf(l tr, lang string, c grades.MonthCard) cardView {
	as, fw, r := c.Assessment, c.Framework, c.Assessment.Result
	month := monthLabel(lang, as.Month)
	provisional := !c.Published && r != nil && r.Graded && r.Grade == "A"
	title := "GradeTitle"
	switch {
	case c.Published:
		title = "GradeTitleFinal"
	case provisional:
		title = "GradeTitleProvisional"
	}
	v := cardView{Title: l.T(title, "Month", month)}
	if r == nil || !r.Graded {
		v.NotGraded = true
		v.Notes = append(v.Notes, l.T("NotGradedTooFewDays"))
		return v
	}
	v.Total = l.T("HistoryPageTotal", "Total", pointsIn(lang, r.Total), "Grade", string(r.Grade), "GradeName", fw.BandName(r.Grade, lang))
	v.Lines = append(v.Lines, lineView{l.T("HistoryPageGeneral"), pointsIn(lang, r.General-r.Deduction) + "/" + pointsIn(lang, fw.GeneralMax())})
	for _, cl := range r.Breakdown.Criteria {
		v.Lines = append(v.Lines, lineView{"· " + fw.CriterionName(cl.ID, lang), pointsIn(lang, cl.Points) + "/" + pointsIn(lang, cl.Max)})
	}
	tasks := l.T("HistoryPageTasks", "Quantity", percent(lang, r.Breakdown.Quantity), "Quality", percent(lang, r.Breakdown.Quality),
		"Progress", percent(lang, r.Breakdown.Progress))
	if r.Breakdown.Manual {
		tasks = l.T("HistoryPageTasksManual")
	}
	v.Lines = append(v.Lines, lineView{tasks, pointsIn(lang, r.Task) + "/" + pointsIn(lang, fw.TaskMax)})
	if fw.BonusMax > 0 {
		v.Lines = append(v.Lines, lineView{l.T("HistoryPageBonus"), pointsIn(lang, r.Bonus)})
	}
	if r.Deduction > 0 {
		v.Lines = append(v.Lines, lineView{l.T("HistoryPageDeduction"), "−" + pointsIn(lang, r.Deduction)})
	}
	if ch := c.Changes; ch.Any() {
		var parts []string
		for _, id := range ch.Criteria {
			parts = append(parts, l.T("AdjustedCriterion", "Name", fw.CriterionName(id, lang),
				"From", weightText(lang, as.SelfCriteria[id]), "To", weightText(lang, as.Criteria[id])))
		}
		for _, t := range ch.Tasks {
			parts = append(parts, l.T("AdjustedTask", "Title", t))
		}
		if ch.Manual && as.ManualTaskScore != nil {
			parts = append(parts, l.T("AdjustedManual", "Points", weightText(lang, *as.ManualTaskScore)))
		}
		if ch.Bonus && as.Bonus != nil {
			parts = append(parts, l.T("AdjustedBonus", "From", weightText(lang, as.SelfBonus), "To", weightText(lang, *as.Bonus)))
		}
		v.Notes = append(v.Notes, l.T("HistoryPageAdjusted", "Detail", strings.Join(parts, "; ")))
	}
	for _, ov := range r.Overrides {
		v.Notes = append(v.Notes, l.T("Override_"+ov.Code, "Detail", ov.Detail))
	}
	switch {
	case provisional:
		pub := s.Cal.PublicationDay(as.Month, calendar.DefaultPublishDay)
		v.Notes = append(v.Notes, l.T("GradeProvisionalA", "Date", dayLabel(lang, pub)))
	case c.Published && !as.QuotaDemoted:
		v.Notes = append(v.Notes, l.T("GradeQuotaUnchanged"))
	}
	if c.Reviewer != nil {
		v.Approved = l.T("GradeApprovedBy", "Name", c.Reviewer.FullName, "Position", c.Reviewer.Position)
		if c.OnBehalfOf != nil {
			v.Approved += " " + l.T("OnBehalfOf", "Name", c.OnBehalfOf.FullName)
		}
	}
	return v
}

// percent writes a ratio in hundredths of a percent: 93,75 %.
func percent(lang string, p grading.Points) string {
	return pointsIn(lang, p) + " %"
}

// yearOf is the year's summary.
// fw is the framework of the year's latest month (for the grades' names).
func yearOf(l tr, lang string, s year.Summary, fw *grading.Framework) yearView {
	st := s.Stored
	name := func(g grading.Grade) string {
		return l.T("YearGradeName", "Grade", string(g), "Name", fw.BandName(g, lang))
	}
	v := yearView{Title: l.T("HistoryPageYear", "Year", s.Year)}
	v.Lines = append(v.Lines, l.T("HistoryPageYearFigures", "Months", st.Months, "Mean", pointsIn(lang, st.Mean)),
		l.T("YearCardCounts", "A", s.Counts[0], "B", s.Counts[1], "C", s.Counts[2], "D", s.Counts[3]))
	switch {
	case st.Status == yearly.StatusConfirmed && st.Grade != "":
		v.Lines = append(v.Lines, l.T("HistoryPageYearConfirmed", "Grade", name(st.Grade)))
	case st.Status == yearly.StatusAdjusted:
		v.Lines = append(v.Lines, l.T("HistoryPageYearAdjusted", "Grade", name(st.Grade), "From", string(st.ComputedGrade), "Reason", st.Reason))
	case !st.Graded:
		v.Lines = append(v.Lines, l.T("YearCardNotGraded", "Months", st.Months, "Min", s.MinMonths))
	default:
		v.Lines = append(v.Lines, l.T("HistoryPageYearComputed", "Grade", name(st.ComputedGrade)))
	}
	return v
}
