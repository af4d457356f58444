package report

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"evalbot/internal/roster"
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
	nodes, err := roster.Subtree(ctx, db, code)
	if errors.Is(err, roster.ErrNotFound) {
		return nil, fmt.Errorf("%w: %q", ErrUnknownUnit, strings.TrimSpace(code))
	}
	if err != nil {
		return nil, err
	}
	out := make([]unit, len(nodes))
	for i, n := range nodes {
		out[i] = unit{id: n.ID, code: n.Code, name: n.Name, frameworkID: n.FrameworkID, depth: n.Depth, root: n.Root}
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
