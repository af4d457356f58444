package main

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"evalbot/internal/citizen"
)

// TestServeRefusesTheDevelopmentKey (issue 20, point 12): serve started
// against Telegram's own API (or with --webhook) with the public development
// EVALBOT_CITIZEN_KEY, with a WARN only; with it a citizen's stored hash is
// reversed by trying every id. It now refuses to start, before touching the
// database, and says why in the operator's language.
func TestServeRefusesTheDevelopmentKey(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	t.Setenv("TELEGRAM_BOT_TOKEN", "123456:TEST")
	t.Setenv("DATABASE_URL", "") // a refusal comes before the database
	t.Setenv("EVALBOT_LANG", "")
	for _, c := range []struct {
		api, key string
		args     string
		want     string
	}{
		{"", "", "", "Không khởi động: chưa đặt EVALBOT_CITIZEN_KEY"},
		{"https://api.telegram.org", citizen.DevelopmentKey, "", "EVALBOT_CITIZEN_KEY đang là khóa dùng để phát triển"},
		{"https://API.Telegram.org/", "0123456789abcdef", "", "quá ngắn hoặc quá đơn giản"},
		{"", strings.Repeat("ab", 20), "", "quá ngắn hoặc quá đơn giản"},
		{"http://127.0.0.1:8081", "", "--webhook https://bot.example.gov.vn/telegram", "chưa đặt EVALBOT_CITIZEN_KEY"},
		{"", citizen.DevelopmentKey, "--lang en", "Not starting: EVALBOT_CITIZEN_KEY is the public development key"},
	} {
		t.Setenv("TELEGRAM_API_URL", c.api)
		t.Setenv(citizen.KeyEnv, c.key)
		err := serve(context.Background(), log, strings.Fields(c.args))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("api %q key %q %s: %v, want %q", c.api, c.key, c.args, err, c.want)
		}
	}
	// A real key gets past the check (to the database, unset here); a
	// self-hosted or fake Bot API without a webhook may use the development key.
	for _, c := range []struct{ api, key string }{
		{"", "5f1c0e9a7b3d42e8a6c4f0b19d27e85c3a6f4b0d91e2c7a8"},
		{"http://127.0.0.1:8081", ""},
	} {
		t.Setenv("TELEGRAM_API_URL", c.api)
		t.Setenv(citizen.KeyEnv, c.key)
		err := serve(context.Background(), log, nil)
		if err == nil || !strings.Contains(err.Error(), "DATABASE_URL is not set") {
			t.Errorf("api %q key %q: %v, want the database's error", c.api, c.key, err)
		}
	}
}
