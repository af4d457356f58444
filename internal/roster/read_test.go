package roster

import (
	"bytes"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	xunicode "golang.org/x/text/encoding/unicode"

	"evalbot/internal/pgtest"
)

func TestReadSample(t *testing.T) {
	units := readSampleUnits(t)
	if len(units) != 7 {
		t.Fatalf("%d units, want 7", len(units))
	}
	kt := units[3]
	if kt.Code != "PHB-KT" || kt.Name != "Phòng Kinh tế, Hạ tầng và Đô thị" || kt.ParentCode != "PHB" || kt.Line != 5 {
		t.Errorf("PHB-KT row = %+v", kt)
	}
	if units[0].ParentCode != "" || !units[5].Exceptional || units[5].Code != "PHB-HCC" {
		t.Errorf("root or exceptional wrong: %+v %+v", units[0], units[5])
	}

	officials, errs := readSampleOfficials(t, "officials.csv")
	if len(errs) > 0 || len(officials) != 28 {
		t.Fatalf("%d officials, errors %v", len(officials), errs)
	}
	o := officials[0]
	o.heads = nil
	want := OfficialRow{File: "officials.csv", Line: 2, EmployeeCode: "HB001", FullName: "Nguyễn Văn Thành",
		UnitCode: "PHB", Category: CategoryCanBo, Position: "Chủ tịch UBND phường", IsHead: true,
		Phone: "+84912000101", Language: "vi"}
	if o != want {
		t.Errorf("first official\n got %+v\nwant %+v", o, want)
	}
	heads := 0
	for _, o := range officials {
		if !strings.HasPrefix(o.Phone, "+849120001") || len(o.Phone) != 12 {
			t.Errorf("%s phone %q", o.EmployeeCode, o.Phone)
		}
		if o.IsHead {
			heads++
		}
	}
	if heads != 7 {
		t.Errorf("%d heads, want 7", heads)
	}
	if officials[3].Category != CategoryHopDong || officials[7].Language != "en" || officials[7].Category != CategoryVienChuc {
		t.Errorf("HB004/HB008: %+v %+v", officials[3], officials[7])
	}
}

func TestReadMessyRowFaults(t *testing.T) {
	rows, errs := readSampleOfficials(t, "officials-messy.csv")
	if len(rows) != 8 {
		t.Fatalf("%d rows, want 8 (faulty rows are returned too)", len(rows))
	}
	if r := rows[0]; r.FullName != "Nguyễn Thị Hoa" || r.Category != CategoryCongChuc || r.Phone != "+84912000201" {
		t.Errorf("HB101 not normalized: %+v", r)
	}
	// What one row alone shows; the rest needs the other rows and the database.
	got := brief(errs)
	want := []string{"6 category unknown_category", "7 phone invalid_phone", "9 language unsupported_language",
		"4 full_name missing_value"}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("reader errors\n got %q\nwant %q", got, want)
	}
}

func brief(errs []RowError) []string {
	var s []string
	for _, e := range errs {
		s = append(s, strconv.Itoa(e.Line)+" "+e.Field+" "+e.Code)
	}
	return s
}

