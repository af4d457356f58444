package roster

import (
	"archive/zip"
	"bytes"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// xfdWorkbook is the workbook of issue 21: under an officials header, 2,000
// rows each with one cell, in column XFD (the last of 16,384).
func xfdWorkbook(t testing.TB) []byte {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	if err := sw.SetRow("A1", []any{"employee_code", "full_name", "unit_code", "category"}); err != nil {
		t.Fatal(err)
	}
	for i := 2; i <= 2001; i++ {
		if err := sw.SetRow(fmt.Sprintf("XFD%d", i), []any{"x"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// peakHeap runs fn and returns the bytes it allocated and the largest live
// heap seen while it ran (sampled every millisecond), above the heap before.
func peakHeap(fn func()) (allocated, peak uint64) {
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	var top atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > top.Load() {
				top.Store(m.HeapAlloc)
			}
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()
	fn()
	close(stop)
	<-done
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if after.HeapAlloc > top.Load() {
		top.Store(after.HeapAlloc)
	}
	p := top.Load()
	if p < before.HeapAlloc {
		p = before.HeapAlloc
	}
	return after.TotalAlloc - before.TotalAlloc, p - before.HeapAlloc
}

// Regression (issue 21, point 4): «a 16 KB XLSX with one cell in column XFD
// on each of 2,000 rows allocates 2.3 GB in the roster reader». The sheet is
// now streamed and cut to the header's columns.
func TestReadXFDWorkbookStaysSmall(t *testing.T) {
	data := xfdWorkbook(t)
	t.Logf("workbook: %d bytes", len(data))
	if len(data) > 32<<10 {
		t.Fatalf("the workbook is %d bytes, not the tiny file of the issue", len(data))
	}
	var rows []OfficialRow
	var err error
	alloc, peak := peakHeap(func() { rows, _, err = ReadOfficials(bytes.NewReader(data), "xfd.xlsx") })
	// Beyond the header's columns, the rows hold nothing: they are blank.
	if err != nil || len(rows) != 0 {
		t.Fatalf("ReadOfficials: %d rows, %v", len(rows), err)
	}
	t.Logf("allocated %d MB, peak live heap %d MB", alloc>>20, peak>>20)
	if peak > 64<<20 {
		t.Errorf("peak live heap %d MB while reading a %d KB file", peak>>20, len(data)>>10)
	}
	if alloc > 64<<20 {
		t.Errorf("allocated %d MB reading a %d KB file", alloc>>20, len(data)>>10)
	}
}

// The limits of a roster file are refused with their own faults, which say
// the limit.
func TestReadLimits(t *testing.T) {
	var b strings.Builder
	b.WriteString("employee_code,full_name,unit_code,category\n")
	for i := 0; i <= MaxRows; i++ {
		fmt.Fprintf(&b, "HB%06d,Nguyễn Văn An,PHB,CC\n", i)
	}
	_, _, err := ReadOfficials(strings.NewReader(b.String()), "big.csv")
	if re, ok := err.(*RowError); !ok || re.Code != CodeTooManyRows || re.Value != "200000" {
		t.Errorf("%d rows: %v", MaxRows+1, err)
	}
	big := strings.Repeat("x", MaxFileBytes+1)
	_, _, err = ReadOfficials(strings.NewReader("employee_code,full_name,unit_code,category\nHB1,"+big+",PHB,CC\n"), "big.csv")
	if re, ok := err.(*RowError); !ok || re.Code != CodeFileTooLarge || re.Value != "20" {
		t.Errorf("%d bytes: %v", MaxFileBytes+1, err)
	}
	_, _, err = ReadOfficials(bytes.NewReader(append([]byte("PK\x03\x04"), big...)), "big.xlsx")
	if re, ok := err.(*RowError); !ok || re.Code != CodeFileTooLarge {
		t.Errorf("XLSX of %d bytes: %v", MaxFileBytes+4, err)
	}
}

// roster100k is an officials file of n rows, as CSV and as XLSX.
func roster100k(b *testing.B, n int) (csvData, xlsxData []byte) {
	header := []any{"Mã cán bộ", "Họ và tên", "Mã đơn vị", "Phân loại", "Chức vụ", "Người đứng đầu", "Số điện thoại", "Ngôn ngữ"}
	row := func(i int) []any {
		return []any{fmt.Sprintf("HB%06d", i), fmt.Sprintf("Nguyễn Văn An %d", i), fmt.Sprintf("U%d", i/50), "Công chức",
			"Chuyên viên", i%50 == 0, fmt.Sprintf("09%08d", i), "vi"}
	}
	var cb bytes.Buffer
	for i := 0; i <= n; i++ {
		r := header
		if i > 0 {
			r = row(i)
		}
		for j, c := range r {
			if j > 0 {
				cb.WriteByte(',')
			}
			fmt.Fprint(&cb, c)
		}
		cb.WriteByte('\n')
	}
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i <= n; i++ {
		r := header
		if i > 0 {
			r = row(i)
		}
		if err := sw.SetRow(fmt.Sprintf("A%d", i+1), r); err != nil {
			b.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	var xb bytes.Buffer
	if err := f.Write(&xb); err != nil {
		b.Fatal(err)
	}
	return cb.Bytes(), xb.Bytes()
}

// BenchmarkReadOfficials100k reads 100,000 officials from CSV and from XLSX:
// B/op is all the reader allocates, peak-MB the largest live heap seen
// while it ran (the rows returned included, about 300 bytes each).
func BenchmarkReadOfficials100k(b *testing.B) {
	const n = 100_000
	csvData, xlsxData := roster100k(b, n)
	for _, c := range []struct {
		name string
		data []byte
	}{{"csv", csvData}, {"xlsx", xlsxData}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			var peak uint64
			for b.Loop() {
				var rows []OfficialRow
				var err error
				_, p := peakHeap(func() { rows, _, err = ReadOfficials(bytes.NewReader(c.data), "roster."+c.name) })
				if err != nil || len(rows) != n {
					b.Fatalf("%d rows, %v", len(rows), err)
				}
				peak = max(peak, p)
			}
			b.ReportMetric(float64(len(c.data))/(1<<20), "file-MB")
			b.ReportMetric(float64(peak)/(1<<20), "peak-MB")
		})
	}
}

// A workbook as other programs write it (LibreOffice, Google Sheets, older
// Excel): namespace prefixes, absolute relationship targets, rich text and
// phonetic hints in shared strings, inline strings, cells and rows without
// references, a hidden sheet first.
func TestReadHandWrittenWorkbook(t *testing.T) {
	parts := map[string]string{
		"[Content_Types].xml": `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`,
		"_rels/.rels": `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="/xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml": `<?xml version="1.0"?><x:workbook xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<x:sheets><x:sheet name="Ẩn" sheetId="1" state="hidden" r:id="rId2"/><x:sheet name="Trang 1" sheetId="2" r:id="rId1"/></x:sheets></x:workbook>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/a.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/b.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
		"xl/sharedStrings.xml": `<?xml version="1.0"?><x:sst xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<x:si><x:t>Mã cán bộ</x:t></x:si><x:si><x:r><x:t>Họ và </x:t></x:r><x:r><x:rPr><x:b/></x:rPr><x:t>tên</x:t></x:r><x:rPh><x:t>ホ</x:t></x:rPh></x:si>
<x:si><x:t xml:space="preserve">Nguyễn Văn An</x:t></x:si></x:sst>`,
		"xl/worksheets/a.xml": `<?xml version="1.0"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>
<x:row><x:c t="s"><x:v>0</x:v></x:c><x:c t="s"><x:v>1</x:v></x:c><x:c t="inlineStr"><x:is><x:t>Mã đơn vị</x:t></x:is></x:c><x:c t="str"><x:v>Phân loại</x:v></x:c><x:c r="G1" t="inlineStr"><x:is><x:t>SĐT</x:t></x:is></x:c></x:row>
<x:row r="3"><x:c r="A3" t="inlineStr"><x:is><x:t>hb001</x:t></x:is></x:c><x:c t="s"><x:v>2</x:v></x:c><x:c t="inlineStr"><x:is><x:r><x:t>P</x:t></x:r><x:r><x:t>HB</x:t></x:r></x:is></x:c><x:c t="inlineStr"><x:is><x:t>CC</x:t></x:is></x:c><x:c r="G3"><x:v>912000101</x:v></x:c><x:c r="XFD3" t="inlineStr"><x:is><x:t>x</x:t></x:is></x:c></x:row>
</x:sheetData></x:worksheet>`,
		"xl/worksheets/b.xml": `<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>ghi chú</t></is></c></row></sheetData></worksheet>`,
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range parts {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	rows, errs, err := ReadOfficials(bytes.NewReader(buf.Bytes()), "khac.xlsx")
	if err != nil || len(errs) > 0 || len(rows) != 1 {
		t.Fatalf("%+v %v %v", rows, errs, err)
	}
	want := OfficialRow{File: "khac.xlsx", Line: 3, EmployeeCode: "HB001", FullName: "Nguyễn Văn An", UnitCode: "PHB", Category: CategoryCongChuc,
		Phone: "+84912000101", Language: "vi", absent: absentPosition | absentIsHead | absentLanguage}
	if rows[0].heads = nil; rows[0] != want {
		t.Errorf("row\n got %+v\nwant %+v", rows[0], want)
	}
}
