// Package signin lets staff (cán bộ) sign in to the web face without
// Telegram's help: a one-time sign-in link (đường dẫn đăng nhập) opens a
// session kept in PostgreSQL. Only SHA-256 hashes of the link token and of
// the session id are stored; neither ever goes to a log. Every sign-in,
// refused sign-in and sign-out is written to the audit log in the
// transaction that does it.
package signin

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"evalbot/internal/evaluation"
	"evalbot/internal/store"
)

const (
	// IdleTimeout ends a session after this long without a request: an
	// office computer left signed in is closed within half an hour.
	IdleTimeout = 30 * time.Minute
	// AbsoluteTimeout ends a session this long after it opened, however
	// busy: one working day, so a stolen cookie is worth a day at most.
	AbsoluteTimeout = 12 * time.Hour
	// DefaultLinkTTL is how long a sign-in link stays valid when the
	// caller does not say: long enough to pass it on by phone or paper.
	DefaultLinkTTL = 15 * time.Minute
	// MaxLinkTTL bounds a link's validity (a week).
	MaxLinkTTL = 7 * 24 * time.Hour
)

// Errors of SignIn and Session. The web face shows each as a page in the
// person's language.
var (
	ErrUnknownLink = errors.New("signin: unknown link")
	ErrLinkExpired = errors.New("signin: link expired")
	ErrLinkUsed    = errors.New("signin: link already used")
	ErrInactive    = errors.New("signin: official no longer on the roster")
	ErrNoSession   = errors.New("signin: no live session")
	ErrBadTTL      = errors.New("signin: link ttl must be between 1 minute and 7 days")
)

// PublicURLError: EVALBOT_PUBLIC_URL is set to Value, which is not a web
// address with http or https and a host («localhost:8081», «danhgia.gov.vn»):
// every link printed under it would be broken.
type PublicURLError struct{ Value string }

func (e *PublicURLError) Error() string { return "signin: EVALBOT_PUBLIC_URL is not an http(s) URL" }

// CheckPublicURL reports a set EVALBOT_PUBLIC_URL that is not an http(s)
// URL with a host (*PublicURLError); unset is fine (the development default).
func CheckPublicURL() error {
	v := strings.TrimSpace(os.Getenv("EVALBOT_PUBLIC_URL"))
	if v == "" {
		return nil
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return &PublicURLError{Value: v}
	}
	return nil
}

// PublicURL is the web face's public base URL from EVALBOT_PUBLIC_URL,
// without a trailing slash; http://localhost:8081 when unset.
func PublicURL() string {
	u := strings.TrimRight(strings.TrimSpace(os.Getenv("EVALBOT_PUBLIC_URL")), "/")
	if u == "" {
		return "http://localhost:8081"
	}
	return u
}

// LinkURL is the sign-in link for token under base: base + "/signin/" + token.
func LinkURL(base, token string) string {
	return strings.TrimRight(base, "/") + "/signin/" + token
}

// NewSignInLink issues a link for an active official, valid for ttl from
// now, under PublicURL(). For the `evalbot weblink` command and the bot's
// /web command. ErrInactive for an official who left, ErrBadTTL for a ttl
// outside 1 minute … 7 days.
func NewSignInLink(ctx context.Context, db store.DB, officialID int64, ttl time.Duration) (string, error) {
	token, _, err := Issue(ctx, db, officialID, ttl, time.Now())
	if err != nil {
		return "", err
	}
	return LinkURL(PublicURL(), token), nil
}

// Issue stores a new sign-in token for officialID valid until now+ttl and
// returns it (43 characters of base64url) with its expiry. The link is
// audited as "web_link_issued" (the token is not).
func Issue(ctx context.Context, db store.DB, officialID int64, ttl time.Duration, now time.Time) (string, time.Time, error) {
	if ttl < time.Minute || ttl > MaxLinkTTL {
		return "", time.Time{}, ErrBadTTL
	}
	var active bool
	err := db.QueryRow(ctx, `SELECT active FROM officials WHERE id = $1`, officialID).Scan(&active)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && !active) {
		return "", time.Time{}, ErrInactive
	}
	if err != nil {
		return "", time.Time{}, err
	}
	token, err := randomID()
	if err != nil {
		return "", time.Time{}, err
	}
	expires := now.Add(ttl)
	if _, err := db.Exec(ctx, `INSERT INTO web_signin_tokens (token_hash, official_id, expires_at, created_at) VALUES ($1, $2, $3, $4)`,
		hash(token), officialID, expires, now); err != nil {
		return "", time.Time{}, err
	}
	if err := evaluation.Audit(ctx, db, evaluation.AuditEntry{Subject: officialID, Entity: "web_session", Action: "web_link_issued",
		After: map[string]any{"expires_at": expires}}); err != nil {
		return "", time.Time{}, err
	}
	return token, expires, nil
}

// Session is a signed-in person: the cookie value (the session id, 43
// characters of base64url; only its hash is stored) and whose it is.
type Session struct {
	ID         string
	OfficialID int64
	ExpiresAt  time.Time // the absolute expiry
}