func TestReadXLSXVietnameseHeaders(t *testing.T) {
	f := excelize.NewFile()
	// The first sheet is instructions; the data are on sheets named for their kind.
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetSheetName("Sheet1", "Hướng dẫn"))
	must(f.SetCellValue("Hướng dẫn", "A1", "Điền danh sách vào các trang sau"))
	_, err := f.NewSheet("Đơn vị")
	must(err)
	for i, row := range [][]any{
		{"Mã", "Tên đơn vị", "Mã đơn vị cấp trên", "Đặc thù"},
		{"PHB", "Phường Hòa Bình Mới", nil, nil},
		{"phb-hcc", "  Trung tâm  Phục vụ hành chính công", "PHB", "x"},
	} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		must(f.SetSheetRow("Đơn vị", cell, &row))
	}
	_, err = f.NewSheet("Danh sách cán bộ")
	must(err)
	for i, row := range [][]any{
		{"DANH SÁCH CÁN BỘ, CÔNG CHỨC PHƯỜNG HÒA BÌNH MỚI"}, // a title above the header
		{},
		{"STT", "Mã cán bộ", "Họ và tên", "Mã đơn vị", "Phân loại", "Chức vụ", "Người đứng đầu", "Số điện thoại", "Ngôn ngữ"},
		{1, "HB001", "Nguyễn Văn Thành", "PHB", "Cán bộ", "Chủ tịch", "x", 912000101, "Tiếng Việt"},
		{},
		{3, "HB020", "Kiều Thị Xuân", "PHB-HCC", "CC", "Giám đốc", true, "0912.000.120", "English"},
		{4, "HB021", "Dương Văn Yên", "PHB-HCC", "VC", nil, "không", "+84 912 000 121", nil},
	} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		must(f.SetSheetRow("Danh sách cán bộ", cell, &row))
	}
	var buf bytes.Buffer
	must(f.Write(&buf))
	data := buf.Bytes()

	units, errs, err := ReadUnits(bytes.NewReader(data), "roster.xlsx")
	if err != nil || len(errs) > 0 {
		t.Fatalf("ReadUnits: %v %v", errs, err)
	}
	wantUnits := []UnitRow{
		{File: "roster.xlsx", Line: 2, Code: "PHB", Name: "Phường Hòa Bình Mới"},
		{File: "roster.xlsx", Line: 3, Code: "PHB-HCC", Name: "Trung tâm Phục vụ hành chính công", ParentCode: "PHB", Exceptional: true},
	}
	if !slices.Equal(unheadedUnits(units), wantUnits) {
		t.Errorf("units\n got %+v\nwant %+v", units, wantUnits)
	}

	// No extension: the content says XLSX.
	officials, errs, err := ReadOfficials(bytes.NewReader(data), "upload")
	if err != nil || len(errs) > 0 {
		t.Fatalf("ReadOfficials: %v %v", errs, err)
	}
	want := []OfficialRow{
		{File: "upload", Line: 4, EmployeeCode: "HB001", FullName: "Nguyễn Văn Thành", UnitCode: "PHB", Category: CategoryCanBo,
			Position: "Chủ tịch", IsHead: true, Phone: "+84912000101", Language: "vi"},
		{File: "upload", Line: 6, EmployeeCode: "HB020", FullName: "Kiều Thị Xuân", UnitCode: "PHB-HCC", Category: CategoryCongChuc,
			Position: "Giám đốc", IsHead: true, Phone: "+84912000120", Language: "en"},
		{File: "upload", Line: 7, EmployeeCode: "HB021", FullName: "Dương Văn Yên", UnitCode: "PHB-HCC", Category: CategoryVienChuc,
			Phone: "+84912000121", Language: "vi"},
	}
	if !slices.Equal(unheadedOfficials(officials), want) {
		t.Errorf("officials\n got %+v\nwant %+v", officials, want)
	}

	// A workbook whose officials sheet has no telling name: the first sheet
	// whose header fits is read.
	must(f.DeleteSheet("Hướng dẫn"))
	must(f.SetSheetName("Danh sách cán bộ", "Trang 2"))
	buf.Reset()
	must(f.Write(&buf))
	again, errs, err := ReadOfficials(bytes.NewReader(buf.Bytes()), "roster.xlsx")
	if err != nil || len(errs) > 0 || len(again) != 3 || again[2].Line != 7 {
		t.Errorf("unnamed sheet: %+v %v %v", again, errs, err)
	}

	// And the rows import.
	pool := pgtest.New(t)
	rep, err := Import(t.Context(), pool, units, officials, Options{})
	if err != nil || rep.Units.Inserted != 2 || rep.Officials.Inserted != 3 {
		t.Fatalf("Import = %+v, %v", rep, err)
	}
}

