package main

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"evalbot/internal/app/apikeys"
)

// goTexts are pieces of Go's and PostgreSQL's English an operator must never
// read (without --verbose).
var goTexts = []string{"ERROR:", "SQLSTATE", "LIMIT must", "read /", "is a directory", "connect:", "connection refused", "dial tcp"}

func noGoText(t *testing.T, what, s string) {
	t.Helper()
	for _, w := range goTexts {
		if strings.Contains(s, w) {
			t.Errorf("%s: %q in %q", what, w, s)
		}
	}
}

// Regression (clerk trial, point 1): «evalbot outbox --limit -5 → Lệnh không
// chạy được: ERROR: LIMIT must not be negative (SQLSTATE 2201W)», and
// «--limit -1» silently accepted. Whole-number flags are bounded where they
// are declared, and refused before anything runs.
func TestBoundedIntFlags(t *testing.T) {
	t.Setenv("EVALBOT_LANG", "")
	t.Setenv("DATABASE_URL", "")
	for _, args := range [][]string{{"outbox", "--limit", "-5"}, {"outbox", "--limit", "-1"}, {"outbox", "--limit", "0"},
		{"serve", "--queues", "-3"}, {"bench", "web", "--officials", "0"}} {
		code, _, errs := capture(t, args...)
		if code != 2 || !strings.Contains(errs, "nằm ngoài khoảng cho phép: ghi một số nguyên từ 1 đến") {
			t.Errorf("evalbot %s: exit %d\n%s", strings.Join(args, " "), code, errs)
		}
		noGoText(t, strings.Join(args, " "), errs)
	}
	code, _, errs := capture(t, "outbox", "--lang", "en", "--limit", "-5")
	if code != 2 || !strings.Contains(errs, "The value «-5» given to --limit is out of range: write a whole number from 1 to 10000.") {
		t.Errorf("en: exit %d\n%s", code, errs)
	}
}

// Regression (point 1): a PostgreSQL error reached the operator as
// «ERROR: LIMIT must not be negative (SQLSTATE 2201W)»; every command's
// failure goes through explain, which tells it by its SQLSTATE class.
func TestExplainDatabaseError(t *testing.T) {
	err := fmt.Errorf("outbox: %w", &pgconn.PgError{Severity: "ERROR", Code: "2201W", Message: "LIMIT must not be negative"})
	got := explain("vi", err)
	if got != "Cơ sở dữ liệu từ chối lệnh: một giá trị nằm ngoài khoảng cho phép hoặc sai dạng (mã lỗi 2201W)." {
		t.Errorf("explain: %q", got)
	}
	noGoText(t, "pg error", got)
}

