package citizen

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/calendar"
	"evalbot/internal/store"
	"evalbot/internal/textnorm"
)

// Level is one of the four levels of the scale (mức độ hài lòng).
type Level string

// The scale, best first (DESIGN.md §3).
const (
	VerySatisfied Level = "very_satisfied" // rất hài lòng
	Satisfied     Level = "satisfied"      // hài lòng
	Neutral       Level = "neutral"        // bình thường
	Unsatisfied   Level = "unsatisfied"    // không hài lòng: a complaint the head confirms or dismisses
)

// Levels lists the scale in display order.
var Levels = [4]Level{VerySatisfied, Satisfied, Neutral, Unsatisfied}

// Index returns the level's position in Levels, or -1.
func (l Level) Index() int {
	for i, x := range Levels {
		if x == l {
			return i
		}
	}
	return -1
}

// Complaint states of an "unsatisfied" rating.
const (
	ComplaintPending   = "pending"
	ComplaintConfirmed = "confirmed"
	ComplaintDismissed = "dismissed"
)

// Comment states: asked right after the tap, then given or skipped.
const (
	CommentAsked   = "asked"
	CommentGiven   = "given"
	CommentSkipped = "skipped"
)

// Limits keep ratings from being gamed. Zero fields take DefaultLimits' values.
type Limits struct {
	// PerDay is how many desks one account may rate in a day (a second
	// rating of the same desk the same day replaces the first and does not count).
	PerDay int
	// BurstActions: more rating actions (new or replacing) than this from
	// one account within BurstWindow is a burst: that account's ratings of
	// the day are flagged to the head and not counted.
	BurstActions int
	BurstWindow  time.Duration
	// CardDays is how many days after the scan a rating card can still be used.
	CardDays int
	// CommentWindow is how long after the tap a text message is taken as the comment.
	CommentWindow time.Duration
	// MaxComment is the longest comment, in characters.
	MaxComment int
	// NetBurst: more ratings of one desk than this from one network (a web
	// client's IPv4 /24 or IPv6 /64) within BurstWindow is a burst: those
	// ratings are flagged to the head and not counted. A one-stop shop's
	// wifi is shared, so it is higher than BurstActions.
	NetBurst int
	// DeskBurst: more ratings of one desk than this within BurstWindow,
	// from anywhere, is a burst too (a counter serves one citizen at a
	// time: 20 in 10 minutes is not service).
	DeskBurst int
}

// DefaultLimits are the limits used unless configured otherwise.
var DefaultLimits = Limits{PerDay: 5, BurstActions: 4, BurstWindow: 10 * time.Minute, CardDays: 1,
	CommentWindow: 30 * time.Minute, MaxComment: 500, NetBurst: 8, DeskBurst: 20}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	if l.PerDay > 0 {
		d.PerDay = l.PerDay
	}
	if l.BurstActions > 0 {
		d.BurstActions = l.BurstActions
	}
	if l.BurstWindow > 0 {
		d.BurstWindow = l.BurstWindow
	}
	if l.CardDays > 0 {
		d.CardDays = l.CardDays
	}
	if l.CommentWindow > 0 {
		d.CommentWindow = l.CommentWindow
	}
	if l.MaxComment > 0 {
		d.MaxComment = l.MaxComment
	}
	if l.NetBurst > 0 {
		d.NetBurst = l.NetBurst
	}
	if l.DeskBurst > 0 {
		d.DeskBurst = l.DeskBurst
	}
	return d
}

// Rating is one citizen's rating of one desk on one day. It carries nothing
// that identifies the citizen.
type Rating struct {
	ID            int64
	DeskID        int64
	OfficialID    int64 // who served
	Day           calendar.Date
	Level         Level
	Comment       string
	CommentState  string
	CardMessageID int
	Flagged       bool
	Complaint     string          // "" unless Level is Unsatisfied
	CountedMonth  *calendar.Month // the month a confirmed complaint deducts from
	DecidedBy     *int64
	DismissReason string
	Version       int
	CreatedAt     time.Time
	UpdatedAt     time.Time
	Channel       string // ChannelTelegram or ChannelWeb: the face that took it
	Verified      bool   // given with a per-visit code (VisitCode)
}

// Channels a rating comes by.
const (
	ChannelTelegram = "telegram"
	ChannelWeb      = "web"
)

const ratingCols = `id, desk_id, official_id, day, level, coalesce(comment, ''), comment_state, coalesce(card_message_id, 0),
	flagged, coalesce(complaint, ''), counted_month, decided_by, coalesce(dismiss_reason, ''), version, created_at, updated_at,
	channel, verified`

