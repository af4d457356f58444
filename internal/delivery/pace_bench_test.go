package delivery_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/delivery"
	"evalbot/internal/pgtest"
)

// BenchmarkPressBatchReserve measures what the chat's reservation adds to a
// score press's one round trip (decision 0003): a batch of BEGIN, the
// update's dedup row, a read and COMMIT, without and with
// delivery.QueueReserve for the presser's chat.
//
//	go test -run '^$' -bench PressBatchReserve -benchtime 2000x ./internal/delivery
func BenchmarkPressBatchReserve(b *testing.B) {
	pool := pgtest.New(b)
	ctx := context.Background()
	if _, err := pool.Exec(ctx, `INSERT INTO units (code, name) VALUES ('U', 'U');
		INSERT INTO officials (employee_code, full_name, unit_id, category, position, telegram_user_id, chat_id)
		SELECT 'E' || g, 'X', (SELECT id FROM units), 'cong_chuc', 'CV', 500000 + g, 500000 + g FROM generate_series(1, 1000) g`); err != nil {
		b.Fatal(err)
	}
	next := int64(1)
	for _, reserve := range []bool{false, true} {
		name := "without"
		if reserve {
			name = "with"
		}
		b.Run(name, func(b *testing.B) {
			for i := range b.N {
				c, err := pool.Acquire(ctx)
				if err != nil {
					b.Fatal(err)
				}
				batch := &pgx.Batch{}
				batch.Queue("BEGIN")
				batch.Queue("INSERT INTO processed_updates (update_id) VALUES ($1)", next)
				next++
				batch.Queue("SELECT id FROM officials WHERE telegram_user_id = $1", int64(500001+i%1000))
				var wait time.Duration
				var known bool
				if reserve {
					// A thousand chats pressed in turn, as at 1,000 presses/s.
					delivery.QueueReserve(batch, delivery.DefaultLimits, int64(500001+i%1000), &wait, &known)
				}
				batch.Queue("COMMIT")
				if err := c.SendBatch(ctx, batch).Close(); err != nil {
					b.Fatal(err)
				}
				c.Release()
			}
		})
	}
}
