package delivery

import (
	"context"
	"strconv"
	"time"

	"evalbot/internal/locale"
	"evalbot/internal/roster"
	"evalbot/internal/store"
)

// MarkUnreachable records that official id cannot be reached on Telegram (a
// 403, or they blocked the bot). The first time — when reachable flips to
// false — their head is told, once (a dedup key per person and day), in the
// head's language; campaigns skip unreachable officials until MarkReachable.
// It reports whether the official was reachable before.
func MarkUnreachable(ctx context.Context, db store.DB, cat *locale.Catalog, id int64) (bool, error) {
	tag, err := db.Exec(ctx, `UPDATE officials SET reachable = false, updated_at = now() WHERE id = $1 AND reachable`, id)
	if err != nil || tag.RowsAffected() == 0 {
		return false, err
	}
	if _, err := db.Exec(ctx, `INSERT INTO audit_log (subject_id, entity, entity_id, action, before, after, reason)
		VALUES ($1, 'official', $1, 'unreachable', '{"reachable": true}', '{"reachable": false}', 'Telegram: 403 or blocked')`, id); err != nil {
		return true, err
	}
	if cat == nil {
		return true, nil
	}
	head, ok, err := roster.HeadOf(ctx, db, id)
	if err != nil || !ok || head.ChatID == nil || !head.Reachable || !head.Active {
		return true, err
	}
	me, err := roster.OfficialByID(ctx, db, id)
	if err != nil {
		return true, err
	}
	day := time.Now().In(hanoi).Format("2006-01-02")
	_, err = Enqueue(ctx, db, Message{
		ChatID: *head.ChatID, OfficialID: head.ID,
		DedupKey: "unreachable:" + strconv.FormatInt(id, 10) + ":" + day,
		Text:     cat.T(head.Language, "HeadMemberUnreachable", map[string]any{"Name": me.FullName, "Unit": me.UnitName}),
	})
	return true, err
}

// MarkReachable makes the official bound to a Telegram user reachable again
// (they pressed /start, or unblocked the bot). It reports whether anything changed.
func MarkReachable(ctx context.Context, db store.DB, telegramUserID int64) (bool, error) {
	tag, err := db.Exec(ctx, `UPDATE officials SET reachable = true, updated_at = now() WHERE telegram_user_id = $1 AND NOT reachable`, telegramUserID)
	if err != nil || tag.RowsAffected() == 0 {
		return false, err
	}
	_, err = db.Exec(ctx, `INSERT INTO audit_log (subject_id, entity, entity_id, action, before, after, reason)
		SELECT id, 'official', id, 'reachable', '{"reachable": false}', '{"reachable": true}', 'Telegram: /start or unblocked'
		FROM officials WHERE telegram_user_id = $1`, telegramUserID)
	return true, err
}

var hanoi = func() *time.Location {
	l, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		return time.FixedZone("ICT", 7*3600)
	}
	return l
}()
