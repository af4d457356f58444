package main

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"evalbot/internal/pgtest"
)

// Issue 20, point 11: «`evalbot outbox` lists as "unconfirmed" a message
// that was delivered, so the suggested requeue would send it twice». An
// unconfirmed message is listed as of unknown delivery, with a note saying
// why it is better not sent again; the requeue suggested names only the
// dead ones, --requeue (all or by id) leaves it out, and only
// --force-unconfirmed sends it again, with a warning. In the operator's
// language.
func TestOutboxNeverSuggestsSendingAnUnconfirmedMessageAgain(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.New(t)
	t.Setenv("DATABASE_URL", pool.Config().ConnString())
	t.Setenv("EVALBOT_LANG", "")
	var dead, unconfirmed int64
	must(t, pool.QueryRow(ctx, `INSERT INTO outbox (chat_id, payload, state, dead_at, last_error)
		VALUES (5001, '{"text":"a"}', 'dead', now(), 'Bad Request: chat not found') RETURNING id`).Scan(&dead))
	must(t, pool.QueryRow(ctx, `INSERT INTO outbox (chat_id, payload, state, dead_at, last_error)
		VALUES (5002, '{"text":"b"}', 'unconfirmed', now(), 'sender died during the request: delivery unknown') RETURNING id`).Scan(&unconfirmed))
	d, u := strconv.FormatInt(dead, 10), strconv.FormatInt(unconfirmed, 10)

	out := captureStdout(t, func() error { return outboxCmd(ctx, nil) })
	for _, want := range []string{"không rõ đã đến chưa", "evalbot outbox --requeue " + d + "\n",
		"Tin " + u + ": máy gửi dừng giữa chừng", "--force-unconfirmed"} {
		if !strings.Contains(out, want) {
			t.Errorf("listing %q lacks %q", out, want)
		}
	}
	if strings.Contains(out, "--requeue "+d+","+u) || strings.Contains(out, "--requeue "+u) {
		t.Errorf("the listing suggests sending the unconfirmed message again: %q", out)
	}
	en := captureStdout(t, func() error { return outboxCmd(ctx, []string{"--lang", "en"}) })
	if !strings.Contains(en, "delivery unknown") || !strings.Contains(en, "Better not send them again") {
		t.Errorf("English listing: %q", en)
	}

	state := func(id int64) (s string) {
		must(t, pool.QueryRow(ctx, `SELECT state FROM outbox WHERE id = $1`, id).Scan(&s))
		return s
	}
	captureStdout(t, func() error { return outboxCmd(ctx, []string{"--requeue", "all"}) })
	out = captureStdout(t, func() error { return outboxCmd(ctx, []string{"--requeue", u}) })
	if state(dead) != "pending" || state(unconfirmed) != "unconfirmed" {
		t.Errorf("after --requeue all and --requeue %s: dead → %s, unconfirmed → %s", u, state(dead), state(unconfirmed))
	}
	if !strings.Contains(out, "cần --force-unconfirmed") {
		t.Errorf("--requeue of an unconfirmed message says %q", out)
	}
	out = captureStdout(t, func() error { return outboxCmd(ctx, []string{"--requeue", u, "--force-unconfirmed"}) })
	if state(unconfirmed) != "pending" || !strings.Contains(out, "có thể nhận hai lần") {
		t.Errorf("--force-unconfirmed: %s, said %q", state(unconfirmed), out)
	}
}
