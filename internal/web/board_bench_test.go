package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"evalbot/internal/app/selfassess"
	"evalbot/internal/calendar"
	"evalbot/internal/evaluation"
	"evalbot/internal/grading"
	"evalbot/internal/locale"
	"evalbot/internal/pgtest"
	"evalbot/internal/signin"
	"evalbot/internal/telegram"
	"evalbot/internal/web"
)

// benchChat is the bot's side of the board (telegram.App: the head's cards
// edited, the grade cards queued, in the decision's transaction) without the
// sending, which happens after the reply.
type benchChat struct{ *telegram.App }

func (benchChat) FlushCards(context.Context) error { return nil }

// boardOf60 is a unit of a head and 59 officials, each on Telegram with a
// monthly plan of four tasks for November 2026 (every tenth did all of them,
// the others two) and a submitted self-assessment whose review card the head
// got; it returns the web face as `serve` wires it, the head's session, and
// the assessments.
func boardOf60(b *testing.B) (http.Handler, string, *pgxpool.Pool, []evaluation.Assessment) {
	ctx := context.Background()
	pool := pgtest.New(b)
	at := time.Date(2026, 11, 30, 10, 0, 0, 0, calendar.Location)
	for _, q := range []string{
		`INSERT INTO units (code, name) VALUES ('U60', 'Phòng Sáu mươi')`,
		`INSERT INTO officials (employee_code, full_name, unit_id, category, is_head, position, telegram_user_id, chat_id)
			SELECT 'P' || lpad(n::text, 2, '0'), 'Cán bộ Số ' || n, (SELECT id FROM units), 'cong_chuc', n = 0,
			       CASE WHEN n = 0 THEN 'Trưởng phòng' ELSE 'Chuyên viên' END, 900000 + n, 900000 + n
			  FROM generate_series(0, 59) n`,
		`INSERT INTO plans (official_id, kind, period_start, month, status)
			SELECT id, 'month', '2026-11-01', '2026-11-01', 'approved' FROM officials WHERE NOT is_head`,
		`INSERT INTO tasks (plan_id, position, title, status)
			SELECT p.id, n, 'Việc ' || n, CASE WHEN p.official_id % 10 <> 0 AND n > 2 THEN 'not_done' ELSE 'on_time' END
			  FROM plans p, generate_series(1, 4) n`,
	} {
		if _, err := pool.Exec(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	fw, _ := grading.Preset("hanoi-3814-2018")
	rows, err := pool.Query(ctx, `SELECT id FROM officials WHERE NOT is_head ORDER BY id`)
	if err != nil {
		b.Fatal(err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		_ = rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	var all []evaluation.Assessment
	for _, id := range ids {
		as, err := evaluation.OpenAssessment(ctx, pool, id, calendar.Month{Year: 2026, Month: time.November}, fw)
		if err != nil {
			b.Fatal(err)
		}
		if as, _, err = selfassess.Submit(ctx, pool, calendar.Default(), grading.Preset, id, as.ID, as.Version, at, nil); err != nil {
			b.Fatal(err)
		}
		all = append(all, as)
	}
	// The head's review cards, as Telegram took them (their message ids).
	if _, err := pool.Exec(ctx, `INSERT INTO outbox (dedup_key, chat_id, official_id, payload, state, sent_at, message_id)
		SELECT 'review:' || a.id || ':' || a.version, 900000, (SELECT id FROM officials WHERE is_head), '{"text":"…"}', 'sent', now(), 1000 + a.id
		  FROM assessments a`); err != nil {
		b.Fatal(err)
	}
	cat, err := locale.Load()
	if err != nil {
		b.Fatal(err)
	}
	now := func() time.Time { return at }
	app := &telegram.App{Pool: pool, Cat: cat, Cal: calendar.Default(), Now: now}
	s := &web.Server{Pool: pool, Cat: cat, Cal: calendar.Default(), Now: now, Chat: benchChat{app}, Frameworks: app.Framework}
	h, err := s.Handler()
	if err != nil {
		b.Fatal(err)
	}
	var head int64
	if err := pool.QueryRow(ctx, `SELECT id FROM officials WHERE is_head`).Scan(&head); err != nil {
		b.Fatal(err)
	}
	token, _, err := signin.Issue(ctx, pool, head, time.Hour, at)
	if err != nil {
		b.Fatal(err)
	}
	sess, err := signin.SignIn(ctx, pool, token, at)
	if err != nil {
		b.Fatal(err)
	}
	return h, sess.ID, pool, all
}

func p95(took []time.Duration) float64 {
	slices.Sort(took)
	return float64(took[len(took)*95/100].Microseconds()) / 1000
}

// BenchmarkBoard60 is the head's review board of a unit of 60: each
// iteration one GET /board as the server handles it (the session, the
// people the head reviews, their month, the A meter, what changed since the
// last look, written back, and the page). p95-ms is the 95th percentile.
//
//	go test -run '^$' -bench BenchmarkBoard60 -benchtime 100x ./internal/web/
func BenchmarkBoard60(b *testing.B) {
	h, sess, _, _ := boardOf60(b)
	get := func() *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", "/board?sort=total", nil)
		req.AddCookie(&http.Cookie{Name: "evalbot_session", Value: sess})
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	if rec := get(); rec.Code != 200 || strings.Count(rec.Body.String(), `name="pick"`) != 59 {
		b.Fatalf("board: %d, %d to select", rec.Code, strings.Count(rec.Body.String(), `name="pick"`))
	}
	var took []time.Duration
	b.ResetTimer()
	for b.Loop() {
		t0 := time.Now()
		if rec := get(); rec.Code != 200 {
			b.Fatalf("board: %d", rec.Code)
		}
		took = append(took, time.Since(t0))
	}
	b.StopTimer()
	b.ReportMetric(p95(took), "p95-ms")
}

// BenchmarkApprove40 approves 40 selected people of that unit in one POST
// /board/approve: one transaction (reviews.ApproveMany: the unit-month lock,
// each person authorized and approved in a savepoint, the head's card
// edited and the grade card queued for each). Between iterations the 40 go
// back to submitted (untimed).
//
//	go test -run '^$' -bench BenchmarkApprove40 -benchtime 20x ./internal/web/
func BenchmarkApprove40(b *testing.B) {
	h, sess, pool, all := boardOf60(b)
	ctx := context.Background()
	picks := all[:40]
	var took []time.Duration
	for b.Loop() {
		b.StopTimer()
		form := url.Values{}
		for _, a := range picks {
			var v int
			if err := pool.QueryRow(ctx, `SELECT version FROM assessments WHERE id = $1`, a.ID).Scan(&v); err != nil {
				b.Fatal(err)
			}
			form.Add("pick", strconv.FormatInt(a.ID, 10)+":"+strconv.Itoa(v))
		}
		req := httptest.NewRequest("POST", "/board/approve", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(&http.Cookie{Name: "evalbot_session", Value: sess})
		rec := httptest.NewRecorder()
		b.StartTimer()
		t0 := time.Now()
		h.ServeHTTP(rec, req)
		took = append(took, time.Since(t0))
		b.StopTimer()
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), "Đã duyệt 40 người") {
			b.Fatalf("approve: %d %s", rec.Code, rec.Body.String())
		}
		if _, err := pool.Exec(ctx, `UPDATE assessments SET status = 'submitted', approved_at = NULL, reviewer_id = NULL, graded = NULL,
			total = NULL, grade = NULL, result = NULL, criteria = NULL, bonus = NULL, version = version + 1 WHERE status = 'approved'`); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.StopTimer()
	var edits int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM card_edits`).Scan(&edits); err != nil || edits != 40 {
		b.Fatalf("card edits queued: %d, %v; want the head's 40 cards", edits, err)
	}
	b.ReportMetric(p95(took), "p95-ms")
}
