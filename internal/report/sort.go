package report

import "evalbot/internal/collation"

// SortPeople sorts xs in place in the office's order (the head, the
// deputies, then by given name, full name and employee code, in Vietnamese
// alphabetical order), as the exports list a unit; key returns whether the
// person is the head, their position, full name and employee code. For the
// other faces' lists of people.
func SortPeople[T any](xs []T, key func(T) (head bool, position, name, code string)) {
	sortPeople(xs, key)
}

// SortNames sorts xs in place (stable) by a unit's name in Vietnamese
// alphabetical order (a ă â b c d đ e ê …).
func SortNames[T any](xs []T, name func(T) string) {
	collation.SortBy(xs, func(x T) []collation.Key { return []collation.Key{collation.TextKey(name(x))} })
}
