package api

import (
	"net/http"
	"regexp"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/app/assigned"
	"evalbot/internal/calendar"
	"evalbot/internal/report"
	"evalbot/internal/yearly"
)

// pushBody is POST /api/v1/assignments's body (schema AssignmentRequest).
type pushBody struct {
	SourceID       string `json:"source_id"`
	EmployeeCode   string `json:"employee_code"`
	Title          string `json:"title"`
	CatalogueCode  string `json:"catalogue_code"`
	Quantity       int    `json:"quantity"`
	Deadline       string `json:"deadline"`
	SourceDocument string `json:"source_document"`
}

// doneBody is the body of a report that a task is done (schema DoneRequest).
type doneBody struct {
	DoneOn   string `json:"done_on"`
	Document string `json:"document"`
}

// assignmentJSON is an assignment as the API shows it (schema Assignment).
type assignmentJSON struct {
	ID             int64   `json:"id"`
	SourceID       string  `json:"source_id"`
	EmployeeCode   string  `json:"employee_code"`
	Title          string  `json:"title"`
	CatalogueCode  string  `json:"catalogue_code,omitempty"`
	Quantity       int     `json:"quantity,omitempty"`
	Weight         float64 `json:"weight"`
	Deadline       *string `json:"deadline,omitempty"`
	SourceDocument string  `json:"source_document,omitempty"`
	Status         string  `json:"status"`
	PlanKind       string  `json:"plan_kind,omitempty"`
	DeclineReason  string  `json:"decline_reason,omitempty"`
	TaskStatus     string  `json:"task_status,omitempty"`
	DoneOn         *string `json:"done_on,omitempty"`
	DoneDocument   string  `json:"done_document,omitempty"`
	CreatedAt      string  `json:"created_at"`
}

func dateString(d *calendar.Date) *string {
	if d == nil {
		return nil
	}
	s := d.String()
	return &s
}

func toJSON(a assigned.Assignment) assignmentJSON {
	return assignmentJSON{ID: a.ID, SourceID: a.SourceID, EmployeeCode: a.EmployeeCode, Title: a.Title, CatalogueCode: a.ItemCode,
		Quantity: a.Quantity, Weight: float64(a.Weight) / 100, Deadline: dateString(a.Deadline), SourceDocument: a.SourceDocument,
		Status: a.Status, PlanKind: a.PlanKind, DeclineReason: a.DeclineReason, TaskStatus: a.TaskStatus,
		DoneOn: dateString(a.DoneOn), DoneDocument: a.DoneDocument, CreatedAt: a.CreatedAt.UTC().Format(time.RFC3339)}
}

// optionalDate reads an optional ISO date field.
func optionalDate(field, s string) (*calendar.Date, error) {
	if s == "" {
		return nil, nil
	}
	d, err := calendar.ParseDate(s)
	if err != nil {
		return nil, &assigned.FieldError{Field: field, Code: "invalid_date"}
	}
	return &d, nil
}

