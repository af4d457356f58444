package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"evalbot/internal/evaluation"
	"evalbot/internal/roster"
	"evalbot/internal/store"
)

// adminCmd grants or revokes an organization-department admin (ban tổ chức)
// over a unit's subtree: evalbot admin --code HB005 --unit PHB [--revoke].
func adminCmd(ctx context.Context, args []string) error {
	cmd := newCommand("admin", args)
	code := cmd.String("code", "")
	unit := cmd.String("unit", "")
	revoke := cmd.Bool("revoke", false)
	if err := cmd.parse(false); err != nil {
		return err
	}
	c := newClerk(cmd)
	if err := cmd.need(map[string]string{"--code": *code, "--unit": *unit}); err != nil {
		return err
	}
	pool, err := openDB(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	return store.InTx(ctx, pool, func(tx pgx.Tx) error {
		o, err := c.official(ctx, tx, *code)
		if err != nil {
			return err
		}
		u, err := roster.UnitByCode(ctx, tx, *unit)
		if errors.Is(err, roster.ErrNotFound) {
			return c.refuse("RecordNoUnit", map[string]any{"Code": *unit})
		}
		if err != nil {
			return fmt.Errorf("%s: %w", *unit, err)
		}
		action, said := "grant_admin", "AdminGranted"
		var tag pgconn.CommandTag
		if *revoke {
			action, said = "revoke_admin", "AdminRevoked"
			tag, err = tx.Exec(ctx, `DELETE FROM admins WHERE official_id = $1 AND unit_id = $2`, o.ID, u.ID)
		} else {
			tag, err = tx.Exec(ctx, `INSERT INTO admins (official_id, unit_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, o.ID, u.ID)
		}
		if err != nil {
			return err
		}
		data := map[string]any{"Code": *code, "Unit": *unit}
		switch {
		case tag.RowsAffected() == 0 && *revoke:
			// Nothing was granted: saying «revoked» would hide a typo in
			// the code or the unit.
			return c.refuse("AdminNotGranted", data)
		case tag.RowsAffected() == 0:
			fmt.Println(c.say("AdminAlreadyGranted", data))
			return nil
		}
		if err := evaluation.Audit(ctx, tx, evaluation.AuditEntry{Subject: o.ID, Entity: "admin", EntityID: u.ID, Action: action}); err != nil {
			return err
		}
		fmt.Println(c.say(said, data))
		return nil
	})
}
