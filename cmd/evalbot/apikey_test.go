package main

import (
	"context"
	"strings"
	"testing"

	"evalbot/internal/app/apikeys"
)

// evalbot apikey create prints the secret once, list never shows it, and
// revoke (by prefix) makes the key fail to authenticate; both audited.
func TestAPIKeyCommands(t *testing.T) {
	ctx := context.Background()
	pool, _ := cleanRoster(t)
	t.Setenv("DATABASE_URL", pool.Config().ConnString())
	t.Setenv("EVALBOT_LANG", "")
	code, out, errs := capture(t, "apikey", "create", "--name", "Hệ thống quản lý văn bản", "--unit", "PHB")
	if code != 0 || errs != "" || !strings.Contains(out, "Đã tạo khóa số 1 (evk_") || !strings.Contains(out, "chỉ hiện một lần") {
		t.Fatalf("create: %d %q %q", code, out, errs)
	}
	var secret string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, apikeys.SecretPrefix) {
			secret = l
		}
	}
	if len(secret) < 40 {
		t.Fatalf("no secret in %q", out)
	}
	if _, err := apikeys.Authenticate(ctx, pool, secret); err != nil {
		t.Fatalf("the printed secret: %v", err)
	}
	code, out, _ = capture(t, "apikey", "list")
	if code != 0 || !strings.Contains(out, secret[:apikeys.PrefixLen]+"…  Hệ thống quản lý văn bản  (đơn vị PHB") ||
		strings.Contains(out, secret) || !strings.Contains(out, "đang dùng") {
		t.Errorf("list: %d %q", code, out)
	}
	code, out, _ = capture(t, "apikey", "revoke", secret[:apikeys.PrefixLen])
	if code != 0 || !strings.Contains(out, "Đã thu hồi khóa số 1") {
		t.Errorf("revoke: %d %q", code, out)
	}
	if _, err := apikeys.Authenticate(ctx, pool, secret); err != apikeys.ErrRevoked {
		t.Errorf("after revoking: %v", err)
	}
	code, out, _ = capture(t, "apikey", "revoke", "--lang", "en", "1")
	if code != 0 || !strings.Contains(out, "was already revoked") {
		t.Errorf("revoke again: %d %q", code, out)
	}
	code, _, errs = capture(t, "apikey", "create", "--name", "X", "--unit", "NOPE")
	if code != 1 || !strings.Contains(errs, "Không có đơn vị nào mang mã «NOPE»") {
		t.Errorf("unknown unit: %d %q", code, errs)
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE entity = 'api_key'`).Scan(&n); err != nil || n != 2 {
		t.Errorf("%d audit entries, want create and revoke (%v)", n, err)
	}
}
