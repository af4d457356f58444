package schedule

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/calendar"
	"evalbot/internal/collation"
	"evalbot/internal/evaluation"
	"evalbot/internal/roster"
	"evalbot/internal/store"
	"evalbot/internal/yearly"
)

// RunDue fires every campaign whose time has come at now and that has not
// fired for its period yet. It is what each cron wake-up, and the start-up
// catch-up, calls; the demo calls it with a simulated clock.
func (s *Scheduler) RunDue(ctx context.Context, now time.Time) error {
	ctx = context.WithValue(ctx, nowKey{}, now) // campaign_runs.fired_at is the scheduler's clock
	local := now.In(calendar.Location)
	today := calendar.DateOf(now)
	hour := local.Hour()
	month := today.YearMonth()
	week := calendar.WeekOf(today)
	cal := s.Cal
	// A per-person campaign cut short (a crash, a restart) goes on first,
	// whatever the day.
	if err := s.resume(ctx); err != nil {
		return err
	}

	// Monthly plan: the 1st working day. It goes before the weekly one: when
	// both come together, the week's (the more frequent) is the latest, and
	// a text answers the latest prompt; the month's has its own button.
	if first, ok := cal.NthWorkingDay(month, 1); ok && !today.Before(first) && cal.WorkingDaysBetween(first, today) < catchUpDays &&
		(today != first || hour >= s.Times.MonthPlanHour) {
		if err := s.eachOnce(ctx, "month_plan", month.String(), s.monthPlan(month)); err != nil {
			return err
		}
	}
	// Weekly plan: Monday from its hour; a run missed while down is caught
	// up on the week's first three working days only.
	if cal.IsWorkingDay(today) && cal.WorkingDaysBetween(week.Monday().AddDays(-1), today) <= catchUpDays &&
		(today.Weekday() != time.Monday || hour >= s.Times.WeekPlanHour) {
		if err := s.eachOnce(ctx, "week_plan", week.String(), s.weekPlan(week)); err != nil {
			return err
		}
	}
	// Weekly report: Friday from its hour (or the last working day of the week).
	if today.Weekday() == time.Friday && hour >= s.Times.WeekReportHour {
		if err := s.eachOnce(ctx, "week_report", week.String(), s.weekReport(week)); err != nil {
			return err
		}
	}
	// Self-assessment: the last working day. Reminders: RemindAfterDays later.
	last := cal.LastWorkingDay(month)
	if today == last && hour >= s.Times.SelfAssessHour {
		if err := s.eachOnce(ctx, "self_assess", month.String(), s.selfAssess(month)); err != nil {
			return err
		}
	}
	prev := month.Prev()
	// Down over the last working day: the prompt is caught up early next month,
	// once — only when the bot was running before that day (a new install
	// does not prompt for a month it never saw).
	if cal.WorkingDaysBetween(cal.LastWorkingDay(prev), today) <= catchUpDays &&
		s.ranBefore(ctx, cal.LastWorkingDay(prev).Time(0, 0)) {
		if err := s.eachOnce(ctx, "self_assess", prev.String(), s.selfAssess(prev)); err != nil {
			return err
		}
	}
	remindDay := cal.AddWorkingDays(cal.LastWorkingDay(prev), s.Times.RemindAfterDays)
	if today == remindDay && hour >= s.Times.RemindHour && s.firedBefore(ctx, "self_assess", prev.String(), today.Time(0, 0)) {
		if err := s.once(ctx, "self_remind", prev.String(), s.selfRemind(prev)); err != nil {
			return err
		}
	}
	// The year (Decree 335 Art. 21, before 15 December): every person's
	// year computed and stored as drafts, then the summaries and the heads'
	// tables, once a year, from YearDay of December until the 14th. It goes
	// before the month's publication: on a day both are due (a catch-up),
	// the earlier campaign first, and the month's final card is the latest.
	if yp, ok := s.Prompter.(YearPrompter); ok && s.Times.YearDay >= 0 && today.Month == time.December && today.Day >= s.yearDay() && today.Day < 15 &&
		(today.Day != s.yearDay() || hour >= s.Times.YearHour) {
		y := strconv.Itoa(today.Year)
		if err := s.once(ctx, "year_compute", y, s.yearCompute(today.Year)); err != nil {
			return err
		}
		if err := s.eachOnce(ctx, "year_summary", y, s.yearSummary(yp, today)); err != nil {
			return err
		}
	}
	// Publication of the month under review (the one just ended) on its
	// publication day, the PublishDay-th working day.
	if m := cal.MonthUnderReview(today, s.Times.PublishDay); today == cal.PublicationDay(m, s.Times.PublishDay) && hour >= s.Times.PublishHour {
		if err := s.publish(ctx, m); err != nil {
			return err
		}
	}
	// Reviews waiting too long: daily while any are pending.
	if cal.IsWorkingDay(today) && hour >= s.Times.RemindHour {
		if err := s.once(ctx, "review_chase", today.String(), s.reviewChase(today)); err != nil {
			return err
		}
	}
	return nil
}

