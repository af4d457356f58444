package dashboard

import (
	"context"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"evalbot/internal/calendar"
	"evalbot/internal/delivery"
	"evalbot/internal/evaluation"
	"evalbot/internal/locale"
	"evalbot/internal/store"
	"evalbot/internal/textnorm"
)

// RemindMissing nudges, on Telegram, every active official of the unit
// with code (in the acting admin's subtree: ErrNotInScope, ErrNotAdmin
// otherwise) who has not sent month m's self-assessment (none, a draft or
// returned, not locked) and can be reached. At most once a day per person,
// shared with the chat's «remind» button: the outbox dedup key is the
// chat's, remind-assess-manual:<official id>:<today>. The message is the
// chat's RemindSelfAssess in each person's language. One transaction,
// audited as the chat does ("remind_missing"). It returns how many
// reminders were queued: 0 when everyone missing was reminded today or is
// not on Telegram.
func RemindMissing(ctx context.Context, pool *pgxpool.Pool, cat *locale.Catalog, actor int64, code string, m calendar.Month, today calendar.Date) (int, error) {
	code = textnorm.Code(code)
	sent := 0
	err := store.InTx(ctx, pool, func(tx pgx.Tx) error {
		var unit int64
		err := tx.QueryRow(ctx, scopeCTE+`
			SELECT u.id FROM sub JOIN units u ON u.id = sub.id WHERE u.code = $2`, actor, code).Scan(&unit)
		if err == pgx.ErrNoRows {
			if admin, err := isAdmin(ctx, tx, actor); err != nil || !admin {
				return errOr(err, ErrNotAdmin)
			}
			return ErrNotInScope
		}
		if err != nil {
			return err
		}
		people, err := Remindable(ctx, tx, Who{Admin: true, Units: []int64{unit}}, m)
		if err != nil {
			return err
		}
		month := fmt.Sprintf("%02d/%d", int(m.Month), m.Year)
		for _, p := range people {
			ok, err := delivery.Enqueue(ctx, tx, delivery.Message{ChatID: p.ChatID, OfficialID: p.ID,
				DedupKey: "remind-assess-manual:" + strconv.FormatInt(p.ID, 10) + ":" + today.String(),
				Text:     cat.T(p.Language, "RemindSelfAssess", map[string]any{"Month": month})})
			if err != nil {
				return err
			}
			if ok {
				sent++
			}
		}
		if sent == 0 {
			return nil
		}
		return evaluation.Audit(ctx, tx, evaluation.AuditEntry{Actor: &actor, Entity: "reminder", EntityID: unit, Action: "remind_missing",
			After: map[string]any{"month": m.String(), "reminded": sent, "unit": code, "face": "web"}})
	})
	return sent, err
}

func isAdmin(ctx context.Context, db store.DB, actor int64) (bool, error) {
	var admin bool
	err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM admins a JOIN officials o ON o.id = a.official_id AND o.active
		WHERE a.official_id = $1)`, actor).Scan(&admin)
	return admin, err
}

func errOr(err, otherwise error) error {
	if err != nil {
		return err
	}
	return otherwise
}
