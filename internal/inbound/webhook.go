package inbound

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// SecretHeader is where Telegram puts the webhook's secret_token.
const SecretHeader = "X-Telegram-Bot-Api-Secret-Token"

// maxUpdate bounds a webhook body (an update is a few kilobytes).
const maxUpdate = 1 << 20

// bodies holds read buffers for webhook bodies: at 1,000 presses/s, reading
// each into a new slice was a tenth of the process's allocation.
var bodies = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// keepBody returns a body's buffer to the pool unless one large update grew it.
func keepBody(b *bytes.Buffer) {
	if b.Cap() <= 64<<10 {
		bodies.Put(b)
	}
}

// Webhook is the http.Handler Telegram posts updates to. A request without
// the secret token, or with a wrong one, gets 401 and touches nothing. The
// 200 reply goes out only once the update is durable: handled and committed
// while Telegram waits (Dispatcher.Deliver), or else stored and handled from
// the store. A crash before the reply loses nothing (Telegram posts the
// update again until it gets a 200), and a repeat is ignored. The 200 may
// carry one Bot API call the handler settled the update with (Settle).
type Webhook struct {
	D      *Dispatcher
	Secret string
	Log    *slog.Logger
	// Wait bounds how long a call waits for its update to be handled before
	// it stores the update and replies (default DefaultWait).
	Wait time.Duration
}

// DefaultWait is Webhook.Wait's default: a handler that is slower than that
// (a database under strain) holds one of Telegram's max_connections no
// longer than storing the update would.
const DefaultWait = 3 * time.Second

// DeriveSecret makes a webhook secret from the bot token, so that every
// replica agrees on it without more configuration: hex SHA-256 of a label and
// the token (Telegram allows 1-256 characters of A-Za-z0-9_-).
func DeriveSecret(token string) string {
	h := sha256.Sum256([]byte("evalbot-webhook-secret:" + token))
	return hex.EncodeToString(h[:])
}

func (wh *Webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	got := r.Header.Get(SecretHeader)
	if wh.Secret == "" || subtle.ConstantTimeCompare([]byte(got), []byte(wh.Secret)) != 1 {
		wh.Log.Warn("webhook: wrong or missing secret token", "remote", r.RemoteAddr)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	buf := bodies.Get().(*bytes.Buffer)
	buf.Reset()
	defer keepBody(buf)
	_, err := buf.ReadFrom(io.LimitReader(r.Body, maxUpdate+1))
	if err != nil || buf.Len() > maxUpdate {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	u, err := Decode(buf.Bytes())
	if err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	wait := wh.Wait
	if wait <= 0 {
		wait = DefaultWait
	}
	if ok, reply := wh.D.Deliver(r.Context(), u, wait); ok {
		if reply != nil {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", strconv.Itoa(len(reply)))
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write(reply)
			return
		}
		w.WriteHeader(http.StatusOK)
		return
	}
	keep, err := Keep(u, buf.Bytes())
	var stored bool
	if err == nil {
		stored, err = wh.D.Store(r.Context(), u, keep)
	}
	if err != nil {
		// Not stored: Telegram retries on anything but 2xx.
		wh.Log.Error("webhook: store update", "update_id", u.ID, "err", err)
		http.Error(w, "try again", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusOK)
	if stored {
		wh.D.Submit(u)
	}
}
