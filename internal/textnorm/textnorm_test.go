package textnorm_test

import (
	"errors"
	"testing"

	"evalbot/internal/textnorm"
)

// TestField (issue 21, point 3): titles made only of zero-width characters
// are empty; a right-to-left override is removed and the text kept; NFC and
// white space are as everywhere.
func TestField(t *testing.T) {
	for _, c := range []struct {
		in, want string
		err      error
	}{
		{"\u200b\u200b\u200b", "", textnorm.ErrEmpty},
		{"\u2060", "", textnorm.ErrEmpty},
		{"\u200b \u2060\ufeff\u00ad", "", textnorm.ErrEmpty},
		{"\u3164", "", textnorm.ErrEmpty},
		{"Kiểm tra \u202ehồ sơ", "Kiểm tra hồ sơ", nil},
		{"\u202eHọp giao ban\u202c", "Họp giao ban", nil},
		{"\u2067Soạn\u2069 báo\u200fcáo", "Soạn báocáo", nil},
		{"Tie\u0302\u0301p nhận", "Tiếp nhận", nil},            // NFD typed: NFC kept
		{"  Họp\u00a0\u00a0giao\tban\n ", "Họp giao ban", nil}, // every space
		{"Nguy\u200bễn", "Nguyễn", nil},
		{"abcdef", "abcdef", textnorm.ErrTooLong},
	} {
		got, err := textnorm.Field(c.in, 5)
		if c.want == "abcdef" {
			if !errors.Is(err, textnorm.ErrTooLong) {
				t.Errorf("%q: %v, want too long", c.in, err)
			}
			continue
		}
		got, err = textnorm.Field(c.in, 100)
		if got != c.want || !errors.Is(err, c.err) || (c.err == nil) != (err == nil) {
			t.Errorf("Field(%q) = %q, %v; want %q, %v", c.in, got, err, c.want, c.err)
		}
	}
}

// TestCode: every code is kept and looked up as Clean in upper case.
func TestCode(t *testing.T) {
	for in, want := range map[string]string{
		"hb001":              "HB001",
		" HB001 ":            "HB001",
		"HB\u200b001":        "HB001",
		"phb-vh\u00a0":       "PHB-VH",
		"\ufeffPHB-KT\u2060": "PHB-KT",
	} {
		if got := textnorm.Code(in); got != want {
			t.Errorf("Code(%q) = %q, want %q", in, got, want)
		}
	}
}
