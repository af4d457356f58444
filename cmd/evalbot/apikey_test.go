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

// Regressions (a new user's trial): «apikey revoke evk_kge» said «chưa đủ để
// chỉ ra một khóa: 1 khóa khớp»; the whole secret pasted said no key starts
// with it; «apikey revoke 2 --lang en» read --lang as a second key (exit 2).
func TestAPIKeyRevokeAsPeopleTypeIt(t *testing.T) {
	pool, _ := cleanRoster(t)
	t.Setenv("DATABASE_URL", pool.Config().ConnString())
	t.Setenv("EVALBOT_LANG", "")
	var secrets []string
	for _, name := range []string{"Hệ thống quản lý văn bản", "Phần mềm giao việc"} {
		code, out, errs := capture(t, "apikey", "create", "--name", name, "--unit", "PHB")
		if code != 0 {
			t.Fatalf("create: %d %q", code, errs)
		}
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(l, apikeys.SecretPrefix) {
				secrets = append(secrets, l)
			}
		}
	}
	short := secrets[0][:len(apikeys.SecretPrefix)+3]
	if strings.HasPrefix(secrets[1], short) {
		t.Skip("the two secrets share their first characters")
	}
	code, _, errs := capture(t, "apikey", "revoke", short)
	if code != 1 || !strings.Contains(errs, "«"+short+"» quá ngắn để chỉ ra một khóa: cần ít nhất 8 ký tự đầu (khóa khớp là số 1") {
		t.Errorf("too short: %d %q", code, errs)
	}
	code, out, errs := capture(t, "apikey", "revoke", secrets[0])
	if code != 0 || !strings.Contains(out, "Đã thu hồi khóa số 1") {
		t.Errorf("the whole secret: %d %q %q", code, out, errs)
	}
	code, out, errs = capture(t, "apikey", "revoke", "2", "--lang", "en")
	if code != 0 || !strings.Contains(out, "Revoked key 2") {
		t.Errorf("a flag after the key: %d %q %q", code, out, errs)
	}
}
