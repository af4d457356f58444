package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"evalbot/internal/delivery"
)

// outboxCmd shows the messages that were not delivered and sends them again:
//
//	evalbot outbox                 list dead and unconfirmed messages, newest first
//	evalbot outbox --requeue 12,15 queue those again (dead ones)
//	evalbot outbox --requeue all   queue every dead one again
//
// An unconfirmed message (its sender died during the request) may well have
// been delivered: nothing shows it was not, so it is never suggested nor
// queued again unless --force-unconfirmed is given, with a warning that the
// person may get it twice. It speaks the operator's language (--lang,
// EVALBOT_LANG; Vietnamese by default).
func outboxCmd(ctx context.Context, args []string) error {
	c := newCommand("outbox", args)
	limit := c.Int("limit", 50, 1, 10000)
	requeue := c.String("requeue", "")
	force := c.Bool("force-unconfirmed", false)
	if err := c.parse(false); err != nil {
		return err
	}
	k := newClerk(c)
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
		if *force {
			fmt.Println(k.say("OutboxForceWarning", nil))
		}
		done, err := delivery.Requeue(ctx, pool, ids, *force)
		if err != nil {
			return err
		}
		fmt.Println(k.say("OutboxRequeued", map[string]any{"N": len(done)}))
		queued := map[int64]bool{}
		for _, id := range done {
			queued[id] = true
		}
		for _, id := range ids {
			if !queued[id] {
				fmt.Println(k.say("OutboxNotRequeued", map[string]any{"ID": id}))
			}
		}
		return nil
	}
	dl, err := delivery.DeadLetters(ctx, pool, *limit+1)
	if err != nil {
		return err
	}
	if len(dl) == 0 {
		fmt.Println(k.say("OutboxEmpty", nil))
		return nil
	}
	more := len(dl) > *limit
	if more {
		dl = dl[:*limit]
	}
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, k.say("OutboxHeader", nil))
	var dead, unconfirmed []string
	for _, d := range dl {
		to := k.say("OutboxTo_"+d.ChatKind, nil)
		if d.EmployeeCode != "" {
			to = d.EmployeeCode + " " + d.FullName
		}
		id := strconv.FormatInt(d.ID, 10)
		if d.State == "unconfirmed" {
			unconfirmed = append(unconfirmed, id)
		} else {
			dead = append(dead, id)
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%d\t%s\t%s\n", d.ID, k.say("OutboxState_"+d.State, nil), to, d.Attempts,
			when(k.lang, d.DeadAt), outboxReason(k, d.LastError))
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if more {
		fmt.Println(k.say("OutboxMore", map[string]any{"Limit": *limit * 2}))
	}
	if len(dead) > 0 {
		fmt.Println(k.say("OutboxRequeueHint", map[string]any{"IDs": strings.Join(dead, ",")}))
	}
	if len(unconfirmed) > 0 {
		fmt.Println(k.say("OutboxUnconfirmedNote", map[string]any{"IDs": strings.Join(unconfirmed, ", ")}))
	}
	return nil
}

// outboxReason is why a message was not delivered, in the operator's
// language (delivery.FaultOf: Telegram's 403 «blocked», 400 «chat not
// found», 429…), with the stored text after it as a detail.
func outboxReason(k *clerk, lastError string) string {
	if lastError == "" {
		return ""
	}
	f := delivery.FaultOf(lastError)
	why := k.say("OutboxFault_"+f.Code, nil)
	if f.Attempts > 0 {
		why = k.say("OutboxFaultGaveUp", map[string]any{"N": f.Attempts, "Cause": why})
	}
	return k.say("OutboxFaultDetail", map[string]any{"Cause": why, "Detail": lastError})
}
