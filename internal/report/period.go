package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"evalbot/internal/grading"
	"evalbot/internal/yearly"
)

// Translate renders a message of locales/ (ids Year*) in the reader's
// language; the command line passes its catalog's Plain.
type Translate func(id string, data map[string]any) string

// periodCols are the yearly table's columns in the office layout: STT, họ và
// tên, chức vụ, đơn vị, months graded, mean points, months per grade, the
// period's grade, ghi chú.
var periodCols = []struct {
	id   string
	kind kind
	w    float64
}{
	{"YearColNo", kInt, 5}, {"YearColName", kText, 24}, {"YearColPosition", kWrap, 18}, {"YearColUnit", kWrap, 20},
	{"YearColMonths", kInt, 10}, {"YearColMean", kPoints, 10},
	{"YearColA", kInt, 8}, {"YearColB", kInt, 8}, {"YearColC", kInt, 8}, {"YearColD", kInt, 8},
	{"YearColGrade", kCenter, 11}, {"YearColNote", kWrap, 40},
}

func periodHeader(p yearly.Period, t Translate) []string {
	h := make([]string, len(periodCols))
	for i, c := range periodCols {
		id := c.id
		if id == "YearColGrade" && p.Quarter != 0 {
			id = "QuarterColGrade"
		}
		h[i] = t(id, nil)
	}
	return h
}

func periodTitle(p yearly.Period, t Translate) string {
	if p.Quarter != 0 {
		return t("QuarterTitle", map[string]any{"Roman": roman[p.Quarter-1], "Quarter": p.Quarter, "Year": p.Year})
	}
	return t("YearTitle", map[string]any{"Year": p.Year})
}

// periodRow is one person's line; cells as table cells (string, int, Points, nil).
func periodRow(n int, u *yearly.Unit, x *yearly.Person, p yearly.Period, t Translate) []any {
	r := x.Result
	row := []any{n, x.FullName, x.Position, u.Name, nil, nil, nil, nil, nil, nil, nil, periodNote(u, x, p, t)}
	if !x.Evaluated {
		return row
	}
	row[4], row[6], row[7], row[8], row[9] = r.Months, r.Counts[0], r.Counts[1], r.Counts[2], r.Counts[3]
	if r.Months > 0 {
		row[5] = r.Mean
	}
	if x.Grade != "" {
		row[10] = string(x.Grade)
	} else {
		row[10] = t("YearNotGraded", nil)
	}
	return row
}

// periodNote is the Ghi chú: why the grade is what it is, the head's
// decision, the months spent in other units.
func periodNote(u *yearly.Unit, x *yearly.Person, p yearly.Period, t Translate) string {
	if !x.Evaluated {
		return t("YearNoteNotEvaluated", nil)
	}
	var parts []string
	disciplined := false
	for _, o := range x.Result.Overrides {
		disciplined = disciplined || o.Code == grading.OverrideDiscipline
		switch o.Code {
		case grading.OverrideTooFewMonths:
			got, min, _ := strings.Cut(o.Detail, "/")
			if got == "0" {
				parts = append(parts, t("YearNoteNoMonths", nil))
			} else {
				parts = append(parts, t("YearNoteTooFew", map[string]any{"Months": got, "Min": min}))
			}
		case grading.OverrideDiscipline:
			parts = append(parts, t("YearNoteDiscipline", map[string]any{"Level": t("Discipline_"+o.Detail, nil), "Grade": string(x.Result.Grade)}))
		}
	}
	if !disciplined {
		// A measure the grade does not show (no graded month, or a grade
		// already at or under its cap) is still the office's to know.
		for _, d := range x.Disciplines {
			parts = append(parts, t("YearNoteDisciplineMonth", map[string]any{"Level": t("Discipline_"+string(d.Level), nil), "Month": d.Month}))
		}
	}
	switch x.Status {
	case yearly.StatusAdjusted:
		parts = append(parts, t("YearNoteAdjusted", map[string]any{"From": gradeOrDash(x.Result.Grade), "Reason": x.Reason}))
	case yearly.StatusConfirmed:
	default:
		if x.Result.Graded {
			parts = append(parts, t("YearNoteDraft", nil))
		}
	}
	if x.QuotaCandidate {
		parts = append(parts, t("YearNoteQuota", map[string]any{"Max": u.Quota.Max, "Excess": u.Quota.Excess}))
	}
	for _, s := range x.Elsewhere {
		name := s.UnitName
		if name == "" {
			name = t("YearOtherUnit", nil)
		}
		parts = append(parts, t("YearNoteMoved", map[string]any{"Months": monthList(s.Months), "Unit": name, "Count": len(s.Months)}))
	}
	return strings.Join(parts, "; ")
}

