package bench

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"evalbot/internal/botapitest"
	"evalbot/internal/calendar"
)

// Idle is `evalbot bench idle`: it starts `evalbot serve` (o.Exe) on a seeded roster and the
// fake API, lets it settle, and reads its resident memory.
func Idle(ctx context.Context, r Report, o IdleOptions) error {
	pool, dbURL, stop, err := benchDB(ctx, r, 8, "force_custom_plan")
	if err != nil {
		return err
	}
	defer stop()
	srv := botapitest.New()
	defer srv.Close()
	if err := seedRoster(ctx, pool, nil, o.N); err != nil {
		return err
	}
	// Idle: nothing is due (the month's campaigns have run).
	at := time.Date(2026, 11, 15, 10, 0, 0, 0, calendar.Location) // a Sunday
	if err := onlySelfAssessment(ctx, pool, at); err != nil {
		return err
	}
	if _, err := pool.Exec(ctx, `INSERT INTO campaign_runs (campaign, period) VALUES ('self_assess', '2026-11') ON CONFLICT DO NOTHING`); err != nil {
		return err
	}
	exe := o.Exe
	if exe == "" {
		if exe, err = os.Executable(); err != nil {
			return err
		}
	}
	cmd := exec.CommandContext(ctx, exe, "serve", "--clock-start", at.Format(time.RFC3339))
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL, "TELEGRAM_BOT_TOKEN="+srv.Token(), "TELEGRAM_API_URL="+srv.URL(), "EVALBOT_OPS_ADDR=127.0.0.1:0")
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		<-exited
	}()
	select {
	case err := <-exited:
		exited <- err
		return r.Fail("BenchServeExited", map[string]any{"Err": err.Error(), "Log": logs.String()})
	case <-time.After(o.Settle):
	}
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", cmd.Process.Pid))
	if err != nil {
		return err
	}
	var rss, hwm string
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			rss = strings.TrimSpace(v)
		}
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			hwm = strings.TrimSpace(v)
		}
	}
	var officials int
	_ = pool.QueryRow(ctx, `SELECT count(*) FROM officials`).Scan(&officials)
	r.Printf("BenchIdle", officials, o.Settle, rss, hwm)
	return nil
}
