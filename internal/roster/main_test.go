package roster

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"evalbot/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// sampleDir is the shared sample roster, or the copy in testdata.
func sampleDir(t *testing.T) string {
	t.Helper()
	for _, d := range []string{"../../../shared/data/roster", "testdata/roster"} {
		if _, err := os.Stat(filepath.Join(d, "units.csv")); err == nil {
			return d
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("sample roster not found in ../../../shared/data/roster nor testdata/roster")
	}
	t.Skip("sample roster not found")
	return ""
}

func readSampleUnits(t *testing.T) []UnitRow {
	t.Helper()
	f, err := os.Open(filepath.Join(sampleDir(t), "units.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, errs, err := ReadUnits(f, f.Name())
	if err != nil || len(errs) > 0 {
		t.Fatalf("ReadUnits: %v %v", errs, err)
	}
	return rows
}

func readSampleOfficials(t *testing.T, name string) ([]OfficialRow, []RowError) {
	t.Helper()
	f, err := os.Open(filepath.Join(sampleDir(t), name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, errs, err := ReadOfficials(f, f.Name())
	if err != nil {
		t.Fatalf("ReadOfficials(%s): %v", name, err)
	}
	return rows, errs
}

// importSample loads units.csv and officials.csv into a fresh database.
func importSample(t *testing.T) *pgxpool.Pool {
	t.Helper()
	pool := pgtest.New(t)
	units := readSampleUnits(t)
	officials, errs := readSampleOfficials(t, "officials.csv")
	if len(errs) > 0 {
		t.Fatalf("officials.csv: %v", errs)
	}
	rep, err := Import(t.Context(), pool, units, officials, Options{})
	if err != nil {
		t.Fatalf("Import: %v %v", err, rep.Errors)
	}
	return pool
}

// idOf returns the id of an employee code.
func idOf(t *testing.T, pool *pgxpool.Pool, code string) int64 {
	t.Helper()
	o, err := OfficialByCode(context.Background(), pool, code)
	if err != nil {
		t.Fatalf("OfficialByCode(%s): %v", code, err)
	}
	return o.ID
}

// snapshot is a digest of every roster table, to show that nothing changed.
func snapshot(t *testing.T, pool *pgxpool.Pool) string {
	t.Helper()
	var s string
	err := pool.QueryRow(context.Background(), `SELECT
		coalesce((SELECT md5(string_agg(u::text, '|' ORDER BY id)) FROM units u), '') || '/' ||
		coalesce((SELECT md5(string_agg(o::text, '|' ORDER BY id)) FROM officials o), '') || '/' ||
		coalesce((SELECT md5(string_agg(a::text, '|' ORDER BY id)) FROM audit_log a), '') || '/' ||
		(SELECT count(*) FROM invites)::text`).Scan(&s)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func count(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

// now is a fixed clock for the tests.
func now() time.Time { return time.Date(2026, 3, 2, 8, 0, 0, 0, time.FixedZone("ICT", 7*3600)) }
