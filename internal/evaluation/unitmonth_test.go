package evaluation_test

import (
	"context"
	"testing"
	"time"

	"evalbot/internal/calendar"
	"evalbot/internal/evaluation"
	"evalbot/internal/pgtest"
)

// Issue 20, point 6: LockUnitMonth serializes one unit's month, and only it.
// A second transaction on the same unit and month waits until the first
// ends (two transactions, really concurrent); another unit, or another month
// of the same unit, does not wait.
func TestLockUnitMonthSerializesOneUnitMonth(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.New(t)
	nov := calendar.Month{Year: 2026, Month: time.November}
	first, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Rollback(ctx)
	if err := evaluation.LockUnitMonth(ctx, first, 7, nov); err != nil {
		t.Fatal(err)
	}
	try := func(unit int64, m calendar.Month) <-chan error {
		got := make(chan error, 1)
		go func() {
			tx, err := pool.Begin(ctx)
			if err != nil {
				got <- err
				return
			}
			defer tx.Rollback(ctx)
			got <- evaluation.LockUnitMonth(ctx, tx, unit, m)
		}()
		return got
	}
	for _, other := range []struct {
		unit int64
		m    calendar.Month
	}{{8, nov}, {7, nov.Next()}} {
		select {
		case err := <-try(other.unit, other.m):
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("unit %d %v waited on unit 7 %v", other.unit, other.m, nov)
		}
	}
	same := try(7, nov)
	select {
	case <-same:
		t.Fatal("a second transaction took unit 7's November while the first held it")
	case <-time.After(300 * time.Millisecond):
	}
	if err := first.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-same:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the second transaction still waits after the first committed")
	}
}
