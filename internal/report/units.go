package report

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"evalbot/internal/store"
)

// ErrUnknownUnit is returned when --unit names no unit.
var ErrUnknownUnit = errors.New("report: no unit with that code")

// unit is one node of the exported subtree, in tree order.
type unit struct {
	id          int64
	code, name  string
	frameworkID string
	depth       int
	root        bool // no parent: its head has nobody above in the system
}

// subtree returns the unit with code and its descendants, or every unit when
// code is empty, in pre-order (a parent before its children, siblings by code).
func subtree(ctx context.Context, db store.DB, code string) ([]unit, error) {
	code = strings.TrimSpace(code)
	rows, err := db.Query(ctx, `
		WITH RECURSIVE sub (id, code, name, framework_id, parent_id, depth, path) AS (
			SELECT id, code, name, framework_id, parent_id, 0, ARRAY[code]
			  FROM units
			 WHERE CASE WHEN $1 = '' THEN parent_id IS NULL ELSE upper(code) = upper($1) END
			UNION ALL
			SELECT u.id, u.code, u.name, u.framework_id, u.parent_id, s.depth + 1, s.path || u.code
			  FROM units u JOIN sub s ON u.parent_id = s.id
			 WHERE s.depth < 100
		)
		SELECT id, code, name, framework_id, depth, parent_id IS NULL FROM sub ORDER BY path`, code)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []unit
	for rows.Next() {
		var u unit
		if err := rows.Scan(&u.id, &u.code, &u.name, &u.frameworkID, &u.depth, &u.root); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if code != "" && len(out) == 0 {
		return nil, fmt.Errorf("%w: %q", ErrUnknownUnit, code)
	}
	return out, nil
}

func unitIDs(us []unit) []int64 {
	ids := make([]int64, len(us))
	for i, u := range us {
		ids[i] = u.id
	}
	return ids
}
