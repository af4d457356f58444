package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/app/apikeys"
	"evalbot/internal/store"
)

// apikeyCommands are apikey's own subcommands.
var apikeyCommands = []string{"apikey create", "apikey list", "apikey revoke"}

// apikeyCmd dispatches `evalbot apikey <subcommand>`: the keys of the task
// systems that call the API (decision 0018).
func apikeyCmd(ctx context.Context, args []string) error {
	c := newCommand("apikey", args)
	c.extra = func() string {
		var b strings.Builder
		fmt.Fprintf(&b, "%s\n", c.say("CLICommands", nil))
		for _, name := range apikeyCommands {
			fmt.Fprintf(&b, "  %-14s %s\n", name, c.say("Cmd_"+strings.ReplaceAll(name, " ", "_")+"_Purpose", nil))
		}
		return b.String()
	}
	if err := c.parse(true); err != nil {
		return err
	}
	if c.fs.NArg() == 0 {
		return c.usageFault("APIKeyNeedKind", nil)
	}
	args = c.fs.Args()
	switch args[0] {
	case "create":
		return apikeyCreateCmd(ctx, args[1:])
	case "list":
		return apikeyListCmd(ctx, args[1:])
	case "revoke":
		return apikeyRevokeCmd(ctx, args[1:])
	}
	return c.usageFault("APIKeyUnknownKind", map[string]any{"Kind": args[0]})
}

// apikeyCreateCmd makes a key and prints its secret, once.
func apikeyCreateCmd(ctx context.Context, args []string) error {
	c := newCommand("apikey create", args)
	name := c.String("name", "")
	unit := c.String("unit", "")
	if err := c.parse(false); err != nil {
		return err
	}
	if err := c.need(map[string]string{"--name": *name, "--unit": *unit}); err != nil {
		return err
	}
	pool, err := openDB(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	return store.InTx(ctx, pool, func(tx pgx.Tx) error {
		k, secret, err := apikeys.Create(ctx, tx, *name, *unit)
		switch {
		case errors.Is(err, apikeys.ErrNoUnit):
			return c.fail("RecordNoUnit", map[string]any{"Code": *unit})
		case errors.Is(err, apikeys.ErrBadName):
			return c.fail("APIKeyBadName", map[string]any{"Max": apikeys.MaxNameRunes})
		case err != nil:
			return err
		}
		fmt.Println(c.say("APIKeyCreated", map[string]any{"ID": k.ID, "Name": k.Name, "Unit": k.UnitCode, "Prefix": k.Prefix}))
		fmt.Println(secret)
		fmt.Println(c.say("APIKeyShownOnce", nil))
		return nil
	})
}

// apikeyListCmd lists the keys, never their secrets.
func apikeyListCmd(ctx context.Context, args []string) error {
	c := newCommand("apikey list", args)
	if err := c.parse(false); err != nil {
		return err
	}
	pool, err := openDB(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	keys, err := apikeys.List(ctx, pool)
	if err != nil {
		return err
	}
	if len(keys) == 0 {
		fmt.Println(c.say("APIKeyNone", nil))
		return nil
	}
	for _, k := range keys {
		state := c.say("APIKeyActive", nil)
		if k.RevokedAt != nil {
			state = c.say("APIKeyRevokedOn", map[string]any{"Day": dayOf(c.lang, *k.RevokedAt)})
		}
		fmt.Println(c.say("APIKeyLine", map[string]any{"ID": k.ID, "Prefix": k.Prefix, "Name": k.Name, "Unit": k.UnitCode,
			"Created": dayOf(c.lang, k.CreatedAt), "State": state}))
	}
	return nil
}

// apikeyRevokeCmd revokes a key by its id or prefix: its next call gets 401.
func apikeyRevokeCmd(ctx context.Context, args []string) error {
	c := newCommand("apikey revoke", args)
	c.args = flagsFirst(c.fs, c.args)
	if err := c.parse(true); err != nil {
		return err
	}
	if c.fs.NArg() != 1 {
		return c.usageFault("APIKeyNeedID", nil)
	}
	which := c.fs.Arg(0)
	pool, err := openDB(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	return store.InTx(ctx, pool, func(tx pgx.Tx) error {
		k, already, err := apikeys.Revoke(ctx, tx, which)
		var amb *apikeys.AmbiguousError
		if errors.As(err, &amb) && len(amb.Keys) == 1 {
			k := amb.Keys[0]
			return c.fail("APIKeyTooShort", map[string]any{"Key": which, "Min": apikeys.MinRevokePrefix, "ID": k.ID, "Prefix": k.Prefix})
		}
		if errors.As(err, &amb) {
			lines := []string{c.say("APIKeyAmbiguous", map[string]any{"Key": which, "N": len(amb.Keys)})}
			for _, k := range amb.Keys {
				lines = append(lines, "  "+c.say("APIKeyAmbiguousLine", map[string]any{"ID": k.ID, "Prefix": k.Prefix, "Name": k.Name, "Unit": k.UnitCode}))
			}
			return &cliError{msg: strings.Join(lines, "\n")}
		}
		if errors.Is(err, apikeys.ErrNotFound) {
			return c.fail("APIKeyNotFound", map[string]any{"Key": which})
		}
		if err != nil {
			return err
		}
		said := "APIKeyRevoked"
		if already {
			said = "APIKeyAlreadyRevoked"
		}
		fmt.Println(c.say(said, map[string]any{"ID": k.ID, "Prefix": k.Prefix, "Name": k.Name}))
		return nil
	})
}
