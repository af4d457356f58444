package delivery_test

import (
	"context"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"evalbot/internal/botapitest"
	"evalbot/internal/pgtest"
)

// This inbound test sits with the other tests of the real binary to share
// their helpers.

// `serve --webhook` killed with SIGKILL while officials write to the bot:
// the fake Telegram posts each update until it gets a 200, so after the
// restart every update is handled, and each official gets one answer per
// message, none twice. An answer the kill left unconfirmed in the outbox is
// listed for the admins, not resent (TestKilledHalfwayEveryOfficialGetsOnePrompt).
func TestWebhookServeKilledLosesNoUpdate(t *testing.T) {
	exe := buildEvalbot(t)
	dbURL := pgtest.URL(t)
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	srv := botapitest.New()
	defer srv.Close()
	const n = 200
	chats := seedOfficials(t, pool, srv, n) // each official's /start waits at the fake
	for _, c := range chats {
		srv.NewUser(c, "CB", "vi").Command("/help")
	}
	want := 2*n + 1 // the top head's /start too
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	args := []string{"--webhook", "http://" + addr + "/telegram", "--listen", addr, "--campaigns=false"}
	handled := func() (k int) {
		_ = pool.QueryRow(ctx, `SELECT count(*) FROM processed_updates`).Scan(&k)
		return k
	}

	first := startServe(t, exe, dbURL, srv, time.Now(), 1000, "first", args...)
	waitFor(t, 60*time.Second, "a third of the updates", func() bool { return handled() >= want/3 })
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_, _ = first.Process.Wait()
	atKill := handled()

	second := startServe(t, exe, dbURL, srv, time.Now(), 1000, "second", args...)
	waitFor(t, 60*time.Second, "every update handled and every answer sent", func() bool {
		var open int
		err := pool.QueryRow(ctx, `SELECT count(*) FROM outbox WHERE state IN ('pending', 'claimed', 'sending')`).Scan(&open)
		return handled() == want && err == nil && open == 0
	})
	time.Sleep(300 * time.Millisecond) // a duplicate would show now
	rows, err := pool.Query(ctx, `SELECT chat_id FROM outbox WHERE state = 'unconfirmed'`)
	if err != nil {
		t.Fatal(err)
	}
	unconfirmed, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		t.Fatal(err)
	}
	excused := map[int64]int{}
	for _, c := range unconfirmed {
		excused[c]++
	}
	got := sends(srv)
	lost := 0
	for _, c := range chats {
		k := len(got[c])
		if k > 2 || k+excused[c] < 2 {
			t.Errorf("chat %d: %d answers to its 2 messages (%d unconfirmed)", c, k, excused[c])
		}
		lost += 2 - k
	}
	// A copy stored by a call that stopped waiting (the fake cancels its
	// posts when setWebhook replaces the hook) may be left for the sweep; it
	// must be one already handled, which the sweep only deletes.
	var stored, unhandled int
	_ = pool.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE update_id NOT IN (SELECT update_id FROM processed_updates))
		FROM inbound_updates`).Scan(&stored, &unhandled)
	t.Logf("killed after %d of %d updates; unconfirmed answers %d, of which lost %d; stored copies left for the sweep %d",
		atKill, want, len(unconfirmed), lost, stored)
	if unhandled != 0 {
		t.Errorf("%d stored updates never handled", unhandled)
	}
	if err := second.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := second.Wait(); err != nil {
		t.Fatalf("serve after SIGTERM: %v", err)
	}
}
