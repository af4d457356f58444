package roster

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"evalbot/internal/textnorm"
)

// Category codes (phân loại) as stored in officials.category.
const (
	CategoryCanBo    = "can_bo"    // cán bộ — elected or appointed official
	CategoryCongChuc = "cong_chuc" // công chức — civil servant
	CategoryVienChuc = "vien_chuc" // viên chức — public employee
	CategoryHopDong  = "hop_dong"  // lao động hợp đồng — contract worker
)

// Language codes (ngôn ngữ) as stored in officials.language.
const (
	LanguageVI = "vi"
	LanguageEN = "en"
)

// cleanText is textnorm.Clean, the normalization of every typed text: Unicode
// NFC, every run of white space (including no-break spaces and line breaks
// inside a cell) collapsed to one space, zero-width and bidi control
// characters removed, and no space at either end.
func cleanText(s string) string { return textnorm.Clean(s) }

// cleanCode is textnorm.Code, for employee and unit codes: a clerk who types
// "hb001" means HB001.
func cleanCode(s string) string { return textnorm.Code(s) }

// fold makes a key for loose matching: textnorm.Fold. "Mã cán bộ", "MA CAN
// BO" and "ma_can_bo" all fold to "ma can bo".
func fold(s string) string { return textnorm.Fold(s) }

var categoryAliases = map[string]string{
	"can bo": CategoryCanBo, "cb": CategoryCanBo, "cadre": CategoryCanBo,
	"cong chuc": CategoryCongChuc, "cc": CategoryCongChuc, "civil servant": CategoryCongChuc,
	"vien chuc": CategoryVienChuc, "vc": CategoryVienChuc, "public employee": CategoryVienChuc,
	"lao dong hop dong": CategoryHopDong, "hop dong lao dong": CategoryHopDong, "hop dong": CategoryHopDong,
	"hdld": CategoryHopDong, "ldhd": CategoryHopDong, "hd": CategoryHopDong,
	"nhan vien hop dong": CategoryHopDong, "contract": CategoryHopDong, "contract worker": CategoryHopDong,
	"contractor": CategoryHopDong,
}

// ParseCategory maps a category as a clerk types it to its code: "Cán bộ",
// "can bo", "CB" → can_bo; "Công chức", "CC" → cong_chuc; "Viên chức", "VC" →
// vien_chuc; "Lao động hợp đồng", "hợp đồng", "HĐLĐ", "LĐHĐ" → hop_dong. The
// codes themselves are accepted too. ok is false for anything else.
func ParseCategory(s string) (code string, ok bool) {
	code, ok = categoryAliases[fold(s)]
	return code, ok
}

// ParseLanguage maps a language cell to vi or en: empty, "vi", "vn",
// "Tiếng Việt", "Vietnamese" → vi; "en", "English", "Tiếng Anh" → en. ok is
// false for anything else.
func ParseLanguage(s string) (code string, ok bool) {
	switch fold(s) {
	case "", "vi", "vn", "vie", "tieng viet", "viet", "vietnamese", "viet nam":
		return LanguageVI, true
	case "en", "eng", "english", "tieng anh", "anh":
		return LanguageEN, true
	}
	return "", false
}

// ParseBool reads a yes/no cell (is_head, exceptional): true, 1, x, yes, y,
// có, c are true; empty, false, 0, no, n, không, k, - are false. ok is false
// for anything else.
func ParseBool(s string) (value, ok bool) {
	if strings.TrimSpace(s) == "-" {
		return false, true
	}
	switch fold(s) {
	case "true", "1", "x", "yes", "y", "co", "c", "t", "dung":
		return true, true
	case "", "false", "0", "no", "n", "khong", "k", "f", "sai":
		return false, true
	}
	return false, false
}

// NormalizePhone turns a Vietnamese mobile number written in any common way —
// "0912 000 101", "0912.000.101", "0912-000-101", "+84912000101",
// "84912000101", "(+84) 912 000 101", "+84 (0) 912 000 101", "0084912000101",
// or "912000101" (a spreadsheet that dropped the leading zero) — into E.164,
// "+84912000101". A Vietnamese mobile number is 9 digits after the country
// code, the first of them 3, 5, 7, 8 or 9. Anything else, and the empty
// string, is ErrInvalidPhone.
func NormalizePhone(s string) (string, error) {
	s = strings.TrimSpace(norm.NFKC.String(s))
	plus := strings.HasPrefix(s, "+")
	if plus {
		s = s[1:]
	}
	var d []byte
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			d = append(d, byte(r))
		case r == ' ' || r == '.' || r == '-' || r == '(' || r == ')' || unicode.IsSpace(r):
		case r == '+' && len(d) == 0 && !plus:
			plus = true
		default:
			return "", ErrInvalidPhone
		}
	}
	n := string(d)
	switch {
	case strings.HasPrefix(n, "0084"):
		n = n[4:]
	case strings.HasPrefix(n, "84") && (len(n) == 11 || len(n) == 12 && n[2] == '0'):
		n = n[2:]
	case plus:
		return "", ErrInvalidPhone // + and a country code other than 84
	}
	if len(n) == 10 && n[0] == '0' {
		n = n[1:]
	}
	if len(n) != 9 || !strings.ContainsRune("35789", rune(n[0])) {
		return "", ErrInvalidPhone
	}
	return "+84" + n, nil
}
