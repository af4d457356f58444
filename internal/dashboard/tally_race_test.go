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
	move := func(official, to int64) (uint32, chan error) {
		return exec(t, ctx, pool, `UPDATE officials SET unit_id = $2 WHERE id = $1`, official, to)
	}
	pidX, doneX := move(x, c2)
	waitLock(t, ctx, pool, pidX)
	pidY, doneY := move(y, c1)
	waitLock(t, ctx, pool, pidY)
	if err := head.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	noDeadlock(t, doneX, doneY)
	checkTallies(t, ctx, pool)
}

// TestImportAndMoveDoNotDeadlock (attack): a roster import's one UPDATE
// moves X from C2 to C5 and then Z from C1 to C6, while a head moves Y from
// C1 to C2 by hand and an approval in C2 holds C2's tally of the month a
// moment. Taken row by row, the import held C2 and waited for C1, the head's
// move held C1 and waited for C2: one was killed (40P01). Counted once per
// statement, in unit order, both commit.
func TestImportAndMoveDoNotDeadlock(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.New(t)
	if err := dashtest.City(ctx, pool, 12, 10, month, week); err != nil {
		t.Fatal(err)
	}
	unit := func(code string) int64 {
		var id int64
		if err := pool.QueryRow(ctx, `SELECT id FROM units WHERE code = $1`, code).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	c1, c2, c5, c6 := unit("C1"), unit("C2"), unit("C5"), unit("C6")
	// X in C2 and Z in C1 with approved months, X first in the table; Y in C1.
	var x, z, y int64
	if err := pool.QueryRow(ctx, `SELECT x.id, z.id FROM officials x, officials z
		WHERE x.unit_id = $1 AND z.unit_id = $2 AND NOT x.is_head AND NOT z.is_head AND x.id < z.id
		  AND EXISTS (SELECT 1 FROM assessments a WHERE a.official_id = x.id AND a.status = 'approved')
		  AND EXISTS (SELECT 1 FROM assessments a WHERE a.official_id = z.id AND a.status = 'approved')
		ORDER BY x.id, z.id LIMIT 1`, c2, c1).Scan(&x, &z); err != nil {
		t.Fatal(err)
	}
	if err := pool.QueryRow(ctx, `SELECT min(id) FROM officials WHERE unit_id = $1 AND NOT is_head AND id <> $2`, c1, z).Scan(&y); err != nil {
		t.Fatal(err)
	}
	head, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer head.Rollback(ctx)
	if _, err := head.Exec(ctx, `SELECT 1 FROM unit_month_tallies WHERE unit_id = $1 AND month = $2::date FOR UPDATE`,
		c2, month.First().String()); err != nil {
		t.Fatal(err)
	}
	pidImport, doneImport := exec(t, ctx, pool, `UPDATE officials SET unit_id = CASE id WHEN $1 THEN $3::bigint ELSE $4::bigint END
		WHERE id IN ($1, $2)`, x, z, c5, c6)
	waitLock(t, ctx, pool, pidImport)
	pidMove, doneMove := exec(t, ctx, pool, `UPDATE officials SET unit_id = $2 WHERE id = $1`, y, c2)
	waitLock(t, ctx, pool, pidMove)
	if err := head.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	noDeadlock(t, doneImport, doneMove)
	checkTallies(t, ctx, pool)
}

// exec runs sql in a transaction of its own on a connection of its own, in
// the background: the connection's backend and where the outcome comes.
func exec(t *testing.T, ctx context.Context, pool *pgxpool.Pool, sql string, args ...any) (uint32, chan error) {
	t.Helper()
	conn, err := pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		defer conn.Release()
		tx, err := conn.Begin(ctx)
		if err == nil {
			if _, err = tx.Exec(ctx, sql, args...); err == nil {
				err = tx.Commit(ctx)
			}
			tx.Rollback(ctx)
		}
		done <- err
	}()
	return conn.Conn().PgConn().PID(), done
}

// waitLock waits until backend pid waits for a lock.
func waitLock(t *testing.T, ctx context.Context, pool *pgxpool.Pool, pid uint32) {
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

// noDeadlock checks that each background statement committed.
func noDeadlock(t *testing.T, dones ...chan error) {
	t.Helper()
	for _, done := range dones {
		if err := <-done; err != nil {
			var pgErr *pgconn.PgError
			if errors.As(err, &pgErr) && pgErr.Code == "40P01" {
				t.Errorf("a move was killed as a deadlock: %v", err)
			} else {
				t.Error(err)
			}
		}
	}
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
