package chat

import (
	"fmt"
	"strconv"
	"strings"

	"evalbot/internal/calendar"
	"evalbot/internal/delivery"
)

// Escape makes s safe in a message of parse mode HTML (&, <, >).
func Escape(s string) string { return htmlEscaper.Replace(s) }

var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// Day renders a date as "25/11".
func Day(d calendar.Date) string { return fmt.Sprintf("%02d/%02d", d.Day, int(d.Month)) }

// MonthLabel renders a month as "11/2026".
func MonthLabel(m calendar.Month) string { return fmt.Sprintf("%02d/%d", int(m.Month), m.Year) }

// Key joins strings and int64s (base 10) with ":", for an outbox row's
// dedup key ("complaint-confirmed:42"); other types are left out.
func Key(parts ...any) string {
	var b strings.Builder
	for i, p := range parts {
		if i > 0 {
			b.WriteByte(':')
		}
		switch v := p.(type) {
		case string:
			b.WriteString(v)
		case int64:
			b.WriteString(strconv.FormatInt(v, 10))
		}
	}
	return b.String()
}

// PageNav is the ‹ n/N › row of a paged view (n from 0), data making a
// page's callback data; nil for one page.
func PageNav(n, pages int, data func(page int) string) []delivery.Button {
	if pages <= 1 {
		return nil
	}
	var row []delivery.Button
	if n > 0 {
		row = append(row, delivery.Button{Text: "‹", Data: data(n - 1)})
	}
	row = append(row, delivery.Button{Text: strconv.Itoa(n+1) + "/" + strconv.Itoa(pages), Data: Data(VerbNoop, "")})
	if n < pages-1 {
		row = append(row, delivery.Button{Text: "›", Data: data(n + 1)})
	}
	return row
}
