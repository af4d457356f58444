package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"evalbot/internal/calendar"
	"evalbot/internal/dashboard"
	"evalbot/internal/grading"
	"evalbot/internal/locale"
	"evalbot/internal/report"
	"evalbot/internal/signin"
)

// langCookie remembers the language chosen with ?lang= (a year).
const langCookie = "lang"

// sessionCookie is the session cookie's name; on https it takes the
// __Host- prefix, so that it is Secure, for this host only, and Path=/.
func (s *Server) sessionCookie() string {
	if s.secure() {
		return "__Host-evalbot_session"
	}
	return "evalbot_session"
}

// tr renders the locale's messages for one language in a template:
// {{.L.T "WebColUnit"}} or {{.L.T "WebDashTitle" "Month" .Month}}.
type tr struct {
	cat  *locale.Catalog
	lang string
}

// T renders message id with pairs of name, value (plain text: html/template escapes it).
func (t tr) T(id string, kv ...any) string {
	data := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		if k, ok := kv[i].(string); ok {
			data[k] = kv[i+1]
		}
	}
	return t.cat.Plain(t.lang, id, 0, data)
}

// Points writes points with two decimals as the page's language writes
// them: «89,50» in Vietnamese, «89.50» in English ({{$l.Points .Total}}).
func (t tr) Points(p grading.Points) string { return locale.Points(t.lang, p) }

// Int writes a count as the page's language does: «100.000» in
// Vietnamese, «100,000» in English ({{$l.Int .People}}).
func (t tr) Int(n int) string { return locale.Sprintf(t.lang, "%d", n) }

// page is what every template gets.
type page struct {
	L         tr
	Lang      string
	Title     string
	Me        *dashboard.Actor // nil when not signed in
	OtherLang string           // URL of this page in the other language
	Body      any
	Public    bool // a citizen's page: no link to the staff's pages
	MiniApp   bool // opened inside Telegram: telegram-web-app.js is loaded (miniapp.go)
	Script    string
	Board     bool // the review board's pages (their own colours, dark too)
	// Home is where the brand links: the overview for the organization
	// department, else the person's own start (landing), never a page that
	// would refuse them.
	Home     string
	Reviewer bool // in the Mini App: the person reviews someone today (the header links the board)
}

// funcs are the templates' helpers. Numbers are written in the reader's
// language through the page's tr (.L.Points, .L.Int), never language-blind.
var funcs = template.FuncMap{}

// personLang carries, in a request's context, the language of the person
// the request is about (the signed-in official, or a link's owner).
type personLang struct{}

// withPersonLang marks r as being about a person speaking lang.
func withPersonLang(r *http.Request, lang string) *http.Request {
	if lang == "" {
		return r
	}
	return r.WithContext(context.WithValue(r.Context(), personLang{}, lang))
}

// lang picks the request's language: ?lang= (then remembered in a cookie),
// the cookie, the person's own language on the roster, or Vietnamese.
func (s *Server) lang(w http.ResponseWriter, r *http.Request) string {
	if q := r.URL.Query().Get("lang"); q != "" {
		l := locale.Lang(q)
		http.SetCookie(w, &http.Cookie{Name: langCookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, Secure: s.secure(), SameSite: http.SameSiteLaxMode})
		return l
	}
	if c, err := r.Cookie(langCookie); err == nil {
		return locale.Lang(c.Value)
	}
	if l, ok := r.Context().Value(personLang{}).(string); ok {
		return locale.Lang(l)
	}
	return "vi"
}

func (s *Server) newPage(w http.ResponseWriter, r *http.Request, me *dashboard.Actor) *page {
	if me != nil {
		r = withPersonLang(r, me.Language)
	}
	l := s.lang(w, r)
	other := "en"
	if l == "en" {
		other = "vi"
	}
	q := r.URL.Query()
	q.Set("lang", other)
	u := url.URL{Path: r.URL.Path, RawQuery: q.Encode()}
	if r.Method != http.MethodGet {
		u = url.URL{Path: "/", RawQuery: "lang=" + other}
	}
	home := "/"
	if me != nil && !me.Admin {
		home = s.landing(r.Context(), me.ID)
	}
	return &page{L: tr{s.Cat, l}, Lang: l, Me: me, OtherLang: u.String(), Home: home}
}

