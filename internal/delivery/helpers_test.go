package delivery_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/go-telegram/bot"
	"github.com/jackc/pgx/v5/pgxpool"

	"evalbot/internal/botapitest"
	"evalbot/internal/delivery"
	"evalbot/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func newBot(t testing.TB, srv *botapitest.Server) *bot.Bot {
	t.Helper()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	b, err := bot.New(srv.Token(), bot.WithServerURL(srv.URL()), bot.WithSkipGetMe(),
		bot.WithHTTPClient(time.Minute, &http.Client{Timeout: 30 * time.Second, Transport: tr}))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// users makes n users who started the bot, chat ids base+1 … base+n.
func users(srv *botapitest.Server, base int64, n int) []int64 {
	ids := make([]int64, n)
	for i := range n {
		ids[i] = base + int64(i) + 1
		srv.NewUser(ids[i], "U", "vi").Start("")
	}
	return ids
}

// enqueue writes one message per chat with a dedup key, in one transaction.
func enqueue(t testing.TB, pool *pgxpool.Pool, chats []int64, tag string) {
	t.Helper()
	ctx := context.Background()
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range chats {
		if _, err := delivery.Enqueue(ctx, tx, delivery.Message{ChatID: c, DedupKey: fmt.Sprintf("%s:%d", tag, c),
			Text: fmt.Sprintf("%s for %d", tag, c)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
}

// sends returns the accepted sends per chat, in order, from the transcript.
func sends(srv *botapitest.Server) map[int64][]botapitest.Event {
	out := map[int64][]botapitest.Event{}
	for _, e := range srv.Transcript() {
		if e.Kind == "send" && e.Err == "" {
			out[e.ChatID] = append(out[e.ChatID], e)
		}
	}
	return out
}

// exactlyOnce fails unless every chat got exactly one accepted message.
func exactlyOnce(t testing.TB, srv *botapitest.Server, chats []int64) {
	t.Helper()
	exactlyOneOf(t, sends(srv), chats)
}

// exactlyOnePrompt fails unless every chat got exactly one message with
// buttons (a prompt; replies to the seeding's /start have none), and no chat
// got any text twice.
func exactlyOnePrompt(t testing.TB, srv *botapitest.Server, chats []int64) {
	t.Helper()
	all := sends(srv)
	prompts := map[int64][]botapitest.Event{}
	for c, es := range all {
		seen := map[string]bool{}
		for _, e := range es {
			if seen[e.Text] {
				t.Fatalf("chat %d got %q twice", c, e.Text)
			}
			seen[e.Text] = true
			if len(e.Buttons) > 0 {
				prompts[c] = append(prompts[c], e)
			}
		}
	}
	exactlyOneOf(t, prompts, chats)
}

// atMostOnePrompt fails if a chat got a prompt twice, or if a chat other than
// the excused ones got none; it returns how many excused chats got none.
func atMostOnePrompt(t testing.TB, srv *botapitest.Server, chats, excused []int64) int {
	t.Helper()
	ex := map[int64]bool{}
	for _, c := range excused {
		ex[c] = true
	}
	n := map[int64]int{}
	for c, es := range sends(srv) {
		for _, e := range es {
			if len(e.Buttons) > 0 {
				n[c]++
			}
		}
	}
	lost := 0
	for _, c := range chats {
		switch {
		case n[c] > 1:
			t.Fatalf("chat %d got %d prompts", c, n[c])
		case n[c] == 0 && !ex[c]:
			t.Fatalf("chat %d got no prompt and is not unconfirmed", c)
		case n[c] == 0:
			lost++
		}
	}
	return lost
}

func exactlyOneOf(t testing.TB, got map[int64][]botapitest.Event, chats []int64) {
	t.Helper()
	lost, dup := 0, 0
	for _, c := range chats {
		switch n := len(got[c]); {
		case n == 0:
			lost++
		case n > 1:
			dup += n - 1
		}
	}
	if lost > 0 || dup > 0 {
		t.Fatalf("%d chats got nothing, %d duplicates (of %d chats)", lost, dup, len(chats))
	}
}

// waitState waits until no row is pending, claimed or sending.
func waitSettled(t testing.TB, pool *pgxpool.Pool, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		var open int
		err := pool.QueryRow(context.Background(), `SELECT count(*) FROM outbox WHERE state IN ('pending', 'claimed', 'sending')`).Scan(&open)
		if err == nil && open == 0 {
			return
		}
		if time.Now().After(deadline) {
			var states string
			_ = pool.QueryRow(context.Background(), `SELECT string_agg(state || '=' || n, ' ') FROM (SELECT state, count(*) n FROM outbox GROUP BY state) s`).Scan(&states)
			t.Fatalf("outbox not settled within %s: %s (err %v)", within, states, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// maxInWindow is the most accepted sends within any window w.
func maxInWindow(srv *botapitest.Server, w time.Duration) int {
	var ts []time.Time
	for _, e := range srv.Transcript() {
		if e.Kind == "send" && e.Err == "" {
			ts = append(ts, e.Time)
		}
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i].Before(ts[j]) })
	best, j := 0, 0
	for i := range ts {
		for ts[i].Sub(ts[j]) >= w {
			j++
		}
		best = max(best, i-j+1)
	}
	return best
}

func run(t testing.TB, s *delivery.Sender) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); s.Run(ctx, 100*time.Millisecond) }()
	return func() { cancel(); <-done }
}
