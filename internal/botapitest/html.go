package botapitest

import (
	"fmt"
	json "github.com/goccy/go-json"
	"net"
	"net/url"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"
)

// Text limits of the Bot API, in UTF-16 code units of the text after entity parsing.
const (
	maxTextLen    = 4096
	maxCaptionLen = 1024
)

// utf16Len counts the UTF-16 code units of s, the unit Telegram measures texts and
// entity offsets in.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += runeUTF16(r)
	}
	return n
}

func runeUTF16(r rune) int {
	if r >= 0x10000 {
		return 2
	}
	return 1
}

// formatText turns a text the bot sent (with its parse_mode or explicit entities)
// into what Telegram stores: the visible text and its entities, cleaned and trimmed
// as TDLib does. An empty result is reported as ok=false with no error, so that
// the caller can pick the right description.
func (s *Server) formatText(raw, parseMode, entitiesJSON, field string) (text string, ents []models.MessageEntity, apiErr *apiError) {
	if !utf8.ValidString(raw) {
		return "", nil, badRequest(field + " must be encoded in UTF-8")
	}
	switch strings.ToLower(parseMode) {
	case "":
		text = raw
		if entitiesJSON != "" {
			if err := json.Unmarshal([]byte(entitiesJSON), &ents); err != nil {
				return "", nil, badRequest("can't parse entities JSON object")
			}
			ents = clampEntities(ents, utf16Len(text))
		}
	case "html":
		var err error
		text, ents, err = parseHTML(raw, !s.cfg.lenientHTML)
		if err != nil {
			return "", nil, badRequest("can't parse entities: " + err.Error())
		}
	case "markdown", "markdownv2":
		// Not parsed: the text is kept as sent (see the package documentation).
		text = raw
	default:
		return "", nil, badRequest("unsupported parse_mode")
	}
	text, ents = cleanText(text, ents)
	return text, ents, nil
}

func clampEntities(ents []models.MessageEntity, n int) []models.MessageEntity {
	out := ents[:0]
	for _, e := range ents {
		if e.Offset < 0 || e.Length <= 0 || e.Offset >= n {
			continue
		}
		if e.Offset+e.Length > n {
			e.Length = n - e.Offset
		}
		out = append(out, e)
	}
	sortEntities(out)
	return out
}

// entityPriority mirrors TDLib's ordering of entities that start at the same offset
// and have the same length.
func entityPriority(t models.MessageEntityType) int {
	switch t {
	case models.MessageEntityTypeBlockquote, models.MessageEntityTypeExpandableBlockquote:
		return 0
	case models.MessageEntityTypePre:
		return 11
	case models.MessageEntityTypeCode:
		return 20
	case models.MessageEntityTypeTextLink, models.MessageEntityTypeTextMention:
		return 49
	case models.MessageEntityTypeBold:
		return 90
	case models.MessageEntityTypeItalic:
		return 91
	case models.MessageEntityTypeUnderline:
		return 92
	case models.MessageEntityTypeStrikethrough:
		return 93
	case models.MessageEntityTypeSpoiler:
		return 94
	case models.MessageEntityTypeCustomEmoji:
		return 99
	}
	return 50
}

func sortEntities(ents []models.MessageEntity) {
	sort.SliceStable(ents, func(i, j int) bool {
		a, b := ents[i], ents[j]
		if a.Offset != b.Offset {
			return a.Offset < b.Offset
		}
		if a.Length != b.Length {
			return a.Length > b.Length
		}
		return entityPriority(a.Type) < entityPriority(b.Type)
	})
}

// cleanText does what TDLib's fix_formatted_text does to an outgoing text: control
// characters become spaces, '\r' and a few invisible characters are dropped,
// entities that cover only whitespace are dropped, and the text is trimmed of
// spaces and newlines (on the left only up to the first entity).
func cleanText(text string, ents []models.MessageEntity) (string, []models.MessageEntity) {
	runes := []rune(text)
	if plainBMP(runes) {
		return trimText(runes, text, ents)
	}
	return cleanRunes(runes, ents)
}

