package evaluation

import (
	"os"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"evalbot/internal/pgtest"
	"evalbot/internal/roster"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// demoWard is a fresh database holding the demo ward's roster and catalogue
// (internal/demo/roster).
func demoWard(t *testing.T) *pgxpool.Pool {
	t.Helper()
	pool := pgtest.New(t)
	read := func(name string) *os.File {
		f, err := os.Open("../demo/roster/" + name)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	us, errs, err := roster.ReadUnits(read("units.csv"), "units.csv")
	if err != nil || len(errs) > 0 {
		t.Fatal(errs, err)
	}
	ofs, errs, err := roster.ReadOfficials(read("officials.csv"), "officials.csv")
	if err != nil || len(errs) > 0 {
		t.Fatal(errs, err)
	}
	if _, err := roster.Import(t.Context(), pool, us, ofs, roster.Options{}); err != nil {
		t.Fatal(err)
	}
	items, errs, err := roster.ReadCatalogue(read("catalogue.csv"), "catalogue.csv")
	if err != nil || len(errs) > 0 {
		t.Fatal(errs, err)
	}
	if _, err := roster.ImportCatalogue(t.Context(), pool, "", items, roster.Options{}); err != nil {
		t.Fatal(err)
	}
	return pool
}

// officialID is the id of the official with the employee code.
func officialID(t *testing.T, pool *pgxpool.Pool, code string) int64 {
	t.Helper()
	var id int64
	if err := pool.QueryRow(t.Context(), `SELECT id FROM officials WHERE employee_code = $1`, code).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}
