package main

import (
	"strings"
	"testing"
	"time"

	"evalbot/internal/calendar"
)

// Dates a command prints are written the operator's way: `apikey list`
// printed «2026-12-07» in Vietnamese output (so did `outbox`); Vietnamese
// writes 07/12/2026.
func TestCommandDatesInTheOperatorsLanguage(t *testing.T) {
	pool, _ := cleanRoster(t)
	t.Setenv("DATABASE_URL", pool.Config().ConnString())
	t.Setenv("EVALBOT_LANG", "")
	if code, _, errs := capture(t, "apikey", "create", "--name", "Hệ thống quản lý văn bản", "--unit", "PHB"); code != 0 {
		t.Fatalf("create: %d %s", code, errs)
	}
	now := time.Now().In(calendar.Location)
	for lang, want := range map[string]string{"vi": now.Format("02/01/2006"), "en": now.Format("2006-01-02")} {
		code, out, _ := capture(t, "apikey", "list", "--lang", lang)
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("%s: %d, no %s in %q", lang, code, want, out)
		}
	}
	if got := when("vi", time.Date(2026, 12, 7, 2, 5, 0, 0, time.UTC)); got != "09:05 07/12/2026" {
		t.Errorf("when vi: %q", got)
	}
	if got := when("en", time.Date(2026, 12, 7, 2, 5, 0, 0, time.UTC)); got != "2026-12-07 09:05" {
		t.Errorf("when en: %q", got)
	}
}
