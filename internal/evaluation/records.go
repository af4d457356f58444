package evaluation

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/calendar"
	"evalbot/internal/store"
	"evalbot/internal/textnorm"
)

// Absence kinds, as stored (nghỉ phép, ốm đau, thai sản, khác).
var AbsenceKinds = []string{"leave", "sick", "maternity", "other"}

// Discipline levels, as stored (khiển trách, cảnh cáo, hạ bậc lương / giáng
// chức / cách chức, buộc thôi việc); the framework says which force D.
var DisciplineLevels = []string{"reprimand", "warning", "demotion", "dismissal"}

// ErrBadRecord is a record with an unknown kind or level, or days out of order.
var ErrBadRecord = errors.New("evaluation: invalid record")

// Absence — thời gian nghỉ: one recorded period away, days inclusive.
type Absence struct {
	ID          int64
	First, Last calendar.Date
	Kind        string // one of AbsenceKinds
}

// AbsenceOverlapError refuses an absence whose days overlap a recorded one
// of the same person (other than the very same period and kind): Existing
// says which, for the clerk to correct one of them.
type AbsenceOverlapError struct{ Existing Absence }

func (e *AbsenceOverlapError) Error() string {
	return "evaluation: absence overlaps " + e.Existing.First.String() + ".." + e.Existing.Last.String()
}

// RecordAbsence records that the official is away from first to last
// (inclusive): no prompts on those days, and fewer than half the month's
// working days worked means no grade for the month. See AddAbsence.
func RecordAbsence(ctx context.Context, db store.DB, officialID int64, first, last calendar.Date, kind string, actor *int64) error {
	_, _, err := AddAbsence(ctx, db, officialID, first, last, kind, actor)
	return err
}

// AddAbsence records an absence once: the very same period and kind again
// returns the recorded one with added false (nothing written); a period
// overlapping another recorded one is refused with *AbsenceOverlapError
// (not merged: two kinds cannot be, and a clerk's typing slip must not
// silently lengthen a record). Run it in a transaction: the official's row
// is locked so two clerks cannot both add.
func AddAbsence(ctx context.Context, db store.DB, officialID int64, first, last calendar.Date, kind string, actor *int64) (a Absence, added bool, err error) {
	if last.Before(first) || !contains(AbsenceKinds, kind) {
		return a, false, ErrBadRecord
	}
	if _, err := db.Exec(ctx, `SELECT 1 FROM officials WHERE id = $1 FOR UPDATE`, officialID); err != nil {
		return a, false, err
	}
	var f, l time.Time
	err = db.QueryRow(ctx, `SELECT id, first_day, last_day, kind FROM absences
		WHERE official_id = $1 AND first_day <= $3 AND last_day >= $2
		ORDER BY (first_day = $2 AND last_day = $3 AND kind = $4) DESC, first_day LIMIT 1`,
		officialID, sqlDate(first), sqlDate(last), kind).Scan(&a.ID, &f, &l, &a.Kind)
	switch {
	case err == nil:
		a.First, a.Last = dateOf(f), dateOf(l)
		if a.First == first && a.Last == last && a.Kind == kind {
			return a, false, nil
		}
		return a, false, &AbsenceOverlapError{Existing: a}
	case !errors.Is(err, pgx.ErrNoRows):
		return a, false, err
	}
	a = Absence{First: first, Last: last, Kind: kind}
	if err := db.QueryRow(ctx, `INSERT INTO absences (official_id, first_day, last_day, kind) VALUES ($1, $2, $3, $4) RETURNING id`,
		officialID, sqlDate(first), sqlDate(last), kind).Scan(&a.ID); err != nil {
		return a, false, err
	}
	return a, true, Audit(ctx, db, AuditEntry{Actor: actor, Subject: officialID, Entity: "absence", EntityID: a.ID, Action: "record",
		After: map[string]any{"first_day": first, "last_day": last, "kind": kind}})
}

// Absences lists the official's recorded absences, earliest first.
func Absences(ctx context.Context, db store.DB, officialID int64) ([]Absence, error) {
	rows, err := db.Query(ctx, `SELECT id, first_day, last_day, kind FROM absences WHERE official_id = $1 ORDER BY first_day, id`, officialID)
	if err != nil {
		return nil, err
	}
	var list []Absence
	for rows.Next() {
		var a Absence
		var f, l time.Time
		if err := rows.Scan(&a.ID, &f, &l, &a.Kind); err != nil {
			return nil, err
		}
		a.First, a.Last = dateOf(f), dateOf(l)
		list = append(list, a)
	}
	return list, rows.Err()
}

// Discipline — kỷ luật: the measure recorded for one month.
type Discipline struct {
	Month  calendar.Month
	Level  string // one of DisciplineLevels
	Reason string
}

// Disciplines lists the official's recorded measures, earliest month first.
func Disciplines(ctx context.Context, db store.DB, officialID int64) ([]Discipline, error) {
	rows, err := db.Query(ctx, `SELECT month, level, reason FROM disciplines WHERE official_id = $1 ORDER BY month`, officialID)
	if err != nil {
		return nil, err
	}
	var list []Discipline
	for rows.Next() {
		var d Discipline
		var m time.Time
		if err := rows.Scan(&m, &d.Level, &d.Reason); err != nil {
			return nil, err
		}
		d.Month = calendar.Month{Year: m.Year(), Month: m.Month()}
		list = append(list, d)
	}
	return list, rows.Err()
}

// RecordDiscipline records a disciplinary measure decided in month m, with
// its reason; the month's grade becomes D when the framework says so. See
// SetDiscipline.
func RecordDiscipline(ctx context.Context, db store.DB, officialID int64, m calendar.Month, level, reason string, actor *int64) error {
	_, _, err := SetDiscipline(ctx, db, officialID, m, level, reason, actor)
	return err
}

// SetDiscipline records the month's measure (one a month: a new one
// replaces the recorded one). previous is the measure it replaced (nil when
// there was none); changed is false when the very same level and reason
// were recorded already (nothing written). Run it in a transaction.
func SetDiscipline(ctx context.Context, db store.DB, officialID int64, m calendar.Month, level, reason string, actor *int64) (previous *Discipline, changed bool, err error) {
	reason = textnorm.Clean(reason)
	if !contains(DisciplineLevels, level) || reason == "" {
		return nil, false, ErrBadRecord
	}
	old := Discipline{Month: m}
	err = db.QueryRow(ctx, `SELECT level, reason FROM disciplines WHERE official_id = $1 AND month = $2 FOR UPDATE`,
		officialID, sqlDate(m.First())).Scan(&old.Level, &old.Reason)
	switch {
	case err == nil:
		if old.Level == level && old.Reason == reason {
			return &old, false, nil
		}
		previous = &old
	case !errors.Is(err, pgx.ErrNoRows):
		return nil, false, err
	}
	if _, err := db.Exec(ctx, `INSERT INTO disciplines (official_id, month, level, reason) VALUES ($1, $2, $3, $4)
		ON CONFLICT (official_id, month) DO UPDATE SET level = $3, reason = $4, recorded_at = now()`,
		officialID, sqlDate(m.First()), level, reason); err != nil {
		return nil, false, err
	}
	var before any
	if previous != nil {
		before = map[string]any{"month": m.String(), "level": previous.Level, "reason": previous.Reason}
	}
	return previous, true, Audit(ctx, db, AuditEntry{Actor: actor, Subject: officialID, Entity: "discipline", Action: "record",
		Before: before, After: map[string]any{"month": m.String(), "level": level}, Reason: reason})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
