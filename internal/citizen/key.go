package citizen

import (
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"os"
	"strconv"
	"sync"
)

// KeyEnv names the environment variable that holds the key of Hash. Set it
// in production to a long random secret (e.g. `openssl rand -hex 32`) and
// keep it: a new key makes every account look new to the daily limits.
const KeyEnv = "EVALBOT_CITIZEN_KEY"

// DevelopmentKey is the key used when KeyEnv is not set: fine for tests and
// the demo, never for production (anyone can recompute the hashes).
const DevelopmentKey = "evalbot-development-citizen-key"

// MinKeyLen is the shortest key LoadKey accepts.
const MinKeyLen = 16

var (
	keyMu  sync.RWMutex
	key    []byte
	keySet bool
)

// SetKey sets the key of Hash (tests, tools). An empty key restores the default.
func SetKey(k []byte) {
	keyMu.Lock()
	defer keyMu.Unlock()
	key, keySet = append([]byte(nil), k...), len(k) > 0
}

// LoadKey reads KeyEnv. It reports dev = true when the variable is unset and
// the development key is in use; it fails when the value is too short.
func LoadKey() (dev bool, err error) {
	v := os.Getenv(KeyEnv)
	if v == "" {
		SetKey(nil)
		return true, nil
	}
	if len(v) < MinKeyLen {
		return false, errors.New(KeyEnv + " is too short: use at least 16 random characters")
	}
	SetKey([]byte(v))
	return false, nil
}

func currentKey() []byte {
	keyMu.RLock()
	defer keyMu.RUnlock()
	if keySet {
		return key
	}
	if v := os.Getenv(KeyEnv); len(v) >= MinKeyLen {
		return []byte(v)
	}
	return []byte(DevelopmentKey)
}

// Secret is the configured key (KeyEnv, or the development key), from which
// other keys are derived: inbound.NewBox seals stored updates with one.
func Secret() []byte { return append([]byte(nil), currentKey()...) }

// Hash is how a citizen is known: HMAC-SHA256 of their Telegram user id
// under the configured key (32 bytes). The id cannot be recovered from it
// without the key.
func Hash(telegramUserID int64) []byte {
	m := hmac.New(sha256.New, currentKey())
	m.Write([]byte("telegram-user:"))
	m.Write([]byte(strconv.FormatInt(telegramUserID, 10)))
	return m.Sum(nil)
}
