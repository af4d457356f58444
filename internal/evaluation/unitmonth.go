package evaluation

import (
	"context"
	"sort"

	"evalbot/internal/calendar"
	"evalbot/internal/store"
)

// LockUnitMonth serializes, until the caller's transaction ends, everything
// that decides unit unitID's results of month m: a head's approval (the
// grade-A quota is counted and the approval written under it), a quota
// choice, and the unit's publication (công khai). It is a transaction-level
// advisory lock (pg_advisory_xact_lock) on a 64-bit hash of the unit and the
// month, so it needs no row to exist and is released by commit or rollback;
// docs/decisions/0008-unit-month-lock.md says why. Statements after it see
// every approval or publication of the unit's month committed before it was
// granted (READ COMMITTED). A hash collision only serializes two unrelated
// units. The officials' own score presses never take it.
func LockUnitMonth(ctx context.Context, db store.DB, unitID int64, m calendar.Month) error {
	_, err := db.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('unit-month:' || $1::bigint::text || ':' || $2::text, 0))`,
		unitID, m.String())
	return err
}

// HeadChanges is what the head changed in an official's self-assessment
// (điều chỉnh của lãnh đạo), for the review and grade cards: nothing when the
// head approved it as submitted.
type HeadChanges struct {
	Criteria []string // criterion ids whose points differ from the self-assessment
	Bonus    bool     // the bonus differs from the one claimed
	Manual   bool     // the head entered the task score (a month with no tasks)
	Tasks    []string // titles of tasks whose result the head set differently from the official's own mark
}

// Any reports whether the head changed anything.
func (c HeadChanges) Any() bool {
	return len(c.Criteria) > 0 || c.Bonus || c.Manual || len(c.Tasks) > 0
}

// Changes compares the review inputs of a with what the official submitted:
// criteria and bonus by value, the manual task score by its presence, and
// each task of the month by its result before the head's first mark (after
// the official's own last one) against its result now, from the audit log.
// A head assessing someone who never self-assessed changed nothing: there was
// nothing of theirs to change.
func Changes(ctx context.Context, db store.DB, a Assessment) (HeadChanges, error) {
	var c HeadChanges
	if !a.SelfAssessed {
		return c, nil
	}
	if a.Criteria != nil {
		for id, p := range a.Criteria {
			if self, ok := a.SelfCriteria[id]; !ok || self != p {
				c.Criteria = append(c.Criteria, id)
			}
		}
		sort.Strings(c.Criteria)
	}
	c.Bonus = a.Bonus != nil && *a.Bonus != a.SelfBonus
	c.Manual = a.ManualTaskScore != nil
	rows, err := db.Query(ctx, `SELECT t.id, t.title, t.status, t.delays, l.actor_id IS DISTINCT FROM p.official_id,
			coalesce(l.before->>'status', ''), coalesce((l.before->>'delays')::int, 0),
			coalesce(l.after->>'status', ''), coalesce((l.after->>'delays')::int, 0)
		FROM tasks t JOIN plans p ON p.id = t.plan_id
		JOIN audit_log l ON l.entity = 'task' AND l.entity_id = t.id AND l.action = 'mark'
		WHERE p.official_id = $1 AND p.month = $2 AND p.status = 'approved'
		ORDER BY p.kind DESC, p.period_start, t.position, l.id`, a.OfficialID, sqlDate(a.Month.First()))
	if err != nil {
		return c, err
	}
	defer rows.Close()
	type mark struct {
		status string
		delays int
	}
	type state struct {
		title   string
		now     mark
		own     mark // the result before the head's marks: the official's last mark, else the first "before"
		started bool
		byHead  bool // a mark by the head follows the official's last one
	}
	var order []int64
	tasks := map[int64]*state{}
	for rows.Next() {
		var id int64
		var title string
		var now, before, after mark
		var byHead bool
		if err := rows.Scan(&id, &title, &now.status, &now.delays, &byHead, &before.status, &before.delays, &after.status, &after.delays); err != nil {
			return c, err
		}
		s := tasks[id]
		if s == nil {
			s = &state{title: title, now: now}
			tasks[id] = s
			order = append(order, id)
		}
		if !s.started {
			s.own, s.started = before, true
		}
		if byHead {
			s.byHead = true
		} else {
			s.own, s.byHead = after, false
		}
	}
	if err := rows.Err(); err != nil {
		return c, err
	}
	for _, id := range order {
		if s := tasks[id]; s.byHead && s.now != s.own {
			c.Tasks = append(c.Tasks, s.title)
		}
	}
	return c, nil
}

// UnitPublished reports whether unit unitID has published month m.
func UnitPublished(ctx context.Context, db store.DB, unitID int64, m calendar.Month) (bool, error) {
	var ok bool
	err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM publications WHERE unit_id = $1 AND month = $2)`,
		unitID, sqlDate(m.First())).Scan(&ok)
	return ok, err
}

// UnitMonthCounts counts a unit's active officials for month m by where
// their assessment stands: approved, waiting for the head (submitted), or
// missing (none, a draft, or returned).
type UnitMonthCounts struct {
	Approved, Waiting, Missing int
}

// CountUnitMonth counts unit unitID's month m (what /publish shows before it
// asks for confirmation).
func CountUnitMonth(ctx context.Context, db store.DB, unitID int64, m calendar.Month) (UnitMonthCounts, error) {
	var c UnitMonthCounts
	err := db.QueryRow(ctx, `SELECT count(*) FILTER (WHERE a.status = 'approved'), count(*) FILTER (WHERE a.status = 'submitted'),
			count(*) FILTER (WHERE a.status IS NULL OR a.status IN ('draft', 'returned'))
		FROM officials o LEFT JOIN assessments a ON a.official_id = o.id AND a.month = $2
		WHERE o.unit_id = $1 AND o.active`, unitID, sqlDate(m.First())).Scan(&c.Approved, &c.Waiting, &c.Missing)
	return c, err
}