// cleanRunes is cleanText for any text: offsets are mapped through the
// characters dropped and the UTF-16 width of each.
func cleanRunes(runes []rune, ents []models.MessageEntity) (string, []models.MessageEntity) {
	// pos[k] is the new UTF-16 offset of old UTF-16 offset k.
	oldLen := 0
	for _, r := range runes {
		oldLen += runeUTF16(r)
	}
	pos := make([]int, oldLen+1)
	out := make([]rune, 0, len(runes))
	old, cur := 0, 0
	for _, r := range runes {
		w := runeUTF16(r)
		for k := 0; k < w; k++ {
			pos[old+k] = cur
		}
		old += w
		switch {
		case r == '\r', r >= 0x2028 && r <= 0x202E, r == 0x0333, r == 0x033F, r == 0x030A:
			continue // dropped
		case r < 32 && r != '\n':
			r = ' '
		}
		out = append(out, r)
		cur += runeUTF16(r)
	}
	pos[oldLen] = cur

	// newUTF16 → rune index in out.
	isSpace := func(r rune) bool { return r == ' ' || r == '\n' }
	runeAt := make([]int, cur+1)
	{
		u := 0
		for i, r := range out {
			w := runeUTF16(r)
			for k := 0; k < w; k++ {
				runeAt[u+k] = i
			}
			u += w
		}
		runeAt[cur] = len(out)
	}
	nonSpace := func(from, to int) bool { // UTF-16 range in out
		for i := runeAt[from]; i < runeAt[to] && i < len(out); i++ {
			if !isSpace(out[i]) {
				return true
			}
		}
		return false
	}

	var kept []models.MessageEntity
	for _, e := range ents {
		if e.Offset < 0 || e.Length <= 0 || e.Offset+e.Length > oldLen {
			continue
		}
		start, end := pos[e.Offset], pos[e.Offset+e.Length]
		if end <= start || !nonSpace(start, end) {
			continue
		}
		e.Offset, e.Length = start, end-start
		kept = append(kept, e)
	}

	// rtrim
	last := -1
	lastU16 := 0
	{
		u := 0
		for i, r := range out {
			u += runeUTF16(r)
			if !isSpace(r) {
				last = i
				lastU16 = u
			}
		}
	}
	if last < 0 {
		return "", nil
	}
	out = out[:last+1]
	skip := trimEntities(out, lastU16, kept)
	return string(out[skip:]), kept
}

// trimEntities clips kept (sorted here) to end, the UTF-16 length of the
// right-trimmed out, and shifts them past the spaces that lead out up to the
// first entity; it returns how many runes those are. Spaces and newlines are
// one UTF-16 unit each, so the count is also the offset shift.
func trimEntities(out []rune, end int, kept []models.MessageEntity) (skip int) {
	for i := range kept {
		if kept[i].Offset+kept[i].Length > end {
			kept[i].Length = end - kept[i].Offset
		}
	}
	sortEntities(kept)
	firstEnt := end
	if len(kept) > 0 {
		firstEnt = kept[0].Offset
	}
	for skip < len(out) && skip < firstEnt && (out[skip] == ' ' || out[skip] == '\n') {
		skip++
	}
	for i := range kept {
		kept[i].Offset -= skip
	}
	return skip
}

// plainBMP reports whether cleanText would change no character of runes and
// each is one UTF-16 unit, so offsets need no mapping (a card's usual text).
func plainBMP(runes []rune) bool {
	for _, r := range runes {
		switch {
		case r >= 0x10000, r == '\r', r >= 0x2028 && r <= 0x202E, r == 0x0333, r == 0x033F, r == 0x030A,
			r < 32 && r != '\n':
			return false
		}
	}
	return true
}

// trimText is cleanText for a plainBMP text: UTF-16 offsets are rune indexes.
func trimText(out []rune, text string, ents []models.MessageEntity) (string, []models.MessageEntity) {
	isSpace := func(r rune) bool { return r == ' ' || r == '\n' }
	n := len(out)
	var kept []models.MessageEntity
	for _, e := range ents {
		if e.Offset < 0 || e.Length <= 0 || e.Offset+e.Length > n {
			continue
		}
		if !slices.ContainsFunc(out[e.Offset:e.Offset+e.Length], func(r rune) bool { return !isSpace(r) }) {
			continue
		}
		kept = append(kept, e)
	}
	last := len(out) - 1
	for last >= 0 && isSpace(out[last]) {
		last--
	}
	if last < 0 {
		return "", nil
	}
	end := last + 1
	skip := trimEntities(out[:end], end, kept)
	if skip == 0 && end == len(out) {
		return text, kept // unchanged: no copy
	}
	return string(out[skip:end]), kept
}

