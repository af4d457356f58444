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
