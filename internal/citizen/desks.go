package citizen

import (
	"context"
	"crypto/rand"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/calendar"
	"evalbot/internal/store"
	"evalbot/internal/textnorm"
)

// Desk is one counter of a one-stop shop (quầy): its printed code (HCC-Q1),
// its name, the unit it belongs to and who serves there by default.
type Desk struct {
	ID         int64
	Code       string
	Name       string
	UnitID     int64
	UnitName   string
	OfficialID *int64 // the default official; nil when nobody is assigned
	Active     bool   // false: the desk takes no ratings
}

const deskCols = `d.id, d.code, d.name, d.unit_id, u.name, d.official_id, d.active`

func scanDesk(row pgx.Row) (Desk, error) {
	var d Desk
	err := row.Scan(&d.ID, &d.Code, &d.Name, &d.UnitID, &d.UnitName, &d.OfficialID, &d.Active)
	if errors.Is(err, pgx.ErrNoRows) {
		return d, ErrNotFound
	}
	return d, err
}

func queryDesks(ctx context.Context, db store.DB, sql string, args ...any) ([]Desk, error) {
	rows, err := db.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Desk
	for rows.Next() {
		d, err := scanDesk(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// DeskByID returns one desk; ErrNotFound when there is none.
func DeskByID(ctx context.Context, db store.DB, id int64) (Desk, error) {
	return scanDesk(db.QueryRow(ctx, `SELECT `+deskCols+` FROM desks d JOIN units u ON u.id = d.unit_id WHERE d.id = $1`, id))
}

// DeskByCode returns the desk with a printed code (case-insensitive); ErrNotFound when there is none.
func DeskByCode(ctx context.Context, db store.DB, code string) (Desk, error) {
	return scanDesk(db.QueryRow(ctx, `SELECT `+deskCols+` FROM desks d JOIN units u ON u.id = d.unit_id WHERE d.code = $1`,
		cleanDeskCode(code)))
}

// AllDesks lists every desk, by code.
func AllDesks(ctx context.Context, db store.DB) ([]Desk, error) {
	return queryDesks(ctx, db, `SELECT `+deskCols+` FROM desks d JOIN units u ON u.id = d.unit_id ORDER BY d.code`)
}

// DesksUnder lists the desks of unit unitID and of every unit below it, by code.
func DesksUnder(ctx context.Context, db store.DB, unitID int64) ([]Desk, error) {
	return queryDesks(ctx, db, `WITH RECURSIVE sub (id, depth) AS (
			SELECT $1::bigint, 0
			UNION ALL
			SELECT u.id, s.depth + 1 FROM units u JOIN sub s ON u.parent_id = s.id WHERE s.depth < 1000
		)
		SELECT `+deskCols+` FROM desks d JOIN units u ON u.id = d.unit_id
		WHERE d.unit_id IN (SELECT id FROM sub) ORDER BY d.code`, unitID)
}

// CanManage reports whether official officialID may manage the desks of
// unit unitID: they are the active head of that unit or of a unit above it.
func CanManage(ctx context.Context, db store.DB, officialID, unitID int64) (bool, error) {
	var ok bool
	err := db.QueryRow(ctx, `WITH RECURSIVE up (id, depth) AS (
			SELECT $1::bigint, 0
			UNION ALL
			SELECT u.parent_id, up.depth + 1 FROM units u JOIN up ON u.id = up.id
			 WHERE u.parent_id IS NOT NULL AND up.depth < 1000
		)
		SELECT EXISTS (SELECT 1 FROM officials o JOIN up ON o.unit_id = up.id
		                WHERE o.id = $2 AND o.is_head AND o.active)`, unitID, officialID).Scan(&ok)
	return ok, err
}

// DeskInput is a new desk. OfficialID, when set, must be an active official
// of the unit.
type DeskInput struct {
	Code       string
	Name       string
	UnitID     int64
	OfficialID *int64
}

// cleanDeskCode cleans (textnorm.Clean) and upper-cases a printed desk code.
func cleanDeskCode(s string) string { return textnorm.Code(s) }

// validDeskCode: 1–32 characters of A-Z, 0-9, '-', '_' and '.'.
func validDeskCode(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// CreateDesk adds a desk with its first QR code. ErrCodeTaken when the code
// is used; ErrBadDesk when the code, the name or the official is not valid.
func CreateDesk(ctx context.Context, db store.DB, in DeskInput, actor *int64, now time.Time) (Desk, error) {
	in.Code, in.Name = cleanDeskCode(in.Code), textnorm.Clean(in.Name)
	if !validDeskCode(in.Code) || in.Name == "" || len([]rune(in.Name)) > 120 {
		return Desk{}, ErrBadDesk
	}
	if in.OfficialID != nil {
		if err := checkServes(ctx, db, *in.OfficialID, in.UnitID); err != nil {
			return Desk{}, err
		}
	}
	var id int64
	err := db.QueryRow(ctx, `INSERT INTO desks (code, name, unit_id, official_id) VALUES ($1, $2, $3, $4)
		ON CONFLICT (code) DO NOTHING RETURNING id`, in.Code, in.Name, in.UnitID, in.OfficialID).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return Desk{}, ErrCodeTaken
	}
	if err != nil {
		return Desk{}, err
	}
	if _, err := ActiveCode(ctx, db, id, now); err != nil {
		return Desk{}, err
	}
	if err := audit(ctx, db, actor, in.OfficialID, "desk", id, "create", nil,
		map[string]any{"code": in.Code, "name": in.Name, "unit_id": in.UnitID, "official_id": in.OfficialID}, ""); err != nil {
		return Desk{}, err
	}
	return DeskByID(ctx, db, id)
}

// checkServes: the official exists, is active and belongs to the unit.
func checkServes(ctx context.Context, db store.DB, officialID, unitID int64) error {
	var ok bool
	err := db.QueryRow(ctx, `SELECT active AND unit_id = $2 FROM officials WHERE id = $1`, officialID, unitID).Scan(&ok)
	if errors.Is(err, pgx.ErrNoRows) || err == nil && !ok {
		return ErrBadDesk
	}
	return err
}

// UpdateDesk changes a desk's name and default official (import).
func UpdateDesk(ctx context.Context, db store.DB, id int64, name string, officialID *int64, actor *int64) error {
	d, err := DeskByID(ctx, db, id)
	if err != nil {
		return err
	}
	name = textnorm.Clean(name)
	if name == "" {
		return ErrBadDesk
	}
	if officialID != nil {
		if err := checkServes(ctx, db, *officialID, d.UnitID); err != nil {
			return err
		}
	}
	if d.Name == name && eqID(d.OfficialID, officialID) {
		return nil
	}
	if _, err := db.Exec(ctx, `UPDATE desks SET name = $2, official_id = $3, updated_at = now() WHERE id = $1`, id, name, officialID); err != nil {
		return err
	}
	return audit(ctx, db, actor, officialID, "desk", id, "update",
		map[string]any{"name": d.Name, "official_id": d.OfficialID}, map[string]any{"name": name, "official_id": officialID}, "")
}

func eqID(a, b *int64) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }

// SetDefault changes who serves at a desk by default (nil: nobody).
func SetDefault(ctx context.Context, db store.DB, deskID int64, officialID *int64, actor *int64) (Desk, error) {
	d, err := DeskByID(ctx, db, deskID)
	if err != nil {
		return d, err
	}
	if err := UpdateDesk(ctx, db, deskID, d.Name, officialID, actor); err != nil {
		return d, err
	}
	return DeskByID(ctx, db, deskID)
}

// SetActive opens or closes a desk to ratings.
func SetActive(ctx context.Context, db store.DB, deskID int64, active bool, actor *int64) (Desk, error) {
	d, err := DeskByID(ctx, db, deskID)
	if err != nil || d.Active == active {
		return d, err
	}
	if _, err := db.Exec(ctx, `UPDATE desks SET active = $2, updated_at = now() WHERE id = $1`, deskID, active); err != nil {
		return d, err
	}
	if err := audit(ctx, db, actor, nil, "desk", deskID, "set_active", map[string]any{"active": d.Active}, map[string]any{"active": active}, ""); err != nil {
		return d, err
	}
	return DeskByID(ctx, db, deskID)
}

// SetDuty records who serves at a desk on one day (a duty change by the
// head). officialID nil, or the desk's default official, removes the change.
func SetDuty(ctx context.Context, db store.DB, deskID int64, day calendar.Date, officialID *int64, actor *int64) error {
	d, err := DeskByID(ctx, db, deskID)
	if err != nil {
		return err
	}
	before, had, err := dutyOn(ctx, db, deskID, day)
	if err != nil {
		return err
	}
	if officialID == nil || eqID(officialID, d.OfficialID) {
		if !had {
			return nil
		}
		if _, err := db.Exec(ctx, `DELETE FROM desk_duties WHERE desk_id = $1 AND day = $2::date`, deskID, day.String()); err != nil {
			return err
		}
	} else {
		if err := checkServes(ctx, db, *officialID, d.UnitID); err != nil {
			return err
		}
		if _, err := db.Exec(ctx, `INSERT INTO desk_duties (desk_id, day, official_id, set_by) VALUES ($1, $2::date, $3, $4)
			ON CONFLICT (desk_id, day) DO UPDATE SET official_id = $3, set_by = $4, created_at = now()`,
			deskID, day.String(), *officialID, actor); err != nil {
			return err
		}
	}
	var b any
	if had {
		b = map[string]any{"official_id": before}
	}
	return audit(ctx, db, actor, officialID, "desk", deskID, "duty",
		b, map[string]any{"day": day.String(), "official_id": officialID}, "")
}

func dutyOn(ctx context.Context, db store.DB, deskID int64, day calendar.Date) (int64, bool, error) {
	var id int64
	err := db.QueryRow(ctx, `SELECT official_id FROM desk_duties WHERE desk_id = $1 AND day = $2::date`, deskID, day.String()).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, false, nil
	}
	return id, err == nil, err
}

// ServingOn returns who serves at the desk on day: the duty change of that
// day, or the default official. ok is false when nobody does.
func ServingOn(ctx context.Context, db store.DB, deskID int64, day calendar.Date) (officialID int64, ok bool, err error) {
	var id *int64
	err = db.QueryRow(ctx, `SELECT coalesce(
			(SELECT official_id FROM desk_duties WHERE desk_id = d.id AND day = $2::date), d.official_id)
		FROM desks d WHERE d.id = $1`, deskID, day.String()).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, false, ErrNotFound
	}
	if err != nil || id == nil {
		return 0, false, err
	}
	return *id, true, nil
}

