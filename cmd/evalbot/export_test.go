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
	// Counts are written the operator's way: 1.028 people in Vietnamese.
	if _, err := pool.Exec(t.Context(), `INSERT INTO officials (employee_code, full_name, unit_id, category)
		SELECT 'X' || g, 'Người ' || g, (SELECT id FROM units WHERE code = 'PHB-KT'), 'cong_chuc' FROM generate_series(1, 1000) g`); err != nil {
		t.Fatal(err)
	}
	for lang, want := range map[string]string{"vi": "7 đơn vị, 1.028 người", "en": "7 units, 1,028 people"} {
		if code, _, errs := capture(t, "export", "--month", "2026-11", "--csv", "-", "--lang", lang); code != 0 || !strings.Contains(errs, want) {
			t.Errorf("%s: exit %d, no %q in\n%s", lang, code, want, errs)
		}
	}
	// The default name is in the operator's language too.
	code, _, errs = capture(t, "export", "--month", "2026-11", "--lang", "en")
	full = filepath.Join(dir, "results-2026-11.xlsx")
	if code != 0 || !strings.Contains(errs, "Wrote "+full) {
		t.Fatalf("exit %d:\n%s\nwant %s", code, errs, full)
	}
}

// export --year writes the yearly table in the office layout, computed from
// the stored months; --lang en gives English headers.
func TestExportYearTable(t *testing.T) {
	pool, _ := cleanRoster(t)
	t.Setenv("DATABASE_URL", pool.Config().ConnString())
	t.Setenv("EVALBOT_LANG", "")
	if _, err := pool.Exec(t.Context(), `INSERT INTO assessments (official_id, month, framework_id, framework_version, status, graded, total, grade)
		SELECT o.id, make_date(2026, m, 1), 'hanoi-3814-2018', '1', 'approved', true, 9000 + m, 'A'
		  FROM officials o, generate_series(1, 12) m WHERE o.employee_code = 'HB003'`); err != nil {
		t.Fatal(err)
	}
	code, out, errs := capture(t, "export", "--year", "2026", "--csv", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimPrefix(out, "\uFEFF"), "\r\n")
	if !strings.HasPrefix(lines[0], "STT,Họ và tên,Chức vụ,Đơn vị,Số tháng được xếp loại,Điểm bình quân,Số tháng loại A,") ||
		!strings.Contains(lines[0], ",Xếp loại năm,Ghi chú,") {
		t.Fatalf("header %q", lines[0])
	}
	// (9001 + … + 9012) / 12 = 90.065 → 90.07 (half up, once).
	var row string
	for _, l := range lines {
		if strings.Contains(l, ",HB003,") {
			row = l
		}
	}
	if !strings.Contains(row, ",12,90.07,12,0,0,0,A,") || !strings.Contains(errs, "Kết quả năm 2026:") {
		t.Fatalf("HB003 row %q; stderr %s", row, errs)
	}
	code, out, _ = capture(t, "export", "--quarter", "2026-Q4", "--csv", "-", "--lang", "en")
	if code != 0 || !strings.Contains(out, "Months graded,Mean points") || !strings.Contains(out, "Quarterly grade") {
		t.Fatalf("exit %d: %q", code, out)
	}
}

// Regression (a new user's trial): «export --month 2026-11 --unit NOPE»
// printed «Lệnh không chạy được: no unit with that code: "NOPE"», and
// «--out /nonexistent/dir/x.xlsx» blamed a hidden temporary file that «does
// not exist» when the folder was missing; «evalbot --lang en help» was
// refused. Each is told in the operator's language, naming the value.
func TestExportFaultsToldPlainly(t *testing.T) {
	pool, _ := cleanRoster(t)
	t.Setenv("DATABASE_URL", pool.Config().ConnString())
	t.Setenv("EVALBOT_LANG", "")
	t.Chdir(t.TempDir())
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"export", "--month", "2026-11", "--unit", "NOPE"}, "Không có đơn vị mã «NOPE» (--unit)"},
		{[]string{"export", "--year", "2026", "--unit", "NOPE", "--lang", "en"}, "There is no unit with the code «NOPE» (--unit)"},
		{[]string{"export", "--month", "2026-11", "--out", "/nonexistent/dir/x.xlsx"}, "«/nonexistent/dir/x.xlsx»: không có thư mục «/nonexistent/dir»"},
	} {
		code, _, errs := capture(t, c.args...)
		if code == 0 || !strings.Contains(errs, c.want) || strings.Contains(errs, "tmp-") || strings.Contains(errs, "no unit with that code") {
			t.Errorf("evalbot %s: exit %d:\n%s\nwant %q", strings.Join(c.args, " "), code, errs, c.want)
		}
	}
	code, out, errs := capture(t, "--lang", "en", "help")
	if code != 0 || !strings.Contains(out+errs, "Commands:") {
		t.Errorf("evalbot --lang en help: exit %d:\n%s%s", code, out, errs)
	}
}

