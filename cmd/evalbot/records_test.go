package main

import (
	"context"
	"io"
	"os"
	"strings"
	"testing"

	"evalbot/internal/pgtest"
)

// Regression: a reversed date range, an unknown kind or level and an unknown
// employee code all answered "evaluation: invalid record" or
// "NOPE: roster: not found"; the clerk is now told what is wrong, in their
// language, before anything is written.
func TestRecordRefusals(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		cmd  func(context.Context, []string) error
		args string
		want string
	}{
		{absenceCmd, "--code HB003 --from 2026-11-20 --to 2026-11-02", "Ngày kết thúc (02/11/2026) đứng trước ngày bắt đầu (20/11/2026)"},
		{absenceCmd, "--lang en --code HB003 --from 2026-11-20 --to 2026-11-02", "The last day (2026-11-02) comes before the first (2026-11-20)"},
		{absenceCmd, "--code HB003 --from 2026-11-02 --to 2026-11-20 --kind vacation", "Loại nghỉ «vacation» không có"},
		{disciplineCmd, "--code HB003 --month 2026-11 --level foo --reason x", "Hình thức kỷ luật «foo» không có"},
		{disciplineCmd, "--lang en --code HB003 --month 2026-11 --level foo --reason x", "There is no disciplinary measure «foo»"},
	} {
		err := c.cmd(ctx, strings.Fields(c.args))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.args, err, c.want)
		}
	}
	pool := pgtest.New(t)
	t.Setenv("EVALBOT_LANG", "")
	k := newClerk(newCommand("x", nil))
	if _, err := k.official(ctx, pool, "NOPE"); err == nil || err.Error() != "Không có cán bộ nào mang mã «NOPE»." {
		t.Errorf("unknown code: %v", err)
	}
}

// The clerk's commands confirm what they recorded, in Vietnamese by
// default, and the records are there.
func TestRecordCommandsConfirm(t *testing.T) {
	ctx := context.Background()
	pool, _ := cleanRoster(t)
	t.Setenv("DATABASE_URL", pool.Config().ConnString())
	t.Setenv("EVALBOT_LANG", "")
	for _, c := range []struct {
		cmd  func(context.Context, []string) error
		args []string
		want string
	}{
		{absenceCmd, []string{"--code", "HB003", "--from", "2026-11-02", "--to", "2026-11-20", "--kind", "sick"},
			"Đã ghi: HB003 nghỉ ốm từ 02/11/2026 đến 20/11/2026."},
		{disciplineCmd, []string{"--code", "HB003", "--month", "2026-11", "--level", "warning", "--reason", "QĐ 12"},
			"Đã ghi: HB003 bị cảnh cáo trong tháng 11/2026; tháng này xếp loại D."},
		{adminCmd, []string{"--code", "HB005", "--unit", "PHB"}, "Đã giao: HB005 xem được kết quả của đơn vị PHB"},
		{adminCmd, []string{"--lang", "en", "--code", "HB005", "--unit", "PHB", "--revoke"}, "Revoked: HB005 no longer sees the results of unit PHB"},
	} {
		out := captureStdout(t, func() error { return c.cmd(ctx, c.args) })
		if !strings.Contains(out, c.want) {
			t.Errorf("%q printed %q, want %q", c.args, out, c.want)
		}
	}
	var absences, disciplines, admins int
	must(t, pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM absences), (SELECT count(*) FROM disciplines), (SELECT count(*) FROM admins)`).
		Scan(&absences, &disciplines, &admins))
	if absences != 1 || disciplines != 1 || admins != 0 {
		t.Errorf("absences %d, disciplines %d, admins %d; want 1, 1, 0 (granted, then revoked)", absences, disciplines, admins)
	}
}

// captureStdout runs fn with os.Stdout going to a pipe, and returns what it wrote.
func captureStdout(t *testing.T, fn func() error) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Stdout
	os.Stdout = w
	done := make(chan string)
	go func() { b, _ := io.ReadAll(r); done <- string(b) }()
	err = fn()
	os.Stdout = saved
	w.Close()
	out := <-done
	if err != nil {
		t.Fatalf("%v (printed %q)", err, out)
	}
	return out
}
