package reviews

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/app/access"
	"evalbot/internal/app/grades"
	"evalbot/internal/calendar"
	"evalbot/internal/evaluation"
	"evalbot/internal/grading"
	"evalbot/internal/roster"
	"evalbot/internal/store"
)

// BoardRow is one person on a reviewer's board (bảng duyệt) for a month:
// their assessment (AssessmentID 0 and Status "" when they have none yet),
// the self-assessed total (hundredths; nil when none), the grade as it
// stands (the approved one, else the self-assessed one; "" when none), and
// whether it changed since the reviewer last looked at the board.
type BoardRow struct {
	Official     roster.Official
	AssessmentID int64
	Version      int
	Status       string // evaluation.Assess*, or ""
	SelfTotal    *grading.Points
	Grade        string
	Changed      bool
	QuotaGroup   string // the framework's quota group of the person ("" for the whole unit)
}

// Meter is one quota group's grade-A meter (Quyết định về tỷ lệ loại A): the
// A's approved (Used) against the most it can hold as its people stand
// (grading.GroupRoom.Cap), for unit Unit; Group is "" for the whole unit
// (or, under Decree 335, the people without a task group: ByGroup says so).
type Meter struct {
	UnitID    int64
	UnitName  string
	Group     string
	ByGroup   bool
	Used, Cap int
}

// Board is a reviewer's month: every person they review that day, in the
// roster's order, and the A meters of their units.
type Board struct {
	Month  calendar.Month
	Rows   []BoardRow
	Meters []Meter
}

// LoadBoard reads the board of reviewer actorID on day for month m: the
// people access.Reviewees lists (their own subordinates, and a delegating
// head's during the delegation only), with Changed against the versions
// the reviewer saw last (SeeBoard). access.ErrForbidden when the actor
// reviews nobody that day.
func LoadBoard(ctx context.Context, db store.DB, fws grades.Frameworks, actorID int64, day calendar.Date, m calendar.Month) (Board, error) {
	b := Board{Month: m}
	people, err := access.Reviewees(ctx, db, actorID, day)
	if err != nil {
		return b, err
	}
	if len(people) == 0 {
		return b, access.ErrForbidden
	}
	ids := make([]int64, len(people))
	for i, o := range people {
		ids[i] = o.ID
	}
	rows, err := db.Query(ctx, `SELECT official_id, id, version, status, self_total, coalesce(self_grade, ''), coalesce(grade, '')
		FROM assessments WHERE official_id = ANY($1) AND month = $2`, ids, m.First().Time(0, 0))
	if err != nil {
		return b, err
	}
	type asRow struct {
		id           int64
		version      int
		status       string
		selfTotal    *grading.Points
		self, graded string
	}
	byOfficial := map[int64]asRow{}
	for rows.Next() {
		var oid int64
		var r asRow
		if err := rows.Scan(&oid, &r.id, &r.version, &r.status, &r.selfTotal, &r.self, &r.graded); err != nil {
			rows.Close()
			return b, err
		}
		byOfficial[oid] = r
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return b, err
	}
	seen, err := seenVersions(ctx, db, actorID, m)
	if err != nil {
		return b, err
	}
	units := map[int64]roster.Unit{}
	var order []int64
	fwOf := map[int64]*grading.Framework{}
	for _, o := range people {
		if _, ok := units[o.UnitID]; !ok {
			u, err := roster.UnitByID(ctx, db, o.UnitID)
			if err != nil {
				return b, err
			}
			fw, err := fws(u.FrameworkID)
			if err != nil {
				return b, err
			}
			units[o.UnitID], fwOf[o.UnitID] = u, fw
			order = append(order, o.UnitID)
		}
		r := BoardRow{Official: o, QuotaGroup: fwOf[o.UnitID].QuotaGroup(o.TaskGroup)}
		if a, ok := byOfficial[o.ID]; ok {
			r.AssessmentID, r.Version, r.Status, r.SelfTotal = a.id, a.version, a.status, a.selfTotal
			r.Grade = a.self
			if a.status == evaluation.AssessApproved {
				r.Grade = a.graded
			}
			v, looked := seen[a.id]
			r.Changed = !looked || v != a.version
		}
		b.Rows = append(b.Rows, r)
	}
	for _, uid := range order {
		members, exceptional, err := quotaMembers(ctx, db, uid, m, false)
		if err != nil {
			return b, err
		}
		fw := fwOf[uid]
		for _, room := range fw.QuotaRooms(members, exceptional) {
			b.Meters = append(b.Meters, Meter{UnitID: uid, UnitName: units[uid].Name, Group: room.Group,
				ByGroup: fw.QuotaScope() == grading.QuotaScopeTaskGroup, Used: room.A, Cap: room.Cap})
		}
	}
	return b, nil
}

