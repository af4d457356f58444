package roster

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/collation"
	"evalbot/internal/store"
)

// Unit — đơn vị: one node of the unit tree. ParentID is nil for a root.
// Exceptional (đơn vị đặc thù) units may use the framework's higher grade-A
// quota; FrameworkID names the evaluation framework (khung tiêu chí) the unit
// uses; GroupChatID is the unit's Telegram group, if any, for publication.
type Unit struct {
	ID          int64
	Code        string
	Name        string
	ParentID    *int64
	Exceptional bool
	FrameworkID string
	GroupChatID *int64
	Active      bool
}

// Official — cán bộ, công chức, viên chức, lao động hợp đồng: one person on the
// roster, with their unit's code and name. Category is one of the Category*
// codes; IsHead marks the unit's head (người đứng đầu); Phone is E.164 or
// empty; Language is vi or en, and LanguageChosen is true once the person chose
// it in the bot. Active is false once they left the roster (their history
// stays). TelegramUserID and ChatID are nil until they are bound; Reachable is
// false after Telegram answered 403.
type Official struct {
	ID             int64
	EmployeeCode   string
	FullName       string
	UnitID         int64
	UnitCode       string
	UnitName       string
	Category       string
	Position       string
	IsHead         bool
	Phone          string
	Language       string
	LanguageChosen bool
	Active         bool
	TelegramUserID *int64
	ChatID         *int64
	Reachable      bool
	// TaskGroup — nhóm nhiệm vụ: the quota group within the unit, "" for
	// none (see OfficialRow.TaskGroup).
	TaskGroup string
}

const officialCols = `o.id, o.employee_code, o.full_name, o.unit_id, u.code, u.name, o.category, o.position,
	o.is_head, coalesce(o.phone, ''), o.language, o.language_chosen, o.active, o.telegram_user_id, o.chat_id,
	o.reachable, o.task_group`

func scanOfficial(row pgx.Row) (Official, error) {
	var o Official
	err := row.Scan(&o.ID, &o.EmployeeCode, &o.FullName, &o.UnitID, &o.UnitCode, &o.UnitName, &o.Category,
		&o.Position, &o.IsHead, &o.Phone, &o.Language, &o.LanguageChosen, &o.Active, &o.TelegramUserID,
		&o.ChatID, &o.Reachable, &o.TaskGroup)
	if errors.Is(err, pgx.ErrNoRows) {
		return o, ErrNotFound
	}
	return o, err
}

