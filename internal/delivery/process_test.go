package delivery_test

import (
	"context"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"evalbot/internal/botapitest"
	"evalbot/internal/calendar"
	"evalbot/internal/delivery"
	"evalbot/internal/pgtest"
)

// These tests run the real binary: `evalbot serve` against the fake Bot API of
// the test process (TELEGRAM_API_URL), so that the fake outlives the bot.

func buildEvalbot(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	exe := filepath.Join(t.TempDir(), "evalbot")
	cmd := exec.Command("go", "build", "-o", exe, "./cmd/evalbot")
	cmd.Dir = "../.."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return exe
}

// seedOfficials binds n officials (units of 50 under one top head) to chats
// 1,000,000 + k that started the bot on srv; all but the top are prompted at month end.
func seedOfficials(t *testing.T, pool *pgxpool.Pool, srv *botapitest.Server, n int) []int64 {
	t.Helper()
	ctx := context.Background()
	_, err := pool.Exec(ctx, `
		WITH root AS (INSERT INTO units (code, name) VALUES ('ROOT', 'UBND') RETURNING id),
		top AS (INSERT INTO officials (employee_code, full_name, unit_id, category, is_head, telegram_user_id, chat_id)
		        SELECT 'E0', 'Chủ tịch', id, 'can_bo', true, 1000000, 1000000 FROM root)
		INSERT INTO units (code, name, parent_id) SELECT 'U' || g, 'Phòng ' || g, root.id FROM root, generate_series(1, $1) g`, (n+49)/50)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `
		INSERT INTO officials (employee_code, full_name, unit_id, category, is_head, telegram_user_id, chat_id)
		SELECT 'E' || g, 'Cán bộ ' || g, u.id, 'cong_chuc', (g - 1) % 50 = 0, 1000000 + g, 1000000 + g
		FROM generate_series(1, $1) g JOIN units u ON u.code = 'U' || ((g - 1) / 50 + 1)`, n); err != nil {
		t.Fatal(err)
	}
	chats := make([]int64, 0, n)
	for k := 0; k <= n; k++ {
		srv.NewUser(int64(1000000+k), "CB", "vi").Start("")
		if k > 0 {
			chats = append(chats, int64(1000000+k))
		}
	}
	return chats
}

// monthEndClock is November 2026's self-assessment moment, with the other
// campaigns due then marked as fired.
func monthEndClock(t *testing.T, pool *pgxpool.Pool) time.Time {
	t.Helper()
	cal := calendar.Default()
	at := cal.LastWorkingDay(calendar.Month{Year: 2026, Month: 11}).Time(9, 5)
	day := calendar.DateOf(at)
	m := day.YearMonth()
	if _, err := pool.Exec(context.Background(), `INSERT INTO campaign_runs (campaign, period) VALUES
		('week_plan', $1), ('week_report', $1), ('month_plan', $2), ('self_remind', $3), ('publish', $3), ('review_chase', $4)`,
		calendar.WeekOf(day).String(), m.String(), m.Prev().String(), day.String()); err != nil {
		t.Fatal(err)
	}
	return at
}

func startServe(t *testing.T, exe, dbURL string, srv *botapitest.Server, at time.Time, rate float64, name string, extra ...string) *exec.Cmd {
	t.Helper()
	args := append([]string{"serve", "--rate", strconv.FormatFloat(rate, 'f', -1, 64), "--grace", "5s",
		"--clock-start", at.Format(time.RFC3339)}, extra...)
	cmd := exec.Command(exe, args...)
	// --webhook is production for serve: it wants a real citizen key.
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL, "TELEGRAM_BOT_TOKEN="+srv.Token(), "TELEGRAM_API_URL="+srv.URL(),
		"EVALBOT_OPS_ADDR=127.0.0.1:0", "EVALBOT_WEB_ADDR=127.0.0.1:0", "EVALBOT_CITIZEN_KEY=3f9a1c07e2b84d56a0c9e71f4b2d8a65c3e0f17b9d24a8c6")
	logf, err := os.Create(filepath.Join(t.TempDir(), name+".log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_, _ = cmd.Process.Wait()
		if t.Failed() {
			b, _ := os.ReadFile(logf.Name())
			t.Logf("%s log:\n%s", name, b)
		}
	})
	return cmd
}

