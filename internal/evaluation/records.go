package evaluation

import (
	"context"
	"errors"

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

// RecordAbsence records that the official is away from first to last
// (inclusive): no prompts on those days, and fewer than half the month's
// working days worked means no grade for the month.
func RecordAbsence(ctx context.Context, db store.DB, officialID int64, first, last calendar.Date, kind string, actor *int64) error {
	if last.Before(first) || !contains(AbsenceKinds, kind) {
		return ErrBadRecord
	}
	var id int64
	if err := db.QueryRow(ctx, `INSERT INTO absences (official_id, first_day, last_day, kind) VALUES ($1, $2, $3, $4) RETURNING id`,
		officialID, sqlDate(first), sqlDate(last), kind).Scan(&id); err != nil {
		return err
	}
	return Audit(ctx, db, AuditEntry{Actor: actor, Subject: officialID, Entity: "absence", EntityID: id, Action: "record",
		After: map[string]any{"first_day": first, "last_day": last, "kind": kind}})
}

// RecordDiscipline records a disciplinary measure decided in month m, with
// its reason; the month's grade becomes D when the framework says so.
func RecordDiscipline(ctx context.Context, db store.DB, officialID int64, m calendar.Month, level, reason string, actor *int64) error {
	reason = textnorm.Clean(reason)
	if !contains(DisciplineLevels, level) || reason == "" {
		return ErrBadRecord
	}
	if _, err := db.Exec(ctx, `INSERT INTO disciplines (official_id, month, level, reason) VALUES ($1, $2, $3, $4)
		ON CONFLICT (official_id, month) DO UPDATE SET level = $3, reason = $4, recorded_at = now()`,
		officialID, sqlDate(m.First()), level, reason); err != nil {
		return err
	}
	return Audit(ctx, db, AuditEntry{Actor: actor, Subject: officialID, Entity: "discipline", Action: "record",
		After: map[string]any{"month": m.String(), "level": level}, Reason: reason})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
