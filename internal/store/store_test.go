package store_test

import (
	"context"
	"os"
	"testing"

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
