package botapitest

import (
	"reflect"
	"strings"
	"testing"

	"github.com/go-telegram/bot/models"
)

type ent = models.MessageEntity

func TestParseHTML(t *testing.T) {
	cases := []struct {
		name string
		in   string
		text string
		ents []ent
	}{
		{"plain", "Xin chào", "Xin chào", nil},
		{"bold", "a <b>bc</b> d", "a bc d", []ent{{Type: "bold", Offset: 2, Length: 2}}},
		{"strong em u s", "<strong>1</strong><em>2</em><u>3</u><s>4</s><ins>5</ins><del>6</del>", "123456", []ent{
			{Type: "bold", Offset: 0, Length: 1}, {Type: "italic", Offset: 1, Length: 1}, {Type: "underline", Offset: 2, Length: 1},
			{Type: "strikethrough", Offset: 3, Length: 1}, {Type: "underline", Offset: 4, Length: 1}, {Type: "strikethrough", Offset: 5, Length: 1},
		}},
		{"nested, sorted by offset then length", "<i>ab<b>c</b></i>", "abc", []ent{{Type: "italic", Offset: 0, Length: 3}, {Type: "bold", Offset: 2, Length: 1}}},
		{"same range ordered by type", "<i><b><code>x</code></b></i>", "x", []ent{{Type: "code", Offset: 0, Length: 1}, {Type: "bold", Offset: 0, Length: 1}, {Type: "italic", Offset: 0, Length: 1}}},
		{"utf16 offsets count surrogate pairs", "😀<b>é😀</b>", "😀é😀", []ent{{Type: "bold", Offset: 2, Length: 3}}},
		{"entities decoded", "&lt;b&gt; &amp; &quot;x&quot; &#39;y&#39; &#x41;", `<b> & "x" 'y' A`, nil},
		{"empty tag makes no entity", "a<b></b>b", "ab", nil},
		{"short end tag", "<i>x</>", "x", []ent{{Type: "italic", Offset: 0, Length: 1}}},
		{"case-insensitive tags", "<B>x</B>", "x", []ent{{Type: "bold", Offset: 0, Length: 1}}},
		{"attributes ignored", `<b class="x" data-y=z>x</b>`, "x", []ent{{Type: "bold", Offset: 0, Length: 1}}},
		{"link", `<a href="https://example.com/p?a=1&amp;b=2">x</a>`, "x", []ent{{Type: "text_link", Offset: 0, Length: 1, URL: "https://example.com/p?a=1&b=2"}}},
		{"link without scheme", `<a href=example.com>x</a>`, "x", []ent{{Type: "text_link", Offset: 0, Length: 1, URL: "http://example.com/"}}},
		{"link text as url", `<a>example.org</a>`, "example.org", []ent{{Type: "text_link", Offset: 0, Length: 11, URL: "http://example.org/"}}},
		{"link without url", `<a>not a url</a>`, "not a url", nil},
		{"pre code language", `<pre><code class="language-go">x := 1</code></pre>`, "x := 1", []ent{{Type: "pre", Offset: 0, Length: 6, Language: "go"}}},
		{"pre code no language", `<pre><code>x</code></pre>`, "x", []ent{{Type: "pre", Offset: 0, Length: 1}, {Type: "code", Offset: 0, Length: 1}}},
		{"spoilers", `<tg-spoiler>a</tg-spoiler><span class="tg-spoiler">b</span>`, "ab", []ent{{Type: "spoiler", Offset: 0, Length: 1}, {Type: "spoiler", Offset: 1, Length: 1}}},
		{"blockquotes", `<blockquote>a</blockquote><blockquote expandable>b</blockquote>`, "ab", []ent{{Type: "blockquote", Offset: 0, Length: 1}, {Type: "expandable_blockquote", Offset: 1, Length: 1}}},
		{"bare > is text", "5 > 3", "5 > 3", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			text, ents, err := parseHTML(c.in, true)
			if err != nil {
				t.Fatalf("parseHTML(%q): %v", c.in, err)
			}
			if text != c.text {
				t.Errorf("text = %q, want %q", text, c.text)
			}
			if len(ents) == 0 && len(c.ents) == 0 {
				return
			}
			if !reflect.DeepEqual(ents, c.ents) {
				t.Errorf("entities = %+v, want %+v", ents, c.ents)
			}
		})
	}
}

