package main

import (
	"bytes"
	"context"
	"errors"
	"io"
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

// onePerson writes an officials file holding only the sample ward's first
// person, its position changed.
func onePerson(t *testing.T) string {
	f := filepath.Join(t.TempDir(), "mot-nguoi.csv")
	must(t, os.WriteFile(f, []byte("employee_code,full_name,unit_code,category,position,is_head,phone,language\n"+
		"HB001,Nguyễn Văn Thành,PHB,Cán bộ,Chủ tịch UBND phường (kiêm),true,0912 000 101,vi\n"), 0o644))
	return f
}

// Regression (issue 21, point 1): «importing a file with one official printed
// "nghỉ/chuyển đi 28" and did it». Without --deactivate-missing nobody else
// changes and the summary says how many were left untouched; with it, 27 of
// 28 leaving needs --yes-deactivate-many; the dry run shows exactly this.
func TestImportOnePersonChangesNobodyElse(t *testing.T) {
	ctx := context.Background()
	pool, _ := cleanRoster(t)
	f := onePerson(t)
	active := func() int {
		var n int
		must(t, pool.QueryRow(ctx, `SELECT count(*) FROM officials WHERE active`).Scan(&n))
		return n
	}
	var out bytes.Buffer
	must(t, importRoster(ctx, &out, pool, importOptions{Officials: f, DryRun: true, Lang: "vi"}))
	want := "Kiểm tra xong, không có dòng lỗi. Nếu nhập thật sẽ có: đơn vị mới 0, đơn vị thay đổi 0; cán bộ mới 0, thay đổi 1, nghỉ/chuyển đi 0, không đổi 0.\n" +
		"27 người có trong danh sách đang dùng nhưng không có trong tệp: giữ nguyên (thêm --deactivate-missing để cho nghỉ).\n" +
		"Chạy thử (--dry-run): chưa ghi gì vào cơ sở dữ liệu.\n"
	if out.String() != want {
		t.Errorf("dry run:\n%s\nwant\n%s", out.String(), want)
	}
	out.Reset()
	must(t, importRoster(ctx, &out, pool, importOptions{Officials: f, DeactivateMissing: true, DryRun: true, Lang: "vi"}))
	want = "Kiểm tra xong, không có dòng lỗi. Nếu nhập thật sẽ có: đơn vị mới 0, đơn vị thay đổi 0; cán bộ mới 0, thay đổi 1, nghỉ/chuyển đi 27, không đổi 0.\n" +
		"27 trong 28 người đang dùng sẽ bị cho nghỉ, quá 10 %: khi nhập thật cần thêm --yes-deactivate-many (hoặc gõ xác nhận).\n" +
		"Chạy thử (--dry-run): chưa ghi gì vào cơ sở dữ liệu.\n"
	if out.String() != want {
		t.Errorf("dry run --deactivate-missing:\n%s\nwant\n%s", out.String(), want)
	}

	out.Reset()
	must(t, importRoster(ctx, &out, pool, importOptions{Officials: f, Lang: "vi"}))
	if n := active(); n != 28 {
		t.Fatalf("%d active after importing one person, want 28:\n%s", n, out.String())
	}
	// With the flag alone: refused, nothing written.
	out.Reset()
	if err := importRoster(ctx, &out, pool, importOptions{Officials: f, DeactivateMissing: true, Lang: "vi"}); !errors.Is(err, errFaultyRows) ||
		!strings.Contains(out.String(), "Chưa ghi gì: 27 trong 28 người đang dùng sẽ bị cho nghỉ, quá 10 %. Nếu đúng là vậy, chạy lại với --yes-deactivate-many.") {
		t.Errorf("--deactivate-missing alone: %v\n%s", err, out.String())
	}
	if n := active(); n != 28 {
		t.Fatalf("%d active after a refused import", n)
	}
	// At a terminal, a wrong number typed back confirms nothing; the right one does.
	for _, typed := range []string{"28\n", "27\n"} {
		out.Reset()
		o := importOptions{Officials: f, DeactivateMissing: true, Lang: "vi", Confirm: confirmAtTerminal(strings.NewReader(typed), &out)}
		err := importRoster(ctx, &out, pool, o)
		if typed == "28\n" && (!errors.Is(err, errFaultyRows) || active() != 28) {
			t.Fatalf("typed 28: %v, %d active\n%s", err, active(), out.String())
		}
		if typed == "27\n" && (err != nil || active() != 1) {
			t.Fatalf("typed 27: %v, %d active\n%s", err, active(), out.String())
		}
	}
}

// The flag path for CI, which has no terminal.
func TestImportYesDeactivateMany(t *testing.T) {
	ctx := context.Background()
	pool, _ := cleanRoster(t)
	var out bytes.Buffer
	must(t, importRoster(ctx, &out, pool, importOptions{Officials: onePerson(t), DeactivateMissing: true, ManyLeaving: true, Lang: "en"}))
	if !strings.Contains(out.String(), "27 left") {
		t.Errorf("report:\n%s", out.String())
	}
}

// Regression (issue 21, point 5): «open …: no such file or directory».
func TestImportMissingFileTold(t *testing.T) {
	pool, _ := cleanRoster(t)
	err := runImport(context.Background(), io.Discard, pool, "", "/nonexistent/ds.csv", false, "vi")
	if got := explain("vi", err); got != "Không mở được tệp «/nonexistent/ds.csv»: không có thư mục «/nonexistent»." {
		t.Errorf("missing file: %q", got)
	}
}

// A file over the size limit is refused by name, with the limit, before
// anything is checked or written.
func TestImportFileTooLarge(t *testing.T) {
	pool, _ := cleanRoster(t)
	f := filepath.Join(t.TempDir(), "lon.csv")
	must(t, os.WriteFile(f, nil, 0o644))
	must(t, os.Truncate(f, 21<<20))
	var out bytes.Buffer
	err := runImport(context.Background(), &out, pool, "", f, true, "vi")
	if !errors.Is(err, errFaultyRows) || !strings.Contains(out.String(), "  lon.csv: tệp lớn quá 20 MB; xin chia nhỏ tệp\n") {
		t.Errorf("%v\n%s", err, out.String())
	}
}
