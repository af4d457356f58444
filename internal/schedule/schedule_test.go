package schedule_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/calendar"
	"evalbot/internal/pgtest"
	"evalbot/internal/roster"
	"evalbot/internal/schedule"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func TestParseSpecs(t *testing.T) {
	if got, err := schedule.ParseSpecs(""); err != nil || len(got) != len(schedule.DefaultSpecs) {
		t.Fatalf("default: %v %v", got, err)
	}
	if got, err := schedule.ParseSpecs("0 8 * * 1-5; 30 16 * * 5"); err != nil || len(got) != 2 {
		t.Fatalf("two specs: %v %v", got, err)
	}
	_, err := schedule.ParseSpecs("0 8 * * *, 61 8 * * *")
	if err == nil || !strings.Contains(err.Error(), `"61 8 * * *"`) {
		t.Fatalf("a bad spec must be named: %v", err)
	}
}

// recorder is a Prompter that counts what each campaign asked for.
type recorder struct {
	mu    sync.Mutex
	calls map[string]int
}

func (r *recorder) add(k string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls[k]++
}
func (r *recorder) PromptPlan(_ context.Context, _ pgx.Tx, o roster.Official, kind string, _ calendar.Date) error {
	r.add("plan-" + kind)
	return nil
}
func (r *recorder) PromptWeekReport(context.Context, pgx.Tx, roster.Official, calendar.Week) error {
	r.add("report")
	return nil
}
func (r *recorder) PromptSelfAssessment(context.Context, pgx.Tx, roster.Official, calendar.Month) error {
	r.add("assess")
	return nil
}
func (r *recorder) RemindSelfAssessment(context.Context, pgx.Tx, roster.Official, calendar.Month) error {
	r.add("remind")
	return nil
}
func (r *recorder) TellHeadMissing(context.Context, pgx.Tx, roster.Official, calendar.Month, []string) error {
	r.add("missing")
	return nil
}
func (r *recorder) RemindReviewer(context.Context, pgx.Tx, roster.Official, calendar.Month, calendar.Date) error {
	r.add("review")
	return nil
}
func (r *recorder) Escalate(context.Context, pgx.Tx, roster.Official, roster.Official, calendar.Month) error {
	r.add("escalate")
	return nil
}
func (r *recorder) UnitsToPublish(context.Context, pgx.Tx, calendar.Month) ([]int64, error) {
	r.add("publish")
	return nil, nil
}
func (r *recorder) Publish(context.Context, pgx.Tx, int64, calendar.Month, *int64) (bool, error) {
	r.add("publish-unit")
	return true, nil
}

