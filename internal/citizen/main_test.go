package citizen_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"evalbot/internal/calendar"
	"evalbot/internal/citizen"
	"evalbot/internal/pgtest"
	"evalbot/internal/roster"
	"evalbot/internal/store"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// sampleDir is the shared sample roster, or the copy in roster's testdata.
func sampleDir(t *testing.T) string {
	t.Helper()
	for _, d := range []string{"../../../shared/data/roster", "../roster/testdata/roster"} {
		if _, err := os.Stat(filepath.Join(d, "desks.csv")); err == nil {
			return d
		}
	}
	t.Fatal("sample roster not found")
	return ""
}

// sample loads the sample ward and its desks (HCC-Q1..Q4) into a fresh database.
func sample(t *testing.T) *pgxpool.Pool {
	t.Helper()
	ctx := context.Background()
	pool := pgtest.New(t)
	dir := sampleDir(t)
	uf, err := os.Open(filepath.Join(dir, "units.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer uf.Close()
	us, errs, err := roster.ReadUnits(uf, "units.csv")
	if err != nil || len(errs) > 0 {
		t.Fatal(err, errs)
	}
	of, err := os.Open(filepath.Join(dir, "officials.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer of.Close()
	os_, errs, err := roster.ReadOfficials(of, "officials.csv")
	if err != nil || len(errs) > 0 {
		t.Fatal(err, errs)
	}
	if rep, err := roster.Import(ctx, pool, us, os_, roster.Options{}); err != nil || len(rep.Errors) > 0 {
		t.Fatal(err, rep.Errors)
	}
	df, err := os.Open(filepath.Join(dir, "desks.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer df.Close()
	rows, rerrs, err := citizen.ReadDesks(df, "desks.csv")
	if err != nil || len(rerrs) > 0 {
		t.Fatal(err, rerrs)
	}
	err = store.InTx(ctx, pool, func(tx pgx.Tx) error {
		rep, err := citizen.ImportDesks(ctx, tx, "desks.csv", rows, now)
		if err == nil && (rep.Created != 4 || len(rep.Errors) > 0) {
			t.Fatalf("import: %+v", rep)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return pool
}

// now is Wednesday 25 November 2026, 10:00 in Hanoi.
var now = time.Date(2026, 11, 25, 10, 0, 0, 0, calendar.Location)

var today = calendar.DateOf(now)

func official(t *testing.T, db store.DB, code string) roster.Official {
	t.Helper()
	o, err := roster.OfficialByCode(context.Background(), db, code)
	if err != nil {
		t.Fatal(code, err)
	}
	return o
}

func desk(t *testing.T, db store.DB, code string) (citizen.Desk, citizen.Code) {
	t.Helper()
	ctx := context.Background()
	d, err := citizen.DeskByCode(ctx, db, code)
	if err != nil {
		t.Fatal(code, err)
	}
	c, err := citizen.ActiveCode(ctx, db, d.ID, now)
	if err != nil {
		t.Fatal(err)
	}
	return d, c
}

// vote builds a vote on desk code for whoever serves there today.
func vote(t *testing.T, db store.DB, deskCode string, citizenID int64, l citizen.Level, at time.Time) citizen.Vote {
	t.Helper()
	d, c := desk(t, db, deskCode)
	serving, ok, err := citizen.ServingOn(context.Background(), db, d.ID, calendar.DateOf(at))
	if err != nil || !ok {
		t.Fatalf("nobody serves at %s: %v", deskCode, err)
	}
	if err := citizen.RecordScan(context.Background(), db, citizen.Hash(citizenID), c, at, citizen.Limits{}); err != nil {
		t.Fatal(err)
	}
	return citizen.Vote{CodeID: c.ID, OfficialID: serving, Day: calendar.DateOf(at), Citizen: citizen.Hash(citizenID), Level: l, Now: at}
}

func TestReadDesksFaults(t *testing.T) {
	in := "\ufeffDesk code,Name,Unit code,Employee code\n" +
		"hcc-q1,Quầy 1,PHB-HCC,HB022\n" +
		",Quầy 2,PHB-HCC,\n" +
		"HCC-Q1,Quầy trùng,PHB-HCC,\n" +
		"HCC Q9,Quầy 9,PHB-HCC,\n" +
		"\n"
	rows, errs, err := citizen.ReadDesks(strings.NewReader(in), "d.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Code != "HCC-Q1" || rows[0].EmployeeCode != "HB022" || rows[0].Line != 2 {
		t.Fatalf("rows %+v", rows)
	}
	want := []string{"3 desk_code missing_value", "4 desk_code duplicate_code", "5 desk_code invalid_code"}
	if len(errs) != len(want) {
		t.Fatalf("errors %v", errs)
	}
	for i, e := range errs {
		if got := itoa(e.Line) + " " + e.Field + " " + e.Code; got != want[i] {
			t.Errorf("error %d: %q, want %q", i, got, want[i])
		}
	}
	if _, errs, _ := citizen.ReadDesks(strings.NewReader("code,name\nA,B\n"), "x.csv"); len(errs) != 1 || errs[0].Code != citizen.CodeMissingColumns {
		t.Fatalf("missing unit column: %v", errs)
	}
}

func TestImportDesks(t *testing.T) {
	ctx := context.Background()
	pool := sample(t)
	d, c := desk(t, pool, "HCC-Q1")
	if d.Name != "Quầy 1 - Đất đai và xây dựng" || d.OfficialID == nil || !citizen.IsPayload(c.Code) {
		t.Fatalf("desk %+v code %+v", d, c)
	}
	if o := official(t, pool, "HB022"); *d.OfficialID != o.ID {
		t.Fatalf("HCC-Q1 served by %d, want HB022", *d.OfficialID)
	}
	// Re-importing changes nothing and keeps the codes.
	rows, _, _ := citizen.ReadDesks(strings.NewReader("desk_code,name,unit_code,employee_code\nHCC-Q1,Quầy 1 - Đất đai và xây dựng,PHB-HCC,HB022\nHCC-Q2,Quầy 2 mới,PHB-HCC,HB024\n"), "d.csv")
	var rep citizen.ImportReport
	must(t, store.InTx(ctx, pool, func(tx pgx.Tx) (err error) {
		rep, err = citizen.ImportDesks(ctx, tx, "d.csv", rows, now)
		return err
	}))
	if rep.Unchanged != 1 || rep.Updated != 1 || rep.Created != 0 {
		t.Fatalf("reimport %+v", rep)
	}
	if _, c2 := desk(t, pool, "HCC-Q1"); c2 != c {
		t.Fatal("re-import changed the code")
	}
	// Faulty rows write nothing.
	rows, _, _ = citizen.ReadDesks(strings.NewReader("desk_code,name,unit_code,employee_code\nHCC-Q5,Quầy 5,NOPE,\nHCC-Q6,Quầy 6,PHB-HCC,HB001\nHCC-Q7,Quầy 7,PHB-HCC,HB999\nHCC-Q8,Quầy 8,PHB-HCC,\n"), "d.csv")
	must(t, store.InTx(ctx, pool, func(tx pgx.Tx) (err error) {
		rep, err = citizen.ImportDesks(ctx, tx, "d.csv", rows, now)
		return err
	}))
	if len(rep.Errors) != 3 || rep.Errors[0].Code != citizen.CodeUnknownUnit || rep.Errors[1].Code != citizen.CodeNotInUnit ||
		rep.Errors[2].Code != citizen.CodeUnknownOfficial {
		t.Fatalf("faults %+v", rep.Errors)
	}
	if _, err := citizen.DeskByCode(ctx, pool, "HCC-Q8"); err != citizen.ErrNotFound {
		t.Fatal("a faulty import wrote a desk")
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
