package delivery

import (
	"strings"
	"testing"

	"evalbot/internal/pgtest"
)

// The mark finds its rows by primary key even when the statistics were taken
// while nothing was claimed, as after a campaign's enqueue (regression: the
// plan read every row the sender had claimed, 1.7 ms a mark at 1,000/s).
func TestMarkFindsRowsByPrimaryKey(t *testing.T) {
	ctx := t.Context()
	pool := pgtest.New(t)
	conn, err := pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	for _, sql := range []string{
		`INSERT INTO outbox (dedup_key, chat_id, payload) SELECT 'k' || g, 1000 + g, '{"text":"x"}' FROM generate_series(1, 20000) g`,
		`ANALYZE outbox`,
		`UPDATE outbox SET state = 'claimed', claimed_by = 's1' WHERE id <= 1000`,
		`SET plan_cache_mode = force_generic_plan`,
		`PREPARE mark (bigint[], text, float8, float8, float8, float8) AS ` + markBatch,
	} {
		if _, err := conn.Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	var plan strings.Builder
	rows, err := conn.Query(ctx, `EXPLAIN EXECUTE mark('{1,2,3,4,5,6,7,8,9}', 's1', 0.95, 2.95, 1.95, 0)`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var line string
		_ = rows.Scan(&line)
		plan.WriteString(line + "\n")
	}
	rows.Close()
	if !strings.Contains(plan.String(), "outbox_pkey") {
		t.Errorf("the mark does not look its rows up by primary key:\n%s", plan.String())
	}
}
