package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
)

// capture runs the command line and returns its exit status and what it
// wrote to stdout and stderr.
func capture(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	outR, outW, _ := os.Pipe()
	errR, errW, _ := os.Pipe()
	stdout, stderr := os.Stdout, os.Stderr
	os.Stdout, os.Stderr = outW, errW
	var out, errb bytes.Buffer
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(&out, outR); done <- struct{}{} }()
	go func() { _, _ = io.Copy(&errb, errR); done <- struct{}{} }()
	code := run(args)
	os.Stdout, os.Stderr = stdout, stderr
	outW.Close()
	errW.Close()
	<-done
	<-done
	return code, out.String(), errb.String()
}

// englishWords are words of the flag package's and our former English
// texts; none may appear in a Vietnamese help or error.
var englishWords = []string{"Usage of", "usage:", "flag provided", "invalid value", "default", "give --", "the ", " file", "Example"}

// Regression (issue 21, point 6): «bench --help exits 1; help styles differ
// ("Usage of serve:" vs "usage: evalbot migrate"); subcommands have no
// one-line description». Every command's --help and -h exits 0, in one
// style (purpose, usage, flags, example), in both languages.
func TestEveryCommandHelp(t *testing.T) {
	all := append(append(append(append([]string{}, commands...), benchCommands...), catalogueCommands...), apikeyCommands...)
	for _, lang := range []string{"vi", "en"} {
		t.Setenv("EVALBOT_LANG", lang)
		code, out, _ := capture(t, "help")
		if code != 0 {
			t.Errorf("%s: evalbot help exits %d", lang, code)
		}
		for _, name := range commands {
			if !strings.Contains(out, "  "+name+" ") {
				t.Errorf("%s: evalbot help lacks %s:\n%s", lang, name, out)
			}
		}
		for _, name := range all {
			for _, h := range []string{"--help", "-h"} {
				args := append(strings.Fields(name), h)
				code, out, errs := capture(t, args...)
				if code != 0 || errs != "" {
					t.Errorf("%s: evalbot %s exits %d, stderr %q", lang, strings.Join(args, " "), code, errs)
					continue
				}
				want := map[string][]string{
					"vi": {"evalbot " + name + " — ", "Cách dùng: evalbot " + name, "Tùy chọn:", "--lang", "Ví dụ:\n  evalbot " + name},
					"en": {"evalbot " + name + " — ", "Usage: evalbot " + name, "Flags:", "--lang", "Example:\n  evalbot " + name},
				}[lang]
				for _, w := range want {
					if !strings.Contains(out, w) {
						t.Errorf("%s: evalbot %s lacks %q:\n%s", lang, strings.Join(args, " "), w, out)
					}
				}
				if strings.Contains(out, "Cmd_") || strings.Contains(out, "Flag_") {
					t.Errorf("%s: evalbot %s shows a message id:\n%s", lang, strings.Join(args, " "), out)
				}
				if lang == "vi" {
					for _, w := range englishWords {
						if strings.Contains(out, w) {
							t.Errorf("vi: evalbot %s shows %q:\n%s", strings.Join(args, " "), w, out)
						}
					}
				}
			}
		}
	}
}

// Regression (issue 21, point 6): «import --help does not list the columns».
func TestImportHelpListsColumns(t *testing.T) {
	t.Setenv("EVALBOT_LANG", "")
	_, out, _ := capture(t, "import", "--help")
	for _, w := range []string{"employee_code", "Mã cán bộ", "họ và tên", "employee id", "Số điện thoại", "phone", "parent_code", "mã đơn vị cấp trên",
		"--deactivate-missing", "--yes-deactivate-many"} {
		if !strings.Contains(strings.ToLower(out), strings.ToLower(w)) {
			t.Errorf("import --help lacks %q:\n%s", w, out)
		}
	}
}

