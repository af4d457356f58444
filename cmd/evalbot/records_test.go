package main

import (
	"context"
	"flag"
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
	k, lang, err := newClerk(flag.NewFlagSet("x", flag.ContinueOnError))
	if err != nil {
		t.Fatal(err)
	}
	k.lang = *lang
	if _, err := k.official(ctx, pool, "NOPE"); err == nil || err.Error() != "Không có cán bộ nào mang mã «NOPE»." {
		t.Errorf("unknown code: %v", err)
	}
}
