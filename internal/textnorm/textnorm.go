// Package textnorm is the one normalization of every text a person types
// (plan tasks, reasons, comments, names, desk names, roster cells): Unicode
// NFC, invisible and bidirectional control characters removed, white space
// collapsed; then the emptiness and length checks. A title made only of
// zero-width characters is empty, and a right-to-left override cannot
// reverse the text on someone else's card.
package textnorm

import (
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Errors of Field.
var (
	ErrEmpty   = errors.New("textnorm: nothing visible")
	ErrTooLong = errors.New("textnorm: too long")
)

// Invisible reports whether r is dropped from typed text: every format
// character (Unicode category Cf: zero-width space, joiners and non-joiner
// U+200B–U+200D, the marks U+200E–U+200F and U+061C, the bidi embeddings,
// overrides and isolates U+202A–U+202E and U+2066–U+2069, word joiner and
// invisible operators U+2060–U+2064, the BOM U+FEFF, the soft hyphen U+00AD,
// …), control characters other than white space, and the letters that
// render as nothing (Hangul fillers U+115F, U+1160, U+3164, U+FFA0, the
// blank Braille pattern U+2800).
func Invisible(r rune) bool {
	switch r {
	case '\u115f', '\u1160', '\u3164', '\uffa0', '\u2800':
		return true
	}
	if unicode.IsSpace(r) {
		return false
	}
	return unicode.Is(unicode.Cf, r) || unicode.IsControl(r) || r == utf8.RuneError
}

// Clean returns s as it is kept: invisible characters removed (Invisible),
// Unicode NFC, every run of white space (spaces of every width, no-break
// spaces, tabs, line breaks) made one space, none at either end.
func Clean(s string) string {
	s = strings.Map(func(r rune) rune {
		if Invisible(r) {
			return -1
		}
		return r
	}, s)
	return strings.Join(strings.Fields(norm.NFC.String(s)), " ")
}

// Code is Clean in upper case: how every code (mã) is kept and looked up —
// employee, unit, desk, catalogue item — so that "hb001", " HB001 " and
// "HB\u200b001" pasted from a spreadsheet or typed in a URL are HB001.
func Code(s string) string { return strings.ToUpper(Clean(s)) }

// Field is Clean with the checks every typed field has: ErrEmpty when
// nothing visible is left, ErrTooLong when more than max characters (runes,
// after cleaning) are; max ≤ 0 sets no limit. The cleaned text is returned
// with either error.
func Field(s string, max int) (string, error) {
	s = Clean(s)
	switch {
	case s == "":
		return s, ErrEmpty
	case max > 0 && utf8.RuneCountInString(s) > max:
		return s, ErrTooLong
	}
	return s, nil
}
