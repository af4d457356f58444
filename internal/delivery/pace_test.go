package delivery_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"evalbot/internal/botapitest"
	"evalbot/internal/delivery"
	"evalbot/internal/pgtest"
	"evalbot/internal/store"
)

// Issue 20, point 3: «32 × 429 in one ordinary month scenario for one unit
// (edits plus queued sends to the same chat over 1/s)». Here each of five
// changes to one official's chat, as fast as they come, queues a message
// and edits the card of the first one (a press: the card changes, a notice
// follows), against Telegram's limits (1/s per chat, burst 3). Sends and
// edits keep to one pace: the fake refuses none, every message arrives and
// the card shows the last edit.
func TestEditsAndSendsShareTheChatPace(t *testing.T) {
	pool := pgtest.New(t)
	srv := botapitest.New(botapitest.WithTelegramLimits())
	defer srv.Close()
	seedOfficials(t, pool, srv, 1) // E1: chat 1000001
	ctx := context.Background()
	const chat = 1000001
	b := newBot(t, srv)
	s := delivery.NewSender(pool, b, delivery.DefaultLimits, quiet)
	if _, err := delivery.Enqueue(ctx, pool, delivery.Message{ChatID: chat, Text: "card"}); err != nil {
		t.Fatal(err)
	}
	drain(t, s, pool)
	var card int
	if err := pool.QueryRow(ctx, `SELECT message_id FROM outbox WHERE chat_id = $1`, chat).Scan(&card); err != nil {
		t.Fatal(err)
	}
	var edits sync.WaitGroup
	for i := range 5 {
		var gen int64
		var wait time.Duration
		err := store.InTx(ctx, pool, func(tx pgx.Tx) error {
			if _, err := delivery.Enqueue(ctx, tx, delivery.Message{ChatID: chat, Text: fmt.Sprintf("notice %d", i)}); err != nil {
				return err
			}
			bt := &pgx.Batch{}
			if err := delivery.QueueCardEdit(bt, delivery.DefaultLimits, delivery.CardEdit{ChatID: chat, MessageID: card,
				Text: fmt.Sprintf("card, edit %d", i)}, &gen, &wait); err != nil {
				return err
			}
			return tx.SendBatch(ctx, bt).Close()
		})
		if err != nil {
			t.Fatal(err)
		}
		if gen == 0 {
			t.Fatal("the edit of an official's card was not kept")
		}
		edits.Add(1)
		go func(i int, wait time.Duration) { // the update's worker makes the edit when its slot comes
			defer edits.Done()
			time.Sleep(wait)
			if _, err := b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: chat, MessageID: card, Text: fmt.Sprintf("card, edit %d", i)}); err != nil {
				t.Errorf("edit %d: %v", i, err)
			}
		}(i, wait)
		if _, err := s.Drain(ctx); err != nil {
			t.Fatal(err)
		}
	}
	drain(t, s, pool)
	edits.Wait()
	if n := srv.FloodRefusals(); n != 0 {
		t.Errorf("%d × 429 from the fake's limits (server side)", n)
	}
	if got := len(sends(srv)[chat]); got != 6 {
		t.Errorf("%d messages arrived, want 6", got)
	}
}

// drain sends until the outbox has nothing open, waiting for the chats' pace.
func drain(t *testing.T, s *delivery.Sender, pool *pgxpool.Pool) {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(time.Minute)
	for {
		if _, err := s.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		var open int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM outbox WHERE state IN ('pending', 'claimed', 'sending')`).Scan(&open); err != nil {
			t.Fatal(err)
		}
		if open == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d message(s) still open after a minute", open)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