// SeeBoard records that reviewer actorID has seen the rows of board b as
// they are (the next LoadBoard's Changed compares with these versions); rows
// not in b (filtered out) keep what was seen before. Kept in bot_state under
// "board_seen:<actor>:<YYYY-MM>", one row per reviewer and month.
func SeeBoard(ctx context.Context, db store.DB, actorID int64, b Board) error {
	v := map[string]int{}
	for _, r := range b.Rows {
		if r.AssessmentID != 0 {
			v[strconv.FormatInt(r.AssessmentID, 10)] = r.Version
		}
	}
	p, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = db.Exec(ctx, `INSERT INTO bot_state (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = bot_state.value || excluded.value`,
		seenKey(actorID, b.Month), p)
	return err
}

func seenKey(actorID int64, m calendar.Month) string {
	return "board_seen:" + strconv.FormatInt(actorID, 10) + ":" + m.First().Time(0, 0).Format("2006-01")
}

// seenVersions is what SeeBoard stored: assessment id → version.
func seenVersions(ctx context.Context, db store.DB, actorID int64, m calendar.Month) (map[int64]int, error) {
	var raw []byte
	err := db.QueryRow(ctx, `SELECT value FROM bot_state WHERE key = $1`, seenKey(actorID, m)).Scan(&raw)
	if errors.Is(err, pgx.ErrNoRows) {
		return map[int64]int{}, nil
	}
	if err != nil {
		return nil, err
	}
	var v map[string]int
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	out := make(map[int64]int, len(v))
	for k, ver := range v {
		if id, err := strconv.ParseInt(k, 10, 64); err == nil {
			out[id] = ver
		}
	}
	return out, nil
}

// Pick is one assessment a reviewer selected, at the version they saw.
type Pick struct {
	AssessmentID int64
	Version      int
}

// Refusal is a pick ApproveMany did not approve, and why: evaluation.ErrStale
// (decided or changed meanwhile), access.ErrForbidden (not the actor's to
// review), a *grading.InputError (e.g. grading.ErrNoTasks), or
// ErrNeedsQuotaChoice. Name is the person's (empty when the assessment is gone).
type Refusal struct {
	Pick
	Name string
	Err  error
}

// ErrNeedsQuotaChoice: approving this A breaks the grade-A quota; the
// reviewer opens the person to choose who moves to B (Approve with demote).
var ErrNeedsQuotaChoice = errors.New("reviews: the grade-A quota needs the reviewer's choice")

