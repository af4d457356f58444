package store_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/pgtest"
	"evalbot/internal/store"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func TestMigrateIsIdempotentAndCurrent(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.New(t)
	if err := store.Migrate(ctx, pool); err != nil {
		t.Fatalf("second migrate: %v", err)
	}
	ok, err := store.MigrationsCurrent(ctx, pool)
	if err != nil || !ok {
		t.Fatalf("current = %v, %v", ok, err)
	}
	var n int
	if err := pool.QueryRow(ctx, "SELECT count(*) FROM units").Scan(&n); err != nil {
		t.Fatal(err)
	}
}

// Regression: JIT compiled roster.Subordinates for 600 ms a call at 100,000
// officials (a cost estimate past its thresholds); connections run without it.
func TestConnectionsRunWithoutJIT(t *testing.T) {
	pool := pgtest.New(t)
	var jit string
	if err := pool.QueryRow(context.Background(), `SHOW jit`).Scan(&jit); err != nil || jit != "off" {
		t.Fatalf("jit = %q, %v", jit, err)
	}
}

// InTxBatch: the first statements and fn's are one transaction; an error in
// either, or a panic, leaves nothing behind and the connection back in the pool.
func TestInTxBatch(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.New(t)
	if _, err := pool.Exec(ctx, `CREATE TABLE txbatch (k int PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	insert := func(k int) func(b *pgx.Batch) {
		return func(b *pgx.Batch) { b.Queue(`INSERT INTO txbatch VALUES ($1)`, k) }
	}
	count := func() (n int) {
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM txbatch`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	boom := errors.New("boom")
	tests := []struct {
		name  string
		first func(b *pgx.Batch)
		fn    func(tx pgx.Tx) error
		want  int   // rows after
		err   error // the error wanted (errors.Is), when isErr
		isErr bool
	}{
		{"both committed", insert(1), func(tx pgx.Tx) error { _, err := tx.Exec(ctx, `INSERT INTO txbatch VALUES (2)`); return err }, 2, nil, false},
		{"fn fails: the batch's row rolled back", insert(3), func(tx pgx.Tx) error { return boom }, 2, boom, true},
		{"batch fails: fn not called", insert(1), func(tx pgx.Tx) error { t.Error("fn called after a failed batch"); return nil }, 2, nil, true},
		{"statement in fn fails", insert(4), func(tx pgx.Tx) error { _, err := tx.Exec(ctx, `INSERT INTO txbatch VALUES (1)`); return err }, 2, nil, true},
		{"COMMIT with fn's batch", insert(6), func(tx pgx.Tx) error { return commitBatch(ctx, tx, 7) }, 4, nil, false},
		{"fn's batch fails: COMMIT skipped, all rolled back", insert(8), func(tx pgx.Tx) error { return commitBatch(ctx, tx, 1) }, 4, nil, true},
		{"fn fails after its COMMIT: the commit stays", insert(9), func(tx pgx.Tx) error {
			if err := commitBatch(ctx, tx, 10); err != nil {
				return err
			}
			return boom
		}, 6, boom, true},
	}
	for _, tt := range tests {
		before := pool.Stat().TotalConns()
		err := store.InTxBatch(ctx, pool, tt.first, tt.fn)
		if after := pool.Stat().TotalConns(); after < before {
			t.Errorf("%s: a connection was closed (%d → %d), not returned to the pool", tt.name, before, after)
		}
		if (err != nil) != tt.isErr || (tt.err != nil && !errors.Is(err, tt.err)) {
			t.Errorf("%s: err = %v", tt.name, err)
		}
		if n := count(); n != tt.want {
			t.Errorf("%s: %d rows, want %d", tt.name, n, tt.want)
		}
	}
	func() {
		defer func() { _ = recover() }()
		_ = store.InTxBatch(ctx, pool, insert(5), func(tx pgx.Tx) error { panic("handler") })
	}()
	if n := count(); n != 6 {
		t.Errorf("after a panic: %d rows, want 6", n)
	}
	// pgxpool may release a connection in the background: wait a little.
	for i := 0; pool.Stat().AcquiredConns() != 0; i++ {
		if i == 100 {
			t.Fatalf("%d connections still acquired", pool.Stat().AcquiredConns())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// commitBatch inserts k and commits in one round trip (store.QueueCommit).
func commitBatch(ctx context.Context, tx pgx.Tx, k int) error {
	b := &pgx.Batch{}
	b.Queue(`INSERT INTO txbatch VALUES ($1)`, k)
	store.QueueCommit(b)
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return err
	}
	if !store.Committed(tx) {
		return errors.New("not committed after the COMMIT batch")
	}
	return nil
}
