package delivery_test

import (
	"context"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"evalbot/internal/botapitest"
	"evalbot/internal/delivery"
	"evalbot/internal/pgtest"
)

// restartPostgres restarts the test cluster (pg_ctl restart -m fast: every
// connection is cut, the server is down for a moment).
func restartPostgres(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	var dir string
	if err := pool.QueryRow(context.Background(), `SHOW data_directory`).Scan(&dir); err != nil {
		t.Fatal(err)
	}
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pg_ctl")
	sort.Strings(bins)
	bin := ""
	if len(bins) > 0 {
		bin = bins[len(bins)-1]
	} else if p, err := exec.LookPath("pg_ctl"); err == nil {
		bin = p
	} else {
		t.Skip("pg_ctl not found")
	}
	// -l: the server must not inherit our pipes (CombinedOutput would wait for it).
	cmd := exec.Command(bin, "-D", dir, "-m", "fast", "-w", "-t", "60", "-l", filepath.Join(filepath.Dir(dir), "log"), "restart")
	cmd.Dir = filepath.Dir(dir)
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Skip("no postgres user")
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("pg_ctl restart: %v\n%s", err, out)
	}
}

// PostgreSQL restarted in the middle of a campaign: nothing lost, nothing twice.
func TestPostgresRestartMidCampaign(t *testing.T) {
	if os.Getenv("TEST_DATABASE_URL") != "" {
		t.Skip("restarts the throwaway cluster only")
	}
	pool := pgtest.New(t)
	srv := botapitest.New(botapitest.WithLimits(100, 1, 20))
	defer srv.Close()
	chats := users(srv, 8000, 300)
	enqueue(t, pool, chats, "prompt")
	s := delivery.NewSender(pool, newBot(t, srv), delivery.Limits{PerSecond: 100, PerChatSecond: 1, PerChatBurst: 3}, quiet)
	stop := run(t, s)
	defer stop()
	deadline := time.Now().Add(20 * time.Second)
	for ok, _ := srv.Sent(); ok < 100; ok, _ = srv.Sent() {
		if time.Now().After(deadline) {
			t.Fatal("sending did not start")
		}
		time.Sleep(5 * time.Millisecond)
	}
	restartPostgres(t, pool)
	atRestart, _ := srv.Sent()
	waitSettled(t, pool, 60*time.Second)
	exactlyOnce(t, srv, chats)
	var states string
	_ = pool.QueryRow(context.Background(), `SELECT string_agg(state || '=' || n, ' ') FROM (SELECT state, count(*) n FROM outbox GROUP BY state) s`).Scan(&states)
	t.Logf("restarted after %d sends; outbox %s; %s", atRestart, states, s.Stats())
}
