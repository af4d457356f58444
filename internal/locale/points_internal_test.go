package locale

import (
	"testing"

	"evalbot/internal/grading"
)

func TestPointsInTheReadersLanguage(t *testing.T) {
	for _, c := range []struct {
		lang string
		p    grading.Points
		want string
	}{
		{"vi", 9000, "90,00"},
		{"", 6563, "65,63"},
		{"en", 9000, "90.00"},
		{"en-US", 8999, "89.99"},
		{"vi", -150, "-1,50"},
	} {
		if got := Points(c.lang, c.p); got != c.want {
			t.Errorf("Points(%q, %d) = %q, want %q", c.lang, c.p, got, c.want)
		}
	}
}
