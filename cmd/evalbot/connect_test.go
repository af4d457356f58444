package main

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// Regression (a new user's trial): a DATABASE_URL naming a database that
// does not exist, or a server that is not listening, read «Không kết nối
// được … mật khẩu có đúng không?» — misleading, and --verbose added
// nothing. The server's or the network's reason is said now, and --verbose
// adds the technical text.
func TestConnectFaultsSayWhy(t *testing.T) {
	pool, _ := cleanRoster(t)
	ctx := context.Background()
	cfg := pool.Config().ConnConfig.Copy()
	cfg.Database = "khong_co"
	_, noDB := pgx.ConnectConfig(ctx, cfg)
	refusedCfg, err := pgx.ParseConfig("postgres://evalbot@127.0.0.1:1/evalbot?connect_timeout=5")
	if err != nil {
		t.Fatal(err)
	}
	_, refused := pgx.ConnectConfig(ctx, refusedCfg)
	if noDB == nil || refused == nil {
		t.Fatalf("connected: %v, %v", noDB, refused)
	}
	if got := explain("vi", noDB); !strings.Contains(got, "cơ sở dữ liệu ghi trong DATABASE_URL không có trên máy chủ") || strings.Contains(got, "mật khẩu") {
		t.Errorf("no such database: %q", got)
	}
	if got := explain("vi", refused); !strings.HasPrefix(got, "Không kết nối được cơ sở dữ liệu ở DATABASE_URL: ") || strings.Contains(got, "database") {
		t.Errorf("nothing listening: %q", got)
	}
	verbose = true
	t.Cleanup(func() { verbose = false })
	if got := explain("en", noDB); !strings.Contains(got, "does not exist on the server") || !strings.Contains(got, "3D000") {
		t.Errorf("--verbose: %q", got)
	}
}
