package status_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"evalbot/internal/app/status"
	"evalbot/internal/calendar"
	"evalbot/internal/dashboard"
	"evalbot/internal/dashboard/dashtest"
	"evalbot/internal/pgtest"
	"evalbot/internal/roster"
)

// counter counts the statements a pool's connections run.
type counter struct{ n atomic.Int64 }

func (c *counter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	c.n.Add(1)
	return ctx
}

func (c *counter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// TestOverviewIsSetBased (issue 22: /status for an admin made three
// queries per person, 1.7 s for 6,000 people): the month overview of an
// admin and of a head runs the same number of statements for a city of
// 4 units of 5 people as for 40 units of 25 — a handful, nothing per unit
// or per person — with the picture's reads and without; so does the
// reminder of those who have not self-assessed.
func TestOverviewIsSetBased(t *testing.T) {
	ctx := context.Background()
	nov := calendar.Month{Year: 2026, Month: time.November}
	week := calendar.WeekOf(calendar.Date{Year: 2026, Month: 12, Day: 3})
	statements := func(units, perUnit int, who string, picture bool) int64 {
		pool := pgtest.New(t)
		if err := dashtest.City(ctx, pool, units, perUnit, nov, week); err != nil {
			t.Fatal(err)
		}
		o, err := roster.OfficialByCode(ctx, pool, who)
		if err != nil {
			t.Fatal(err)
		}
		cfg := pool.Config().Copy()
		c := &counter{}
		cfg.ConnConfig.Tracer = c
		traced, err := pgxpool.NewWithConfig(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer traced.Close()
		if err := traced.Ping(ctx); err != nil {
			t.Fatal(err)
		}
		c.n.Store(0)
		p, err := status.Overview(ctx, traced, o.ID, nov, week, 0, 8, picture)
		if err != nil || p.Pages == 0 {
			t.Fatalf("%s's overview: %+v, %v", who, p, err)
		}
		n := c.n.Load()
		// The reminder, with everyone reached already today (the outbox's
		// dedup): whom to remind is read in one pass too.
		if _, err := traced.Exec(ctx, `UPDATE officials SET chat_id = id, reachable = true`); err != nil {
			t.Fatal(err)
		}
		c.n.Store(0)
		asked := 0
		if _, err := status.RemindMissing(ctx, traced, o.ID, nov, func(dashboard.Recipient) (bool, error) { asked++; return false, nil }); err != nil || asked == 0 {
			t.Fatalf("%s's reminder: %d asked, %v", who, asked, err)
		}
		if r := c.n.Load(); r > 3 {
			t.Errorf("%s's reminder: %d statements for %d people; want at most 3", who, r, units*perUnit)
		}
		return n
	}
	for _, tc := range []struct {
		who     string // dashtest.AdminCode: the city's admin; E1-1: the head of C1, over the heads of the units below
		picture bool
		most    int64
	}{{dashtest.AdminCode, false, 4}, {dashtest.AdminCode, true, 7}, {"E1-1", false, 5}, {"E1-1", true, 8}} {
		small, large := statements(4, 5, tc.who, tc.picture), statements(40, 25, tc.who, tc.picture)
		t.Logf("%s (picture %v): %d statements for 20 people, %d for 1,000", tc.who, tc.picture, small, large)
		if small != large || large > tc.most {
			t.Errorf("%s (picture %v): %d statements for 20 people, %d for 1,000; want the same, at most %d", tc.who, tc.picture, small, large, tc.most)
		}
	}
}