// Duty is one duty change: who serves at a desk on Day instead of its default.
type Duty struct {
	Day        calendar.Date
	OfficialID int64
}

// Duties lists a desk's duty changes from..to (inclusive), by day.
func Duties(ctx context.Context, db store.DB, deskID int64, from, to calendar.Date) ([]Duty, error) {
	rows, err := db.Query(ctx, `SELECT day, official_id FROM desk_duties WHERE desk_id = $1 AND day BETWEEN $2::date AND $3::date ORDER BY day`,
		deskID, from.String(), to.String())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Duty
	for rows.Next() {
		var t time.Time
		var du Duty
		if err := rows.Scan(&t, &du.OfficialID); err != nil {
			return nil, err
		}
		du.Day = dateOf(t)
		out = append(out, du)
	}
	return out, rows.Err()
}

// Code is a desk's deep-link payload. Retired codes stay, to be refused politely.
type Code struct {
	ID      int64
	DeskID  int64
	Code    string
	Retired bool
}

// codeLen is the number of random characters after the "d" prefix: 16 of
// 62 symbols, about 95 bits.
const codeLen = 16

const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// IsPayload reports whether a /start payload has the shape of a desk code
// ("d" and 16 letters or digits). Invite tokens start with "i".
func IsPayload(s string) bool {
	if len(s) != 1+codeLen || s[0] != 'd' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !strings.ContainsRune(alphabet, rune(s[i])) {
			return false
		}
	}
	return true
}

