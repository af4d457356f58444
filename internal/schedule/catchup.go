package schedule

import (
	"context"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/calendar"
	"evalbot/internal/roster"
)

// CatchUp prompts o, who is reachable again after blocking the bot (issue
// 20, point 11), with what the campaigns of the current periods sent the
// others while o could not be reached (campaigns skip unreachable people):
// the month's and the week's plan, the week's report, the month's
// self-assessment (and last month's, within catchUpDays working days of its
// last working day), the year's summary in December until the 14th, each only when its campaign has fired for the period,
// as it would have prompted o (not already planned, not absent that day).
// It runs in tx, the transaction of the update that brought o back; each
// prompt has its campaign's dedup key, so what o already got is not sent
// again. now is the scheduler's clock.
func (s *Scheduler) CatchUp(ctx context.Context, tx pgx.Tx, o roster.Official, now time.Time) error {
	if !o.Active || o.ChatID == nil {
		return nil
	}
	today := calendar.DateOf(now)
	month, week := today.YearMonth(), calendar.WeekOf(today)
	type due struct {
		campaign, period string
		c                perPerson
	}
	dues := []due{
		{"month_plan", month.String(), s.monthPlan(month)},
		{"week_plan", week.String(), s.weekPlan(week)},
		{"week_report", week.String(), s.weekReport(week)},
		{"self_assess", month.String(), s.selfAssess(month)},
	}
	if prev := month.Prev(); s.Cal.WorkingDaysBetween(s.Cal.LastWorkingDay(prev), today) <= catchUpDays {
		dues = append(dues, due{"self_assess", prev.String(), s.selfAssess(prev)})
	}
	// The year's summary and table, while the December campaign's period
	// lasts (until the 14th).
	if yp, ok := s.Prompter.(YearPrompter); ok && today.Month == time.December && today.Day < 15 {
		dues = append(dues, due{"year_summary", strconv.Itoa(today.Year),
			s.yearSummary(yp, calendar.Date{Year: today.Year, Month: time.December, Day: s.yearDay()})})
	}
	for _, d := range dues {
		var ok bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM campaign_runs WHERE campaign = $1 AND period = $2)
			AND NOT EXISTS (SELECT 1 FROM absences a WHERE a.official_id = $3 AND $4 BETWEEN a.first_day AND a.last_day)`,
			d.campaign, d.period, o.ID, d.c.day.Time(0, 0)).Scan(&ok); err != nil {
			return err
		}
		if !ok {
			continue
		}
		if _, err := d.c.prompt(ctx, tx, o); err != nil {
			return err
		}
	}
	return nil
}

// Back is CatchUp for the official bound to a Telegram user, at now():
// inbound.ReachabilityWith's hook.
func (s *Scheduler) Back(now func() time.Time) func(ctx context.Context, tx pgx.Tx, telegramUserID int64) error {
	return func(ctx context.Context, tx pgx.Tx, telegramUserID int64) error {
		o, err := roster.OfficialByTelegram(ctx, tx, telegramUserID)
		if err != nil {
			return err
		}
		return s.CatchUp(ctx, tx, o, now())
	}
}