func gradeOrDash(g grading.Grade) string {
	if g == "" {
		return "–"
	}
	return string(g)
}

// monthList writes ascending months compactly: "1–6", "1, 3, 5–7".
func monthList(ms []int) string {
	var b strings.Builder
	for i := 0; i < len(ms); {
		j := i
		for j+1 < len(ms) && ms[j+1] == ms[j]+1 {
			j++
		}
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Itoa(ms[i]))
		if j > i {
			b.WriteString("–" + strconv.Itoa(ms[j]))
		}
		i = j + 1
	}
	return b.String()
}

// periodCounts counts the people per final grade: A, B, C, D, not graded.
func periodCounts(res *yearly.Results) (c [5]int, people int) {
	for _, u := range res.Units {
		for _, x := range u.People {
			people++
			if !x.Evaluated {
				continue
			}
			switch x.Grade {
			case grading.GradeA:
				c[0]++
			case grading.GradeB:
				c[1]++
			case grading.GradeC:
				c[2]++
			case grading.GradeD:
				c[3]++
			default:
				c[4]++
			}
		}
	}
	return c, people
}

// PeriodCounts returns the people per final grade (A, B, C, D, not graded)
// and the number of people, for a summary line.
func PeriodCounts(res *yearly.Results) ([5]int, int) { return periodCounts(res) }

