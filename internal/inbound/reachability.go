package inbound

import (
	"context"

	"github.com/go-telegram/bot/models"
	"github.com/jackc/pgx/v5"

	"evalbot/internal/delivery"
	"evalbot/internal/locale"
)

// Reachability is run in each update's transaction (telegram.App.BeforeRoute):
// a message from a person in their private chat (/start included) or their
// unblocking the bot makes them reachable again; their blocking it makes them
// unreachable (and tells their head once), before any 403.
func Reachability(cat *locale.Catalog) func(ctx context.Context, tx pgx.Tx, u *models.Update) error {
	return func(ctx context.Context, tx pgx.Tx, u *models.Update) error {
		switch {
		case u.Message != nil && u.Message.From != nil && u.Message.Chat.Type == models.ChatTypePrivate:
			_, err := delivery.MarkReachable(ctx, tx, u.Message.From.ID)
			return err
		case u.MyChatMember != nil && u.MyChatMember.Chat.Type == models.ChatTypePrivate:
			switch u.MyChatMember.NewChatMember.Type {
			case models.ChatMemberTypeBanned:
				var id int64
				err := tx.QueryRow(ctx, `SELECT id FROM officials WHERE telegram_user_id = $1`, u.MyChatMember.From.ID).Scan(&id)
				if err == pgx.ErrNoRows {
					return nil
				}
				if err != nil {
					return err
				}
				_, err = delivery.MarkUnreachable(ctx, tx, cat, id)
				return err
			case models.ChatMemberTypeMember:
				_, err := delivery.MarkReachable(ctx, tx, u.MyChatMember.From.ID)
				return err
			}
		}
		return nil
	}
}
