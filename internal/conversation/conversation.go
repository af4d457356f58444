// Package conversation stores what a person's next chat message means (the
// conversation step: typing a plan, a reason, a score …) in PostgreSQL, so a
// restart or another replica continues the conversation. It is storage only:
// the chat face names the steps and owns the data's shape (any JSON value).
package conversation

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/store"
)

// Set makes step (with data, stored as JSON) the next meaning of the
// Telegram user's text, replacing any earlier one.
func Set(ctx context.Context, db store.DB, telegramUserID int64, step string, data any) error {
	raw, err := json.Marshal(data)
	if err != nil {
		return err
	}
	_, err = db.Exec(ctx, `INSERT INTO conversations (telegram_user_id, step, data) VALUES ($1, $2, $3)
		ON CONFLICT (telegram_user_id) DO UPDATE SET step = $2, data = $3, updated_at = now()`, telegramUserID, step, raw)
	return err
}

// Clear forgets the Telegram user's step (no-op when there is none).
func Clear(ctx context.Context, db store.DB, telegramUserID int64) error {
	_, err := db.Exec(ctx, `DELETE FROM conversations WHERE telegram_user_id = $1`, telegramUserID)
	return err
}

// Get reads the Telegram user's step into data, locking the row for the
// caller's transaction (FOR UPDATE); "" and data untouched when there is none.
func Get(ctx context.Context, db store.DB, telegramUserID int64, data any) (string, error) {
	var step string
	var raw []byte
	err := db.QueryRow(ctx, `SELECT step, data FROM conversations WHERE telegram_user_id = $1 FOR UPDATE`, telegramUserID).Scan(&step, &raw)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return step, json.Unmarshal(raw, data)
}

// UpdatedAt is when the Telegram user's step was last set; ok is false when
// there is none.
func UpdatedAt(ctx context.Context, db store.DB, telegramUserID int64) (at time.Time, ok bool, err error) {
	err = db.QueryRow(ctx, `SELECT updated_at FROM conversations WHERE telegram_user_id = $1`, telegramUserID).Scan(&at)
	if errors.Is(err, pgx.ErrNoRows) {
		return at, false, nil
	}
	return at, err == nil, err
}
