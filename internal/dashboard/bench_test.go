package dashboard_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"evalbot/internal/dashboard"
	"evalbot/internal/dashboard/dashtest"
	"evalbot/internal/pgtest"
)

// BenchmarkTrendCity is the six months' trend of a city's admin (100,000
// officials in 5,000 units). Run it with more than five iterations: from the
// sixth PostgreSQL may use the statement's generic plan, which is what the
// trend page gets once serve has shown it a few times (with the subtree
// passed as an array of unit ids, that plan took 3–8 s).
//
//	go test -run '^$' -bench BenchmarkTrendCity -benchtime 10x ./internal/dashboard/
func BenchmarkTrendCity(b *testing.B) {
	ctx := context.Background()
	pool := pgtest.New(b)
	if err := dashtest.City(ctx, pool, 5000, 20, month, week); err != nil {
		b.Fatal(err)
	}
	var admin int64
	if err := pool.QueryRow(ctx, `SELECT id FROM officials WHERE employee_code = $1`, dashtest.AdminCode).Scan(&admin); err != nil {
		b.Fatal(err)
	}
	var took []time.Duration
	for b.Loop() {
		t0 := time.Now()
		ms, err := dashboard.Trend(ctx, pool, admin, month, 6)
		if err != nil || ms[5].Approved == 0 {
			b.Fatalf("%v %+v", err, ms)
		}
		took = append(took, time.Since(t0))
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)*95/100].Microseconds())/1000, "p95-ms")
	b.ReportMetric(float64(took[len(took)-1].Microseconds())/1000, "max-ms")
}
