// Package status holds the use cases that show where things stand: whom a
// person's month overview (/status) covers and the overview itself, the
// reminder to those in it who have not self-assessed, and a person's own
// audit trail (/history). Authorization is the scope itself (Scope).
package status

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/app/access"
	"evalbot/internal/calendar"
	"evalbot/internal/evaluation"
	"evalbot/internal/roster"
	"evalbot/internal/store"
)

// Scope is who the month overview of official actorID covers: for an admin,
// every active official of the units they administer (access.AdminUnits); for
// anyone else their own subordinates. Both in the roster's order.
func Scope(ctx context.Context, db store.DB, actorID int64) ([]roster.Official, error) {
	units, err := access.AdminUnits(ctx, db, actorID)
	if err != nil {
		return nil, err
	}
	if len(units) == 0 {
		return roster.Subordinates(ctx, db, actorID)
	}
	rows, err := db.Query(ctx, `SELECT id FROM officials WHERE active AND unit_id = ANY($1) ORDER BY id`, units)
	if err != nil {
		return nil, err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, err
	}
	out := make([]roster.Official, 0, len(ids))
	for _, id := range ids {
		o, err := roster.OfficialByID(ctx, db, id)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	roster.SortOfficials(out)
	return out, nil
}

// Change is one line of a person's audit trail: when, what (the audit
// log's entity and action, e.g. "assessment", "approve"), who did it (""
// for the system), why, and the values before and after as JSON text ("" when none).
type Change struct {
	At             time.Time
	Entity, Action string
	Who, Reason    string
	Before, After  string
}

// History is the audit trail of official subjectID about their own plans,
// tasks, assessments and reconsiderations, newest first: at most limit
// changes, and how many there are in all.
func History(ctx context.Context, db store.DB, subjectID int64, limit int) ([]Change, int, error) {
	rows, err := db.Query(ctx, `SELECT l.at, l.entity, l.action, coalesce(o.full_name, ''), coalesce(l.reason, ''),
		coalesce(l.before::text, ''), coalesce(l.after::text, ''), count(*) OVER ()
		FROM audit_log l LEFT JOIN officials o ON o.id = l.actor_id
		WHERE l.subject_id = $1 AND l.entity IN ('plan', 'task', 'assessment', 'reconsideration')
		ORDER BY l.id DESC LIMIT $2`, subjectID, limit)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []Change
	total := 0
	for rows.Next() {
		var c Change
		if err := rows.Scan(&c.At, &c.Entity, &c.Action, &c.Who, &c.Reason, &c.Before, &c.After, &total); err != nil {
			return nil, 0, err
		}
		out = append(out, c)
	}
	return out, total, rows.Err()
}

// Unit is one unit's month at a glance: its people, this week's plans
// (approved, waiting), the month's assessments (submitted, approved, not
// self-assessed — with those people's names, in the roster's order).
type Unit struct {
	ID                           int64
	Name                         string
	People, PlanOK, PlanWait     int
	Submitted, Approved, Missing int
	MissingNames                 []string
}

// Overview is month m (and week's plans) for everyone official actorID's
// overview covers (Scope), unit by unit in the order of the roster; empty
// for someone who covers nobody.
func Overview(ctx context.Context, db store.DB, actorID int64, m calendar.Month, week calendar.Week) ([]Unit, error) {
	people, err := Scope(ctx, db, actorID)
	if err != nil {
		return nil, err
	}
	var units []Unit
	at := map[int64]int{}
	for _, o := range people {
		i, ok := at[o.UnitID]
		if !ok {
			i = len(units)
			at[o.UnitID] = i
			units = append(units, Unit{ID: o.UnitID, Name: o.UnitName})
		}
		u := &units[i]
		u.People++
		if p, err := evaluation.FindPlan(ctx, db, o.ID, evaluation.KindWeek, week.Monday()); err == nil {
			switch p.Status {
			case evaluation.StatusApproved:
				u.PlanOK++
			case evaluation.StatusSubmitted:
				u.PlanWait++
			}
		}
		as, err := evaluation.FindAssessment(ctx, db, o.ID, m)
		switch {
		case err == nil && as.Status == evaluation.AssessApproved:
			u.Approved++
		case err == nil && as.Status == evaluation.AssessSubmitted:
			u.Submitted++
		case err == nil || errors.Is(err, evaluation.ErrNotFound):
			u.Missing++
			u.MissingNames = append(u.MissingNames, o.FullName)
		default:
			return nil, err
		}
	}
	return units, nil
}

// RemindMissing reminds, for official actorID, everyone their overview
// covers (Scope) who can be reached in the chat and has not submitted month
// m's self-assessment: remind renders and enqueues one person's reminder
// and reports whether it went out (false when that person was reminded
// already today: the outbox's dedup key). When any went out, an audit entry
// (remind_missing) counts them. It returns how many went out.
func RemindMissing(ctx context.Context, db store.DB, actorID int64, m calendar.Month, remind func(o roster.Official) (bool, error)) (int, error) {
	people, err := Scope(ctx, db, actorID)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, o := range people {
		if o.ChatID == nil || !o.Reachable {
			continue
		}
		if as, err := evaluation.FindAssessment(ctx, db, o.ID, m); err == nil && !as.Editable() {
			continue
		}
		ok, err := remind(o)
		if err != nil {
			return sent, err
		}
		if ok {
			sent++
		}
	}
	if sent == 0 {
		return 0, nil
	}
	return sent, evaluation.Audit(ctx, db, evaluation.AuditEntry{Actor: &actorID, Entity: "reminder", Action: "remind_missing",
		After: map[string]any{"month": m.String(), "reminded": sent}})
}
