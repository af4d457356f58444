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
// (they pressed /start, or unblocked the bot). It reports whether anything
// changed. When it did, what the block cost them that is still current is
// queued again (ResendCurrent), in the same transaction.
func MarkReachable(ctx context.Context, db store.DB, telegramUserID int64) (bool, error) {
	tag, err := db.Exec(ctx, `UPDATE officials SET reachable = true, updated_at = now() WHERE telegram_user_id = $1 AND NOT reachable`, telegramUserID)
	if err != nil || tag.RowsAffected() == 0 {
		return false, err
	}
	_, err = db.Exec(ctx, `INSERT INTO audit_log (subject_id, entity, entity_id, action, before, after, reason)
		SELECT id, 'official', id, 'reachable', '{"reachable": false}', '{"reachable": true}', 'Telegram: /start or unblocked'
		FROM officials WHERE telegram_user_id = $1`, telegramUserID)
	if err != nil {
		return true, err
	}
	_, err = ResendCurrent(ctx, db, telegramUserID)
	return true, err
}

// ResendCurrent queues again, for the official bound to a Telegram user who
// comes back after blocking the bot, the messages Telegram refused meanwhile
// (403) that are still current: their latest grade card, and the newest
// prompt of each kind (the week's plan, the week's report: sent within 7
// days; the month's plan, the self-assessment: within 31 days). The rows
// themselves are queued again, so each goes once (their dedup key is kept)
// and before what the /start answers. Older prompts and other notices stay
// dead, listed by `evalbot outbox`. It returns how many rows it queued.
func ResendCurrent(ctx context.Context, db store.DB, telegramUserID int64) (int64, error) {
	tag, err := db.Exec(ctx, `
		WITH o AS (SELECT id, chat_id FROM officials WHERE telegram_user_id = $1),
		blocked AS (
			SELECT x.id, x.created_at,
				CASE WHEN x.dedup_key LIKE 'grade:%' THEN 'grade'
				     WHEN x.dedup_key LIKE 'prompt-plan:%' THEN 'prompt-plan:' || split_part(x.dedup_key, ':', 2)
				     ELSE split_part(x.dedup_key, ':', 1) END AS family
			FROM outbox x, o
			WHERE x.state = 'dead' AND (x.official_id = o.id OR x.chat_id = o.chat_id)
			  AND (x.last_error ILIKE '%forbidden%' OR x.last_error LIKE 'recipient unreachable%')
			  AND (x.dedup_key LIKE 'grade:%' OR x.dedup_key LIKE 'prompt-%')),
		cur AS (SELECT DISTINCT ON (family) id, family, created_at FROM blocked ORDER BY family, created_at DESC, id DESC)
		UPDATE outbox x SET state = 'pending', attempts = 0, claimed_by = NULL, dead_at = NULL, not_before = now(),
			last_error = 'queued again when the recipient came back, after: ' || coalesce(x.last_error, '')
		FROM cur WHERE x.id = cur.id
		  AND (cur.family = 'grade' OR cur.created_at > now() - CASE WHEN cur.family IN ('prompt-plan:week', 'prompt-report')
		       THEN interval '7 days' ELSE interval '31 days' END)`, telegramUserID)
	if err != nil {
		return 0, err
	}
	return tag.RowsAffected(), nil
}

var hanoi = func() *time.Location {
	l, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		return time.FixedZone("ICT", 7*3600)
	}
	return l
}()
