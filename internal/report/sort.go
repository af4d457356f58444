package report

import (
	"bytes"
	"slices"

	"golang.org/x/text/collate"
)

// SortPeople sorts xs in place in the office's order (the head, the
// deputies, then by given name, full name and employee code, in Vietnamese
// alphabetical order), as the exports list a unit; key returns whether the
// person is the head, their position, full name and employee code. For the
// other faces' lists of people.
func SortPeople[T any](xs []T, key func(T) (head bool, position, name, code string)) {
	sortPeople(xs, key)
}

// SortNames sorts xs in place (stable) by name in Vietnamese alphabetical
// order (a ă â b c d đ e ê …).
func SortNames[T any](xs []T, name func(T) string) {
	keys := make(map[int][]byte, len(xs))
	idx := make([]int, len(xs))
	var buf collate.Buffer
	collatorMu.Lock()
	for i, x := range xs {
		keys[i] = slices.Clone(collator.KeyFromString(&buf, name(x)))
		buf.Reset()
		idx[i] = i
	}
	collatorMu.Unlock()
	slices.SortStableFunc(idx, func(a, b int) int { return bytes.Compare(keys[a], keys[b]) })
	sorted := make([]T, len(xs))
	for i, j := range idx {
		sorted[i] = xs[j]
	}
	copy(xs, sorted)
}