type nowKey struct{}

// publish publishes month m unit by unit, each unit in its own transaction
// under that unit's month lock (Prompter.Publish), so an approval pressed
// meanwhile waits for its own unit only and lands either in the publication
// or after it as the addendum. The run is marked done at the end; a run cut
// short is run again, and a unit already published is left as it is.
func (s *Scheduler) publish(ctx context.Context, m calendar.Month) error {
	var done bool
	if err := s.Pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM campaign_runs WHERE campaign = 'publish' AND period = $1)`,
		m.String()).Scan(&done); err != nil || done {
		return err
	}
	var units []int64
	if err := store.InTx(ctx, s.Pool, func(tx pgx.Tx) (err error) {
		units, err = s.Prompter.UnitsToPublish(ctx, tx, m)
		return err
	}); err != nil {
		return err
	}
	n := 0
	for _, u := range units {
		var ok bool
		if err := store.InTx(ctx, s.Pool, func(tx pgx.Tx) (err error) {
			ok, err = s.Prompter.Publish(ctx, tx, u, m, nil)
			return err
		}); err != nil {
			return err
		}
		if ok {
			n++
			if s.Sent != nil {
				s.Sent()
			}
		}
	}
	return s.once(ctx, "publish", m.String(), func(context.Context, pgx.Tx) (int, error) { return n, nil })
}

// catchUpDays is how many working days into its period a missed plan prompt
// is still worth sending.
const catchUpDays = 3

// once runs fn in one transaction with the campaign_runs row that marks the
// period done; a second call for the same period does nothing.
func (s *Scheduler) once(ctx context.Context, campaign, period string, fn func(ctx context.Context, tx pgx.Tx) (int, error)) error {
	now, _ := ctx.Value(nowKey{}).(time.Time)
	if now.IsZero() {
		now = time.Now()
	}
	sent := 0
	err := store.InTx(ctx, s.Pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO campaign_runs (campaign, period, fired_at, finished_at) VALUES ($1, $2, $3, $3) ON CONFLICT DO NOTHING`, campaign, period, now)
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		sent, err = fn(ctx, tx)
		return err
	})
	if err == nil && sent > 0 {
		s.Log.Info("campaign fired", "campaign", campaign, "period", period, "recipients", sent)
		if s.Sent != nil {
			s.Sent()
		}
	}
	return err
}

// batchSize is how many officials one transaction of a per-person campaign
// prompts: about a second of rendering, so that sending starts early and no
// transaction holds locks for long.
const batchSize = 200

