// Package api is the HTTP JSON API for task systems (hệ thống quản lý văn
// bản, giao việc) under /api/v1, served on the web listener: a system pushes
// a task assigned to a person, reports it done with the document that proves
// it, and reads a unit's results. It parses requests and renders answers;
// the rules and the authorization live in internal/app/assigned and
// internal/app/apikeys. The contract is the OpenAPI 3 document openapi.json
// (embedded, served at /api/v1/openapi.json, copied to docs/api/).
//
// Every request but the document's authenticates with "Authorization:
// Bearer <secret>", looked up in the database each time (a revoked key is
// refused at once); cookies are never read, so no web session reaches the
// API and there is nothing for a cross-site form to ride on. Each key has its
// own token bucket (golang.org/x/time/rate); failed authentications are
// limited per client address. Errors are RFC 9457 problem details
// (application/problem+json) in the language of Accept-Language (Vietnamese
// by default, English). Every call is recorded in api_calls (method, path,
// status, key) and logged with ids only. Decision 0018.
package api

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/text/language"
	"golang.org/x/time/rate"

	"evalbot/internal/app/apikeys"
	"evalbot/internal/app/assigned"
	"evalbot/internal/locale"
	"evalbot/internal/store"
)

//go:embed openapi.json
var openAPI []byte

// OpenAPI is the API's OpenAPI 3 document, as served.
func OpenAPI() []byte { return openAPI }

// Prefix is the path every route of the API starts with.
const Prefix = "/api/v1/"

// Default limits: per key, 10 requests a second after a burst of 50 (a
// document system pushing a day's assignments at once); per client address,
// one failed authentication a second after 20. A results read (a subtree's
// month, quarter or year: for a city's year 10–15 s of database work) is
// one at a time per key and DefaultHeavy at a time in all: a system polling
// the city's year every second within its rate would otherwise hold every
// connection of the pool, and the bot and the web pages with it.
const (
	DefaultRate  = 10
	DefaultBurst = 50
	DefaultHeavy = 2
	maxBody      = 64 << 10
	// busyRetry is the Retry-After of a results read refused as busy.
	busyRetry = 5 * time.Second
)

// Handler serves the API. Pool and Cat are required; Now defaults to
// time.Now, Log to slog.Default(), ClientIP to the connection's address,
// Rate, Burst and Heavy to DefaultRate, DefaultBurst and DefaultHeavy.
// Chat is the bot's side (telegram.App): the person is told of a task
// pushed or reported done, and the cards in chat follow; nil without a bot.
type Handler struct {
	Pool     *pgxpool.Pool
	Cat      *locale.Catalog
	Now      func() time.Time
	Log      *slog.Logger
	ClientIP func(*http.Request) string
	Rate     float64
	Burst    int
	Heavy    int
	Chat     Chat

	once    sync.Once
	mux     *http.ServeMux
	mu      sync.Mutex
	perKey  map[int64]*rate.Limiter
	perAddr map[string]*rate.Limiter
	heavy   int            // results reads under way
	reading map[int64]bool // the keys with one under way
}

func (h *Handler) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

func (h *Handler) log() *slog.Logger {
	if h.Log != nil {
		return h.Log
	}
	return slog.Default()
}

// call is one request being served.
type call struct {
	h      *Handler
	w      http.ResponseWriter
	r      *http.Request
	lang   string
	key    apikeys.Key
	status int
}

// ServeHTTP routes one request under Prefix.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.once.Do(h.routes)
	h.mux.ServeHTTP(w, r)
}

func (h *Handler) routes() {
	h.perKey, h.perAddr, h.reading = map[int64]*rate.Limiter{}, map[string]*rate.Limiter{}, map[int64]bool{}
	m := http.NewServeMux()
	m.HandleFunc("GET /api/v1/openapi.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "public, max-age=3600")
		w.Write(openAPI)
	})
	m.Handle("POST /api/v1/assignments", h.authed((*call).push))
	m.Handle("GET /api/v1/assignments/{id}", h.authed((*call).get))
	m.Handle("POST /api/v1/assignments/{id}/done", h.authed((*call).done))
	m.Handle("GET /api/v1/by-source/{source_id}", h.authed((*call).get))
	m.Handle("POST /api/v1/by-source/{source_id}/done", h.authed((*call).done))
	m.Handle("GET /api/v1/units/{code}/results", h.authed(h.oneAtATime((*call).results)))
	// The same paths with another method: 405 with Allow, as a problem.
	for path, allow := range map[string]string{
		"/api/v1/assignments":                "POST",
		"/api/v1/assignments/{id}":           "GET",
		"/api/v1/assignments/{id}/done":      "POST",
		"/api/v1/by-source/{source_id}":      "GET",
		"/api/v1/by-source/{source_id}/done": "POST",
		"/api/v1/units/{code}/results":       "GET",
	} {
		m.Handle(path, h.authed(func(c *call) {
			c.w.Header().Set("Allow", allow)
			c.problem(http.StatusMethodNotAllowed, "method_not_allowed", map[string]any{"Allow": allow})
		}))
	}
	m.Handle("/api/", h.authed(func(c *call) { c.problem(http.StatusNotFound, "not_found", nil) }))
	h.mux = m
}

