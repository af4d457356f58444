package grading

import (
	"errors"
	"math/big"
	"strconv"
	"strings"
)

// Points is a score in hundredths of a point: 6150 is 61.50 points.
// Fixed-point because DESIGN.md §3 rounds half up to hundredths and compares
// totals with band floors exactly; a monthly total is within 0..10000.
type Points int64

// maxPointsDigits bounds the integer part ParsePoints accepts, so that
// points·100 always fits an int64.
const maxPointsDigits = 15

var errPointsSyntax = errors.New("want a decimal with at most two decimals, such as 61.5")

// ParsePoints reads a decimal with at most two decimals: "61.5" → 6150,
// "5" → 500, "-1.25" → -125. It rejects more decimals, a missing digit on
// either side of the dot, signs other than a leading '-', spaces, and more
// than 15 digits before the dot. The decimal separator is '.'. The error
// satisfies errors.Is(err, ErrBadInput).
func ParsePoints(s string) (Points, error) {
	body, neg := strings.CutPrefix(s, "-")
	whole, frac, dot := strings.Cut(body, ".")
	if !allDigits(whole) || len(whole) > maxPointsDigits || (dot && (!allDigits(frac) || len(frac) > 2)) {
		return 0, &pointsError{text: s}
	}
	for len(frac) < 2 {
		frac += "0"
	}
	v, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil { // unreachable with the length bound; kept for safety
		return 0, &pointsError{text: s}
	}
	if neg {
		v = -v
	}
	return Points(v), nil
}

// pointsError is ParsePoints' error; errors.Is(err, ErrBadInput) holds.
type pointsError struct{ text string }

func (e *pointsError) Error() string {
	return "grading: invalid points " + strconv.Quote(e.text) + ": " + errPointsSyntax.Error()
}

func (e *pointsError) Unwrap() error { return ErrBadInput }

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// String formats p with exactly two decimals: 6150 → "61.50", 0 → "0.00",
// -150 → "-1.50".
func (p Points) String() string {
	u, sign := uint64(p), ""
	if p < 0 {
		u, sign = -u, "-" // two's complement negation also handles MinInt64
	}
	frac := strconv.FormatUint(u%100, 10)
	if len(frac) == 1 {
		frac = "0" + frac
	}
	return sign + strconv.FormatUint(u/100, 10) + "." + frac
}

// roundHalfUp returns x rounded half up to an integer; x must be ≥ 0 and
// small enough for an int64 (every caller scales a ratio in 0..1 by ≤ 10000).
func roundHalfUp(x *big.Rat) int64 {
	n := new(big.Int).Lsh(x.Num(), 1) // 2n
	n.Add(n, x.Denom())               // 2n + d
	d := new(big.Int).Lsh(x.Denom(), 1)
	return n.Quo(n, d).Int64() // ⌊(2n+d)/2d⌋ = ⌊x + 1/2⌋
}

// scale returns round-half-up(x · unit) for a ratio x ≥ 0: the task score in
// hundredths for unit = task max, or a percentage in hundredths for unit = 10000.
func scale(x *big.Rat, unit Points) Points {
	var y big.Rat
	y.SetInt64(int64(unit))
	return Points(roundHalfUp(y.Mul(&y, x)))
}