func scanRating(row pgx.Row) (Rating, error) {
	var r Rating
	var day time.Time
	var counted *time.Time
	var level string
	err := row.Scan(&r.ID, &r.DeskID, &r.OfficialID, &day, &level, &r.Comment, &r.CommentState, &r.CardMessageID,
		&r.Flagged, &r.Complaint, &counted, &r.DecidedBy, &r.DismissReason, &r.Version, &r.CreatedAt, &r.UpdatedAt,
		&r.Channel, &r.Verified)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, ErrNotFound
	}
	if err != nil {
		return r, err
	}
	r.Day, r.Level = dateOf(day), Level(level)
	if counted != nil {
		m := dateOf(*counted).YearMonth()
		r.CountedMonth = &m
	}
	return r, nil
}

// LoadRating reads one rating; ErrNotFound when there is none.
func LoadRating(ctx context.Context, db store.DB, id int64) (Rating, error) {
	return scanRating(db.QueryRow(ctx, `SELECT `+ratingCols+` FROM citizen_ratings WHERE id = $1`, id))
}

func lockRating(ctx context.Context, db store.DB, id int64) (Rating, error) {
	return scanRating(db.QueryRow(ctx, `SELECT `+ratingCols+` FROM citizen_ratings WHERE id = $1 FOR UPDATE`, id))
}

// Vote is one tap on a rating card.
type Vote struct {
	CodeID     int64         // the scanned code
	OfficialID int64         // who the card showed
	Day        calendar.Date // the day of the scan
	Citizen    []byte        // Hash of the rater's Telegram id
	Rater      int64         // the rater's officials.id when on the roster, else 0
	Level      Level
	CardMsgID  int // the card's message id in the rater's chat
	Now        time.Time
	// Channel is the face that took the vote: ChannelTelegram ("" too) or
	// ChannelWeb (then Citizen is DeviceHash of the device cookie's id).
	Channel string
	// Network is NetworkHash of a web client's address (nil in chat): the
	// per-desk, per-network burst check.
	Network []byte

	visit *visit // set by RateVisit: the per-visit code, checked and locked
}

// Outcome is what Rate did.
type Outcome struct {
	Rating Rating
	// Previous is the rating of the same desk and day that this one replaced.
	Previous *Rating
	// Burst lists the account's ratings of the day when this action made a
	// burst (they are now flagged, this one included); nil otherwise.
	Burst []Rating
	// Actions counts the account's rating actions within the burst window
	// (for a network burst, the ratings of the desk from the network).
	Actions int
	// NetworkBurst says the burst is of one network on one desk, not of one
	// account; Network is then that network's keyed hash (NetworkHash).
	// DeskBurst says it is of one desk, from anywhere.
	NetworkBurst, DeskBurst bool
	Network                 []byte
	// Repeat: the same per-visit code pressed again by the same rater;
	// Rating is theirs and nothing was written (RateVisit).
	Repeat bool
}

// NewComplaint reports whether the outcome is a complaint to put before the
// head: an unflagged "unsatisfied" (each new version gets a new card; the
// buttons of an older one are then out of date).
func (o Outcome) NewComplaint() bool {
	return o.Rating.Level == Unsatisfied && !o.Rating.Flagged
}

// WithdrawnComplaint reports whether a complaint the head was told about is
// no longer one (the citizen changed the rating, or it was flagged).
func (o Outcome) WithdrawnComplaint() bool {
	p := o.Previous
	if p == nil || p.Level != Unsatisfied || p.Flagged || p.Complaint != ComplaintPending {
		return false
	}
	return o.Rating.Level != Unsatisfied || o.Rating.Flagged
}

// advisoryKey serializes one account's rating actions.
func advisoryKey(citizen []byte) int64 {
	return int64(binary.BigEndian.Uint64(citizen[:8]))
}

