// Package access decides, from the database and never from a button or a
// link, who may act on whom: a head and the deputy a head delegated to review
// a unit's people, an admin (ban tổ chức) sees the units of their subtrees.
// Every face (chat, web) asks it; the use-case packages of internal/app
// return ErrForbidden when it says no.
package access

import (
	"context"
	"errors"
	"slices"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/calendar"
	"evalbot/internal/evaluation"
	"evalbot/internal/roster"
	"evalbot/internal/store"
)

// ErrForbidden: the acting person may not do this (not their subordinate,
// not their plan, not their unit). A face says «not authorized».
var ErrForbidden = errors.New("access: forbidden")

// ReviewRight reports whether official actorID may review official
// officialID on day: the official's head, or the deputy the head delegated to
// for that day (a deputy never reviews themself). onBehalfOf names the head
// when the actor acts as their deputy (nil when the actor is the head).
func ReviewRight(ctx context.Context, db store.DB, actorID, officialID int64, day calendar.Date) (ok bool, onBehalfOf *int64, err error) {
	head, ok, err := roster.HeadOf(ctx, db, officialID)
	if err != nil || !ok {
		return false, nil, err
	}
	if head.ID == actorID {
		return true, nil, nil
	}
	deputy, ok, err := evaluation.ActiveDelegate(ctx, db, head.ID, day)
	if err != nil || !ok || deputy != actorID || officialID == actorID {
		return false, nil, err
	}
	return true, &head.ID, nil
}

// CanReview is ReviewRight without the head's name.
func CanReview(ctx context.Context, db store.DB, actorID, officialID int64, day calendar.Date) (bool, error) {
	ok, _, err := ReviewRight(ctx, db, actorID, officialID, day)
	return ok, err
}

// Reviewees are the people actorID reviews on day: their own subordinates
// and, under a delegation in force, those of the heads they stand in for
// (never themself), in the roster's order.
func Reviewees(ctx context.Context, db store.DB, actorID int64, day calendar.Date) ([]roster.Official, error) {
	subs, err := roster.Subordinates(ctx, db, actorID)
	if err != nil {
		return nil, err
	}
	rows, err := db.Query(ctx, `SELECT head_id FROM delegations WHERE deputy_id = $1 AND revoked_at IS NULL
		AND $2 BETWEEN first_day AND last_day`, actorID, day.Time(0, 0))
	if err != nil {
		return nil, err
	}
	heads, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, err
	}
	for _, h := range heads {
		more, err := roster.Subordinates(ctx, db, h)
		if err != nil {
			return nil, err
		}
		for _, o := range more {
			if o.ID != actorID {
				subs = append(subs, o)
			}
		}
	}
	if len(heads) > 0 {
		roster.SortOfficials(subs)
	}
	return subs, nil
}

// AdminUnits lists the ids of the units in the subtrees official actorID
// administers (table admins, each unit with every unit below it), ascending;
// none for someone who is no admin.
func AdminUnits(ctx context.Context, db store.DB, actorID int64) ([]int64, error) {
	rows, err := db.Query(ctx, `WITH RECURSIVE sub(id) AS (
			SELECT unit_id FROM admins WHERE official_id = $1
			UNION SELECT u.id FROM units u JOIN sub ON u.parent_id = sub.id)
		SELECT id FROM sub ORDER BY id`, actorID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// maxChain bounds the walk up the tree in CanSee (the roster's own bound on
// a unit tree's depth is far below it).
const maxChain = 100

// CanSee reports whether official actorID may see official officialID's
// records (tasks, evidence, grades) on day — personal data is visible only
// to the person, their heads up the tree and the organization department
// (DESIGN §6): the official themself, each head above them (roster.HeadOf,
// repeated), the deputy reviewing them under a delegation in force
// (ReviewRight), and an admin (ban tổ chức) of a subtree holding their unit
// (AdminUnits). roster.ErrNotFound when officialID names nobody.
func CanSee(ctx context.Context, db store.DB, actorID, officialID int64, day calendar.Date) (bool, error) {
	if actorID == officialID {
		return true, nil
	}
	o, err := roster.OfficialByID(ctx, db, officialID)
	if err != nil {
		return false, err
	}
	if ok, err := CanReview(ctx, db, actorID, officialID, day); err != nil || ok {
		return ok, err
	}
	for id, i := officialID, 0; i < maxChain; i++ {
		head, ok, err := roster.HeadOf(ctx, db, id)
		if err != nil {
			return false, err
		}
		if !ok {
			break
		}
		if head.ID == actorID {
			return true, nil
		}
		if head.ID == id {
			break
		}
		id = head.ID
	}
	units, err := AdminUnits(ctx, db, actorID)
	if err != nil {
		return false, err
	}
	return slices.Contains(units, o.UnitID), nil
}
