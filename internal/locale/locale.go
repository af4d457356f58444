// Package locale renders the user-facing strings of locales/ with
// nicksnyder/go-i18n: Vietnamese by default, English as the second language.
// Every string the bot shows a person goes through here.
package locale

import (
	"fmt"
	"html"
	"io/fs"
	"log/slog"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"evalbot/locales"
)

// Languages the bot speaks; the first is the default.
var Languages = []string{"vi", "en"}

// HTML marks a template value that is already safe HTML (rendered by us), so
// it is not escaped again. Every other string value is escaped, because the
// bot sends with parse_mode HTML and Telegram rejects a bare "<" or "&".
type HTML string

// Catalog holds the loaded messages of every language.
type Catalog struct {
	bundle     *i18n.Bundle
	localizers map[string]*i18n.Localizer
	plural     map[string]bool // ids defined with one/other forms
	ids        map[string][]string
	has        map[string]map[string]struct{} // ids by language
}

// Load parses the embedded locale files. It fails on a malformed file.
func Load() (*Catalog, error) {
	b := i18n.NewBundle(language.Vietnamese)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	c := &Catalog{bundle: b, localizers: map[string]*i18n.Localizer{}, plural: map[string]bool{}, ids: map[string][]string{},
		has: map[string]map[string]struct{}{}}
	for _, lang := range Languages {
		name := "active." + lang + ".toml"
		data, err := fs.ReadFile(locales.FS, name)
		if err != nil {
			return nil, err
		}
		mf, err := b.ParseMessageFileBytes(data, name)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		for _, m := range mf.Messages {
			c.ids[lang] = append(c.ids[lang], m.ID)
			if c.has[lang] == nil {
				c.has[lang] = map[string]struct{}{}
			}
			c.has[lang][m.ID] = struct{}{}
			if m.One != "" {
				c.plural[m.ID] = true
			}
		}
		c.localizers[lang] = i18n.NewLocalizer(b, lang)
	}
	return c, nil
}

// Has reports whether message id is defined in lang (a shipped language).
func (c *Catalog) Has(lang, id string) bool {
	_, ok := c.has[Lang(lang)][id]
	return ok
}

// IDs lists the message ids defined for lang, in file order.
func (c *Catalog) IDs(lang string) []string { return c.ids[lang] }

// Lang maps any language code (Telegram's language_code, a stored choice) to
// a shipped language: "en", "en-US" → "en"; anything else → "vi".
func Lang(code string) string {
	code = strings.ToLower(strings.TrimSpace(code))
	if code == "en" || strings.HasPrefix(code, "en-") || strings.HasPrefix(code, "en_") {
		return "en"
	}
	return "vi"
}

// T renders message id in lang with data (nil for none). String values are
// HTML-escaped; pass HTML for pre-rendered markup; float64 values are
// written as lang writes numbers (Decimal). A missing message or
// template error is logged (by id only) and the best text available returned.
func (c *Catalog) T(lang, id string, data map[string]any) string {
	return c.render(lang, id, nil, data)
}

// N renders id with a plural count n (also available to the template as .Count).
func (c *Catalog) N(lang, id string, n int, data map[string]any) string {
	if data == nil {
		data = map[string]any{}
	}
	data["Count"] = n
	return c.render(lang, id, n, data)
}

// Plain renders id for plain text (a terminal, a CSV): no HTML escaping.
// n is the plural count for messages that have plural forms.
func (c *Catalog) Plain(lang, id string, n int, data map[string]any) string {
	if data == nil {
		data = map[string]any{}
	}
	data["Count"] = n
	plain := make(map[string]any, len(data))
	for k, v := range data {
		if s, ok := v.(string); ok {
			v = HTML(s) // not escaped
		}
		plain[k] = v
	}
	return c.render(lang, id, n, plain)
}

func (c *Catalog) render(lang, id string, count any, data map[string]any) string {
	l, ok := c.localizers[Lang(lang)]
	if !ok {
		l = c.localizers["vi"]
	}
	safe := make(map[string]any, len(data))
	for k, v := range data {
		switch s := v.(type) {
		case string:
			safe[k] = html.EscapeString(s)
		case HTML:
			safe[k] = string(s)
		case float64:
			safe[k] = Decimal(lang, s) // «6,5» in Vietnamese, «6.5» in English
		default:
			safe[k] = v
		}
	}
	cfg := &i18n.LocalizeConfig{MessageID: id, TemplateData: safe}
	if c.plural[id] {
		cfg.PluralCount = count
		if count == nil {
			cfg.PluralCount = 2
		}
	}
	s, err := l.Localize(cfg)
	if err != nil {
		slog.Warn("locale: message not rendered cleanly", "id", id, "lang", lang, "err", err)
		if s == "" {
			return id
		}
	}
	return s
}
