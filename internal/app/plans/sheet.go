package plans

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/calendar"
	"evalbot/internal/evaluation"
	"evalbot/internal/roster"
	"evalbot/internal/store"
)

// DefaultStart is the start of the plan of kind an official means on day
// today, as the chat's /plan takes it: this week (next week from Saturday
// on), or this month.
func DefaultStart(kind string, today calendar.Date) calendar.Date {
	if kind == evaluation.KindMonth {
		return today.YearMonth().First()
	}
	w := calendar.WeekOf(today)
	if wd := today.Weekday(); wd == time.Saturday || wd == time.Sunday {
		w = w.Next()
	}
	return w.Monday()
}

// Sheet is an official's plan of one period as the web form shows it (kế
// hoạch tuần / tháng trên trang): the period, the plan when there is one
// (Plan.ID 0 otherwise), whether the owner may still change it, and its
// tasks split into those a task system assigned (kept as they are, first,
// as the chat keeps them) and those the official typed, each typed catalogue
// task with its item's name (Names, by task id) so its note can be edited
// apart.
type Sheet struct {
	Kind     string
	Start    calendar.Date
	Month    calendar.Month
	Period   evaluation.Period
	Plan     evaluation.Plan
	Editable bool
	Assigned []evaluation.Task
	Typed    []evaluation.Task
	Names    map[int64]string
}

// OpenSheet is official actorID's plan of kind starting at start, as they
// may plan it on today (evaluation.PlanPeriod: the current period or the
// next; evaluation.ErrStale otherwise).
func OpenSheet(ctx context.Context, db store.DB, actorID int64, kind string, start, today calendar.Date) (Sheet, error) {
	start, month, err := evaluation.PlanPeriod(kind, start, today)
	if err != nil {
		return Sheet{}, err
	}
	s := Sheet{Kind: kind, Start: start, Month: month, Period: evaluation.PeriodOf(kind, start), Editable: true, Names: map[int64]string{}}
	p, err := evaluation.FindPlan(ctx, db, actorID, kind, start)
	if errors.Is(err, evaluation.ErrNotFound) {
		return s, nil
	}
	if err != nil {
		return s, err
	}
	s.Plan, s.Editable = p, p.Editable()
	rows, err := db.Query(ctx, `SELECT id FROM tasks WHERE plan_id = $1 AND assignment_id IS NOT NULL`, p.ID)
	if err != nil {
		return s, err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return s, err
	}
	var items []evaluation.TaskDraft
	for _, t := range p.Tasks {
		if contains(ids, t.ID) {
			s.Assigned = append(s.Assigned, t)
			continue
		}
		s.Typed = append(s.Typed, t)
		if t.ItemCode != "" {
			items = append(items, evaluation.TaskDraft{ItemCode: t.ItemCode, Quantity: t.Quantity, Line: len(s.Typed)})
		}
	}
	// The item's name as the catalogue has it now (ResolveCatalogue titles a
	// line without a note by the name alone); a withdrawn item keeps its
	// stored title whole.
	for _, d := range items {
		res, errs, err := evaluation.ResolveCatalogue(ctx, db, actorID, []evaluation.TaskDraft{d})
		if err != nil {
			return s, err
		}
		if len(errs) == 0 {
			s.Names[s.Typed[d.Line-1].ID] = res[0].Title
		}
	}
	return s, nil
}

func contains(ids []int64, id int64) bool {
	for _, v := range ids {
		if v == id {
			return true
		}
	}
	return false
}

// Note is the part of a catalogue task's title typed after the item's
// name («Thẩm định hồ sơ: nhà ông A» → «nhà ông A»); the whole title when
// the name is unknown.
func (s Sheet) Note(t evaluation.Task) string {
	name, ok := s.Names[t.ID]
	if !ok {
		return t.Title
	}
	return strings.TrimPrefix(strings.TrimPrefix(t.Title, name), ": ")
}

// SheetNotifier makes the chat show what the official did in the plan
// form, in the same transaction (telegram.App): their draft card in chat
// follows a saved draft, and a submitted plan goes to the head as the
// chat's «Gửi» sends it.
type SheetNotifier interface {
	PlanDrafted(ctx context.Context, tx pgx.Tx, p evaluation.Plan, o roster.Official) error
	PlanSubmitted(ctx context.Context, tx pgx.Tx, p evaluation.Plan, o roster.Official, head *roster.Official) error
}

