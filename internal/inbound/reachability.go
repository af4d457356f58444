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
	return ReachabilityWith(cat, nil)
}

// ReachabilityWith is Reachability that also runs back (when set) in the
// same transaction for a person who just became reachable again: the
// campaigns' catch-up (schedule.Scheduler.CatchUp), for the prompts they
// skipped meanwhile. What Telegram refused meanwhile is queued again by
// delivery.MarkReachable itself.
func ReachabilityWith(cat *locale.Catalog, back func(ctx context.Context, tx pgx.Tx, telegramUserID int64) error) func(ctx context.Context, tx pgx.Tx, u *models.Update) error {
	reachable := func(ctx context.Context, tx pgx.Tx, userID int64) error {
		flipped, err := delivery.MarkReachable(ctx, tx, userID)
		if err != nil || !flipped || back == nil {
			return err
		}
		return back(ctx, tx, userID)
	}
	return func(ctx context.Context, tx pgx.Tx, u *models.Update) error {
		switch {
		case u.Message != nil && u.Message.From != nil && u.Message.Chat.Type == models.ChatTypePrivate:
			return reachable(ctx, tx, u.Message.From.ID)
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
				return reachable(ctx, tx, u.MyChatMember.From.ID)
			}
		}
		return nil
	}
}