// htmlError is a parse error with TDLib's wording.
type htmlError string

func (e htmlError) Error() string { return string(e) }

func herr(format string, args ...any) error { return htmlError(fmt.Sprintf(format, args...)) }

type openTag struct {
	name       string
	arg        string
	expandable bool
	u16Start   int
	byteStart  int
	beginPos   int
}

var supportedTags = map[string]bool{
	"a": true, "b": true, "strong": true, "i": true, "em": true, "s": true, "strike": true, "del": true,
	"u": true, "ins": true, "tg-spoiler": true, "tg-emoji": true, "span": true, "pre": true, "code": true,
	"blockquote": true,
}

func isHTMLSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'
}
func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isAlnum(c byte) bool { return isAlpha(c) || isDigit(c) }
func hexVal(c byte) (uint64, bool) {
	switch {
	case isDigit(c):
		return uint64(c - '0'), true
	case c >= 'a' && c <= 'f':
		return uint64(c-'a') + 10, true
	case c >= 'A' && c <= 'F':
		return uint64(c-'A') + 10, true
	}
	return 0, false
}

// decodeHTMLEntity decodes the character reference at str[pos] (which is '&') the
// way TDLib does: &lt; &gt; &amp; &quot; and numeric references, the ';' optional.
// strict additionally requires the ';'.
func decodeHTMLEntity(str string, pos int, strict bool) (r rune, n int, ok bool) {
	at := func(i int) byte {
		if i < len(str) {
			return str[i]
		}
		return 0
	}
	end := pos + 1
	var res uint64
	if at(pos+1) == '#' {
		end++
		if at(pos+2) == 'x' {
			end++
			for {
				v, isHex := hexVal(at(end))
				if !isHex {
					break
				}
				res = res*16 + v
				end++
				if end-pos > 12 {
					return 0, 0, false
				}
			}
		} else {
			for isDigit(at(end)) {
				res = res*10 + uint64(at(end)-'0')
				end++
				if end-pos > 12 {
					return 0, 0, false
				}
			}
		}
		if res == 0 || res >= 0x10ffff || end-pos >= 10 {
			return 0, 0, false
		}
	} else {
		for isAlpha(at(end)) {
			end++
		}
		switch str[pos+1 : end] {
		case "lt":
			res = '<'
		case "gt":
			res = '>'
		case "amp":
			res = '&'
		case "quot":
			res = '"'
		default:
			return 0, 0, false
		}
	}
	if at(end) == ';' {
		end++
	} else if strict {
		return 0, 0, false
	}
	return rune(res), end - pos, true
}

