package bench

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"evalbot/internal/botapitest"
	"evalbot/internal/calendar"
	"evalbot/internal/dashboard/dashtest"
	"evalbot/internal/roster"
	"evalbot/internal/signin"
)

// WebOptions are Web's flags.
type WebOptions struct {
	Officials, Units int    // the generated city: Officials spread evenly over Units (dashtest.City)
	Requests         int    // dashboard pages fetched in the measured part
	Concurrency      int    // of them at once
	Exe              string // the evalbot binary to run as serve; "" for this one
}

// webDay is the day the city's dashboard is read on: November 2026 is the
// month under evaluation, the week of its plans is that of 3 December.
var webDay = calendar.Date{Year: 2026, Month: 12, Day: 3}

// Web is `evalbot bench web`: it generates a city (o.Officials in o.Units,
// one admin over all of it: dashtest.City), starts `evalbot serve` (o.Exe)
// on it with its web face and the fake Bot API, signs the admin in by a
// one-time link as a browser does, and fetches the dashboard o.Requests
// times, o.Concurrency at once. It prints the response times (request sent
// → last byte read, over loopback: server time plus a fraction of a
// millisecond) and serve's memory while it served them: the resident set
// (/proc, sampled every 50 ms, and the kernel's high-water mark since the
// start) and the Go heap (serve's /metrics, sampled likewise).
//
// Each request comes from its own address (X-Forwarded-For, with
// EVALBOT_WEB_TRUST_PROXY=1, as behind a reverse proxy): the per-address
// limit of the web face (10 a second) would refuse a burst from one. serve
// runs with --campaigns=false: a clock set to 3 December would otherwise
// catch up the month's campaigns and prompt the whole city.
func Web(ctx context.Context, r Report, o WebOptions) error {
	if o.Units < 1 || o.Officials < o.Units || o.Requests < 1 || o.Concurrency < 1 {
		return r.Fail("BenchWebBadSize", nil)
	}
	pool, dbURL, stop, err := benchDB(ctx, r, 8, "auto")
	if err != nil {
		return err
	}
	defer stop()
	perUnit := o.Officials / o.Units
	r.Printf("BenchWebHead", perUnit*o.Units, o.Units, o.Requests, o.Concurrency)
	t0 := time.Now()
	if err := dashtest.City(ctx, pool, o.Units, perUnit, calendar.Month{Year: 2026, Month: 11}, calendar.WeekOf(webDay)); err != nil {
		return err
	}
	if _, err := pool.Exec(ctx, `VACUUM ANALYZE`); err != nil {
		return err
	}
	r.Printf("BenchWebSeeded", time.Since(t0).Round(time.Millisecond))
	at := webDay.Time(10, 0)
	admin, err := roster.OfficialByCode(ctx, pool, dashtest.AdminCode)
	if err != nil {
		return err
	}
	token, _, err := signin.Issue(ctx, pool, admin.ID, time.Hour, at)
	if err != nil {
		return err
	}

	srv := botapitest.New()
	defer srv.Close()
	webAddr, err := freeAddr()
	if err != nil {
		return err
	}
	opsAddr, err := freeAddr()
	if err != nil {
		return err
	}
	exe := o.Exe
	if exe == "" {
		if exe, err = os.Executable(); err != nil {
			return err
		}
	}
	base := "http://" + webAddr
	cmd := exec.CommandContext(ctx, exe, "serve", "--clock-start", at.Format(time.RFC3339), "--campaigns=false")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL, "TELEGRAM_BOT_TOKEN="+srv.Token(), "TELEGRAM_API_URL="+srv.URL(),
		"EVALBOT_OPS_ADDR="+opsAddr, "EVALBOT_WEB_ADDR="+webAddr, "EVALBOT_PUBLIC_URL="+base, "EVALBOT_WEB_TRUST_PROXY=1",
		"EVALBOT_LOG_FORMAT=text")
	var logs syncBuffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	started := time.Now()
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		<-exited
	}()
	client := &http.Client{Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	client.Transport = &http.Transport{MaxIdleConnsPerHost: o.Concurrency, MaxConnsPerHost: o.Concurrency}
	for ready := false; !ready; {
		select {
		case err := <-exited:
			exited <- err
			return r.Fail("BenchServeExited", map[string]any{"Err": fmt.Sprint(err), "Log": logs.String()})
		case <-time.After(100 * time.Millisecond):
		}
		if resp, err := client.Get("http://" + opsAddr + "/readyz"); err == nil {
			resp.Body.Close()
			ready = resp.StatusCode == http.StatusOK
		}
		if !ready && time.Since(started) > time.Minute {
			return r.Fail("BenchServeExited", map[string]any{"Err": r.Say("BenchServeNotReady"), "Log": logs.String()})
		}
	}
	r.Printf("BenchWebServe", strconv.Itoa(cmd.Process.Pid), // an identifier, not a quantity: no grouping
		time.Since(started).Round(time.Millisecond), base)

	// Sign in as a browser does: the link's button posts it, the session
	// cookie comes back with the redirect to the dashboard.
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, signin.LinkURL(base, token), nil)
	req.Header.Set("Origin", base)
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "evalbot_session" {
			cookie = c
		}
	}
	if resp.StatusCode != http.StatusSeeOther || cookie == nil {
		return r.Fail("BenchWebSignIn", map[string]any{"Status": resp.StatusCode})
	}
	var addrs atomic.Int64
	get := func() (time.Duration, error) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/", nil)
		req.AddCookie(cookie)
		n := addrs.Add(1)
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", n>>16&255, n>>8&255, n&255))
		t0 := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		body, err := io.ReadAll(resp.Body)
		took := time.Since(t0)
		resp.Body.Close()
		if err != nil {
			return 0, err
		}
		if resp.StatusCode != http.StatusOK || !bytes.Contains(body, []byte(">"+strconv.Itoa(perUnit*o.Units)+"</td>")) {
			return 0, fmt.Errorf("HTTP %d, %d bytes", resp.StatusCode, len(body))
		}
		return took, nil
	}
	// The first page, outside the measure: statements prepared, templates warm.
	if _, err := get(); err != nil {
		return r.Fail("BenchWebPage", map[string]any{"Err": err.Error()})
	}

	pid := cmd.Process.Pid
	var peakRSS, peakHeap atomic.Int64
	sample := func() {
		if kb := procStatusKB(pid, "VmRSS"); kb > peakRSS.Load() {
			peakRSS.Store(kb)
		}
		if h := metricValue(client, "http://"+opsAddr+"/metrics", "go_memstats_heap_alloc_bytes"); h > peakHeap.Load() {
			peakHeap.Store(h)
		}
	}
	sctx, stopSampling := context.WithCancel(ctx)
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			sample()
			select {
			case <-sctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	var mu sync.Mutex
	var took []time.Duration
	var failed []string
	jobs := make(chan struct{})
	var wg sync.WaitGroup
	t0 = time.Now()
	for range o.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range jobs {
				d, err := get()
				mu.Lock()
				if err != nil {
					failed = append(failed, err.Error())
				} else {
					took = append(took, d)
				}
				mu.Unlock()
			}
		}()
	}
	for range o.Requests {
		jobs <- struct{}{}
	}
	close(jobs)
	wg.Wait()
	elapsed := time.Since(t0)
	stopSampling()
	<-sampled
	sample()
	if len(failed) > 0 {
		return r.Fail("BenchWebPage", map[string]any{"Err": fmt.Sprintf("%d × %s", len(failed), failed[0])})
	}
	slices.Sort(took)
	r.Printf("BenchWebTimes", pct(took, 50), pct(took, 95), took[len(took)-1].Round(10*time.Microsecond),
		float64(len(took))/elapsed.Seconds())
	r.Printf("BenchWebMemory", float64(peakRSS.Load())/1024, float64(procStatusKB(pid, "VmHWM"))/1024,
		float64(procStatusKB(pid, "VmRSS"))/1024, float64(peakHeap.Load())/(1<<20))
	return nil
}

// freeAddr is a free loopback address (host:port) for a child's listener.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// procStatusKB is a "kB" field of /proc/<pid>/status (VmRSS, VmHWM), 0 when
// unreadable.
func procStatusKB(pid int, field string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	return 0
}

// metricValue reads one unlabelled gauge from a Prometheus text page, 0
// when absent.
func metricValue(c *http.Client, url, name string) int64 {
	resp, err := c.Get(url)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err == nil {
				return int64(f)
			}
		}
	}
	return 0
}

// syncBuffer is a bytes.Buffer a child process and a reader may share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
