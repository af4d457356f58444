package schedule_test

import (
	"context"
	"io"
	"log/slog"
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

// yearRecorder is a recorder that also takes the December campaign.
type yearRecorder struct {
	recorder
	mu     sync.Mutex
	years  map[int64]int
	stored int // period_results rows when the first summary went out
}

func (r *yearRecorder) PromptYear(ctx context.Context, tx pgx.Tx, o roster.Official, year int) (bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.years) == 0 {
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM period_results WHERE year = $1 AND quarter = 0`, year).Scan(&r.stored); err != nil {
			return false, err
		}
	}
	r.years[o.ID]++
	return true, nil
}

// The December campaign (Decree 335 Art. 21: before 15 December) fires once
// a year on the configured day from its hour, after every person's year is
// stored as a draft; a replica's second run sends nothing again; the day is
// configurable, and not after the 14th.
func TestDecemberCampaign(t *testing.T) {
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
	rec := &yearRecorder{recorder: recorder{calls: map[string]int{}}, years: map[int64]int{}}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	times := schedule.DefaultTimes
	times.YearDay = 3
	s := &schedule.Scheduler{Pool: pool, Cal: calendar.Default(), Prompter: rec, Times: times, Log: log}
	at := func(m time.Month, d, h int) time.Time { return time.Date(2026, m, d, h, 0, 0, 0, calendar.Location) }
	for _, now := range []time.Time{at(time.November, 30, 9), at(time.December, 1, 9), at(time.December, 3, 7)} {
		if err := s.RunDue(ctx, now); err != nil {
			t.Fatal(err)
		}
	}
	if len(rec.years) != 0 {
		t.Fatalf("fired before 3 December 08:00: %v", rec.years)
	}
	for range 2 {
		if err := s.RunDue(ctx, at(time.December, 3, 8)); err != nil {
			t.Fatal(err)
		}
	}
	if len(rec.years) != 3 || rec.stored != 3 {
		t.Fatalf("summaries %v, stored drafts %d; want the 3 people once, after their 3 drafts", rec.years, rec.stored)
	}
	for id, n := range rec.years {
		if n != 1 {
			t.Fatalf("official %d got %d summaries", id, n)
		}
	}
	// A new install on 15 December sends nothing: the year is due before the 15th.
	pool2 := pgtest.New(t)
	if _, err := roster.Import(ctx, pool2, us, os_, roster.Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := pool2.Exec(ctx, `UPDATE officials SET chat_id = id + 1000, telegram_user_id = id + 1000`); err != nil {
		t.Fatal(err)
	}
	rec2 := &yearRecorder{recorder: recorder{calls: map[string]int{}}, years: map[int64]int{}}
	s2 := &schedule.Scheduler{Pool: pool2, Cal: calendar.Default(), Prompter: rec2, Times: schedule.DefaultTimes, Log: log}
	if err := s2.RunDue(ctx, at(time.December, 15, 9)); err != nil {
		t.Fatal(err)
	}
	if len(rec2.years) != 0 {
		t.Fatalf("fired on 15 December: %v", rec2.years)
	}
	// YearDay below 0 turns the campaign off (the demo tells a month).
	s2.Times.YearDay = -1
	if err := s2.RunDue(ctx, at(time.December, 2, 9)); err != nil {
		t.Fatal(err)
	}
	if len(rec2.years) != 0 {
		t.Fatalf("fired while off: %v", rec2.years)
	}
}

func TestWithYearDay(t *testing.T) {
	for in, want := range map[string][2]int{"": {1, 8}, "5": {5, 8}, " 14 9 ": {14, 9}} {
		got, err := schedule.WithYearDay(schedule.DefaultTimes, in)
		if err != nil || got.YearDay != want[0] || got.YearHour != want[1] {
			t.Errorf("%q: %d %d, %v", in, got.YearDay, got.YearHour, err)
		}
	}
	for _, in := range []string{"15", "0", "1 24", "ngày 1", "1 8 0"} {
		if _, err := schedule.WithYearDay(schedule.DefaultTimes, in); err == nil || !strings.Contains(err.Error(), in) {
			t.Errorf("%q: %v", in, err)
		}
	}
}
