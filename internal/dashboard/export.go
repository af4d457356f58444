package dashboard

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"evalbot/internal/app/exports"
	"evalbot/internal/calendar"
	"evalbot/internal/report"
	"evalbot/internal/textnorm"
	"evalbot/internal/yearly"
)

// Export reads month m of the unit with code and every unit below it for
// the acting admin, as the exports have it (internal/report): the unit must
// be in their subtree (ErrNotInScope; ErrNotAdmin when they administer
// nothing). The read is one repeatable-read transaction that also writes
// the audit log ("export_month", as the chat's /export).
func Export(ctx context.Context, pool *pgxpool.Pool, actor int64, code string, m calendar.Month) (*report.Month, error) {
	var month *report.Month
	err := exportTx(ctx, pool, actor, code, func(tx pgx.Tx, code string) error {
		var err error
		month, err = exports.Of(ctx, tx, actor, code, m, "web")
		if errors.Is(err, report.ErrUnknownUnit) {
			return ErrNotInScope
		}
		return err
	})
	return month, err
}

// ExportPeriod reads quarter or year p of the unit with code and every unit
// below it for the acting admin, in the office's layout (internal/yearly,
// written by report.WritePeriodXLSX), authorized and audited
// ("export_period") as Export is.
func ExportPeriod(ctx context.Context, pool *pgxpool.Pool, actor int64, code string, p yearly.Period) (*yearly.Results, error) {
	var res *yearly.Results
	err := exportTx(ctx, pool, actor, code, func(tx pgx.Tx, code string) error {
		var err error
		res, err = exports.PeriodOf(ctx, tx, actor, code, p, "web")
		if errors.Is(err, yearly.ErrUnknownUnit) {
			return ErrNotInScope
		}
		return err
	})
	return res, err
}

// exportTx runs read in one repeatable-read transaction once the unit with
// code (upper-cased, trimmed) is found in actor's subtree, and commits it
// (the audit entry).
func exportTx(ctx context.Context, pool *pgxpool.Pool, actor int64, code string, read func(tx pgx.Tx, code string) error) error {
	code = textnorm.Code(code)
	tx, err := pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead})
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback(ctx) }()
	var in bool
	if err := tx.QueryRow(ctx, scopeCTE+`
		SELECT EXISTS (SELECT 1 FROM sub JOIN units u ON u.id = sub.id WHERE u.code = $2)`, actor, code).Scan(&in); err != nil {
		return err
	}
	if !in {
		if admin, err := isAdmin(ctx, tx, actor); err != nil || !admin {
			return errOr(err, ErrNotAdmin)
		}
		return ErrNotInScope
	}
	if err := read(tx, code); err != nil {
		return err
	}
	return tx.Commit(ctx)
}
