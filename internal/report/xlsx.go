package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"evalbot/internal/grading"
)

// WriteXLSX writes the month as a workbook in t's language (In: the
// operator's, the person's, the web session's): an overview sheet («Tổng
// hợp», one line per unit), then one sheet per unit named by its code, each
// with the title, the unit's name, the table and a summary of grades.
func WriteXLSX(w io.Writer, m *Month, t Translate) error {
	return writeWorkbook(w, t("ExportDocTitle", map[string]any{"Month": monthVI(m.Month)}), t("ExportLanguage", nil),
		append([]table{monthOverview(m, t)}, monthTables(m, t)...))
}

type styles struct {
	title, subtitle, section, header, text, wrap, center, integer, points, sumLabel, sumText, sumValue, legend int
}

func newStyles(f *excelize.File) (styles, error) {
	const font = "Times New Roman"
	border := []excelize.Border{
		{Type: "left", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1},
		{Type: "top", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1},
	}
	mid := func(h string, wrap bool) *excelize.Alignment {
		return &excelize.Alignment{Horizontal: h, Vertical: "center", WrapText: wrap}
	}
	var st styles
	defs := []struct {
		dst *int
		s   excelize.Style
	}{
		{&st.title, excelize.Style{Font: &excelize.Font{Family: font, Size: 14, Bold: true}, Alignment: mid("center", false)}},
		{&st.subtitle, excelize.Style{Font: &excelize.Font{Family: font, Size: 12, Bold: true}, Alignment: mid("center", false)}},
		{&st.section, excelize.Style{Font: &excelize.Font{Family: font, Size: 12, Bold: true}, Alignment: mid("left", false)}},
		{&st.header, excelize.Style{Font: &excelize.Font{Family: font, Size: 11, Bold: true}, Alignment: mid("center", true), Border: border,
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E2F3"}}}},
		{&st.text, excelize.Style{Font: &excelize.Font{Family: font, Size: 11}, Alignment: mid("left", false), Border: border}},
		{&st.wrap, excelize.Style{Font: &excelize.Font{Family: font, Size: 11}, Alignment: mid("left", true), Border: border}},
		{&st.center, excelize.Style{Font: &excelize.Font{Family: font, Size: 11, Bold: true}, Alignment: mid("center", true), Border: border}},
		{&st.integer, excelize.Style{Font: &excelize.Font{Family: font, Size: 11}, Alignment: mid("center", false), Border: border, NumFmt: 1}},
		{&st.points, excelize.Style{Font: &excelize.Font{Family: font, Size: 11}, Alignment: mid("right", false), Border: border, NumFmt: 2}},
		{&st.sumLabel, excelize.Style{Font: &excelize.Font{Family: font, Size: 11, Bold: true}, Alignment: mid("center", true), Border: border}},
		{&st.sumText, excelize.Style{Font: &excelize.Font{Family: font, Size: 11, Bold: true}, Alignment: mid("left", false), Border: border}},
		{&st.sumValue, excelize.Style{Font: &excelize.Font{Family: font, Size: 11, Bold: true}, Alignment: mid("center", false), Border: border, NumFmt: 1}},
		{&st.legend, excelize.Style{Font: &excelize.Font{Family: font, Size: 10, Italic: true}, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}},
	}
	for _, d := range defs {
		id, err := f.NewStyle(&d.s)
		if err != nil {
			return st, err
		}
		*d.dst = id
	}
	return st, nil
}

// writeWorkbook writes tables as sheets; language is the document's
// (BCP 47: "vi-VN").
func writeWorkbook(w io.Writer, title, language string, tables []table) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetDocProps(&excelize.DocProperties{Title: title, Creator: "evalbot", Language: language}); err != nil {
		return err
	}
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	names := newSheetNames()
	for i, t := range tables {
		name := names.take(t.sheet)
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return err
		}
		if err := writeSheet(f, name, t, st); err != nil {
			return fmt.Errorf("sheet %s: %w", name, err)
		}
	}
	f.SetActiveSheet(0)
	_, err = f.WriteTo(w)
	return err
}