// Regression (point 1): «evalbot import --officials /tmp --dry-run → tmp:
// không đọc được tệp (read /tmp: is a directory): …». The reader's own
// error is told by explain, by the name given.
func TestImportFolderForFile(t *testing.T) {
	pool, dir := cleanRoster(t)
	t.Setenv("DATABASE_URL", pool.Config().ConnString())
	t.Setenv("EVALBOT_LANG", "")
	code, out, errs := capture(t, "import", "--officials", "/tmp", "--dry-run")
	if code != 1 || !strings.Contains(errs, "Không mở được tệp «/tmp»: đây là một thư mục.") {
		t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	noGoText(t, "import /tmp", out+errs)
	code, _, errs = capture(t, "catalogue", "import", "--file", dir, "--dry-run")
	if code != 1 || !strings.Contains(errs, "đây là một thư mục") {
		t.Errorf("catalogue: exit %d\n%s", code, errs)
	}
	noGoText(t, "catalogue import dir", errs)
}

// Regression (point 1): «evalbot health with no serve → … /readyz (connect:
// connection refused): serve có đang chạy không?». The network's reason is
// told in the operator's language (netReason, shared with explain).
func TestHealthNoServeInWords(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	t.Setenv("EVALBOT_OPS_ADDR", addr)
	t.Setenv("EVALBOT_LANG", "")
	code, _, errs := capture(t, "health")
	if code != 1 || !strings.Contains(errs, "(không có chương trình nào nhận kết nối ở địa chỉ đó): serve có đang chạy không?") {
		t.Errorf("exit %d\n%s", code, errs)
	}
	noGoText(t, "health", errs)
	if got := explain("vi", &net.OpError{Op: "dial", Net: "tcp", Err: timeoutErr{}}); got != "Không kết nối được: quá thời gian chờ trả lời." {
		t.Errorf("timeout: %q", got)
	}
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

// Regression (point 4): «export --year 26 writes ket-qua-26.xlsx»,
// «--year 1999 and --month 2031-05 accepted», «--year 0 says Cần đúng một
// kỳ». Every period flag goes through one parser bounded from 2018 to next
// year.
func TestPeriodFlagsBounded(t *testing.T) {
	t.Setenv("EVALBOT_LANG", "")
	t.Setenv("DATABASE_URL", "")
	next := time.Now().Year() + 1
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"export", "--year", "26"}, "Năm «26» ở --year không hợp lệ: ghi đủ bốn chữ số, ví dụ 2026."},
		{[]string{"export", "--year", "0"}, "Năm «0» ở --year không hợp lệ"},
		{[]string{"export", "--year", "1999"}, fmt.Sprintf("Kỳ «1999» ở --year không hợp lệ: năm phải từ 2018 (năm ban hành Quyết định 3814-QĐ/TU) đến %d.", next)},
		{[]string{"export", "--month", "2031-05"}, "Kỳ «2031-05» ở --month không hợp lệ"},
		{[]string{"export", "--quarter", "2016-Q1"}, "Kỳ «2016-Q1» ở --quarter không hợp lệ"},
		{[]string{"discipline", "--code", "HB003", "--month", "2031-05", "--level", "warning", "--reason", "x"}, "Kỳ «2031-05» ở --month không hợp lệ"},
		{[]string{"absence", "--code", "HB003", "--from", "1999-11-02", "--to", "1999-11-03"}, "Kỳ «1999-11-02» ở --from không hợp lệ"},
	} {
		code, out, errs := capture(t, c.args...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("evalbot %s: exit %d\n%s%s\nwant %q", strings.Join(c.args, " "), code, out, errs, c.want)
		}
	}
}

// Regression (point 6): «--lang fr silently falls back»: refused with the
// languages there are.
func TestUnknownLangRefused(t *testing.T) {
	t.Setenv("EVALBOT_LANG", "")
	code, _, errs := capture(t, "outbox", "--lang", "fr")
	if code != 2 || !strings.Contains(errs, "Không có ngôn ngữ «fr» ở --lang: chọn một trong vi, en.") {
		t.Errorf("exit %d\n%s", code, errs)
	}
	if code, _, errs := capture(t, "outbox", "--lang", "en-US", "--limit", "0"); code != 2 || !strings.Contains(errs, "out of range") {
		t.Errorf("en-US: exit %d\n%s", code, errs)
	}
	t.Setenv("EVALBOT_LANG", "fr")
	if code, _, errs := capture(t, "help"); code != 2 || !strings.Contains(errs, "Không có ngôn ngữ «fr» (EVALBOT_LANG hoặc --lang đặt trước lệnh): chọn một trong vi, en.") {
		t.Errorf("EVALBOT_LANG=fr: exit %d\n%s", code, errs)
	}
}