// SaveSheet stores rows as official actorID's draft plan of kind starting
// at start (the current or next period on today), replacing the typed tasks
// of a draft or returned plan and keeping the assigned ones
// (evaluation.SaveDraft), then, when submit is set, sends it to the head
// (Submit). version is the plan's version the form showed (0: there was
// none). The rows are read by evaluation.ParseFormTasks and
// evaluation.ResolveCatalogue, the chat's rules; their refusals come back
// as LineErrors and nothing is written. Refusals: evaluation.ErrStale (a
// period not open to planning, or the plan changed meanwhile in chat or
// another tab), evaluation.ErrLocked (waiting for the head, or approved).
func SaveSheet(ctx context.Context, tx pgx.Tx, actorID int64, kind string, start, today calendar.Date, version int, rows []evaluation.FormTask, submit bool, notify SheetNotifier) (Sheet, []evaluation.LineError, error) {
	s, err := OpenSheet(ctx, tx, actorID, kind, start, today)
	if err != nil {
		return s, nil, err
	}
	if s.Plan.ID != 0 {
		// The plan row locked: two tabs (or a double tap) save one after the other.
		if err := tx.QueryRow(ctx, `SELECT version FROM plans WHERE id = $1 FOR UPDATE`, s.Plan.ID).Scan(new(int)); err != nil {
			return s, nil, err
		}
		if s, err = OpenSheet(ctx, tx, actorID, kind, start, today); err != nil {
			return s, nil, err
		}
	}
	drafts, errs := evaluation.ParseFormTasks(rows, s.Period)
	if len(errs) > 0 {
		return s, errs, nil
	}
	drafts, errs, err = evaluation.ResolveCatalogue(ctx, tx, actorID, drafts)
	if err != nil || len(errs) > 0 {
		return s, errs, err
	}
	if s.Plan.ID != 0 && s.Plan.Version != version {
		// The same form again (a double tap, Telegram's webview posting
		// twice) after it was saved, or sent when sent: nothing to do.
		if same(s.Typed, drafts) && (!submit || s.Plan.Status == evaluation.StatusSubmitted || s.Plan.Status == evaluation.StatusApproved) &&
			(submit || s.Editable) {
			return s, nil, nil
		}
		if !s.Editable {
			return s, nil, evaluation.ErrLocked
		}
		return s, nil, evaluation.ErrStale
	}
	if s.Plan.ID == 0 && version != 0 {
		return s, nil, evaluation.ErrStale // the plan was cancelled meanwhile
	}
	if !s.Editable {
		return s, nil, evaluation.ErrLocked
	}
	p, err := evaluation.SaveDraft(ctx, tx, actorID, kind, s.Start, s.Month, drafts)
	if err != nil {
		return s, nil, err
	}
	o, err := roster.OfficialByID(ctx, tx, actorID)
	if err != nil {
		return s, nil, err
	}
	if submit {
		var head *roster.Official
		if p, head, err = Submit(ctx, tx, actorID, p.ID, p.Version); err != nil {
			return s, nil, err
		}
		if notify != nil {
			if err := notify.PlanSubmitted(ctx, tx, p, o, head); err != nil {
				return s, nil, err
			}
		}
	} else if notify != nil {
		if err := notify.PlanDrafted(ctx, tx, p, o); err != nil {
			return s, nil, err
		}
	}
	s, err = OpenSheet(ctx, tx, actorID, kind, s.Start, today)
	return s, nil, err
}

// same reports whether the typed tasks stored are drafts (resolved), in order.
func same(tasks []evaluation.Task, drafts []evaluation.TaskDraft) bool {
	if len(tasks) != len(drafts) {
		return false
	}
	for i, t := range tasks {
		d := drafts[i]
		if t.Title != d.Title || t.Weight != d.Weight || t.ItemCode != d.ItemCode || t.Quantity != d.Quantity ||
			(t.Deadline == nil) != (d.Deadline == nil) || t.Deadline != nil && *t.Deadline != *d.Deadline {
			return false
		}
	}
	return true
}
