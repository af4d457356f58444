package bench_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"evalbot/internal/bench"
	"evalbot/internal/locale"
	"evalbot/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// report collects the figures lines as the operator would read them (Vietnamese).
type report struct {
	cat   *locale.Catalog
	mu    sync.Mutex
	lines []string
}

func (r *report) Printf(id string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lines = append(r.lines, locale.Sprintf("vi", r.Say(id), args...)) // as the command prints it
}
func (r *report) Say(id string) string { return r.cat.Plain("vi", id, 0, nil) }
func (r *report) Fail(id string, data map[string]any) error {
	return fmt.Errorf("%s", r.cat.Plain("vi", id, 0, data))
}
func (r *report) text() string { r.mu.Lock(); defer r.mu.Unlock(); return strings.Join(r.lines, "\n") }

func newReport(t *testing.T) *report {
	cat, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	return &report{cat: cat}
}

// bench's figures lines are printf formats in the locales: both languages
// must take the same verbs in the same order.
func TestBenchLinesSameVerbs(t *testing.T) {
	cat, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	verbs := regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z]`)
	n := 0
	for _, id := range cat.IDs("vi") {
		vi, en := cat.Plain("vi", id, 0, nil), cat.Plain("en", id, 0, nil)
		if !strings.HasPrefix(id, "Bench") || !strings.Contains(vi+en, "%") {
			continue
		}
		n++
		if a, b := verbs.FindAllString(vi, -1), verbs.FindAllString(en, -1); strings.Join(a, " ") != strings.Join(b, " ") {
			t.Errorf("%s: vi %v, en %v", id, a, b)
		}
	}
	if n < 20 {
		t.Errorf("only %d figures lines", n)
	}
}

// A small fanout on a fresh database sends every prompt once.
func TestFanoutSmall(t *testing.T) {
	t.Setenv("DATABASE_URL", pgtest.URL(t))
	r := newReport(t)
	err := bench.Fanout(context.Background(), r, bench.FanoutOptions{N: 40, Rate: 200, Workers: 4, Senders: 1, Analyze: true, History: true})
	if err != nil {
		t.Fatalf("%v\n%s", err, r.text())
	}
	for _, want := range []string{"trùng 0, mất 0"} {
		if !strings.Contains(r.text(), want) {
			t.Errorf("no %q in\n%s", want, r.text())
		}
	}
}

// A short run of presses handles them all, each answered once.
func TestUpdatesShort(t *testing.T) {
	t.Setenv("DATABASE_URL", pgtest.URL(t))
	r := newReport(t)
	err := bench.Updates(context.Background(), r, bench.UpdatesOptions{N: 30, Rate: 50, Duration: time.Second, Warmup: 300 * time.Millisecond,
		Queues: 8, Press: "criterion", Conns: 4, PlanCacheMode: "auto", WebhookConnections: 10})
	if err != nil {
		t.Fatalf("%v\n%s", err, r.text())
	}
	if !strings.Contains(r.text(), "; 0 lỗi; 0 lần bấm không được trả lời") {
		t.Errorf("presses failed or unanswered:\n%s", r.text())
	}
}

// A database that already has officials is refused: a benchmark never adds
// synthetic people to a real roster.
func TestRefusesDatabaseInUse(t *testing.T) {
	pool := pgtest.New(t)
	if _, err := pool.Exec(context.Background(), `WITH u AS (INSERT INTO units (code, name) VALUES ('X', 'X') RETURNING id)
		INSERT INTO officials (employee_code, full_name, unit_id, category) SELECT 'E1', 'A', id, 'cong_chuc' FROM u`); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DATABASE_URL", pool.Config().ConnString())
	r := newReport(t)
	err := bench.Fanout(context.Background(), r, bench.FanoutOptions{N: 5, Rate: 100, Workers: 1, Senders: 1})
	if err == nil || err.Error() != r.Say("BenchDatabaseInUse") {
		t.Fatalf("got %v", err)
	}
}

// bench web on a small city: serve (this module's evalbot, built for the
// test) serves the signed-in admin's dashboard every time, and its memory
// is read.
func TestWebSmall(t *testing.T) {
	exe := filepath.Join(t.TempDir(), "evalbot")
	if out, err := exec.Command("go", "build", "-o", exe, "evalbot/cmd/evalbot").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	t.Setenv("DATABASE_URL", pgtest.URL(t))
	r := newReport(t)
	err := bench.Web(context.Background(), r, bench.WebOptions{Officials: 200, Units: 10, Requests: 20, Concurrency: 2, Exe: exe})
	if err != nil {
		t.Fatalf("%v\n%s", err, r.text())
	}
	for _, want := range []string{"200 người trong 10 đơn vị", "p50 ", "RSS cao nhất ", "heap Go cao nhất "} {
		if !strings.Contains(r.text(), want) {
			t.Errorf("no %q in\n%s", want, r.text())
		}
	}
	if strings.Contains(r.text(), "RSS cao nhất 0,0 MB") || strings.Contains(r.text(), "heap Go cao nhất 0,0 MB") {
		t.Errorf("memory not read:\n%s", r.text())
	}
}
