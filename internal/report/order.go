package report

import (
	"bytes"
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
// person is the head, their position, full name and employee code. Collation
// keys are computed once per person, not per comparison.
func sortPeople[T any](xs []T, key func(T) (head bool, position, name, code string)) {
	type sortKey struct {
		rank        int
		given, full []byte
		code        string
	}
	keys := make([]sortKey, len(xs))
	idx := make([]int, len(xs))
	var buf collate.Buffer
	collatorMu.Lock()
	for i, x := range xs {
		h, p, n, c := key(x)
		keys[i] = sortKey{rank(h, p), slices.Clone(collator.KeyFromString(&buf, givenName(n))),
			slices.Clone(collator.KeyFromString(&buf, n)), c}
		buf.Reset()
		idx[i] = i
	}
	collatorMu.Unlock()
	slices.SortStableFunc(idx, func(a, b int) int {
		ka, kb := keys[a], keys[b]
		if c := ka.rank - kb.rank; c != 0 {
			return c
		}
		if c := bytes.Compare(ka.given, kb.given); c != 0 {
			return c
		}
		if c := bytes.Compare(ka.full, kb.full); c != 0 {
			return c
		}
		return strings.Compare(ka.code, kb.code)
	})
	sorted := make([]T, len(xs))
	for i, j := range idx {
		sorted[i] = xs[j]
	}
	copy(xs, sorted)
}