// Regression (point 2): «running evalbot absence twice writes two rows and
// an overlapping period is accepted; a second discipline with --level
// warning silently replaces the reprimand while both say "Đã ghi"; admin
// --code HB006 --unit PHB-VP --revoke on a grant that never existed says
// "Đã thu hồi…" (exit 0)».
func TestRecordsSayWhatHappened(t *testing.T) {
	pool, _ := cleanRoster(t)
	t.Setenv("DATABASE_URL", pool.Config().ConnString())
	t.Setenv("EVALBOT_LANG", "")
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"absence", "--code", "HB003", "--from", "2026-11-02", "--to", "2026-11-20", "--kind", "sick"}, 0, "Đã ghi: HB003 nghỉ ốm từ 02/11/2026 đến 20/11/2026."},
		{[]string{"absence", "--code", "HB003", "--from", "2026-11-02", "--to", "2026-11-20", "--kind", "sick"}, 0, "Đã có: HB003 nghỉ ốm từ 02/11/2026 đến 20/11/2026 đã được ghi trước đây, không ghi thêm."},
		{[]string{"absence", "--code", "HB003", "--from", "2026-11-15", "--to", "2026-11-25", "--kind", "leave"}, 1, "Không ghi: HB003 đã có nghỉ ốm từ 02/11/2026 đến 20/11/2026, trùng với những ngày này."},
		{[]string{"absence", "--code", "HB003", "--list"}, 0, "HB003 có 1 kỳ nghỉ đã ghi.\n  nghỉ ốm từ 02/11/2026 đến 20/11/2026"},
		{[]string{"discipline", "--code", "HB003", "--month", "2026-11", "--level", "reprimand", "--reason", "QĐ 12"}, 0, "Đã ghi: HB003 bị khiển trách trong tháng 11/2026"},
		{[]string{"discipline", "--code", "HB003", "--month", "2026-11", "--level", "reprimand", "--reason", "QĐ 12"}, 0, "Đã có: HB003 bị khiển trách trong tháng 11/2026 với cùng căn cứ"},
		{[]string{"discipline", "--code", "HB003", "--month", "2026-11", "--level", "warning", "--reason", "QĐ 13"}, 0, "Đã thay: tháng 11/2026 của HB003 trước ghi khiển trách («QĐ 12»), nay thay bằng cảnh cáo"},
		{[]string{"discipline", "--code", "HB003", "--list"}, 0, "HB003 có 1 hình thức kỷ luật đã ghi.\n  tháng 11/2026: cảnh cáo — QĐ 13"},
		{[]string{"admin", "--code", "HB006", "--unit", "PHB-VP", "--revoke"}, 1, "Không có gì để thu hồi: HB006 chưa được giao xem kết quả của đơn vị PHB-VP."},
		{[]string{"admin", "--code", "HB006", "--unit", "PHB-VP"}, 0, "Đã giao: HB006"},
		{[]string{"admin", "--code", "HB006", "--unit", "PHB-VP"}, 0, "Đã có: HB006 đã được giao xem kết quả của đơn vị PHB-VP từ trước."},
	} {
		code, out, errs := capture(t, c.args...)
		if code != c.code || !strings.Contains(out+errs, c.want) {
			t.Errorf("evalbot %s: exit %d\n%s%s\nwant exit %d and %q", strings.Join(c.args, " "), code, out, errs, c.code, c.want)
		}
	}
	var absences, audits int
	must(t, pool.QueryRow(t.Context(), `SELECT (SELECT count(*) FROM absences), (SELECT count(*) FROM audit_log WHERE entity IN ('absence', 'discipline', 'admin'))`).Scan(&absences, &audits))
	if absences != 1 || audits != 4 {
		t.Errorf("absences %d, audit entries %d; want 1 and 4 (absence, discipline, its replacement, the grant)", absences, audits)
	}
}

// Regression (point 3): «apikey revoke evk_, a prefix shared by 3 keys, says
// "Không có khóa nào có … phần đầu «evk_»"»: it is ambiguous, and the
// matching keys are listed; nothing is revoked.
func TestAPIKeyRevokeAmbiguous(t *testing.T) {
	pool, _ := cleanRoster(t)
	t.Setenv("DATABASE_URL", pool.Config().ConnString())
	t.Setenv("EVALBOT_LANG", "")
	var prefixes []string
	for _, name := range []string{"Văn bản", "Giao việc", "Một cửa"} {
		k, _, err := apikeys.Create(t.Context(), pool, name, "PHB")
		must(t, err)
		prefixes = append(prefixes, k.Prefix)
	}
	code, _, errs := capture(t, "apikey", "revoke", "evk_")
	if code != 1 || !strings.Contains(errs, "«evk_» chưa đủ để chỉ ra một khóa: 3 khóa khớp.") ||
		!strings.Contains(errs, "1  "+prefixes[0]+"  Văn bản (đơn vị PHB)") || !strings.Contains(errs, "3  "+prefixes[2]+"  Một cửa (đơn vị PHB)") {
		t.Errorf("exit %d\n%s", code, errs)
	}
	var revoked int
	must(t, pool.QueryRow(t.Context(), `SELECT count(*) FROM api_keys WHERE revoked_at IS NOT NULL`).Scan(&revoked))
	if revoked != 0 {
		t.Errorf("%d keys revoked by an ambiguous prefix", revoked)
	}
	// A leading part that only one key's prefix starts with is enough.
	code, out, errs := capture(t, "apikey", "revoke", prefixes[1][:apikeys.PrefixLen-1])
	if prefixes[0][:apikeys.PrefixLen-1] != prefixes[1][:apikeys.PrefixLen-1] && (code != 0 || !strings.Contains(out, "Đã thu hồi khóa số 2")) {
		t.Errorf("unique leading part: exit %d %s%s", code, out, errs)
	}
}