// push: POST /api/v1/assignments. 201 with the new assignment, 200 with the
// one stored before when the system's source id was pushed already.
func (c *call) push() {
	var b pushBody
	if !c.decode(&b) {
		return
	}
	deadline, err := optionalDate("deadline", b.Deadline)
	if err != nil {
		c.fail(err)
		return
	}
	in := assigned.Input{Today: calendar.DateOf(c.h.now()), SourceID: b.SourceID, EmployeeCode: b.EmployeeCode, Title: b.Title, ItemCode: b.CatalogueCode,
		Quantity: b.Quantity, Deadline: deadline, SourceDocument: b.SourceDocument}
	var a assigned.Assignment
	var created bool
	err = c.inTx(func(tx pgx.Tx) error {
		a, created, err = assigned.Push(c.r.Context(), tx, c.key, in, c.h.notifier())
		return err
	})
	if err != nil {
		c.fail(err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
		c.w.Header().Set("Location", "/api/v1/assignments/"+strconv.FormatInt(a.ID, 10))
	}
	c.json(status, toJSON(a))
}

// lookup reads the assignment of the route: {id} or {source_id}.
func (c *call) lookup(tx pgx.Tx) (assigned.Assignment, error) {
	if s := c.r.PathValue("source_id"); s != "" {
		return assigned.BySource(c.r.Context(), tx, c.key, s)
	}
	id, err := strconv.ParseInt(c.r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return assigned.Assignment{}, assigned.ErrNotFound
	}
	return assigned.Get(c.r.Context(), tx, c.key, id)
}

// get: GET /api/v1/assignments/{id} and /api/v1/by-source/{source_id}.
func (c *call) get() {
	var a assigned.Assignment
	err := c.readTx(func(tx pgx.Tx) error {
		var err error
		a, err = c.lookup(tx)
		return err
	})
	if err != nil {
		c.fail(err)
		return
	}
	c.json(http.StatusOK, toJSON(a))
}

// done: POST /api/v1/assignments/{id}/done and /api/v1/by-source/{source_id}/done.
func (c *call) done() {
	var b doneBody
	if !c.decode(&b) {
		return
	}
	if b.DoneOn == "" {
		c.fail(&assigned.FieldError{Field: "done_on", Code: "required"})
		return
	}
	day, err := optionalDate("done_on", b.DoneOn)
	if err != nil {
		c.fail(err)
		return
	}
	var a assigned.Assignment
	err = c.inTx(func(tx pgx.Tx) error {
		a, err = c.lookup(tx)
		if err != nil {
			return err
		}
		a, err = assigned.Done(c.r.Context(), tx, c.key, a.ID, *day, b.Document, calendar.DateOf(c.h.now()), c.h.notifier())
		return err
	})
	if err != nil {
		c.fail(err)
		return
	}
	c.json(http.StatusOK, toJSON(a))
}

// resultsJSON is schema Results.
type resultsJSON struct {
	Unit   string     `json:"unit"`
	Period string     `json:"period"`
	Kind   string     `json:"kind"`
	Units  []unitJSON `json:"units"`
}

type unitJSON struct {
	Code      string       `json:"code"`
	Name      string       `json:"name"`
	Published *bool        `json:"published,omitempty"`
	People    []personJSON `json:"people"`
}

type personJSON struct {
	EmployeeCode string   `json:"employee_code"`
	FullName     string   `json:"full_name"`
	Position     string   `json:"position"`
	Final        bool     `json:"final"`
	Graded       *bool    `json:"graded,omitempty"`
	Points       *float64 `json:"points,omitempty"`
	Grade        string   `json:"grade,omitempty"`
	Months       *int     `json:"months,omitempty"`
}

var (
	reMonth   = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}$`)
	reQuarter = regexp.MustCompile(`^[0-9]{4}-[Qq][1-4]$`)
	reYear    = regexp.MustCompile(`^[0-9]{4}$`)
)

// results: GET /api/v1/units/{code}/results?period=2026-11 | 2026-Q4 | 2026.
func (c *call) results() {
	period := c.r.URL.Query().Get("period")
	var res *assigned.Results
	kind := ""
	err := c.readTx(func(tx pgx.Tx) error {
		var err error
		code := c.r.PathValue("code")
		switch {
		case reMonth.MatchString(period):
			m, perr := calendar.ParseMonth(period)
			if perr != nil {
				return errPeriod
			}
			kind = "month"
			res, err = assigned.MonthResults(c.r.Context(), tx, c.key, code, m)
		case reQuarter.MatchString(period):
			y, q, perr := report.ParseQuarter(period)
			if perr != nil {
				return errPeriod
			}
			kind = "quarter"
			res, err = assigned.PeriodResults(c.r.Context(), tx, c.key, code, yearly.Period{Year: y, Quarter: q}, period[:5]+"Q"+period[6:])
		case reYear.MatchString(period):
			y, _ := strconv.Atoi(period)
			if y < 1 {
				return errPeriod
			}
			kind = "year"
			res, err = assigned.PeriodResults(c.r.Context(), tx, c.key, code, yearly.Period{Year: y}, period)
		default:
			return errPeriod
		}
		return err
	})
	if err == errPeriod {
		c.problem(http.StatusBadRequest, "invalid_period", map[string]any{"Period": period})
		return
	}
	if err != nil {
		c.fail(err)
		return
	}
	out := resultsJSON{Unit: res.Unit, Period: res.Period, Kind: kind, Units: []unitJSON{}}
	for _, u := range res.Units {
		uj := unitJSON{Code: u.Code, Name: u.Name, People: []personJSON{}}
		if kind == "month" {
			p := u.Published
			uj.Published = &p
		}
		for _, p := range u.People {
			pj := personJSON{EmployeeCode: p.EmployeeCode, FullName: p.FullName, Position: p.Position, Final: p.Final}
			if p.Final {
				g := p.Graded
				pj.Graded = &g
				if kind != "month" {
					n := p.Months
					pj.Months = &n
				}
				if p.Graded {
					pts := float64(p.Total) / 100
					pj.Points, pj.Grade = &pts, string(p.Grade)
				}
			}
			uj.People = append(uj.People, pj)
		}
		out.Units = append(out.Units, uj)
	}
	c.json(http.StatusOK, out)
}

type periodError struct{}

func (periodError) Error() string { return "api: invalid period" }

var errPeriod error = periodError{}
