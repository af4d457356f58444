package inbound_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"evalbot/internal/botapitest"
	"evalbot/internal/inbound"
	"evalbot/internal/pgtest"
	"evalbot/internal/store"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

var testBox = mustBox("inbound-test-secret")

func mustBox(secret string) *inbound.Box {
	b, err := inbound.NewBox([]byte(secret))
	if err != nil {
		panic(err)
	}
	return b
}

// recorder is a handler that does what telegram.App.HandleUpdate does with
// processed_updates, and records the order per chat.
type recorder struct {
	pool *pgxpool.Pool
	mu   sync.Mutex
	seen map[int64][]int64 // chat → update ids handled (first time)
	runs int
	slow time.Duration
	fail func(u *models.Update)
	// reply is what the handler settles each update with; carried records
	// what settle answered (whether the reply rides the webhook's 200).
	reply   []byte
	carried []bool
}

func (r *recorder) handle(ctx context.Context, u *models.Update, settle func([]byte) bool) {
	r.mu.Lock()
	r.runs++
	r.mu.Unlock()
	if r.fail != nil {
		r.fail(u)
	}
	time.Sleep(r.slow)
	first := false
	err := store.InTx(ctx, r.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO processed_updates (update_id) VALUES ($1) ON CONFLICT DO NOTHING`, u.ID)
		first = err == nil && tag.RowsAffected() == 1
		return err
	})
	r.mu.Lock()
	if err == nil && first {
		c := inbound.ChatOf(u)
		r.seen[c] = append(r.seen[c], u.ID)
	}
	r.mu.Unlock()
	if err == nil {
		ok := settle(r.reply)
		r.mu.Lock()
		r.carried = append(r.carried, ok)
		r.mu.Unlock()
	}
}

func (r *recorder) carriedSoFar() []bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]bool(nil), r.carried...)
}

func (r *recorder) runCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.runs
}

func (r *recorder) handled() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, ids := range r.seen {
		n += len(ids)
	}
	return n
}

// count runs a count(*) query.
func count(t *testing.T, pool *pgxpool.Pool, sql string) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), sql).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out: %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func post(t *testing.T, url, secret, body string) int {
	t.Helper()
	code, _, _ := postReply(t, url, secret, body)
	return code
}

// postReply posts like Telegram and returns the status, Content-Type and body.
func postReply(t *testing.T, url, secret, body string) (int, string, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set(inbound.SecretHeader, secret)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
}

func update(id, chat int64, text string) string {
	return `{"update_id":` + itoa(id) + `,"message":{"message_id":1,"date":1700000000,"chat":{"id":` + itoa(chat) +
		`,"type":"private"},"from":{"id":` + itoa(chat) + `,"is_bot":false,"first_name":"A"},"text":"` + text + `"}}`
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// A forged webhook call (no secret, a wrong one) gets 401 and stores nothing;
// a good one is handled and committed before the 200, without being stored;
// the same update delivered again is handled once.
func TestWebhookSecretStoreAndRepeat(t *testing.T) {
	pool := pgtest.New(t)
	rec := &recorder{pool: pool, seen: map[int64][]int64{}}
	d := inbound.NewDispatcher(pool, rec.handle, quiet, inbound.Options{Workers: 4, Box: testBox})
	defer d.Stop(time.Second)
	wh := &inbound.Webhook{D: d, Secret: "s3cr3t", Log: quiet}
	hs := httptest.NewServer(wh)
	defer hs.Close()

	if code := post(t, hs.URL, "", update(10, 5, "hi")); code != http.StatusUnauthorized {
		t.Fatalf("no secret: %d", code)
	}
	if code := post(t, hs.URL, "wrong", update(11, 5, "hi")); code != http.StatusUnauthorized {
		t.Fatalf("wrong secret: %d", code)
	}
	var stored int
	_ = pool.QueryRow(context.Background(), `SELECT count(*) FROM inbound_updates`).Scan(&stored)
	time.Sleep(50 * time.Millisecond)
	if stored != 0 || rec.handled() != 0 {
		t.Fatalf("a forged call stored %d and handled %d", stored, rec.handled())
	}
	if code := post(t, hs.URL, "s3cr3t", "not json"); code != http.StatusBadRequest {
		t.Fatalf("bad body: %d", code)
	}
	if code := post(t, hs.URL, "s3cr3t", update(12, 5, "hi")); code != http.StatusOK {
		t.Fatalf("good call: %d", code)
	}
	var processed int
	_ = pool.QueryRow(context.Background(), `SELECT count(*) FROM inbound_updates`).Scan(&stored)
	_ = pool.QueryRow(context.Background(), `SELECT count(*) FROM processed_updates WHERE update_id = 12`).Scan(&processed)
	if rec.handled() != 1 || processed != 1 || stored != 0 {
		t.Fatalf("at the 200: handled %d, processed %d, stored %d; want 1, 1, 0", rec.handled(), processed, stored)
	}
	for range 2 {
		if code := post(t, hs.URL, "s3cr3t", update(12, 5, "hi")); code != http.StatusOK {
			t.Fatalf("good call again: %d", code)
		}
	}
	time.Sleep(100 * time.Millisecond)
	waitUntil(t, "stored update deleted", func() bool {
		_ = pool.QueryRow(context.Background(), `SELECT count(*) FROM inbound_updates`).Scan(&stored)
		return stored == 0
	})
	if code := post(t, hs.URL, "s3cr3t", update(12, 5, "hi")); code != http.StatusOK {
		t.Fatalf("repeat after handling: %d", code)
	}
	time.Sleep(100 * time.Millisecond)
	if rec.handled() != 1 {
		t.Fatalf("repeated update handled %d times", rec.handled())
	}
}

// A webhook update that is not handled while Telegram waits is stored
// before the 200 and handled from the store, once: when its handler fails
// (here a panic) and runs again, when its handler is slower than the
// webhook's Wait, and when the dispatcher has stopped.
func TestWebhookStoresWhatItCannotHandle(t *testing.T) {
	const storedSQL = `SELECT count(*) FROM inbound_updates`

	t.Run("handler fails once", func(t *testing.T) {
		pool := pgtest.New(t)
		rec := &recorder{pool: pool, seen: map[int64][]int64{}}
		var once sync.Once
		rec.fail = func(*models.Update) { once.Do(func() { panic("first run fails") }) }
		d := inbound.NewDispatcher(pool, rec.handle, quiet, inbound.Options{Workers: 2, Box: testBox})
		defer d.Stop(time.Second)
		hs := httptest.NewServer(&inbound.Webhook{D: d, Secret: "s", Log: quiet})
		defer hs.Close()
		if code := post(t, hs.URL, "s", update(20, 5, "hi")); code != http.StatusOK {
			t.Fatalf("call: %d", code)
		}
		waitUntil(t, "handled from the store", func() bool { return rec.handled() == 1 })
		waitUntil(t, "stored copy deleted", func() bool { return count(t, pool, storedSQL) == 0 })
		if rec.runCount() != 2 || rec.handled() != 1 {
			t.Fatalf("runs %d, handled %d; want 2, 1", rec.runCount(), rec.handled())
		}
	})

	t.Run("handler slower than Wait", func(t *testing.T) {
		pool := pgtest.New(t)
		rec := &recorder{pool: pool, seen: map[int64][]int64{}, slow: 400 * time.Millisecond}
		d := inbound.NewDispatcher(pool, rec.handle, quiet, inbound.Options{Workers: 2, Box: testBox})
		defer d.Stop(time.Second)
		hs := httptest.NewServer(&inbound.Webhook{D: d, Secret: "s", Log: quiet, Wait: 20 * time.Millisecond})
		defer hs.Close()
		if code := post(t, hs.URL, "s", update(21, 5, "hi")); code != http.StatusOK {
			t.Fatalf("call: %d", code)
		}
		if n, h := count(t, pool, storedSQL), rec.handled(); n != 1 || h != 0 {
			t.Fatalf("at the 200: stored %d, handled %d; want 1, 0", n, h)
		}
		waitUntil(t, "handled", func() bool { return rec.handled() == 1 })
		// The stored copy goes once the run that outlived the call settles
		// it, without waiting for the sweep.
		waitUntil(t, "stored copy deleted", func() bool { return count(t, pool, storedSQL) == 0 })
		if rec.runCount() != 1 || rec.handled() != 1 {
			t.Fatalf("runs %d, handled %d; want 1, 1", rec.runCount(), rec.handled())
		}
	})

	t.Run("dispatcher stopped", func(t *testing.T) {
		pool := pgtest.New(t)
		rec := &recorder{pool: pool, seen: map[int64][]int64{}}
		d := inbound.NewDispatcher(pool, rec.handle, quiet, inbound.Options{Workers: 2, Box: testBox})
		d.Stop(time.Second)
		hs := httptest.NewServer(&inbound.Webhook{D: d, Secret: "s", Log: quiet})
		defer hs.Close()
		if code := post(t, hs.URL, "s", update(22, 5, "hi")); code != http.StatusOK {
			t.Fatalf("call: %d", code)
		}
		if n := count(t, pool, storedSQL); n != 1 || rec.runCount() != 0 {
			t.Fatalf("stored %d, runs %d; want 1, 0 (left for the next start)", n, rec.runCount())
		}
		next := inbound.NewDispatcher(pool, rec.handle, quiet, inbound.Options{Workers: 2, Box: testBox})
		if n, err := next.Recover(context.Background(), 0); err != nil || n != 1 {
			t.Fatalf("recovered %d, %v", n, err)
		}
		next.Stop(5 * time.Second)
		if rec.handled() != 1 || count(t, pool, storedSQL) != 0 {
			t.Fatalf("handled %d, stored %d after the next start", rec.handled(), count(t, pool, storedSQL))
		}
	})
}

// Updates of one chat are handled in order even when handling is slow and
// many chats are busy; a panicking handler does not stop the worker.
func TestPerChatOrderTimeoutAndPanic(t *testing.T) {
	pool := pgtest.New(t)
	rec := &recorder{pool: pool, seen: map[int64][]int64{}, slow: time.Millisecond}
	rec.fail = func(u *models.Update) {
		if u.ID%17 == 0 {
			panic("boom")
		}
	}
	d := inbound.NewDispatcher(pool, rec.handle, quiet, inbound.Options{Workers: 4, Box: testBox})
	id := int64(100)
	var want = map[int64][]int64{}
	for range 20 {
		for chat := int64(1); chat <= 10; chat++ {
			id++
			u := &models.Update{ID: id, Message: &models.Message{Chat: models.Chat{ID: chat}}}
			if _, err := d.Store(context.Background(), u, []byte(update(id, chat, "x"))); err != nil {
				t.Fatal(err)
			}
			d.Submit(u)
			if id%17 != 0 {
				want[chat] = append(want[chat], id)
			}
		}
	}
	if !d.Stop(10 * time.Second) {
		t.Fatal("stop timed out")
	}
	for chat, ids := range want {
		got := rec.seen[chat]
		if len(got) != len(ids) {
			t.Fatalf("chat %d: %d handled, want %d", chat, len(got), len(ids))
		}
		for i := range ids {
			if got[i] != ids[i] {
				t.Fatalf("chat %d out of order: %v", chat, got)
			}
		}
	}
	// The panicking updates stay stored? No: they were handled (and failed);
	// the handler's transaction never committed, so a repeat would run them again.
	var left int
	_ = pool.QueryRow(context.Background(), `SELECT count(*) FROM inbound_updates`).Scan(&left)
	if left != 0 {
		t.Fatalf("%d updates left stored", left)
	}
}

// Updates stored but not handled (a crash between the 200 and the handler)
// are handled at the next start, once.
func TestStoredUpdatesAreRecovered(t *testing.T) {
	pool := pgtest.New(t)
	rec := &recorder{pool: pool, seen: map[int64][]int64{}}
	d := inbound.NewDispatcher(pool, rec.handle, quiet, inbound.Options{Box: testBox})
	for id := int64(1); id <= 5; id++ {
		u := &models.Update{ID: id, Message: &models.Message{Chat: models.Chat{ID: 9}}}
		if _, err := d.Store(context.Background(), u, []byte(update(id, 9, "x"))); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := d.Recover(context.Background(), 0); err != nil || n != 5 {
		t.Fatalf("recovered %d, %v", n, err)
	}
	d.Stop(5 * time.Second)
	if got := rec.seen[9]; len(got) != 5 || got[0] != 1 || got[4] != 5 {
		t.Fatalf("recovered in order %v", got)
	}
}

// Long polling persists the offset after storing: a restarted poller goes on
// from there, and updates Telegram sends again (not confirmed before a crash)
// are handled once.
func TestPollerPersistsOffset(t *testing.T) {
	pool := pgtest.New(t)
	srv := botapitest.New()
	defer srv.Close()
	rec := &recorder{pool: pool, seen: map[int64][]int64{}}
	u := srv.NewUser(42, "A", "vi")
	var ids []int64
	for range 5 {
		ids = append(ids, u.SendText("hello"))
	}
	run := func() {
		d := inbound.NewDispatcher(pool, rec.handle, quiet, inbound.Options{Workers: 2, Box: testBox})
		p := &inbound.Poller{Pool: pool, D: d, APIURL: srv.URL(), Token: srv.Token(), Timeout: time.Second, Log: quiet}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); p.Run(ctx) }()
		waitUntil(t, "updates handled", func() bool { return rec.handled() == len(ids) })
		cancel()
		<-done
		d.Stop(time.Second)
	}
	run()
	off, err := inbound.LoadOffset(context.Background(), pool)
	if err != nil || off != ids[len(ids)-1]+1 {
		t.Fatalf("offset %d, %v; want %d", off, err, ids[len(ids)-1]+1)
	}
	// Telegram sends two of them again; a new one too.
	srv.RepeatUpdate(ids[3])
	srv.RepeatUpdate(ids[4])
	ids = append(ids, u.SendText("again"))
	run()
	time.Sleep(100 * time.Millisecond)
	if rec.handled() != 6 {
		t.Fatalf("handled %d updates, want 6", rec.handled())
	}
}

// Handled update ids are forgotten after KeepProcessed; newer ones stay.
func TestPruneProcessedUpdates(t *testing.T) {
	pool := pgtest.New(t)
	ctx := context.Background()
	if _, err := pool.Exec(ctx, `INSERT INTO processed_updates (update_id, processed_at)
		SELECT g, now() - CASE WHEN g <= 12000 THEN interval '3 days' ELSE interval '1 hour' END FROM generate_series(1, 12005) g`); err != nil {
		t.Fatal(err)
	}
	n, err := inbound.Prune(ctx, pool, inbound.KeepProcessed)
	if err != nil || n != 12000 {
		t.Fatalf("pruned %d, %v; want 12000", n, err)
	}
	var left int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM processed_updates`).Scan(&left); err != nil || left != 5 {
		t.Fatalf("%d left, %v", left, err)
	}
}

