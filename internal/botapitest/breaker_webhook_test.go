package botapitest

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"
)

// A getUpdates long poll that is waiting when setWebhook is called ends
// with 409 (getUpdates does not work while a webhook is set). Found by a
// breaker: it went on waiting and returned the next update, which the
// server also posted to the webhook.
func TestWaitingPollEndsAtSetWebhook(t *testing.T) {
	s := newServer(t)
	b := &webhookBot{}
	hs := httptest.NewServer(b)
	defer hs.Close()
	type res struct {
		r   rawResp
		err error
	}
	done := make(chan res, 1)
	go func() {
		r, err := tryCall(context.Background(), s, "getUpdates", map[string]any{"timeout": 3})
		done <- res{r, err}
	}()
	time.Sleep(100 * time.Millisecond) // the poll is waiting
	if r := call(t, s, "setWebhook", map[string]any{"url": hs.URL}); !r.OK {
		t.Fatal(r)
	}
	u := s.NewUser(7, "Lan", "vi")
	u.SendText("một")
	waitTrue(t, "posted to the webhook", func() bool { return len(b.updates()) == 1 })
	got := <-done
	if got.err != nil {
		t.Fatal(got.err)
	}
	var ups []wUpdate
	_ = json.Unmarshal(got.r.Result, &ups)
	if got.r.OK && len(ups) > 0 {
		t.Errorf("the poll waiting at setWebhook returned %d update(s) that were also posted to the webhook: %s", len(ups), got.r.Result)
	}
}

// After Close, nothing the webhook started keeps running: no post, no push
// loop, no idle connection of the hook's own transport.
func TestCloseLeavesNoWebhookGoroutine(t *testing.T) {
	b := &webhookBot{}
	hs := httptest.NewServer(b)
	defer hs.Close()
	s := New()
	if r := call(t, s, "setWebhook", map[string]any{"url": hs.URL}); !r.OK {
		t.Fatal(r)
	}
	u := s.NewUser(7, "Lan", "vi")
	for range 5 {
		u.SendText("x")
	}
	waitTrue(t, "posted", func() bool { return len(b.updates()) == 5 })
	s.Close()
	deadline := time.Now().Add(2 * time.Second)
	for {
		buf := make([]byte, 1<<20)
		st := string(buf[:runtime.Stack(buf, true)])
		n := strings.Count(st, "botapitest.(*Server).pushLoop") + strings.Count(st, "botapitest.(*Server).post(") + strings.Count(st, "net/http.(*persistConn).readLoop")
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d webhook goroutines left after Close:\n%s", n, st)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
