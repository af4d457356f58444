package dashboard

import (
	"context"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"evalbot/internal/calendar"
	"evalbot/internal/evaluation"
	"evalbot/internal/report"
)

// Export reads month m of the unit with code and every unit below it for
// the acting admin, as the exports have it (internal/report): the unit must
// be in their subtree (ErrNotInScope; ErrNotAdmin when they administer
// nothing). The read is one repeatable-read transaction that also writes
// the audit log ("export_month", as the chat's /export).
func Export(ctx context.Context, pool *pgxpool.Pool, actor int64, code string, m calendar.Month) (*report.Month, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	tx, err := pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead})
	if err != nil {
		return nil, err
	}
	defer func() { _ = tx.Rollback(ctx) }()
	var in bool
	if err := tx.QueryRow(ctx, scopeCTE+`
		SELECT EXISTS (SELECT 1 FROM sub JOIN units u ON u.id = sub.id WHERE u.code = $2)`, actor, code).Scan(&in); err != nil {
		return nil, err
	}
	if !in {
		var admin bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM admins a JOIN officials o ON o.id = a.official_id AND o.active
			WHERE a.official_id = $1)`, actor).Scan(&admin); err != nil {
			return nil, err
		}
		if !admin {
			return nil, ErrNotAdmin
		}
		return nil, ErrNotInScope
	}
	if err := evaluation.Audit(ctx, tx, evaluation.AuditEntry{Actor: &actor, Entity: "export", Action: "export_month",
		After: map[string]any{"month": m.String(), "unit": code, "face": "web"}}); err != nil {
		return nil, err
	}
	month, err := report.Monthly(ctx, tx, m, code)
	if errors.Is(err, report.ErrUnknownUnit) {
		return nil, ErrNotInScope
	}
	if err != nil {
		return nil, err
	}
	return month, tx.Commit(ctx)
}