func newCode() string {
	b := make([]byte, 0, 1+codeLen)
	b = append(b, 'd')
	var buf [32]byte
	for len(b) < 1+codeLen {
		if _, err := rand.Read(buf[:]); err != nil {
			panic(err) // crypto/rand does not fail on supported platforms
		}
		for _, x := range buf {
			if x < 248 && len(b) < 1+codeLen { // 248 = 4·62: no modulo bias
				b = append(b, alphabet[int(x)%len(alphabet)])
			}
		}
	}
	return string(b)
}

// ActiveCode returns the desk's current code, issuing one when it has none.
func ActiveCode(ctx context.Context, db store.DB, deskID int64, now time.Time) (Code, error) {
	c := Code{DeskID: deskID}
	err := db.QueryRow(ctx, `SELECT id, code FROM desk_codes WHERE desk_id = $1 AND retired_at IS NULL`, deskID).Scan(&c.ID, &c.Code)
	if err == nil || !errors.Is(err, pgx.ErrNoRows) {
		return c, err
	}
	c, err = issueCode(ctx, db, deskID, now)
	if errors.Is(err, pgx.ErrNoRows) { // another transaction issued it meanwhile
		c = Code{DeskID: deskID}
		err = db.QueryRow(ctx, `SELECT id, code FROM desk_codes WHERE desk_id = $1 AND retired_at IS NULL`, deskID).Scan(&c.ID, &c.Code)
	}
	return c, err
}

