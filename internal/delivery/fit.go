package delivery

import (
	"strings"
	"unicode/utf8"
)

// Telegram's length limits (Bot API), in UTF-16 code units of the text as
// Telegram stores it, that is after HTML entity parsing: tags do not count,
// and a character reference such as &lt; counts as the one character.
const (
	MaxText    = 4096 // sendMessage, editMessageText: text
	MaxCaption = 1024 // sendPhoto, sendDocument: caption
	MaxAnswer  = 200  // answerCallbackQuery: text (plain, no parse mode)
)

// Keyboard limits of an inline keyboard; past them Telegram answers
// "reply markup is too long".
const (
	MaxRowButtons = 8
	MaxButtons    = 100
)

// TextLen is the length Telegram measures of s, a text in parse_mode HTML:
// UTF-16 code units after entity parsing (tags skipped, &amp; &lt; &gt;
// &quot; and numeric references one character each).
func TextLen(s string) int {
	n := 0
	for i := 0; i < len(s); {
		w, size := htmlToken(s, i)
		n += w
		i += size
	}
	return n
}

// Fits reports whether s (HTML) is within limit UTF-16 code units. A text
// of at most limit bytes always is (a UTF-8 byte sequence is never fewer
// bytes than its UTF-16 units), so the usual card needs no parsing.
func Fits(s string, limit int) bool { return len(s) <= limit || TextLen(s) <= limit }

// htmlToken measures the token of s at i: a tag (<…>, width 0), a character
// reference (&…;, the width of its character) or one character. It returns
// the width in UTF-16 units and the token's length in bytes.
func htmlToken(s string, i int) (width, size int) {
	switch s[i] {
	case '<':
		if j := strings.IndexByte(s[i:], '>'); j > 0 {
			return 0, j + 1
		}
		return 1, 1
	case '&':
		if r, n, ok := charRef(s[i:]); ok {
			return utf16Width(r), n
		}
		return 1, 1
	}
	r, n := utf8.DecodeRuneInString(s[i:])
	return utf16Width(r), n
}

func utf16Width(r rune) int {
	if r >= 0x10000 {
		return 2
	}
	return 1
}

// charRef decodes the character reference at the start of s (which begins
// with '&'): the four named ones Telegram knows and numeric ones, ended by
// ';'. It returns the character and the reference's length in bytes.
func charRef(s string) (rune, int, bool) {
	end := strings.IndexByte(s, ';')
	if end < 2 || end > 10 {
		return 0, 0, false
	}
	body := s[1:end]
	switch body {
	case "lt":
		return '<', end + 1, true
	case "gt":
		return '>', end + 1, true
	case "amp":
		return '&', end + 1, true
	case "quot":
		return '"', end + 1, true
	}
	if body[0] != '#' {
		return 0, 0, false
	}
	base, digits := 10, body[1:]
	if len(digits) > 0 && (digits[0] == 'x' || digits[0] == 'X') {
		base, digits = 16, digits[1:]
	}
	if digits == "" {
		return 0, 0, false
	}
	var v rune
	for _, c := range []byte(digits) {
		var d rune
		switch {
		case c >= '0' && c <= '9':
			d = rune(c - '0')
		case base == 16 && c >= 'a' && c <= 'f':
			d = rune(c-'a') + 10
		case base == 16 && c >= 'A' && c <= 'F':
			d = rune(c-'A') + 10
		default:
			return 0, 0, false
		}
		v = v*rune(base) + d
		if v > 0x10ffff {
			return 0, 0, false
		}
	}
	return v, end + 1, true
}

// cutMark ends a text cut by Fit: on a line of its own, in any language.
const cutMark = "\n…"

// Fit returns s (HTML) cut to at most limit UTF-16 units, and whether it
// had to be cut. It is the last resort of every path that sends a text:
// the text is cut at a line break when one is in the second half, else
// after a character, never inside a tag or a character reference; the tags
// open there are closed, and "…" on its own line says something is
// missing. Lists are bounded where they are composed (FitList); a cut here
// is a fault to log.
func Fit(s string, limit int) (string, bool) {
	if Fits(s, limit) {
		return s, false
	}
	budget := limit - TextLen(cutMark)
	used, cut, lineCut, lineUsed := 0, 0, -1, 0
	for i := 0; i < len(s); {
		w, size := htmlToken(s, i)
		if used+w > budget {
			break
		}
		if w > 0 && s[i] == '\n' {
			lineCut, lineUsed = i, used
		}
		used += w
		i += size
		if w > 0 || s[i-size] == '<' {
			cut = i
		}
	}
	if lineCut >= 0 && lineUsed >= budget/2 {
		cut = lineCut
	}
	var b strings.Builder
	b.Grow(cut + 64)
	b.WriteString(s[:cut])
	open := openTags(s[:cut])
	for k := len(open) - 1; k >= 0; k-- {
		b.WriteString("</" + open[k] + ">")
	}
	b.WriteString(cutMark)
	return b.String(), true
}

