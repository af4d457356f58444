package grading

import (
	"errors"
	"math"
	"math/big"
	"testing"
)

func TestParsePoints(t *testing.T) {
	good := map[string]Points{
		"61.5": 6150, "5": 500, "0": 0, "0.05": 5, "-1.5": -150, "100.00": 10000,
		"4.37": 437, "007": 700, "999999999999999": 99999999999999900,
	}
	for s, want := range good {
		if got, err := ParsePoints(s); err != nil || got != want {
			t.Errorf("ParsePoints(%q) = %d, %v; want %d", s, got, err, want)
		}
	}
	for _, s := range []string{"", "1.234", "abc", "1.", ".5", "+1", " 1", "1 ", "1,5", "1e2",
		"--1", "-", "0x10", "1.2.3", "9999999999999999", "NaN", "½"} {
		if got, err := ParsePoints(s); err == nil {
			t.Errorf("ParsePoints(%q) = %d, want an error", s, got)
		} else if !errors.Is(err, ErrBadInput) {
			t.Errorf("ParsePoints(%q) error %v is not ErrBadInput", s, err)
		}
	}
}

func TestPointsString(t *testing.T) {
	for p, want := range map[Points]string{
		6150: "61.50", 0: "0.00", -150: "-1.50", 5: "0.05", -5: "-0.05", 10000: "100.00", 6563: "65.63",
		math.MinInt64: "-92233720368547758.08", math.MaxInt64: "92233720368547758.07",
	} {
		if got := p.String(); got != want {
			t.Errorf("Points(%d).String() = %q, want %q", int64(p), got, want)
		}
	}
}

func TestRoundHalfUp(t *testing.T) {
	for _, c := range []struct {
		num, den int64
		want     int64
	}{
		{65625, 1000, 66},     // 65.625 → 66
		{6562500, 1000, 6563}, // 6562.5 hundredths (65.625 points) → 6563, not 6562
		{13123, 2, 6562},      // 6561.5 → 6562: half always goes up
		{1, 3, 0}, {2, 3, 1}, {1, 2, 1}, {0, 1, 0}, {7000, 1, 7000},
	} {
		if got := roundHalfUp(big.NewRat(c.num, c.den)); got != c.want {
			t.Errorf("roundHalfUp(%d/%d) = %d, want %d", c.num, c.den, got, c.want)
		}
	}
}

func FuzzParsePoints(f *testing.F) {
	for _, s := range []string{"61.5", "5", "-1.50", "0.05", "1.234", "", "abc", "999999999999999.99"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePoints(s)
		if err != nil {
			return
		}
		back, err := ParsePoints(p.String())
		if err != nil || back != p {
			t.Fatalf("%q → %d → %q → %d, %v", s, int64(p), p.String(), int64(back), err)
		}
	})
}
