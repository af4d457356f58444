package roster

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"path"
	"strconv"
	"strings"
)

// This file streams the cells of an XLSX worksheet (SpreadsheetML, ECMA-376
// part 1 §18.3) with encoding/xml, one cell at a time, skipping every cell
// right of the header's columns before its value is decoded. excelize's row
// iterator (Rows/Columns) pads each row with an empty string per column up
// to its last cell: a 17 KB workbook with one cell in column XFD on each of
// 2,000 rows made it allocate 2.3 GB (docs/decisions/0010-roster-xlsx-stream.md).
// excelize still writes the workbooks (internal/report) and opens them in
// the tests.

// workbook is an opened XLSX package: its sheets in workbook order and the
// shared strings table.
type workbook struct {
	files  map[string]*zip.File
	sheets []wbSheet
	sst    []string
}

// wbSheet is one sheet of the workbook: its name, whether it is hidden
// (state hidden or veryHidden) and its part's path in the package.
type wbSheet struct {
	name, part string
	hidden     bool
}

var errNotWorkbook = errors.New("not an XLSX workbook")

// openWorkbook reads the package's directory, the workbook part and the
// shared strings. A package that would unpack to more than maxUnzipBytes is
// refused (a zip bomb), as is one without a workbook.
func openWorkbook(data []byte) (*workbook, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, err
	}
	wb := &workbook{files: map[string]*zip.File{}}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		wb.files[strings.TrimPrefix(f.Name, "/")] = f
	}
	if total > maxUnzipBytes {
		return nil, errNotWorkbook
	}
	book := "xl/workbook.xml"
	for _, r := range wb.rels("_rels/.rels", "") {
		if strings.HasSuffix(r.Type, "/officeDocument") {
			book = r.Target
		}
	}
	targets := map[string]string{}
	sstPart := ""
	for _, r := range wb.rels(path.Join(path.Dir(book), "_rels", path.Base(book)+".rels"), path.Dir(book)) {
		targets[r.ID] = r.Target
		if strings.HasSuffix(r.Type, "/sharedStrings") {
			sstPart = r.Target
		}
	}
	var doc struct {
		Sheets []struct {
			Name  string     `xml:"name,attr"`
			State string     `xml:"state,attr"`
			Attrs []xml.Attr `xml:",any,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := wb.decode(book, &doc); err != nil {
		return nil, err
	}
	for _, s := range doc.Sheets {
		id := ""
		for _, a := range s.Attrs {
			if a.Name.Local == "id" {
				id = a.Value
			}
		}
		if part, ok := targets[id]; ok {
			wb.sheets = append(wb.sheets, wbSheet{name: s.Name, part: part, hidden: s.State == "hidden" || s.State == "veryHidden"})
		}
	}
	if len(wb.sheets) == 0 {
		return nil, errNotWorkbook
	}
	if sstPart != "" {
		if wb.sst, err = wb.sharedStrings(sstPart); err != nil {
			return nil, err
		}
	}
	return wb, nil
}

type rel struct {
	ID     string `xml:"Id,attr"`
	Type   string `xml:"Type,attr"`
	Target string `xml:"Target,attr"`
}

// rels reads a relationships part; targets are resolved against dir (an
// absolute target, "/xl/…", against the package's root).
func (wb *workbook) rels(part, dir string) []rel {
	var doc struct {
		Rels []rel `xml:"Relationship"`
	}
	if wb.decode(part, &doc) != nil {
		return nil
	}
	for i, r := range doc.Rels {
		if strings.HasPrefix(r.Target, "/") {
			doc.Rels[i].Target = strings.TrimPrefix(r.Target, "/")
		} else {
			doc.Rels[i].Target = path.Join(dir, r.Target)
		}
	}
	return doc.Rels
}

func (wb *workbook) open(part string) (io.ReadCloser, error) {
	f, ok := wb.files[part]
	if !ok {
		return nil, errNotWorkbook
	}
	return f.Open()
}

func (wb *workbook) decode(part string, v any) error {
	rc, err := wb.open(part)
	if err != nil {
		return err
	}
	defer rc.Close()
	return xml.NewDecoder(rc).Decode(v)
}

// sharedStrings reads the shared strings table: each item's text, the runs
// of rich text joined, phonetic hints (rPh) left out.
func (wb *workbook) sharedStrings(part string) ([]string, error) {
	rc, err := wb.open(part)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	d := xml.NewDecoder(rc)
	var out []string
	var sb strings.Builder
	depthRPh := 0
	inT := false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		switch el := tok.(type) {
		case xml.StartElement:
			switch el.Name.Local {
			case "si":
				sb.Reset()
			case "rPh":
				depthRPh++
			case "t":
				inT = depthRPh == 0
			}
		case xml.EndElement:
			switch el.Name.Local {
			case "si":
				out = append(out, sb.String())
			case "rPh":
				depthRPh--
			case "t":
				inT = false
			}
		case xml.CharData:
			if inT {
				sb.Write(el)
			}
		}
	}
}

// rows streams a sheet's rows to fn as (row number, cells); a cell right of
// column width(), asked before each cell, is skipped unread. Rows with no
// cell kept are passed too (fn skips blank rows).
func (wb *workbook) rows(part string, width func() int, fn func(line int, cells []string) error) error {
	rc, err := wb.open(part)
	if err != nil {
		return err
	}
	defer rc.Close()
	d := xml.NewDecoder(rc)
	row, col := 0, 0
	var cells []string
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		el, ok := tok.(xml.StartElement)
		if !ok {
			if end, ok := tok.(xml.EndElement); ok && end.Name.Local == "row" {
				if err := fn(row, cells); err != nil {
					return err
				}
			}
			continue
		}
		switch el.Name.Local {
		case "row":
			row++
			if r, err := strconv.Atoi(attr(el, "r")); err == nil && r > 0 {
				row = r
			}
			col, cells = 0, cells[:0]
		case "c":
			col++
			if c := colOf(attr(el, "r")); c > 0 {
				col = c
			}
			if col > width() {
				if err := skip(d); err != nil {
					return err
				}
				continue
			}
			v, err := cellValue(d, el, wb.sst)
			if err != nil {
				return err
			}
			for len(cells) < col-1 {
				cells = append(cells, "")
			}
			cells = append(cells, v)
		}
	}
}

// cellValue reads a <c> element's value as text, raw (no number format):
// a shared string, an inline string (its runs joined, phonetic hints left
// out), or the <v> as written. It reads up to the element's end.
func cellValue(d *xml.Decoder, c xml.StartElement, sst []string) (string, error) {
	var sb strings.Builder
	depth, take := 0, false
	for {
		tok, err := d.RawToken()
		if err != nil {
			return "", err
		}
		switch el := tok.(type) {
		case xml.StartElement:
			depth++
			switch el.Name.Local {
			case "v", "t":
				take = true
			case "rPh":
				depth += 1 << 16 // nothing inside a phonetic hint is taken
			}
		case xml.EndElement:
			if depth == 0 {
				return cellText(attr(c, "t"), sb.String(), sst)
			}
			depth--
			switch el.Name.Local {
			case "v", "t":
				take = false
			case "rPh":
				depth -= 1 << 16
			}
		case xml.CharData:
			if take && depth < 1<<16 {
				sb.Write(el)
			}
		}
	}
}

// cellText is a cell's text by its type t.
func cellText(t, v string, sst []string) (string, error) {
	if t == "s" {
		i, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || i < 0 || i >= len(sst) {
			return "", errNotWorkbook
		}
		return sst[i], nil
	}
	return v, nil
}

// skip reads up to the end of the element just started.
func skip(d *xml.Decoder) error {
	for depth := 0; ; {
		tok, err := d.RawToken()
		if err != nil {
			return err
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			if depth == 0 {
				return nil
			}
			depth--
		}
	}
}

func attr(el xml.StartElement, name string) string {
	for _, a := range el.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// colOf returns the column number of a cell reference ("C7" → 3, "XFD2" →
// 16384), or 0 when there is none.
func colOf(ref string) int {
	n := 0
	for _, r := range ref {
		switch {
		case r >= 'A' && r <= 'Z':
			n = n*26 + int(r-'A'+1)
		case r >= 'a' && r <= 'z':
			n = n*26 + int(r-'a'+1)
		default:
			return n
		}
		if n > 1<<20 {
			return 0
		}
	}
	return n
}
