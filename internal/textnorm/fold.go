package textnorm

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Fold makes a key for loose matching of Vietnamese text: no diacritics
// (đ → d), lower case, and every run of characters other than letters and
// digits turned into one space, none at either end. "Thẩm định hồ sơ",
// "THAM DINH HO SO" and "tham_dinh-ho so" all fold to "tham dinh ho so".
// Used for header names (roster files) and for searching the catalogue from
// a phone keyboard without Vietnamese input.
func Fold(s string) string {
	var b strings.Builder
	space := false
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'đ' || r == 'Đ':
			r = 'd'
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(unicode.ToLower(r))
		} else {
			space = true
		}
	}
	return b.String()
}
