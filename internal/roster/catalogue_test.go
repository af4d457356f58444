package roster

import (
	"bytes"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func readCatalogueSample(t *testing.T) []CatalogueRow {
	t.Helper()
	f, err := os.Open("../demo/roster/catalogue.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, errs, err := ReadCatalogue(f, f.Name())
	if err != nil || len(errs) > 0 {
		t.Fatalf("ReadCatalogue: %v %v", errs, err)
	}
	return rows
}

// The sample catalogue of the demo ward reads whole: factors with a decimal
// comma become hundredths, applies_to splits on ";", «không» withdraws.
func TestReadCatalogueSample(t *testing.T) {
	rows := readCatalogueSample(t)
	if len(rows) != 15 {
		t.Fatalf("%d rows, want 15", len(rows))
	}
	td := rows[0]
	if td.Code != "TD01" || td.Name != "Thẩm định hồ sơ cấp phép xây dựng" || td.Measure != "hồ sơ" || td.Factor != 150 ||
		!slices.Equal(td.AppliesTo, []string{"Chuyên viên xây dựng - đô thị", "Phó Trưởng phòng"}) || !td.Active || td.Line != 2 {
		t.Errorf("TD01 = %+v", td)
	}
	if vb := rows[8]; vb.Code != "VB01" || len(vb.AppliesTo) != 0 || vb.Name != "Soạn thảo văn bản hành chính (công văn, thông báo)" {
		t.Errorf("VB01 = %+v", vb)
	}
	if last := rows[14]; last.Code != "TD00" || last.Active || last.Factor != 120 {
		t.Errorf("TD00 = %+v", last)
	}
}

// Each faulty cell is one localized row error with the exact value typed.
func TestReadCatalogueRowErrors(t *testing.T) {
	for _, tc := range []struct {
		name, csv string
		want      []RowError
	}{
		{"vietnamese headers", "Mã;\"Tên sản phẩm, công việc\";ĐVT;Hệ số quy đổi\nTD01;Thẩm định;hồ sơ;1,5\n", nil},
		{"comma separated", "Mã,Tên sản phẩm,ĐVT,Hệ số quy đổi\nTD01,Thẩm định,hồ sơ,\"1,5\"\n", nil},
		{"factor with two separators", "code,name,measure,factor\nTD01,Thẩm định,hồ sơ,1.5.2\n",
			[]RowError{{"c.csv", 2, "factor", CodeInvalidFactor, "1.5.2", "factor"}}},
		{"factor zero", "code,name,measure,factor\nTD01,Thẩm định,hồ sơ,0\n",
			[]RowError{{"c.csv", 2, "factor", CodeInvalidFactor, "0", "factor"}}},
		{"factor over 100", "code,name,measure,factor\nTD01,Thẩm định,hồ sơ,101\n",
			[]RowError{{"c.csv", 2, "factor", CodeInvalidFactor, "101", "factor"}}},
		{"factor three decimals", "code,name,measure,factor\nTD01,Thẩm định,hồ sơ,\"0,125\"\n",
			[]RowError{{"c.csv", 2, "factor", CodeInvalidFactor, "0,125", "factor"}}},
		{"factor empty", "code,name,measure,factor\nTD01,Thẩm định,hồ sơ,\n",
			[]RowError{{"c.csv", 2, "factor", CodeMissingValue, "", "factor"}}},
		{"code with a space", "code,name,measure,factor\nTD 01,Thẩm định,hồ sơ,1\n",
			[]RowError{{"c.csv", 2, "code", CodeInvalidItem, "TD 01", "code"}}},
		{"no name no measure", "code,name,measure,factor\nTD01,,,1\n",
			[]RowError{{"c.csv", 2, "name", CodeMissingValue, "", "name"}, {"c.csv", 2, "measure", CodeMissingValue, "", "measure"}}},
		{"active not yes/no", "code,name,measure,factor,active\nTD01,Thẩm định,hồ sơ,1,tạm\n",
			[]RowError{{"c.csv", 2, "active", CodeInvalidValue, "tạm", "active"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, errs, err := ReadCatalogue(strings.NewReader(tc.csv), "c.csv")
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(errs, tc.want) {
				t.Errorf("errors %v, want %v", errs, tc.want)
			}
		})
	}
	_, _, err := ReadCatalogue(strings.NewReader("code,name\nTD01,x\n"), "c.csv")
	var re *RowError
	if !errors.As(err, &re) || re.Code != CodeMissingColumns || re.Field != "measure, factor" {
		t.Errorf("missing columns: %v", err)
	}
}

// One transaction, dry run, re-import by code, faulty rows write nothing.
func TestImportCatalogue(t *testing.T) {
	pool := importSample(t)
	ctx := t.Context()
	rows := readCatalogueSample(t)

	rep, err := ImportCatalogue(ctx, pool, "", rows, Options{DryRun: true})
	if err != nil || rep.Counts.Inserted != 15 || rep.Agency != "PHB" {
		t.Fatalf("dry run: %+v %v", rep, err)
	}
	if n := count(t, pool, `SELECT count(*) FROM catalogue_items`); n != 0 {
		t.Fatalf("dry run wrote %d items", n)
	}
	rep, err = ImportCatalogue(ctx, pool, "phb", rows, Options{})
	if err != nil || rep.Counts.Inserted != 15 {
		t.Fatalf("import: %+v %v", rep, err)
	}
	if n := count(t, pool, `SELECT count(*) FROM catalogue_items WHERE code = 'TD01' AND factor = 150 AND measure = 'hồ sơ'
		AND applies_to = ARRAY['Chuyên viên xây dựng - đô thị', 'Phó Trưởng phòng']`); n != 1 {
		t.Errorf("TD01 stored %d times as read", n)
	}
	rep, err = ImportCatalogue(ctx, pool, "", rows, Options{})
	if err != nil || rep.Counts.Unchanged != 15 || rep.Counts.Inserted+rep.Counts.Updated != 0 {
		t.Fatalf("re-import: %+v %v", rep, err)
	}
	// A corrected factor updates in place; an item left out stays, counted.
	fixed := slices.Clone(rows[:14])
	fixed[0].Factor, fixed[0].rawFactor = 0, "1,75"
	rep, err = ImportCatalogue(ctx, pool, "", fixed, Options{})
	if err != nil || rep.Counts.Updated != 1 || rep.Counts.Unchanged != 13 || rep.Counts.Missing != 1 {
		t.Fatalf("update: %+v %v", rep, err)
	}
	if n := count(t, pool, `SELECT count(*) FROM catalogue_items WHERE code = 'TD01' AND factor = 175`); n != 1 {
		t.Error("TD01's factor not updated to 1.75")
	}
	if n := count(t, pool, `SELECT count(*) FROM audit_log WHERE entity = 'catalogue_item' AND action = 'update'
		AND before->>'factor' = '150' AND after->>'factor' = '175'`); n != 1 {
		t.Errorf("%d audit rows for the factor change", n)
	}
	// A faulty row and a repeated code: nothing written.
	bad := slices.Clone(rows)
	bad[1].Factor, bad[1].rawFactor = 0, "hai"
	bad = append(bad, CatalogueRow{File: "c.csv", Line: 99, Code: "td01", Name: "x", Measure: "y", Factor: 100})
	rep, err = ImportCatalogue(ctx, pool, "", bad, Options{})
	want := []RowError{{rows[1].File, 3, "factor", CodeInvalidFactor, "hai", rows[1].heads.byField["factor"]}, {"c.csv", 99, "code", CodeDuplicateCode, "TD01", ""}}
	if !errors.Is(err, ErrRowsInvalid) || !slices.Equal(sortErrors(rep.Errors), sortErrors(want)) {
		t.Fatalf("faulty: %v %v, want %v", rep.Errors, err, want)
	}
	if n := count(t, pool, `SELECT count(*) FROM catalogue_items WHERE code = 'TD01' AND factor = 175`); n != 1 {
		t.Error("a faulty import changed TD01")
	}
	if _, err := ImportCatalogue(ctx, pool, "NOPE", rows, Options{}); !errors.Is(err, ErrCatalogueAgency) {
		t.Errorf("unknown agency: %v", err)
	}
}

// The optional task-group column («Nhóm nhiệm vụ») is stored on the
// official, and a file without it keeps what the database holds.
func TestImportTaskGroup(t *testing.T) {
	pool := importSample(t)
	ctx := t.Context()
	csv := "Mã cán bộ,Họ và tên,Mã đơn vị,Phân loại,Nhóm nhiệm vụ\n" +
		"HB003,Lê Minh Quân,PHB-DU,Công chức,  Tổng hợp \n" +
		"HB004,Phạm Thu Trang,PHB-DU,Lao động hợp đồng,Văn thư\n"
	rows, errs, err := ReadOfficials(strings.NewReader(csv), "g.csv")
	if err != nil || len(errs) > 0 {
		t.Fatal(errs, err)
	}
	if rows[0].TaskGroup != "Tổng hợp" {
		t.Errorf("task group %q", rows[0].TaskGroup)
	}
	if rep, err := Import(ctx, pool, nil, rows, Options{}); err != nil || rep.Officials.Updated != 2 {
		t.Fatalf("import: %+v %v", rep, err)
	}
	if n := count(t, pool, `SELECT count(*) FROM officials WHERE employee_code = 'HB003' AND task_group = 'Tổng hợp'`); n != 1 {
		t.Error("HB003's task group not stored")
	}
	if n := count(t, pool, `SELECT count(*) FROM audit_log WHERE entity = 'official' AND after->>'task_group' = 'Văn thư'`); n != 1 {
		t.Error("no audit row for the task group")
	}
	without := "Mã cán bộ,Họ và tên,Mã đơn vị,Phân loại\nHB003,Lê Minh Quân,PHB-DU,Công chức\n"
	rows, _, _ = ReadOfficials(strings.NewReader(without), "g.csv")
	if rep, err := Import(ctx, pool, nil, rows, Options{}); err != nil || rep.Officials.Unchanged != 1 {
		t.Fatalf("re-import without the column: %+v %v", rep, err)
	}
	o, err := OfficialByID(ctx, pool, idOf(t, pool, "HB003"))
	if err != nil || o.TaskGroup != "Tổng hợp" {
		t.Errorf("after a file without the column: %q %v", o.TaskGroup, err)
	}
}

// A workbook with a title row above the header and number cells: the factor
// as Excel stores it, binary noise included.
func TestReadCatalogueXLSX(t *testing.T) {
	f := excelize.NewFile()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetSheetName("Sheet1", "Danh mục"))
	for i, row := range [][]any{
		{"DANH MỤC SẢN PHẨM, CÔNG VIỆC ĐÃ QUY ĐỔI"},
		{"STT", "Mã", "Tên sản phẩm, công việc", "Đơn vị tính", "Hệ số quy đổi", "Áp dụng cho"},
		{1, "td01", "Thẩm định hồ sơ cấp phép xây dựng", "hồ sơ", 1.5, "Chuyên viên xây dựng - đô thị"},
		{2, "HC01", "Tiếp nhận hồ sơ", "hồ sơ", 0.1 + 0.2, nil},
		{3, "HC02", "Chứng thực", "bản", 0.125, nil},
	} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		must(f.SetSheetRow("Danh mục", cell, &row))
	}
	var buf bytes.Buffer
	must(f.Write(&buf))
	rows, errs, err := ReadCatalogue(bytes.NewReader(buf.Bytes()), "danh-muc.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0].Code != "TD01" || rows[0].Factor != 150 || rows[0].Line != 3 || rows[1].Factor != 30 {
		t.Errorf("rows %+v", rows)
	}
	if want := []RowError{{"danh-muc.xlsx", 5, "factor", CodeInvalidFactor, "0.125", "Hệ số quy đổi"}}; !slices.Equal(errs, want) {
		t.Errorf("errors %v, want %v", errs, want)
	}
}
