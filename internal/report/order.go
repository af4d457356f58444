package report

import (
	"evalbot/internal/collation"
)

// sortPeople sorts xs in place in the order a Vietnamese office lists a unit
// (collation.OfficeKeys: the head, the deputies, everybody else; by given
// name, then full name, in Vietnamese order), then by employee code; key
// returns whether the person is the head, their position, full name and
// employee code.
func sortPeople[T any](xs []T, key func(T) (head bool, position, name, code string)) {
	collation.SortBy(xs, func(x T) []collation.Key {
		h, p, n, c := key(x)
		return append(collation.OfficeKeys(h, p, n), collation.Plain(c))
	})
}