// parseHTML parses Telegram's HTML subset like TDLib's parse_html and returns the
// visible text and its entities. With strict set it also rejects an '&' that does
// not begin a character reference ending in ';' (Telegram keeps such an '&' as
// text; the Bot API documentation requires it to be escaped).
func parseHTML(str string, strict bool) (string, []models.MessageEntity, error) {
	at := func(i int) byte {
		if i < len(str) {
			return str[i]
		}
		return 0
	}
	var out strings.Builder
	u16 := 0
	var stack []openTag
	var ents []models.MessageEntity

	for i := 0; i < len(str); i++ {
		c := str[i]
		if c == '&' {
			if r, n, ok := decodeHTMLEntity(str, i, strict); ok {
				if r >= 0xD800 && r <= 0xDFFF {
					return "", nil, herr("Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units")
				}
				out.WriteRune(r)
				u16 += runeUTF16(r)
				i += n - 1
				continue
			}
			if strict {
				return "", nil, herr("Unescaped \"&\" at byte offset %d: use \"&amp;\" for a literal ampersand", i)
			}
		}
		if c != '<' {
			if c&0xC0 != 0x80 {
				u16++
				if c >= 0xf0 {
					u16++
				}
			}
			out.WriteByte(c)
			continue
		}

		begin := i
		i++
		if at(i) != '/' {
			// a start tag
			for at(i) != 0 && !isHTMLSpace(at(i)) && at(i) != '>' {
				i++
			}
			if at(i) == 0 {
				return "", nil, herr("Unclosed start tag at byte offset %d", begin)
			}
			name := strings.ToLower(str[begin+1 : i])
			if !supportedTags[name] {
				return "", nil, herr("Unsupported start tag \"%s\" at byte offset %d", name, begin)
			}
			tag := openTag{name: name, u16Start: u16, beginPos: begin}
			for at(i) != '>' {
				for at(i) != 0 && isHTMLSpace(at(i)) {
					i++
				}
				if at(i) == '>' {
					break
				}
				attrBegin := i
				for at(i) != 0 && !isHTMLSpace(at(i)) && at(i) != '=' && at(i) != '>' {
					i++
				}
				attr := strings.ToLower(str[attrBegin:i])
				if attr == "" {
					if at(i) == 0 {
						return "", nil, herr("Unclosed start tag \"%s\" at byte offset %d", name, begin)
					}
					return "", nil, herr("Empty attribute name in the tag \"%s\" at byte offset %d", name, begin)
				}
				for at(i) != 0 && isHTMLSpace(at(i)) {
					i++
				}
				if at(i) != '=' {
					if at(i) == 0 {
						return "", nil, herr("Unclosed start tag \"%s\" at byte offset %d", name, begin)
					}
					if name == "blockquote" && attr == "expandable" {
						tag.expandable = true
					}
					continue // an attribute without a value
				}
				i++
				for at(i) != 0 && isHTMLSpace(at(i)) {
					i++
				}
				if at(i) == 0 {
					return "", nil, herr("Unclosed start tag \"%s\" at byte offset %d", name, begin)
				}
				var val string
				if q := at(i); q != '\'' && q != '"' {
					tok := i
					for isAlnum(at(i)) || at(i) == '.' || at(i) == '-' {
						i++
					}
					val = strings.ToLower(str[tok:i])
					if !isHTMLSpace(at(i)) && at(i) != '>' {
						return "", nil, herr("Unexpected end of name token at byte offset %d", tok)
					}
				} else {
					i++
					var vb strings.Builder
					for at(i) != q && at(i) != 0 {
						if at(i) == '&' {
							if r, n, ok := decodeHTMLEntity(str, i, false); ok {
								vb.WriteRune(r)
								i += n
								continue
							}
						}
						vb.WriteByte(at(i))
						i++
					}
					if at(i) == q {
						i++
					}
					val = vb.String()
				}
				if at(i) == 0 {
					return "", nil, herr("Unclosed start tag at byte offset %d", begin)
				}
				switch {
				case name == "a" && attr == "href":
					tag.arg = val
				case name == "code" && attr == "class" && strings.HasPrefix(val, "language-"):
					tag.arg = val[len("language-"):]
				case name == "span" && attr == "class" && strings.HasPrefix(val, "tg-"):
					tag.arg = val[len("tg-"):]
				case name == "tg-emoji" && attr == "emoji-id":
					tag.arg = val
				case name == "blockquote" && attr == "expandable":
					tag.expandable = true
				}
			}
			if name == "span" && tag.arg != "spoiler" {
				return "", nil, herr("Tag \"span\" must have class \"tg-spoiler\" at byte offset %d", begin)
			}
			tag.byteStart = out.Len()
			stack = append(stack, tag)
			continue
		}

		// an end tag
		if len(stack) == 0 {
			return "", nil, herr("Unexpected end tag at byte offset %d", begin)
		}
		for at(i) != 0 && !isHTMLSpace(at(i)) && at(i) != '>' {
			i++
		}
		endName := strings.ToLower(str[begin+2 : i])
		for at(i) != 0 && isHTMLSpace(at(i)) {
			i++
		}
		if at(i) != '>' {
			return "", nil, herr("Unclosed end tag at byte offset %d", begin)
		}
		tag := stack[len(stack)-1]
		if endName != "" && endName != tag.name {
			return "", nil, herr("Unmatched end tag at byte offset %d, expected \"</%s>\", found \"</%s>\"", begin, tag.name, endName)
		}
		stack = stack[:len(stack)-1]
		length := u16 - tag.u16Start
		if length <= 0 {
			continue
		}
		e := models.MessageEntity{Offset: tag.u16Start, Length: length}
		switch tag.name {
		case "b", "strong":
			e.Type = models.MessageEntityTypeBold
		case "i", "em":
			e.Type = models.MessageEntityTypeItalic
		case "u", "ins":
			e.Type = models.MessageEntityTypeUnderline
		case "s", "strike", "del":
			e.Type = models.MessageEntityTypeStrikethrough
		case "tg-spoiler", "span":
			e.Type = models.MessageEntityTypeSpoiler
		case "blockquote":
			e.Type = models.MessageEntityTypeBlockquote
			if tag.expandable {
				e.Type = models.MessageEntityTypeExpandableBlockquote
			}
		case "tg-emoji":
			if tag.arg == "" || strings.Trim(tag.arg, "0123456789") != "" {
				return "", nil, herr("Invalid custom emoji identifier specified")
			}
			e.Type = models.MessageEntityTypeCustomEmoji
			e.CustomEmojiID = tag.arg
		case "a":
			link := tag.arg
			if link == "" {
				link = out.String()[tag.byteStart:]
			}
			u, ok := normalizeURL(link)
			if !ok {
				continue
			}
			e.Type = models.MessageEntityTypeTextLink
			e.URL = u
		case "pre", "code":
			// <pre><code class="language-x">…</code></pre> (or the other nesting)
			// makes one pre entity with a language when both cover the same text.
			if n := len(ents); n > 0 && ents[n-1].Offset == e.Offset && ents[n-1].Length == e.Length {
				prev := &ents[n-1]
				if tag.name == "pre" && prev.Type == models.MessageEntityTypeCode && prev.Language != "" {
					prev.Type = models.MessageEntityTypePre
					continue
				}
				if tag.name == "code" && prev.Type == models.MessageEntityTypePre && tag.arg != "" {
					prev.Language = tag.arg
					continue
				}
			}
			if tag.name == "pre" {
				e.Type = models.MessageEntityTypePre
			} else {
				e.Type = models.MessageEntityTypeCode
				e.Language = tag.arg // dropped below unless merged into a pre
			}
		}
		ents = append(ents, e)
	}
	if len(stack) > 0 {
		return "", nil, herr("Can't find end tag corresponding to start tag \"%s\"", stack[len(stack)-1].name)
	}
	for k := range ents {
		if ents[k].Type == models.MessageEntityTypeCode {
			ents[k].Language = ""
		}
	}
	sortEntities(ents)
	return out.String(), ents, nil
}