// issueCode inserts a new active code; pgx.ErrNoRows when the desk has one.
func issueCode(ctx context.Context, db store.DB, deskID int64, now time.Time) (Code, error) {
	c := Code{DeskID: deskID, Code: newCode()}
	err := db.QueryRow(ctx, `INSERT INTO desk_codes (desk_id, code, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (desk_id) WHERE retired_at IS NULL DO NOTHING RETURNING id`, deskID, c.Code, now).Scan(&c.ID)
	return c, err
}

// Rotate retires the desk's current code and issues a new one: a scan of
// the old sign is refused politely from now on.
func Rotate(ctx context.Context, db store.DB, deskID int64, actor *int64, now time.Time) (Code, error) {
	if _, err := db.Exec(ctx, `SELECT 1 FROM desks WHERE id = $1 FOR UPDATE`, deskID); err != nil {
		return Code{}, err
	}
	tag, err := db.Exec(ctx, `UPDATE desk_codes SET retired_at = $2 WHERE desk_id = $1 AND retired_at IS NULL`, deskID, now)
	if err != nil {
		return Code{}, err
	}
	c, err := issueCode(ctx, db, deskID, now)
	if err != nil {
		return c, err
	}
	return c, audit(ctx, db, actor, nil, "desk", deskID, "rotate_code",
		map[string]any{"retired": tag.RowsAffected()}, map[string]any{"code_id": c.ID}, "")
}

// LookupCode finds a payload's code, retired or not; ErrCodeUnknown when
// there is none.
func LookupCode(ctx context.Context, db store.DB, payload string) (Code, error) {
	c := Code{Code: payload}
	err := db.QueryRow(ctx, `SELECT id, desk_id, retired_at IS NOT NULL FROM desk_codes WHERE code = $1`, payload).
		Scan(&c.ID, &c.DeskID, &c.Retired)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, ErrCodeUnknown
	}
	return c, err
}

// CodeByID reads one code; ErrCodeUnknown when there is none.
func CodeByID(ctx context.Context, db store.DB, id int64) (Code, error) {
	c := Code{ID: id}
	err := db.QueryRow(ctx, `SELECT desk_id, code, retired_at IS NOT NULL FROM desk_codes WHERE id = $1`, id).
		Scan(&c.DeskID, &c.Code, &c.Retired)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, ErrCodeUnknown
	}
	return c, err
}

// DeepLink is the t.me link a desk's QR code encodes.
func DeepLink(botUsername, code string) string {
	return "https://t.me/" + strings.TrimPrefix(botUsername, "@") + "?start=" + code
}

// WebLink is the web page a desk's QR code opens: base (EVALBOT_PUBLIC_URL) + "/r/" + code.
func WebLink(base, code string) string {
	return strings.TrimRight(base, "/") + "/r/" + code
}

// dateOf reads a PostgreSQL date, which pgx returns as midnight UTC.
func dateOf(t time.Time) calendar.Date {
	return calendar.Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}
}

// audit writes one row of the shared audit log (who, what, before, after, why).
func audit(ctx context.Context, db store.DB, actor, subject *int64, entity string, entityID int64, action string, before, after any, reason string) error {
	var r any
	if reason != "" {
		r = reason
	}
	_, err := db.Exec(ctx, `INSERT INTO audit_log (actor_id, subject_id, entity, entity_id, action, before, after, reason)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, actor, subject, entity, entityID, action, jsonArg(before), jsonArg(after), r)
	return err
}
