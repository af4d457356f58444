package ops

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"evalbot/internal/calendar"
	"evalbot/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func get(t *testing.T, srv *httptest.Server, path string) (int, string) {
	t.Helper()
	res, err := srv.Client().Get(srv.URL + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body)
}

// seed puts one pending outbox message and one submitted self-assessment of
// this month in the database.
func seed(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	ctx := context.Background()
	month := calendar.MonthOf(time.Now()).First().String()
	_, err := pool.Exec(ctx, `
		WITH u AS (INSERT INTO units (code, name) VALUES ('T', 'Test') RETURNING id),
		     o AS (INSERT INTO officials (employee_code, full_name, unit_id, category)
		           SELECT 'T1', 'Test Person', id, 'cong_chuc' FROM u RETURNING id),
		     a AS (INSERT INTO assessments (official_id, month, framework_id, framework_version, status)
		           SELECT id, $1::date, 'hanoi-3814-2018', '1', 'submitted' FROM o RETURNING id),
		     old AS (INSERT INTO assessments (official_id, month, framework_id, framework_version, status)
		           SELECT id, $1::date - interval '1 year', 'hanoi-3814-2018', '1', 'submitted' FROM o RETURNING id)
		INSERT INTO outbox (chat_id, payload) VALUES (1, '{"text":"x"}'), (2, '{"text":"y"}')`, month)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `UPDATE outbox SET state = 'sent' WHERE chat_id = 2`); err != nil {
		t.Fatal(err)
	}
}

func TestEndpoints(t *testing.T) {
	pool := pgtest.New(t)
	seed(t, pool)
	reg := NewRegistry()
	m, err := NewMetrics(reg, pool)
	if err != nil {
		t.Fatal(err)
	}
	m.Sent()
	m.Sent()
	m.Failed(ReasonForbidden)
	m.Failed("some error text with a name in it") // counted as other, never as a label
	m.TooMany()
	m.ObserveHandler(30 * time.Millisecond)
	m.ObserveHandlerKind(KindCallback, 5*time.Millisecond)

	srv := httptest.NewServer(Handler(pool, reg))
	defer srv.Close()

	if code, body := get(t, srv, "/healthz"); code != http.StatusOK || strings.TrimSpace(body) != "ok" {
		t.Errorf("/healthz: %d %q", code, body)
	}
	if code, body := get(t, srv, "/readyz"); code != http.StatusOK || strings.TrimSpace(body) != "ready" {
		t.Errorf("/readyz: %d %q", code, body)
	}
	code, body := get(t, srv, "/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics: %d", code)
	}
	for _, want := range []string{
		"evalbot_messages_sent_total 2",
		`evalbot_messages_failed_total{reason="forbidden"} 1`,
		`evalbot_messages_failed_total{reason="other"} 1`,
		`evalbot_messages_failed_total{reason="bad_request"} 0`,
		"evalbot_telegram_429_total 1",
		`evalbot_handler_seconds_count{kind="other"} 1`,
		`evalbot_handler_seconds_count{kind="callback"} 1`,
		`evalbot_handler_seconds_bucket{kind="other",le="0.05"} 1`,
		"evalbot_outbox_depth 1",
		"evalbot_pending_reviews 1", // this month's; the one a year old is not counted
		"evalbot_db_up 1",
		"go_goroutines",
		"process_resident_memory_bytes",
	} {
		if !strings.Contains(body, want+"\n") && !strings.Contains(body, want+" ") {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if strings.Contains(body, "name in it") {
		t.Error("a free-text reason reached the metrics")
	}
	if code, _ := get(t, srv, "/nope"); code != http.StatusNotFound {
		t.Errorf("/nope: %d", code)
	}
}

func TestReadyzMigrations(t *testing.T) {
	pool := pgtest.New(t)
	srv := httptest.NewServer(Handler(pool, NewRegistry()))
	defer srv.Close()
	ctx := context.Background()

	if _, err := pool.Exec(ctx, `UPDATE schema_version SET version = version - 1`); err != nil {
		t.Fatal(err)
	}
	if code, body := get(t, srv, "/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "migrations behind") {
		t.Errorf("/readyz with a migration missing: %d %q", code, body)
	}
	if _, err := pool.Exec(ctx, `UPDATE schema_version SET version = version + 2`); err != nil {
		t.Fatal(err)
	}
	if code, body := get(t, srv, "/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "migrations ahead") {
		t.Errorf("/readyz with a newer schema: %d %q", code, body)
	}
	if _, err := pool.Exec(ctx, `DROP TABLE schema_version`); err != nil {
		t.Fatal(err)
	}
	if code, body := get(t, srv, "/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "unreadable") {
		t.Errorf("/readyz without a version table: %d %q", code, body)
	}
	// Ready only reads: no advisory lock is left behind on any connection.
	var locks int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'`).Scan(&locks); err != nil || locks != 0 {
		t.Errorf("advisory locks held: %d %v", locks, err)
	}
}

