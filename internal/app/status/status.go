// Package status holds the use cases that show where things stand: whom a
// person's month overview (/status) covers, and a person's own audit trail
// (/history). They read only; authorization is the scope itself.
package status

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/app/access"
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
