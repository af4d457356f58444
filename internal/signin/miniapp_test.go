package signin_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"evalbot/internal/pgtest"
	"evalbot/internal/signin"
	"evalbot/internal/signin/initdata"
)

// TestMiniAppOpensTheLinkSession: a valid initData of a bound, active
// official opens the same session as a sign-in link (Touch accepts it) and
// is audited; a stranger, someone who left, another bot's and an expired
// initData open none.
func TestMiniAppOpensTheLinkSession(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.New(t)
	id := person(t, pool)
	if _, err := pool.Exec(ctx, `UPDATE officials SET telegram_user_id = 5001, chat_id = 5001 WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	const token = "7000000001:AAFakeTokenOfEvalbotForTheTests_0123"
	signed := func(user int64, at time.Time, bot string) string {
		return initdata.Sign(map[string]string{"user": `{"id":` + strconv.FormatInt(user, 10) + `,"first_name":"Một"}`,
			"auth_date": strconv.FormatInt(at.Unix(), 10)}, bot)
	}
	s, _, err := signin.SignInMiniApp(ctx, pool, signed(5001, now.Add(-time.Hour), token), token, 0, now)
	if err != nil || s.OfficialID != id {
		t.Fatalf("bound official: %+v, %v", s, err)
	}
	if got, err := signin.Touch(ctx, pool, s.ID, now.Add(time.Minute)); err != nil || got != id {
		t.Fatalf("Touch of the Mini App's session: %d, %v", got, err)
	}
	var audited int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'web_signin' AND reason = 'mini_app' AND subject_id = $1`, id).Scan(&audited); err != nil || audited != 1 {
		t.Errorf("audited sign-ins: %d, %v", audited, err)
	}
	for _, c := range []struct {
		name string
		raw  string
		want error
	}{
		{"a stranger", signed(6002, now.Add(-time.Hour), token), signin.ErrStranger},
		{"another bot's", signed(5001, now.Add(-time.Hour), "7000000002:AAAnotherBotsTokenForTheTests_456789"), initdata.ErrBadHash},
		{"25 hours old", signed(5001, now.Add(-25*time.Hour), token), initdata.ErrExpired},
	} {
		if _, _, err := signin.SignInMiniApp(ctx, pool, c.raw, token, 0, now); !errors.Is(err, c.want) {
			t.Errorf("%s: %v; want %v", c.name, err, c.want)
		}
	}
	if _, err := pool.Exec(ctx, `UPDATE officials SET active = false WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if _, _, err := signin.SignInMiniApp(ctx, pool, signed(5001, now.Add(-time.Hour), token), token, 0, now); !errors.Is(err, signin.ErrStranger) {
		t.Errorf("someone who left: %v; want ErrStranger", err)
	}
	var sessions int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM web_sessions`).Scan(&sessions); err != nil || sessions != 1 {
		t.Errorf("sessions: %d, %v; want 1", sessions, err)
	}
}
