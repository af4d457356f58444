// Package publication holds the use cases of making a month's results
// public (công khai) and of asking to reconsider them: publishing a unit's
// month (by its head or the scheduled run), the addendum for a result
// approved after that, binding the unit's group chat, and an official's
// request for reconsideration with the head's decision. Each runs inside the
// caller's transaction, authorizes from the database and writes the audit
// log; the face renders and enqueues the messages (delivery outbox) in the
// same transaction.
package publication

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/app/access"
	"evalbot/internal/calendar"
	"evalbot/internal/collation"
	"evalbot/internal/evaluation"
	"evalbot/internal/grading"
	"evalbot/internal/roster"
	"evalbot/internal/store"
)

// Line is one approved result of a published unit-month: the person, their
// total (nil when approved without a grade) and grade ("" likewise), and
// the assessment's id.
type Line struct {
	OfficialID     int64
	Name, Position string
	IsHead         bool
	Total          *grading.Points
	Grade          string
	AssessmentID   int64
}

// Publication is what Publish did: Done is false when the unit's month was
// published before (nothing changed); else the unit and its approved results
// in office order (head first, then by position and name).
type Publication struct {
	Done  bool
	Unit  roster.Unit
	Lines []Line
}

// Publish makes unit unitID's approved results of month m public at now and
// locks them (locked_at), with an audit entry. It runs under the unit's month
// lock (evaluation.LockUnitMonth), as approvals do: one pressed meanwhile
// waits, then finds the month published and goes out as the addendum
// (PublishLate). A second call for the same unit and month does nothing.
// actor is nil for the scheduled run; for a person, the caller checks they
// may publish (CanPublish).
func Publish(ctx context.Context, db store.DB, unitID int64, m calendar.Month, actor *int64, now time.Time) (Publication, error) {
	if err := evaluation.LockUnitMonth(ctx, db, unitID, m); err != nil {
		return Publication{}, err
	}
	tag, err := db.Exec(ctx, `INSERT INTO publications (unit_id, month, published_by, published_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
		unitID, m.First().Time(0, 0), actor, now)
	if err != nil || tag.RowsAffected() == 0 {
		return Publication{}, err
	}
	u, err := roster.UnitByID(ctx, db, unitID)
	if err != nil {
		return Publication{}, err
	}
	rows, err := db.Query(ctx, `SELECT o.id, o.full_name, o.position, o.is_head, a.total, a.grade, a.id
		FROM assessments a JOIN officials o ON o.id = a.official_id
		WHERE o.unit_id = $1 AND a.month = $2 AND a.status = 'approved'
		ORDER BY o.id`, unitID, m.First().Time(0, 0))
	if err != nil {
		return Publication{}, err
	}
	var lines []Line
	for rows.Next() {
		var l Line
		var total *int64
		var g *string
		if err := rows.Scan(&l.OfficialID, &l.Name, &l.Position, &l.IsHead, &total, &g, &l.AssessmentID); err != nil {
			rows.Close()
			return Publication{}, err
		}
		if g != nil {
			l.Grade = *g
		}
		if total != nil {
			p := grading.Points(*total)
			l.Total = &p
		}
		lines = append(lines, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return Publication{}, err
	}
	collation.SortBy(lines, func(l Line) []collation.Key { return collation.OfficeKeys(l.IsHead, l.Position, l.Name) })
	if _, err := db.Exec(ctx, `UPDATE assessments a SET locked_at = $3 FROM officials o
		WHERE o.id = a.official_id AND o.unit_id = $1 AND a.month = $2 AND a.status = 'approved'`, unitID, m.First().Time(0, 0), now); err != nil {
		return Publication{}, err
	}
	if err := evaluation.Audit(ctx, db, evaluation.AuditEntry{Actor: actor, Entity: "publication", EntityID: unitID, Action: "publish",
		After: map[string]any{"month": m.String(), "people": len(lines)}}); err != nil {
		return Publication{}, err
	}
	return Publication{Done: true, Unit: u, Lines: lines}, nil
}

// UnitsToPublish lists the units with approved results for month m that
// have not published it (the scheduled run on the publication day publishes
// each, in its own transaction).
func UnitsToPublish(ctx context.Context, db store.DB, m calendar.Month) ([]int64, error) {
	rows, err := db.Query(ctx, `SELECT DISTINCT o.unit_id FROM assessments a JOIN officials o ON o.id = a.official_id
		WHERE a.month = $1 AND a.status = 'approved'
		  AND NOT EXISTS (SELECT 1 FROM publications p WHERE p.unit_id = o.unit_id AND p.month = a.month) ORDER BY 1`, m.First().Time(0, 0))
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// PublishLate: a result approved after its unit's month was published (a
// review still open then, or a reconsideration) is published at once as an
// addendum and locked at now, with an audit entry by actorID. published is
// false (nothing done) when the unit's month is not published; else unit is
// o's unit, whose group the face tells. The caller holds the unit's month lock.
func PublishLate(ctx context.Context, db store.DB, actorID int64, as evaluation.Assessment, o roster.Official, now time.Time) (published bool, unit roster.Unit, err error) {
	published, err = evaluation.Published(ctx, db, o.ID, as.Month)
	if err != nil || !published {
		return false, unit, err
	}
	if _, err := db.Exec(ctx, `UPDATE assessments SET locked_at = $2 WHERE id = $1`, as.ID, now); err != nil {
		return false, unit, err
	}
	if err := evaluation.Audit(ctx, db, evaluation.AuditEntry{Actor: &actorID, Subject: o.ID, Entity: "assessment", EntityID: as.ID,
		Action: "publish_addendum", After: map[string]any{"month": as.Month.String()}}); err != nil {
		return false, unit, err
	}
	unit, err = roster.UnitByID(ctx, db, o.UnitID)
	return err == nil, unit, err
}

// BindGroup makes chat chatID the group where actorID's unit is published
// (/bindgroup), with an audit entry. Only the unit's head (an active
// official with is_head) may: access.ErrForbidden otherwise. It returns the unit.
func BindGroup(ctx context.Context, db store.DB, actorID, chatID int64) (roster.Unit, error) {
	me, err := roster.OfficialByID(ctx, db, actorID)
	if errors.Is(err, roster.ErrNotFound) || err == nil && (!me.Active || !me.IsHead) {
		return roster.Unit{}, access.ErrForbidden
	}
	if err != nil {
		return roster.Unit{}, err
	}
	if _, err := db.Exec(ctx, `UPDATE units SET group_chat_id = $2, updated_at = now() WHERE id = $1`, me.UnitID, chatID); err != nil {
		return roster.Unit{}, err
	}
	if err := evaluation.Audit(ctx, db, evaluation.AuditEntry{Actor: &actorID, Entity: "unit", EntityID: me.UnitID, Action: "bind_group"}); err != nil {
		return roster.Unit{}, err
	}
	return roster.UnitByID(ctx, db, me.UnitID)
}

// PublisherUnit is the unit official actorID may publish now: their own,
// when they head it (người đứng đầu); access.ErrForbidden otherwise.
func PublisherUnit(ctx context.Context, db store.DB, actorID int64) (roster.Unit, error) {
	me, err := roster.OfficialByID(ctx, db, actorID)
	if errors.Is(err, roster.ErrNotFound) || err == nil && (!me.Active || !me.IsHead) {
		return roster.Unit{}, access.ErrForbidden
	}
	if err != nil {
		return roster.Unit{}, err
	}
	return roster.UnitByID(ctx, db, me.UnitID)
}

// Refusals of a head's publication.
var (
	ErrNotEnded         = errors.New("publication: the month has not ended")
	ErrAlreadyPublished = errors.New("publication: the unit's month is published already")
)

// Proposal is what /publish asks a head to confirm: their unit and the
// month's counts (evaluation.CountUnitMonth).
type Proposal struct {
	Unit   roster.Unit
	Counts evaluation.UnitMonthCounts
}

// Propose prepares the publication of month m (the month under review,
// calendar.MonthUnderReview) of the unit official actorID heads, on today.
// Refusals: access.ErrForbidden (not a head), ErrNotEnded, ErrAlreadyPublished.
func Propose(ctx context.Context, db store.DB, actorID int64, m calendar.Month, today calendar.Date) (Proposal, error) {
	u, err := PublisherUnit(ctx, db, actorID)
	if err != nil {
		return Proposal{}, err
	}
	if !m.Ended(today) {
		return Proposal{Unit: u}, ErrNotEnded
	}
	published, err := evaluation.UnitPublished(ctx, db, u.ID, m)
	if err != nil {
		return Proposal{Unit: u}, err
	}
	if published {
		return Proposal{Unit: u}, ErrAlreadyPublished
	}
	n, err := evaluation.CountUnitMonth(ctx, db, u.ID, m)
	return Proposal{Unit: u, Counts: n}, err
}

// PublishOwnUnit publishes, for its head actorID, their unit's month m at
// now (PublisherUnit's check, then Publish): m must still be underReview
// (the month under review now, calendar.MonthUnderReview) and ended, else
// evaluation.ErrStale (a confirmation left from an earlier month).
func PublishOwnUnit(ctx context.Context, db store.DB, actorID int64, m, underReview calendar.Month, now time.Time) (Publication, error) {
	u, err := PublisherUnit(ctx, db, actorID)
	if err != nil {
		return Publication{}, err
	}
	if m != underReview || !m.Ended(calendar.DateOf(now)) {
		return Publication{Unit: u}, evaluation.ErrStale
	}
	pub, err := Publish(ctx, db, u.ID, m, &actorID, now)
	pub.Unit = u
	return pub, err
}