// Notifier makes the chat show what a review decided on another face, in
// the decision's transaction: telegram.App edits the head's review card and
// sends the official's grade card, or the returned self-assessment, as the
// chat's own buttons do.
type Notifier interface {
	Approved(ctx context.Context, tx pgx.Tx, actorID int64, a Approval) error
	Returned(ctx context.Context, tx pgx.Tx, actorID int64, as evaluation.Assessment, o roster.Official) error
	// Changed: the head's copy of as was adjusted (a criterion, the bonus):
	// its review cards show it, with buttons of the new version.
	Changed(ctx context.Context, tx pgx.Tx, actorID int64, as evaluation.Assessment, o roster.Official) error
	// NotUpToStandard: a done task was marked «chưa đạt» (MarkNotUpToStandard):
	// the review cards show the new numbers, and the task's owner is told
	// with the reason, as after the mark in chat (once per mark: a repeat
	// tells nobody again).
	NotUpToStandard(ctx context.Context, tx pgx.Tx, actorID int64, m MarkResult) error
	// MarkWithdrawn: the latest «chưa đạt» mark of a task was taken back
	// (WithdrawQualityMark): the review cards show it, and the owner is told
	// as after the chat's ↩️.
	MarkWithdrawn(ctx context.Context, tx pgx.Tx, actorID int64, m MarkResult) error
}

// ApproveMany approves, for reviewer actorID at now, the picks as
// self-assessed (the head's copy as it stands), in tx: one transaction for
// the whole selection. Every unit-month lock it needs (those of the people
// actorID may review) is taken first, in one order (LockUnitMonths); then
// each pick goes through Approve, which
// authorizes per person from the database (a deputy only during the
// delegation) and checks the version; a refusal (decided before any write)
// leaves the others. The A's that would break the quota are not approved
// (ErrNeedsQuotaChoice): the board asks for that choice one by one. notify,
// when not nil, is told of each approval. It returns the approvals, in the
// picks' order, and the refusals; a pick this reviewer approved already from
// its version (the confirmation pressed twice) is among the approvals as
// Already, not told again.
func ApproveMany(ctx context.Context, tx pgx.Tx, cal *calendar.Calendar, fws grades.Frameworks, actorID int64, picks []Pick, now time.Time, notify Notifier) ([]Approval, []Refusal, error) {
	// Only the unit-months of people this reviewer may review are locked:
	// a forged pick of another unit's person (refused below) holds no other
	// head's month while this selection is decided.
	var ids []int64
	for _, p := range picks {
		as, err := evaluation.LoadAssessment(ctx, tx, p.AssessmentID)
		if errors.Is(err, evaluation.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		ok, _, err := access.ReviewRight(ctx, tx, actorID, as.OfficialID, calendar.DateOf(now))
		if err != nil {
			return nil, nil, err
		}
		if ok {
			ids = append(ids, p.AssessmentID)
		}
	}
	if err := LockUnitMonths(ctx, tx, ids); err != nil {
		return nil, nil, err
	}
	var done []Approval
	var refused []Refusal
	for _, p := range picks {
		// Every refusal of Approve comes before its first write, so a
		// refused pick leaves nothing behind and needs no savepoint.
		res, err := approve(ctx, tx, cal, fws, actorID, p.AssessmentID, p.Version, 0, now, true)
		var ie *grading.InputError
		switch {
		case err == nil && res.Already:
			// A double tap of the confirmation: done by the first, told then.
			done = append(done, res)
			continue
		case err == nil && res.StaffWaiting == 0 && res.Quota == nil:
			if notify != nil {
				if err := notify.Approved(ctx, tx, actorID, res); err != nil {
					return nil, nil, err
				}
			}
			done = append(done, res)
			continue
		case err == nil && res.Quota != nil:
			err = ErrNeedsQuotaChoice
		case err == nil:
			err = ErrStaffWaiting
		case errors.Is(err, evaluation.ErrStale), errors.Is(err, evaluation.ErrNotFound), errors.Is(err, access.ErrForbidden), errors.As(err, &ie):
		default:
			return nil, nil, err
		}
		refused = append(refused, Refusal{Pick: p, Name: res.Official.FullName, Err: err})
	}
	return done, refused, nil
}

// ErrStaffWaiting: a head's own result waits until their staff are approved
// (grades.StaffWaiting).
var ErrStaffWaiting = errors.New("reviews: the head's staff are not all approved yet")
