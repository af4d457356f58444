package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"evalbot/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// rosterDir finds the sample roster: the shared copy, else the roster package's.
func rosterDir(t *testing.T) string {
	for _, d := range []string{"../../../shared/data/roster", "../../internal/roster/testdata/roster"} {
		if _, err := os.Stat(filepath.Join(d, "officials-messy.csv")); err == nil {
			return d
		}
	}
	t.Fatal("no sample roster found")
	return ""
}

// Importing the messy file writes nothing and lists every faulty row by
// line, in Vietnamese by default.
func TestImportMessyRosterWritesNothing(t *testing.T) {
	ctx := context.Background()
	pool, dir := cleanRoster(t)
	var out bytes.Buffer
	var before int
	must(t, pool.QueryRow(ctx, `SELECT count(*) FROM officials WHERE active`).Scan(&before))
	out.Reset()
	err := runImport(ctx, &out, pool, "", filepath.Join(dir, "officials-messy.csv"), false, "vi")
	if !errors.Is(err, errFaultyRows) {
		t.Fatalf("err = %v", err)
	}
	report := out.String()
	for _, want := range []string{"Có 7 dòng lỗi", "dòng 3: không có đơn vị mã «PHB-XX»", "dòng 4: thiếu giá trị", "dòng 5: mã «HB101» bị trùng",
		"dòng 6: loại cán bộ «Giám đốc»", "dòng 7: số điện thoại «09120»", "dòng 8: đơn vị «PHB-VP» đã có người đứng đầu", "dòng 9: ngôn ngữ «fr»"} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
	if strings.Contains(report, "dòng 2:") {
		t.Errorf("line 2 (HB101) is fine once normalized:\n%s", report)
	}
	var after int
	must(t, pool.QueryRow(ctx, `SELECT count(*) FROM officials WHERE active`).Scan(&after))
	if after != before {
		t.Fatalf("officials %d → %d: the faulty import wrote", before, after)
	}
	out.Reset()
	_ = runImport(ctx, &out, pool, "", filepath.Join(dir, "officials-messy.csv"), false, "en")
	if !strings.Contains(out.String(), "7 faulty rows; nothing was written") {
		t.Errorf("English report:\n%s", out.String())
	}
}

// Regression: a row with two faults (a bad category and a bad phone) was
// counted as two faulty rows ("Có 4 dòng lỗi" for 4 faults on 2 rows).
func TestImportCountsFaultyRowsNotFaults(t *testing.T) {
	ctx := context.Background()
	pool, _ := cleanRoster(t)
	var out bytes.Buffer
	f := filepath.Join(t.TempDir(), "officials.csv")
	must(t, os.WriteFile(f, []byte("employee_code,full_name,unit_code,category,position,is_head,phone,language\n"+
		"HB901,Lê Văn Tú,PHB-VP,Giám đốc,Chuyên viên,,09120,vi\n"+
		"HB902,Ngô Thị Lan,PHB-VP,Kế toán,Chuyên viên,,123,vi\n"), 0o600))
	out.Reset()
	if err := runImport(ctx, &out, pool, "", f, true, "vi"); !errors.Is(err, errFaultyRows) {
		t.Fatalf("err = %v\n%s", err, out.String())
	}
	report := out.String()
	if !strings.Contains(report, "Có 2 dòng lỗi") || strings.Count(report, "\n  ") != 4 {
		t.Errorf("want 2 faulty rows with their 4 faults listed:\n%s", report)
	}
}

// cleanRoster is a database with the sample roster imported, and the
// roster's folder.
func cleanRoster(t *testing.T) (*pgxpool.Pool, string) {
	t.Helper()
	pool := pgtest.New(t)
	dir := rosterDir(t)
	var out bytes.Buffer
	if err := runImport(context.Background(), &out, pool, filepath.Join(dir, "units.csv"), filepath.Join(dir, "officials.csv"), false, "vi"); err != nil {
		t.Fatalf("clean import: %v\n%s", err, out.String())
	}
	return pool, dir
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