// openTags lists the tags left open at the end of s, outermost first.
func openTags(s string) []string {
	var stack []string
	for i := 0; i < len(s); {
		if s[i] != '<' {
			i++
			continue
		}
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			break
		}
		tag := s[i+1 : i+j]
		i += j + 1
		if strings.HasPrefix(tag, "/") {
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			continue
		}
		name := tag
		if k := strings.IndexAny(tag, " \t\n"); k >= 0 {
			name = tag[:k]
		}
		stack = append(stack, name)
	}
	return stack
}

// FitPlain cuts s, a plain text (a callback query's answer), to at most
// limit UTF-16 units at a character, ending it with "…"; it reports
// whether it did.
func FitPlain(s string, limit int) (string, bool) {
	if len(s) <= limit {
		return s, false
	}
	n := 0
	for _, r := range s {
		n += utf16Width(r)
	}
	if n <= limit {
		return s, false
	}
	n = 0
	for i, r := range s {
		if n+utf16Width(r) > limit-1 {
			return s[:i] + "…", true
		}
		n += utf16Width(r)
	}
	return s, false
}

// FitKeyboard returns k within Telegram's inline keyboard limits, and
// whether it had to change it: a row of more than 8 buttons is wrapped onto
// rows of 8, and past 100 buttons the rows before the last are dropped from
// the end (the last row, navigation or Back, stays). Keyboards are bounded
// where they are built (paged); this is the last resort.
func FitKeyboard(k Keyboard) (Keyboard, bool) {
	total, wide := 0, false
	for _, r := range k {
		total += len(r)
		wide = wide || len(r) > MaxRowButtons
	}
	if total <= MaxButtons && !wide {
		return k, false
	}
	var rows Keyboard
	for _, r := range k {
		for len(r) > MaxRowButtons {
			rows, r = append(rows, r[:MaxRowButtons]), r[MaxRowButtons:]
		}
		rows = append(rows, r)
	}
	if total <= MaxButtons {
		return rows, true
	}
	last := rows[len(rows)-1]
	room := MaxButtons - len(last)
	var out Keyboard
	for _, r := range rows[:len(rows)-1] {
		if len(r) > room {
			break
		}
		out, room = append(out, r), room-len(r)
	}
	return append(out, last), true
}

// FitList composes head + items joined by sep + tail within limit UTF-16
// units (Telegram's measure, as TextLen): items are kept in order while they
// fit, at most max of them (0: no cap), and when some are left out, more(n)
// (a localized "… và n mục khác") follows the last one kept. Items are never
// cut in the middle. head, items, sep, tail and more's result are HTML.
func FitList(head string, items []string, sep, tail string, limit, max int, more func(n int) string) string {
	fixed := TextLen(head) + TextLen(tail)
	ls := TextLen(sep)
	capped := len(items)
	if max > 0 && capped > max {
		capped = max
	}
	widths := make([]int, len(items))
	sum := 0
	for i, it := range items {
		widths[i] = TextLen(it)
		if i > 0 {
			widths[i] += ls
		}
		if i < capped {
			sum += widths[i]
		}
	}
	if capped == len(items) && fixed+sum <= limit {
		return head + strings.Join(items, sep) + tail
	}
	// Room for the "more" line: its widest form (the most items left out).
	room := limit - fixed - ls - TextLen(more(len(items)))
	kept, used := 0, 0
	for kept < capped && used+widths[kept] <= room {
		used += widths[kept]
		kept++
	}
	var b strings.Builder
	b.WriteString(head)
	b.WriteString(strings.Join(items[:kept], sep))
	if kept > 0 {
		b.WriteString(sep)
	}
	b.WriteString(more(len(items) - kept))
	b.WriteString(tail)
	return b.String()
}

// SplitList composes head + items joined by sep + tail as one message or,
// when that is over limit UTF-16 units, as several: head on the first,
// tail on the last, items in order and whole (one longer than a message
// alone is left to Fit). For a list the reader needs whole: the results
// posted to a group, the names of everyone who has not self-assessed.
func SplitList(head string, items []string, sep, tail string, limit int) []string {
	var out []string
	var b strings.Builder
	b.WriteString(head)
	used, ls, fresh := TextLen(head), TextLen(sep), true
	for i, it := range items {
		w := TextLen(it)
		if i == len(items)-1 {
			w += TextLen(tail)
		}
		if !fresh {
			w += ls
		}
		if !fresh && used+w > limit {
			out = append(out, b.String())
			b.Reset()
			used, fresh = 0, true
			w -= ls
		}
		if !fresh {
			b.WriteString(sep)
		}
		b.WriteString(it)
		used += w
		fresh = false
	}
	b.WriteString(tail)
	return append(out, b.String())
}
