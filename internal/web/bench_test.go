package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"evalbot/internal/calendar"
	"evalbot/internal/dashboard/dashtest"
	"evalbot/internal/locale"
	"evalbot/internal/pgtest"
	"evalbot/internal/roster"
	"evalbot/internal/signin"
	"evalbot/internal/web"
)

// BenchmarkDashboardCity is the organization department's dashboard of a
// city: 100,000 officials in 5,000 units, one admin over all of it. Each
// iteration is one GET / as the server handles it: the session checked,
// the admin authorized, the month read and the page (table and chart)
// rendered. p95-ms is the 95th percentile of the iterations.
//
//	go test -run '^$' -bench BenchmarkDashboardCity -benchtime 20x ./internal/web/
func BenchmarkDashboardCity(b *testing.B) {
	ctx := context.Background()
	pool := pgtest.New(b)
	q := calendar.Date{Year: 2026, Month: 12, Day: 3}
	if err := dashtest.City(ctx, pool, 5000, 20, calendar.Month{Year: 2026, Month: 11}, calendar.WeekOf(q)); err != nil {
		b.Fatal(err)
	}
	cat, err := locale.Load()
	if err != nil {
		b.Fatal(err)
	}
	s := &web.Server{Pool: pool, Cat: cat, Cal: calendar.Default(), Now: func() time.Time { return now }}
	h, err := s.Handler()
	if err != nil {
		b.Fatal(err)
	}
	admin, err := roster.OfficialByCode(ctx, pool, dashtest.AdminCode)
	if err != nil {
		b.Fatal(err)
	}
	token, _, err := signin.Issue(ctx, pool, admin.ID, time.Hour, now)
	if err != nil {
		b.Fatal(err)
	}
	sess, err := signin.SignIn(ctx, pool, token, now)
	if err != nil {
		b.Fatal(err)
	}
	get := func() *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", "/", nil)
		req.AddCookie(&http.Cookie{Name: "evalbot_session", Value: sess.ID})
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	if rec := get(); rec.Code != 200 || !strings.Contains(rec.Body.String(), `<td class="num" data-label="Số người">100.000</td>`) {
		b.Fatalf("dashboard: %d", rec.Code)
	} else {
		b.ReportMetric(float64(rec.Body.Len())/1e6, "page-MB")
	}
	var took []time.Duration
	b.ResetTimer()
	for b.Loop() {
		t0 := time.Now()
		if rec := get(); rec.Code != 200 {
			b.Fatalf("dashboard: %d", rec.Code)
		}
		took = append(took, time.Since(t0))
	}
	b.StopTimer()
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)*95/100].Microseconds())/1000, "p95-ms")
}
