// Package apikeys holds the use cases of the task systems' API keys (khóa
// API của hệ thống quản lý văn bản, giao việc): an operator creates one per
// external system, scoped to a unit subtree, and revokes it; every request of
// the API authenticates by it (Authenticate) and may touch only officials
// and units of its subtree (Covers, CoversUnit). The secret is shown once and
// stored as its SHA-256 only (decision 0018).
package apikeys

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/evaluation"
	"evalbot/internal/roster"
	"evalbot/internal/store"
	"evalbot/internal/textnorm"
)

// Errors of the package; none of them changes anything.
var (
	// ErrNotFound: no key with that id or prefix (Revoke), or the secret
	// names no key (Authenticate).
	ErrNotFound = errors.New("apikeys: no such key")
	// ErrRevoked: the secret is a revoked key's.
	ErrRevoked = errors.New("apikeys: key revoked")
	// ErrNoUnit: Create was given a unit code that names no unit.
	ErrNoUnit = errors.New("apikeys: no such unit")
	// ErrBadName: the system's name is empty or longer than MaxNameRunes.
	ErrBadName = errors.New("apikeys: bad name")
)

// SecretPrefix starts every secret, so that one leaked into a file or a log
// is recognised (and found by secret scanners).
const SecretPrefix = "evk_"

// PrefixLen is how many characters of the secret (SecretPrefix included)
// are kept in clear to tell keys apart: «evk_» and 8 random characters.
const PrefixLen = len(SecretPrefix) + 8

// MaxNameRunes bounds a system's name.
const MaxNameRunes = 120

// Key is one task system's key. System is its name folded to lower case
// and its unit's code («vnpt ioffice@PHB-KT»): a new key of the same name
// over the same unit is the same system (a rotated key, which keeps the
// source ids); two offices running products of the same name are two.
type Key struct {
	ID        int64
	Name      string
	System    string
	UnitID    int64
	UnitCode  string
	Prefix    string // the secret's first PrefixLen characters
	CreatedAt time.Time
	RevokedAt *time.Time
}

// Hash is the stored form of a secret: its SHA-256.
func Hash(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// newSecret is SecretPrefix and 32 random bytes in URL-safe base64 (256 bits).
func newSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return SecretPrefix + base64.RawURLEncoding.EncodeToString(b), nil
}

// Create makes a key for the system name over the subtree of the unit with
// unitCode, in the caller's transaction, audited ("create_api_key"). It
// returns the key and its secret, which is never stored nor shown again.
// Errors: ErrBadName, ErrNoUnit.
func Create(ctx context.Context, db store.DB, name, unitCode string) (Key, string, error) {
	name, err := textnorm.Field(name, MaxNameRunes)
	if err != nil {
		return Key{}, "", ErrBadName
	}
	u, err := roster.UnitByCode(ctx, db, unitCode)
	if errors.Is(err, roster.ErrNotFound) {
		return Key{}, "", ErrNoUnit
	} else if err != nil {
		return Key{}, "", err
	}
	secret, err := newSecret()
	if err != nil {
		return Key{}, "", err
	}
	k := Key{Name: name, System: SystemOf(name, u.Code), UnitID: u.ID, UnitCode: u.Code, Prefix: secret[:PrefixLen]}
	err = db.QueryRow(ctx, `INSERT INTO api_keys (name, system, unit_id, prefix, secret_hash) VALUES ($1, $2, $3, $4, $5)
		RETURNING id, created_at`, k.Name, k.System, k.UnitID, k.Prefix, Hash(secret)).Scan(&k.ID, &k.CreatedAt)
	if err != nil {
		return Key{}, "", err
	}
	err = evaluation.Audit(ctx, db, evaluation.AuditEntry{Entity: "api_key", EntityID: k.ID, Action: "create_api_key",
		After: map[string]any{"name": k.Name, "unit": k.UnitCode, "prefix": k.Prefix}})
	return k, secret, err
}

// SystemOf is the system of a key named name over the unit with code
// unitCode (Key.System).
func SystemOf(name, unitCode string) string { return strings.ToLower(name) + "@" + unitCode }

const keyCols = `k.id, k.name, k.system, k.unit_id, u.code, k.prefix, k.created_at, k.revoked_at`

func scanKey(r pgx.Row) (Key, error) {
	var k Key
	err := r.Scan(&k.ID, &k.Name, &k.System, &k.UnitID, &k.UnitCode, &k.Prefix, &k.CreatedAt, &k.RevokedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return k, ErrNotFound
	}
	return k, err
}

// List is every key, revoked ones too, oldest first.
func List(ctx context.Context, db store.DB) ([]Key, error) {
	rows, err := db.Query(ctx, `SELECT `+keyCols+` FROM api_keys k JOIN units u ON u.id = k.unit_id ORDER BY k.id`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Key, error) { return scanKey(r) })
}

// AmbiguousError: the text given to Revoke starts the prefix of several
// keys (Keys, oldest first), or is too short to name one (under
// MinRevokePrefix characters); nothing was revoked.
type AmbiguousError struct{ Keys []Key }

