package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"evalbot/internal/calendar"
	"evalbot/internal/delivery"
)

// outboxCmd shows the messages that were not delivered and sends them again:
//
//	evalbot outbox                 list dead and unconfirmed messages, newest first
//	evalbot outbox --requeue 12,15 queue those again
//	evalbot outbox --requeue all   queue every one again
func outboxCmd(ctx context.Context, args []string) error {
	c := newCommand("outbox", args)
	limit := c.Int("limit", 50)
	requeue := c.String("requeue", "")
	if err := c.parse(false); err != nil {
		return err
	}
	var ids []int64
	if *requeue != "" && *requeue != "all" {
		for _, f := range strings.Split(*requeue, ",") {
			id, err := strconv.ParseInt(strings.TrimSpace(f), 10, 64)
			if err != nil || id <= 0 {
				return c.usageFault("OutboxBadID", map[string]any{"Value": f})
			}
			ids = append(ids, id)
		}
	}
	pool, err := openDB(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	if *requeue != "" {
		done, err := delivery.Requeue(ctx, pool, ids)
		if err != nil {
			return err
		}
		fmt.Printf("%d message(s) queued again\n", len(done))
		queued := map[int64]bool{}
		for _, id := range done {
			queued[id] = true
		}
		for _, id := range ids {
			if !queued[id] {
				fmt.Printf("%d: not queued (no undelivered message with this id, or its recipient is still unreachable)\n", id)
			}
		}
		return nil
	}
	dl, err := delivery.DeadLetters(ctx, pool, *limit+1)
	if err != nil {
		return err
	}
	if len(dl) == 0 {
		fmt.Println("no undelivered messages")
		return nil
	}
	more := len(dl) > *limit
	if more {
		dl = dl[:*limit]
	}
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tSTATE\tTO\tATTEMPTS\tSINCE (Hanoi)\tREASON")
	for _, d := range dl {
		to := d.ChatKind
		if d.EmployeeCode != "" {
			to = d.EmployeeCode + " " + d.FullName
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%d\t%s\t%s\n", d.ID, d.State, to, d.Attempts, d.DeadAt.In(calendar.Location).Format("2006-01-02 15:04"), d.LastError)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if more {
		fmt.Printf("… and more: --limit %d shows more\n", *limit*2)
	}
	return nil
}
