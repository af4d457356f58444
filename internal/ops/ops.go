// Package ops is the bot's operations endpoint: /healthz (the process is
// alive), /readyz (PostgreSQL answers and has every migration this binary
// embeds) and /metrics (Prometheus). `evalbot serve` runs it on its own port
// (EVALBOT_OPS_ADDR), apart from any Telegram webhook.
//
// Nothing here logs or exposes names, texts or tokens: the metrics are counts
// and durations, and /readyz says which check failed.
package ops

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/tern/v2/migrate"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"evalbot/internal/httpserve"
	"evalbot/migrations"
)

// ReadyTimeout bounds the checks of one /readyz request.
const ReadyTimeout = 2 * time.Second

// Handler serves /healthz, /readyz and /metrics. reg is gathered by /metrics
// (use NewRegistry and NewMetrics); pool is what /readyz checks.
func Handler(pool *pgxpool.Pool, reg *prometheus.Registry) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		text(w, http.StatusOK, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), ReadyTimeout)
		defer cancel()
		if err := Ready(ctx, pool); err != nil {
			text(w, http.StatusServiceUnavailable, "not ready: "+err.Error())
			return
		}
		text(w, http.StatusOK, "ready")
	})
	mux.Handle("GET /metrics", promhttp.InstrumentMetricHandler(reg,
		promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg, ErrorHandling: promhttp.ContinueOnError, Timeout: 10 * time.Second})))
	return mux
}

func text(w http.ResponseWriter, code int, s string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_, _ = fmt.Fprintln(w, s)
}

// Errors of Ready; the text after "not ready: " in /readyz's answer.
var (
	ErrDatabaseDown      = errors.New("database unreachable")
	ErrMigrationsBehind  = errors.New("database migrations behind this binary")
	ErrMigrationsAhead   = errors.New("database migrations ahead of this binary")
	ErrMigrationsUnknown = errors.New("database migration version unreadable")
)

// Ready checks that PostgreSQL answers a ping and that its schema version
// equals the number of migrations embedded in this binary. It only reads:
// unlike tern's Migrator it takes no advisory lock (a lock left behind by a
// timed-out check would block the next migration).
func Ready(ctx context.Context, pool *pgxpool.Pool) error {
	if pool == nil {
		return ErrDatabaseDown
	}
	if err := pool.Ping(ctx); err != nil {
		return ErrDatabaseDown
	}
	var v int64
	if err := pool.QueryRow(ctx, `SELECT version FROM schema_version`).Scan(&v); err != nil {
		if errors.Is(err, pgx.ErrNoRows) || ctx.Err() == nil {
			return fmt.Errorf("%w (%s)", ErrMigrationsUnknown, pgErrCode(err))
		}
		return ErrDatabaseDown
	}
	want, err := embedded()
	if err != nil {
		return fmt.Errorf("%w: %v", ErrMigrationsUnknown, err)
	}
	switch {
	case v < int64(want):
		return fmt.Errorf("%w (database %d, binary %d)", ErrMigrationsBehind, v, want)
	case v > int64(want):
		return fmt.Errorf("%w (database %d, binary %d)", ErrMigrationsAhead, v, want)
	}
	return nil
}

// embedded is the number of migrations in migrations.FS (numbered from 1
// with no gaps, as tern requires).
func embedded() (int, error) {
	paths, err := migrate.FindMigrations(migrations.FS)
	return len(paths), err
}

// pgErrCode names a database error by its SQLSTATE only (no text, which may
// quote data).
func pgErrCode(err error) string {
	var pe interface{ SQLState() string }
	if errors.As(err, &pe) {
		return "SQLSTATE " + pe.SQLState()
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return "no row"
	}
	return "query failed"
}

// Start listens on addr (an error at once for a bad or busy address, so a
// typo in EVALBOT_OPS_ADDR stops start-up) and serves h in the background
// until ctx ends, then shuts down within five seconds. It returns the
// address listened on, and a channel that receives the server's final
// error: nil after a clean shutdown.
func Start(ctx context.Context, addr string, h http.Handler, log *slog.Logger) (net.Addr, <-chan error, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, nil, fmt.Errorf("ops listener: %w", err)
	}
	srv := httpserve.New(h, httpserve.Timeouts{Read: 10 * time.Second})
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	if log != nil {
		log.Info("ops endpoint listening", "addr", ln.Addr().String())
	}
	out := make(chan error, 1)
	go func() {
		select {
		case err := <-served: // the listener failed
			out <- err
			return
		case <-ctx.Done():
		}
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		err := srv.Shutdown(shutdown)
		if serr := <-served; !errors.Is(serr, http.ErrServerClosed) && err == nil {
			err = serr
		}
		out <- err
	}()
	return ln.Addr(), out, nil
}
