package access

import (
	"context"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/calendar"
	"evalbot/internal/store"
)

// ReviewerChat is a reviewer's private chat (its id is their Telegram user
// id) and their language.
type ReviewerChat struct {
	OfficialID int64
	ChatID     int64
	Language   string
}

// ReviewerChats lists the private chats of the people who review someone on
// day: every active head with people under them, and every deputy under a
// delegation in force that day; those who have joined the bot, by id.
func ReviewerChats(ctx context.Context, db store.DB, day calendar.Date) ([]ReviewerChat, error) {
	rows, err := db.Query(ctx, `SELECT o.id, o.chat_id, o.language FROM officials o
		WHERE o.active AND o.chat_id IS NOT NULL AND o.chat_id = o.telegram_user_id
		  AND (o.is_head OR EXISTS (SELECT 1 FROM delegations d WHERE d.deputy_id = o.id AND d.revoked_at IS NULL
		                             AND $1 BETWEEN d.first_day AND d.last_day))
		ORDER BY o.id`, day.Time(0, 0))
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (ReviewerChat, error) {
		var c ReviewerChat
		return c, r.Scan(&c.OfficialID, &c.ChatID, &c.Language)
	})
}

// FormerDeputyChats lists the private chats of deputies whose delegation
// ended within the 30 days before day and who review nobody on day (no
// head, no delegation in force): their menu button goes back to the default.
func FormerDeputyChats(ctx context.Context, db store.DB, day calendar.Date) ([]ReviewerChat, error) {
	rows, err := db.Query(ctx, `SELECT o.id, o.chat_id, o.language FROM officials o
		WHERE o.chat_id IS NOT NULL AND o.chat_id = o.telegram_user_id AND NOT (o.is_head AND o.active)
		  AND EXISTS (SELECT 1 FROM delegations d WHERE d.deputy_id = o.id
		               AND (d.last_day < $1 OR d.revoked_at IS NOT NULL) AND d.last_day >= $1::date - 30)
		  AND NOT EXISTS (SELECT 1 FROM delegations d WHERE d.deputy_id = o.id AND d.revoked_at IS NULL
		                   AND $1 BETWEEN d.first_day AND d.last_day)
		ORDER BY o.id`, day.Time(0, 0))
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (ReviewerChat, error) {
		var c ReviewerChat
		return c, r.Scan(&c.OfficialID, &c.ChatID, &c.Language)
	})
}
