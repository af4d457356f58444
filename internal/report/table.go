package report

import (
	"fmt"
	"strconv"

	"evalbot/internal/calendar"
	"evalbot/internal/grading"
	"evalbot/internal/locale"
)

// A table is one sheet as both writers see it. Cells are string, int,
// grading.Points or nil (empty).

type kind int

const (
	kText   kind = iota // left, one line
	kWrap               // left, wrapped
	kCenter             // centered text
	kInt                // integer, centered
	kPoints             // hundredths, "0.00"
)

type column struct {
	header     string
	kind       kind
	minW, maxW float64 // width in characters; the widest cell decides in between
}

type table struct {
	sheet    string // the unit code; made a valid sheet name by the writer
	title    string // KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI THÁNG 11/2026
	subtitle string // the unit's name
	cols     []column
	rows     [][]any
	// summary is a block under the table: a title, a header of two cells,
	// then one label and one value a line.
	summaryTitle string
	summaryHead  [2]string
	summary      []item
	lastBold     bool // the summary's last line is its total
	legend       string
}

type item struct {
	label string
	value any
}

// Layout of a sheet (1-based rows): title, unit, blank, header, data.
const (
	rowTitle    = 1
	rowSubtitle = 2
	rowHeader   = 4
	rowFirst    = 5
)

func monthTitle(m *Month, t Translate) string {
	return t("ExportTitle", map[string]any{"Month": strconv.Itoa(int(m.Month.Month)), "Year": strconv.Itoa(m.Month.Year)})
}

// groupHeader is "Nhóm 1\n(20 điểm)": the line break keeps the maximum
// whole in a narrow column (CSV headers have a space instead).
func groupHeader(n int, max grading.Points, ok bool, t Translate) string {
	if !ok {
		return t("ExportColGroup", map[string]any{"N": n})
	}
	return t("ExportColGroupMax", map[string]any{"N": n, "Max": pts(max)})
}

func monthColumns(f *grading.Framework, t Translate) []column {
	var g1, g2 grading.Points
	if f != nil {
		g1, g2 = f.GeneralMax(), f.TaskMax
	}
	return []column{
		{t("ExportColNo", nil), kInt, 5, 5},
		{t("ExportColName", nil), kText, 18, 26},
		{t("ExportColPosition", nil), kWrap, 14, 22},
		{t("ExportColUnit", nil), kWrap, 14, 20},
		{groupHeader(1, g1, f != nil, t), kPoints, 9, 9},
		{groupHeader(2, g2, f != nil, t), kPoints, 9, 9},
		{t("ExportColBonus", nil), kPoints, 9, 9},
		{t("ExportColDeduction", nil), kPoints, 8, 8},
		{t("ExportColTotal", nil), kPoints, 8, 8},
		{t("ExportColGrade", nil), kCenter, 8, 8},
		{t("ExportColReviewer", nil), kWrap, 14, 20},
		{t("ExportColEvidence", nil), kWrap, 10, 14},
		{t("ExportColNote", nil), kWrap, 20, 36},
	}
}

// evidenceCell is the «Minh chứng» cell: the tasks that carry evidence and
// the items they carry, «2 việc, 3 mục»; "" for none.
func evidenceCell(p Person, t Translate) string {
	if p.EvidenceItems == 0 {
		return ""
	}
	return t("ExportEvidence", map[string]any{"Tasks": p.EvidenceTasks, "Items": p.EvidenceItems})
}

func monthRow(i int, p Person, t Translate) []any {
	row := []any{i, p.FullName, p.Position, p.UnitName, nil, nil, nil, nil, nil, nil, p.Reviewer, evidenceCell(p, t), p.Note(t)}
	if p.Approved && p.Graded {
		row[4], row[5], row[6], row[7], row[8], row[9] = p.General, p.Task, p.Bonus, p.Deduction, p.Total, string(p.Grade)
	} else if p.Approved {
		row[9] = t("ExportNotGraded", nil)
	}
	return row
}

