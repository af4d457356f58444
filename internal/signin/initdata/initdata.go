// Package initdata validates the initialization data (initData) Telegram
// hands a Mini App (ứng dụng nhỏ trong Telegram), as the Bot API documents
// it under "Validating data received via the Mini App": the query string's
// fields but hash, sorted by key, joined as "key=value" lines (the
// data-check-string), signed with HMAC-SHA256 under the secret key
// HMAC-SHA256(key "WebAppData", message bot token). The comparison is in
// constant time (hmac.Equal), and auth_date must be recent. Why it is
// written here and not taken from a library: docs/decisions/0020-mini-app-init-data.md.
package initdata

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// DefaultMaxAge is how old an initData's auth_date may be when the caller
// does not say: a day, as Telegram keeps a Mini App's data for its session.
const DefaultMaxAge = 24 * time.Hour

// MaxSkew is how far in the future auth_date may be (clocks differ).
const MaxSkew = time.Minute

// Errors of Validate. Every one means "not signed in"; they differ for the
// tests and the audit.
var (
	ErrMalformed = errors.New("initdata: malformed query string")
	ErrDuplicate = errors.New("initdata: a field appears twice")
	ErrNoHash    = errors.New("initdata: no hash")
	ErrBadHash   = errors.New("initdata: hash does not match")
	ErrNoDate    = errors.New("initdata: no valid auth_date")
	ErrExpired   = errors.New("initdata: auth_date too old")
	ErrNoUser    = errors.New("initdata: no user")
)

// Invalid reports whether err is one of Validate's refusals (a forged,
// malformed, expired or incomplete initData), not a failure.
func Invalid(err error) bool {
	for _, e := range []error{ErrMalformed, ErrDuplicate, ErrNoHash, ErrBadHash, ErrNoDate, ErrExpired, ErrNoUser} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// User is the initData's user field (Bot API WebAppUser): the Telegram user
// who opened the Mini App.
type User struct {
	ID           int64  `json:"id"`
	FirstName    string `json:"first_name"`
	LastName     string `json:"last_name,omitempty"`
	Username     string `json:"username,omitempty"`
	LanguageCode string `json:"language_code,omitempty"`
}

// Data is a validated initData (Bot API WebAppInitData): who opened the
// Mini App, when Telegram signed it, and the start parameter of a
// t.me/<bot>/<app>?startapp=… link ("" without one).
type Data struct {
	User       User
	AuthDate   time.Time
	StartParam string
	ChatType   string // "private", "group", …; "" when opened from the menu button
}

// SecretKey is HMAC-SHA256 of the bot token under the key "WebAppData".
func SecretKey(botToken string) []byte {
	m := hmac.New(sha256.New, []byte("WebAppData"))
	m.Write([]byte(botToken))
	return m.Sum(nil)
}

// Validate checks raw (window.Telegram.WebApp.initData, the query string
// as Telegram sent it) for the bot whose token is botToken, at now: the hash
// must be the HMAC of the data-check-string (ErrBadHash; ErrNoHash when
// absent), no field may appear twice (ErrDuplicate: otherwise which copy
// was signed would be a guess), auth_date must be at most maxAge old
// (DefaultMaxAge when maxAge ≤ 0; ErrExpired) and not more than MaxSkew
// ahead (ErrNoDate), and the user field must name a user (ErrNoUser).
func Validate(raw, botToken string, maxAge time.Duration, now time.Time) (Data, error) {
	if maxAge <= 0 {
		maxAge = DefaultMaxAge
	}
	fields := map[string]string{}
	for _, part := range strings.Split(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		key, err1 := url.QueryUnescape(k)
		val, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil || key == "" {
			return Data{}, ErrMalformed
		}
		if _, dup := fields[key]; dup {
			return Data{}, ErrDuplicate
		}
		fields[key] = val
	}
	got, ok := fields["hash"]
	if !ok || got == "" {
		return Data{}, ErrNoHash
	}
	delete(fields, "hash")
	sum, err := hex.DecodeString(got)
	if err != nil || !hmac.Equal(sum, sign(fields, botToken)) {
		return Data{}, ErrBadHash
	}
	secs, err := strconv.ParseInt(fields["auth_date"], 10, 64)
	if err != nil || secs <= 0 {
		return Data{}, ErrNoDate
	}
	d := Data{AuthDate: time.Unix(secs, 0), StartParam: fields["start_param"], ChatType: fields["chat_type"]}
	switch {
	case d.AuthDate.After(now.Add(MaxSkew)):
		return Data{}, ErrNoDate
	case now.Sub(d.AuthDate) > maxAge:
		return Data{}, ErrExpired
	}
	if err := json.Unmarshal([]byte(fields["user"]), &d.User); err != nil || d.User.ID == 0 {
		return Data{}, ErrNoUser
	}
	return d, nil
}

// Sign returns fields as a query string with the hash Telegram would add
// for the bot whose token is botToken: what a Mini App receives. For the
// tests' harness and the benchmarks (the server never signs).
func Sign(fields map[string]string, botToken string) string {
	q := url.Values{}
	for k, v := range fields {
		q.Set(k, v)
	}
	q.Set("hash", hex.EncodeToString(sign(fields, botToken)))
	return q.Encode()
}

// sign is the HMAC of fields' data-check-string.
func sign(fields map[string]string, botToken string) []byte {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	lines := make([]string, len(keys))
	for i, k := range keys {
		lines[i] = k + "=" + fields[k]
	}
	m := hmac.New(sha256.New, SecretKey(botToken))
	m.Write([]byte(strings.Join(lines, "\n")))
	return m.Sum(nil)
}
