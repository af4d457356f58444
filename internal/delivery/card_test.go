package delivery_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/delivery"
	"evalbot/internal/pgtest"
	"evalbot/internal/store"
)

// TestEnqueueCardKeepsTheNewest: /report typed twice in a week sends two
// cards (Enqueue would drop the second: same key); the first gives up the
// key, renamed «<key>#<its id>», and SentByKeys finds the newest only.
func TestEnqueueCardKeepsTheNewest(t *testing.T) {
	pool := pgtest.New(t)
	ctx := context.Background()
	if _, err := pool.Exec(ctx, `WITH u AS (INSERT INTO units (code, name) VALUES ('U', 'Phòng') RETURNING id)
		INSERT INTO officials (employee_code, full_name, unit_id, category, telegram_user_id, chat_id)
		SELECT 'P1', 'Người Một', id, 'cong_chuc', 5001, 5001 FROM u`); err != nil {
		t.Fatal(err)
	}
	var official int64
	if err := pool.QueryRow(ctx, `SELECT id FROM officials`).Scan(&official); err != nil {
		t.Fatal(err)
	}
	const key = "report-card:1:2026-W50"
	var ids []int64
	for i := range 2 {
		if err := store.InTx(ctx, pool, func(tx pgx.Tx) error {
			return delivery.EnqueueCard(ctx, tx, delivery.Message{ChatID: 5001, OfficialID: official, DedupKey: key, Text: "card " + strconv.Itoa(i)})
		}); err != nil {
			t.Fatal(err)
		}
		var id int64
		if err := pool.QueryRow(ctx, `UPDATE outbox SET message_id = 100 + id, state = 'sent' WHERE id = (SELECT max(id) FROM outbox) RETURNING id`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	var renamed string
	if err := pool.QueryRow(ctx, `SELECT dedup_key FROM outbox WHERE id = $1`, ids[0]).Scan(&renamed); err != nil ||
		renamed != key+"#"+strconv.FormatInt(ids[0], 10) {
		t.Fatalf("the first card's key: %q, %v", renamed, err)
	}
	sent, err := delivery.SentByKeys(ctx, pool, []string{key})
	if err != nil || len(sent) != 1 || sent[0].MessageID != int(100+ids[1]) {
		t.Fatalf("SentByKeys(%q) = %+v, %v; want the second card only", key, sent, err)
	}
	if err := store.InTx(ctx, pool, func(tx pgx.Tx) error {
		return delivery.EnqueueCard(ctx, tx, delivery.Message{ChatID: 5001, Text: "no key"})
	}); err == nil {
		t.Error("a card without a key was queued")
	}
}
