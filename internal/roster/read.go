package roster

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	xunicode "golang.org/x/text/encoding/unicode"
)

// UnitRow — một dòng đơn vị: one unit as read from units.csv or an XLSX sheet,
// normalized. Code and ParentCode are upper case; an empty ParentCode makes
// the unit a root. File and Line say where it came from (for errors).
type UnitRow struct {
	File        string
	Line        int
	Code        string
	Name        string
	ParentCode  string
	Exceptional bool // đơn vị đặc thù: may use the higher grade-A quota

	badExceptional string // the cell as read when it was not a yes/no value
}

// OfficialRow — một dòng cán bộ: one official as read from officials.csv or an
// XLSX sheet, normalized: EmployeeCode and UnitCode upper case, Category one
// of the Category* codes, Phone E.164 or empty, Language vi or en. When a cell
// could not be normalized its field keeps the trimmed text as read and the
// fault is in the reader's error list (and again in Import's report).
type OfficialRow struct {
	File         string
	Line         int
	EmployeeCode string // mã cán bộ
	FullName     string // họ và tên
	UnitCode     string // mã đơn vị
	Category     string // phân loại: can_bo, cong_chuc, vien_chuc, hop_dong
	Position     string // chức vụ
	IsHead       bool   // người đứng đầu đơn vị
	Phone        string // số điện thoại, E.164
	Language     string // ngôn ngữ: vi or en

	badIsHead string // the cell as read when it was not a yes/no value
	// absent names the optional columns the file does not have: a re-import
	// keeps what the database holds for them instead of clearing it.
	absent absentCols
}

// absentCols is a set of optional columns missing from the file.
type absentCols uint8

const (
	absentPosition absentCols = 1 << iota
	absentIsHead
	absentPhone
	absentLanguage
)

// column is one field of a file kind with the header names that mean it,
// written folded (see fold).
type column struct {
	field    string
	required bool
	aliases  []string
}

// kind describes one file shape: its columns and the sheet names that hold it.
type kind struct {
	sheets  []string
	columns []column
}

var unitsKind = kind{
	sheets: []string{"units", "unit", "don vi", "danh sach don vi", "co cau to chuc"},
	columns: []column{
		{"code", true, []string{"code", "unit code", "ma", "ma don vi", "ma dv"}},
		{"name", true, []string{"name", "unit name", "ten don vi", "ten", "ten dv"}},
		{"parent_code", false, []string{"parent code", "parent", "parent unit", "parent unit code",
			"ma don vi cap tren", "cap tren", "don vi cap tren", "ma cap tren", "truc thuoc", "ma dv cap tren"}},
		{"exceptional", false, []string{"exceptional", "dac thu", "don vi dac biet", "dac biet", "don vi dac thu"}},
	},
}

var officialsKind = kind{
	sheets: []string{"officials", "official", "staff", "can bo", "danh sach can bo", "nhan su", "danh sach"},
	columns: []column{
		{"employee_code", true, []string{"employee code", "employee id", "ma can bo", "ma so", "ma nhan vien",
			"ma cb", "ma nv", "ma cong chuc", "ma so can bo"}},
		{"full_name", true, []string{"full name", "name", "ho va ten", "ho ten", "ho ten can bo"}},
		{"unit_code", true, []string{"unit code", "unit", "ma don vi", "don vi", "ma dv", "don vi cong tac"}},
		{"category", true, []string{"category", "loai", "phan loai", "doi tuong", "loai can bo"}},
		{"position", false, []string{"position", "title", "chuc vu", "chuc danh"}},
		{"is_head", false, []string{"is head", "head", "la truong", "nguoi dung dau", "truong don vi",
			"dung dau", "la nguoi dung dau", "la truong don vi"}},
		{"phone", false, []string{"phone", "phone number", "mobile", "so dien thoai", "dien thoai", "sdt",
			"so dt", "dt", "dtdd", "di dong", "so di dong"}},
		{"language", false, []string{"language", "lang", "ngon ngu"}},
	},
}

// matchHeader returns the field a header cell names in kind k, or "".
func (k *kind) matchHeader(cell string) string {
	f := fold(cell)
	if f == "" {
		return ""
	}
	for _, c := range k.columns {
		for _, a := range c.aliases {
			if a == f {
				return c.field
			}
		}
	}
	return ""
}