// SignIn consumes token and opens a session, in one transaction: a link
// works once, even when two tabs post it at the same moment (the row is
// locked). ErrUnknownLink, ErrLinkExpired, ErrLinkUsed or ErrInactive when
// it cannot; an expired or used link of a known person is audited as
// "web_signin_refused" with the reason.
func SignIn(ctx context.Context, pool *pgxpool.Pool, token string, now time.Time) (Session, error) {
	var s Session
	var refused error
	err := store.InTx(ctx, pool, func(tx pgx.Tx) error {
		var official int64
		var expires time.Time
		var used *time.Time
		var active bool
		err := tx.QueryRow(ctx, `SELECT t.official_id, t.expires_at, t.used_at, o.active
			  FROM web_signin_tokens t JOIN officials o ON o.id = t.official_id
			 WHERE t.token_hash = $1 FOR UPDATE OF t`, hash(token)).Scan(&official, &expires, &used, &active)
		if errors.Is(err, pgx.ErrNoRows) {
			refused = ErrUnknownLink
			return nil
		}
		if err != nil {
			return err
		}
		switch {
		case used != nil:
			refused = ErrLinkUsed
		case !now.Before(expires):
			refused = ErrLinkExpired
		case !active:
			refused = ErrInactive
		}
		if refused != nil {
			reason := map[error]string{ErrLinkUsed: "used", ErrLinkExpired: "expired", ErrInactive: "inactive"}[refused]
			return evaluation.Audit(ctx, tx, evaluation.AuditEntry{Subject: official, Entity: "web_session",
				Action: "web_signin_refused", Reason: reason})
		}
		if _, err := tx.Exec(ctx, `UPDATE web_signin_tokens SET used_at = $2 WHERE token_hash = $1`, hash(token), now); err != nil {
			return err
		}
		s, err = openSession(ctx, tx, official, now, "")
		return err
	})
	if err != nil {
		return Session{}, err
	}
	if refused != nil {
		return Session{}, refused
	}
	return s, nil
}

// openSession opens a session for official at now in tx and audits
// "web_signin" with reason how ("" for a sign-in link, "mini_app" for
// Telegram's initData): the one session mechanism of every way in.
func openSession(ctx context.Context, tx pgx.Tx, official int64, now time.Time, how string) (Session, error) {
	id, err := randomID()
	if err != nil {
		return Session{}, err
	}
	s := Session{ID: id, OfficialID: official, ExpiresAt: now.Add(AbsoluteTimeout)}
	if _, err := tx.Exec(ctx, `INSERT INTO web_sessions (id_hash, official_id, created_at, last_seen_at, expires_at)
		VALUES ($1, $2, $3, $3, $4)`, hash(id), official, now, s.ExpiresAt); err != nil {
		return Session{}, err
	}
	return s, evaluation.Audit(ctx, tx, evaluation.AuditEntry{Actor: &official, Subject: official, Entity: "web_session",
		Action: "web_signin", Reason: how})
}

// Touch checks a session cookie value and marks the session seen at now: it
// returns the official when the session is open, not idle for IdleTimeout,
// not past AbsoluteTimeout, and the official is still active; ErrNoSession
// otherwise (a forged, old or signed-out cookie). One statement.
func Touch(ctx context.Context, db store.DB, sessionID string, now time.Time) (int64, error) {
	if !wellFormed(sessionID) {
		return 0, ErrNoSession
	}
	var official int64
	err := db.QueryRow(ctx, `UPDATE web_sessions s SET last_seen_at = $2
		  FROM officials o
		 WHERE s.id_hash = $1 AND o.id = s.official_id AND o.active
		   AND s.ended_at IS NULL AND s.expires_at > $2 AND s.last_seen_at > $3
		RETURNING s.official_id`, hash(sessionID), now, now.Add(-IdleTimeout)).Scan(&official)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, ErrNoSession
	}
	return official, err
}

// SignOut ends the session and audits "web_signout"; a session already
// ended or unknown is no error (a double tap signs out once).
func SignOut(ctx context.Context, pool *pgxpool.Pool, sessionID string, now time.Time) error {
	if !wellFormed(sessionID) {
		return nil
	}
	return store.InTx(ctx, pool, func(tx pgx.Tx) error {
		var official int64
		err := tx.QueryRow(ctx, `UPDATE web_sessions SET ended_at = $2 WHERE id_hash = $1 AND ended_at IS NULL
			RETURNING official_id`, hash(sessionID), now).Scan(&official)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		return evaluation.Audit(ctx, tx, evaluation.AuditEntry{Actor: &official, Subject: official, Entity: "web_session",
			Action: "web_signout"})
	})
}

// LinkLanguage is the language (vi or en) of the person a link was issued
// for, known even when the link is used or expired, so its page speaks
// their language; ErrUnknownLink for a link never issued.
func LinkLanguage(ctx context.Context, db store.DB, token string) (string, error) {
	var lang string
	err := db.QueryRow(ctx, `SELECT o.language FROM web_signin_tokens t JOIN officials o ON o.id = t.official_id
		WHERE t.token_hash = $1`, hash(token)).Scan(&lang)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", ErrUnknownLink
	}
	return lang, err
}

// Prune deletes links that expired and sessions that ended (signed out,
// idle or past their absolute expiry) more than a day before now; the audit
// log keeps their history. It returns how many rows went.
func Prune(ctx context.Context, db store.DB, now time.Time) (int64, error) {
	cut := now.Add(-24 * time.Hour)
	t, err := db.Exec(ctx, `DELETE FROM web_signin_tokens WHERE expires_at < $1`, cut)
	if err != nil {
		return 0, err
	}
	s, err := db.Exec(ctx, `DELETE FROM web_sessions WHERE ended_at < $1 OR expires_at < $1 OR last_seen_at < $2`,
		cut, cut.Add(-IdleTimeout))
	if err != nil {
		return 0, err
	}
	return t.RowsAffected() + s.RowsAffected(), nil
}

// WellFormedToken reports whether s has the shape of a token or session id
// (43 characters of base64url), so that garbage is refused before a query.
func WellFormedToken(s string) bool { return wellFormed(s) }

func wellFormed(s string) bool {
	if len(s) != 43 {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil
}

func randomID() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func hash(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}
