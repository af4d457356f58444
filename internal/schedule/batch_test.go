package schedule_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"evalbot/internal/calendar"
	"evalbot/internal/pgtest"
	"evalbot/internal/roster"
	"evalbot/internal/schedule"
)

// ledger is a Prompter whose self-assessment prompts are rows written in the
// campaign's transaction, as the outbox's are: a rolled-back batch leaves
// nothing. The failAt-th prompt fails (a crash mid-campaign).
type ledger struct {
	recorder
	calls   atomic.Int64
	crashAt int64 // the crashAt-th prompt cancels the context (a crash)
	crash   context.CancelFunc
	poison  int64 // this official's prompt fails (a bad record)
}

var errPoison = errors.New("card does not render")

func (l *ledger) PromptSelfAssessment(ctx context.Context, tx pgx.Tx, o roster.Official, m calendar.Month) error {
	if l.calls.Add(1) == l.crashAt {
		l.crash()
		return ctx.Err()
	}
	if o.ID == l.poison {
		return errPoison
	}
	_, err := tx.Exec(ctx, `INSERT INTO prompted (official_id, month) VALUES ($1, $2)`, o.ID, m.String())
	return err
}

// bigUnit imports a ward chairman, a head and n officials under the head,
// all bound to Telegram.
func bigUnit(t *testing.T, n int) *pgxpool.Pool {
	t.Helper()
	ctx := context.Background()
	pool := pgtest.New(t)
	units := "code,name,parent_code,exceptional\nR,Phường,,\nU,Phòng,R,\n"
	var b strings.Builder
	b.WriteString("employee_code,full_name,unit_code,category,position,is_head,phone,language\n")
	b.WriteString("S,Sếp,R,Cán bộ,Chủ tịch,true,,vi\nH,Trưởng,U,Công chức,Trưởng phòng,true,,vi\n")
	for i := range n {
		fmt.Fprintf(&b, "E%04d,Người %d,U,Công chức,Chuyên viên,,,vi\n", i, i)
	}
	us, _, _ := roster.ReadUnits(strings.NewReader(units), "u.csv")
	os_, _, _ := roster.ReadOfficials(strings.NewReader(b.String()), "o.csv")
	if _, err := roster.Import(ctx, pool, us, os_, roster.Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `UPDATE officials SET chat_id = id + 1000, telegram_user_id = id + 1000`); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `CREATE TABLE prompted (official_id bigint NOT NULL, month text NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	return pool
}

// promptedOnce checks that want officials got November's prompt, once each.
func promptedOnce(t *testing.T, pool *pgxpool.Pool, want int) {
	t.Helper()
	var people, rows int
	if err := pool.QueryRow(context.Background(), `SELECT count(DISTINCT official_id), count(*) FROM prompted WHERE month = '2026-11'`).
		Scan(&people, &rows); err != nil {
		t.Fatal(err)
	}
	if people != want || rows != want {
		t.Fatalf("%d people prompted in %d prompts; want %d, once each", people, rows, want)
	}
}

var quietLog = slog.New(slog.NewTextHandler(io.Discard, nil))

// A city-wide campaign runs in batches: a crash in the third batch keeps the
// two committed ones, and the next start — a day later, when the campaign's
// own hour has passed — goes on from there: everyone once.
func TestCampaignCutShortResumes(t *testing.T) {
	ctx := context.Background()
	const n = 450 // the head and 450 officials: 451 graded, three batches
	pool := bigUnit(t, n)
	crashCtx, crash := context.WithCancel(ctx)
	l := &ledger{recorder: recorder{calls: map[string]int{}}, crashAt: 420, crash: crash}
	s := &schedule.Scheduler{Pool: pool, Cal: calendar.Default(), Prompter: l, Times: schedule.DefaultTimes, Log: quietLog}
	lastDay := time.Date(2026, 11, 30, 17, 0, 0, 0, calendar.Location)
	if err := s.RunDue(crashCtx, lastDay); !errors.Is(err, context.Canceled) {
		t.Fatalf("RunDue: %v, want the crash", err)
	}
	var committed int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM prompted`).Scan(&committed); err != nil || committed != 399 {
		t.Fatalf("after the crash %d prompts committed (want two batches of 200 people, the chairman not graded), %v", committed, err)
	}
	if err := s.RunDue(ctx, time.Date(2026, 12, 1, 7, 0, 0, 0, calendar.Location)); err != nil {
		t.Fatal(err)
	}
	promptedOnce(t, pool, n+1)
	// Finished: later wake-ups do nothing more.
	if err := s.RunDue(ctx, lastDay.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	promptedOnce(t, pool, n+1)
}

// Replicas woken together take batches in turn: everyone once.
func TestCampaignBatchesAcrossReplicas(t *testing.T) {
	ctx := context.Background()
	const n = 650
	pool := bigUnit(t, n)
	l := &ledger{recorder: recorder{calls: map[string]int{}}}
	var wg sync.WaitGroup
	errs := make(chan error, 3)
	for range 3 {
		s := &schedule.Scheduler{Pool: pool, Cal: calendar.Default(), Prompter: l, Times: schedule.DefaultTimes, Log: quietLog}
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- s.RunDue(ctx, time.Date(2026, 11, 30, 17, 0, 0, 0, calendar.Location))
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	promptedOnce(t, pool, n+1)
}

// One person whose prompt fails does not stop the campaign: everyone else is
// prompted, once, and the run finishes.
func TestCampaignSkipsAPersonWhosePromptFails(t *testing.T) {
	ctx := context.Background()
	const n = 300
	pool := bigUnit(t, n)
	var poison int64
	if err := pool.QueryRow(ctx, `SELECT id FROM officials WHERE employee_code = 'E0150'`).Scan(&poison); err != nil {
		t.Fatal(err)
	}
	l := &ledger{recorder: recorder{calls: map[string]int{}}, poison: poison}
	s := &schedule.Scheduler{Pool: pool, Cal: calendar.Default(), Prompter: l, Times: schedule.DefaultTimes, Log: quietLog}
	if err := s.RunDue(ctx, time.Date(2026, 11, 30, 17, 0, 0, 0, calendar.Location)); err != nil {
		t.Fatal(err)
	}
	promptedOnce(t, pool, n) // the head and 300 officials, less the one
	var unfinished int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM campaign_runs WHERE finished_at IS NULL`).Scan(&unfinished); err != nil || unfinished != 0 {
		t.Fatalf("%d runs unfinished, %v", unfinished, err)
	}
}