// record is one non-blank row of a file with its line (or sheet row) number.
type record struct {
	line  int
	cells []string
}

// table is a file's data rows with the header resolved to column indexes.
type table struct {
	file    string
	col     map[string]int
	records []record
}

// get returns the cell of field in rec, or "" when the column is absent.
func (t *table) get(rec record, field string) string {
	i, ok := t.col[field]
	if !ok || i >= len(rec.cells) {
		return ""
	}
	return rec.cells[i]
}

// ReadUnits reads the unit tree (cơ cấu đơn vị) from a CSV or XLSX file in the
// shape of units.csv: code, name, parent_code, exceptional, with English or
// Vietnamese headers ("mã", "tên đơn vị", "mã đơn vị cấp trên", "đặc thù").
// name is the file's name: its extension (.csv/.xlsx) picks the format when
// the content does not tell. In a workbook the sheet named for the kind
// ("units", "đơn vị"; for officials "officials", "cán bộ", "danh sách cán
// bộ") is read, else the first sheet whose header fits. It returns every data row, the faults seen in
// single rows, and an error (a *RowError with a file-level code) when the file
// cannot be read at all or lacks a required column.
func ReadUnits(r io.Reader, name string) ([]UnitRow, []RowError, error) {
	t, err := readTable(r, name, &unitsKind)
	if err != nil {
		return nil, nil, err
	}
	var rows []UnitRow
	var all []RowError
	for _, rec := range t.records {
		u := UnitRow{
			File:       t.file,
			Line:       rec.line,
			Code:       t.get(rec, "code"),
			Name:       t.get(rec, "name"),
			ParentCode: t.get(rec, "parent_code"),
		}
		raw := t.get(rec, "exceptional")
		ex, ok := ParseBool(raw)
		if !ok {
			u.badExceptional = cleanText(raw)
		}
		u.Exceptional = ex
		u, errs := u.normalize()
		rows = append(rows, u)
		all = append(all, errs...)
	}
	return rows, sortErrors(all), nil
}

// ReadOfficials reads officials (cán bộ) from a CSV or XLSX file in the shape
// of officials.csv: employee_code, full_name, unit_code, category, position,
// is_head, phone, language, with English or Vietnamese headers ("mã cán bộ",
// "họ và tên", "mã đơn vị", "phân loại", "chức vụ", "người đứng đầu", "số
// điện thoại", "ngôn ngữ"). The first four are required. Returns as ReadUnits.
func ReadOfficials(r io.Reader, name string) ([]OfficialRow, []RowError, error) {
	t, err := readTable(r, name, &officialsKind)
	if err != nil {
		return nil, nil, err
	}
	var rows []OfficialRow
	var all []RowError
	for _, rec := range t.records {
		o := OfficialRow{
			File:         t.file,
			Line:         rec.line,
			EmployeeCode: t.get(rec, "employee_code"),
			FullName:     t.get(rec, "full_name"),
			UnitCode:     t.get(rec, "unit_code"),
			Category:     t.get(rec, "category"),
			Position:     t.get(rec, "position"),
			Phone:        t.get(rec, "phone"),
			Language:     t.get(rec, "language"),
		}
		for f, bit := range map[string]absentCols{"position": absentPosition, "is_head": absentIsHead, "phone": absentPhone, "language": absentLanguage} {
			if _, ok := t.col[f]; !ok {
				o.absent |= bit
			}
		}
		raw := t.get(rec, "is_head")
		head, ok := ParseBool(raw)
		if !ok {
			o.badIsHead = cleanText(raw)
		}
		o.IsHead = head
		o, errs := o.normalize()
		rows = append(rows, o)
		all = append(all, errs...)
	}
	return rows, sortErrors(all), nil
}

// normalize cleans the row's text and checks what one row alone can show.
// It is idempotent, so Import can run it again on rows from the reader.
func (u UnitRow) normalize() (UnitRow, []RowError) {
	var errs []RowError
	if u.badExceptional != "" {
		errs = append(errs, RowError{u.File, u.Line, "exceptional", CodeInvalidValue, u.badExceptional})
	}
	u.Code, u.Name, u.ParentCode = cleanCode(u.Code), cleanText(u.Name), cleanCode(u.ParentCode)
	if u.Code == "" {
		errs = append(errs, RowError{u.File, u.Line, "code", CodeMissingValue, ""})
	}
	if u.Name == "" {
		errs = append(errs, RowError{u.File, u.Line, "name", CodeMissingValue, ""})
	}
	return u, errs
}

