// Package account holds the use cases of a person's own settings: today
// the language the bot speaks to them in.
package account

import (
	"context"
	"errors"

	"evalbot/internal/store"
)

// ErrBadLanguage: not one of the languages of locales/ (vi, en).
var ErrBadLanguage = errors.New("account: unknown language")

// SetLanguage makes lang ("vi" or "en") official actorID's chosen language,
// which wins over Telegram's language_code from now on.
func SetLanguage(ctx context.Context, db store.DB, actorID int64, lang string) error {
	if lang != "vi" && lang != "en" {
		return ErrBadLanguage
	}
	_, err := db.Exec(ctx, `UPDATE officials SET language = $2, language_chosen = true, updated_at = now() WHERE id = $1`, actorID, lang)
	return err
}
