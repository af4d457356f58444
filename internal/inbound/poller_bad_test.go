package inbound_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"evalbot/internal/inbound"
	"evalbot/internal/pgtest"
)

// An update the bot cannot decode (a shape Telegram may add tomorrow) does
// not stall long polling: it is skipped, the offset moves past it, and the
// updates around it are handled.
func TestPollerSkipsAnUndecodableUpdate(t *testing.T) {
	pool := pgtest.New(t)
	batch := `{"ok":true,"result":[` + update(7, 42, "first") + `,
		{"update_id":8,"message":"not an object"},` + update(9, 42, "third") + `]}`
	var mu sync.Mutex
	var offsets []int64
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var p struct {
			Offset int64 `json:"offset"`
		}
		_ = json.Unmarshal(body, &p)
		mu.Lock()
		offsets = append(offsets, p.Offset)
		mu.Unlock()
		if p.Offset > 9 {
			time.Sleep(50 * time.Millisecond)
			_, _ = io.WriteString(w, `{"ok":true,"result":[]}`)
			return
		}
		_, _ = io.WriteString(w, batch)
	}))
	defer api.Close()
	rec := &recorder{pool: pool, seen: map[int64][]int64{}}
	d := inbound.NewDispatcher(pool, rec.handle, quiet, inbound.Options{Workers: 2, Box: testBox})
	p := &inbound.Poller{Pool: pool, D: d, APIURL: api.URL, Token: "t", Timeout: time.Second, Log: quiet}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); p.Run(ctx) }()
	waitUntil(t, "the two good updates handled", func() bool { return rec.handled() == 2 })
	waitUntil(t, "polling past the bad one", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(offsets) > 1 && offsets[len(offsets)-1] == 10
	})
	cancel()
	<-done
	d.Stop(time.Second)
	if got := rec.seen[42]; len(got) != 2 || got[0] != 7 || got[1] != 9 {
		t.Fatalf("handled %v, want [7 9]", got)
	}
}
