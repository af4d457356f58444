package yearly_test

import (
	"bufio"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"evalbot/internal/locale"
	"evalbot/internal/pgtest"
	"evalbot/internal/report"
	"evalbot/internal/yearly"
)

// BenchmarkYear100k: the yearly results of 100,000 officials in 5,000 units
// with 12 stored months each (one in ten moved unit in July, one month in
// twenty not graded, a few disciplines), computed, stored as drafts, and
// exported as XLSX and CSV. Seeded with set-based SQL; the figures reported
// are the seconds of compute + save + export and the peak Go heap and the
// process's peak resident memory (VmHWM). Run it alone:
//
//	go test -run '^$' -bench Year100k -benchtime 1x ./internal/yearly/
func BenchmarkYear100k(b *testing.B) {
	ctx := b.Context()
	people := 100000 // EVALBOT_BENCH_PEOPLE: fewer, for a quick look at where memory goes
	if v, err := strconv.Atoi(os.Getenv("EVALBOT_BENCH_PEOPLE")); err == nil && v >= 5000 {
		people = v
	}
	pool := pgtest.New(b)
	start := time.Now()
	for _, sql := range []string{
		`INSERT INTO units (id, code, name, parent_id, framework_id)
		 SELECT 1, 'ROOT', 'Ủy ban nhân dân thành phố', NULL, 'nd-335-2025'`,
		`INSERT INTO units (id, code, name, parent_id, framework_id)
		 SELECT u, 'U' || lpad(u::text, 4, '0'), 'Phòng Nội vụ số ' || u, 1, CASE WHEN u % 2 = 0 THEN 'nd-335-2025' ELSE 'hanoi-3814-2018' END
		   FROM generate_series(2, 5000) u`,
		`INSERT INTO officials (id, employee_code, full_name, unit_id, category, position, is_head)
		 SELECT i, 'E' || lpad(i::text, 6, '0'),
		        (ARRAY['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng'])[1 + i % 5] || ' Văn ' || (ARRAY['An', 'Bình', 'Cường', 'Dũng', 'Hải', 'Hòa', 'Quý'])[1 + i % 7],
		        1 + (i - 1) % 5000, 'cong_chuc', CASE WHEN i <= 5000 THEN 'Trưởng phòng' ELSE 'Chuyên viên' END, i <= 5000
		   FROM generate_series(1, $1::int) i`,
		`SELECT setval('units_id_seq', 5000), setval('officials_id_seq', $1::int)`,
		// One in ten moved in July: January–June in the unit next door.
		`INSERT INTO assessments (official_id, month, framework_id, framework_version, status, graded, total, grade, unit_id, reviewer_id)
		 SELECT o.id, make_date(2026, m, 1), 'nd-335-2025', '1', 'approved', (o.id + m) % 20 <> 0,
		        CASE WHEN (o.id + m) % 20 <> 0 THEN t END,
		        CASE WHEN (o.id + m) % 20 <> 0 THEN CASE WHEN t >= 9000 THEN 'A' WHEN t >= 7000 THEN 'B' WHEN t >= 5000 THEN 'C' ELSE 'D' END END,
		        CASE WHEN o.id % 10 = 0 AND m <= 6 AND o.unit_id > 2 THEN o.unit_id - 1 ELSE o.unit_id END, NULL
		   FROM officials o, generate_series(1, 12) m, LATERAL (SELECT 4000 + (o.id * 7919 + m * 104729) % 6001 AS t) x`,
		`INSERT INTO disciplines (official_id, month, level, reason)
		 SELECT id, '2026-05-01', 'reprimand', 'QĐ' FROM officials WHERE id % 997 = 0`,
		`ANALYZE`,
	} {
		var args []any
		if strings.Contains(sql, "$1") {
			args = append(args, people)
		}
		if _, err := pool.Exec(ctx, sql, args...); err != nil {
			b.Fatalf("%s: %v", sql, err)
		}
	}
	b.Logf("seeded %d officials, 5,000 units, %d months in %s", people, 12*people, time.Since(start).Round(time.Millisecond))
	cat, err := locale.Load()
	if err != nil {
		b.Fatal(err)
	}
	tr := func(id string, data map[string]any) string { return cat.Plain("vi", id, 0, data) }
	dir := b.TempDir()

	runtime.GC()
	var peakHeap, peakSys, phase uint64
	var mu sync.Mutex
	phasePeak := func() uint64 { // the heap peak since the last call
		mu.Lock()
		defer mu.Unlock()
		p := phase
		phase = 0
		return p >> 20
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // sample the Go heap every 50 ms
		defer wg.Done()
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			mu.Lock()
			peakHeap, peakSys, phase = max(peakHeap, ms.HeapInuse), max(peakSys, ms.Sys), max(phase, ms.HeapInuse)
			mu.Unlock()
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	b.ResetTimer()
	for b.Loop() {
		t0 := time.Now()
		tx, err := pool.Begin(ctx)
		if err != nil {
			b.Fatal(err)
		}
		res, err := yearly.Compute(ctx, tx, yearly.Period{Year: 2026}, "", nil)
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		m1 := phasePeak()
		n, err := yearly.Save(ctx, tx, res)
		if err != nil {
			b.Fatal(err)
		}
		if err := tx.Commit(ctx); err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		m2 := phasePeak()
		if err := writeFile(dir+"/nam-2026.xlsx", func(w io.Writer) error { return report.WritePeriodXLSX(w, res, tr) }); err != nil {
			b.Fatal(err)
		}
		t3 := time.Now()
		m3 := phasePeak()
		if err := writeFile(dir+"/nam-2026.csv", func(w io.Writer) error { return report.WritePeriodCSV(w, res, tr) }); err != nil {
			b.Fatal(err)
		}
		t4 := time.Now()
		m4 := phasePeak()
		b.Logf("heap peak by phase: compute %d MB, save %d MB, xlsx %d MB, csv %d MB", m1, m2, m3, m4)
		c, listed := report.PeriodCounts(res)
		if listed != people {
			b.Fatalf("%d people listed, want %d", listed, people)
		}
		b.Logf("compute %s, save %s (%d rows), xlsx %s, csv %s; total %s; grades A %d B %d C %d D %d not graded %d",
			t1.Sub(t0).Round(time.Millisecond), t2.Sub(t1).Round(time.Millisecond), n, t3.Sub(t2).Round(time.Millisecond),
			t4.Sub(t3).Round(time.Millisecond), t4.Sub(t0).Round(time.Millisecond), c[0], c[1], c[2], c[3], c[4])
		b.ReportMetric(t4.Sub(t0).Seconds(), "s/year")
	}
	b.StopTimer()
	close(stop)
	wg.Wait()
	b.ReportMetric(float64(peakHeap)/(1<<20), "MB-heap-peak")
	b.ReportMetric(float64(peakSys)/(1<<20), "MB-sys-peak")
	b.Logf("peak Go heap in use %d MB, Go memory from the OS %d MB, process peak RSS %s",
		peakHeap>>20, peakSys>>20, vmHWM())
}

func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	if err := write(w); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// vmHWM is the process's peak resident set size from /proc/self/status.
func vmHWM() string {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, l := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}
