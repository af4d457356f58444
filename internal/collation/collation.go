// Package collation orders people and units the way a Vietnamese office lists
// them: Vietnamese alphabetical order (a ă â b c d đ e ê … o ô ơ … u ư …,
// tones after the letter), people by given name (tên, the last word of the
// full name), then by the whole name (họ đệm). Every list of people or units
// the bot, the exports and the demo show is sorted here, in Go after the
// query, so the order does not depend on the database's collation
// (docs/vietnamese.md).
package collation

import (
	"bytes"
	"slices"
	"strings"
	"sync"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

var (
	mu       sync.Mutex // a collate.Collator is not safe for concurrent use
	collator = collate.New(language.Vietnamese)
	buf      collate.Buffer
)

// Key is the sort key of one text in Vietnamese order; a record sorts by a
// list of keys, the first deciding and the next breaking ties.
type Key []byte

// TextKey returns the Vietnamese collation key of s (a unit's or desk's name).
func TextKey(s string) Key {
	mu.Lock()
	defer mu.Unlock()
	k := slices.Clone(collator.KeyFromString(&buf, s))
	buf.Reset()
	return k
}

// NameKeys returns the sort keys of a person's full name (họ và tên): the
// given name first, then the whole name, so «Vũ Văn An» comes before
// «Đỗ Thị Bình», and «Đỗ Văn An» before «Vũ Văn An».
func NameKeys(fullName string) []Key {
	f := strings.Fields(fullName)
	if len(f) == 0 {
		return []Key{nil, nil}
	}
	return []Key{TextKey(f[len(f)-1]), TextKey(strings.Join(f, " "))}
}

// Plain is a key that orders by the bytes of s (codes, digits of equal length).
func Plain(s string) Key { return Key(s) }

// Compare orders two lists of keys: negative when a sorts first.
func Compare(a, b []Key) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if c := bytes.Compare(a[i], b[i]); c != 0 {
			return c
		}
	}
	return len(a) - len(b)
}

// CompareNames orders two full names, given name first.
func CompareNames(a, b string) int { return Compare(NameKeys(a), NameKeys(b)) }

// SortNames sorts full names in place, given name first.
func SortNames(names []string) { SortPeople(names, func(s string) string { return s }) }

// SortPeople sorts xs in place, stably, by the full name name(x) returns,
// given name first.
func SortPeople[T any](xs []T, name func(T) string) {
	SortBy(xs, func(x T) []Key { return NameKeys(name(x)) })
}

// SortBy sorts xs in place, stably, by the keys key(x) returns, computed once
// per element.
func SortBy[T any](xs []T, key func(T) []Key) {
	keys := make([][]Key, len(xs))
	idx := make([]int, len(xs))
	for i, x := range xs {
		keys[i], idx[i] = key(x), i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return Compare(keys[a], keys[b]) })
	sorted := make([]T, len(xs))
	for i, j := range idx {
		sorted[i] = xs[j]
	}
	copy(xs, sorted)
}

// OfficeKeys are the sort keys of a person in the order a Vietnamese office
// lists a unit: the head (isHead), then the deputies (a position starting
// with «Phó»), then everybody else; each group by given name, then full name
// (NameKeys).
func OfficeKeys(isHead bool, position, fullName string) []Key {
	rank := "2"
	switch {
	case isHead:
		rank = "0"
	case isDeputy(position):
		rank = "1"
	}
	return append([]Key{Plain(rank)}, NameKeys(fullName)...)
}

func isDeputy(position string) bool {
	w, _, _ := strings.Cut(strings.TrimSpace(position), " ")
	return strings.EqualFold(w, "Phó") || strings.EqualFold(w, "Pho")
}