// eachOnce runs a per-person campaign for period once, in batches: each batch
// is one transaction that prompts the next officials in id order and moves
// the run's cursor (campaign_runs.next_official) past them, under the run's
// row lock. A crash loses at most the batch in progress, which the next
// RunDue (here or on another replica) does again; replicas take batches in
// turn; a finished run does nothing.
func (s *Scheduler) eachOnce(ctx context.Context, campaign, period string, c perPerson) error {
	now, _ := ctx.Value(nowKey{}).(time.Time)
	if now.IsZero() {
		now = time.Now()
	}
	if _, err := s.Pool.Exec(ctx, `INSERT INTO campaign_runs (campaign, period, fired_at, finished_at)
		VALUES ($1, $2, $3, NULL) ON CONFLICT DO NOTHING`, campaign, period, now); err != nil {
		return err
	}
	total := 0
	for {
		done, n := false, 0
		err := store.InTx(ctx, s.Pool, func(tx pgx.Tx) error {
			done, n = false, 0
			var after int64
			var finished bool
			if err := tx.QueryRow(ctx, `SELECT next_official, finished_at IS NOT NULL FROM campaign_runs
				WHERE campaign = $1 AND period = $2 FOR UPDATE`, campaign, period).Scan(&after, &finished); err != nil {
				return err
			}
			if finished {
				done = true
				return nil
			}
			ps, err := people(ctx, tx, c.day, after, batchSize)
			if err != nil {
				return err
			}
			for _, o := range ps {
				sent, err := s.promptOne(ctx, tx, c, campaign, o)
				if err != nil {
					return err
				}
				if sent {
					n++
				}
			}
			if len(ps) < batchSize {
				done = true
				_, err = tx.Exec(ctx, `UPDATE campaign_runs SET finished_at = now() WHERE campaign = $1 AND period = $2`, campaign, period)
				return err
			}
			_, err = tx.Exec(ctx, `UPDATE campaign_runs SET next_official = $3 WHERE campaign = $1 AND period = $2`,
				campaign, period, ps[len(ps)-1].ID)
			return err
		})
		if err != nil {
			return err
		}
		total += n
		if n > 0 && s.Sent != nil {
			s.Sent() // the sender starts on this batch while the next renders
		}
		if done {
			break
		}
	}
	if total > 0 {
		s.Log.Info("campaign fired", "campaign", campaign, "period", period, "recipients", total)
	}
	return nil
}

// promptOne prompts o inside a savepoint: one person whose prompt fails (a
// record the roster import let through, a card that does not render) is
// logged and skipped, and the campaign goes on for everyone else. An error
// the savepoint cannot undo (the connection, the context) ends the batch.
func (s *Scheduler) promptOne(ctx context.Context, tx pgx.Tx, c perPerson, campaign string, o roster.Official) (bool, error) {
	sp, err := tx.Begin(ctx)
	if err != nil {
		return false, err
	}
	sent, err := c.prompt(ctx, sp, o)
	if err == nil {
		return sent, sp.Commit(ctx)
	}
	if rerr := sp.Rollback(ctx); rerr != nil || ctx.Err() != nil {
		return false, err
	}
	s.Log.Error("campaign: prompt failed; the person is skipped", "campaign", campaign, "official_id", o.ID, "err", err)
	return false, nil
}

// resume goes on with per-person campaigns that were cut short.
func (s *Scheduler) resume(ctx context.Context) error {
	rows, err := s.Pool.Query(ctx, `SELECT campaign, period FROM campaign_runs WHERE finished_at IS NULL ORDER BY fired_at`)
	if err != nil {
		return err
	}
	type run struct{ campaign, period string }
	runs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (run, error) {
		var x run
		return x, r.Scan(&x.campaign, &x.period)
	})
	if err != nil {
		return err
	}
	for _, r := range runs {
		var c perPerson
		switch r.campaign {
		case "month_plan", "self_assess":
			m, err := calendar.ParseMonth(r.period)
			if err != nil {
				return fmt.Errorf("campaign %s: period %q: %w", r.campaign, r.period, err)
			}
			c = s.monthPlan(m)
			if r.campaign == "self_assess" {
				c = s.selfAssess(m)
			}
		case "week_plan", "week_report":
			w, err := calendar.ParseWeek(r.period)
			if err != nil {
				return fmt.Errorf("campaign %s: period %q: %w", r.campaign, r.period, err)
			}
			c = s.weekPlan(w)
			if r.campaign == "week_report" {
				c = s.weekReport(w)
			}
		case "year_summary":
			y, err := strconv.Atoi(r.period)
			yp, ok := s.Prompter.(YearPrompter)
			if err != nil || !ok {
				return fmt.Errorf("campaign %s: period %q: cannot resume", r.campaign, r.period)
			}
			c = s.yearSummary(yp, calendar.Date{Year: y, Month: time.December, Day: s.yearDay()})
		default:
			return fmt.Errorf("campaign %s: cannot resume", r.campaign)
		}
		s.Log.Info("campaign resumed", "campaign", r.campaign, "period", r.period)
		if err := s.eachOnce(ctx, r.campaign, r.period, c); err != nil {
			return err
		}
	}
	return nil
}

