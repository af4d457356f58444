package locale_test

import (
	"testing"
	"time"

	"evalbot/internal/locale"
)

// TestNumbersByLanguage: Vietnamese writes 1.234,5 (issue 21's leftover:
// bench figures and notes printed decimal points in Vietnamese).
func TestNumbersByLanguage(t *testing.T) {
	for _, c := range []struct {
		lang string
		got  string
		want string
	}{
		{"vi", locale.Decimal("vi", 1234.5), "1.234,5"},
		{"en", locale.Decimal("en", 1234.5), "1,234.5"},
		{"vi", locale.Decimal("vi", 6.5), "6,5"},
		{"vi", locale.Decimal("vi", 20), "20"},
		{"vi", locale.Decimal("vi", 0.05), "0,05"},
		{"vi", locale.Sprintf("vi", "đạt %.1f tin/giây; tỷ lệ so với giới hạn %.3f", 28.3, 0.943), "đạt 28,3 tin/giây; tỷ lệ so với giới hạn 0,943"},
		{"en", locale.Sprintf("en", "%.1f msg/s; %d people", 28.3, 100000), "28.3 msg/s; 100,000 people"},
		{"vi", locale.Sprintf("vi", "%d người, p99 %s", 100000, 27200*time.Microsecond), "100.000 người, p99 27,2ms"},
		{"en", locale.Sprintf("en", "p99 %s", 27200*time.Microsecond), "p99 27.2ms"},
		{"vi", locale.Sprintf("vi", "lời nhắc (%s)", time.Date(2026, 11, 30, 9, 5, 0, 0, time.UTC)), "lời nhắc (09:05 30/11/2026)"},
		{"en", locale.Sprintf("en", "prompts (%s)", time.Date(2026, 11, 30, 9, 5, 0, 0, time.UTC)), "prompts (2026-11-30 09:05)"},
	} {
		if c.got != c.want {
			t.Errorf("%s: %q, want %q", c.lang, c.got, c.want)
		}
	}
	cat, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	// A float64 template value is written the language's way.
	if got := cat.Plain("vi", "DemoTook", 0, map[string]any{"Seconds": 13.9}); got != "(bản chạy thử mất 13,9 giây)" {
		t.Errorf("DemoTook vi: %q", got)
	}
	if got := cat.Plain("en", "DemoTook", 0, map[string]any{"Seconds": 1234.5}); got != "(the demo took 1,234.5 s)" {
		t.Errorf("DemoTook en: %q", got)
	}
}
