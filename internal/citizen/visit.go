package citizen

import (
	"context"
	"crypto/sha256"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/calendar"
	"evalbot/internal/store"
)

// VisitTTL is how long a per-visit code (mã lượt phục vụ) can be used.
const VisitTTL = 30 * time.Minute

// Why a per-visit code rates nothing (nothing is written then).
var (
	ErrVisitUnknown = errors.New("citizen: unknown visit code")
	ErrVisitUsed    = errors.New("citizen: visit code already used")
	ErrVisitExpired = errors.New("citizen: visit code expired")
	ErrNotOnDuty    = errors.New("citizen: the official serves at no desk today")
)

// VisitCode is a one-time code the official on duty shows to the citizen in
// front of them: "v" and 16 letters or digits (about 95 bits), of which only
// SHA-256 is stored. A rating given with it is verified (Rating.Verified).
type VisitCode struct {
	ID         int64
	Code       string // the raw code: known to NewVisitCode's caller only
	DeskID     int64
	OfficialID int64
	ExpiresAt  time.Time
	UsedAt     *time.Time
	RatingID   int64 // the rating it gave, once used
}

// visit is a per-visit code RateVisit checked and locked for a vote.
type visit struct{ id int64 }

// IsVisitCode reports whether s has the shape of a per-visit code.
func IsVisitCode(s string) bool { return len(s) == 1+codeLen && s[0] == 'v' && IsPayload("d"+s[1:]) }

func visitHash(code string) []byte {
	h := sha256.Sum256([]byte(code))
	return h[:]
}

// DutyDesks lists the active desks where official serves on day (the duty
// change of the day, or the desk's default), by code.
func DutyDesks(ctx context.Context, db store.DB, officialID int64, day calendar.Date) ([]Desk, error) {
	return queryDesks(ctx, db, `SELECT `+deskCols+` FROM desks d JOIN units u ON u.id = d.unit_id
		WHERE d.active AND coalesce((SELECT official_id FROM desk_duties WHERE desk_id = d.id AND day = $2::date), d.official_id) = $1
		ORDER BY d.code`, officialID, day.String())
}