// Webhook calls that arrive together are stored by shared statements: each
// new update is reported stored exactly once (the same update_id twice at
// once included), a handled one is not stored again, and every stored row
// opens to the bytes given.
func TestStoreConcurrentCallsGroupCommit(t *testing.T) {
	pool := pgtest.New(t)
	ctx := context.Background()
	d := inbound.NewDispatcher(pool, func(context.Context, *models.Update, func([]byte) bool) {}, quiet, inbound.Options{Box: testBox})
	defer d.Stop(time.Second)
	if _, err := pool.Exec(ctx, `INSERT INTO processed_updates (update_id) SELECT g FROM generate_series(1, 50) g`); err != nil {
		t.Fatal(err)
	}
	const ids = 400
	var mu sync.Mutex
	storedTimes := map[int64]int{}
	var wg sync.WaitGroup
	for copy := 0; copy < 3; copy++ { // every update POSTed three times at once
		for id := int64(1); id <= ids; id++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				u := &models.Update{ID: id, Message: &models.Message{Chat: models.Chat{ID: id % 7}}}
				ok, err := d.Store(ctx, u, []byte(update(id, id%7, "x")))
				if err != nil {
					t.Error(err)
					return
				}
				if ok {
					mu.Lock()
					storedTimes[id]++
					mu.Unlock()
				}
			}()
		}
	}
	wg.Wait()
	for id := int64(1); id <= ids; id++ {
		want := 1
		if id <= 50 {
			want = 0 // handled before
		}
		if storedTimes[id] != want {
			t.Fatalf("update %d reported stored %d times, want %d", id, storedTimes[id], want)
		}
	}
	var rows int
	_ = pool.QueryRow(ctx, `SELECT count(*) FROM inbound_updates`).Scan(&rows)
	if rows != ids-50 {
		t.Fatalf("%d rows stored, want %d", rows, ids-50)
	}
	var stmts int
	_ = pool.QueryRow(ctx, `SELECT count(DISTINCT received_at) FROM inbound_updates`).Scan(&stmts)
	t.Logf("%d calls stored by %d statements", 3*ids, stmts)
	n, err := d.Recover(ctx, 0)
	if err != nil || n != ids-50 {
		t.Fatalf("recovered %d (%v): a stored payload did not open", n, err)
	}
}

