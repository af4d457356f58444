// Package status holds the use cases that show where things stand: a
// person's month overview (/status), read with the dashboard's set-based
// queries (internal/dashboard: one definition of planned, self-assessed,
// approved, missing and published for both faces), the reminder to those
// in it who have not self-assessed, and a person's own audit trail
// (/history). Authorization is the scope itself (dashboard.WhoOf: an
// admin's subtree, a head's subordinates, from the database).
package status

import (
	"context"
	"time"

	"evalbot/internal/calendar"
	"evalbot/internal/dashboard"
	"evalbot/internal/evaluation"
	"evalbot/internal/store"
)

// Change is one line of a person's audit trail: when, what (the audit
// log's entity and action, e.g. "assessment", "approve"), who did it (""
// for the system), why, and the values before and after as JSON text ("" when none).
type Change struct {
	At             time.Time
	Entity, Action string
	Who, Reason    string
	Before, After  string
}

// HistoryEntities are the audit log's entities a person's own trail
// (/history) shows: their plans, tasks, assessments and reconsiderations.
var HistoryEntities = []string{"plan", "task", "assessment", "reconsideration"}

// History is the audit trail of official subjectID about their own plans,
// tasks, assessments and reconsiderations, newest first: at most limit
// changes, and how many there are in all.
func History(ctx context.Context, db store.DB, subjectID int64, limit int) ([]Change, int, error) {
	rows, err := db.Query(ctx, `SELECT l.at, l.entity, l.action, coalesce(o.full_name, ''), coalesce(l.reason, ''),
		coalesce(l.before::text, ''), coalesce(l.after::text, ''), count(*) OVER ()
		FROM audit_log l LEFT JOIN officials o ON o.id = l.actor_id
		WHERE l.subject_id = $1 AND l.entity = ANY($3)
		ORDER BY l.id DESC LIMIT $2`, subjectID, limit, HistoryEntities)
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

// Page is one page of a month overview (/status): its units with the
// dashboard's counts (dashboard.UnitMonth), the names of their people who
// have not self-assessed (by unit id, in the office's order), which page
// (0-based) of how many, and how many people in the whole overview have not
// self-assessed. Pages is 0 for someone whose overview covers nobody.
type Page struct {
	Units        []dashboard.UnitMonth
	MissingNames map[int64][]string
	Page, Pages  int
	Missing      int
	// Picture is what the month's picture shows (grades per unit, the
	// trend, the citizens' satisfaction), when asked for; nil otherwise.
	Picture *dashboard.PictureData
}

// Overview is page page (clamped to those there are) of perPage units of
// month m and week's plans, for whom official actorID covers: an admin's
// subtree, in the tree's order, else a head's subordinates
// (dashboard.Status). The same set-based statements as the dashboard, and
// one more for the page's names: four at most, whatever the size; with
// picture, the picture's reads too (dashboard.ReadPicture: four more).
func Overview(ctx context.Context, db store.DB, actorID int64, m calendar.Month, week calendar.Week, page, perPage int, picture bool) (Page, error) {
	who, units, err := dashboard.Status(ctx, db, actorID, dashboard.Query{Month: m, Week: week})
	if err != nil || len(units) == 0 {
		return Page{}, err
	}
	p := Page{Pages: (len(units) + perPage - 1) / perPage}
	p.Page = min(max(page, 0), p.Pages-1)
	p.Units = units[p.Page*perPage : min(len(units), (p.Page+1)*perPage)]
	for _, u := range units {
		p.Missing += u.Missing
	}
	ids := make([]int64, 0, len(p.Units))
	for _, u := range p.Units {
		if u.Missing > 0 {
			ids = append(ids, u.ID)
		}
	}
	if len(ids) > 0 {
		if p.MissingNames, err = dashboard.MissingNames(ctx, db, who, m, ids); err != nil {
			return p, err
		}
	}
	if picture {
		p.Picture, err = dashboard.ReadPicture(ctx, db, who, m, dashboard.Sum(units), units)
	}
	return p, err
}

// RemindMissing reminds, for official actorID, everyone their overview
// covers (dashboard.WhoOf) who can be reached in the chat and can still
// send month m's self-assessment (dashboard.Remindable): remind renders
// and enqueues one person's reminder and reports whether it went out
// (false when that person was reminded already today: the outbox's dedup
// key). When any went out, an audit entry (remind_missing) counts them. It
// returns how many went out.
func RemindMissing(ctx context.Context, db store.DB, actorID int64, m calendar.Month, remind func(r dashboard.Recipient) (bool, error)) (int, error) {
	who, err := dashboard.WhoOf(ctx, db, actorID)
	if err != nil || who.Empty() {
		return 0, err
	}
	people, err := dashboard.Remindable(ctx, db, who, m)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, r := range people {
		ok, err := remind(r)
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
