package report

import (
	"fmt"
	"strconv"
	"strings"

	"evalbot/internal/grading"
)

// Mean returns sum / n in hundredths rounded half up (sum ≥ 0, n > 0), in
// integers: ⌊(2·sum + n) / 2n⌋.
func Mean(sum grading.Points, n int) grading.Points {
	if n <= 0 {
		return 0
	}
	return grading.Points((2*int64(sum) + int64(n)) / (2 * int64(n)))
}

// ParseQuarter reads "2026-Q4" (also "2026-q4").
func ParseQuarter(s string) (year, quarter int, err error) {
	y, q, ok := strings.Cut(strings.ToUpper(strings.TrimSpace(s)), "-Q")
	if ok && len(y) == 4 && len(q) == 1 {
		yv, err1 := strconv.Atoi(y)
		qv, err2 := strconv.Atoi(q)
		if err1 == nil && err2 == nil && yv >= 1 && qv >= 1 && qv <= 4 {
			return yv, qv, nil
		}
	}
	return 0, 0, fmt.Errorf("report: invalid quarter %q: want YYYY-Qn, e.g. 2026-Q4", s)
}

var roman = [...]string{"I", "II", "III", "IV"}