// Campaigns fire once per period, also when two schedulers (replicas) run
// the same wake-up, and a run missed while down is caught up once.
func TestCampaignsFireOncePerPeriod(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.New(t)
	units := "code,name,parent_code,exceptional\nR,Phường,,\nU,Phòng,R,\n"
	offs := "employee_code,full_name,unit_code,category,position,is_head,phone,language\n" +
		"S,Sếp,R,Cán bộ,Chủ tịch,true,,vi\nH,Trưởng,U,Công chức,Trưởng phòng,true,,vi\nA,An,U,Công chức,Chuyên viên,,,vi\n"
	us, _, _ := roster.ReadUnits(strings.NewReader(units), "u.csv")
	os_, _, _ := roster.ReadOfficials(strings.NewReader(offs), "o.csv")
	if _, err := roster.Import(ctx, pool, us, os_, roster.Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `UPDATE officials SET chat_id = id + 1000, telegram_user_id = id + 1000`); err != nil {
		t.Fatal(err)
	}
	rec := &recorder{calls: map[string]int{}}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a := &schedule.Scheduler{Pool: pool, Cal: calendar.Default(), Prompter: rec, Times: schedule.DefaultTimes, Log: log}
	b := &schedule.Scheduler{Pool: pool, Cal: calendar.Default(), Prompter: rec, Times: schedule.DefaultTimes, Log: log}
	at := func(d, h int) time.Time { return time.Date(2026, 11, d, h, 0, 0, 0, calendar.Location) }

	// Monday 2 Nov 07:00: nothing yet; 08:00 from two replicas at once: once.
	if err := a.RunDue(ctx, at(2, 7)); err != nil {
		t.Fatal(err)
	}
	if n := rec.calls["plan-week"]; n != 0 {
		t.Fatalf("fired before 08:00: %d", n)
	}
	var wg sync.WaitGroup
	for _, s := range []*schedule.Scheduler{a, b, a, b} {
		wg.Add(1)
		go func() { defer wg.Done(); _ = s.RunDue(ctx, at(2, 8)) }()
	}
	wg.Wait()
	if rec.calls["plan-week"] != 3 || rec.calls["plan-month"] != 3 {
		t.Fatalf("week and month plans: %v", rec.calls)
	}
	// Down over the week's Monday: started on Tuesday 10 Nov, it catches up once.
	if err := a.RunDue(ctx, at(10, 10)); err != nil {
		t.Fatal(err)
	}
	if err := b.RunDue(ctx, at(10, 11)); err != nil {
		t.Fatal(err)
	}
	if rec.calls["plan-week"] != 6 {
		t.Fatalf("caught-up week plan: %v", rec.calls)
	}
	// The last working day (30 Nov) 09:00: self-assessment prompts for the
	// two people who have a reviewer (not the root head).
	if err := a.RunDue(ctx, at(30, 9)); err != nil {
		t.Fatal(err)
	}
	if err := b.RunDue(ctx, at(30, 10)); err != nil {
		t.Fatal(err)
	}
	// November's two; none for October: the bot did not run before it.
	if rec.calls["assess"] != 2 {
		t.Fatalf("self-assessment prompts: %v", rec.calls)
	}
	// 1 Dec 08:00: reminders to both, the head told once about A.
	if err := a.RunDue(ctx, time.Date(2026, 12, 1, 8, 0, 0, 0, calendar.Location)); err != nil {
		t.Fatal(err)
	}
	if rec.calls["remind"] != 2 || rec.calls["missing"] != 2 {
		t.Fatalf("reminders: %v", rec.calls)
	}
	// 7 Dec 08:00: publication of November, once.
	for i := 0; i < 2; i++ {
		if err := a.RunDue(ctx, time.Date(2026, 12, 7, 8+i, 0, 0, 0, calendar.Location)); err != nil {
			t.Fatal(err)
		}
	}
	if rec.calls["publish"] != 1 {
		t.Fatalf("publication: %v", rec.calls)
	}
}

// Down over the last working day: the self-assessment prompt is caught up on
// the next working days, once.
func TestSelfAssessmentCaughtUpAfterDowntime(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.New(t)
	units := "code,name,parent_code,exceptional\nR,Phường,,\nU,Phòng,R,\n"
	offs := "employee_code,full_name,unit_code,category,position,is_head,phone,language\n" +
		"S,Sếp,R,Cán bộ,Chủ tịch,true,,vi\nH,Trưởng,U,Công chức,Trưởng phòng,true,,vi\nA,An,U,Công chức,Chuyên viên,,,vi\n"
	us, _, _ := roster.ReadUnits(strings.NewReader(units), "u.csv")
	os_, _, _ := roster.ReadOfficials(strings.NewReader(offs), "o.csv")
	if _, err := roster.Import(ctx, pool, us, os_, roster.Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `UPDATE officials SET chat_id = id + 1000, telegram_user_id = id + 1000`); err != nil {
		t.Fatal(err)
	}
	rec := &recorder{calls: map[string]int{}}
	s := &schedule.Scheduler{Pool: pool, Cal: calendar.Default(), Prompter: rec, Times: schedule.DefaultTimes,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if err := s.RunDue(ctx, time.Date(2026, 11, 23, 8, 0, 0, 0, calendar.Location)); err != nil {
		t.Fatal(err)
	}
	// Down from 24 November to 1 December 10:00: Monday 30 November was missed.
	for i := 0; i < 2; i++ {
		if err := s.RunDue(ctx, time.Date(2026, 12, 1, 10+i, 0, 0, 0, calendar.Location)); err != nil {
			t.Fatal(err)
		}
	}
	if rec.calls["assess"] != 2 {
		t.Fatalf("caught-up prompts: %v", rec.calls)
	}
}