// ranBefore reports whether any campaign ran before t.
func (s *Scheduler) ranBefore(ctx context.Context, t time.Time) bool {
	var ok bool
	err := s.Pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM campaign_runs WHERE fired_at < $1)`, t).Scan(&ok)
	return err == nil && ok
}

// firedBefore reports whether campaign ran for period before t: a reminder
// follows only a prompt, and not one caught up the same day.
func (s *Scheduler) firedBefore(ctx context.Context, campaign, period string, t time.Time) bool {
	var ok bool
	err := s.Pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM campaign_runs WHERE campaign = $1 AND period = $2 AND fired_at < $3)`,
		campaign, period, t).Scan(&ok)
	return err == nil && ok
}

// people lists up to limit active officials with ids above after, bound to
// Telegram, reachable and not absent on day, in id order.
func people(ctx context.Context, tx pgx.Tx, day calendar.Date, after int64, limit int) ([]roster.Official, error) {
	rows, err := tx.Query(ctx, `SELECT o.id FROM officials o
		WHERE o.active AND o.chat_id IS NOT NULL AND o.reachable AND o.id > $2
		AND NOT EXISTS (SELECT 1 FROM absences a WHERE a.official_id = o.id AND $1 BETWEEN a.first_day AND a.last_day)
		ORDER BY o.id LIMIT $3`, day.Time(0, 0), after, limit)
	if err != nil {
		return nil, err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, err
	}
	out := make([]roster.Official, 0, len(ids))
	for _, id := range ids {
		o, err := roster.OfficialByID(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

// everyone lists all of people (campaigns that run in one transaction).
func everyone(ctx context.Context, tx pgx.Tx, day calendar.Date) ([]roster.Official, error) {
	return people(ctx, tx, day, 0, math.MaxInt32)
}

// perPerson is a campaign that prompts each official on their own: it runs
// in batches (eachOnce). prompt reports whether it sent anything to o.
type perPerson struct {
	day    calendar.Date // absences on this day skip a person
	prompt func(ctx context.Context, tx pgx.Tx, o roster.Official) (bool, error)
}

func (s *Scheduler) weekPlan(w calendar.Week) perPerson {
	return perPerson{day: w.Monday(), prompt: func(ctx context.Context, tx pgx.Tx, o roster.Official) (bool, error) {
		if _, err := evaluation.FindPlan(ctx, tx, o.ID, evaluation.KindWeek, w.Monday()); err == nil {
			return false, nil // already planned
		}
		return true, s.Prompter.PromptPlan(ctx, tx, o, evaluation.KindWeek, w.Monday())
	}}
}

func (s *Scheduler) weekReport(w calendar.Week) perPerson {
	return perPerson{day: w.Monday().AddDays(4), prompt: func(ctx context.Context, tx pgx.Tx, o roster.Official) (bool, error) {
		return true, s.Prompter.PromptWeekReport(ctx, tx, o, w)
	}}
}

func (s *Scheduler) monthPlan(m calendar.Month) perPerson {
	first, _ := s.Cal.NthWorkingDay(m, 1)
	return perPerson{day: first, prompt: func(ctx context.Context, tx pgx.Tx, o roster.Official) (bool, error) {
		if _, err := evaluation.FindPlan(ctx, tx, o.ID, evaluation.KindMonth, m.First()); err == nil {
			return false, nil
		}
		return true, s.Prompter.PromptPlan(ctx, tx, o, evaluation.KindMonth, m.First())
	}}
}

// graded reports whether o is evaluated in the system: someone reviews them.
func graded(ctx context.Context, tx pgx.Tx, o roster.Official) (bool, error) {
	_, ok, err := roster.HeadOf(ctx, tx, o.ID)
	return ok, err
}

func (s *Scheduler) selfAssess(m calendar.Month) perPerson {
	return perPerson{day: s.Cal.LastWorkingDay(m), prompt: func(ctx context.Context, tx pgx.Tx, o roster.Official) (bool, error) {
		if ok, err := graded(ctx, tx, o); err != nil || !ok {
			return false, err
		}
		return true, s.Prompter.PromptSelfAssessment(ctx, tx, o, m)
	}}
}

func (s *Scheduler) selfRemind(m calendar.Month) func(context.Context, pgx.Tx) (int, error) {
	return func(ctx context.Context, tx pgx.Tx) (int, error) {
		ps, err := everyone(ctx, tx, s.Cal.LastWorkingDay(m))
		if err != nil {
			return 0, err
		}
		missing := map[int64][]string{}
		heads := map[int64]roster.Official{}
		n := 0
		for _, o := range ps {
			head, ok, err := roster.HeadOf(ctx, tx, o.ID)
			if err != nil {
				return n, err
			}
			if !ok {
				continue
			}
			as, err := evaluation.FindAssessment(ctx, tx, o.ID, m)
			if err == nil && !as.Editable() {
				continue
			}
			if err := s.Prompter.RemindSelfAssessment(ctx, tx, o, m); err != nil {
				return n, err
			}
			n++
			heads[head.ID] = head
			missing[head.ID] = append(missing[head.ID], o.FullName)
		}
		ids := slices.Sorted(maps.Keys(missing)) // the same order every run
		for _, id := range ids {
			names := missing[id]
			collation.SortNames(names)
			if err := s.Prompter.TellHeadMissing(ctx, tx, heads[id], m, names); err != nil {
				return n, err
			}
		}
		return n, nil
	}
}

// reviewChase reminds heads of submissions waiting ReviewAfterDays working
// days and tells their superior after EscalateDays.
func (s *Scheduler) reviewChase(today calendar.Date) func(context.Context, pgx.Tx) (int, error) {
	return func(ctx context.Context, tx pgx.Tx) (int, error) {
		rows, err := tx.Query(ctx, `SELECT reviewer_id, month, min(submitted_at) FROM assessments
			WHERE status = 'submitted' AND reviewer_id IS NOT NULL GROUP BY reviewer_id, month ORDER BY reviewer_id, month`)
		if err != nil {
			return 0, err
		}
		type pending struct {
			head   int64
			month  time.Time
			oldest time.Time
		}
		var ps []pending
		for rows.Next() {
			var p pending
			if err := rows.Scan(&p.head, &p.month, &p.oldest); err != nil {
				rows.Close()
				return 0, err
			}
			ps = append(ps, p)
		}
		rows.Close()
		n := 0
		for _, p := range ps {
			waited := s.Cal.WorkingDaysBetween(calendar.DateOf(p.oldest), today)
			if waited < s.Times.ReviewAfterDays {
				continue
			}
			head, err := roster.OfficialByID(ctx, tx, p.head)
			if err != nil {
				return n, err
			}
			m := calendar.Month{Year: p.month.Year(), Month: p.month.Month()}
			if err := s.Prompter.RemindReviewer(ctx, tx, head, m, today); err != nil {
				return n, err
			}
			n++
			if waited >= s.Times.EscalateDays {
				sup, ok, err := roster.HeadOf(ctx, tx, head.ID)
				if err != nil {
					return n, err
				}
				if ok {
					if err := s.Prompter.Escalate(ctx, tx, sup, head, m); err != nil {
						return n, err
					}
				}
			}
		}
		return n, nil
	}
}

// yearDay is Times.YearDay within 1–14 (Art. 21: before 15 December).
func (s *Scheduler) yearDay() int { return min(max(s.Times.YearDay, 1), 14) }

// yearCompute computes every person's year from the stored months and
// stores the drafts (yearly.Compute, yearly.Save: set-based, a decision
// standing while its figures do), in one transaction before the summaries.
func (s *Scheduler) yearCompute(y int) func(context.Context, pgx.Tx) (int, error) {
	return func(ctx context.Context, tx pgx.Tx) (int, error) {
		res, err := yearly.Compute(ctx, tx, yearly.Period{Year: y}, "", nil)
		if err != nil {
			return 0, err
		}
		_, err = yearly.Save(ctx, tx, res)
		return 0, err
	}
}

// yearSummary sends each person their year's summary and each head the
// yearly table (YearPrompter), per person in batches like every campaign.
func (s *Scheduler) yearSummary(yp YearPrompter, day calendar.Date) perPerson {
	return perPerson{day: day, prompt: func(ctx context.Context, tx pgx.Tx, o roster.Official) (bool, error) {
		return yp.PromptYear(ctx, tx, o, day.Year)
	}}
}