// authed wraps a route: the language, the key, the key's rate, the record of
// the call.
func (h *Handler) authed(fn func(*call)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := &call{h: h, w: w, r: r, lang: acceptLanguage(r.Header.Get("Accept-Language"))}
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Content-Language", c.lang)
		defer c.record()
		if c.authenticate() {
			fn(c)
		}
	})
}

// languages are the API's, Vietnamese first: the default.
var languages = language.NewMatcher([]language.Tag{language.Vietnamese, language.English})

// acceptLanguage picks vi or en from an Accept-Language header.
func acceptLanguage(header string) string {
	tags, _, err := language.ParseAcceptLanguage(header)
	if err != nil || len(tags) == 0 {
		return "vi"
	}
	tag, _, _ := languages.Match(tags...)
	if base, _ := tag.Base(); base.String() == "en" {
		return "en"
	}
	return "vi"
}

// authenticate finds the request's key and takes a token of its bucket;
// otherwise it answers 401 or 429 and returns false.
func (c *call) authenticate() bool {
	secret, ok := bearer(c.r.Header.Get("Authorization"))
	var k apikeys.Key
	var err error
	if ok && strings.TrimSpace(secret) != "" {
		k, err = apikeys.Authenticate(c.r.Context(), c.h.Pool, strings.TrimSpace(secret))
	} else {
		err = apikeys.ErrNotFound
	}
	if err != nil {
		if !errors.Is(err, apikeys.ErrNotFound) && !errors.Is(err, apikeys.ErrRevoked) {
			c.fail(err)
			return false
		}
		if wait := c.h.take(c.h.addrLimiter(c.clientIP())); wait > 0 {
			c.tooMany(wait)
			return false
		}
		c.w.Header().Set("WWW-Authenticate", `Bearer realm="evalbot"`)
		code := "unauthorized"
		if errors.Is(err, apikeys.ErrRevoked) {
			code = "key_revoked"
		}
		c.problem(http.StatusUnauthorized, code, nil)
		return false
	}
	c.key = k
	if wait := c.h.take(c.h.keyLimiter(k.ID)); wait > 0 {
		c.tooMany(wait)
		return false
	}
	return true
}

// bearer is the credentials of an Authorization header of the Bearer
// scheme, whose name is case-insensitive (RFC 9110 §11.1, RFC 6750 §2.1):
// "bearer evk_…" and "BEARER evk_…" are "Bearer evk_…".
func bearer(header string) (string, bool) {
	scheme, cred, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	return cred, true
}

func (c *call) clientIP() string {
	if c.h.ClientIP != nil {
		return c.h.ClientIP(c.r)
	}
	host, _, err := net.SplitHostPort(c.r.RemoteAddr)
	if err != nil {
		return c.r.RemoteAddr
	}
	return host
}

func (h *Handler) keyLimiter(id int64) *rate.Limiter {
	h.mu.Lock()
	defer h.mu.Unlock()
	l := h.perKey[id]
	if l == nil {
		r, b := h.Rate, h.Burst
		if r <= 0 {
			r = DefaultRate
		}
		if b <= 0 {
			b = DefaultBurst
		}
		l = rate.NewLimiter(rate.Limit(r), b)
		h.perKey[id] = l
	}
	return l
}

// addrLimiter is a client address's bucket of failed authentications; the
// map starts over past 10,000 addresses (bounded memory).
func (h *Handler) addrLimiter(ip string) *rate.Limiter {
	h.mu.Lock()
	defer h.mu.Unlock()
	l := h.perAddr[ip]
	if l == nil {
		if len(h.perAddr) >= 10000 {
			clear(h.perAddr)
		}
		l = rate.NewLimiter(1, 20)
		h.perAddr[ip] = l
	}
	return l
}

// take takes a token at the handler's now, or tells how long until one is
// free (the token is then not taken).
func (h *Handler) take(l *rate.Limiter) time.Duration {
	now := h.now()
	r := l.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return d
	}
	return 0
}

// oneAtATime wraps a heavy read: while the key has one under way, or
// Heavy are under way in all, it answers 429 busy at once (Retry-After
// busyRetry) instead of queueing the work behind them.
func (h *Handler) oneAtATime(fn func(*call)) func(*call) {
	limit := h.Heavy
	if limit <= 0 {
		limit = DefaultHeavy
	}
	return func(c *call) {
		h.mu.Lock()
		if h.reading[c.key.ID] || h.heavy >= limit {
			h.mu.Unlock()
			c.w.Header().Set("Retry-After", strconv.Itoa(int(busyRetry.Seconds())))
			c.problem(http.StatusTooManyRequests, "busy", map[string]any{"Seconds": int(busyRetry.Seconds())})
			return
		}
		h.reading[c.key.ID] = true
		h.heavy++
		h.mu.Unlock()
		defer func() {
			h.mu.Lock()
			delete(h.reading, c.key.ID)
			h.heavy--
			h.mu.Unlock()
		}()
		fn(c)
	}
}