// render writes template name with status; a template failure is a 500.
func (s *Server) render(w http.ResponseWriter, status int, name string, p *page) {
	var buf bytes.Buffer
	t := s.pages[name]
	if t == nil {
		s.log().Error("web: no template", "name", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		s.log().Error("web: render", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	if p.MiniApp {
		s.miniAppCSP(w)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// message is a page with a title and one paragraph, in the person's language.
func (s *Server) message(w http.ResponseWriter, r *http.Request, status int, titleID, textID string) {
	s.messageAs(w, r, nil, status, titleID, textID)
}

func (s *Server) messageAs(w http.ResponseWriter, r *http.Request, me *dashboard.Actor, status int, titleID, textID string) {
	p := s.newPage(w, r, me)
	p.Title = p.L.T(titleID)
	p.Body = p.L.T(textID)
	s.render(w, status, "message", p)
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	s.log().Error("web: request failed", "path_pattern", r.Pattern, "err", err)
	s.message(w, r, http.StatusInternalServerError, "WebErrorTitle", "WebError")
}

// dashboardRefused answers a refusal of the dashboard's use cases — not the
// organization department (403), a unit outside the admin's subtree (404,
// as if it did not exist), anything else (500) — and says whether it did.
func (s *Server) dashboardRefused(w http.ResponseWriter, r *http.Request, me *dashboard.Actor, err error) bool {
	switch {
	case err == nil:
		return false
	case errors.Is(err, dashboard.ErrNotAdmin):
		s.messageAs(w, r, me, http.StatusForbidden, "WebForbiddenTitle", "WebForbidden")
	case errors.Is(err, dashboard.ErrNotInScope):
		s.messageAs(w, r, me, http.StatusNotFound, "WebNotFoundTitle", "WebNotFound")
	default:
		s.fail(w, r, err)
	}
	return true
}

// sendXLSX answers a workbook written by write as the download name (a
// language's file stem, the period, the unit's code), never cached.
func (s *Server) sendXLSX(w http.ResponseWriter, r *http.Request, name string, write func(io.Writer) error) {
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(buf.Bytes())
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.message(w, r, http.StatusNotFound, "WebNotFoundTitle", "WebNotFound")
}

func (s *Server) crossOrigin(w http.ResponseWriter, r *http.Request) {
	s.message(w, r, http.StatusForbidden, "WebCrossOriginTitle", "WebCrossOrigin")
}

// signedIn returns the signed-in person, or answers the sign-in-needed page
// (401) for a missing, forged, ended or idle cookie and returns nil.
// signedInAdmin is signedIn for the organization department's pages: anyone
// else signed in gets a polite 403 page, and nil.
func (s *Server) signedInAdmin(w http.ResponseWriter, r *http.Request) *dashboard.Actor {
	me := s.signedIn(w, r)
	if me != nil && !me.Admin {
		s.messageAs(w, r, me, http.StatusForbidden, "WebForbiddenTitle", "WebForbidden")
		return nil
	}
	return me
}

func (s *Server) signedIn(w http.ResponseWriter, r *http.Request) *dashboard.Actor {
	c, err := r.Cookie(s.sessionCookie())
	if err == nil {
		id, err := signin.Touch(r.Context(), s.Pool, c.Value, s.now())
		if err == nil {
			me, err := dashboard.WhoIs(r.Context(), s.Pool, id)
			if err == nil {
				return &me
			}
			if !errors.Is(err, dashboard.ErrNotAdmin) {
				s.fail(w, r, err)
				return nil
			}
		} else if !errors.Is(err, signin.ErrNoSession) {
			s.fail(w, r, err)
			return nil
		}
	}
	if s.inMiniApp(r) && r.Method == http.MethodGet {
		s.miniAppAgain(w, r)
		return nil
	}
	s.signInNeeded(w, r)
	return nil
}

// keptFields are the forms' free-text fields (a return reason, a bonus
// reason, the plan's task titles) that a post refused for want of a session
// shows back: what the person typed is not lost with the session.
var keptFields = []string{"reason", "title"}

type signInNeededBody struct {
	Text, KeptLead string
	Kept           []string
}

// signInNeeded is the 401 page: sign in again (inside Telegram: open the
// Mini App again), and the text of a refused post to copy.
func (s *Server) signInNeeded(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(w, r, nil)
	p.Title = p.L.T("WebSignInNeededTitle")
	b := signInNeededBody{Text: p.L.T("WebSignInNeeded")}
	if s.inMiniApp(r) {
		p.MiniApp, p.Script, p.Board = true, s.script(), true
		b.Text = p.L.T("MiniAppExpired")
	}
	if r.Method == http.MethodPost {
		for _, k := range keptFields {
			for _, v := range r.PostForm[k] {
				if strings.TrimSpace(v) != "" {
					b.Kept = append(b.Kept, v)
				}
			}
		}
	}
	if len(b.Kept) > 0 {
		b.KeptLead = p.L.T("WebSignInNeededKept")
	}
	p.Body = b
	s.render(w, http.StatusUnauthorized, "signin_needed", p)
}

// signInPage shows the button that posts the link: a link preview or a
// mail scanner that fetches the URL does not use it up.
func (s *Server) signInPage(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	if !signin.WellFormedToken(token) {
		s.linkFailed(r)
		s.message(w, r, http.StatusNotFound, "WebLinkUnknownTitle", "WebLinkUnknown")
		return
	}
	r = s.linkOwnerLang(r, token)
	p := s.newPage(w, r, nil)
	p.Title = p.L.T("WebSignInTitle")
	p.Body = "/signin/" + token
	s.render(w, http.StatusOK, "signin", p)
}

// linkOwnerLang marks r with the language of the link's owner (none for an
// unknown link; a failed read only loses the language).
// An unknown link is a failure (s.linkFailed).
func (s *Server) linkOwnerLang(r *http.Request, token string) *http.Request {
	l, err := signin.LinkLanguage(r.Context(), s.Pool, token)
	if errors.Is(err, signin.ErrUnknownLink) {
		s.linkFailed(r)
	} else if err != nil {
		s.log().Warn("web: link language", "err", err)
	}
	return withPersonLang(r, l)
}

// linkFailed takes a token of the client's sign-in bucket: a link that is
// not one (malformed, unknown, of someone no longer active) is a guess as
// far as the limit knows (limiter.wrapFailures).
func (s *Server) linkFailed(r *http.Request) { s.links.allow(s.clientNet(r), time.Now()) }

// signIn consumes the link, opens a session and goes to the overview.
func (s *Server) signIn(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	if !signin.WellFormedToken(token) {
		s.linkFailed(r)
		s.message(w, r, http.StatusNotFound, "WebLinkUnknownTitle", "WebLinkUnknown")
		return
	}
	r = s.linkOwnerLang(r, token)
	sess, err := signin.SignIn(r.Context(), s.Pool, token, s.now())
	switch {
	case errors.Is(err, signin.ErrLinkExpired):
		s.message(w, r, http.StatusGone, "WebLinkExpiredTitle", "WebLinkExpired")
		return
	case errors.Is(err, signin.ErrLinkUsed):
		s.message(w, r, http.StatusGone, "WebLinkUsedTitle", "WebLinkUsed")
		return
	case errors.Is(err, signin.ErrUnknownLink), errors.Is(err, signin.ErrInactive):
		if errors.Is(err, signin.ErrInactive) { // an unknown one was counted by linkOwnerLang
			s.linkFailed(r)
		}
		s.message(w, r, http.StatusNotFound, "WebLinkUnknownTitle", "WebLinkUnknown")
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	// A browser-session cookie: the server ends the session at its idle or
	// absolute expiry (internal/signin) whatever the browser keeps.
	http.SetCookie(w, &http.Cookie{Name: s.sessionCookie(), Value: sess.ID, Path: "/",
		HttpOnly: true, Secure: s.secure(), SameSite: http.SameSiteLaxMode})
	s.forgetLang(w)
	// The organization department's people go to their overview, everyone
	// else to the review board (a head, a deputy) or their self-assessment.
	dest := "/"
	if me, err := dashboard.WhoIs(r.Context(), s.Pool, sess.OfficialID); err == nil && !me.Admin {
		dest = s.landing(r.Context(), sess.OfficialID)
	}
	http.Redirect(w, r, dest, http.StatusSeeOther)
}

// forgetLang clears the language chosen in this browser (?lang=, kept a
// year) when someone signs in: on a shared office computer the previous
// person's choice is not the new person's; theirs on the roster applies
// until they choose.
func (s *Server) forgetLang(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.secure(), SameSite: http.SameSiteLaxMode})
}

// signOut ends the session (if any) and clears the cookie.
func (s *Server) signOut(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(s.sessionCookie()); err == nil {
		if err := signin.SignOut(r.Context(), s.Pool, c.Value, s.now()); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: s.sessionCookie(), Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.secure(), SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/signed-out", http.StatusSeeOther)
}

func (s *Server) signedOut(w http.ResponseWriter, r *http.Request) {
	s.message(w, r, http.StatusOK, "WebSignedOutTitle", "WebSignedOut")
}

// monthLabel writes a month as the page's language does: 11/2026; 2026-11.
func monthLabel(lang string, m calendar.Month) string {
	if lang == "en" {
		return m.String()
	}
	return fmt.Sprintf("%02d/%d", int(m.Month), m.Year)
}

func dayLabel(lang string, d calendar.Date) string {
	if lang == "en" {
		return d.String()
	}
	return fmt.Sprintf("%02d/%02d/%d", d.Day, int(d.Month), d.Year)
}

// column is one sortable header of the overview table.
type column struct {
	Label string
	Key   string
	URL   string // the overview sorted by this column (reversed when it is the current one)
	Sort  string // aria-sort: "ascending", "descending" or ""
	Num   bool
}

// dashboardBody is the overview page's data.
type dashboardBody struct {
	Title   string
	Scope   string
	Filter  string
	Sort    string
	NoMatch string
	Columns []column
	Units   []dashboard.UnitMonth // this page's
	Total   dashboard.UnitMonth
	// Charts are the month's picture (dashboard.PictureData.Picture), the
	// one /status sends as a PNG: grades per unit, the trend, satisfaction.
	Charts []chartView
	// Pages: PageOf ("page 2 of 50") and the links to the pages around;
	// empty when everything fits on one.
	PageOf, Prev, Next string
	Exports            []link // the month's workbook of each granted subtree, its quarter's and year's
}

// link is a labelled URL.
type link struct{ Label, URL string }

// unitsPerPage bounds the overview table: a city's 5,000 units come 100 at
// a time (the totals and the chart cover them all).
const unitsPerPage = 100

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) {
	me := s.signedInAdmin(w, r)
	if me == nil {
		return
	}
	q := dashboard.Today(s.Cal, s.now())
	v := r.URL.Query()
	q.Filter = v.Get("q")
	if len(q.Filter) > 100 {
		q.Filter = q.Filter[:100]
	}
	if sort := v.Get("sort"); slices.Contains(dashboard.SortColumns, sort) {
		q.Sort = sort
	}
	q.Desc = v.Get("desc") == "1"
	ov, err := dashboard.Read(r.Context(), s.Pool, me.ID, q)
	if errors.Is(err, dashboard.ErrNotAdmin) {
		s.messageAs(w, r, me, http.StatusForbidden, "WebForbiddenTitle", "WebForbidden")
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pd, err := dashboard.ReadPicture(r.Context(), s.Pool, ov.Who, ov.Month, ov.Total, ov.Units)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pd.ShowTotalBar = true // the subtree's total, even over one unit
	p := s.newPage(w, r, me)
	month := monthLabel(p.Lang, ov.Month)
	p.Title = p.L.T("WebDashTitle", "Month", month)
	b := dashboardBody{Title: p.Title, Filter: q.Filter, Sort: q.Sort, Total: ov.Total,
		Scope: p.L.T("WebDashScope", "Units", strconv.Itoa(ov.UnitsInScope), "People", strconv.Itoa(ov.Total.People),
			"Date", dayLabel(p.Lang, ov.Week.Monday())),
		Charts: pictureViews(pd.Picture(p.L.translate(), func(m calendar.Month) string { return monthLabel(p.Lang, m) }))}
	if len(ov.Units) == 0 {
		b.NoMatch = p.L.T("WebFilterNone", "Value", q.Filter)
	}
	for _, code := range ov.Roots {
		b.Exports = append(b.Exports, link{Label: p.L.T("WebExportLink", "Month", month, "Unit", code),
			URL: "/export.xlsx?" + url.Values{"unit": {code}}.Encode()})
		b.Exports = append(b.Exports, periodLinks(p.L, ov.Month, code)...)
	}
	pages := (len(ov.Units) + unitsPerPage - 1) / unitsPerPage
	page, _ := strconv.Atoi(v.Get("page"))
	page = min(max(page, 1), max(pages, 1))
	b.Units = ov.Units[(page-1)*unitsPerPage : min(len(ov.Units), page*unitsPerPage)]
	if pages > 1 {
		b.PageOf = p.L.T("WebPageOf", "N", strconv.Itoa(page), "Total", strconv.Itoa(pages))
		link := func(n int) string {
			u := url.Values{}
			if q.Filter != "" {
				u.Set("q", q.Filter)
			}
			if q.Sort != "" {
				u.Set("sort", q.Sort)
			}
			if q.Desc {
				u.Set("desc", "1")
			}
			u.Set("page", strconv.Itoa(n))
			return "/?" + u.Encode()
		}
		if page > 1 {
			b.Prev = link(page - 1)
		}
		if page < pages {
			b.Next = link(page + 1)
		}
	}
	for _, c := range []struct{ id, key string }{{"WebColUnit", dashboard.SortName}, {"WebColPeople", dashboard.SortPeople},
		{"WebColPlans", dashboard.SortPlans}, {"WebColSelf", dashboard.SortSelf}, {"WebColApproved", dashboard.SortApproved},
		{"WebColMissing", dashboard.SortMissing}, {"WebColPublished", dashboard.SortPublished}} {
		col := column{Label: p.L.T(c.id), Key: c.key, Num: c.key != dashboard.SortName}
		u := url.Values{}
		if q.Filter != "" {
			u.Set("q", q.Filter)
		}
		u.Set("sort", c.key)
		if q.Sort == c.key {
			col.Sort = "ascending"
			if q.Desc {
				col.Sort = "descending"
			} else {
				u.Set("desc", "1")
			}
		}
		col.URL = "/?" + u.Encode()
		b.Columns = append(b.Columns, col)
	}
	p.Body = b
	s.render(w, http.StatusOK, "dashboard", p)
}

// unitBody is a unit page's data.
type unitBody struct {
	Title   string
	Summary string
	People  []dashboard.Person
	Export  link
	Periods []link // the quarter's and the year's tables of the unit and below
	// Remind is the «remind the missing» button's label, "" when nobody is
	// missing; RemindURL where it posts; Reminded what the last press did.
	Remind, RemindURL, Reminded string
}

func (s *Server) unit(w http.ResponseWriter, r *http.Request) {
	me := s.signedInAdmin(w, r)
	if me == nil {
		return
	}
	q := dashboard.Today(s.Cal, s.now())
	up, err := dashboard.Unit(r.Context(), s.Pool, me.ID, r.PathValue("code"), q)
	if s.dashboardRefused(w, r, me, err) {
		return
	}
	p := s.newPage(w, r, me)
	p.Title = p.L.T("WebUnitTitle", "Unit", up.Unit.Name, "Month", monthLabel(p.Lang, q.Month))
	pub := p.L.T("WebNotPublished")
	if up.Unit.Published {
		pub = p.L.T("WebPublished")
	}
	u := up.Unit
	b := unitBody{Title: p.Title, People: up.People, RemindURL: "/units/" + url.PathEscape(u.Code) + "/remind",
		Export: link{Label: p.L.T("WebExportLink", "Month", monthLabel(p.Lang, q.Month), "Unit", u.Code),
			URL: "/export.xlsx?" + url.Values{"unit": {u.Code}}.Encode()},
		Periods: periodLinks(p.L, q.Month, u.Code),
		Summary: p.L.T("WebUnitSummary", "People", strconv.Itoa(u.People), "Approved", strconv.Itoa(u.Approved),
			"Submitted", strconv.Itoa(u.SelfAssessed), "Missing", strconv.Itoa(u.Missing), "Detail", pub)}
	if u.Missing > 0 {
		b.Remind = p.L.T("WebRemindButton", "N", strconv.Itoa(u.Missing))
	}
	if n, err := strconv.Atoi(r.URL.Query().Get("reminded")); err == nil {
		b.Reminded = p.L.T("WebRemindedNone")
		if n > 0 {
			b.Reminded = p.L.T("WebReminded", "N", strconv.Itoa(n))
		}
	}
	p.Body = b
	s.render(w, http.StatusOK, "unit", p)
}

// export sends the month's workbook (internal/report) of a unit and the
// units below it: ?unit=CODE, in the admin's subtree.
func (s *Server) export(w http.ResponseWriter, r *http.Request) {
	me := s.signedInAdmin(w, r)
	if me == nil {
		return
	}
	q := dashboard.Today(s.Cal, s.now())
	m, err := dashboard.Export(r.Context(), s.Pool, me.ID, r.URL.Query().Get("unit"), q.Month)
	if s.dashboardRefused(w, r, me, err) {
		return
	}
	l := s.newPage(w, r, me).L // the session's language
	s.sendXLSX(w, r, l.T("ExportFileStem")+"-"+q.Month.String()+"-"+m.Root+".xlsx", func(out io.Writer) error {
		return report.WriteXLSX(out, m, report.In(l.cat, l.lang))
	})
}

// trendBody is the trend page's data.
type trendBody struct {
	Title  string
	Chart  chartView
	Months []monthRow // empty when nothing was approved in those months
}

// trend shows the grades of the last months of the admin's subtree.
func (s *Server) trend(w http.ResponseWriter, r *http.Request) {
	me := s.signedInAdmin(w, r)
	if me == nil {
		return
	}
	q := dashboard.Today(s.Cal, s.now())
	months, err := dashboard.Trend(r.Context(), s.Pool, me.ID, q.Month, dashboard.TrendMonths)
	if errors.Is(err, dashboard.ErrNotAdmin) {
		s.messageAs(w, r, me, http.StatusForbidden, "WebForbiddenTitle", "WebForbidden")
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.newPage(w, r, me)
	pd := &dashboard.PictureData{Month: q.Month, Trend: months}
	c := newChartView(pd.TrendPanel(p.L.translate(), func(m calendar.Month) string { return monthLabel(p.Lang, m) }))
	p.Title = c.Title
	b := trendBody{Title: c.Title, Chart: c}
	if len(c.Rows) > 0 {
		for _, m := range months {
			b.Months = append(b.Months, monthRow{Label: monthLabel(p.Lang, m.Month), Approved: m.Approved, Grades: m.Grades})
		}
	}
	p.Body = b
	s.render(w, http.StatusOK, "trend", p)
}

// remind nudges the unit's missing people on Telegram (at most once a day
// each) and comes back to the unit's page, which says what it did.
func (s *Server) remind(w http.ResponseWriter, r *http.Request) {
	me := s.signedInAdmin(w, r)
	if me == nil {
		return
	}
	q := dashboard.Today(s.Cal, s.now())
	code := r.PathValue("code")
	n, err := dashboard.RemindMissing(r.Context(), s.Pool, s.Cat, me.ID, code, q.Month, calendar.DateOf(s.now()))
	if s.dashboardRefused(w, r, me, err) {
		return
	}
	http.Redirect(w, r, "/units/"+url.PathEscape(code)+"?reminded="+strconv.Itoa(n), http.StatusSeeOther)
}
