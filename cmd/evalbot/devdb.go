package main

import (
	"context"
	"fmt"

	"evalbot/internal/pgcluster"
	"evalbot/internal/store"
)

// devdbCmd starts a throwaway PostgreSQL (as the demo and the tests do),
// applies the migrations, prints its DATABASE_URL and keeps it running until
// Ctrl-C, then removes it: a database for trying import, invites, export, qr.
func devdbCmd(ctx context.Context, args []string) error {
	cmd := newCommand("devdb", args)
	if err := cmd.parse(false); err != nil {
		return err
	}
	c, err := pgcluster.Start(ctx)
	if err != nil {
		return cmd.fail("DevdbNoCluster", map[string]any{"Err": stripGoPrefixes(err.Error())})
	}
	defer c.Stop()
	url := c.URL("postgres")
	pool, err := store.Open(ctx, url)
	if err != nil {
		return err
	}
	err = store.Migrate(ctx, pool)
	pool.Close()
	if err != nil {
		return err
	}
	fmt.Println(cmd.say("DevdbRunning", map[string]any{"URL": url}))
	<-ctx.Done()
	return nil
}
