package plans

import (
	"context"

	"evalbot/internal/store"
)

// TaskTitle is the title of task taskID; pgx.ErrNoRows when there is none.
func TaskTitle(ctx context.Context, db store.DB, taskID int64) (string, error) {
	var title string
	err := db.QueryRow(ctx, `SELECT title FROM tasks WHERE id = $1`, taskID).Scan(&title)
	return title, err
}