// normalize is UnitRow.normalize for an official.
func (o OfficialRow) normalize() (OfficialRow, []RowError) {
	var errs []RowError
	bad := func(field, code, value string) {
		errs = append(errs, RowError{o.File, o.Line, field, code, value})
	}
	if o.badIsHead != "" {
		bad("is_head", CodeInvalidValue, o.badIsHead)
	}
	o.EmployeeCode, o.FullName, o.UnitCode = cleanCode(o.EmployeeCode), cleanText(o.FullName), cleanCode(o.UnitCode)
	o.Position = cleanText(o.Position)
	if o.EmployeeCode == "" {
		bad("employee_code", CodeMissingValue, "")
	}
	if o.FullName == "" {
		bad("full_name", CodeMissingValue, "")
	}
	if o.UnitCode == "" {
		bad("unit_code", CodeMissingValue, "")
	}
	if c := cleanText(o.Category); c == "" {
		o.Category = c
		bad("category", CodeMissingValue, "")
	} else if code, ok := ParseCategory(c); ok {
		o.Category = code
	} else {
		o.Category = c
		bad("category", CodeUnknownCategory, c)
	}
	if p := cleanText(o.Phone); p == "" {
		o.Phone = ""
	} else if e164, err := NormalizePhone(p); err == nil {
		o.Phone = e164
	} else {
		o.Phone = p
		bad("phone", CodeInvalidPhone, p)
	}
	l := cleanText(o.Language)
	if code, ok := ParseLanguage(l); ok {
		o.Language = code
	} else {
		o.Language = l
		bad("language", CodeUnsupportedLanguage, l)
	}
	return o, errs
}

// readTable reads a whole CSV or XLSX file, finds its header row and maps the
// columns of kind k.
func readTable(r io.Reader, name string, k *kind) (*table, error) {
	file := filepath.Base(name)
	if name == "" {
		file = ""
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	fail := func(code string, line int) error {
		return &RowError{File: file, Line: line, Code: code}
	}
	ext := strings.ToLower(filepath.Ext(name))
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		sheets, err := xlsxSheets(data, k)
		if err != nil {
			return nil, fail(CodeMalformedFile, 0)
		}
		var firstErr error
		for _, recs := range sheets {
			t, err := findHeader(file, recs, k)
			if err == nil {
				return t, nil
			}
			if firstErr == nil {
				firstErr = err
			}
		}
		return nil, firstErr
	case bytes.HasPrefix(data, []byte("\xd0\xcf\x11\xe0")) || ext == ".xls":
		return nil, fail(CodeUnsupportedFormat, 0)
	case ext == ".xlsx" || ext == ".xlsm":
		return nil, fail(CodeMalformedFile, 0)
	default:
		text, ok := decodeText(data)
		if !ok {
			return nil, fail(CodeInvalidEncoding, 0)
		}
		recs, err := csvRecords(text)
		if err != nil {
			var pe *csv.ParseError
			line := 0
			if errors.As(err, &pe) {
				line = pe.Line
			}
			return nil, fail(CodeMalformedFile, line)
		}
		return findHeader(file, recs, k)
	}
}

// findHeader takes as header the first of the first ten non-blank rows that
// names every required column (a sheet may have a title above its header), and
// returns the rows after it.
func findHeader(file string, recs []record, k *kind) (*table, error) {
	var first map[string]int
	firstLine := 0
	for i, rec := range recs {
		if i >= 10 {
			break
		}
		col := map[string]int{}
		var dup *RowError
		for j, cell := range rec.cells {
			f := k.matchHeader(cell)
			if f == "" {
				continue
			}
			if _, seen := col[f]; seen {
				if dup == nil {
					dup = &RowError{File: file, Line: rec.line, Field: f, Code: CodeDuplicateColumn, Value: cleanText(cell)}
				}
				continue
			}
			col[f] = j
		}
		if i == 0 {
			first, firstLine = col, rec.line
		}
		if len(missing(col, k)) == 0 {
			if dup != nil {
				return nil, dup
			}
			return &table{file: file, col: col, records: recs[i+1:]}, nil
		}
	}
	if first == nil {
		first = map[string]int{}
	}
	return nil, &RowError{File: file, Line: firstLine, Field: strings.Join(missing(first, k), ", "), Code: CodeMissingColumns}
}

