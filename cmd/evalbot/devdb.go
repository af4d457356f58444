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
func devdbCmd(ctx context.Context) error {
	c, err := pgcluster.Start(ctx)
	if err != nil {
		return err
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
	fmt.Printf("A throwaway PostgreSQL is running; in another terminal:\n\n  export DATABASE_URL='%s'\n\nCtrl-C stops it and deletes its data.\n", url)
	<-ctx.Done()
	return nil
}
