package roster

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	xunicode "golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
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
	heads          *headers
}

// OfficialRow — một dòng cán bộ: one official as read from officials.csv or an
// XLSX sheet, normalized: EmployeeCode and UnitCode upper case, Category one
// of the Category* codes, Phone E.164 or empty, Language vi or en. When a cell
// could not be normalized its field keeps the trimmed text as read and the
// fault is in the reader's error list (and again in Import's report).
type OfficialRow struct {
	heads        *headers // the file's headers as written (RowError.Column)
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
	// TaskGroup — nhóm nhiệm vụ: the group of officials with similar tasks
	// within the unit (Decree 335/2025/NĐ-CP counts the grade-A quota within
	// each); "" for none (the whole unit is one group). Optional column.
	TaskGroup string

	badIsHead string // the cell as read when it was not a yes/no value
	// groupGiven is set when the file has the task_group column; without it
	// (and with TaskGroup empty) a re-import keeps the stored group.
	groupGiven bool
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

// column is one field of a file kind with the header names that mean it, as
// a clerk writes them (English first, then Vietnamese); a header cell matches
// a name when both fold to the same key (see fold).
type column struct {
	field    string
	required bool
	aliases  []string
}

// kind describes one file shape: its columns and the sheet names that hold it
// (folded).
type kind struct {
	sheets  []string
	columns []column
	folded  map[string]string // folded header name → field
}

var unitsKind = newKind([]string{"units", "unit", "don vi", "danh sach don vi", "co cau to chuc"}, []column{
	{"code", true, []string{"code", "unit code", "mã", "mã đơn vị", "mã ĐV"}},
	{"name", true, []string{"name", "unit name", "tên đơn vị", "tên", "tên ĐV"}},
	{"parent_code", false, []string{"parent code", "parent", "parent unit", "parent unit code",
		"mã đơn vị cấp trên", "cấp trên", "đơn vị cấp trên", "mã cấp trên", "trực thuộc", "mã ĐV cấp trên"}},
	{"exceptional", false, []string{"exceptional", "đặc thù", "đơn vị đặc biệt", "đặc biệt", "đơn vị đặc thù"}},
})

var officialsKind = newKind([]string{"officials", "official", "staff", "can bo", "danh sach can bo", "nhan su", "danh sach"}, []column{
	{"employee_code", true, []string{"employee code", "employee id", "mã cán bộ", "mã số", "mã nhân viên",
		"mã CB", "mã NV", "mã công chức", "mã số cán bộ"}},
	{"full_name", true, []string{"full name", "name", "họ và tên", "họ tên", "họ tên cán bộ"}},
	{"unit_code", true, []string{"unit code", "unit", "mã đơn vị", "đơn vị", "mã ĐV", "đơn vị công tác"}},
	{"category", true, []string{"category", "loại", "phân loại", "đối tượng", "loại cán bộ"}},
	{"position", false, []string{"position", "title", "chức vụ", "chức danh"}},
	{"is_head", false, []string{"is head", "head", "là trưởng", "người đứng đầu", "trưởng đơn vị",
		"đứng đầu", "là người đứng đầu", "là trưởng đơn vị"}},
	{"phone", false, []string{"phone", "phone number", "mobile", "số điện thoại", "điện thoại", "SĐT",
		"số ĐT", "ĐT", "ĐTDĐ", "di động", "số di động"}},
	{"language", false, []string{"language", "lang", "ngôn ngữ"}},
	{"task_group", false, []string{"task group", "nhóm nhiệm vụ", "nhóm", "nhóm công việc", "group"}},
})

func newKind(sheets []string, cols []column) *kind {
	k := &kind{sheets: sheets, columns: cols, folded: map[string]string{}}
	for _, c := range cols {
		for _, a := range c.aliases {
			if _, dup := k.folded[fold(a)]; !dup {
				k.folded[fold(a)] = c.field
			}
		}
	}
	return k
}

// Column — cột: one column a roster file may have. Field is its canonical
// name (the header of the sample files, as in RowError.Field); Names are
// every header the reader takes for it, English and Vietnamese, matched
// without regard to case, diacritics or punctuation.
type Column struct {
	Field    string
	Required bool
	Names    []string
}

// UnitColumns lists the columns of a units file, in file order.
func UnitColumns() []Column { return unitsKind.exported() }

// OfficialColumns lists the columns of an officials file, in file order.
func OfficialColumns() []Column { return officialsKind.exported() }

func (k *kind) exported() []Column {
	out := make([]Column, len(k.columns))
	for i, c := range k.columns {
		names := []string{c.field}
		for _, a := range c.aliases {
			if fold(a) != fold(c.field) {
				names = append(names, a)
			}
		}
		out[i] = Column{Field: c.field, Required: c.required, Names: names}
	}
	return out
}

// matchHeader returns the field a header cell names in kind k, or "".
func (k *kind) matchHeader(cell string) string {
	return k.folded[fold(cell)]
}

// record is one non-blank row of a file with its line (or sheet row) number.
type record struct {
	line  int
	cells []string
}

// table is a file's header resolved to column indexes.
type table struct {
	file  string
	col   map[string]int
	heads *headers // its header cells as the file wrote them («ĐVT», «Đang dùng»)
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
// bộ") is read, else the first sheet whose header fits (UnitColumns and
// OfficialColumns list the headers taken). The file is read as a stream and
// only the header's columns are kept; a file over MaxFileBytes or MaxRows is
// refused (CodeFileTooLarge, CodeTooManyRows). It returns every data row, the
// faults seen in single rows, and an error (a *RowError with a file-level
// code) when the file cannot be read at all or lacks a required column.
func ReadUnits(r io.Reader, name string) ([]UnitRow, []RowError, error) {
	var rows []UnitRow
	var all []RowError
	err := readTable(r, name, unitsKind, func(t *table, rec record) {
		u := UnitRow{
			heads:      t.heads,
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
	})
	if err != nil {
		return nil, nil, err
	}
	return rows, sortErrors(all), nil
}

// ReadOfficials reads officials (cán bộ) from a CSV or XLSX file in the shape
// of officials.csv: employee_code, full_name, unit_code, category, position,
// is_head, phone, language, task_group, with English or Vietnamese headers
// ("mã cán bộ", "họ và tên", "mã đơn vị", "phân loại", "chức vụ", "người đứng
// đầu", "số điện thoại", "ngôn ngữ", "nhóm nhiệm vụ"). The first four are
// required. Returns as ReadUnits.
func ReadOfficials(r io.Reader, name string) ([]OfficialRow, []RowError, error) {
	var rows []OfficialRow
	var all []RowError
	var absent absentCols
	var hasGroup bool
	err := readTable(r, name, officialsKind, func(t *table, rec record) {
		if len(rows) == 0 {
			_, hasGroup = t.col["task_group"]
			for f, bit := range map[string]absentCols{"position": absentPosition, "is_head": absentIsHead, "phone": absentPhone, "language": absentLanguage} {
				if _, ok := t.col[f]; !ok {
					absent |= bit
				}
			}
		}
		o := OfficialRow{
			heads:        t.heads,
			File:         t.file,
			Line:         rec.line,
			EmployeeCode: t.get(rec, "employee_code"),
			FullName:     t.get(rec, "full_name"),
			UnitCode:     t.get(rec, "unit_code"),
			Category:     t.get(rec, "category"),
			Position:     t.get(rec, "position"),
			Phone:        t.get(rec, "phone"),
			Language:     t.get(rec, "language"),
			TaskGroup:    t.get(rec, "task_group"),
			absent:       absent,
			groupGiven:   hasGroup,
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
	})
	if err != nil {
		return nil, nil, err
	}
	return rows, sortErrors(all), nil
}

// normalize cleans the row's text and checks what one row alone can show.
// It is idempotent, so Import can run it again on rows from the reader.
func (u UnitRow) normalize() (UnitRow, []RowError) {
	var errs []RowError
	if u.badExceptional != "" {
		errs = append(errs, RowError{File: u.File, Line: u.Line, Field: "exceptional", Code: CodeInvalidValue, Value: u.badExceptional})
	}
	u.Code, u.Name, u.ParentCode = cleanCode(u.Code), cleanText(u.Name), cleanCode(u.ParentCode)
	if u.Code == "" {
		errs = append(errs, RowError{File: u.File, Line: u.Line, Field: "code", Code: CodeMissingValue, Value: ""})
	}
	if u.Name == "" {
		errs = append(errs, RowError{File: u.File, Line: u.Line, Field: "name", Code: CodeMissingValue, Value: ""})
	}
	return u, named(errs, u.heads)
}

// normalize is UnitRow.normalize for an official.
func (o OfficialRow) normalize() (OfficialRow, []RowError) {
	var errs []RowError
	bad := func(field, code, value string) {
		errs = append(errs, RowError{File: o.File, Line: o.Line, Field: field, Code: code, Value: value})
	}
	if o.badIsHead != "" {
		bad("is_head", CodeInvalidValue, o.badIsHead)
	}
	o.EmployeeCode, o.FullName, o.UnitCode = cleanCode(o.EmployeeCode), cleanText(o.FullName), cleanCode(o.UnitCode)
	o.Position = cleanText(o.Position)
	o.TaskGroup = cleanText(o.TaskGroup)
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
	return o, named(errs, o.heads)
}

// Limits of one roster file (giới hạn tệp). A larger file is refused whole
// with CodeFileTooLarge or CodeTooManyRows before anything is imported; the
// numbers leave room for a province (about 100,000 people) in one file.
const (
	// MaxFileBytes is the largest file read: 20 MiB, as stored (an XLSX is
	// compressed; 100,000 officials take about 4 MB as XLSX, 10 MB as CSV).
	MaxFileBytes = 20 << 20
	// MaxRows is the most data rows (non-blank rows below the header) read
	// from one file.
	MaxRows = 200_000
	// maxUnzipBytes bounds what a workbook may unpack to: a zip bomb is
	// refused as a malformed file. Parts are read as streams, never whole.
	maxUnzipBytes = 256 << 20
	// headerRows is how many non-blank rows the header is looked for in,
	// and headerCols how many columns of them.
	headerRows = 10
	headerCols = 64
)

// errTooLarge is the limitReader's error once MaxFileBytes are passed.
var errTooLarge = errors.New("file too large")

// limitReader reads at most n bytes of r, then fails with errTooLarge.
type limitReader struct {
	r io.Reader
	n int64
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.n < 0 {
		return 0, errTooLarge
	}
	if int64(len(p)) > l.n+1 {
		p = p[:l.n+1]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	if l.n < 0 {
		return n, errTooLarge
	}
	return n, err
}

// readTable streams a CSV or XLSX file: it finds the header row, maps the
// columns of kind k, and calls each for every non-blank row after the header
// with only the cells up to the header's last known column. Nothing else of
// the file is kept, so memory follows the rows returned, not the file's shape
// (a stray cell in column XFD costs nothing).
func readTable(r io.Reader, name string, k *kind, each func(*table, record)) error {
	file := filepath.Base(name)
	if name == "" {
		file = ""
	}
	fail := func(code string, line int) error {
		re := &RowError{File: file, Line: line, Code: code}
		switch code {
		case CodeFileTooLarge:
			re.Value = strconv.Itoa(MaxFileBytes >> 20)
		case CodeTooManyRows:
			re.Value = strconv.Itoa(MaxRows)
		}
		return re
	}
	br := bufio.NewReaderSize(&limitReader{r: r, n: MaxFileBytes}, 64<<10)
	head, err := br.Peek(4)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		if errors.Is(err, errTooLarge) {
			return fail(CodeFileTooLarge, 0)
		}
		return err
	}
	ext := strings.ToLower(filepath.Ext(name))
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		data, err := io.ReadAll(br)
		if errors.Is(err, errTooLarge) {
			return fail(CodeFileTooLarge, 0)
		}
		if err != nil {
			return err
		}
		return xlsxTable(data, file, k, each, fail)
	case bytes.HasPrefix(head, []byte("\xd0\xcf\x11\xe0")) || ext == ".xls":
		return fail(CodeUnsupportedFormat, 0)
	case ext == ".xlsx" || ext == ".xlsm":
		return fail(CodeMalformedFile, 0)
	default:
		return csvTable(br, file, k, each, fail)
	}
}

// scanner finds the header among the first rows it is given, then passes
// the data rows on, cut to the header's width.
type scanner struct {
	file  string
	k     *kind
	each  func(*table, record)
	t     *table
	width int      // cells kept of a data row: the header's last known column + 1
	early []record // the rows seen before the header was found
	rows  int      // data rows passed on
}

// add takes one non-blank row. It returns errHeaderNotFound once the first
// headerRows rows name no header, errTooManyRows past MaxRows, or a
// duplicate-column fault.
func (s *scanner) add(rec record) error {
	if s.t != nil {
		if s.rows++; s.rows > MaxRows {
			return errTooManyRows
		}
		if len(rec.cells) > s.width {
			rec.cells = rec.cells[:s.width]
		}
		s.each(s.t, rec)
		return nil
	}
	col, heads := map[string]int{}, map[string]string{}
	var dup *RowError
	for j, cell := range rec.cells {
		f := s.k.matchHeader(cell)
		if f == "" {
			continue
		}
		if _, seen := col[f]; seen {
			if dup == nil {
				dup = &RowError{File: s.file, Line: rec.line, Field: f, Code: CodeDuplicateColumn, Value: cleanText(cell)}
			}
			continue
		}
		col[f], heads[f] = j, cleanText(cell)
	}
	if len(missing(col, s.k)) == 0 {
		if dup != nil {
			return dup
		}
		s.t = &table{file: s.file, col: col, heads: &headers{heads}}
		for _, j := range col {
			s.width = max(s.width, j+1)
		}
		return nil
	}
	// Keep the row only as far as a header could reach (the first row's
	// columns are named in the fault when no header is found).
	if len(rec.cells) > headerCols {
		rec.cells = rec.cells[:headerCols]
	}
	s.early = append(s.early, record{line: rec.line, cells: slices.Clone(rec.cells)})
	if len(s.early) >= headerRows {
		return errHeaderNotFound
	}
	return nil
}

// done is the fault of a file whose header was never found.
func (s *scanner) done() error {
	if s.t != nil {
		return nil
	}
	first, line := map[string]int{}, 0
	if len(s.early) > 0 {
		line = s.early[0].line
		for j, cell := range s.early[0].cells {
			if f := s.k.matchHeader(cell); f != "" {
				if _, seen := first[f]; !seen {
					first[f] = j
				}
			}
		}
	}
	return &RowError{File: s.file, Line: line, Field: strings.Join(missing(first, s.k), ", "), Code: CodeMissingColumns}
}

var (
	errHeaderNotFound = errors.New("no header in the first rows")
	errTooManyRows    = errors.New("too many rows")
)

// csvTable streams a CSV file: UTF-8 with or without a byte-order mark, or
// UTF-16 with one (Excel's "Unicode text"); anything else (a Windows-1258 or
// TCVN3 file, which could only be guessed at) is CodeInvalidEncoding. The
// separator is sniffed from the first lines (see sniffDelimiter).
func csvTable(br *bufio.Reader, file string, k *kind, each func(*table, record), fail func(string, int) error) error {
	var src io.Reader = br
	bom, _ := br.Peek(3)
	switch {
	case bytes.HasPrefix(bom, []byte("\xef\xbb\xbf")):
		_, _ = br.Discard(3)
	case bytes.HasPrefix(bom, []byte("\xff\xfe")) || bytes.HasPrefix(bom, []byte("\xfe\xff")):
		dec := xunicode.UTF16(xunicode.LittleEndian, xunicode.ExpectBOM).NewDecoder()
		src = bufio.NewReaderSize(transform.NewReader(br, dec), 64<<10)
	}
	text := bufio.NewReaderSize(src, 64<<10)
	peek, err := text.Peek(64 << 10)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		if errors.Is(err, errTooLarge) {
			return fail(CodeFileTooLarge, 0)
		}
		return fail(CodeInvalidEncoding, 0)
	}
	cr := csv.NewReader(text)
	cr.Comma = sniffDelimiter(string(peek))
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true
	s := &scanner{file: file, k: k, each: each}
	for {
		cells, err := cr.Read()
		if err == io.EOF {
			return s.done()
		}
		if errors.Is(err, errTooLarge) {
			return fail(CodeFileTooLarge, 0)
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return fail(CodeMalformedFile, pe.Line)
			}
			return err
		}
		if blank(cells) {
			continue
		}
		for _, c := range cells {
			if !utf8.ValidString(c) {
				return fail(CodeInvalidEncoding, 0)
			}
		}
		line, _ := cr.FieldPos(0)
		// LazyQuotes takes a stray quote inside a cell, but a quote opened
		// and never closed swallows the lines after it into one cell: told
		// as such, with the line where it opened, not as the columns the
		// row then lacks.
		for i, c := range cells {
			if j := strings.IndexByte(c, '\n'); j >= 0 && strings.ContainsRune(c[j:], cr.Comma) {
				at, _ := cr.FieldPos(i)
				return fail(CodeUnclosedQuote, at)
			}
		}
		if err := s.add(record{line: line, cells: cells}); err != nil {
			return scanFault(s, err, fail)
		}
	}
}

// scanFault turns the scanner's stop into the file's fault.
func scanFault(s *scanner, err error, fail func(string, int) error) error {
	switch {
	case errors.Is(err, errHeaderNotFound):
		return s.done()
	case errors.Is(err, errTooManyRows):
		return fail(CodeTooManyRows, 0)
	}
	return err
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

// xlsxTable streams the sheets of a workbook in the order to try them for
// kind k: those whose name folds to one of k's sheet names, then the other
// visible sheets, then the hidden ones; the first sheet whose header fits is
// read (see xlsx.go). Cells are read raw (no number format), so a phone
// typed as a number comes as digits.
func xlsxTable(data []byte, file string, k *kind, each func(*table, record), fail func(string, int) error) error {
	wb, err := openWorkbook(data)
	if err != nil {
		return fail(CodeMalformedFile, 0)
	}
	list := slices.Clone(wb.sheets)
	rank := func(s wbSheet) int {
		for _, want := range k.sheets {
			if fold(s.name) == want {
				return 0
			}
		}
		if !s.hidden {
			return 1
		}
		return 2
	}
	slices.SortStableFunc(list, func(a, b wbSheet) int { return rank(a) - rank(b) })
	var firstErr error
	for _, sheet := range list {
		s := &scanner{file: file, k: k, each: each}
		width := func() int {
			if s.t == nil {
				return headerCols
			}
			return s.width
		}
		err := wb.rows(sheet.part, width, func(line int, cells []string) error {
			if blank(cells) {
				return nil
			}
			return s.add(record{line: line, cells: cells})
		})
		var re *RowError
		switch {
		case errors.Is(err, errHeaderNotFound) || err == nil && s.t == nil:
			if firstErr == nil {
				firstErr = s.done() // the first sheet's fault is the one told
			}
			continue
		case errors.Is(err, errTooManyRows):
			return fail(CodeTooManyRows, 0)
		case errors.As(err, &re):
			return err
		case err != nil:
			return fail(CodeMalformedFile, 0)
		}
		return nil
	}
	return firstErr
}