// Rate records a vote: one rating per citizen per desk per day, a later one
// replacing the earlier; at most PerDay desks a day; never an official's
// own desk; bursts flagged and not counted. The errors say why a vote was
// refused; nothing is written then.
func Rate(ctx context.Context, db store.DB, v Vote, lim Limits) (Outcome, error) {
	lim = lim.withDefaults()
	var out Outcome
	if v.Level.Index() < 0 || len(v.Citizen) < 8 {
		return out, ErrStale
	}
	// The card's code id, official and day come from callback data: the
	// account must have scanned this code on that day (RecordScan), so a
	// forged id of a desk never visited rates nothing.
	// A per-visit code (RateVisit) stands for the scan.
	scanned := v.visit != nil
	if !scanned {
		if err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM citizen_scans WHERE citizen = $1 AND code_id = $2 AND day = $3::date)`,
			v.Citizen, v.CodeID, v.Day.String()).Scan(&scanned); err != nil {
			return out, err
		}
	}
	if !scanned {
		return out, ErrNotScanned
	}
	channel := v.Channel
	if channel == "" {
		channel = ChannelTelegram
	}
	code, err := CodeByID(ctx, db, v.CodeID)
	if err != nil {
		return out, err
	}
	if code.Retired {
		return out, ErrCodeRetired
	}
	desk, err := DeskByID(ctx, db, code.DeskID)
	if err != nil {
		return out, err
	}
	if !desk.Active {
		return out, ErrDeskInactive
	}
	today := calendar.DateOf(v.Now)
	if v.Day.After(today) || today.Sub(v.Day) > lim.CardDays {
		return out, ErrCardExpired
	}
	serving, ok, err := ServingOn(ctx, db, desk.ID, v.Day)
	if err != nil {
		return out, err
	}
	if !ok {
		return out, ErrNobody
	}
	if v.Rater != 0 && (v.Rater == serving || desk.OfficialID != nil && *desk.OfficialID == v.Rater) {
		return out, ErrOwnDesk
	}
	if serving != v.OfficialID {
		return out, ErrCardChanged
	}
	if _, err := db.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, advisoryKey(v.Citizen)); err != nil {
		return out, err
	}
	prev, err := scanRating(db.QueryRow(ctx, `SELECT `+ratingCols+` FROM citizen_ratings
		WHERE desk_id = $1 AND citizen = $2 AND day = $3::date FOR UPDATE`, desk.ID, v.Citizen, v.Day.String()))
	switch {
	case err == nil:
		if prev.Complaint == ComplaintConfirmed || prev.Complaint == ComplaintDismissed {
			return out, ErrDecided
		}
		out.Previous = &prev
	case errors.Is(err, ErrNotFound):
		var n int
		if err := db.QueryRow(ctx, `SELECT count(*) FROM citizen_ratings WHERE citizen = $1 AND day = $2::date`,
			v.Citizen, v.Day.String()).Scan(&n); err != nil {
			return out, err
		}
		if n >= lim.PerDay {
			return out, ErrDailyCap
		}
	default:
		return out, err
	}
	// Burst detection: every action counts, replacing ones too.
	if _, err := db.Exec(ctx, `DELETE FROM citizen_actions WHERE citizen = $1 AND at < $2`, v.Citizen, v.Now.Add(-24*time.Hour)); err != nil {
		return out, err
	}
	if _, err := db.Exec(ctx, `INSERT INTO citizen_actions (citizen, at) VALUES ($1, $2)`, v.Citizen, v.Now); err != nil {
		return out, err
	}
	var flaggedToday bool
	if err := db.QueryRow(ctx, `SELECT count(*) FILTER (WHERE at > $2),
			EXISTS (SELECT 1 FROM citizen_ratings WHERE citizen = $1 AND day = $3::date AND flagged)
		FROM citizen_actions WHERE citizen = $1`, v.Citizen, v.Now.Add(-lim.BurstWindow), v.Day.String()).
		Scan(&out.Actions, &flaggedToday); err != nil {
		return out, err
	}
	burst := out.Actions > lim.BurstActions && !flaggedToday
	flag := burst || flaggedToday
	var complaint any
	if v.Level == Unsatisfied {
		complaint = ComplaintPending
	}
	var card any
	if v.CardMsgID != 0 {
		card = v.CardMsgID
	}
	if out.Previous == nil {
		out.Rating, err = scanRating(db.QueryRow(ctx, `INSERT INTO citizen_ratings
			(desk_id, official_id, citizen, day, level, comment_state, card_message_id, flagged, complaint, created_at, updated_at,
			 channel, verified, network)
			VALUES ($1, $2, $3, $4::date, $5, 'asked', $6, $7, $8, $9, $9, $10, $11, $12) RETURNING `+ratingCols,
			desk.ID, serving, v.Citizen, v.Day.String(), string(v.Level), card, flag, complaint, v.Now,
			channel, v.visit != nil, v.Network))
	} else {
		// The later rating replaces the earlier one whole: its face, whether
		// a visit code verified it, and its network.
		out.Rating, err = scanRating(db.QueryRow(ctx, `UPDATE citizen_ratings SET official_id = $2, level = $3,
			comment = NULL, comment_state = 'asked', card_message_id = $4, flagged = flagged OR $5, complaint = $6,
			version = version + 1, updated_at = $7, channel = $8, verified = $9, network = $10 WHERE id = $1 RETURNING `+ratingCols,
			prev.ID, serving, string(v.Level), card, flag, complaint, v.Now, channel, v.visit != nil, v.Network))
	}
	if err != nil {
		return out, err
	}
	if v.visit != nil {
		if _, err := db.Exec(ctx, `UPDATE visit_codes SET used_at = $2, rating_id = $3 WHERE id = $1`,
			v.visit.id, v.Now, out.Rating.ID); err != nil {
			return out, err
		}
	}
	if !burst {
		// Many raters on one desk: from anywhere, then from one network.
		if err := crowdBurst(ctx, db, v, desk.ID, nil, lim.DeskBurst, lim, &out); err != nil || len(out.Burst) > 0 || v.Network == nil {
			return out, err
		}
		return out, crowdBurst(ctx, db, v, desk.ID, v.Network, lim.NetBurst, lim, &out)
	}
	if burst {
		if _, err := db.Exec(ctx, `UPDATE citizen_ratings SET flagged = true, version = version + 1, updated_at = $3
			WHERE citizen = $1 AND day = $2::date AND NOT flagged AND (complaint IS NULL OR complaint = 'pending')`,
			v.Citizen, v.Day.String(), v.Now); err != nil {
			return out, err
		}
		rows, err := db.Query(ctx, `SELECT `+ratingCols+` FROM citizen_ratings WHERE citizen = $1 AND day = $2::date AND flagged ORDER BY id`,
			v.Citizen, v.Day.String())
		if err != nil {
			return out, err
		}
		defer rows.Close()
		for rows.Next() {
			r, err := scanRating(rows)
			if err != nil {
				return out, err
			}
			out.Burst = append(out.Burst, r)
			if r.ID == out.Rating.ID {
				out.Rating = r
			}
		}
		if err := rows.Err(); err != nil {
			return out, err
		}
	}
	return out, nil
}

// RecordScan records that an account scanned code (a current one) at now:
// what Rate requires of a vote on that code that day. Scans of the account
// older than the card's life are pruned.
func RecordScan(ctx context.Context, db store.DB, citizen []byte, code Code, now time.Time, lim Limits) error {
	lim = lim.withDefaults()
	if code.Retired || len(citizen) < 8 {
		return ErrCodeRetired
	}
	today := calendar.DateOf(now)
	if _, err := db.Exec(ctx, `DELETE FROM citizen_scans WHERE citizen = $1 AND day < $2::date`,
		citizen, today.AddDays(-lim.CardDays-1).String()); err != nil {
		return err
	}
	_, err := db.Exec(ctx, `INSERT INTO citizen_scans (citizen, code_id, day, scanned_at) VALUES ($1, $2, $3::date, $4)
		ON CONFLICT (citizen, code_id, day) DO UPDATE SET scanned_at = excluded.scanned_at`, citizen, code.ID, today.String(), now)
	return err
}

// OpenComment returns the account's newest rating still waiting for a
// comment (asked within the comment window); ErrNotFound when there is none.
func OpenComment(ctx context.Context, db store.DB, citizen []byte, now time.Time, lim Limits) (Rating, error) {
	lim = lim.withDefaults()
	return scanRating(db.QueryRow(ctx, `SELECT `+ratingCols+` FROM citizen_ratings
		WHERE citizen = $1 AND comment_state = 'asked' AND updated_at > $2 AND updated_at <= $3
		ORDER BY updated_at DESC, id DESC LIMIT 1 FOR UPDATE`, citizen, now.Add(-lim.CommentWindow), now))
}

// HasRated reports whether the account rated anything since a given time.
func HasRated(ctx context.Context, db store.DB, citizen []byte, since time.Time) (bool, error) {
	var ok bool
	err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM citizen_ratings WHERE citizen = $1 AND updated_at >= $2)`, citizen, since).Scan(&ok)
	return ok, err
}

