package delivery_test

import (
	"context"
	"strings"
	"testing"

	"github.com/go-telegram/bot/models"
	"github.com/jackc/pgx/v5"

	"evalbot/internal/botapitest"
	"evalbot/internal/delivery"
	"evalbot/internal/inbound"
	"evalbot/internal/pgtest"
	"evalbot/internal/store"
)

// Issue 20, point 11: «a person who blocked the bot and comes back with
// /start never gets the grade card or prompt that was refused meanwhile».
// On their return they get what is still current — the newest prompt and
// the latest grade card — once; an older grade card and a prompt of a week
// gone by stay dead.
func TestComebackGetsWhatIsStillCurrentOnce(t *testing.T) {
	pool := pgtest.New(t)
	srv := botapitest.New()
	defer srv.Close()
	seedOfficials(t, pool, srv, 2) // E1 heads unit U1, E2 works there
	ctx := context.Background()
	var e2 int64
	if err := pool.QueryRow(ctx, `SELECT id FROM officials WHERE employee_code = 'E2'`).Scan(&e2); err != nil {
		t.Fatal(err)
	}
	s := delivery.NewSender(pool, newBot(t, srv), delivery.Limits{PerSecond: 100, PerChatSecond: 100, PerChatBurst: 10}, quiet)
	srv.Block(1000002)
	msgs := []delivery.Message{
		{DedupKey: "prompt-plan:week:E2:2026-11-16", Text: "old week's plan prompt"},
		{DedupKey: "grade:7:1", Text: "grade card, version 1"},
		{DedupKey: "grade:7:2", Text: "grade card, version 2"},
		{DedupKey: "prompt-plan:week:E2:2026-11-23", Text: "this week's plan prompt"},
	}
	for _, m := range msgs {
		m.ChatID, m.OfficialID = 1000002, e2
		if _, err := delivery.Enqueue(ctx, pool, m); err != nil {
			t.Fatal(err)
		}
	}
	// The old week's prompt was written 10 days ago.
	if _, err := pool.Exec(ctx, `UPDATE outbox SET created_at = now() - interval '10 days' WHERE dedup_key = 'prompt-plan:week:E2:2026-11-16'`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	var dead int
	_ = pool.QueryRow(ctx, `SELECT count(*) FROM delivery_dead_letters WHERE chat_id = 1000002`).Scan(&dead)
	if dead != 4 {
		t.Fatalf("%d dead letters for the blocked chat, want 4", dead)
	}

	// They come back with /start, and send it twice (Telegram repeats, people double-tap).
	srv.Unblock(1000002)
	for i := range 2 {
		u := &models.Update{ID: int64(99 + i), Message: &models.Message{Text: "/start", Chat: models.Chat{ID: 1000002, Type: models.ChatTypePrivate},
			From: &models.User{ID: 1000002}}}
		if err := store.InTx(ctx, pool, func(tx pgx.Tx) error { return inbound.Reachability(nil)(ctx, tx, u) }); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Drain(ctx); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for _, e := range sends(srv)[1000002] {
		got = append(got, e.Text)
	}
	if strings.Join(got, " | ") != "grade card, version 2 | this week's plan prompt" {
		t.Errorf("after coming back they got %q; want the latest grade card and this week's prompt, once each", got)
	}
}
