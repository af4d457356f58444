// Package store opens the PostgreSQL pool, applies the embedded migrations and
// runs one user action in one transaction. Queries live next to the packages
// that use them; this package holds only what they share.
package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/tern/v2/migrate"

	"evalbot/migrations"
)

// DB is what both a pool and a transaction offer; query helpers take it so that
// they run inside the caller's transaction.
type DB interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Open connects a pool to url (a libpq URL or DSN) and checks it with a ping.
func Open(ctx context.Context, url string) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("database url: %w", err)
	}
	Tune(cfg)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("database unreachable: %w", err)
	}
	return pool, nil
}

// Tune sets what every evalbot connection needs: JIT off, unless the URL
// sets it. The bot's statements are short lookups, but PostgreSQL estimates a
// recursive unit walk (roster.Subordinates) at up to a million rows at city
// scale, which passes JIT's cost thresholds and spent 600 ms compiling a
// query that runs in 1 ms — measured on a 100,000-person roster.
func Tune(cfg *pgxpool.Config) {
	if _, set := cfg.ConnConfig.RuntimeParams["jit"]; !set {
		cfg.ConnConfig.RuntimeParams["jit"] = "off"
	}
}

// versionTable is where tern records the applied migration number.
const versionTable = "schema_version"

// Migrate applies every pending migration from migrations/ on one connection of
// pool. tern holds a PostgreSQL advisory lock meanwhile, so replicas starting
// together apply each migration once.
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	m, err := migrate.NewMigrator(ctx, conn.Conn(), versionTable)
	if err != nil {
		return fmt.Errorf("migrator: %w", err)
	}
	if err := m.LoadMigrations(migrations.FS); err != nil {
		return fmt.Errorf("load migrations: %w", err)
	}
	if err := m.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// MigrationsCurrent reports whether the database has every embedded migration.
func MigrationsCurrent(ctx context.Context, pool *pgxpool.Pool) (bool, error) {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return false, err
	}
	defer conn.Release()
	m, err := migrate.NewMigrator(ctx, conn.Conn(), versionTable)
	if err != nil {
		return false, err
	}
	if err := m.LoadMigrations(migrations.FS); err != nil {
		return false, err
	}
	v, err := m.GetCurrentVersion(ctx)
	if err != nil {
		return false, err
	}
	return int(v) == len(m.Migrations), nil
}

// InTx runs fn in one transaction: committed when fn returns nil, rolled back
// otherwise (and on panic, which is re-raised).
func InTx(ctx context.Context, pool *pgxpool.Pool, fn func(tx pgx.Tx) error) (err error) {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return err
	}
	return finish(ctx, tx, fn)
}

// InTxBatch is InTx whose first statements are queued by first and sent in
// one round trip with BEGIN (pgx's Batch.BeginTx); their callbacks have run
// when fn is called. A button press reads its dedup row, its sender and what
// it acts on this way: one round trip of about six fewer.
//
// fn may end the transaction itself with a batch whose last statement is
// QueueCommit's: the COMMIT rides with its last statements, and InTxBatch
// then only returns the connection to the pool. If fn returns an error after
// such a commit, what was committed stays.
func InTxBatch(ctx context.Context, pool *pgxpool.Pool, first func(b *pgx.Batch), fn func(tx pgx.Tx) error) (err error) {
	// The connection is held here rather than by a pgxpool.Tx, whose only
	// way back to the pool is a COMMIT or ROLLBACK round trip of its own.
	c, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer c.Release() // a connection left inside a transaction is closed, not reused
	b := &pgx.Batch{}
	b.BeginTx(pgx.TxOptions{})
	first(b)
	br := c.SendBatch(ctx, b)
	tx := br.Tx()
	if err := br.Close(); err != nil {
		_ = tx.Rollback(ctx)
		return err
	}
	defer func() {
		if p := recover(); p != nil {
			rollbackOpen(ctx, tx)
			panic(p)
		}
		if err != nil {
			rollbackOpen(ctx, tx)
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if Committed(tx) {
		return nil
	}
	return tx.Commit(ctx)
}

// QueueCommit queues COMMIT as the last statement of b, for a transaction of
// InTxBatch that writes nothing after b: one round trip less per button
// press. If a statement of b fails, PostgreSQL skips the rest of b, COMMIT
// included, and the transaction is rolled back as usual.
func QueueCommit(b *pgx.Batch) {
	b.Queue("COMMIT")
}

// Committed reports whether tx's connection is outside any transaction: a
// QueueCommit batch has committed it.
func Committed(tx pgx.Tx) bool {
	return tx.Conn().PgConn().TxStatus() == 'I'
}

// rollbackOpen rolls tx back unless a QueueCommit batch has already ended it.
func rollbackOpen(ctx context.Context, tx pgx.Tx) {
	if !Committed(tx) {
		_ = tx.Rollback(ctx)
	}
}

// finish runs fn in tx, then commits; an error or a panic rolls back.
func finish(ctx context.Context, tx pgx.Tx, fn func(tx pgx.Tx) error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback(ctx)
			panic(p)
		}
		if err != nil {
			_ = tx.Rollback(ctx)
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// IsUniqueViolation reports whether err is PostgreSQL's 23505 unique_violation.
func IsUniqueViolation(err error) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && pg.Code == "23505"
}
