package evaluation

import (
	"context"
	"encoding/json"

	"evalbot/internal/store"
)

// AuditEntry is one row of the audit log: who changed what, before and after, and why.
type AuditEntry struct {
	Actor    *int64 // nil for the system (a campaign) or a CLI
	Subject  int64  // whose record changed; 0 for none (a unit, a publication)
	Entity   string // "plan", "task", "assessment"
	EntityID int64
	Action   string
	Before   any
	After    any
	Reason   string
}

// Audit writes e in the caller's transaction.
func Audit(ctx context.Context, db store.DB, e AuditEntry) error {
	before, err := json.Marshal(e.Before)
	if err != nil {
		return err
	}
	after, err := json.Marshal(e.After)
	if err != nil {
		return err
	}
	var subject any
	if e.Subject != 0 {
		subject = e.Subject
	}
	_, err = db.Exec(ctx, `INSERT INTO audit_log (actor_id, subject_id, entity, entity_id, action, before, after, reason)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, e.Actor, subject, e.Entity, e.EntityID, e.Action, before, after, nullIfEmpty(e.Reason))
	return err
}
