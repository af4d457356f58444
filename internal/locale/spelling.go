package locale

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// The project's spelling convention (docs/vietnamese.md): the traditional tone
// placement of government documents, «Ủy ban nhân dân». In an open syllable
// whose vowel ends in the glide oa, oe or uy (uy not after q, where u belongs
// to the consonant qu), the tone mark sits on the first vowel: hòa, khỏe,
// thủy, tùy, hủy — never hoà, khoẻ, thuỷ, tuỳ, huỷ. With a final consonant
// both conventions put it on the second vowel (hoàn, khoảng, huyện), and
// «quý» is right in both.

// toneMarks are the five combining tone marks of Vietnamese (NFD).
var toneMarks = map[rune]bool{
	'\u0300': true, // huyền
	'\u0301': true, // sắc
	'\u0303': true, // ngã
	'\u0309': true, // hỏi
	'\u0323': true, // nặng
}

// Misspelling is a syllable written with the new-style tone placement.
type Misspelling struct {
	Word string // as written in the text, e.g. "huỷ"
	Want string // the same syllable in the project's convention, e.g. "hủy"
}

// NewStyleTones returns each syllable of text (words of letters; case kept)
// whose tone mark sits on the glide's second vowel where the convention wants
// it on the first, in text order; nil when the text follows the convention.
func NewStyleTones(text string) []Misspelling {
	var out []Misspelling
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.Is(unicode.Mn, r) }) {
		if want, bad := checkSyllable(w); bad {
			out = append(out, Misspelling{Word: w, Want: want})
		}
	}
	return out
}

// checkSyllable reports whether word (one syllable) puts the tone on the
// second vowel of a final oa/oe/uy, and the word with the tone moved.
func checkSyllable(word string) (string, bool) {
	// Letters with their non-tone marks (â, ơ, đ…) and, apart, the tone.
	var letters [][]rune
	tone, toneAt := rune(0), -1
	for _, r := range norm.NFD.String(word) {
		switch {
		case toneMarks[r]:
			tone, toneAt = r, len(letters)-1
		case unicode.Is(unicode.Mn, r) && len(letters) > 0:
			letters[len(letters)-1] = append(letters[len(letters)-1], r)
		default:
			letters = append(letters, []rune{r})
		}
	}
	n := len(letters)
	if toneAt < 0 || n < 2 || toneAt != n-1 {
		return "", false
	}
	first, second := base(letters[n-2]), base(letters[n-1])
	glide := first == "o" && (second == "a" || second == "e") || first == "u" && second == "y"
	if !glide {
		return "", false
	}
	if n >= 3 {
		prev := base(letters[n-3])
		if first == "u" && prev == "q" {
			return "", false // quý: u belongs to the consonant qu
		}
		if isVowel(prev) {
			return "", false // a three-vowel nucleus (ngoèo) is another rule
		}
	}
	var b strings.Builder
	for i, l := range letters {
		b.WriteString(string(l))
		if i == n-2 {
			b.WriteRune(tone)
		}
	}
	return norm.NFC.String(b.String()), true
}

// base is a letter without marks, lower case; "" when it carried a vowel
// diacritic (ô, ơ, ư, ê…), which changes the vowel.
func base(l []rune) string {
	if len(l) != 1 {
		return ""
	}
	return string(unicode.ToLower(l[0]))
}

func isVowel(s string) bool { return s != "" && strings.Contains("aeiouy", s) }

// iForY are the Sino-Vietnamese syllables that the convention writes with
// y, as government documents do («tỷ lệ», «kỹ thuật», «lý do», «mỹ thuật»),
// by the form with i that it never writes.
var iForY = map[string]string{"tỉ": "tỷ", "kĩ": "kỹ", "lí": "lý", "mĩ": "mỹ", "kỉ": "kỷ", "lị": "lỵ"}

// IForY returns each word of text written with the i that the convention
// writes y (iForY), in text order; nil when there is none.
func IForY(text string) []Misspelling {
	var out []Misspelling
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.Is(unicode.Mn, r) }) {
		if want, ok := iForY[strings.ToLower(w)]; ok {
			out = append(out, Misspelling{Word: w, Want: want})
		}
	}
	return out
}