func TestParseHTMLErrors(t *testing.T) {
	cases := []struct{ in, err string }{
		{"<foo>x</foo>", `Unsupported start tag "foo" at byte offset 0`},
		{"a < b", `Unsupported start tag "" at byte offset 2`},
		{"x <b", `Unclosed start tag at byte offset 2`},
		{"<b>x", `Can't find end tag corresponding to start tag "b"`},
		{"<b><i>x</i>", `Can't find end tag corresponding to start tag "b"`},
		{"<b>x</i>", `Unmatched end tag at byte offset 4, expected "</b>", found "</i>"`},
		{"x</b>", `Unexpected end tag at byte offset 1`},
		{"<b>x</b", `Unclosed end tag at byte offset 4`},
		{"<i =v>x</i>", `Empty attribute name in the tag "i" at byte offset 0`},
		{"<i a=", `Unclosed start tag "i" at byte offset 0`},
		{"<i a=b,c>x</i>", `Unexpected end of name token at byte offset 5`},
		{`<i a="x>y</i>`, `Unclosed start tag at byte offset 0`},
		{`<span>x</span>`, `Tag "span" must have class "tg-spoiler" at byte offset 0`},
		{"&#xD800;", "Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units"},
		// stricter than Telegram (see WithLenientHTML)
		{"Tom & Jerry", `Unescaped "&" at byte offset 4`},
		{"&nbsp;", `Unescaped "&" at byte offset 0`},
		{"&lt", `Unescaped "&" at byte offset 0`},
		{"&#1234567890;", `Unescaped "&" at byte offset 0`},
	}
	for _, c := range cases {
		_, _, err := parseHTML(c.in, true)
		if err == nil || !strings.HasPrefix(err.Error(), c.err) {
			t.Errorf("parseHTML(%q) error = %v, want %q", c.in, err, c.err)
		}
	}
}

func TestParseHTMLLenientLikeTelegram(t *testing.T) {
	for in, want := range map[string]string{
		"Tom & Jerry":      "Tom & Jerry",
		"&nbsp;&lt&gt;":    "&nbsp;<>",
		"&#12345678;&amp":  "&#12345678;&",
		"a &b; <b>c</b> &": "a &b; c &",
	} {
		got, _, err := parseHTML(in, false)
		if err != nil || got != want {
			t.Errorf("lenient parseHTML(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestCleanText(t *testing.T) {
	text, ents := cleanText("\n  a\r\n\tb  \n", nil)
	if text != "a\n b" || ents != nil {
		t.Errorf("cleanText = %q %v", text, ents)
	}
	// leading spaces are kept up to the first entity; trailing entity parts are cut
	text, ents = cleanText("  x  ", []ent{{Type: "bold", Offset: 0, Length: 5}})
	if text != "  x" || !reflect.DeepEqual(ents, []ent{{Type: "bold", Offset: 0, Length: 3}}) {
		t.Errorf("cleanText = %q %+v", text, ents)
	}
	// entities made only of whitespace are dropped
	text, ents = cleanText("a   b", []ent{{Type: "bold", Offset: 1, Length: 3}})
	if text != "a   b" || len(ents) != 0 {
		t.Errorf("cleanText = %q %+v", text, ents)
	}
	if text, _ := cleanText(" \n\r\t ", nil); text != "" {
		t.Errorf("whitespace-only text = %q", text)
	}
}

func TestUTF16Len(t *testing.T) {
	for s, n := range map[string]int{"": 0, "abc": 3, "Nguyễn Văn Ánh": 14, "😀": 2, "a😀b": 4} {
		if got := utf16Len(s); got != n {
			t.Errorf("utf16Len(%q) = %d, want %d", s, got, n)
		}
	}
}

func TestCheckURL(t *testing.T) {
	for in, ok := range map[string]bool{
		"https://t.me/evalbot?start=x": true, "example.com": true, "tg://user?id=1": true,
		"http://localhost:8080/x": false, "ftp://example.com": false, "not a url": false,
		"http://127.0.0.1/": false, "https://8.8.8.8/": true, "/admin": false,
	} {
		if _, reason := checkURL(in); (reason == "") != ok {
			t.Errorf("checkURL(%q) reason %q, want ok=%v", in, reason, ok)
		}
	}
}

// TestTrimTextAgreesWithCleanRunes checks the fast path of cleanText (a text
// whose characters all stay and are one UTF-16 unit each) against the general
// one, on texts and entities at every edge.
func TestTrimTextAgreesWithCleanRunes(t *testing.T) {
	texts := []string{"", " ", "\n\n", "a", "  a  ", "\n Nguyễn Văn Ánh \n", "a   b", "x\n\ny  ",
		"Điểm tự đánh giá: 85\n\nĐánh giá của cấp trên: chưa có\n"}
	for _, text := range texts {
		n := utf16Len(text)
		var sets [][]ent
		sets = append(sets, nil)
		for off := 0; off <= n; off++ {
			for l := 0; off+l <= n+1; l++ {
				sets = append(sets, []ent{{Type: "bold", Offset: off, Length: l}},
					[]ent{{Type: "italic", Offset: off, Length: l}, {Type: "bold", Offset: 0, Length: n}})
			}
		}
		for _, ents := range sets {
			runes := []rune(text)
			if !plainBMP(runes) {
				t.Fatalf("%q should be plain", text)
			}
			gotT, gotE := trimText(runes, text, append([]ent(nil), ents...))
			wantT, wantE := cleanRunes([]rune(text), append([]ent(nil), ents...))
			if gotT != wantT || !reflect.DeepEqual(gotE, wantE) {
				t.Fatalf("%q %+v: fast %q %+v, general %q %+v", text, ents, gotT, gotE, wantT, wantE)
			}
		}
	}
	for _, s := range []string{"a\rb", "a\tb", "😀", "a\u2028b"} {
		if plainBMP([]rune(s)) {
			t.Errorf("%q is not plain", s)
		}
	}
}
