package dashboard

import (
	"context"
	"errors"
	"slices"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/calendar"
	"evalbot/internal/report"
	"evalbot/internal/roster"
	"evalbot/internal/store"
)

// Who is whom a month overview counts, as read from the database for the
// acting person (never from a button): an admin's subtree (every active
// official of Units), or a head's subordinates (People, roster.Subordinates).
type Who struct {
	Admin  bool
	Units  []int64 // Admin: the ids of the subtree's units
	People []int64 // otherwise: the ids of the head's subordinates
}

// Empty reports whether w covers nobody.
func (w Who) Empty() bool { return len(w.Units) == 0 && len(w.People) == 0 }

// filter is w as a condition on officials o, with its argument as $1.
func (w Who) filter() (string, any) {
	if w.Admin {
		return "o.unit_id = ANY($1)", w.Units
	}
	return "o.id = ANY($1)", w.People
}

// WhoOf is whom official actor's month overview covers (see Status): the
// active units of their subtree for an admin, else their subordinates;
// empty for someone who covers nobody. Two statements at most.
func WhoOf(ctx context.Context, db store.DB, actor int64) (Who, error) {
	rows, err := db.Query(ctx, scopeCTE+` SELECT u.id FROM sub JOIN units u ON u.id = sub.id WHERE u.active`, actor)
	if err != nil {
		return Who{}, err
	}
	units, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil || len(units) > 0 {
		return Who{Admin: true, Units: units}, err
	}
	ids, err := roster.SubordinateIDs(ctx, db, actor)
	return Who{People: ids}, err
}

// Status is the month of whom official actor's /status covers, unit by
// unit, with the same counts as the dashboard (UnitMonth; units nobody in
// scope belongs to are left out): for an admin their subtree in the tree's
// order (Read), for a head who administers nothing their subordinates'
// units (people below a sub-unit's head are that head's) by unit code. An
// empty Who and no units for someone who covers nobody. Three statements
// at most, nothing per unit or per person.
func Status(ctx context.Context, db store.DB, actor int64, q Query) (Who, []UnitMonth, error) {
	ov, err := Read(ctx, db, actor, Query{Month: q.Month, Week: q.Week})
	if err == nil {
		return ov.Who, slices.DeleteFunc(ov.Units, func(u UnitMonth) bool { return u.People == 0 }), nil
	}
	if !errors.Is(err, ErrNotAdmin) {
		return Who{}, nil, err
	}
	ids, err := roster.SubordinateIDs(ctx, db, actor)
	if err != nil || len(ids) == 0 {
		return Who{}, nil, err
	}
	w := Who{People: ids}
	rows, err := db.Query(ctx, `
		SELECT u.id, u.code, u.name, EXISTS (SELECT 1 FROM publications p WHERE p.unit_id = u.id AND p.month = $2::date)
		  FROM units u
		 WHERE u.id IN (SELECT unit_id FROM officials WHERE id = ANY($1))
		 ORDER BY u.code COLLATE "C"`, ids, q.Month.First().String())
	if err != nil {
		return Who{}, nil, err
	}
	units, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (UnitMonth, error) {
		var u UnitMonth
		err := r.Scan(&u.ID, &u.Code, &u.Name, &u.Published)
		return u, err
	})
	if err != nil {
		return Who{}, nil, err
	}
	if err := addCounts(ctx, db, units, w, q); err != nil {
		return Who{}, nil, err
	}
	return w, slices.DeleteFunc(units, func(u UnitMonth) bool { return u.People == 0 }), nil
}

// MissingNames are the full names of the people of w in units who have not
// self-assessed month m (missingSQL, as UnitMonth.Missing counts them), by
// unit id, each unit's in the office's order (the head, deputies, then by
// given name). One statement.
func MissingNames(ctx context.Context, db store.DB, w Who, m calendar.Month, units []int64) (map[int64][]string, error) {
	who, arg := w.filter()
	rows, err := db.Query(ctx, `
		SELECT o.unit_id, o.full_name, o.is_head, o.position, o.employee_code
		  FROM officials o
		  LEFT JOIN assessments a ON a.official_id = o.id AND a.month = $3::date
		 WHERE o.active AND o.unit_id = ANY($2) AND `+who+` AND `+missingSQL, arg, units, m.First().String())
	if err != nil {
		return nil, err
	}
	type person struct {
		unit                 int64
		name, position, code string
		head                 bool
	}
	people, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (person, error) {
		var p person
		return p, r.Scan(&p.unit, &p.name, &p.head, &p.position, &p.code)
	})
	if err != nil {
		return nil, err
	}
	report.SortPeople(people, func(p person) (bool, string, string, string) { return p.head, p.position, p.name, p.code })
	out := map[int64][]string{}
	for _, p := range people {
		out[p.unit] = append(out[p.unit], p.name)
	}
	return out, nil
}

// Recipient is one person a reminder goes to: the official, their private
// chat and their language (vi, en).
type Recipient struct {
	ID, ChatID int64
	Language   string
}

// Remindable are the people of w who can be reached in the chat (a chat,
// not blocked) and can still send month m's self-assessment (none, a draft
// or returned, not locked), by id. One statement.
func Remindable(ctx context.Context, db store.DB, w Who, m calendar.Month) ([]Recipient, error) {
	who, arg := w.filter()
	rows, err := db.Query(ctx, `
		SELECT o.id, o.chat_id, o.language
		  FROM officials o
		  LEFT JOIN assessments a ON a.official_id = o.id AND a.month = $2::date
		 WHERE o.active AND `+who+` AND o.chat_id IS NOT NULL AND o.reachable
		   AND `+missingSQL+` AND a.locked_at IS NULL
		 ORDER BY o.id`, arg, m.First().String())
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Recipient, error) {
		var p Recipient
		return p, r.Scan(&p.ID, &p.ChatID, &p.Language)
	})
}