func (c *call) tooMany(wait time.Duration) {
	secs := int(math.Ceil(wait.Seconds()))
	c.w.Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
	c.problem(http.StatusTooManyRequests, "rate_limited", map[string]any{"Seconds": max(secs, 1)})
}

// record writes the call to api_calls and the log: method, the path (ids and
// unit codes, never the query or the body), status, key id.
func (c *call) record() {
	var key any
	if c.key.ID != 0 {
		key = c.key.ID
	} else if c.status == http.StatusTooManyRequests {
		// A client address over its failed authentications: not written,
		// so a flood of bad keys cannot fill the table (the 401s before
		// it, one a second, are).
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.r.Context()), 5*time.Second)
	defer cancel()
	if _, err := c.h.Pool.Exec(ctx, `INSERT INTO api_calls (api_key_id, method, path, status) VALUES ($1, $2, $3, $4)`,
		key, c.r.Method, recordedPath(c.r.URL.Path), c.status); err != nil {
		c.h.log().Warn("api: recording a call", "err", err)
	}
	c.h.log().Info("api call", "method", c.r.Method, "route", c.r.Pattern, "status", c.status, "api_key", c.key.ID)
}

// maxRecordedPath bounds the path api_calls keeps of a call, in bytes: the
// longest route with a source id of MaxSourceIDRunes fits; a longer path
// (a client's 1 MB of junk, one a second per address even without a key)
// is cut, so the log cannot be made to grow by the megabyte.
const maxRecordedPath = 512

// recordedPath is path as api_calls keeps it: at most maxRecordedPath
// bytes, cut on a character boundary and marked with «…».
func recordedPath(path string) string {
	if len(path) <= maxRecordedPath {
		return path
	}
	return strings.ToValidUTF8(path[:maxRecordedPath], "") + "…"
}

// json answers status with v as JSON.
func (c *call) json(status int, v any) {
	c.status = status
	c.w.Header().Set("Content-Type", "application/json")
	c.w.WriteHeader(status)
	c.encode(v)
}

// encode writes v as JSON (the status line is written).
func (c *call) encode(v any) {
	enc := json.NewEncoder(c.w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		c.h.log().Warn("api: writing a reply", "err", err)
	}
}

// decode reads the request's JSON body into v, strictly (one object, at
// most 64 KiB, only v's field names, each once and spelled exactly as
// documented); false after answering 400.
func (c *call) decode(v any) bool {
	raw, err := io.ReadAll(io.LimitReader(c.r.Body, maxBody))
	if err == nil {
		err = exactNames(raw, v)
	}
	if err == nil {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		err = dec.Decode(v)
		if err == nil && dec.More() {
			err = errors.New("trailing data")
		}
	}
	if err != nil {
		c.problem(http.StatusBadRequest, "invalid_body", nil)
		return false
	}
	return true
}

// exactNames checks that raw is a JSON object whose names are json tags of
// struct *v, each at most once. encoding/json alone takes the last of two
// "employee_code" (a gateway that checked the first would be fooled) and
// matches names without regard to case ("EMPLOYEE_CODE"), which the
// OpenAPI document does not allow.
func exactNames(raw []byte, v any) error {
	known := map[string]bool{}
	t := reflect.TypeOf(v).Elem()
	for i := range t.NumField() {
		if name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); name != "" && name != "-" {
			known[name] = true
		}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return errors.New("not an object")
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		name, _ := tok.(string)
		if !known[name] || seen[name] {
			return errors.New("unknown or repeated name")
		}
		seen[name] = true
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return err
		}
	}
	return nil
}

// inTx runs fn in one transaction (one user action).
// Chat is what the API needs of the bot: its side of the use cases, and
// sending the card edits they queued once the call committed.
type Chat interface {
	assigned.Notifier
	FlushCards(ctx context.Context) error
}

// notifier is the chat's side of the use cases, or none.
func (h *Handler) notifier() assigned.Notifier {
	if h.Chat == nil {
		return nil
	}
	return h.Chat
}

// inTx runs fn in one transaction; once it committed, the card edits it
// queued in chat are sent (a failure there is logged: the outbox's sweep
// sends them later).
func (c *call) inTx(fn func(tx pgx.Tx) error) error {
	if err := store.InTx(c.r.Context(), c.h.Pool, fn); err != nil {
		return err
	}
	if c.h.Chat != nil {
		if err := c.h.Chat.FlushCards(c.r.Context()); err != nil {
			c.h.log().Warn("api: chat cards", "err", err)
		}
	}
	return nil
}

// readTx runs fn in a read-only repeatable-read transaction: one snapshot.
func (c *call) readTx(fn func(tx pgx.Tx) error) error {
	tx, err := c.h.Pool.BeginTx(c.r.Context(), pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return err
	}
	defer tx.Rollback(context.WithoutCancel(c.r.Context()))
	return fn(tx)
}