// Regression (point 6): «placeholders repeated inside sentences ("số hàng
// đợi SỐ theo từng…", "tệp cán bộ TỆP"); --rate shows its default twice;
// durations as Go prints them ("168h0m0s"); apikey create has bare
// "GIÁ-TRỊ" placeholders; serve --help names no environment variables;
// --ttl 7d says only "không hợp lệ"; catalogue --file x».
func TestHelpReadsWell(t *testing.T) {
	t.Setenv("EVALBOT_LANG", "")
	help := func(args ...string) string {
		_, out, _ := capture(t, append(args, "--help")...)
		return out
	}
	serve, invites, imp, key, qr := help("serve"), help("invites"), help("import"), help("apikey", "create"), help("qr")
	for _, c := range []struct {
		text, bad string
	}{
		{serve, "số hàng đợi SỐ theo"}, {imp, "tệp cán bộ TỆP"}, {serve, "(mặc định: 30)"}, {invites, "168h0m0s"}, {key, "GIÁ-TRỊ"},
	} {
		if strings.Contains(c.text, c.bad) {
			t.Errorf("%q in\n%s", c.bad, c.text)
		}
	}
	for _, c := range []struct {
		text, want string
	}{
		{serve, "--queues SỐ                 số hàng đợi theo từng cuộc trò chuyện (mặc định: 256)"},
		{imp, "--officials TỆP        tệp cán bộ (.csv hoặc .xlsx)"},
		{invites, "(mặc định: 168h, tức 7 ngày)"},
		{key, "--name TÊN    tên hệ thống"},
		{key, "Cách dùng: evalbot apikey create --name TÊN --unit MÃ"},
		{serve, "TELEGRAM_BOT_TOKEN (bắt buộc), DATABASE_URL (bắt buộc)"},
		{serve, "EVALBOT_OPS_ADDR"},
		{qr, "phải đặt EVALBOT_PUBLIC_URL"},
	} {
		if !strings.Contains(c.text, c.want) {
			t.Errorf("lacks %q:\n%s", c.want, c.text)
		}
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"invites", "--ttl", "7d"}, "Thời gian «7d» ở --ttl không hợp lệ: ghi số kèm đơn vị s (giây), m (phút) hoặc h (giờ), ví dụ 15m, 12h; 7 ngày ghi là 168h."},
		{[]string{"catalogue", "--file", "x"}, "--file là tùy chọn của lệnh «evalbot catalogue import»: gõ evalbot catalogue import --file …"},
		{[]string{"outbox", "--limit", "nhiều"}, "Giá trị «nhiều» ở --limit không phải là số"},
	} {
		if code, _, errs := capture(t, c.args...); code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("evalbot %s: exit %d\n%s", strings.Join(c.args, " "), code, errs)
		}
	}
}

// Regression (point 7): the README's API example sent «"done_on":
// "2026-12-10"», refused as a future date, and gave EVALBOT_PUBLIC_URL a
// default that qr does not use.
func TestReadmeAgrees(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	must(t, err)
	readme := string(b)
	for _, m := range regexp.MustCompile(`"done_on": "([0-9-]+)"`).FindAllStringSubmatch(readme, -1) {
		if d, err := time.Parse("2006-01-02", m[1]); err != nil || d.After(time.Now()) {
			t.Errorf("README's done_on %s is in the future: the API refuses it", m[1])
		}
	}
	if !strings.Contains(readme, "none for `qr`, which refuses to print a sign without it") {
		t.Error("README does not say qr needs EVALBOT_PUBLIC_URL")
	}
	t.Setenv("EVALBOT_PUBLIC_URL", "")
	if code, _, errs := capture(t, "qr"); code != 2 || !strings.Contains(errs, "EVALBOT_PUBLIC_URL") {
		t.Errorf("qr without EVALBOT_PUBLIC_URL: exit %d\n%s", code, errs)
	}
}