func writeSheet(f *excelize.File, name string, t table, st styles) error {
	ncol := len(t.cols)
	last, _ := excelize.ColumnNumberToName(ncol)
	// Print: A4 landscape, one page wide, the header row on every page.
	landscape, a4, one, zero, fit := "landscape", 9, 1, 0, true
	if err := f.SetPageLayout(name, &excelize.PageLayoutOptions{Size: &a4, Orientation: &landscape, FitToWidth: &one, FitToHeight: &zero}); err != nil {
		return err
	}
	if err := f.SetSheetProps(name, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	margin, top := 0.4, 0.6
	if err := f.SetPageMargins(name, &excelize.PageLayoutMarginsOptions{Left: &margin, Right: &margin, Top: &top, Bottom: &top}); err != nil {
		return err
	}
	if err := f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", Scope: name,
		RefersTo: fmt.Sprintf("'%s'!$%d:$%d", strings.ReplaceAll(name, "'", "''"), rowHeader, rowHeader)}); err != nil {
		return err
	}

	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	widths := make([]float64, ncol)
	for i, c := range t.cols {
		widths[i] = width(c, i, t.rows)
		if err := sw.SetColWidth(i+1, i+1, widths[i]); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: rowHeader, TopLeftCell: "A" + strconv.Itoa(rowFirst), ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	set := func(row int, cells []any, opts ...excelize.RowOpts) error {
		return sw.SetRow("A"+strconv.Itoa(row), cells, opts...)
	}
	merge := func(row int) error {
		return sw.MergeCell("A"+strconv.Itoa(row), last+strconv.Itoa(row))
	}
	if err := set(rowTitle, []any{excelize.Cell{StyleID: st.title, Value: t.title}}, excelize.RowOpts{Height: 24}); err != nil {
		return err
	}
	if err := merge(rowTitle); err != nil {
		return err
	}
	if err := set(rowSubtitle, []any{excelize.Cell{StyleID: st.subtitle, Value: t.subtitle}}, excelize.RowOpts{Height: 20}); err != nil {
		return err
	}
	if err := merge(rowSubtitle); err != nil {
		return err
	}
	header := make([]any, ncol)
	for i, c := range t.cols {
		header[i] = excelize.Cell{StyleID: st.header, Value: c.header}
	}
	if err := set(rowHeader, header, excelize.RowOpts{Height: 45}); err != nil {
		return err
	}
	row := rowFirst
	for _, r := range t.rows {
		cells := make([]any, ncol)
		for i, c := range t.cols {
			cells[i] = cell(c.kind, r[i], st)
		}
		// An explicit height, as not every reader sizes wrapped rows itself.
		if err := set(row, cells, excelize.RowOpts{Height: lineHeight * float64(lines(t.cols, widths, r))}); err != nil {
			return err
		}
		row++
	}
	if len(t.summary) > 0 {
		// Under the names: the title, then label (B:C merged) and value (D).
		row++
		if err := set(row, []any{nil, excelize.Cell{StyleID: st.section, Value: t.summaryTitle}}, excelize.RowOpts{Height: 20}); err != nil {
			return err
		}
		line := func(label, value excelize.Cell) error {
			row++
			if err := set(row, []any{nil, label, excelize.Cell{StyleID: label.StyleID}, value}); err != nil {
				return err
			}
			return sw.MergeCell("B"+strconv.Itoa(row), "C"+strconv.Itoa(row))
		}
		if err := line(excelize.Cell{StyleID: st.sumLabel, Value: t.summaryHead[0]}, excelize.Cell{StyleID: st.sumLabel, Value: t.summaryHead[1]}); err != nil {
			return err
		}
		for i, it := range t.summary {
			label, value := st.text, st.integer
			if i == len(t.summary)-1 && t.lastBold {
				label, value = st.sumText, st.sumValue
			}
			if err := line(excelize.Cell{StyleID: label, Value: it.label}, excelize.Cell{StyleID: value, Value: it.value}); err != nil {
				return err
			}
		}
		row++
	}
	if t.legend != "" {
		row++
		if err := set(row, []any{excelize.Cell{StyleID: st.legend, Value: t.legend}}, excelize.RowOpts{Height: 30}); err != nil {
			return err
		}
		if err := merge(row); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// cell turns a table value into a styled cell. Points become a number: the
// float64 nearest to the exact two-decimal value, shown as "0.00".
func cell(k kind, v any, st styles) any {
	style := map[kind]int{kText: st.text, kWrap: st.wrap, kCenter: st.center, kInt: st.integer, kPoints: st.points}[k]
	switch v := v.(type) {
	case nil:
		return excelize.Cell{StyleID: style}
	case grading.Points:
		return excelize.Cell{StyleID: style, Value: float64(v) / 100}
	default:
		return excelize.Cell{StyleID: style, Value: v}
	}
}

// lineHeight is the height of one line of 11-point text, in points.
const lineHeight = 15.5

// lines estimates how many lines the row's wrapped cells take.
func lines(cols []column, widths []float64, r []any) int {
	n := 1
	for i, c := range cols {
		if s, ok := r[i].(string); ok && c.kind == kWrap {
			perLine := max(int(widths[i])-1, 1)
			n = max(n, (utf8.RuneCountInString(s)+perLine-1)/perLine)
		}
	}
	return n
}

// width is a column's width in characters: the widest value (of text
// columns) plus a margin, within the column's bounds.
func width(c column, i int, rows [][]any) float64 {
	if c.kind != kText && c.kind != kWrap {
		return c.minW
	}
	w := 0
	for _, r := range rows {
		if s, ok := r[i].(string); ok {
			w = max(w, utf8.RuneCountInString(s))
		}
	}
	return min(max(float64(w)+2, c.minW), c.maxW)
}

// sheetNames hands out valid, unique sheet names: at most 31 characters,
// none of []:*?/\, no apostrophe at either end, unique ignoring case.
type sheetNames map[string]bool

func newSheetNames() sheetNames { return sheetNames{} }

func (s sheetNames) take(want string) string {
	base := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) || r < ' ' {
			return '_'
		}
		return r
	}, strings.TrimSpace(want))
	base = strings.Trim(base, "'")
	if base == "" {
		base = "Sheet"
	}
	name := truncate(base, 31)
	for n := 2; s[strings.ToLower(name)]; n++ {
		suffix := "~" + strconv.Itoa(n)
		name = strings.TrimRight(truncate(base, 31-len(suffix)), "'") + suffix
	}
	s[strings.ToLower(name)] = true
	return name
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