// TestReadyzDatabaseDown drops the database under a live pool: /readyz turns
// 503 at once, /healthz stays 200, /metrics still answers with db_up 0.
func TestReadyzDatabaseDown(t *testing.T) {
	pool := pgtest.New(t)
	reg := NewRegistry()
	if _, err := NewMetrics(reg, pool); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(Handler(pool, reg))
	defer srv.Close()
	if code, _ := get(t, srv, "/readyz"); code != http.StatusOK {
		t.Fatalf("/readyz before: %d", code)
	}

	ctx := context.Background()
	cfg := pool.Config().ConnConfig.Copy()
	name := cfg.Database
	cfg.Database = "postgres"
	admin, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, fmt.Sprintf(`DROP DATABASE %s WITH (FORCE)`, pgx.Identifier{name}.Sanitize())); err != nil {
		t.Fatal(err)
	}

	start := time.Now()
	code, body := get(t, srv, "/readyz")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "database unreachable") {
		t.Errorf("/readyz with the database gone: %d %q", code, body)
	}
	if d := time.Since(start); d > ReadyTimeout+time.Second {
		t.Errorf("/readyz took %s", d)
	}
	if code, _ := get(t, srv, "/healthz"); code != http.StatusOK {
		t.Errorf("/healthz with the database gone: %d", code)
	}
	code, body = get(t, srv, "/metrics")
	if code != http.StatusOK || !strings.Contains(body, "evalbot_db_up 0\n") || strings.Contains(body, "evalbot_outbox_depth ") {
		t.Errorf("/metrics with the database gone: %d\n%s", code, body)
	}
}

func TestNilMetrics(t *testing.T) {
	var m *Metrics
	m.Sent()
	m.Failed(ReasonOther)
	m.TooMany()
	m.SendError(errors.New("x"))
	m.ObserveHandler(time.Second)
	m.ObserveHandlerKind(KindMessage, time.Second)
	called := false
	m.Timed(func(context.Context, *models.Update, func([]byte) bool) { called = true })(context.Background(), &models.Update{}, func([]byte) bool { return false })
	if !called {
		t.Error("Timed on nil metrics did not call the handler")
	}
}

func TestSendErrorAndTimed(t *testing.T) {
	reg := NewRegistry()
	m, err := NewMetrics(reg, nil)
	if err != nil {
		t.Fatal(err)
	}
	m.SendError(&bot.TooManyRequestsError{RetryAfter: 1})
	m.SendError(fmt.Errorf("%w, blocked", bot.ErrorForbidden))
	m.SendError(nil)
	h := m.Timed(func(context.Context, *models.Update, func([]byte) bool) { time.Sleep(2 * time.Millisecond) })
	h(context.Background(), &models.Update{CallbackQuery: &models.CallbackQuery{}}, func([]byte) bool { return false })
	h(context.Background(), &models.Update{Message: &models.Message{}}, func([]byte) bool { return false })
	h(context.Background(), &models.Update{Message: &models.Message{}}, func([]byte) bool { return false })
	srv := httptest.NewServer(Handler(nil, reg))
	defer srv.Close()
	_, body := get(t, srv, "/metrics")
	for _, want := range []string{
		"evalbot_telegram_429_total 1\n",
		`evalbot_messages_failed_total{reason="forbidden"} 1` + "\n",
		`evalbot_messages_failed_total{reason="too_many"} 0` + "\n",
		`evalbot_handler_seconds_count{kind="message"} 2` + "\n",
		`evalbot_handler_seconds_count{kind="callback"} 1` + "\n",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if strings.Contains(body, "evalbot_db_up") {
		t.Error("database gauges without a pool")
	}
}

func TestNewMetricsTwiceOnOneRegistry(t *testing.T) {
	reg := NewRegistry()
	if _, err := NewMetrics(reg, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := NewMetrics(reg, nil); err == nil {
		t.Error("registering twice: no error")
	}
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestReasonOf(t *testing.T) {
	for _, c := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("%w, Forbidden: bot was blocked by the user", bot.ErrorForbidden), ReasonForbidden},
		{fmt.Errorf("%w, Bad Request: message is not modified", bot.ErrorBadRequest), ReasonBadRequest},
		{&bot.MigrateError{Message: "bad request", MigrateToChatID: -100}, ReasonMigrated},
		{fmt.Errorf("%w, Not Found", bot.ErrorNotFound), ReasonNotFound},
		{fmt.Errorf("%w, Unauthorized", bot.ErrorUnauthorized), ReasonUnauthorized},
		{&bot.TooManyRequestsError{Message: "too many requests", RetryAfter: 3}, ReasonTooMany},
		{fmt.Errorf("error do request for method sendMessage, %w", context.DeadlineExceeded), ReasonTimeout},
		{fmt.Errorf("send: %w", &net.OpError{Op: "dial", Err: timeoutErr{}}), ReasonTimeout},
		{fmt.Errorf("send: %w", &net.OpError{Op: "dial", Err: errors.New("connection refused")}), ReasonNetwork},
		{errors.New("error response from telegram for method sendMessage, 502 Bad Gateway"), ReasonServer},
	} {
		if got := ReasonOf(c.err); got != c.want {
			t.Errorf("ReasonOf(%v) = %q, want %q", c.err, got, c.want)
		}
	}
}

func TestStart(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	addr, done, err := Start(ctx, "127.0.0.1:0", Handler(nil, NewRegistry()), nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.Get("http://" + addr.String() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("/healthz: %d", res.StatusCode)
	}
	res, err = http.Get("http://" + addr.String() + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("/readyz without a pool: %d", res.StatusCode)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("shutdown: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no shutdown")
	}
	if _, _, err := Start(context.Background(), "bad address", http.NotFoundHandler(), nil); err == nil {
		t.Error("a bad address: no error")
	}
}
