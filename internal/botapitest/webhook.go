package botapitest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// SecretHeader is where Telegram puts setWebhook's secret_token.
const SecretHeader = "X-Telegram-Bot-Api-Secret-Token"

// hook is the webhook setWebhook set: the server posts each queued update
// to url, at most maxConns at once and one at a time per chat, and forgets
// it once the bot answers 200; any other answer is retried with backoff.
type hook struct {
	url, secret string
	maxConns    int
	client      *http.Client
	ctx         context.Context
	cancel      context.CancelFunc
	inflight    int
	lastError   string
	lastErrorAt time.Time
}

var secretRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

func (s *Server) setWebhook(_ context.Context, p *params) (any, *apiError) {
	raw := p.str("url")
	if raw == "" {
		return s.deleteWebhook(context.Background(), p)
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, badRequest("bad webhook: An HTTPS URL must be provided for webhook")
	}
	secret := p.str("secret_token")
	if p.has("secret_token") && !secretRe.MatchString(secret) {
		return nil, badRequest("bad webhook: secret token contains unallowed characters")
	}
	maxConns := 40
	if v, ok := p.int64("max_connections"); ok {
		maxConns = int(min(max(v, 1), 100))
	}
	var allowed []string
	if p.has("allowed_updates") {
		if err := json.Unmarshal([]byte(p.str("allowed_updates")), &allowed); err != nil {
			return nil, badRequest("can't parse allowed updates")
		}
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxConnsPerHost, tr.MaxIdleConnsPerHost = maxConns, maxConns
	ctx, cancel := context.WithCancel(context.Background())
	h := &hook{url: raw, secret: secret, maxConns: maxConns, client: &http.Client{Transport: tr, Timeout: 60 * time.Second},
		ctx: ctx, cancel: cancel}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stopHookLocked()
	if p.has("allowed_updates") {
		s.allowed = allowed
	}
	if p.bool("drop_pending_updates") {
		s.queue = nil
	}
	s.hook = h
	s.bumpLocked() // a getUpdates waiting ends
	go s.pushLoop(h)
	return true, nil
}

// stopHookLocked removes the webhook; updates being posted stay queued
// unless the bot already answered them.
func (s *Server) stopHookLocked() {
	if s.hook != nil {
		s.hook.cancel()
		s.hook.client.CloseIdleConnections()
		s.hook = nil
	}
}

// pushLoop posts queued updates to h until the webhook is removed or the
// server closes.
func (s *Server) pushLoop(h *hook) {
	for {
		s.mu.Lock()
		if s.hook != h {
			s.mu.Unlock()
			return
		}
		wake := s.startPostsLocked(h, time.Now())
		ch := s.changed
		s.mu.Unlock()
		if !s.waitPush(h, ch, wake) {
			return
		}
	}
}

// waitPush waits for a change, a retry's time (wake, when not 0) or the
// end of the webhook; false at the end.
func (s *Server) waitPush(h *hook, changed <-chan struct{}, wake time.Duration) bool {
	var tc <-chan time.Time
	if wake > 0 {
		t := time.NewTimer(wake)
		defer t.Stop()
		tc = t.C
	}
	select {
	case <-changed:
	case <-tc:
	case <-h.ctx.Done():
		return false
	case <-s.done:
		return false
	}
	return true
}

// startPostsLocked posts what may go now, oldest first: one update at a
// time per chat, at most maxConns in all, none before its retry time. It
// returns how long until the next retry is due (0: none waits).
func (s *Server) startPostsLocked(h *hook, now time.Time) time.Duration {
	var wake time.Duration
	held := map[int64]bool{} // chats with an earlier update still queued
	kept := s.queue[:0]
	for _, u := range s.queue {
		if !s.allowedLocked(u.kind) {
			continue // Telegram does not keep updates of kinds the bot did not ask for
		}
		kept = append(kept, u)
		if held[u.chat] {
			continue
		}
		held[u.chat] = true
		switch {
		case u.posting:
		case u.retryAt.After(now):
			if d := u.retryAt.Sub(now); wake == 0 || d < wake {
				wake = d
			}
		case h.inflight < h.maxConns:
			u.posting = true
			h.inflight++
			go s.post(h, u)
		}
	}
	for i := len(kept); i < len(s.queue); i++ {
		s.queue[i] = nil
	}
	s.queue = kept
	return wake
}

// post delivers one update. On a 200 the call its body carries is made and
// the update is forgotten; otherwise it waits 100 ms, doubling to 5 s, and
// goes again (Telegram's own waits are longer and not documented).
func (s *Server) post(h *hook, u *queuedUpdate) {
	status, err := s.postUpdate(h.ctx, h.client, h.url, h.secret, u.raw)
	s.mu.Lock()
	defer s.mu.Unlock()
	h.inflight--
	u.posting = false
	if err == nil && status == http.StatusOK {
		for i, q := range s.queue {
			if q == u {
				s.queue = append(s.queue[:i:i], s.queue[i+1:]...)
				break
			}
		}
		u.delivered = true
		s.posted[u.id] = true
	} else {
		u.fails++
		u.retryAt = time.Now().Add(min(100*time.Millisecond<<min(u.fails-1, 6), 5*time.Second))
		h.lastErrorAt = s.now()
		if err != nil {
			h.lastError = "Connection failed"
			if errors.Is(err, context.DeadlineExceeded) {
				h.lastError = "Read timeout expired"
			}
		} else {
			h.lastError = fmt.Sprintf("Wrong response from the webhook: %d %s", status, http.StatusText(status))
		}
	}
	s.bumpLocked()
}

// PostWebhook delivers update id to a bot's webhook at url as Telegram does
// (setWebhook does it by itself; this is for a caller that times each post):
// a JSON POST with the secret token header (none when secret is empty). When
// the reply is a 200 whose body carries a Bot API call (a "method"
// parameter; JSON, form or multipart: Bot API, "Making requests when
// getting updates"), the server makes that call on the bot's behalf, and its
// result is not reported to the bot: a rejected call shows only in the
// transcript (Event.Err). It returns the reply's HTTP status; err is a
// transport error or an update id the server never made.
func (s *Server) PostWebhook(ctx context.Context, c *http.Client, url, secret string, id int64) (status int, err error) {
	raw, ok := s.Update(id)
	if !ok {
		return 0, fmt.Errorf("botapitest: no update %d", id)
	}
	return s.postUpdate(ctx, c, url, secret, raw)
}

func (s *Server) postUpdate(ctx context.Context, c *http.Client, url, secret string, raw []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(raw))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set(SecretHeader, secret)
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return resp.StatusCode, err
	}
	if resp.StatusCode == http.StatusOK && len(body) <= maxBody {
		s.runWebhookReply(resp.Header.Get("Content-Type"), body)
	}
	return resp.StatusCode, nil
}

// runWebhookReply makes the Bot API call a webhook reply carries, if any.
// Telegram ignores a reply it cannot use; so does this server, but it counts
// the call (ReplyCalls), and its methods record rejections in the transcript.
func (s *Server) runWebhookReply(contentType string, body []byte) {
	p, perr := parseBody(&params{v: map[string]string{}, files: map[string]*upload{}}, contentType, body)
	if perr != nil {
		return
	}
	info, ok := methodTable[strings.ToLower(p.str("method"))]
	if !ok || info.name == "getUpdates" {
		return
	}
	s.mu.Lock()
	s.replyCalls[info.name]++
	s.mu.Unlock()
	_, _ = info.fn(s, context.Background(), p)
}

// ReplyCalls counts the Bot API calls made from webhook replies, by method
// name (Calls counts those made over HTTP).
func (s *Server) ReplyCalls() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.replyCalls)
}

// Posted reports whether the webhook answered update id with a 200 (and
// any call its reply carried was made).
func (s *Server) Posted(id int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.posted[id]
}
