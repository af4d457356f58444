package inbound_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"evalbot/internal/inbound"
	"evalbot/internal/pgtest"
)

// A citizen's Telegram id is never in inbound_updates in clear, not even
// while the update waits to be handled (issue #4); the sealed update opens
// again only under the same key, and one sealed under another key (the key
// was changed while the bot was down) is dropped with its update id alone
// in the log.
func TestStoredUpdatesAreSealed(t *testing.T) {
	pool := pgtest.New(t)
	ctx := context.Background()
	const citizenID = 987654321012
	rec := &recorder{pool: pool, seen: map[int64][]int64{}}

	// The dispatcher is stopped: what the webhook takes stays stored.
	d := inbound.NewDispatcher(pool, rec.handle, quiet, inbound.Options{Workers: 1, Box: testBox})
	d.Stop(time.Second)
	wh := &inbound.Webhook{D: d, Secret: "s3cr3t", Log: quiet}
	hs := httptest.NewServer(wh)
	defer hs.Close()
	if code := post(t, hs.URL, "s3cr3t", update(31, citizenID, "/start HCC-Q1")); code != http.StatusOK {
		t.Fatalf("webhook: %d", code)
	}
	if code := post(t, hs.URL, "s3cr3t", update(32, citizenID, "xin chào")); code != http.StatusOK {
		t.Fatalf("webhook: %d", code)
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM inbound_updates`).Scan(&n); err != nil || n != 2 {
		t.Fatalf("stored %d, %v", n, err)
	}
	for _, s := range []string{"987654321012", "HCC-Q1", "xin chào"} {
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM inbound_updates x
			WHERE x::text LIKE '%' || $1 || '%' OR position(convert_to($1, 'UTF8') in payload) > 0`, s).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("%q in clear in %d stored update(s)", s, n)
		}
	}

	// Another key: nothing opens, both are dropped, the log names no one.
	var logs bytes.Buffer
	other := inbound.NewDispatcher(pool, rec.handle, slog.New(slog.NewTextHandler(&logs, nil)),
		inbound.Options{Workers: 1, Box: mustBox("another-secret")})
	// A payload moved to another row does not open either.
	if _, err := pool.Exec(ctx, `INSERT INTO inbound_updates (update_id, payload) SELECT 33, payload FROM inbound_updates WHERE update_id = 31`); err != nil {
		t.Fatal(err)
	}
	if got, err := d.Recover(ctx, 0); err != nil || got != 0 {
		t.Fatalf("stopped dispatcher submitted %d, %v", got, err)
	}
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM inbound_updates`).Scan(&n); err != nil || n != 2 {
		t.Fatalf("after the moved payload was dropped: %d stored, %v", n, err)
	}
	if got, err := other.Recover(ctx, 0); err != nil || got != 0 {
		t.Fatalf("other key submitted %d, %v", got, err)
	}
	other.Stop(time.Second)
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM inbound_updates`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d unreadable updates left, %v", n, err)
	}
	if !strings.Contains(logs.String(), "update_id=31") || strings.Contains(logs.String(), "987654321012") {
		t.Errorf("log: %s", logs.String())
	}
}

// The same key opens what it sealed, and only for the same update id.
func TestBoxRoundTrip(t *testing.T) {
	raw := []byte(update(7, 123456789, "hi"))
	sealed := testBox.Seal(7, raw)
	if bytes.Contains(sealed, []byte("123456789")) {
		t.Fatal("id in clear")
	}
	got, err := testBox.Open(7, sealed)
	if err != nil || !bytes.Equal(got, raw) {
		t.Fatalf("open: %q, %v", got, err)
	}
	if _, err := testBox.Open(8, sealed); !errors.Is(err, inbound.ErrUnsealable) {
		t.Fatalf("other id: %v", err)
	}
	if _, err := testBox.Open(7, sealed[:5]); !errors.Is(err, inbound.ErrUnsealable) {
		t.Fatalf("short: %v", err)
	}
	if _, err := inbound.NewBox(nil); err == nil {
		t.Fatal("empty secret accepted")
	}
}
