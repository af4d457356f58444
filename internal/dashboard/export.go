package dashboard

import (
	"context"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"evalbot/internal/app/exports"
	"evalbot/internal/calendar"
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
		if admin, err := isAdmin(ctx, tx, actor); err != nil || !admin {
			return nil, errOr(err, ErrNotAdmin)
		}
		return nil, ErrNotInScope
	}
	month, err := exports.Of(ctx, tx, actor, code, m, "web")
	if errors.Is(err, report.ErrUnknownUnit) {
		return nil, ErrNotInScope
	}
	if err != nil {
		return nil, err
	}
	return month, tx.Commit(ctx)
}
