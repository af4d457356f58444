// Package exports holds the use case of taking a month's results out as a
// table (the organization department's file): whose results an official may
// export, the audit entry, and the report itself (internal/report). The
// face writes it as XLSX or CSV and sends or serves it.
package exports

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/app/access"
	"evalbot/internal/calendar"
	"evalbot/internal/evaluation"
	"evalbot/internal/report"
	"evalbot/internal/roster"
	"evalbot/internal/store"
	"evalbot/internal/yearly"
)

// Scope is the code of the unit whose subtree official actorID may export:
// the first unit (by id) they administer (table admins), else their own
// unit when they head it; access.ErrForbidden for anyone else.
func Scope(ctx context.Context, db store.DB, actorID int64) (string, error) {
	var code string
	err := db.QueryRow(ctx, `SELECT u.code FROM admins a JOIN units u ON u.id = a.unit_id
		WHERE a.official_id = $1 ORDER BY a.unit_id LIMIT 1`, actorID).Scan(&code)
	if err == nil || !errors.Is(err, pgx.ErrNoRows) {
		return code, err
	}
	me, err := roster.OfficialByID(ctx, db, actorID)
	if errors.Is(err, roster.ErrNotFound) || err == nil && (!me.Active || !me.IsHead) {
		return "", access.ErrForbidden
	}
	if err != nil {
		return "", err
	}
	u, err := roster.UnitByID(ctx, db, me.UnitID)
	return u.Code, err
}

// Month is month m's results of the subtree official actorID may export
// (Scope), with the unit's code, after an audit entry (export_month).
// Refusal: access.ErrForbidden.
func Month(ctx context.Context, db store.DB, actorID int64, m calendar.Month) (*report.Month, string, error) {
	code, err := Scope(ctx, db, actorID)
	if err != nil {
		return nil, "", err
	}
	month, err := Of(ctx, db, actorID, code, m, "")
	return month, code, err
}

// Of is month m's results of unit code and every unit below it
// (report.Monthly; report.ErrUnknownUnit), after the audit entry
// (export_month, naming face when not ""): the part of an export both faces
// share, once the caller has authorized actorID for code.
func Of(ctx context.Context, db store.DB, actorID int64, code string, m calendar.Month, face string) (*report.Month, error) {
	after := map[string]any{"month": m.String(), "unit": code}
	if face != "" {
		after["face"] = face
	}
	if err := evaluation.Audit(ctx, db, evaluation.AuditEntry{Actor: &actorID, Entity: "export", Action: "export_month",
		After: after}); err != nil {
		return nil, err
	}
	return report.Monthly(ctx, db, m, code)
}

// PeriodOf is quarter or year p's table of unit code and every unit below
// it, computed from the stored months (yearly.Compute; yearly.ErrUnknownUnit),
// after the audit entry (export_period, naming face when not ""): for a
// caller that has authorized actorID for code. db should be a read snapshot
// (repeatable read) that may write the audit log.
func PeriodOf(ctx context.Context, db store.DB, actorID int64, code string, p yearly.Period, face string) (*yearly.Results, error) {
	after := map[string]any{"period": p.String(), "unit": code}
	if face != "" {
		after["face"] = face
	}
	if err := evaluation.Audit(ctx, db, evaluation.AuditEntry{Actor: &actorID, Entity: "export", Action: "export_period",
		After: after}); err != nil {
		return nil, err
	}
	return yearly.Compute(ctx, db, p, code, nil)
}
