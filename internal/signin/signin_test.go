package signin_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"evalbot/internal/pgtest"
	"evalbot/internal/signin"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

var now = time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)

// person adds a unit and one official, returns the official's id.
func person(t *testing.T, pool *pgxpool.Pool) int64 {
	t.Helper()
	var id int64
	err := pool.QueryRow(context.Background(), `WITH u AS (INSERT INTO units (code, name) VALUES ('U', 'Đơn vị') RETURNING id)
		INSERT INTO officials (employee_code, full_name, unit_id, category) SELECT 'P1', 'Người một', id, 'cong_chuc' FROM u RETURNING id`).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestLinkWorksOnce: two presses of the same link at the same moment (two
// tabs, a double tap) open exactly one session.
func TestLinkWorksOnce(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.New(t)
	id := person(t, pool)
	token, _, err := signin.Issue(ctx, pool, id, 15*time.Minute, now)
	if err != nil {
		t.Fatal(err)
	}
	// Hold the link's row while both presses arrive, so that they run
	// truly together: each reads the link before the other writes it.
	hold, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := hold.Exec(ctx, `SELECT 1 FROM web_signin_tokens FOR UPDATE`); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Go(func() { _, errs[i] = signin.SignIn(ctx, pool, token, now.Add(time.Minute)) })
	}
	for waiting := 0; waiting < len(errs); {
		time.Sleep(10 * time.Millisecond)
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
	}
	if err := hold.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, signin.ErrLinkUsed):
			t.Fatalf("press: %v", err)
		}
	}
	var sessions int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM web_sessions`).Scan(&sessions); err != nil {
		t.Fatal(err)
	}
	if ok != 1 || sessions != 1 {
		t.Fatalf("%d presses signed in, %d sessions; want 1 and 1", ok, sessions)
	}
}

// TestSessionExpiry: a session ends after IdleTimeout without a request and
// after AbsoluteTimeout however busy; a request keeps it alive meanwhile.
func TestSessionExpiry(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.New(t)
	id := person(t, pool)
	token, _, err := signin.Issue(ctx, pool, id, 15*time.Minute, now)
	if err != nil {
		t.Fatal(err)
	}
	s, err := signin.SignIn(ctx, pool, token, now)
	if err != nil {
		t.Fatal(err)
	}
	at := now
	for at.Before(now.Add(signin.AbsoluteTimeout - signin.IdleTimeout)) {
		at = at.Add(signin.IdleTimeout - time.Minute)
		if got, err := signin.Touch(ctx, pool, s.ID, at); err != nil || got != id {
			t.Fatalf("busy session at +%s: %v", at.Sub(now), err)
		}
	}
	if _, err := signin.Touch(ctx, pool, s.ID, now.Add(signin.AbsoluteTimeout)); !errors.Is(err, signin.ErrNoSession) {
		t.Fatalf("after the absolute timeout: %v", err)
	}

	token, _, _ = signin.Issue(ctx, pool, id, 15*time.Minute, now)
	s, _ = signin.SignIn(ctx, pool, token, now)
	if _, err := signin.Touch(ctx, pool, s.ID, now.Add(signin.IdleTimeout+time.Second)); !errors.Is(err, signin.ErrNoSession) {
		t.Fatalf("idle session: %v", err)
	}
	// A wrong id of the right shape, and garbage.
	for _, bad := range []string{strings.Repeat("x", 43), "", "'; DROP TABLE web_sessions; --"} {
		if _, err := signin.Touch(ctx, pool, bad, now); !errors.Is(err, signin.ErrNoSession) {
			t.Fatalf("Touch(%q): %v", bad, err)
		}
	}
}

// TestIssueRefusals: no link for someone who left the roster, nor with a
// ttl outside 1 minute … 7 days; a person who left cannot use an old link.
func TestIssueRefusals(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.New(t)
	id := person(t, pool)
	for _, ttl := range []time.Duration{0, 30 * time.Second, 8 * 24 * time.Hour} {
		if _, _, err := signin.Issue(ctx, pool, id, ttl, now); !errors.Is(err, signin.ErrBadTTL) {
			t.Errorf("ttl %s: %v", ttl, err)
		}
	}
	token, _, err := signin.Issue(ctx, pool, id, time.Hour, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `UPDATE officials SET active = false WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if _, _, err := signin.Issue(ctx, pool, id, time.Hour, now); !errors.Is(err, signin.ErrInactive) {
		t.Errorf("issue for a former official: %v", err)
	}
	if _, err := signin.SignIn(ctx, pool, token, now); !errors.Is(err, signin.ErrInactive) {
		t.Errorf("sign-in of a former official: %v", err)
	}
	if _, err := signin.SignIn(ctx, pool, strings.Repeat("y", 43), now); !errors.Is(err, signin.ErrUnknownLink) {
		t.Errorf("unknown link: %v", err)
	}
}

// TestPrune: links expired and sessions ended more than a day ago go; the
// live ones stay.
func TestPrune(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.New(t)
	id := person(t, pool)
	old, _, _ := signin.Issue(ctx, pool, id, 15*time.Minute, now.Add(-48*time.Hour))
	fresh, _, _ := signin.Issue(ctx, pool, id, 15*time.Minute, now)
	if _, err := signin.SignIn(ctx, pool, old, now.Add(-48*time.Hour)); err != nil {
		t.Fatal(err)
	}
	live, err := signin.SignIn(ctx, pool, fresh, now)
	if err != nil {
		t.Fatal(err)
	}
	n, err := signin.Prune(ctx, pool, now)
	if err != nil || n != 2 {
		t.Fatalf("pruned %d: %v; want the old link and its session", n, err)
	}
	if got, err := signin.Touch(ctx, pool, live.ID, now.Add(time.Minute)); err != nil || got != id {
		t.Fatalf("the live session was pruned: %v", err)
	}
}
