package citizen

import (
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"net/netip"
	"os"
	"strconv"
	"strings"
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

// ProductionMinKeyLen is the shortest key CheckProductionKey accepts: 32
// characters (`openssl rand -hex 32` gives 64). A citizen's Telegram id has
// about 10 digits, so the hash of a short or guessable key is reversed by
// trying every id (10⁶ ids in under a second).
const ProductionMinKeyLen = 32

// productionMinDistinct is how many different characters a production key
// has at least: a random hex key has 16, "aaaa…" has one.
const productionMinDistinct = 10

// Why a key is not fit for production (CheckProductionKey).
var (
	ErrKeyUnset       = errors.New(KeyEnv + " is not set")
	ErrKeyDevelopment = errors.New(KeyEnv + " is the public development key")
	ErrKeyWeak        = errors.New(KeyEnv + " is too short or too regular to be a random secret")
)

// CheckProductionKey says whether KeyEnv holds a key fit for real citizens'
// ids: set, not DevelopmentKey, at least ProductionMinKeyLen bytes, and not
// a repetition of a few characters. Errors: ErrKeyUnset, ErrKeyDevelopment,
// ErrKeyWeak.
func CheckProductionKey() error {
	v := os.Getenv(KeyEnv)
	switch {
	case v == "":
		return ErrKeyUnset
	case strings.Contains(v, DevelopmentKey):
		return ErrKeyDevelopment
	case len(v) < ProductionMinKeyLen:
		return ErrKeyWeak
	}
	distinct := map[rune]bool{}
	for _, r := range v {
		distinct[r] = true
	}
	if len(distinct) < productionMinDistinct {
		return ErrKeyWeak
	}
	return nil
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

// DeviceHash is how a citizen rating on the web is known: HMAC-SHA256 of the
// random id of their device cookie under the configured key (32 bytes), in a
// domain of its own so that it never equals a Telegram account's Hash.
func DeviceHash(deviceID []byte) []byte {
	m := hmac.New(sha256.New, currentKey())
	m.Write([]byte("web-device:"))
	m.Write(deviceID)
	return m.Sum(nil)
}

// NetworkHash is the keyed hash of a client's network for the per-network
// burst check: the /24 of an IPv4 address, the /64 of an IPv6 one. The
// address itself is never stored. nil for an address that does not parse.
func NetworkHash(ip string) []byte {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return nil
	}
	a = a.Unmap()
	bits := 64
	if a.Is4() {
		bits = 24
	}
	p, err := a.Prefix(bits)
	if err != nil {
		return nil
	}
	m := hmac.New(sha256.New, currentKey())
	m.Write([]byte("web-network:"))
	m.Write([]byte(p.String()))
	return m.Sum(nil)
}
