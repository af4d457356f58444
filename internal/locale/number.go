package locale

import (
	"strings"

	"evalbot/internal/grading"
)

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
