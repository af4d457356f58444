package roster

import (
	"errors"
	"testing"
)

func TestNormalizePhone(t *testing.T) {
	ok := []struct{ in, want string }{
		{"0912 000 101", "+84912000101"},
		{"0912000102", "+84912000102"},
		{"+84912000103", "+84912000103"},
		{"84912000104", "+84912000104"},
		{"0912.000.105", "+84912000105"},
		{"0912-000-106", "+84912000106"},
		{"(+84) 912 000 107", "+84912000107"},
		{"+84 (0) 912 000 108", "+84912000108"},
		{"+840912000109", "+84912000109"},
		{"0084 912 000 110", "+84912000110"},
		{"912000111", "+84912000111"}, // a spreadsheet dropped the leading zero
		{"845123456", "+84845123456"}, // 084x is a mobile prefix, not the country code
		{"84845123456", "+84845123456"},
		{"0345 678 901", "+84345678901"},
		{"0567\u00a0890\u00a0123", "+84567890123"}, // no-break spaces
		{"０９１２０００１０１", "+84912000101"},             // full-width digits
		{" +84 912 000 101 ", "+84912000101"},
	}
	for _, c := range ok {
		got, err := NormalizePhone(c.in)
		if err != nil || got != c.want {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	bad := []string{
		"", "09120", "0912 000 10", "0912 000 1011", "0212 000 101", // landline prefix 02
		"0112000101", "+1 912 000 101", "+8491200010", "849120001011", "0912 000 10a",
		"0912000101 / 0987000101", "++84912000101", "84-", "012345678901",
	}
	for _, in := range bad {
		if got, err := NormalizePhone(in); !errors.Is(err, ErrInvalidPhone) {
			t.Errorf("NormalizePhone(%q) = %q, %v; want ErrInvalidPhone", in, got, err)
		}
	}
}

func TestParseCategory(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Cán bộ", CategoryCanBo}, {"cán bộ", CategoryCanBo}, {"can bo", CategoryCanBo}, {"CB", CategoryCanBo},
		{"CÁN BỘ", CategoryCanBo}, {"can_bo", CategoryCanBo},
		{"Công chức", CategoryCongChuc}, {"công chức", CategoryCongChuc}, {"CC", CategoryCongChuc},
		{"cong_chuc", CategoryCongChuc},
		{"Viên chức", CategoryVienChuc}, {"VC", CategoryVienChuc}, {"vien chuc", CategoryVienChuc},
		{"Lao động hợp đồng", CategoryHopDong}, {"hợp đồng", CategoryHopDong}, {"HĐLĐ", CategoryHopDong},
		{"LĐHĐ", CategoryHopDong}, {"Hợp đồng lao động", CategoryHopDong}, {"hop_dong", CategoryHopDong},
		// decomposed (NFD) input, as some Mac and old Windows tools write it
		{"Co\u0302ng chu\u031b\u0301c", CategoryCongChuc},
	}
	for _, c := range cases {
		if got, ok := ParseCategory(c.in); !ok || got != c.want {
			t.Errorf("ParseCategory(%q) = %q, %v; want %q", c.in, got, ok, c.want)
		}
	}
	for _, in := range []string{"", "Giám đốc", "Chuyên viên", "cán", "C"} {
		if got, ok := ParseCategory(in); ok {
			t.Errorf("ParseCategory(%q) = %q, want not ok", in, got)
		}
	}
}

func TestParseLanguageAndBool(t *testing.T) {
	for in, want := range map[string]string{"": "vi", "vi": "vi", "VN": "vi", "Tiếng Việt": "vi",
		"en": "en", "English": "en", "tiếng Anh": "en"} {
		if got, ok := ParseLanguage(in); !ok || got != want {
			t.Errorf("ParseLanguage(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"fr", "de", "vie-en"} {
		if _, ok := ParseLanguage(in); ok {
			t.Errorf("ParseLanguage(%q) ok, want not", in)
		}
	}
	for in, want := range map[string]bool{"true": true, "TRUE": true, "1": true, "x": true, "X": true, "yes": true,
		"có": true, "Có": true, "c": true, "": false, "false": false, "0": false, "không": false, "-": false} {
		if got, ok := ParseBool(in); !ok || got != want {
			t.Errorf("ParseBool(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	if _, ok := ParseBool("maybe"); ok {
		t.Error("ParseBool(maybe) ok")
	}
}

func TestHeaderMatching(t *testing.T) {
	officials := map[string]string{
		"employee_code": "employee_code", "Employee Code": "employee_code", "Mã cán bộ": "employee_code",
		"MÃ SỐ": "employee_code", "mã nhân viên": "employee_code", "Ma can bo": "employee_code",
		"full_name": "full_name", "Họ và tên": "full_name", "họ tên": "full_name", "HỌ VÀ TÊN ": "full_name",
		"unit_code": "unit_code", "Mã đơn vị": "unit_code", "Đơn vị": "unit_code",
		"category": "category", "Loại": "category", "Phân loại": "category",
		"position": "position", "Chức vụ": "position",
		"is_head": "is_head", "Là trưởng": "is_head", "Người đứng đầu": "is_head", "Trưởng đơn vị": "is_head",
		"phone": "phone", "Số điện thoại": "phone", "Điện thoại": "phone", "SĐT": "phone", "sđt": "phone",
		"language": "language", "Ngôn ngữ": "language",
		"STT": "", "Ghi chú": "", "": "", "Ngạch": "",
		"Nguo\u031b\u0300i đu\u031b\u0301ng đa\u0302\u0300u": "is_head", // NFD
	}
	for in, want := range officials {
		if got := officialsKind.matchHeader(in); got != want {
			t.Errorf("officials header %q → %q, want %q", in, got, want)
		}
	}
	units := map[string]string{
		"code": "code", "Mã": "code", "Mã đơn vị": "code", "name": "name", "Tên đơn vị": "name", "Tên": "name",
		"parent_code": "parent_code", "Mã đơn vị cấp trên": "parent_code", "Cấp trên": "parent_code",
		"exceptional": "exceptional", "Đặc thù": "exceptional", "Đơn vị đặc biệt": "exceptional",
	}
	for in, want := range units {
		if got := unitsKind.matchHeader(in); got != want {
			t.Errorf("units header %q → %q, want %q", in, got, want)
		}
	}
}

func TestCleanText(t *testing.T) {
	for in, want := range map[string]string{
		"  Nguyễn Thị Hoa ":            "Nguyễn Thị Hoa",
		"Nguyễn\u00a0 Thị\tHoa":        "Nguyễn Thị Hoa",
		"Nguye\u0302\u0303n\u200b Thị": "Nguyễn Thị",
		"a\nb":                         "a b",
	} {
		if got := cleanText(in); got != want {
			t.Errorf("cleanText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSniffDelimiter(t *testing.T) {
	for in, want := range map[string]rune{
		"a,b,c\n1;2;3;4;5\n":      ',',
		"a;b;c\n":                 ';',
		"\n\n\"x,y,z\";b;c\n":     ';',
		"a\tb\tc\n":               '\t',
		"title only\r\na;b;c\r\n": ';',
		"":                        ',',
	} {
		if got := sniffDelimiter(in); got != want {
			t.Errorf("sniffDelimiter(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRowErrorText(t *testing.T) {
	e := RowError{File: "officials.csv", Line: 7, Field: "phone", Code: CodeInvalidPhone, Value: "09120"}
	if got, want := e.Error(), "officials.csv line 7: phone: not a Vietnamese mobile number"; got != want {
		t.Errorf("Error() = %q, want %q (no phone number in logs)", got, want)
	}
	e = RowError{File: "officials.csv", Line: 3, Field: "unit_code", Code: CodeUnknownUnit, Value: "PHB-XX"}
	if got, want := e.Error(), `officials.csv line 3: unit_code: unknown unit ("PHB-XX")`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
