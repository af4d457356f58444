package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Regression (issue 21, point 7): «export writes ket-qua-2026-11.xlsx into
// the working directory with mode 0600 and no word of where». It prints the
// full path of each file and writes them 0644 unless --mode says otherwise.
func TestExportSaysWhereAndMode(t *testing.T) {
	pool, _ := cleanRoster(t)
	t.Setenv("DATABASE_URL", pool.Config().ConnString())
	t.Setenv("EVALBOT_LANG", "")
	dir := t.TempDir()
	t.Chdir(dir)
	code, _, errs := capture(t, "export", "--month", "2026-11")
	full := filepath.Join(dir, "ket-qua-2026-11.xlsx")
	if code != 0 || !strings.Contains(errs, "Đã ghi tệp "+full+".") {
		t.Fatalf("exit %d:\n%s\nwant the full path %s", code, errs, full)
	}
	st, err := os.Stat(full)
	if err != nil || st.Mode().Perm() != 0o644 {
		t.Fatalf("%s: %v, mode %v", full, err, st.Mode().Perm())
	}
	code, _, errs = capture(t, "export", "--month", "2026-11", "--csv", "sub/../kq.csv", "--mode", "0600", "--lang", "en")
	full = filepath.Join(dir, "kq.csv")
	if code != 0 || !strings.Contains(errs, "Wrote "+full) {
		t.Fatalf("exit %d:\n%s", code, errs)
	}
	if st, err := os.Stat(full); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("--mode 0600: %v %v", err, st.Mode().Perm())
	}
}
