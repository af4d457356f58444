package main

import (
	"regexp"
	"strings"
	"testing"

	"evalbot/internal/pgtest"
)

// Regression (issue 21's leftover): «bench figures use decimal points in
// Vietnamese». The figures lines write numbers and durations the way the
// operator's language does: «đạt 28,3 tin/giây» in Vietnamese (1.234,5),
// «achieved 28.3 msg/s» in English.
func TestBenchFiguresInTheOperatorsLanguage(t *testing.T) {
	if testing.Short() {
		t.Skip("sends 40 prompts through the fake Bot API")
	}
	for _, c := range []struct {
		lang string
		want *regexp.Regexp
		bad  *regexp.Regexp // a number written the other language's way
	}{
		{"vi", regexp.MustCompile(`đạt \d+,\d tin/giây; tỷ lệ so với giới hạn \d+,\d{3}\n`), regexp.MustCompile(`\d\.\d|\btrue\b|\bfalse\b|\d{4}-\d\d-\d\d`)},
		{"en", regexp.MustCompile(`achieved \d+\.\d msg/s; ratio to the limit \d+\.\d{3}\n`), regexp.MustCompile(`\d,\d`)},
	} {
		t.Setenv("DATABASE_URL", pgtest.URL(t))
		t.Setenv("EVALBOT_LANG", c.lang)
		code, out, errs := capture(t, "bench", "fanout", "--n", "40", "--rate", "200", "--workers", "4")
		if code != 0 {
			t.Fatalf("%s: exit %d\n%s\n%s", c.lang, code, out, errs)
		}
		if !c.want.MatchString(out) {
			t.Errorf("%s: no %s in\n%s", c.lang, c.want, out)
		}
		for _, l := range strings.Split(out, "\n") {
			if strings.Contains(l, "outbox:") {
				continue // outbox states and a library's name (delivery.API)
			}
			if m := c.bad.FindString(l); m != "" {
				t.Errorf("%s: %q in %q", c.lang, m, l)
			}
		}
	}
}
