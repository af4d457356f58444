package delivery_test

import (
	"context"
	"strings"
	"testing"

	"evalbot/internal/botapitest"
	"evalbot/internal/delivery"
	"evalbot/internal/pgtest"
)

// A message Telegram refuses for good (400: the chat does not exist yet) is
// dead-lettered with the reason and listed for admins; requeued after the
// person started the bot, it is delivered once.
func TestDeadLettersListedAndRequeued(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.New(t)
	srv := botapitest.New()
	defer srv.Close()
	chats := users(srv, 5000, 3)
	const stranger = 7777 // never started the bot
	enqueue(t, pool, append(chats, stranger), "prompt")
	s := delivery.NewSender(pool, newBot(t, srv), delivery.Limits{PerSecond: 1000, PerChatSecond: 100, PerChatBurst: 10}, quiet)
	if _, err := s.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	dl, err := delivery.DeadLetters(ctx, pool, 50)
	if err != nil {
		t.Fatal(err)
	}
	if len(dl) != 1 || dl[0].State != "dead" || dl[0].ChatKind != "private" || !strings.Contains(dl[0].LastError, "chat not found") {
		t.Fatalf("dead letters: %+v", dl)
	}
	if strings.Contains(dl[0].LastError, srv.Token()) {
		t.Fatal("token in the reason")
	}
	// Requeueing an id that is not dead does nothing.
	if got, err := delivery.Requeue(ctx, pool, []int64{dl[0].ID + 1000}, false); err != nil || len(got) != 0 {
		t.Fatalf("requeue of another id: %v, %v", got, err)
	}
	srv.NewUser(stranger, "S", "vi").Start("")
	if got, err := delivery.Requeue(ctx, pool, nil, false); err != nil || len(got) != 1 || got[0] != dl[0].ID {
		t.Fatalf("requeue all: %v, %v", got, err)
	}
	if _, err := s.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	exactlyOnce(t, srv, append(chats, stranger))
	if dl, _ := delivery.DeadLetters(ctx, pool, 50); len(dl) != 0 {
		t.Fatalf("still dead: %+v", dl)
	}
}
