// Package pgtest gives each test a fresh, migrated PostgreSQL database: on
// TEST_DATABASE_URL when set, otherwise on a throwaway cluster that the test
// binary starts once (see pgcluster) and that Main removes at exit.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"evalbot/internal/pgcluster"
	"evalbot/internal/store"
)

var (
	once     sync.Once
	cluster  *pgcluster.Cluster
	adminURL string
	template string
	setupErr error
)

// Main runs the package's tests and then stops the throwaway cluster, if one
// was started. Call it from TestMain: os.Exit(pgtest.Main(m)).
func Main(m *testing.M) int {
	code := m.Run()
	cluster.Stop()
	return code
}

// New returns a pool on a new database with every migration applied; the
// database is dropped when the test ends.
func New(t testing.TB) *pgxpool.Pool {
	t.Helper()
	ctx := context.Background()
	once.Do(setup)
	if setupErr != nil {
		t.Fatalf("test database: %v", setupErr)
	}
	name := "t_" + randomHex(8)
	admin, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		t.Fatalf("connect admin: %v", err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", name, template)); err != nil {
		t.Fatalf("create database: %v", err)
	}
	pool, err := store.Open(ctx, withDB(adminURL, name))
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() {
		pool.Close()
		c, err := pgx.Connect(context.Background(), adminURL)
		if err == nil {
			_, _ = c.Exec(context.Background(), fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name))
			c.Close(context.Background())
		}
	})
	return pool
}

// URL returns a URL for a new migrated database (for tests that start a whole
// program); it is dropped when the test ends.
func URL(t testing.TB) string {
	pool := New(t)
	u := pool.Config().ConnString()
	return u
}

func setup() {
	ctx := context.Background()
	adminURL = os.Getenv("TEST_DATABASE_URL")
	if adminURL == "" {
		cluster, setupErr = pgcluster.Start(ctx)
		if setupErr != nil {
			return
		}
		adminURL = cluster.URL("postgres")
	}
	// A template per test binary: CREATE DATABASE ... TEMPLATE copies it in
	// milliseconds, so every test gets its own migrated database.
	template = "tmpl_" + randomHex(8)
	admin, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		setupErr = err
		return
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+template); err != nil {
		setupErr = err
		return
	}
	pool, err := store.Open(ctx, withDB(adminURL, template))
	if err != nil {
		setupErr = err
		return
	}
	setupErr = store.Migrate(ctx, pool)
	pool.Close()
}

func withDB(raw, db string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		return raw + " dbname=" + db
	}
	u.Path = "/" + db
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