// normalizeURL validates a link the way Telegram does for text links and URL
// buttons, approximately: http, https and tg schemes (none means http), a public
// looking host. It returns the normalized URL.
func normalizeURL(s string) (string, bool) {
	n, reason := checkURL(s)
	return n, reason == ""
}

// checkURL returns the normalized URL, or a reason in Telegram's wording.
func checkURL(s string) (string, string) {
	s = strings.TrimSpace(s)
	if s == "" || strings.ContainsAny(s, " \t\n") {
		return "", "Wrong HTTP URL"
	}
	lower := strings.ToLower(s)
	if strings.HasPrefix(lower, "tg://") || strings.HasPrefix(lower, "tg:") {
		return s, ""
	}
	if !strings.Contains(lower, "://") {
		s = "http://" + s
	} else if !strings.HasPrefix(lower, "http://") && !strings.HasPrefix(lower, "https://") {
		return "", "Unsupported URL protocol"
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return "", "Wrong HTTP URL"
	}
	host := strings.ToLower(u.Hostname())
	if ip := net.ParseIP(host); ip != nil {
		if ip.IsLoopback() || ip.IsPrivate() || ip.IsUnspecified() || ip.IsLinkLocalUnicast() {
			return "", "Wrong HTTP URL"
		}
	} else {
		dot := strings.LastIndexByte(host, '.')
		if dot <= 0 || dot == len(host)-1 {
			return "", "Wrong HTTP URL"
		}
		tld := host[dot+1:]
		if len(tld) < 2 || strings.Trim(tld, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" || isDigit(tld[0]) {
			return "", "Wrong HTTP URL"
		}
	}
	if u.Path == "" {
		u.Path = "/"
	}
	return u.String(), ""
}
