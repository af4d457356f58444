package signin

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"evalbot/internal/evaluation"
	"evalbot/internal/signin/initdata"
	"evalbot/internal/store"
)

// ErrStranger: the Telegram account that opened the Mini App is bound to no
// active official (người lạ): the page says what the chat says to a stranger.
var ErrStranger = errors.New("signin: telegram account not on the roster")

// ErrSignedOut: the initData was signed before its official last signed
// out (Telegram keeps one initData for a Mini App's whole launch, and
// initdata.DefaultMaxAge is a day): a copy of it left in a webview, a
// history or a log does not open the session again after «Đăng xuất»; the
// Mini App opened again from the chat brings a newer one.
var ErrSignedOut = errors.New("signin: initData signed before the official signed out")

// SignInMiniApp validates raw, the initData Telegram gave the Mini App (see
// initdata.Validate: the bot's token botToken, at most maxAge old), and opens
// for the active official bound to its user (officials.telegram_user_id, as
// the chat binds a sender) the same session a sign-in link opens, audited as
// "web_signin" with reason "mini_app"; it returns the session and the
// validated data (its start_param). initdata's errors for a forged, expired or
// other bot's initData; ErrStranger for a user not on the roster;
// ErrSignedOut for an initData signed before the official's last sign-out
// (audited as "web_signin_refused", reason "signed_out").
func SignInMiniApp(ctx context.Context, pool *pgxpool.Pool, raw, botToken string, maxAge time.Duration, now time.Time) (Session, initdata.Data, error) {
	d, err := initdata.Validate(raw, botToken, maxAge, now)
	if err != nil {
		return Session{}, d, err
	}
	var s Session
	var refused error
	err = store.InTx(ctx, pool, func(tx pgx.Tx) error {
		var official int64
		var signedOut bool
		// auth_date has whole seconds: a sign-out in a later second than
		// the initData's came after Telegram signed it. Sessions that
		// ended are pruned a day later (Prune), when such an initData
		// has expired anyway.
		err := tx.QueryRow(ctx, `SELECT o.id, EXISTS (SELECT 1 FROM web_sessions s
			  WHERE s.official_id = o.id AND s.ended_at >= $2)
			  FROM officials o WHERE o.telegram_user_id = $1 AND o.active`,
			d.User.ID, d.AuthDate.Add(time.Second)).Scan(&official, &signedOut)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrStranger
		}
		if err != nil {
			return err
		}
		if signedOut {
			refused = ErrSignedOut
			return evaluation.Audit(ctx, tx, evaluation.AuditEntry{Subject: official, Entity: "web_session",
				Action: "web_signin_refused", Reason: "signed_out"})
		}
		s, err = openSession(ctx, tx, official, now, "mini_app")
		return err
	})
	if err == nil && refused != nil {
		err = refused
	}
	return s, d, err
}