func queryOfficials(ctx context.Context, db store.DB, sql string, args ...any) ([]Official, error) {
	rows, err := db.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Official
	for rows.Next() {
		o, err := scanOfficial(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// OfficialByTelegram returns the official bound to a Telegram user id, active
// or not (check Active: a person who left is still found, so the bot can tell
// them). ErrNotFound when nobody is bound to it.
func OfficialByTelegram(ctx context.Context, db store.DB, telegramUserID int64) (Official, error) {
	return scanOfficial(db.QueryRow(ctx, `SELECT `+officialCols+`
		FROM officials o JOIN units u ON u.id = o.unit_id WHERE o.telegram_user_id = $1`, telegramUserID))
}

// QueueOfficialByTelegram queues OfficialByTelegram on b, to go to the
// database with other statements in one round trip; *o and *err are set when
// the batch's results are read (err: ErrNotFound, or the database's).
func QueueOfficialByTelegram(b *pgx.Batch, telegramUserID int64, o *Official, err *error) {
	b.Queue(`SELECT `+officialCols+`
		FROM officials o JOIN units u ON u.id = o.unit_id WHERE o.telegram_user_id = $1`, telegramUserID).
		QueryRow(func(row pgx.Row) error {
			*o, *err = scanOfficial(row)
			return nil
		})
}

// OfficialByID returns one official, active or not; ErrNotFound when there is
// no such id.
func OfficialByID(ctx context.Context, db store.DB, id int64) (Official, error) {
	return scanOfficial(db.QueryRow(ctx, `SELECT `+officialCols+`
		FROM officials o JOIN units u ON u.id = o.unit_id WHERE o.id = $1`, id))
}

// OfficialByCode returns the official with an employee code (mã cán bộ),
// active or not; ErrNotFound when there is none.
func OfficialByCode(ctx context.Context, db store.DB, employeeCode string) (Official, error) {
	return scanOfficial(db.QueryRow(ctx, `SELECT `+officialCols+`
		FROM officials o JOIN units u ON u.id = o.unit_id WHERE o.employee_code = $1`, cleanCode(employeeCode)))
}

const unitCols = `id, code, name, parent_id, exceptional, framework_id, group_chat_id, active`

func scanUnit(row pgx.Row) (Unit, error) {
	var u Unit
	err := row.Scan(&u.ID, &u.Code, &u.Name, &u.ParentID, &u.Exceptional, &u.FrameworkID, &u.GroupChatID, &u.Active)
	if errors.Is(err, pgx.ErrNoRows) {
		return u, ErrNotFound
	}
	return u, err
}

// UnitByID returns one unit; ErrNotFound when there is no such id.
func UnitByID(ctx context.Context, db store.DB, id int64) (Unit, error) {
	return scanUnit(db.QueryRow(ctx, `SELECT `+unitCols+` FROM units WHERE id = $1`, id))
}

// UnitByCode returns the unit with a code (mã đơn vị); ErrNotFound when there
// is none.
func UnitByCode(ctx context.Context, db store.DB, code string) (Unit, error) {
	return scanUnit(db.QueryRow(ctx, `SELECT `+unitCols+` FROM units WHERE code = $1`, cleanCode(code)))
}

// headOfSQL walks up from the official's unit (the parent unit when the
// official is its head) and stops at the first unit with an active head
// other than $1. Every step is a scalar subquery on a key, so even the
// generic plan that serve's prepared statements settle on after five runs
// does a few index lookups: the join it replaced was planned as a scan of
// every unit and every head (1.4 ms at 30,000 officials, growing with the
// roster; a month-end campaign runs it once per official).
const headOfSQL = `
		WITH RECURSIVE chain (unit_id, depth, head_id) AS (
			SELECT s.unit_id, 0, (SELECT h.id FROM officials h WHERE h.unit_id = s.unit_id AND h.is_head AND h.active AND h.id <> $1)
			  FROM (SELECT CASE WHEN o.is_head AND o.active THEN (SELECT parent_id FROM units WHERE id = o.unit_id) ELSE o.unit_id END AS unit_id
			          FROM officials o WHERE o.id = $1) s
			 WHERE s.unit_id IS NOT NULL
			UNION ALL
			SELECT x.parent_id, x.depth + 1, (SELECT h.id FROM officials h WHERE h.unit_id = x.parent_id AND h.is_head AND h.active AND h.id <> $1)
			  FROM (SELECT (SELECT parent_id FROM units WHERE id = c.unit_id) AS parent_id, c.depth FROM chain c
			         WHERE c.head_id IS NULL AND c.depth < 1000) x
			 WHERE x.parent_id IS NOT NULL
		)
		SELECT ` + officialCols + `
		  FROM officials o JOIN units u ON u.id = o.unit_id
		 WHERE o.id = (SELECT head_id FROM chain WHERE head_id IS NOT NULL LIMIT 1)`

// HeadOf returns the person who reviews an official (cấp trên trực tiếp): the
// active head of the official's unit or, when the official is that head or
// the unit has no head, the head of the nearest ancestor unit that has one.
// ok is false when there is nobody above (the root unit's head).
// ErrNotFound when there is no such official.
func HeadOf(ctx context.Context, db store.DB, officialID int64) (head Official, ok bool, err error) {
	head, err = scanOfficial(db.QueryRow(ctx, headOfSQL, officialID))
	if errors.Is(err, ErrNotFound) {
		var exists bool
		if err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM officials WHERE id = $1)`, officialID).Scan(&exists); err != nil {
			return Official{}, false, err
		}
		if !exists {
			return Official{}, false, ErrNotFound
		}
		return Official{}, false, nil
	}
	if err != nil {
		return Official{}, false, err
	}
	return head, true, nil
}

// subordinatesSQL selects the ids of Subordinates($1) as "ids".
const subordinatesSQL = `
		WITH RECURSIVE h AS (
			SELECT id, unit_id FROM officials WHERE id = $1 AND is_head AND active
		), below (unit_id, depth) AS (
			SELECT u.id, 1 FROM units u JOIN h ON u.parent_id = h.unit_id
			UNION ALL
			SELECT u.id, b.depth + 1 FROM below b JOIN units u ON u.parent_id = b.unit_id
			 WHERE b.depth < 1000 AND NOT EXISTS (
				SELECT 1 FROM officials x WHERE x.unit_id = b.unit_id AND x.is_head AND x.active)
		), ids AS (
			-- Two indexed lookups rather than one OR, which scanned every official.
			SELECT o.id FROM officials o JOIN h ON o.unit_id = h.unit_id WHERE o.active AND o.id <> $1
			UNION ALL
			SELECT o.id FROM officials o JOIN below b ON b.unit_id = o.unit_id
			 WHERE o.active AND o.id <> $1 AND (o.is_head OR NOT EXISTS (
				SELECT 1 FROM officials x WHERE x.unit_id = o.unit_id AND x.is_head AND x.active))
		)`

// Subordinates returns the active people whose HeadOf is headID: the staff of
// the head's unit, the heads of the units below whose nearest head-bearing
// ancestor is this unit, and the staff of head-less units in between; ordered
// as SortOfficials does. Empty when
// headID is not an active head.
func Subordinates(ctx context.Context, db store.DB, headID int64) ([]Official, error) {
	os, err := queryOfficials(ctx, db, subordinatesSQL+`
		SELECT `+officialCols+`
		  FROM officials o JOIN units u ON u.id = o.unit_id
		 WHERE o.id IN (SELECT id FROM ids)
		 ORDER BY u.code, o.employee_code`, headID)
	SortOfficials(os)
	return os, err
}

// SortOfficials sorts a list of people in place as an office lists them: by
// unit code, then in office order (collation.OfficeKeys: the head, the
// deputies, everybody else by given name and full name in Vietnamese order),
// then by employee code.
func SortOfficials(os []Official) {
	collation.SortBy(os, func(o Official) []collation.Key {
		keys := append([]collation.Key{collation.Plain(o.UnitCode)}, collation.OfficeKeys(o.IsHead, o.Position, o.FullName)...)
		return append(keys, collation.Plain(o.EmployeeCode))
	})
}

// SubordinateIDs returns the ids of Subordinates(headID), in id order: for
// when only who, not their names, matters (a head's grade).
func SubordinateIDs(ctx context.Context, db store.DB, headID int64) ([]int64, error) {
	rows, err := db.Query(ctx, subordinatesSQL+` SELECT DISTINCT id FROM ids ORDER BY id`, headID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}