// NewVisitCode issues a per-visit code for the citizen official is serving
// at desk now (VisitTTL). ErrNotOnDuty unless official serves at that
// active desk today. Audited ("visit_code"), without the code.
func NewVisitCode(ctx context.Context, db store.DB, officialID, deskID int64, now time.Time) (VisitCode, error) {
	desk, err := DeskByID(ctx, db, deskID)
	if err != nil {
		return VisitCode{}, err
	}
	serving, ok, err := ServingOn(ctx, db, deskID, calendar.DateOf(now))
	if err != nil {
		return VisitCode{}, err
	}
	if !desk.Active || !ok || serving != officialID {
		return VisitCode{}, ErrNotOnDuty
	}
	v := VisitCode{Code: "v" + newCode()[1:], DeskID: deskID, OfficialID: officialID, ExpiresAt: now.Add(VisitTTL)}
	if err := db.QueryRow(ctx, `INSERT INTO visit_codes (code_hash, desk_id, official_id, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, visitHash(v.Code), deskID, officialID, now, v.ExpiresAt).Scan(&v.ID); err != nil {
		return VisitCode{}, err
	}
	return v, audit(ctx, db, &officialID, &officialID, "visit_code", v.ID, "issue", nil,
		map[string]any{"desk_id": deskID, "expires_at": v.ExpiresAt}, "")
}

// LookupVisit reads a per-visit code for its page: ErrVisitUnknown,
// ErrVisitUsed, ErrVisitExpired when it cannot rate (the code is returned
// all the same when known).
func LookupVisit(ctx context.Context, db store.DB, code string, now time.Time) (VisitCode, error) {
	return readVisit(ctx, db, code, now, "")
}

func readVisit(ctx context.Context, db store.DB, code string, now time.Time, lock string) (VisitCode, error) {
	v := VisitCode{Code: code}
	if !IsVisitCode(strings.TrimSpace(code)) {
		return v, ErrVisitUnknown
	}
	err := db.QueryRow(ctx, `SELECT id, desk_id, official_id, expires_at, used_at, coalesce(rating_id, 0) FROM visit_codes WHERE code_hash = $1`+lock,
		visitHash(code)).Scan(&v.ID, &v.DeskID, &v.OfficialID, &v.ExpiresAt, &v.UsedAt, &v.RatingID)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return v, ErrVisitUnknown
	case err != nil:
		return v, err
	case v.UsedAt != nil:
		return v, ErrVisitUsed
	case !now.Before(v.ExpiresAt):
		return v, ErrVisitExpired
	}
	return v, nil
}

// RateVisit records vote v given with a per-visit code: the code stands for
// the scan of the desk's sign, the rating is verified, and the code is used
// up (its row locked meanwhile, so two presses at once rate once). v's
// CodeID, OfficialID and Day are taken from the code. The same rater
// pressing again (a double tap) gets their rating back with Repeat set and
// nothing written. Errors: those of LookupVisit and of Rate.
func RateVisit(ctx context.Context, db store.DB, code string, v Vote, lim Limits) (Outcome, error) {
	vc, err := readVisit(ctx, db, code, v.Now, " FOR UPDATE")
	if errors.Is(err, ErrVisitUsed) && vc.RatingID != 0 && len(v.Citizen) > 0 {
		if mine, oerr := Owns(ctx, db, vc.RatingID, v.Citizen); oerr != nil || !mine {
			return Outcome{}, errors.Join(err, oerr)
		}
		r, lerr := LoadRating(ctx, db, vc.RatingID)
		if lerr != nil {
			return Outcome{}, lerr
		}
		return Outcome{Rating: r, Repeat: true}, nil
	}
	if err != nil {
		return Outcome{}, err
	}
	c, err := ActiveCode(ctx, db, vc.DeskID, v.Now)
	if err != nil {
		return Outcome{}, err
	}
	v.CodeID, v.OfficialID, v.Day = c.ID, vc.OfficialID, calendar.DateOf(v.Now)
	v.visit = &visit{id: vc.ID}
	return Rate(ctx, db, v, lim)
}

// crowdBurst flags the ratings of desk on v's day updated within the burst
// window — from network, or from anywhere when network is nil — when there
// are more than limit of them (out.Burst, out.NetworkBurst or out.DeskBurst).
func crowdBurst(ctx context.Context, db store.DB, v Vote, deskID int64, network []byte, limit int, lim Limits, out *Outcome) error {
	since := v.Now.Add(-lim.BurstWindow)
	const where = ` WHERE desk_id = $1 AND day = $2::date AND updated_at > $3 AND ($4::bytea IS NULL OR network = $4)`
	var n int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM citizen_ratings`+where, deskID, v.Day.String(), since, network).Scan(&n); err != nil {
		return err
	}
	if n <= limit {
		return nil
	}
	if _, err := db.Exec(ctx, `UPDATE citizen_ratings SET flagged = true, version = version + 1, updated_at = $5`+where+
		` AND NOT flagged AND (complaint IS NULL OR complaint = 'pending')`, deskID, v.Day.String(), since, network, v.Now); err != nil {
		return err
	}
	// The flagging moved updated_at to now: still within the window.
	rows, err := db.Query(ctx, `SELECT `+ratingCols+` FROM citizen_ratings`+where+` AND flagged ORDER BY id`,
		deskID, v.Day.String(), since, network)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanRating(rows)
		if err != nil {
			return err
		}
		out.Burst = append(out.Burst, r)
		if r.ID == out.Rating.ID {
			out.Rating = r
		}
	}
	out.Actions = n
	if network != nil {
		out.NetworkBurst, out.Network = true, network
	} else {
		out.DeskBurst = true
	}
	return rows.Err()
}