func waitFor(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// The month-end fan-out killed with SIGKILL halfway and restarted: every
// official gets exactly one prompt; SIGTERM then stops serve cleanly.
//
// Telegram has no idempotency key, so exactly once around a SIGKILL cannot
// be promised for the request in flight: it is held before its last byte
// until the outbox says "sending", so a kill leaves it either unsent and
// resent, or (between the mark's commit and the final write, about one
// database round trip) "unconfirmed", listed by `evalbot outbox` and not
// resent. The test holds that line: nobody gets two prompts, everybody else
// gets exactly one, and the unconfirmed ones are listed. In 11 runs with the
// kill anywhere in a 10 ms send interval, 2 had one official (of 300)
// unconfirmed and not delivered.
func TestKilledHalfwayEveryOfficialGetsOnePrompt(t *testing.T) {
	exe := buildEvalbot(t)
	dbURL := pgtest.URL(t)
	pool, err := pgxpool.New(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	srv := botapitest.New(botapitest.WithLimits(100, 1, 20))
	defer srv.Close()
	const n = 300
	chats := seedOfficials(t, pool, srv, n)
	at := monthEndClock(t, pool)

	first := startServe(t, exe, dbURL, srv, at, 100, "first")
	waitFor(t, 60*time.Second, "half the prompts", func() bool { ok, _ := srv.Sent(); return ok >= n/2 })
	// Anywhere within the next send's time (10 ms at 100/s): before, during or
	// after a request.
	time.Sleep(time.Duration(rand.Int64N(int64(10 * time.Millisecond))))
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_, _ = first.Process.Wait()
	atKill, _ := srv.Sent()

	second := startServe(t, exe, dbURL, srv, at.Add(time.Minute), 100, "second")
	waitFor(t, 60*time.Second, "every prompt", func() bool {
		var open int
		err := pool.QueryRow(context.Background(), `SELECT count(*) FROM outbox WHERE state IN ('pending', 'claimed', 'sending')`).Scan(&open)
		return err == nil && open == 0
	})
	var runs int
	_ = pool.QueryRow(context.Background(), `SELECT count(*) FROM campaign_runs WHERE campaign = 'self_assess'`).Scan(&runs)
	// A row the killed sender had marked 'sending' is unconfirmed: its request
	// had been written but for the last byte, and that byte goes right after
	// the mark's commit. Unless the kill fell between the two, it arrived.
	rows, err := pool.Query(context.Background(), `SELECT chat_id FROM outbox WHERE state = 'unconfirmed'`)
	if err != nil {
		t.Fatal(err)
	}
	unconfirmed, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		t.Fatal(err)
	}
	if len(unconfirmed) > 16 {
		t.Fatalf("%d unconfirmed rows: more than the requests in flight", len(unconfirmed))
	}
	lost := atMostOnePrompt(t, srv, chats, unconfirmed)
	t.Logf("killed after %d sends; campaign runs %d; unconfirmed rows %d, of which lost %d", atKill, runs, len(unconfirmed), lost)
	if dl, err := delivery.DeadLetters(context.Background(), pool, 100); err != nil || len(dl) != len(unconfirmed) {
		t.Fatalf("evalbot outbox would list %d rows (%v), want the %d unconfirmed", len(dl), err, len(unconfirmed))
	}
	if runs != 1 {
		t.Fatalf("self-assessment campaign ran %d times", runs)
	}
	start := time.Now()
	if err := second.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := second.Wait(); err != nil {
		t.Fatalf("serve after SIGTERM: %v", err)
	}
	if took := time.Since(start); took > 6*time.Second {
		t.Fatalf("SIGTERM took %s (grace 5s)", took)
	}
}

// Two serve processes on one database: the campaign fires once, nothing is
// sent twice, and together they stay within the global limit.
func TestTwoServeProcessesShareCampaignsAndLimit(t *testing.T) {
	exe := buildEvalbot(t)
	dbURL := pgtest.URL(t)
	pool, err := pgxpool.New(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	const rate = 50
	srv := botapitest.New(botapitest.WithLimits(rate, 1, 20))
	defer srv.Close()
	const n = 250
	chats := seedOfficials(t, pool, srv, n)
	at := monthEndClock(t, pool)
	a := startServe(t, exe, dbURL, srv, at, rate, "a")
	b := startServe(t, exe, dbURL, srv, at, rate, "b")
	start := time.Now()
	waitFor(t, 60*time.Second, "every prompt", func() bool {
		var open, sent int
		err := pool.QueryRow(context.Background(), `SELECT count(*) FILTER (WHERE state IN ('pending', 'claimed', 'sending')),
			count(*) FILTER (WHERE state = 'sent') FROM outbox`).Scan(&open, &sent)
		return err == nil && open == 0 && sent >= n
	})
	took := time.Since(start)
	time.Sleep(300 * time.Millisecond) // a duplicate would show now
	exactlyOnePrompt(t, srv, chats)
	var runs int
	_ = pool.QueryRow(context.Background(), `SELECT count(*) FROM campaign_runs WHERE campaign = 'self_assess'`).Scan(&runs)
	_, rejected := srv.Sent()
	peak := maxInWindow(srv, time.Second)
	var workers int
	_ = pool.QueryRow(context.Background(), `SELECT count(DISTINCT claimed_by) FROM outbox`).Scan(&workers)
	t.Logf("two serves: %d prompts in %s (from start), %d sender(s) did the sending, 429s %d, max %d in any second (limit %d)",
		n, took.Round(time.Millisecond), workers, rejected, peak, rate)
	if runs != 1 {
		t.Fatalf("campaign ran %d times", runs)
	}
	if rejected > 0 {
		t.Fatalf("%d sends refused with 429: the two processes exceeded the limit together", rejected)
	}
	if peak > rate+rate/10 {
		t.Fatalf("%d sends within one second, limit %d", peak, rate)
	}
	for _, c := range []*exec.Cmd{a, b} {
		_ = c.Process.Signal(syscall.SIGTERM)
		if err := c.Wait(); err != nil {
			t.Fatalf("serve after SIGTERM: %v", err)
		}
	}
}
