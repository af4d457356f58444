package signin

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"evalbot/internal/signin/initdata"
	"evalbot/internal/store"
)

// ErrStranger: the Telegram account that opened the Mini App is bound to no
// active official (người lạ): the page says what the chat says to a stranger.
var ErrStranger = errors.New("signin: telegram account not on the roster")

// SignInMiniApp validates raw, the initData Telegram gave the Mini App (see
// initdata.Validate: the bot's token botToken, at most maxAge old), and opens
// for the active official bound to its user (officials.telegram_user_id, as
// the chat binds a sender) the same session a sign-in link opens, audited as
// "web_signin" with reason "mini_app"; it returns the session and the
// validated data (its start_param). initdata's errors for a forged, expired or
// other bot's initData; ErrStranger for a user not on the roster.
func SignInMiniApp(ctx context.Context, pool *pgxpool.Pool, raw, botToken string, maxAge time.Duration, now time.Time) (Session, initdata.Data, error) {
	d, err := initdata.Validate(raw, botToken, maxAge, now)
	if err != nil {
		return Session{}, d, err
	}
	var s Session
	err = store.InTx(ctx, pool, func(tx pgx.Tx) error {
		var official int64
		err := tx.QueryRow(ctx, `SELECT id FROM officials WHERE telegram_user_id = $1 AND active`, d.User.ID).Scan(&official)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrStranger
		}
		if err != nil {
			return err
		}
		s, err = openSession(ctx, tx, official, now, "mini_app")
		return err
	})
	return s, d, err
}
