// Package desks holds the use cases of a one-stop shop's head managing its
// desks (quầy): which desk they may manage, whom they may put on duty. It
// authorizes from the database on every call (citizen.CanManage: the head of
// the desk's unit or of a unit above it) and runs in the caller's transaction.
package desks

import (
	"context"

	"evalbot/internal/app/access"
	"evalbot/internal/citizen"
	"evalbot/internal/collation"
	"evalbot/internal/store"
)

// Managed loads desk deskID for official actorID, who must manage it:
// citizen.ErrNotFound when there is no such desk, access.ErrForbidden when
// the actor may not manage it.
func Managed(ctx context.Context, db store.DB, actorID, deskID int64) (citizen.Desk, error) {
	d, err := citizen.DeskByID(ctx, db, deskID)
	if err != nil {
		return d, err
	}
	return d, MayManage(ctx, db, actorID, d.UnitID)
}

// MayManage is nil when official actorID may manage the desks of unit
// unitID (citizen.CanManage), access.ErrForbidden when not.
func MayManage(ctx context.Context, db store.DB, actorID, unitID int64) error {
	ok, err := citizen.CanManage(ctx, db, actorID, unitID)
	if err == nil && !ok {
		err = access.ErrForbidden
	}
	return err
}

// Member is an official who may be put on duty at a desk.
type Member struct {
	ID   int64
	Name string
}

// Members lists the active officials of unit unitID, in Vietnamese
// alphabetical order of their names (collation.SortPeople).
func Members(ctx context.Context, db store.DB, unitID int64) ([]Member, error) {
	rows, err := db.Query(ctx, `SELECT id, full_name FROM officials WHERE unit_id = $1 AND active ORDER BY id`, unitID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Member
	for rows.Next() {
		var m Member
		if err := rows.Scan(&m.ID, &m.Name); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	collation.SortPeople(out, func(m Member) string { return m.Name })
	return out, rows.Err()
}
