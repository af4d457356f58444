package inbound

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"errors"
)

// Box seals stored updates. An update holds its sender's Telegram id, and a
// citizen's id must not be in the database in clear (DESIGN.md §3), not even
// for the milliseconds between storing and handling: inbound_updates.payload
// is AES-256-GCM of the update's JSON, the random 12-byte nonce first, with
// the update id as additional data (a payload cannot be moved to another row).
type Box struct{ aead cipher.AEAD }

// NewBox derives the sealing key from secret (the citizen key of
// internal/citizen, EVALBOT_CITIZEN_KEY) with HKDF-SHA256, so that no more
// configuration is needed. An empty secret is refused.
func NewBox(secret []byte) (*Box, error) {
	if len(secret) == 0 {
		return nil, errors.New("inbound: empty sealing secret")
	}
	k, err := hkdf.Key(sha256.New, secret, nil, "evalbot inbound updates v1", 32)
	if err != nil {
		return nil, err
	}
	c, err := aes.NewCipher(k)
	if err != nil {
		return nil, err
	}
	g, err := cipher.NewGCM(c)
	if err != nil {
		return nil, err
	}
	return &Box{aead: g}, nil
}

// Seal returns nonce || ciphertext of raw, bound to updateID.
func (b *Box) Seal(updateID int64, raw []byte) []byte {
	n := b.aead.NonceSize()
	out := make([]byte, n, n+len(raw)+b.aead.Overhead())
	if _, err := rand.Read(out); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	return b.aead.Seal(out, out, raw, idBytes(updateID))
}

// ErrUnsealable: the payload was sealed under another key (the key was
// changed) or was altered.
var ErrUnsealable = errors.New("inbound: stored update cannot be opened")

// Open reverses Seal.
func (b *Box) Open(updateID int64, sealed []byte) ([]byte, error) {
	n := b.aead.NonceSize()
	if len(sealed) < n+b.aead.Overhead() {
		return nil, ErrUnsealable
	}
	raw, err := b.aead.Open(nil, sealed[:n], sealed[n:], idBytes(updateID))
	if err != nil {
		return nil, ErrUnsealable
	}
	return raw, nil
}

func idBytes(id int64) []byte {
	var b [8]byte
	for i := range b {
		b[i] = byte(id >> (8 * i))
	}
	return b[:]
}
