package report

import (
	"slices"
	"strings"
	"sync"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// The order a Vietnamese office lists a unit: the head, then the deputies
// (a position starting with "Phó"), then everybody else by given name (tên,
// the last word of the full name), then by the full name, in Vietnamese
// alphabetical order (a ă â b c d đ e ê …), then by employee code.

var (
	collatorMu sync.Mutex // a collate.Collator is not safe for concurrent use
	collator   = collate.New(language.Vietnamese)
)

func rank(isHead bool, position string) int {
	switch {
	case isHead:
		return 0
	case isDeputy(position):
		return 1
	default:
		return 2
	}
}

func isDeputy(position string) bool {
	w, _, _ := strings.Cut(strings.TrimSpace(position), " ")
	return strings.EqualFold(w, "Phó") || strings.EqualFold(w, "Pho")
}

func givenName(full string) string {
	f := strings.Fields(full)
	if len(f) == 0 {
		return ""
	}
	return f[len(f)-1]
}

// sortPeople sorts xs in place by the office order; key returns whether the
// person is the head, their position, full name and employee code.
func sortPeople[T any](xs []T, key func(T) (head bool, position, name, code string)) {
	collatorMu.Lock()
	defer collatorMu.Unlock()
	slices.SortStableFunc(xs, func(a, b T) int {
		ah, ap, an, ac := key(a)
		bh, bp, bn, bc := key(b)
		if c := rank(ah, ap) - rank(bh, bp); c != 0 {
			return c
		}
		if c := collator.CompareString(givenName(an), givenName(bn)); c != 0 {
			return c
		}
		if c := collator.CompareString(an, bn); c != 0 {
			return c
		}
		return strings.Compare(ac, bc)
	})
}