// Regression (point 5): «Import and desk-file errors name internal column
// keys ("thiếu giá trị ở cột measure", "«hmm» ở cột active") even when the
// file's headers were "ĐVT" and "Đang dùng"»; «a CSV with an unclosed quote
// is reported as missing unit_code and category»; «"Có 1 dòng lỗi" then
// lists 2 lines».
func TestImportFaultsAsTheFileWroteThem(t *testing.T) {
	pool, _ := cleanRoster(t)
	dir := t.TempDir()
	cat := filepath.Join(dir, "danh-muc.csv")
	must(t, os.WriteFile(cat, []byte("Mã;Tên công việc;ĐVT;Hệ số quy đổi;Đang dùng\nTD01;Thẩm định hồ sơ;;1,5;hmm\n"), 0o644))
	var out bytes.Buffer
	if err := importCatalogue(t.Context(), &out, pool, cat, "", true, "vi"); !errors.Is(err, errFaultyRows) {
		t.Fatalf("%v\n%s", err, out.String())
	}
	for _, want := range []string{"Có 1 dòng lỗi, tổng cộng 2 lỗi; chưa ghi gì vào cơ sở dữ liệu:",
		"danh-muc.csv, dòng 2: thiếu giá trị ở cột ĐVT", "«hmm» ở cột Đang dùng"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("lacks %q:\n%s", want, out.String())
		}
	}
	for _, bad := range []string{"cột measure", "cột active"} {
		if strings.Contains(out.String(), bad) {
			t.Errorf("%q in\n%s", bad, out.String())
		}
	}
	ofs := filepath.Join(dir, "can-bo.csv")
	must(t, os.WriteFile(ofs, []byte("employee_code,full_name,unit_code,category\n"+
		"HB001,\"Nguyễn Văn Thành,PHB,Cán bộ\nHB002,Trần Thị Hồng Nhung,PHB-DU,Công chức\n"), 0o644))
	out.Reset()
	if err := runImport(t.Context(), &out, pool, "", ofs, true, "vi"); !errors.Is(err, errFaultyRows) {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if want := "Có 1 dòng lỗi; chưa ghi gì vào cơ sở dữ liệu:\n  can-bo.csv, dòng 2: dấu ngoặc kép (\") mở ở dòng này nhưng không đóng"; !strings.HasPrefix(out.String(), want) {
		t.Errorf("unclosed quote:\n%s\nwant %q", out.String(), want)
	}
	if strings.Contains(out.String(), "unit_code") || strings.Contains(out.String(), "category") {
		t.Errorf("an unclosed quote told as missing columns:\n%s", out.String())
	}
}

// Regression (point 5): «qr --desks reports errors in rounds (a missing name
// on line 3 hid a bad unit on line 2): report all at once. qr --out afile
// (a file, not a folder) says "lỗi đọc/ghi": say it must be a folder».
func TestQRDeskFaultsAtOnce(t *testing.T) {
	pool, _ := cleanRoster(t)
	f := filepath.Join(t.TempDir(), "desks.csv")
	must(t, os.WriteFile(f, []byte("desk_code,name,unit_code,employee_code\nHCC-Q2,Quầy 2,PHB-XX,\nHCC-Q3,,PHB-HCC,\n"), 0o600))
	var out bytes.Buffer
	if _, err := runQR(t.Context(), &out, pool, qrOptions{Bot: "b", Out: t.TempDir(), DesksFile: f, Lang: "vi", Now: time.Now()}); !errors.Is(err, errDeskRows) {
		t.Fatalf("%v\n%s", err, out.String())
	}
	for _, want := range []string{"Có 2 dòng lỗi", "dòng 2: không có đơn vị mã «PHB-XX»", "dòng 3: thiếu giá trị"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("lacks %q:\n%s", want, out.String())
		}
	}
	if i, j := strings.Index(out.String(), "dòng 2"), strings.Index(out.String(), "dòng 3"); i < 0 || j < i {
		t.Errorf("not in line order:\n%s", out.String())
	}
	afile := filepath.Join(t.TempDir(), "afile")
	must(t, os.WriteFile(afile, nil, 0o600))
	t.Setenv("EVALBOT_PUBLIC_URL", "https://danhgia.example.vn")
	t.Setenv("EVALBOT_LANG", "")
	code, _, errs := capture(t, "qr", "--out", afile)
	if code != 2 || !strings.Contains(errs, "ở --out là một tệp: --out phải là một thư mục") {
		t.Errorf("qr --out afile: exit %d\n%s", code, errs)
	}
}