// Regression (issue 21, point 5): the flag package's errors, unknown
// commands, a missing DATABASE_URL, a missing file and a bad month are told
// in the operator's language, say which value is wrong, and show no Go
// package prefix; `discipline --month 2026-13` with every flag given names
// the month, not "give --code, --month …".
func TestMessagesInOneLanguage(t *testing.T) {
	t.Setenv("DATABASE_URL", "")
	t.Setenv("EVALBOT_LANG", "")
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"discipline", "--code", "HB003", "--month", "2026-13", "--level", "reprimand", "--reason", "QĐ 12"}, 2,
			"evalbot discipline: Tháng «2026-13» ở --month không hợp lệ: ghi theo dạng năm-tháng, ví dụ 2026-11."},
		{[]string{"export", "--month", "2026-13"}, 2, "evalbot export: Tháng «2026-13» ở --month không hợp lệ"},
		{[]string{"export", "--month", "2026-13", "--lang", "en"}, 2, "evalbot export: The month «2026-13» given to --month is not valid"},
		{[]string{"absence", "--code", "HB003", "--from", "2026-11-31", "--to", "2026-12-02"}, 2, "Ngày «2026-11-31» ở --from không hợp lệ"},
		{[]string{"discipline", "--code", "HB003"}, 2, "Còn thiếu --level, --month, --reason."},
		{[]string{"import", "--officials", "/nonexistent/ds.csv"}, 1, "DATABASE_URL chưa được đặt"},
		{[]string{"import", "--officials", "/nonexistent/ds.csv"}, 1, "evalbot devdb"},
		{[]string{"export", "--nope"}, 2, "Không có tùy chọn --nope."},
		{[]string{"bench", "fanout", "--n", "many"}, 2, "Giá trị «many» ở --n không phải là số: ghi chữ số, ví dụ 50."},
		{[]string{"import", "--units"}, 2, "--units cần một giá trị."},
		{[]string{"frobnicate"}, 2, "Không có lệnh «frobnicate»."},
		{[]string{"migrate", "extra"}, 2, "Lệnh này không nhận «extra»."},
		{[]string{"bench"}, 2, "Hãy chọn một phép đo: fanout, updates, idle hoặc web."},
	} {
		code, _, errs := capture(t, c.args...)
		if code != c.code || !strings.Contains(errs, c.want) {
			t.Errorf("evalbot %s: exit %d, stderr:\n%s\nwant exit %d and %q", strings.Join(c.args, " "), code, errs, c.code, c.want)
		}
		for _, w := range []string{"calendar:", "roster:", "report:", "flag provided", "invalid value", "give --", "open "} {
			if strings.Contains(errs, w) {
				t.Errorf("evalbot %s: %q in\n%s", strings.Join(c.args, " "), w, errs)
			}
		}
	}
}

// Failures from internal packages never show a Go package prefix; their
// Go text shows only under --verbose.
func TestExplainNoGoPrefix(t *testing.T) {
	if got := explain("vi", errors.New("store: migrate: pgx: timeout")); got != "Lệnh không chạy được do một lỗi không lường trước. Chạy lại với --verbose để xem chi tiết kỹ thuật." {
		t.Errorf("without --verbose: %q", got)
	}
	verbose = true
	defer func() { verbose = false }()
	for in, want := range map[string]string{
		"calendar: invalid month \"2026-13\": want YYYY-MM": "Lệnh không chạy được: invalid month \"2026-13\": want YYYY-MM",
		"store: migrate: pgx: timeout":                      "Lệnh không chạy được: timeout",
		"open /a/b.toml: no such file":                      "Lệnh không chạy được: open /a/b.toml: no such file",
	} {
		if got := explain("vi", errors.New(in)); got != want {
			t.Errorf("explain(%q) = %q, want %q", in, got, want)
		}
	}
	t.Setenv("DATABASE_URL", "not-a-url")
	t.Setenv("EVALBOT_LANG", "")
	if code, _, errs := capture(t, "migrate"); code != 1 || !strings.Contains(errs, "DATABASE_URL không đúng dạng") {
		t.Errorf("bad DATABASE_URL: %d %s", code, errs)
	}
}

// Regression (issue 21, point 5): «devdb's output … English». It speaks the
// operator's language like every other command.
func TestDevdbSpeaksTheLanguage(t *testing.T) {
	t.Setenv("EVALBOT_LANG", "")
	r, w, _ := os.Pipe()
	stdout := os.Stdout
	os.Stdout = w
	defer func() { os.Stdout = stdout }()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		err := devdbCmd(ctx, nil)
		w.Close() // the reader below stops even if devdb could not start
		done <- err
	}()
	var got bytes.Buffer
	buf := make([]byte, 4096)
	for !strings.Contains(got.String(), "Ctrl-C") {
		n, err := r.Read(buf)
		if err != nil {
			t.Fatalf("%v; devdb: %v\n%s", err, <-done, got.String())
		}
		got.Write(buf[:n])
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	os.Stdout = stdout
	for _, want := range []string{"Đã chạy một PostgreSQL tạm; ở cửa sổ lệnh khác, gõ:", "export DATABASE_URL='postgres://", "Ctrl-C để dừng và xóa dữ liệu của nó."} {
		if !strings.Contains(got.String(), want) {
			t.Errorf("devdb lacks %q:\n%s", want, got.String())
		}
	}
}