// WritePeriodCSV writes the year's (or quarter's) table in the office layout
// as CSV (UTF-8 with a byte order mark, CRLF), the columns of the XLSX
// sheet, then the employee code and the unit code.
func WritePeriodCSV(w io.Writer, res *yearly.Results, t Translate) error {
	header := append(periodHeader(res.Period, t), t("YearColCode", nil), t("YearColUnitCode", nil))
	return writeCSV(w, header, func(emit func([]any) error) error {
		n := 0
		for i := range res.Units {
			u := &res.Units[i]
			for j := range u.People {
				n++
				x := &u.People[j]
				if err := emit(append(periodRow(n, u, x, res.Period, t), x.EmployeeCode, u.Code)); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// WritePeriodXLSX writes the year's (or quarter's) table in the office
// layout: one sheet, the title and scope, the header, then each unit in tree
// order (a line with its name, then its people in office order, STT running
// through), a summary of the grades and the legend. Rows are streamed
// (excelize's StreamWriter), so 100,000 people fit in little memory.
func WritePeriodXLSX(w io.Writer, res *yearly.Results, t Translate) error {
	f := excelize.NewFile()
	defer f.Close()
	title := periodTitle(res.Period, t)
	if err := f.SetDocProps(&excelize.DocProperties{Title: title, Creator: "evalbot", Language: t("ExportLanguage", nil)}); err != nil {
		return err
	}
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	name := newSheetNames().take(t("YearSheet", map[string]any{"Period": res.Period.String()}))
	if err := f.SetSheetName("Sheet1", name); err != nil {
		return err
	}
	ncol := len(periodCols)
	last, _ := excelize.ColumnNumberToName(ncol)
	landscape, a4, one, zero, fit := "landscape", 9, 1, 0, true
	if err := f.SetPageLayout(name, &excelize.PageLayoutOptions{Size: &a4, Orientation: &landscape, FitToWidth: &one, FitToHeight: &zero}); err != nil {
		return err
	}
	if err := f.SetSheetProps(name, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
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
	for i, c := range periodCols {
		if err := sw.SetColWidth(i+1, i+1, c.w); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: rowHeader, TopLeftCell: "A" + strconv.Itoa(rowFirst), ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	row := 0
	set := func(r int, cells []any, opts ...excelize.RowOpts) error {
		row = r
		return sw.SetRow("A"+strconv.Itoa(r), cells, opts...)
	}
	merge := func(r int) error { return sw.MergeCell("A"+strconv.Itoa(r), last+strconv.Itoa(r)) }
	scope := t("YearScopeAll", nil)
	if res.Root != "" && len(res.Units) > 0 {
		scope = t("YearScopeUnit", map[string]any{"Unit": res.Units[0].Name})
	}
	if err := set(rowTitle, []any{excelize.Cell{StyleID: st.title, Value: title}}, excelize.RowOpts{Height: 24}); err != nil {
		return err
	}
	if err := merge(rowTitle); err != nil {
		return err
	}
	if err := set(rowSubtitle, []any{excelize.Cell{StyleID: st.subtitle, Value: scope}}, excelize.RowOpts{Height: 20}); err != nil {
		return err
	}
	if err := merge(rowSubtitle); err != nil {
		return err
	}
	header := periodHeader(res.Period, t)
	cells := make([]any, ncol)
	for i, h := range header {
		cells[i] = excelize.Cell{StyleID: st.header, Value: h}
	}
	if err := set(rowHeader, cells, excelize.RowOpts{Height: 45}); err != nil {
		return err
	}
	n := 0
	for i := range res.Units {
		u := &res.Units[i]
		if err := set(row+1, []any{excelize.Cell{StyleID: st.sumText, Value: u.Name + " (" + u.Code + ")"}}); err != nil {
			return err
		}
		if err := merge(row); err != nil {
			return err
		}
		for j := range u.People {
			n++
			r := periodRow(n, u, &u.People[j], res.Period, t)
			for k, c := range periodCols {
				cells[k] = cell(c.kind, r[k], st)
			}
			note, _ := r[len(r)-1].(string)
			lines := max(1, (len([]rune(note))+37)/38)
			if err := set(row+1, cells, excelize.RowOpts{Height: lineHeight * float64(lines)}); err != nil {
				return err
			}
		}
	}
	// The summary: people per yearly grade.
	c, people := periodCounts(res)
	row++
	if err := set(row+1, []any{nil, excelize.Cell{StyleID: st.section, Value: t("YearSummaryTitle", nil)}}, excelize.RowOpts{Height: 20}); err != nil {
		return err
	}
	line := func(label, value excelize.Cell) error {
		if err := set(row+1, []any{nil, label, excelize.Cell{StyleID: label.StyleID}, value}); err != nil {
			return err
		}
		return sw.MergeCell("B"+strconv.Itoa(row), "C"+strconv.Itoa(row))
	}
	if err := line(excelize.Cell{StyleID: st.sumLabel, Value: header[10]}, excelize.Cell{StyleID: st.sumLabel, Value: t("YearSummaryPeople", nil)}); err != nil {
		return err
	}
	for i, g := range []string{"A", "B", "C", "D"} {
		if err := line(excelize.Cell{StyleID: st.text, Value: t("YearSummaryGrade", map[string]any{"Grade": g})}, excelize.Cell{StyleID: st.integer, Value: c[i]}); err != nil {
			return err
		}
	}
	if err := line(excelize.Cell{StyleID: st.text, Value: t("YearNotGraded", nil)}, excelize.Cell{StyleID: st.integer, Value: c[4]}); err != nil {
		return err
	}
	if err := line(excelize.Cell{StyleID: st.sumText, Value: t("YearSummaryTotal", nil)}, excelize.Cell{StyleID: st.sumValue, Value: people}); err != nil {
		return err
	}
	row++
	if err := set(row+1, []any{excelize.Cell{StyleID: st.legend, Value: t("YearLegend", nil)}}, excelize.RowOpts{Height: 30}); err != nil {
		return err
	}
	if err := merge(row); err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}
