package roster

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/store"
)

// Invite — lời mời: a one-time deep link that binds an official's Telegram
// account. Token is shown once (it is sent or printed, never stored: the
// database keeps only its SHA-256); it is "i" followed by 32 characters of
// base64url, within Telegram's deep-link payload rules (≤ 64 characters of
// A-Za-z0-9_-).
type Invite struct {
	OfficialID   int64
	EmployeeCode string
	FullName     string
	Token        string
	ExpiresAt    time.Time
}

// tokenPrefix marks an invite payload among other /start payloads.
const tokenPrefix = "i"

func newToken() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return tokenPrefix + base64.RawURLEncoding.EncodeToString(b), nil
}

func tokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// IsInviteToken reports whether a /start payload has the shape of an invite
// token (it may still be unknown or expired).
func IsInviteToken(payload string) bool {
	if len(payload) != len(tokenPrefix)+32 || payload[:len(tokenPrefix)] != tokenPrefix {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(payload[len(tokenPrefix):])
	return err == nil
}

// DeepLink returns the t.me link that opens the bot with the token as the
// /start payload: "https://t.me/<bot>?start=<token>". A leading "@" on the
// bot's username is dropped.
func DeepLink(botUsername, token string) string {
	if len(botUsername) > 0 && botUsername[0] == '@' {
		botUsername = botUsername[1:]
	}
	return "https://t.me/" + botUsername + "?start=" + token
}

// Bounds of an invite's life (CreateInvites): long enough to reach a person
// who reads their messages once a day, short enough that a forwarded link
// does not stay a way in for months.
const (
	MinInviteTTL = time.Hour
	MaxInviteTTL = 30 * 24 * time.Hour
)

// ErrInviteTTL: an invite's life outside MinInviteTTL–MaxInviteTTL.
var ErrInviteTTL = errors.New("roster: invite ttl must be between 1 hour and 30 days")

// CreateInvites issues one invite per official, valid for ttl from now
// (MinInviteTTL–MaxInviteTTL, else ErrInviteTTL). With
// officialIDs nil it invites every active official without a Telegram binding
// (ordered by unit code, then employee code); with ids it invites exactly
// those (a bound official may be invited again, to move to a new Telegram
// account), failing with ErrNotFound or ErrInactive for an id that is not an
// active official. Earlier invites stay valid until they expire.
func CreateInvites(ctx context.Context, db store.DB, officialIDs []int64, ttl time.Duration, now time.Time) ([]Invite, error) {
	if ttl < MinInviteTTL || ttl > MaxInviteTTL {
		return nil, ErrInviteTTL
	}
	var rows pgx.Rows
	var err error
	if officialIDs == nil {
		rows, err = db.Query(ctx, `SELECT o.id, o.employee_code, o.full_name, o.active FROM officials o
			JOIN units u ON u.id = o.unit_id
			WHERE o.active AND o.telegram_user_id IS NULL ORDER BY u.code, o.employee_code`)
	} else {
		rows, err = db.Query(ctx, `SELECT o.id, o.employee_code, o.full_name, o.active
			FROM unnest($1::bigint[]) WITH ORDINALITY AS v(id, n) JOIN officials o ON o.id = v.id ORDER BY v.n`,
			officialIDs)
	}
	if err != nil {
		return nil, err
	}
	var out []Invite
	found := map[int64]bool{}
	for rows.Next() {
		var in Invite
		var active bool
		if err := rows.Scan(&in.OfficialID, &in.EmployeeCode, &in.FullName, &active); err != nil {
			rows.Close()
			return nil, err
		}
		if !active {
			rows.Close()
			return nil, fmt.Errorf("official %d: %w", in.OfficialID, ErrInactive)
		}
		if found[in.OfficialID] {
			continue
		}
		found[in.OfficialID] = true
		out = append(out, in)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, id := range officialIDs {
		if !found[id] {
			return nil, fmt.Errorf("official %d: %w", id, ErrNotFound)
		}
	}
	if len(out) == 0 {
		return nil, nil
	}
	expires := now.Add(ttl)
	hashes, ids := make([][]byte, len(out)), make([]int64, len(out))
	for i := range out {
		if out[i].Token, err = newToken(); err != nil {
			return nil, err
		}
		out[i].ExpiresAt = expires
		hashes[i], ids[i] = tokenHash(out[i].Token), out[i].OfficialID
	}
	if _, err := db.Exec(ctx, `INSERT INTO invites (token_hash, official_id, expires_at, created_at)
		SELECT h, id, $3, $4 FROM unnest($1::bytea[], $2::bigint[]) AS v(h, id)`, hashes, ids, expires, now); err != nil {
		return nil, err
	}
	return out, nil
}

// Redeem uses an invite token (the /start payload) for a Telegram user: it
// marks the invite used and binds the official's telegram_user_id and chat_id,
// with reachable=true, and writes an audit_log row (entity 'official', action
// 'bind'). Run it in the transaction of the update that carried the token.
// Errors: ErrInviteUnknown, ErrInviteExpired, ErrInviteUsed (redeemed by a
// different account — the same account redeeming again gets the official id
// and nil, so a repeated /start is harmless), ErrAccountBound (this Telegram
// account already belongs to another active official), ErrInactive. A valid
// invite for an official bound to another account moves the binding to this
// one: the invite is the organization's word.
func Redeem(ctx context.Context, tx store.DB, token string, telegramUserID, chatID int64, now time.Time) (officialID int64, err error) {
	if !IsInviteToken(token) {
		return 0, ErrInviteUnknown
	}
	var expires time.Time
	var used *time.Time
	err = tx.QueryRow(ctx, `SELECT official_id, expires_at, used_at FROM invites WHERE token_hash = $1 FOR UPDATE`,
		tokenHash(token)).Scan(&officialID, &expires, &used)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, ErrInviteUnknown
	}
	if err != nil {
		return 0, err
	}
	var active bool
	var bound *int64
	if err := tx.QueryRow(ctx, `SELECT active, telegram_user_id FROM officials WHERE id = $1 FOR UPDATE`,
		officialID).Scan(&active, &bound); err != nil {
		return 0, err
	}
	if !active {
		return 0, ErrInactive
	}
	if used != nil {
		if bound != nil && *bound == telegramUserID {
			_, err := tx.Exec(ctx, `UPDATE officials SET chat_id = $2, reachable = true WHERE id = $1
				AND (chat_id IS DISTINCT FROM $2 OR NOT reachable)`, officialID, chatID)
			return officialID, err
		}
		return 0, ErrInviteUsed
	}
	if !now.Before(expires) {
		return 0, ErrInviteExpired
	}
	if err := bind(ctx, tx, officialID, bound, telegramUserID, chatID); err != nil {
		return 0, err
	}
	if _, err := tx.Exec(ctx, `UPDATE invites SET used_at = $2 WHERE token_hash = $1`, tokenHash(token), now); err != nil {
		return 0, err
	}
	return officialID, nil
}

// BindByPhone binds a Telegram account to the active official with a phone
// number, for the "share my phone number" button. The caller must pass only a
// contact the user shared of themselves (message.contact.user_id equal to the
// sender's id), or anyone could claim anyone. phone may be in any form
// NormalizePhone accepts ("84912000101" as Telegram sends it). Binding again
// to the same account is harmless. Errors: ErrInvalidPhone, ErrPhoneUnknown,
// ErrPhoneAmbiguous, ErrAlreadyBoundToOther (that official is bound to a
// different Telegram account: they need an invite), ErrAccountBound.
func BindByPhone(ctx context.Context, tx store.DB, phoneE164 string, telegramUserID, chatID int64) (officialID int64, err error) {
	phone, err := NormalizePhone(phoneE164)
	if err != nil {
		return 0, err
	}
	rows, err := tx.Query(ctx, `SELECT id, telegram_user_id FROM officials WHERE phone = $1 AND active
		ORDER BY id LIMIT 2 FOR UPDATE`, phone)
	if err != nil {
		return 0, err
	}
	var n int
	var bound *int64
	for rows.Next() {
		n++
		if err := rows.Scan(&officialID, &bound); err != nil {
			rows.Close()
			return 0, err
		}
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	switch {
	case n == 0:
		return 0, ErrPhoneUnknown
	case n > 1:
		return 0, ErrPhoneAmbiguous
	case bound != nil && *bound == telegramUserID:
		_, err := tx.Exec(ctx, `UPDATE officials SET chat_id = $2, reachable = true WHERE id = $1
			AND (chat_id IS DISTINCT FROM $2 OR NOT reachable)`, officialID, chatID)
		return officialID, err
	case bound != nil:
		return 0, ErrAlreadyBoundToOther
	}
	if err := bind(ctx, tx, officialID, nil, telegramUserID, chatID); err != nil {
		return 0, err
	}
	return officialID, nil
}

// bind sets an official's Telegram account. The account must not belong to
// another active official; an inactive one (who left) lets it go. prev is the
// official's current account, for the audit row; when it is another account,
// the official's open web sessions (signin) end.
func bind(ctx context.Context, tx store.DB, officialID int64, prev *int64, telegramUserID, chatID int64) error {
	var otherID int64
	var otherActive bool
	err := tx.QueryRow(ctx, `SELECT id, active FROM officials WHERE telegram_user_id = $1 AND id <> $2 FOR UPDATE`,
		telegramUserID, officialID).Scan(&otherID, &otherActive)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
	case err != nil:
		return err
	case otherActive:
		return ErrAccountBound
	default:
		if _, err := tx.Exec(ctx, `UPDATE officials SET telegram_user_id = NULL, chat_id = NULL, updated_at = now()
			WHERE id = $1`, otherID); err != nil {
			return err
		}
		if err := auditBind(ctx, tx, officialID, otherID, "unbind", &telegramUserID, nil); err != nil {
			return err
		}
	}
	_, err = tx.Exec(ctx, `UPDATE officials SET telegram_user_id = $2, chat_id = $3, reachable = true, updated_at = now()
		WHERE id = $1`, officialID, telegramUserID, chatID)
	if store.IsUniqueViolation(err) {
		return ErrAccountBound // bound by a concurrent transaction
	}
	if err != nil {
		return err
	}
	if prev != nil && *prev != telegramUserID {
		// The account that left may be a lost or stolen phone, whose
		// Telegram keeps the Mini App's session cookie (internal/signin):
		// every web session the person had open ends with the binding.
		if _, err := tx.Exec(ctx, `UPDATE web_sessions SET ended_at = now() WHERE official_id = $1 AND ended_at IS NULL`,
			officialID); err != nil {
			return err
		}
	}
	return auditBind(ctx, tx, officialID, officialID, "bind", prev, &telegramUserID)
}

// auditBind records a change of subject's Telegram binding made by actor's
// redemption or phone share.
func auditBind(ctx context.Context, tx store.DB, actor, subject int64, action string, before, after *int64) error {
	j := func(v *int64) *string {
		if v == nil {
			return nil
		}
		s := fmt.Sprintf(`{"telegram_user_id": %d}`, *v)
		return &s
	}
	_, err := tx.Exec(ctx, `INSERT INTO audit_log (actor_id, subject_id, entity, entity_id, action, before, after, reason)
		VALUES ($1, $2, 'official', $2, $3, $4::jsonb, $5::jsonb, 'telegram binding')`,
		actor, subject, action, j(before), j(after))
	return err
}
