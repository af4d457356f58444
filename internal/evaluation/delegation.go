package evaluation

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/calendar"
	"evalbot/internal/store"
)

// Delegate lets deputyID review on headID's behalf from first to last
// (inclusive). An earlier open delegation of the head ends.
func Delegate(ctx context.Context, db store.DB, headID, deputyID int64, first, last calendar.Date) error {
	if last.Before(first) {
		return ErrStale
	}
	if _, err := db.Exec(ctx, `UPDATE delegations SET revoked_at = now() WHERE head_id = $1 AND revoked_at IS NULL`, headID); err != nil {
		return err
	}
	_, err := db.Exec(ctx, `INSERT INTO delegations (head_id, deputy_id, first_day, last_day) VALUES ($1, $2, $3, $4)`,
		headID, deputyID, sqlDate(first), sqlDate(last))
	if err != nil {
		return err
	}
	return Audit(ctx, db, AuditEntry{Actor: &headID, Subject: headID, Entity: "delegation", EntityID: deputyID, Action: "delegate",
		After: map[string]any{"deputy": deputyID, "first_day": first, "last_day": last}})
}

// RevokeDelegation ends the head's open delegation, if any.
func RevokeDelegation(ctx context.Context, db store.DB, headID int64) (bool, error) {
	tag, err := db.Exec(ctx, `UPDATE delegations SET revoked_at = now() WHERE head_id = $1 AND revoked_at IS NULL`, headID)
	if err != nil {
		return false, err
	}
	if tag.RowsAffected() > 0 {
		err = Audit(ctx, db, AuditEntry{Actor: &headID, Subject: headID, Entity: "delegation", Action: "revoke"})
	}
	return tag.RowsAffected() > 0, err
}

// ActiveDelegate returns the deputy reviewing for headID on day, if any.
func ActiveDelegate(ctx context.Context, db store.DB, headID int64, day calendar.Date) (int64, bool, error) {
	var id int64
	err := db.QueryRow(ctx, `SELECT deputy_id FROM delegations WHERE head_id = $1 AND revoked_at IS NULL
		AND $2 BETWEEN first_day AND last_day ORDER BY id DESC LIMIT 1`, headID, sqlDate(day)).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, false, nil
	}
	return id, err == nil, err
}
