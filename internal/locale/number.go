package locale

import (
	"strings"
	"time"

	"evalbot/internal/grading"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"
)

// Numbers are written the way each language writes them (CLDR, through
// golang.org/x/text/message): Vietnamese «1.234,5» (dot between thousands,
// decimal comma), English «1,234.5».

// printer is lang's number printer; any language other than English is
// Vietnamese, as for the messages.
func printer(lang string) *message.Printer {
	if Lang(lang) == "en" {
		return enPrinter
	}
	return viPrinter
}

var (
	viPrinter = message.NewPrinter(language.Vietnamese)
	enPrinter = message.NewPrinter(language.English)
)

// Decimal writes v in lang with at most two decimals and no trailing zero
// decimal: 6.5 → «6,5» (vi) or «6.5» (en); 20 → «20»; 1234.55 → «1.234,55».
// Template values of type float64 are written so (Catalog.T, N, Plain).
func Decimal(lang string, v float64) string {
	return printer(lang).Sprint(number.Decimal(v, number.MaxFractionDigits(2)))
}

// Sprintf is fmt.Sprintf with numbers as lang writes them: %d 12345 →
// «12.345» (vi) or «12,345» (en), %.1f 1234.5 → «1.234,5» or «1,234.5»; a
// time.Duration argument is written by Duration, a time.Time by When.
// Years, identifiers and other numbers that are no quantity go in as
// strings.
func Sprintf(lang, format string, args ...any) string {
	for i, a := range args {
		switch v := a.(type) {
		case time.Duration:
			args[i] = Duration(lang, v)
		case time.Time:
			args[i] = When(lang, v)
		}
	}
	return printer(lang).Sprintf(format, args...)
}

// When writes an instant in its own location as lang does: «09:05
// 30/11/2026» in Vietnamese, «2026-11-30 09:05» in English.
func When(lang string, t time.Time) string {
	if Lang(lang) == "en" {
		return t.Format("2006-01-02 15:04")
	}
	return t.Format("15:04 02/01/2006")
}

// Duration writes d as time.Duration.String does, with lang's decimal
// separator: 27.2ms → «27,2ms» (vi) or «27.2ms» (en).
func Duration(lang string, d time.Duration) string {
	s := d.String()
	if Lang(lang) != "en" {
		s = strings.ReplaceAll(s, ".", ",")
	}
	return s
}

// Points writes points (hundredths, grading.Points) as a reader of lang
// writes a decimal number, always with two decimals: "90,00" in Vietnamese
// (decimal comma, as in government documents), "90.00" in English. lang is
// any code Lang accepts. It is the one formatting of points both faces use:
// the chat's cards and every web page.
func Points(lang string, p grading.Points) string {
	s := p.String()
	if Lang(lang) == "vi" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}
