package telegram

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot"
)

// stubEdits is a scripted editMessageText endpoint. Like Telegram, it
// applies a request it has received even when the client gave up waiting.
type stubEdits struct {
	srv    *httptest.Server
	start  time.Time
	mu     sync.Mutex
	calls  []stubCall
	shown  string // the message's text as Telegram shows it
	script func(n int) (delay time.Duration, status int, body string)
}

type stubCall struct {
	at   time.Duration
	text string
}

func newStubEdits(t *testing.T, script func(n int) (time.Duration, int, string)) *stubEdits {
	s := &stubEdits{start: time.Now(), script: script}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b struct {
			Text string `json:"text"`
		}
		body, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(body, &b)
		s.mu.Lock()
		n := len(s.calls)
		s.calls = append(s.calls, stubCall{time.Since(s.start), b.Text})
		s.mu.Unlock()
		delay, status, reply := s.script(n)
		time.Sleep(delay) // not cut short by the client's timeout: Telegram has the request
		if status == http.StatusOK {
			s.mu.Lock()
			s.shown = b.Text
			s.mu.Unlock()
			reply = `{"ok":true,"result":true}`
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, reply)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *stubEdits) snapshot() ([]stubCall, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]stubCall(nil), s.calls...), s.shown
}

func (s *stubEdits) app(clientTimeout time.Duration) *App {
	return &App{API: &BotAPI{URL: s.srv.URL, Token: "1:x", Client: &http.Client{Timeout: clientTimeout}},
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

func tooMany(retryAfter int) (time.Duration, int, string) {
	return 0, http.StatusTooManyRequests, fmt.Sprintf(`{"ok":false,"error_code":429,"description":"Too Many Requests: retry after %d","parameters":{"retry_after":%d}}`, retryAfter, retryAfter)
}

func card(text string) *edit { return &edit{chatID: 1, messageID: 7, text: text} }

func waitEdits(t *testing.T, a *App) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); a.edits.pendingEdits() > 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("edits still pending after 15 s")
		}
	}
}

// A newer press's edit waits for the retry_after Telegram gave: it goes with
// the sender's next try, and then after the retry_after of its own refusal.
// Found by a breaker: a superseded edit's timer sent it early.
func TestEditWaitsForRetryAfter(t *testing.T) {
	s := newStubEdits(t, func(n int) (time.Duration, int, string) {
		switch n {
		case 0:
			return tooMany(1)
		case 1:
			return tooMany(2)
		}
		return 0, http.StatusOK, ""
	})
	a := s.app(10 * time.Second)
	a.editNow(context.Background(), card("score 1"))
	a.editNow(context.Background(), card("score 2")) // owned: waits for the sender
	waitEdits(t, a)
	calls, shown := s.snapshot()
	if len(calls) != 3 || calls[1].text != "score 2" || calls[1].at < 950*time.Millisecond || calls[2].at-calls[1].at < 1950*time.Millisecond || shown != "score 2" {
		t.Errorf("calls %v, shown %q; want score 1, then score 2 after 1 s and again 2 s later", calls, shown)
	}
}

// An edit whose request timed out may still be applied by Telegram after a
// newer one; the newest edit is made once more, confirmDelay later. Found
// by a breaker: the card kept the older score.
func TestTimedOutEditDoesNotLandLast(t *testing.T) {
	defer func(b, c time.Duration) { editBackoff, confirmDelay = b, c }(editBackoff, confirmDelay)
	editBackoff, confirmDelay = 50*time.Millisecond, 600*time.Millisecond
	s := newStubEdits(t, func(n int) (time.Duration, int, string) {
		if n == 0 {
			return 400 * time.Millisecond, http.StatusOK, "" // applied after the client gave up
		}
		return 0, http.StatusOK, ""
	})
	a := s.app(100 * time.Millisecond)
	a.editNow(context.Background(), card("score 1"))
	a.editNow(context.Background(), card("score 2"))
	waitEdits(t, a)
	time.Sleep(time.Until(s.start.Add(500 * time.Millisecond))) // the late request has landed
	calls, shown := s.snapshot()
	if shown != "score 2" {
		t.Errorf("the card shows %q; calls %v", shown, calls)
	}
}

// A press while another press's edit waits or is in flight returns at once:
// the update's worker never waits for another request. Found by a breaker.
func TestEditDoesNotHoldTheWorker(t *testing.T) {
	s := newStubEdits(t, func(n int) (time.Duration, int, string) {
		switch n {
		case 0:
			return tooMany(1)
		case 1:
			return 2 * time.Second, http.StatusOK, "" // the retry, slow
		}
		return 0, http.StatusOK, ""
	})
	a := s.app(10 * time.Second)
	a.editNow(context.Background(), card("score 1"))
	time.Sleep(1200 * time.Millisecond) // the retry is in flight
	t0 := time.Now()
	a.editNow(context.Background(), card("score 2"))
	if d := time.Since(t0); d > 100*time.Millisecond {
		t.Errorf("editNow took %v while another request was in flight", d)
	}
	waitEdits(t, a)
	if _, shown := s.snapshot(); shown != "score 2" {
		t.Errorf("the card shows %q, want score 2", shown)
	}
}

// Which refusals are passing: 429, 5xx and timeouts; 400 (a migrated group
// included), 403 are final. Retries stop after maxEditTries.
func TestEditRefusals(t *testing.T) {
	defer func(b time.Duration) { editBackoff = b }(editBackoff)
	editBackoff = 10 * time.Millisecond
	for _, tc := range []struct {
		status int
		body   string
		again  bool
	}{
		{400, `{"ok":false,"error_code":400,"description":"Bad Request: message to edit not found"}`, false},
		{400, `{"ok":false,"error_code":400,"description":"Bad Request: message can't be edited"}`, false},
		{403, `{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}`, false},
		{502, `<html><body>502 Bad Gateway</body></html>`, true},
		{500, `{"ok":false,"error_code":500,"description":"Internal Server Error"}`, true},
	} {
		s := newStubEdits(t, func(int) (time.Duration, int, string) { return 0, tc.status, tc.body })
		a := s.app(time.Second)
		a.editNow(context.Background(), card("x"))
		waitEdits(t, a)
		calls, _ := s.snapshot()
		if want := map[bool]int{false: 1, true: maxEditTries}[tc.again]; len(calls) != want {
			t.Errorf("%d %s: %d requests, want %d", tc.status, tc.body, len(calls), want)
		}
	}
	if _, again := retryAfter(&bot.MigrateError{Message: "bad request: group chat was upgraded", MigrateToChatID: -1001}, 1); again {
		t.Error("a migrated group's 400 is retried")
	}
	slow := newStubEdits(t, func(int) (time.Duration, int, string) { return 300 * time.Millisecond, http.StatusOK, "" })
	if _, again := retryAfter(slow.app(50*time.Millisecond).editOnce(context.Background(), card("x")), 1); !again {
		t.Error("a timeout is not retried")
	}
}