func (e *AmbiguousError) Error() string { return "apikeys: ambiguous key prefix" }

// MinRevokePrefix is the shortest leading part of a prefix that Revoke
// takes on its own: SecretPrefix and 4 more characters.
const MinRevokePrefix = len(SecretPrefix) + 4

// Revoke revokes the key named by its id, its prefix, a leading part of
// its prefix that no other key's starts with (at least MinRevokePrefix
// characters), or its whole secret (a leaked one, pasted), in the caller's transaction, audited ("revoke_api_key").
// Revoking a revoked key changes nothing and reports already. ErrNotFound
// when nothing matches; *AmbiguousError when several keys, or a too short
// text, match.
func Revoke(ctx context.Context, db store.DB, idOrPrefix string) (k Key, already bool, err error) {
	idOrPrefix = strings.TrimSpace(idOrPrefix)
	id, _ := strconv.ParseInt(idOrPrefix, 10, 64)
	like := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(idOrPrefix) + "%"
	// The whole secret pasted (a leaked one) names its key by its hash.
	rows, err := db.Query(ctx, `SELECT `+keyCols+` FROM api_keys k JOIN units u ON u.id = k.unit_id
		WHERE k.id = $1 OR ($1 = 0 AND (k.prefix LIKE $2 OR k.secret_hash = $3)) ORDER BY k.id FOR UPDATE OF k`, id, like, Hash(idOrPrefix))
	if err != nil {
		return k, false, err
	}
	keys, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Key, error) { return scanKey(r) })
	switch {
	case err != nil:
		return k, false, err
	case len(keys) == 0:
		return k, false, ErrNotFound
	case len(keys) > 1 || (id == 0 && !strings.HasPrefix(idOrPrefix, keys[0].Prefix) && len(idOrPrefix) < MinRevokePrefix):
		return k, false, &AmbiguousError{Keys: keys}
	}
	k = keys[0]
	if k.RevokedAt != nil {
		return k, true, nil
	}
	if err := db.QueryRow(ctx, `UPDATE api_keys SET revoked_at = now() WHERE id = $1 RETURNING revoked_at`, k.ID).Scan(&k.RevokedAt); err != nil {
		return k, false, err
	}
	err = evaluation.Audit(ctx, db, evaluation.AuditEntry{Entity: "api_key", EntityID: k.ID, Action: "revoke_api_key",
		Before: map[string]any{"revoked": false}, After: map[string]any{"revoked": true}})
	return k, false, err
}

// Authenticate finds the key of secret (an Authorization: Bearer value):
// ErrNotFound for none, ErrRevoked for a revoked one.
func Authenticate(ctx context.Context, db store.DB, secret string) (Key, error) {
	if !strings.HasPrefix(secret, SecretPrefix) || len(secret) > 200 {
		return Key{}, ErrNotFound
	}
	k, err := scanKey(db.QueryRow(ctx, `SELECT `+keyCols+` FROM api_keys k JOIN units u ON u.id = k.unit_id
		WHERE k.secret_hash = $1`, Hash(secret)))
	if err == nil && k.RevokedAt != nil {
		return k, ErrRevoked
	}
	return k, err
}

// Hold checks, in the caller's transaction, that key k is still in force,
// and keeps it so until the transaction ends: the key's row is locked FOR
// SHARE, so a revocation under way (Revoke locks it FOR UPDATE) is waited
// for and then seen, and one that comes later waits for this transaction.
// A request authenticated a moment before `evalbot apikey revoke` therefore
// writes nothing after the revocation is committed. ErrRevoked, ErrNotFound.
func (k Key) Hold(ctx context.Context, db store.DB) error {
	var revoked bool
	err := db.QueryRow(ctx, `SELECT revoked_at IS NOT NULL FROM api_keys WHERE id = $1 FOR SHARE`, k.ID).Scan(&revoked)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return ErrNotFound
	case err != nil:
		return err
	case revoked:
		return ErrRevoked
	}
	return nil
}

// upTree lists a unit ($1) and every unit above it.
const upTree = `WITH RECURSIVE up AS (
		SELECT id, parent_id, 0 AS depth FROM units WHERE id = $1
		UNION ALL
		SELECT u.id, u.parent_id, up.depth + 1 FROM units u JOIN up ON u.id = up.parent_id WHERE up.depth < 100
	)`

// CoversUnit reports whether unit unitID is in the key's subtree.
func (k Key) CoversUnit(ctx context.Context, db store.DB, unitID int64) (bool, error) {
	var ok bool
	err := db.QueryRow(ctx, upTree+` SELECT EXISTS (SELECT 1 FROM up WHERE id = $2)`, unitID, k.UnitID).Scan(&ok)
	return ok, err
}

// Covers reports whether official o belongs to a unit of the key's subtree.
func (k Key) Covers(ctx context.Context, db store.DB, o roster.Official) (bool, error) {
	return k.CoversUnit(ctx, db, o.UnitID)
}
