package telegram_test

import (
	"context"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"evalbot/internal/calendar"
	"evalbot/internal/dashboard/dashtest"
	"evalbot/internal/pgtest"
	"evalbot/internal/sim"
)

// BenchmarkStatusCity is an organization-department admin's /status over a
// city (100,000 officials in 5,000 units, dashtest.City, the data of the
// web's BenchmarkDashboardCity): each iteration is one /status update as
// the bot handles it — the admin read from the database, the month read
// with the dashboard's set-based queries, the first page's missing names,
// the picture's reads (trend, ratings), the picture drawn and sent as a
// PNG, the message rendered and delivered through the outbox to the fake
// Bot API (its flood limits off: the pace is not what is measured). p95-ms
// is the 95th percentile.
//
//	go test -run '^$' -bench BenchmarkStatusCity -benchtime 3x ./internal/telegram/
func BenchmarkStatusCity(b *testing.B) {
	ctx := context.Background()
	pool := pgtest.New(b)
	nov := calendar.Month{Year: 2026, Month: time.November}
	now := at(2026, 12, 3, 10)
	if err := dashtest.City(ctx, pool, 5000, 20, nov, calendar.WeekOf(calendar.DateOf(now))); err != nil {
		b.Fatal(err)
	}
	h, err := sim.New(pool, now, io.Discard, sim.WithoutLimits())
	if err != nil {
		b.Fatal(err)
	}
	defer h.Close()
	const user = 900001
	if _, err := pool.Exec(ctx, `UPDATE officials SET telegram_user_id = $1, chat_id = $1, reachable = true WHERE employee_code = $2`,
		user, dashtest.AdminCode); err != nil {
		b.Fatal(err)
	}
	admin := h.Srv.NewUser(user, "Admin", "vi")
	status := func() {
		if err := h.Wait(admin.Command("/status")); err != nil {
			b.Fatal(err)
		}
	}
	status()
	if err := h.Flush(); err != nil {
		b.Fatal(err)
	}
	if n := len(photos(admin.Messages())); n != 1 {
		b.Fatalf("%d photos", n)
	}
	if text := admin.Last().Text; !strings.Contains(text, "Tình hình đánh giá tháng 11/2026") || !strings.Contains(text, "Chưa tự đánh giá") {
		b.Fatalf("/status: %q", text)
	}
	var took []time.Duration
	b.ResetTimer()
	for b.Loop() {
		t0 := time.Now()
		status()
		took = append(took, time.Since(t0))
	}
	b.StopTimer()
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)*95/100].Microseconds())/1000, "p95-ms")
}