// CleanComment cleans a comment as every typed text is (textnorm.Field)
// and checks it: ErrCommentEmpty, ErrCommentLong.
func CleanComment(text string, lim Limits) (string, error) {
	lim = lim.withDefaults()
	text, err := textnorm.Field(text, lim.MaxComment)
	switch {
	case errors.Is(err, textnorm.ErrEmpty):
		return "", ErrCommentEmpty
	case errors.Is(err, textnorm.ErrTooLong):
		return "", ErrCommentLong
	}
	return text, nil
}

// SetComment stores the citizen's comment on their rating id (which must be
// theirs and still waiting for one).
func SetComment(ctx context.Context, db store.DB, id int64, citizen []byte, text string, now time.Time, lim Limits) (Rating, error) {
	text, err := CleanComment(text, lim)
	if err != nil {
		return Rating{}, err
	}
	r, err := scanRating(db.QueryRow(ctx, `UPDATE citizen_ratings SET comment = $3, comment_state = 'given',
		version = version + 1, updated_at = $4 WHERE id = $1 AND citizen = $2 AND comment_state = 'asked' RETURNING `+ratingCols,
		id, citizen, text, now))
	if errors.Is(err, ErrNotFound) {
		return r, ErrStale
	}
	return r, err
}

// SkipComment closes the comment step of the citizen's rating id. ErrStale
// when it is not theirs or no longer waits for a comment.
func SkipComment(ctx context.Context, db store.DB, id int64, citizen []byte, now time.Time) (Rating, error) {
	r, err := scanRating(db.QueryRow(ctx, `UPDATE citizen_ratings SET comment_state = 'skipped', updated_at = $3
		WHERE id = $1 AND citizen = $2 AND comment_state = 'asked' RETURNING `+ratingCols, id, citizen, now))
	if errors.Is(err, ErrNotFound) {
		return r, ErrStale
	}
	return r, err
}

