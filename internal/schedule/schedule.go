// Package schedule runs the monthly cycle's campaigns (DESIGN.md section 2)
// from robfig/cron in Asia/Ho_Chi_Minh time. Each campaign fires at most once
// per period, across restarts and replicas (the campaign_runs table), and a
// run missed while the bot was down is caught up at start, once.
package schedule

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/robfig/cron/v3"

	"evalbot/internal/calendar"
	"evalbot/internal/roster"
)

// Prompter renders and enqueues the campaigns' messages (the Telegram adapter).
type Prompter interface {
	PromptPlan(ctx context.Context, tx pgx.Tx, o roster.Official, kind string, start calendar.Date) error
	PromptWeekReport(ctx context.Context, tx pgx.Tx, o roster.Official, w calendar.Week) error
	PromptSelfAssessment(ctx context.Context, tx pgx.Tx, o roster.Official, m calendar.Month) error
	RemindSelfAssessment(ctx context.Context, tx pgx.Tx, o roster.Official, m calendar.Month) error
	TellHeadMissing(ctx context.Context, tx pgx.Tx, head roster.Official, m calendar.Month, names []string) error
	RemindReviewer(ctx context.Context, tx pgx.Tx, head roster.Official, m calendar.Month, day calendar.Date) error
	Escalate(ctx context.Context, tx pgx.Tx, superior, head roster.Official, m calendar.Month) error
	// UnitsToPublish lists the units with approved results of m not yet published.
	UnitsToPublish(ctx context.Context, tx pgx.Tx, m calendar.Month) ([]int64, error)
	// Publish publishes one unit's approved results of m (công khai) and locks
	// them, under the unit's month lock (evaluation.LockUnitMonth); false when
	// the unit had already published m. actor is nil for the scheduled run.
	Publish(ctx context.Context, tx pgx.Tx, unitID int64, m calendar.Month, actor *int64) (bool, error)
}

// Times are the campaigns' clock times and working-day offsets; an
// organization can change them. Hours are local (Asia/Ho_Chi_Minh).
type Times struct {
	WeekPlanHour    int // Monday
	WeekReportHour  int // Friday
	MonthPlanHour   int // 1st working day
	SelfAssessHour  int // last working day
	RemindHour      int // reminders and escalations
	RemindAfterDays int // working days after the prompt: remind those who have not self-assessed
	ReviewAfterDays int // working days after a submission: remind the head
	EscalateDays    int // working days after a submission: tell the head's superior
	PublishDay      int // working day of the next month when results are published (công khai) and lock
	PublishHour     int
	// YearDay and YearHour: the December campaign of the yearly evaluation
	// (Decree 335/2025/NĐ-CP Art. 21: done before 15 December) fires on this
	// day of December (1–14; 0 is 1) from this hour: each person gets their
	// year's summary, each head the yearly table (YearPrompter).
	YearDay  int
	YearHour int
}

// YearPrompter is a Prompter that also sends the December campaign (the
// Telegram adapter is one): PromptYear sends o their year's summary and, to
// a head, the yearly table of the people they review; false when it sent
// nothing. A Prompter that is not one runs no December campaign.
type YearPrompter interface {
	PromptYear(ctx context.Context, tx pgx.Tx, o roster.Official, year int) (bool, error)
}

// DefaultTimes are DESIGN.md section 2's defaults.
var DefaultTimes = Times{WeekPlanHour: 8, WeekReportHour: 16, MonthPlanHour: 8, SelfAssessHour: 9, RemindHour: 8,
	RemindAfterDays: 1, ReviewAfterDays: 2, EscalateDays: 4, PublishDay: calendar.DefaultPublishDay, PublishHour: 8,
	YearDay: 1, YearHour: 8}

// DefaultSpecs are the cron specs that wake the scheduler; each wake-up runs
// whatever is due (RunDue), so a spec only sets how often it looks.
var DefaultSpecs = []string{"0 8 * * *", "0 9 * * *", "0 16 * * 5"}

// Scheduler holds the campaigns.
type Scheduler struct {
	Pool     *pgxpool.Pool
	Cal      *calendar.Calendar
	Prompter Prompter
	Times    Times
	Log      *slog.Logger
	// Sent, when set, is called after a campaign enqueued messages.
	Sent func()
}

// Start parses every spec (a bad one is an error that names it), schedules
// RunDue on each in Asia/Ho_Chi_Minh and catches up once now. Stop the
// returned cron and wait on its context before closing the pool.
func (s *Scheduler) Start(ctx context.Context, specs []string, now func() time.Time) (*cron.Cron, error) {
	c := cron.New(cron.WithLocation(calendar.Location))
	for _, spec := range specs {
		if _, err := cron.ParseStandard(spec); err != nil {
			return nil, fmt.Errorf("cron spec %q: %w", spec, err)
		}
		if _, err := c.AddFunc(spec, func() {
			if err := s.RunDue(ctx, now()); err != nil {
				s.Log.Error("campaigns", "err", err)
			}
		}); err != nil {
			return nil, err
		}
	}
	if err := s.RunDue(ctx, now()); err != nil {
		return nil, err
	}
	c.Start()
	return c, nil
}