// missing lists the required fields of k absent from col.
func missing(col map[string]int, k *kind) []string {
	var m []string
	for _, c := range k.columns {
		if _, ok := col[c.field]; c.required && !ok {
			m = append(m, c.field)
		}
	}
	return m
}

// blank reports whether every cell of a row is empty or white space.
func blank(cells []string) bool {
	for _, c := range cells {
		if cleanText(c) != "" {
			return false
		}
	}
	return true
}

// decodeText returns a CSV file's text as UTF-8 without a byte-order mark:
// UTF-8 with or without a BOM, or UTF-16 with a BOM (Excel's "Unicode text").
// ok is false for anything else, e.g. a Windows-1258 or TCVN3 file, which
// could only be guessed at.
func decodeText(data []byte) (string, bool) {
	switch {
	case bytes.HasPrefix(data, []byte("\xef\xbb\xbf")):
		data = data[3:]
	case bytes.HasPrefix(data, []byte("\xff\xfe")) || bytes.HasPrefix(data, []byte("\xfe\xff")):
		dec := xunicode.UTF16(xunicode.LittleEndian, xunicode.ExpectBOM).NewDecoder()
		out, err := dec.Bytes(data)
		if err != nil {
			return "", false
		}
		data = out
	}
	if !utf8.Valid(data) {
		return "", false
	}
	return string(data), true
}

// sniffDelimiter picks the separator of a CSV file from the first line that
// has one: whichever of ',', ';' and tab occurs most often outside quotes on
// it (Excel in Viet Nam often saves with ';'). A tie, or none, means ','.
func sniffDelimiter(text string) rune {
	counts := map[rune]int{}
	quoted := false
	lines := 0
scan:
	for _, r := range text {
		switch {
		case r == '"':
			quoted = !quoted
		case quoted:
		case r == '\n':
			if len(counts) > 0 {
				break scan
			}
			if lines++; lines >= 20 {
				break scan
			}
		case r == ',' || r == ';' || r == '\t':
			counts[r]++
		}
	}
	best := ','
	for _, r := range []rune{';', '\t'} {
		if counts[r] > counts[best] {
			best = r
		}
	}
	return best
}

// csvRecords parses CSV text into non-blank records with their line numbers
// (a quoted cell may span lines; a record's line is where it starts).
func csvRecords(text string) ([]record, error) {
	cr := csv.NewReader(strings.NewReader(text))
	cr.Comma = sniffDelimiter(text)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	var recs []record
	for {
		cells, err := cr.Read()
		if err == io.EOF {
			return recs, nil
		}
		if err != nil {
			return nil, err
		}
		if blank(cells) {
			continue
		}
		line, _ := cr.FieldPos(0)
		recs = append(recs, record{line: line, cells: cells})
	}
}

// xlsxSheets reads the sheets of a workbook in the order to try them for
// kind k: those whose name folds to one of k's sheet names, then the other
// visible sheets, then the hidden ones. Cells are read raw (no number format),
// so a phone typed as a number comes as digits.
func xlsxSheets(data []byte, k *kind) ([][]record, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	list := f.GetSheetList()
	if len(list) == 0 {
		return nil, errors.New("no sheet")
	}
	rank := func(s string) int {
		for _, want := range k.sheets {
			if fold(s) == want {
				return 0
			}
		}
		if v, err := f.GetSheetVisible(s); err == nil && v {
			return 1
		}
		return 2
	}
	slices.SortStableFunc(list, func(a, b string) int { return rank(a) - rank(b) })
	var out [][]record
	for _, sheet := range list {
		rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, err
		}
		var recs []record
		for i, cells := range rows {
			if !blank(cells) {
				recs = append(recs, record{line: i + 1, cells: cells})
			}
		}
		out = append(out, recs)
	}
	return out, nil
}
