package delivery

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/store"
)

// DeadLetter is an outbox message that was not delivered: dead (a permanent
// error, a 403, or too many attempts) or unconfirmed (its sender died during
// the request; Telegram may have it).
type DeadLetter struct {
	ID           int64
	State        string // "dead" or "unconfirmed"
	EmployeeCode string // the recipient, when an official; "" for a group or a stranger
	FullName     string
	ChatKind     string // "private" or "group" (group ids are negative)
	Attempts     int
	LastError    string // Telegram's description, never the token
	CreatedAt    time.Time
	DeadAt       time.Time
}

// DeadLetters lists up to limit undelivered messages, newest first (the view
// delivery_dead_letters). Message texts are left out: they may hold grades.
func DeadLetters(ctx context.Context, db store.DB, limit int) ([]DeadLetter, error) {
	rows, err := db.Query(ctx, `SELECT d.id, d.state, coalesce(o.employee_code, ''), coalesce(o.full_name, ''),
			CASE WHEN d.chat_id < 0 THEN 'group' ELSE 'private' END, d.attempts, coalesce(d.last_error, ''),
			d.created_at, coalesce(d.dead_at, d.created_at)
		FROM delivery_dead_letters d LEFT JOIN officials o ON o.id = d.official_id
		ORDER BY coalesce(d.dead_at, d.created_at) DESC, d.id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (DeadLetter, error) {
		var d DeadLetter
		err := r.Scan(&d.ID, &d.State, &d.EmployeeCode, &d.FullName, &d.ChatKind, &d.Attempts, &d.LastError, &d.CreatedAt, &d.DeadAt)
		return d, err
	})
}

// Requeue sends dead letters again: the given ids, or every one when ids is
// empty. Messages to people still marked unreachable stay dead (their /start
// brings them back); it returns the ids queued. An unconfirmed message (its
// sender died during the request) may have been delivered, and nothing can
// show it was not: it is queued again only with unconfirmed set, and may
// then arrive twice.
func Requeue(ctx context.Context, db store.DB, ids []int64, unconfirmed bool) ([]int64, error) {
	rows, err := db.Query(ctx, `UPDATE outbox x SET state = 'pending', attempts = 0, claimed_by = NULL, dead_at = NULL,
			not_before = now(), last_error = 'requeued by an admin after: ' || coalesce(last_error, '')
		WHERE (x.state = 'dead' OR (x.state = 'unconfirmed' AND $2)) AND (coalesce(cardinality($1::bigint[]), 0) = 0 OR x.id = ANY($1))
		  AND NOT EXISTS (SELECT 1 FROM officials o WHERE o.id = x.official_id AND NOT o.reachable)
		RETURNING x.id`, ids, unconfirmed)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}