// A handler's call rides the webhook's 200 when the call is still waiting;
// when it stopped waiting (the update stored) or for a stored update, settle
// says no, and the handler must make the call itself.
func TestWebhookReplyCarriesTheHandlersCall(t *testing.T) {
	const call = `{"method":"answerCallbackQuery","callback_query_id":"q1","text":"Đã lưu"}`
	t.Run("waiting", func(t *testing.T) {
		pool := pgtest.New(t)
		rec := &recorder{pool: pool, seen: map[int64][]int64{}, reply: []byte(call)}
		d := inbound.NewDispatcher(pool, rec.handle, quiet, inbound.Options{Workers: 2, Box: testBox})
		defer d.Stop(time.Second)
		hs := httptest.NewServer(&inbound.Webhook{D: d, Secret: "s", Log: quiet})
		defer hs.Close()
		code, ct, body := postReply(t, hs.URL, "s", update(30, 5, "hi"))
		if code != http.StatusOK || ct != "application/json" || body != call {
			t.Fatalf("reply %d %q %q; want 200 with the call", code, ct, body)
		}
		if c := rec.carriedSoFar(); len(c) != 1 || !c[0] {
			t.Fatalf("settle answered %v; want [true]", c)
		}
	})
	t.Run("stopped waiting", func(t *testing.T) {
		pool := pgtest.New(t)
		rec := &recorder{pool: pool, seen: map[int64][]int64{}, reply: []byte(call), slow: 200 * time.Millisecond}
		d := inbound.NewDispatcher(pool, rec.handle, quiet, inbound.Options{Workers: 2, Box: testBox})
		defer d.Stop(time.Second)
		hs := httptest.NewServer(&inbound.Webhook{D: d, Secret: "s", Log: quiet, Wait: 20 * time.Millisecond})
		defer hs.Close()
		if code, _, body := postReply(t, hs.URL, "s", update(31, 5, "hi")); code != http.StatusOK || body != "" {
			t.Fatalf("reply %d %q; want an empty 200 (stored)", code, body)
		}
		waitUntil(t, "handled", func() bool { return len(rec.carriedSoFar()) == 1 })
		if c := rec.carriedSoFar(); c[0] {
			t.Fatal("settle said the call rides a reply already sent")
		}
		waitUntil(t, "the stored copy deleted", func() bool { return count(t, pool, `SELECT count(*) FROM inbound_updates`) == 0 })
	})
	t.Run("stored", func(t *testing.T) {
		pool := pgtest.New(t)
		rec := &recorder{pool: pool, seen: map[int64][]int64{}, reply: []byte(call)}
		d := inbound.NewDispatcher(pool, rec.handle, quiet, inbound.Options{Workers: 2, Box: testBox})
		defer d.Stop(time.Second)
		body := []byte(update(32, 5, "hi"))
		u, err := inbound.Decode(body)
		if err != nil {
			t.Fatal(err)
		}
		if ok, err := d.Store(context.Background(), u, body); !ok || err != nil {
			t.Fatalf("Store: %v %v", ok, err)
		}
		d.Submit(u)
		waitUntil(t, "handled", func() bool { return len(rec.carriedSoFar()) == 1 })
		if c := rec.carriedSoFar(); c[0] {
			t.Fatal("settle said a stored update's call rides a webhook reply")
		}
	})
}