// gradeLabel is "Loại A – Hoàn thành xuất sắc nhiệm vụ" (just "Loại A"
// without a framework), the grade's name in t's language.
func gradeLabel(f *grading.Framework, g grading.Grade, t Translate) string {
	if f == nil {
		return t("ExportGrade", map[string]any{"Grade": string(g)})
	}
	return t("ExportGradeNamed", map[string]any{"Grade": string(g), "Name": f.BandName(g, langOf(t))})
}

// langOf is t's language code ("vi", "en"), from its ExportLanguage.
func langOf(t Translate) string { return locale.Lang(t("ExportLanguage", nil)) }

// Ids of the summary lines that are not a grade.
const (
	labelNotGraded   = "ExportNotGraded"
	labelNotAssessed = "ExportNotAssessed"
	labelPeople      = "ExportPeople"
)

func gradeItems(f *grading.Framework, a, b, c, d, notGraded int, t Translate) []item {
	return []item{
		{gradeLabel(f, grading.GradeA, t), a}, {gradeLabel(f, grading.GradeB, t), b},
		{gradeLabel(f, grading.GradeC, t), c}, {gradeLabel(f, grading.GradeD, t), d},
		{t(labelNotGraded, nil), notGraded},
	}
}

func monthTables(m *Month, t Translate) []table {
	var out []table
	for _, u := range m.Units {
		tb := table{sheet: u.Code, title: monthTitle(m, t), subtitle: u.Name + " (" + u.Code + ")", cols: monthColumns(u.Framework, t)}
		for i, p := range u.People {
			tb.rows = append(tb.rows, monthRow(i+1, p, t))
		}
		tb.summaryTitle = t("ExportSummaryTitle", nil)
		tb.summaryHead = [2]string{t("ExportColGrade", nil), t("ExportColPeople", nil)}
		tb.summary = countItems(u.Framework, u.Count, t)
		tb.lastBold = true
		out = append(out, tb)
	}
	return out
}

func countItems(f *grading.Framework, c Counts, t Translate) []item {
	return append(gradeItems(f, c.A, c.B, c.C, c.D, c.NotGraded, t), item{t(labelNotAssessed, nil), c.NotAssessed}, item{t(labelPeople, nil), c.People})
}

// overview is the first sheet: one line per unit and the total.
func monthOverview(m *Month, t Translate) table {
	scope := t("ExportScopeAll", nil)
	if m.Root != "" && len(m.Units) > 0 {
		scope = t("ExportScopeUnit", map[string]any{"Unit": m.Units[0].Name})
	}
	grade := func(g string) string { return t("ExportGrade", map[string]any{"Grade": g}) }
	tb := table{sheet: t("ExportSheetOverview", nil), title: monthTitle(m, t), subtitle: scope, cols: []column{
		{t("ExportColNo", nil), kInt, 5, 5},
		{t("ExportColUnitCode", nil), kText, 10, 16},
		{t("ExportColUnit", nil), kWrap, 24, 40},
		{t("ExportColPeople", nil), kInt, 9, 9},
		{grade("A"), kInt, 8, 8},
		{grade("B"), kInt, 8, 8},
		{grade("C"), kInt, 8, 8},
		{grade("D"), kInt, 8, 8},
		{t(labelNotGraded, nil), kInt, 10, 10},
		{t(labelNotAssessed, nil), kInt, 10, 10},
	}}
	for i, u := range m.Units {
		c := u.Count
		tb.rows = append(tb.rows, []any{i + 1, u.Code, u.Name, c.People, c.A, c.B, c.C, c.D, c.NotGraded, c.NotAssessed})
	}
	c := m.Total()
	tb.rows = append(tb.rows, []any{nil, "", t("ExportTotalRow", nil), c.People, c.A, c.B, c.C, c.D, c.NotGraded, c.NotAssessed})
	return tb
}

// monthVI writes a month the Vietnamese way: "11/2026".
func monthVI(m calendar.Month) string { return fmt.Sprintf("%02d/%d", int(m.Month), m.Year) }
