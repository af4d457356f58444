package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"evalbot/internal/signin"
)

// evalbot weblink prints a one-time link under EVALBOT_PUBLIC_URL that
// signs the person in once; it refuses an unknown code and a bad --ttl in
// the clerk's language.
func TestWeblink(t *testing.T) {
	ctx := context.Background()
	pool, _ := cleanRoster(t)
	t.Setenv("DATABASE_URL", pool.Config().ConnString())
	t.Setenv("EVALBOT_LANG", "")
	t.Setenv("EVALBOT_PUBLIC_URL", "https://danhgia.example.vn/")
	out := captureStdout(t, func() error { return weblinkCmd(ctx, []string{"--code", "HB005", "--ttl", "30m"}) })
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "Đường dẫn đăng nhập trang web cho HB005 (Đỗ Quang Huy), dùng một lần, hết hạn lúc ") ||
		!strings.HasPrefix(lines[1], "https://danhgia.example.vn/signin/") {
		t.Fatalf("printed %q", out)
	}
	token := strings.TrimPrefix(lines[1], "https://danhgia.example.vn/signin/")
	if _, err := signin.SignIn(ctx, pool, token, time.Now()); err != nil {
		t.Fatalf("the printed link does not sign in: %v", err)
	}
	if _, err := signin.SignIn(ctx, pool, token, time.Now()); err != signin.ErrLinkUsed {
		t.Fatalf("the printed link works twice: %v", err)
	}
	for _, c := range []struct{ args, want string }{
		{"--code NOPE", "Không có cán bộ nào mang mã «NOPE»."},
		{"--code HB005 --ttl 10s", "Thời hạn --ttl phải từ 1 phút đến 7 ngày."},
		{"--lang en --code HB005 --ttl 200h", "--ttl must be between 1 minute and 7 days."},
	} {
		if err := weblinkCmd(ctx, strings.Fields(c.args)); err == nil || err.Error() != c.want {
			t.Errorf("%s: %v, want %q", c.args, err, c.want)
		}
	}
}
