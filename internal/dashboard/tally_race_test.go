package dashboard_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"evalbot/internal/dashboard"
	"evalbot/internal/dashboard/dashtest"
	"evalbot/internal/pgtest"
)

// TestOppositeMovesDoNotDeadlock (issue 22, attack): two people moved at
// the same time in opposite directions — X from C1 to C2, Y from C2 to C1 —
// while a head of C1 holds the unit's tally of the month (an approval not
// yet committed). The tallies' triggers took the old unit's rows, then the
// new unit's, so the two moves took C1's and C2's in opposite orders and
// PostgreSQL killed one of them (40P01 deadlock detected). Both moves must
// commit, and the tallies must still be what the rows count.
func TestOppositeMovesDoNotDeadlock(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.New(t)
	if err := dashtest.City(ctx, pool, 12, 10, month, week); err != nil {
		t.Fatal(err)
	}
	var c1, c2, x, y int64
	pick := `SELECT u.id, o.id FROM officials o JOIN units u ON u.id = o.unit_id
		JOIN assessments a ON a.official_id = o.id AND a.month = $2::date AND a.status = 'approved'
		WHERE u.code = $1 AND NOT o.is_head ORDER BY o.id LIMIT 1`
	if err := pool.QueryRow(ctx, pick, "C1", month.First().String()).Scan(&c1, &x); err != nil {
		t.Fatal(err)
	}
	if err := pool.QueryRow(ctx, pick, "C2", month.First().String()).Scan(&c2, &y); err != nil {
		t.Fatal(err)
	}
	// The head's approval in C1, not yet committed: it holds C1's tally of the month.
	head, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer head.Rollback(ctx)
	if _, err := head.Exec(ctx, `SELECT 1 FROM unit_month_tallies WHERE unit_id = $1 AND month = $2::date FOR UPDATE`,
		c1, month.First().String()); err != nil {
		t.Fatal(err)
	}
	move := func(official, to int64) (pid uint32, done chan error) {
		conn, err := pool.Acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		done = make(chan error, 1)
		pid = conn.Conn().PgConn().PID()
		go func() {
			defer conn.Release()
			tx, err := conn.Begin(ctx)
			if err == nil {
				if _, err = tx.Exec(ctx, `UPDATE officials SET unit_id = $2 WHERE id = $1`, official, to); err == nil {
					err = tx.Commit(ctx)
				}
				tx.Rollback(ctx)
			}
			done <- err
		}()
		return pid, done
	}
	waiting := func(pid uint32) {
		t.Helper()
		for i := 0; i < 500; i++ {
			var lock bool
			if err := pool.QueryRow(ctx, `SELECT coalesce(wait_event_type = 'Lock', false) FROM pg_stat_activity WHERE pid = $1`,
				int32(pid)).Scan(&lock); err != nil {
				t.Fatal(err)
			}
			if lock {
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Fatalf("backend %d never waited for a lock", pid)
	}
	pidX, doneX := move(x, c2)
	waiting(pidX)
	pidY, doneY := move(y, c1)
	waiting(pidY)
	if err := head.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	for _, done := range []chan error{doneX, doneY} {
		if err := <-done; err != nil {
			var pgErr *pgconn.PgError
			if errors.As(err, &pgErr) && pgErr.Code == "40P01" {
				t.Errorf("a move was killed as a deadlock: %v", err)
			} else {
				t.Error(err)
			}
		}
	}
	checkTallies(t, ctx, pool)
}

// checkTallies compares Read's counts (the tallies) with the rows' for the
// city's admin.
func checkTallies(t *testing.T, ctx context.Context, pool *pgxpool.Pool) {
	t.Helper()
	ov, err := dashboard.Read(ctx, pool, official(t, ctx, pool, dashtest.AdminCode), query)
	if err != nil {
		t.Fatal(err)
	}
	want := recount(t, ctx, pool)
	for _, got := range ov.Units {
		w := want[got.ID]
		if got.People != w.People || got.PlansApproved != w.PlansApproved || got.PlansWaiting != w.PlansWaiting ||
			got.SelfAssessed != w.SelfAssessed || got.Approved != w.Approved || got.Missing != w.Missing || got.Grades != w.Grades {
			t.Errorf("%s: tallies %+v, rows %+v", got.Code, got, w)
		}
	}
}
