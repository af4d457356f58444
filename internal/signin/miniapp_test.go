package signin_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/pgtest"
	"evalbot/internal/roster"
	"evalbot/internal/signin"
	"evalbot/internal/signin/initdata"
	"evalbot/internal/store"
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

// TestMiniAppInitDataAfterSignOut (issue 24, attack): Telegram keeps one
// initData for a Mini App's whole launch and it stays valid for a day, so a
// copy of it (a webview left open, a history, a log) opened a new session
// after the official had pressed «Đăng xuất». Now an initData signed
// before the official's last sign-out is refused and audited; the Mini App
// opened again from the chat (a newer initData) signs in.
func TestMiniAppInitDataAfterSignOut(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.New(t)
	id := person(t, pool)
	if _, err := pool.Exec(ctx, `UPDATE officials SET telegram_user_id = 5001, chat_id = 5001 WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	const token = "7000000001:AAFakeTokenOfEvalbotForTheTests_0123"
	signed := func(at time.Time) string {
		return initdata.Sign(map[string]string{"user": `{"id":5001,"first_name":"Một"}`,
			"auth_date": strconv.FormatInt(at.Unix(), 10), "query_id": "AAHdF6IQAAAAAN0XohDhrOrc"}, token)
	}
	launch := signed(now.Add(-time.Hour))
	s, _, err := signin.SignInMiniApp(ctx, pool, launch, token, 0, now)
	if err != nil {
		t.Fatal(err)
	}
	// The same initData again while the session is open (a reload of the
	// Mini App's first page) still signs in.
	if _, _, err := signin.SignInMiniApp(ctx, pool, launch, token, 0, now.Add(time.Minute)); err != nil {
		t.Fatalf("a reload before signing out: %v", err)
	}
	if err := signin.SignOut(ctx, pool, s.ID, now.Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := signin.SignInMiniApp(ctx, pool, launch, token, 0, now.Add(3*time.Minute)); !errors.Is(err, signin.ErrSignedOut) {
		t.Fatalf("the launch's initData after signing out: %v; want ErrSignedOut", err)
	}
	var refused int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'web_signin_refused' AND reason = 'signed_out' AND subject_id = $1`, id).Scan(&refused); err != nil || refused != 1 {
		t.Errorf("audited refusals: %d, %v", refused, err)
	}
	if _, _, err := signin.SignInMiniApp(ctx, pool, signed(now.Add(4*time.Minute)), token, 0, now.Add(4*time.Minute)); err != nil {
		t.Fatalf("the Mini App opened again from the chat: %v", err)
	}
}

// TestNewTelegramAccountEndsTheOldOnesSession (issue 24, attack): an
// official's phone is lost; the organization gives a new invite and the
// person binds a new Telegram account. The lost phone's Telegram still held
// the Mini App's session cookie, and the session went on for up to 12 hours.
// Now the new binding (roster.Redeem) ends every web session the person had
// open; the new account's Mini App signs in.
func TestNewTelegramAccountEndsTheOldOnesSession(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.New(t)
	id := person(t, pool)
	// The binding ends the sessions at the database's clock: this test
	// runs on the real one.
	now := time.Now()
	const token = "7000000001:AAFakeTokenOfEvalbotForTheTests_0123"
	redeem := func(user int64) {
		t.Helper()
		inv, err := roster.CreateInvites(ctx, pool, []int64{id}, time.Hour, now)
		if err != nil {
			t.Fatal(err)
		}
		if err := store.InTx(ctx, pool, func(tx pgx.Tx) error {
			_, err := roster.Redeem(ctx, tx, inv[0].Token, user, user, now)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	signed := func(user int64) string {
		return initdata.Sign(map[string]string{"user": `{"id":` + strconv.FormatInt(user, 10) + `,"first_name":"Một"}`,
			"auth_date": strconv.FormatInt(now.Unix(), 10)}, token)
	}
	redeem(5001)
	lost, _, err := signin.SignInMiniApp(ctx, pool, signed(5001), token, 0, now)
	if err != nil {
		t.Fatal(err)
	}
	redeem(7007) // the new phone
	if got, err := signin.Touch(ctx, pool, lost.ID, now.Add(time.Minute)); !errors.Is(err, signin.ErrNoSession) {
		t.Fatalf("the lost phone's session after the new binding: %d, %v; want ErrNoSession", got, err)
	}
	if _, _, err := signin.SignInMiniApp(ctx, pool, signed(5001), token, 0, now.Add(time.Minute)); !errors.Is(err, signin.ErrStranger) {
		t.Errorf("the lost phone's initData: %v; want ErrStranger", err)
	}
	s, _, err := signin.SignInMiniApp(ctx, pool, signed(7007), token, 0, now.Add(2*time.Minute))
	if err != nil {
		t.Fatalf("the new phone: %v", err)
	}
	if got, err := signin.Touch(ctx, pool, s.ID, now.Add(3*time.Minute)); err != nil || got != id {
		t.Errorf("the new phone's session: %d, %v", got, err)
	}
}