// Regression (a new user's trial): «evalbot invites --bot evalbot_demo_bot
// --ttl 5s» printed links that were dead before anyone could open them.
func TestInvitesRefuseAnUnusableTTL(t *testing.T) {
	pool, _ := cleanRoster(t)
	t.Setenv("DATABASE_URL", pool.Config().ConnString())
	t.Setenv("EVALBOT_LANG", "")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"invites", "--bot", "evalbot_demo_bot", "--ttl", "5s"}, "Thời hạn --ttl của lời mời phải từ 1 giờ đến 30 ngày"},
		{[]string{"invites", "--bot", "evalbot_demo_bot", "--ttl", "2000h", "--lang", "en"}, "between 1 hour and 30 days"},
	} {
		code, out, errs := capture(t, c.args...)
		if code == 0 || !strings.Contains(errs, c.want) || strings.Contains(out, "t.me/") {
			t.Errorf("evalbot %s: exit %d:\n%s%s\nwant %q", strings.Join(c.args, " "), code, out, errs, c.want)
		}
	}
	if code, out, errs := capture(t, "invites", "--bot", "evalbot_demo_bot", "--ttl", "48h"); code != 0 {
		t.Errorf("--ttl 48h: exit %d:\n%s%s", code, out, errs)
	}
}

// Regression (issue 21's leftovers): «evalbot discipline --code HB003 --month
// 2026-11 --level reprimand --reason "QĐ số 12"» on a person who never
// self-assessed did not show in the export's note; and under --lang en the
// monthly export's headers and notes stayed Vietnamese.
func TestExportShowsDisciplineOfAMonthNotAssessed(t *testing.T) {
	pool, _ := cleanRoster(t)
	t.Setenv("DATABASE_URL", pool.Config().ConnString())
	t.Setenv("EVALBOT_LANG", "")
	if code, _, errs := capture(t, "discipline", "--code", "HB003", "--month", "2026-11", "--level", "reprimand", "--reason", "QĐ số 12"); code != 0 {
		t.Fatalf("discipline: exit %d: %s", code, errs)
	}
	for _, c := range []struct {
		lang, header, note string
	}{
		{"vi", "Mã đơn vị,Đơn vị,STT,Mã cán bộ,Họ và tên,Chức vụ,Nhóm 1 (20 điểm),Nhóm 2 (70 điểm),",
			"chưa đánh giá; bị kỷ luật khiển trách trong tháng (QĐ số 12) → khi đánh giá sẽ xếp loại D"},
		{"en", "Unit code,Unit,No.,Employee code,Full name,Position,Group 1 (20 points),Group 2 (70 points),",
			"not assessed; disciplinary reprimand in the month (QĐ số 12) → grade D once assessed"},
	} {
		code, out, errs := capture(t, "export", "--month", "2026-11", "--csv", "-", "--lang", c.lang)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", c.lang, code, errs)
		}
		lines := strings.Split(strings.TrimPrefix(out, "\uFEFF"), "\r\n")
		if !strings.HasPrefix(lines[0], c.header) {
			t.Errorf("%s: header %q, want %q…", c.lang, lines[0], c.header)
		}
		var row string
		for _, l := range lines {
			if strings.Contains(l, ",HB003,") {
				row = l
			}
		}
		if !strings.HasSuffix(row, ","+c.note) {
			t.Errorf("%s: HB003's row %q, want the note %q", c.lang, row, c.note)
		}
	}
	// The quarter's and the year's tables say it too.
	for _, period := range [][]string{{"--year", "2026"}, {"--quarter", "2026-Q4"}} {
		code, out, errs := capture(t, append([]string{"export", "--csv", "-"}, period...)...)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", period, code, errs)
		}
		want := ",chưa có tháng nào được xếp loại; bị kỷ luật khiển trách trong tháng 11,HB003,PHB-DU"
		if !strings.Contains(out, want) {
			t.Errorf("%s: no %q in\n%s", period, want, out)
		}
		// The quarter as the dashboard and the office write it (it said «quý 4/2026»).
		if period[0] == "--quarter" && !strings.Contains(errs+out, "Kết quả quý IV/2026:") {
			t.Errorf("%s: the summary does not say «quý IV/2026»: %q", period, errs)
		}
	}
}