// Owns reports whether rating id is the citizen's.
func Owns(ctx context.Context, db store.DB, id int64, citizen []byte) (bool, error) {
	var ok bool
	err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM citizen_ratings WHERE id = $1 AND citizen = $2)`, id, citizen).Scan(&ok)
	return ok, err
}

// CheckReason: a dismissal needs a real reason, at least three letters.
func CheckReason(reason string) (string, error) {
	reason = textnorm.Clean(reason)
	letters := 0
	for _, r := range reason {
		if unicode.IsLetter(r) {
			letters++
		}
	}
	if letters < 3 {
		return "", ErrNeedReason
	}
	if utf8.RuneCountInString(reason) > 500 {
		reason = string([]rune(reason)[:500])
	}
	return reason, nil
}

// decidable locks a pending complaint at version for a decision.
func decidable(ctx context.Context, db store.DB, id int64, version int) (Rating, error) {
	r, err := lockRating(ctx, db, id)
	if err != nil {
		return r, err
	}
	if r.Flagged {
		return r, ErrFlagged
	}
	if r.Version != version || r.Complaint != ComplaintPending || r.Level != Unsatisfied {
		return r, ErrStale
	}
	return r, nil
}

// Confirm confirms a complaint: it deducts points by the framework's policy
// from the grade of month countIn (the rating's month, or a later one when
// that month's grade was already approved; the caller decides).
func Confirm(ctx context.Context, db store.DB, id int64, version int, actor int64, countIn calendar.Month, now time.Time) (Rating, error) {
	r, err := decidable(ctx, db, id, version)
	if err != nil {
		return r, err
	}
	if _, err := db.Exec(ctx, `UPDATE citizen_ratings SET complaint = 'confirmed', counted_month = $2::date,
		decided_by = $3, decided_at = $4, version = version + 1 WHERE id = $1`, id, countIn.First().String(), actor, now); err != nil {
		return r, err
	}
	if err := audit(ctx, db, &actor, &r.OfficialID, "citizen_rating", id, "confirm",
		map[string]any{"complaint": r.Complaint}, map[string]any{"complaint": ComplaintConfirmed, "counted_month": countIn.String()}, ""); err != nil {
		return r, err
	}
	return LoadRating(ctx, db, id)
}

// Dismiss dismisses a complaint with a reason (ErrNeedReason without one):
// it does not count.
func Dismiss(ctx context.Context, db store.DB, id int64, version int, actor int64, reason string, now time.Time) (Rating, error) {
	reason, err := CheckReason(reason)
	if err != nil {
		return Rating{}, err
	}
	r, err := decidable(ctx, db, id, version)
	if err != nil {
		return r, err
	}
	if _, err := db.Exec(ctx, `UPDATE citizen_ratings SET complaint = 'dismissed', dismiss_reason = $2,
		decided_by = $3, decided_at = $4, version = version + 1 WHERE id = $1`, id, reason, actor, now); err != nil {
		return r, err
	}
	if err := audit(ctx, db, &actor, &r.OfficialID, "citizen_rating", id, "dismiss",
		map[string]any{"complaint": r.Complaint}, map[string]any{"complaint": ComplaintDismissed}, reason); err != nil {
		return r, err
	}
	return LoadRating(ctx, db, id)
}

func jsonArg(v any) any {
	if v == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return b
}