// A stored update whose handler returns without settling it (its failure
// could not be recorded: the database was unreachable) stays stored, and the
// sweep runs it again; one whose handler panics through is dropped
// (TestPerChatOrderTimeoutAndPanic).
func TestUnsettledStoredUpdateStaysForTheSweep(t *testing.T) {
	pool := pgtest.New(t)
	ctx := context.Background()
	var runs atomic.Int32
	h := func(_ context.Context, _ *models.Update, settle func([]byte) bool) {
		if runs.Add(1) == 1 {
			return // nothing recorded
		}
		settle(nil)
	}
	d := inbound.NewDispatcher(pool, h, quiet, inbound.Options{Workers: 1, Box: testBox})
	defer d.Stop(time.Second)
	body := []byte(update(40, 5, "hi"))
	u, err := inbound.Decode(body)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := d.Store(ctx, u, body); !ok || err != nil {
		t.Fatalf("Store: %v %v", ok, err)
	}
	d.Submit(u)
	waitUntil(t, "the first run", func() bool { return runs.Load() == 1 })
	time.Sleep(100 * time.Millisecond) // handled copies are deleted every 20 ms
	if n := count(t, pool, `SELECT count(*) FROM inbound_updates`); n != 1 {
		t.Fatalf("%d stored after a run that did not settle; want 1", n)
	}
	if n, err := d.Recover(ctx, 0); err != nil || n != 1 {
		t.Fatalf("the sweep found %d, %v; want 1", n, err)
	}
	waitUntil(t, "run again and deleted", func() bool {
		return runs.Load() == 2 && count(t, pool, `SELECT count(*) FROM inbound_updates`) == 0
	})
}
