package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/jackc/pgx/v5"

	"evalbot/internal/api"
	"evalbot/internal/app/apikeys"
	"evalbot/internal/calendar"
	"evalbot/internal/locale"
	"evalbot/internal/pgtest"
	"evalbot/internal/sim"
	"evalbot/internal/store"
	"evalbot/internal/web"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// start is Monday 7 December 2026, 09:00 in Hanoi.
var start = time.Date(2026, 12, 7, 9, 0, 0, 0, calendar.Location)

// world is the sample ward (internal/demo/roster) on a fake Telegram, the
// real web face (with the API) on a test server, and two keys: ward over
// PHB (everyone), culture over PHB-VH only.
type world struct {
	t      *testing.T
	h      *sim.Harness
	srv    *httptest.Server
	doc    *openapi3.T
	router routers.Router
	ward   string
	vh     string
	wardID int64
}

func newWorld(t *testing.T) *world {
	t.Helper()
	pool := pgtest.New(t)
	h, err := sim.New(pool, start, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join("..", "demo", "roster", name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	if err := h.ImportCSV(read("units.csv"), read("officials.csv")); err != nil {
		t.Fatal(err)
	}
	cat, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	// The bot's side as serve wires it: the person is told, the cards follow.
	s := &web.Server{Pool: pool, Cat: cat, Cal: calendar.Default(), Now: h.Clock.Now, Log: slog.New(slog.DiscardHandler), Chat: h.App}
	handler, err := s.Handler()
	if err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, h: h, srv: httptest.NewServer(handler)}
	t.Cleanup(w.srv.Close)
	w.ward, w.wardID = w.key("Hệ thống quản lý văn bản", "PHB")
	w.vh, _ = w.key("Phần mềm giao việc Phòng Văn hóa", "PHB-VH")
	w.doc, err = openapi3.NewLoader().LoadFromData(api.OpenAPI())
	if err != nil {
		t.Fatal(err)
	}
	if err := w.doc.Validate(context.Background()); err != nil {
		t.Fatal(err)
	}
	w.doc.Servers = openapi3.Servers{{URL: w.srv.URL}}
	if w.router, err = gorillamux.NewRouter(w.doc); err != nil {
		t.Fatal(err)
	}
	return w
}

// key creates a key as `evalbot apikey create` does and returns its secret.
func (w *world) key(name, unit string) (string, int64) {
	w.t.Helper()
	var secret string
	var id int64
	err := store.InTx(context.Background(), w.h.Pool, func(tx pgx.Tx) error {
		k, s, err := apikeys.Create(context.Background(), tx, name, unit)
		secret, id = s, k.ID
		return err
	})
	if err != nil {
		w.t.Fatal(err)
	}
	return secret, id
}

// reply is an answer of the API, validated against the OpenAPI document.
type reply struct {
	status int
	header http.Header
	body   []byte
}

func (r reply) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("%s: %v", r.body, err)
	}
}

// problem is a problem+json reply's fields.
func (r reply) problem(t *testing.T) api.Problem {
	t.Helper()
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("status %d, Content-Type %q, want application/problem+json: %s", r.status, ct, r.body)
	}
	var p api.Problem
	r.decode(t, &p)
	if p.Status != r.status {
		t.Errorf("problem status %d in a %d reply", p.Status, r.status)
	}
	return p
}

// do sends a request with a real HTTP client; key "" sends no
// Authorization. headers are pairs (name, value). Every reply is validated
// against the OpenAPI document (its status must be documented); the request
// too when validRequest.
func (w *world) do(method, path, key string, body any, validRequest bool, headers ...string) reply {
	w.t.Helper()
	var raw []byte
	switch b := body.(type) {
	case nil:
	case string:
		raw = []byte(b)
	default:
		var err error
		if raw, err = json.Marshal(b); err != nil {
			w.t.Fatal(err)
		}
	}
	newReq := func() *http.Request {
		var rd io.Reader
		if raw != nil {
			rd = bytes.NewReader(raw)
		}
		req, err := http.NewRequest(method, w.srv.URL+path, rd)
		if err != nil {
			w.t.Fatal(err)
		}
		if raw != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		if key != "" {
			req.Header.Set("Authorization", "Bearer "+key)
		}
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		return req
	}
	resp, err := w.srv.Client().Do(newReq())
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		w.t.Fatal(err)
	}
	r := reply{status: resp.StatusCode, header: resp.Header, body: out}
	// Validate against the document.
	req := newReq()
	route, params, err := w.router.FindRoute(req)
	if err != nil {
		w.t.Fatalf("%s %s: not in the OpenAPI document: %v", method, path, err)
	}
	ctx := context.Background()
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	if validRequest {
		if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
			w.t.Fatalf("%s %s: the request does not follow the document: %v", method, path, err)
		}
	}
	if err := openapi3filter.ValidateResponse(ctx, &openapi3filter.ResponseValidationInput{RequestValidationInput: in,
		Status: r.status, Header: r.header, Body: io.NopCloser(bytes.NewReader(out)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true}}); err != nil {
		w.t.Fatalf("%s %s: the %d reply does not follow the document: %v\n%s", method, path, r.status, err, out)
	}
	return r
}

// count is a single number from SQL.
func (w *world) count(sql string, args ...any) int {
	w.t.Helper()
	var n int
	if err := w.h.Pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		w.t.Fatal(err)
	}
	return n
}

// assignment is the Assignment schema as a test reads it.
type assignment struct {
	ID            int64   `json:"id"`
	SourceID      string  `json:"source_id"`
	EmployeeCode  string  `json:"employee_code"`
	Title         string  `json:"title"`
	Weight        float64 `json:"weight"`
	Deadline      string  `json:"deadline"`
	Status        string  `json:"status"`
	PlanKind      string  `json:"plan_kind"`
	DeclineReason string  `json:"decline_reason"`
	TaskStatus    string  `json:"task_status"`
	DoneOn        string  `json:"done_on"`
	DoneDocument  string  `json:"done_document"`
}

func contains(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}
