package web

import (
	"io"
	"net/http"
	"net/url"
	"strconv"

	"evalbot/internal/calendar"
	"evalbot/internal/dashboard"
	"evalbot/internal/report"
	"evalbot/internal/yearly"
)

// quarterRoman names quarters as the office writes them (quý IV/2026).
var quarterRoman = [...]string{"I", "II", "III", "IV"}

// periodLinks are the downloads of the quarter and the year that month m
// belongs to, for the subtree of unit code: the roll-ups in the office's
// layout (/export-period.xlsx).
func periodLinks(l tr, m calendar.Month, code string) []link {
	q := yearly.Period{Year: m.Year, Quarter: (int(m.Month)-1)/3 + 1}
	y := yearly.Period{Year: m.Year}
	return []link{
		{Label: l.T("WebExportQuarterLink", "Roman", quarterRoman[q.Quarter-1], "Quarter", strconv.Itoa(q.Quarter), "Year", strconv.Itoa(q.Year), "Unit", code),
			URL: "/export-period.xlsx?" + url.Values{"unit": {code}, "period": {q.String()}}.Encode()},
		{Label: l.T("WebExportYearLink", "Year", strconv.Itoa(y.Year), "Unit", code),
			URL: "/export-period.xlsx?" + url.Values{"unit": {code}, "period": {y.String()}}.Encode()},
	}
}

// parsePeriod reads ?period=: a quarter (2026-Q4) or a year (2026).
func parsePeriod(s string) (yearly.Period, bool) {
	if y, q, err := report.ParseQuarter(s); err == nil {
		return yearly.Period{Year: y, Quarter: q}, true
	}
	if y, err := strconv.Atoi(s); err == nil && len(s) == 4 && y >= 1 {
		return yearly.Period{Year: y}, true
	}
	return yearly.Period{}, false
}

// exportPeriod sends the quarter's or the year's table (internal/yearly,
// report.WritePeriodXLSX: the office's layout) of a unit and the units
// below it: ?unit=CODE&period=2026-Q4 or 2026, in the admin's subtree,
// authorized and audited as the month's download is.
func (s *Server) exportPeriod(w http.ResponseWriter, r *http.Request) {
	me := s.signedInAdmin(w, r)
	if me == nil {
		return
	}
	p, ok := parsePeriod(r.URL.Query().Get("period"))
	if !ok { // a hand-edited link: say what the period looks like
		s.messageAs(w, r, me, http.StatusBadRequest, "WebBadPeriodTitle", "WebBadPeriod")
		return
	}
	res, err := dashboard.ExportPeriod(r.Context(), s.Pool, me.ID, r.URL.Query().Get("unit"), p)
	if s.dashboardRefused(w, r, me, err) {
		return
	}
	l := s.newPage(w, r, me).L // the session's language
	s.sendXLSX(w, r, l.T("ExportFileStem")+"-"+p.String()+"-"+res.Root+".xlsx", func(out io.Writer) error {
		return report.WritePeriodXLSX(out, res, report.In(l.cat, l.lang))
	})
}
