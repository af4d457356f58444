package roster

import (
	"context"
	"strings"

	"evalbot/internal/store"
)

// UnitNode is one unit of a subtree walk (Subtree).
type UnitNode struct {
	ID          int64
	Code, Name  string
	Exceptional bool   // may use the framework's higher grade-A share
	FrameworkID string // the unit's framework
	Depth       int    // 0 for the subtree's root
	Root        bool   // no parent: its head has nobody above in the system
}

// Subtree returns the unit with code (case-insensitive) and every unit below
// it, or every unit of the tree when code is empty, in pre-order: a parent
// before its children, siblings by code. ErrNotFound when code names no
// unit. The walk stops 100 levels down (a tree is never that deep).
func Subtree(ctx context.Context, db store.DB, code string) ([]UnitNode, error) {
	code = strings.TrimSpace(code)
	rows, err := db.Query(ctx, `
		WITH RECURSIVE sub (id, code, name, exceptional, framework_id, parent_id, depth, path) AS (
			SELECT id, code, name, exceptional, framework_id, parent_id, 0, ARRAY[code]
			  FROM units
			 WHERE CASE WHEN $1 = '' THEN parent_id IS NULL ELSE upper(code) = upper($1) END
			UNION ALL
			SELECT u.id, u.code, u.name, u.exceptional, u.framework_id, u.parent_id, s.depth + 1, s.path || u.code
			  FROM units u JOIN sub s ON u.parent_id = s.id
			 WHERE s.depth < 100
		)
		SELECT id, code, name, exceptional, framework_id, depth, parent_id IS NULL FROM sub ORDER BY path`, code)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []UnitNode
	for rows.Next() {
		var u UnitNode
		if err := rows.Scan(&u.ID, &u.Code, &u.Name, &u.Exceptional, &u.FrameworkID, &u.Depth, &u.Root); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if code != "" && len(out) == 0 {
		return nil, ErrNotFound
	}
	return out, nil
}