func TestReadSemicolonCSVWithBOM(t *testing.T) {
	// As Excel in Viet Nam saves "CSV UTF-8": a BOM, ';', CRLF, and here a
	// name in decomposed Unicode and a quoted cell holding the separator.
	csv := "\ufeffMã số;Họ tên;Đơn vị;Loại;Chức vụ;Là trưởng;SĐT;Ngôn ngữ\r\n" +
		"HB001;Nguye\u0302\u0303n Văn Thành;PHB;cán bộ;\"Chủ tịch; kiêm nhiệm\";có;0912 000 101;vn\r\n" +
		";;;;;;;\r\n" +
		"HB002;Trần Thị Hồng Nhung;PHB-DU;LĐHĐ;;;84912000102;\r\n"
	rows, errs, err := ReadOfficials(strings.NewReader(csv), "ds.csv")
	if err != nil || len(errs) > 0 {
		t.Fatalf("ReadOfficials: %v %v", errs, err)
	}
	if len(rows) != 2 {
		t.Fatalf("%d rows: %+v", len(rows), rows)
	}
	if r := rows[0]; r.FullName != "Nguyễn Văn Thành" || r.Position != "Chủ tịch; kiêm nhiệm" || !r.IsHead ||
		r.Phone != "+84912000101" || r.Language != "vi" || r.Line != 2 || r.Category != CategoryCanBo {
		t.Errorf("row 1 = %+v", r)
	}
	if r := rows[1]; r.Line != 4 || r.Category != CategoryHopDong || r.IsHead || r.Phone != "+84912000102" {
		t.Errorf("row 2 = %+v", r)
	}

	// The same file as UTF-16 (Excel's "Unicode text") reads the same.
	enc, _ := xunicode.UTF16(xunicode.LittleEndian, xunicode.UseBOM).NewEncoder().String(strings.TrimPrefix(csv, "\ufeff"))
	rows16, errs, err := ReadOfficials(strings.NewReader(enc), "ds.csv")
	if err != nil || len(errs) > 0 || !slices.Equal(unheadedOfficials(rows), unheadedOfficials(rows16)) {
		t.Errorf("UTF-16: %+v %v %v", rows16, errs, err)
	}
}

func TestReadFileFaults(t *testing.T) {
	cases := []struct {
		name, data, code, field string
		line                    int
	}{
		{"a.csv", "employee_code,name,unit\nHB1,A,PHB\n", CodeMissingColumns, "category", 1},
		{"a.csv", "STT,Ghi chú\n", CodeMissingColumns, "employee_code, full_name, unit_code, category", 1},
		{"a.csv", "", CodeMissingColumns, "employee_code, full_name, unit_code, category", 0},
		{"a.csv", "Mã cán bộ,Họ tên,Họ và tên,Đơn vị,Loại\n", CodeDuplicateColumn, "full_name", 1},
		{"a.csv", "Ma can bo,Ho ten,Don vi,Loai\nHB1,Nguy\xean,PHB,CC\n", CodeInvalidEncoding, "", 0},
		{"a.xls", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", CodeUnsupportedFormat, "", 0},
		{"a.xlsx", "not a zip", CodeMalformedFile, "", 0},
	}
	for _, c := range cases {
		_, _, err := ReadOfficials(strings.NewReader(c.data), c.name)
		var re *RowError
		if !errors.As(err, &re) || re.Code != c.code || re.Field != c.field || re.Line != c.line {
			t.Errorf("%q: err = %#v", c.data, err)
		}
	}
	// A yes/no cell that is neither.
	_, errs, err := ReadUnits(strings.NewReader("code,name,parent_code,exceptional\nA,Alpha,,maybe\n"), "u.csv")
	if err != nil || len(errs) != 1 || errs[0].Code != CodeInvalidValue || errs[0].Field != "exceptional" || errs[0].Line != 2 {
		t.Errorf("errs = %v, %v", errs, err)
	}
}

// unheadedUnits are rows without the file's headers (compared by value).
func unheadedUnits(rows []UnitRow) []UnitRow {
	rows = slices.Clone(rows)
	for i := range rows {
		rows[i].heads = nil
	}
	return rows
}

// unheadedOfficials are rows without the file's headers (compared by value).
func unheadedOfficials(rows []OfficialRow) []OfficialRow {
	rows = slices.Clone(rows)
	for i := range rows {
		rows[i].heads = nil
	}
	return rows
}
