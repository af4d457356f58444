package report

import (
	"fmt"
	"strconv"

	"evalbot/internal/calendar"
	"evalbot/internal/grading"
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

func monthTitle(m *Month) string {
	return fmt.Sprintf("KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI THÁNG %d/%d", int(m.Month.Month), m.Month.Year)
}

// groupHeader is "Nhóm 1\n(20 điểm)": the line break keeps the maximum
// whole in a narrow column (CSV headers have a space instead).
func groupHeader(n int, max grading.Points, ok bool) string {
	if !ok {
		return "Nhóm " + strconv.Itoa(n)
	}
	return "Nhóm " + strconv.Itoa(n) + "\n(" + short(max) + " điểm)"
}

func monthColumns(f *grading.Framework) []column {
	var g1, g2 grading.Points
	if f != nil {
		g1, g2 = f.GeneralMax(), f.TaskMax
	}
	return []column{
		{"STT", kInt, 5, 5},
		{"Họ và tên", kText, 18, 26},
		{"Chức vụ", kWrap, 14, 22},
		{"Đơn vị", kWrap, 14, 20},
		{groupHeader(1, g1, f != nil), kPoints, 9, 9},
		{groupHeader(2, g2, f != nil), kPoints, 9, 9},
		{"Điểm thưởng", kPoints, 9, 9},
		{"Điểm trừ", kPoints, 8, 8},
		{"Tổng điểm", kPoints, 8, 8},
		{"Xếp loại", kCenter, 8, 8},
		{"Người đánh giá", kWrap, 14, 20},
		{"Minh chứng", kWrap, 10, 14},
		{"Ghi chú", kWrap, 20, 36},
	}
}

// evidenceCell is the «Minh chứng» cell: the tasks that carry evidence and
// the items they carry, «2 việc, 3 mục»; "" for none.
func evidenceCell(p Person) string {
	if p.EvidenceItems == 0 {
		return ""
	}
	return strconv.Itoa(p.EvidenceTasks) + " việc, " + strconv.Itoa(p.EvidenceItems) + " mục"
}

func monthRow(i int, p Person) []any {
	row := []any{i, p.FullName, p.Position, p.UnitName, nil, nil, nil, nil, nil, nil, p.Reviewer, evidenceCell(p), p.Note()}
	if p.Approved && p.Graded {
		row[4], row[5], row[6], row[7], row[8], row[9] = p.General, p.Task, p.Bonus, p.Deduction, p.Total, string(p.Grade)
	} else if p.Approved {
		row[9] = "Không xếp loại"
	}
	return row
}

// gradeLabel is "Loại A – Hoàn thành xuất sắc nhiệm vụ" (just "Loại A"
// without a framework).
func gradeLabel(f *grading.Framework, g grading.Grade) string {
	if f == nil {
		return "Loại " + string(g)
	}
	return "Loại " + string(g) + " – " + f.BandName(g, "vi")
}

// Labels of the summary lines that are not a grade.
const (
	labelNotGraded   = "Không xếp loại"
	labelNotAssessed = "Chưa đánh giá"
	labelPeople      = "Tổng số"
)

func gradeItems(f *grading.Framework, a, b, c, d, notGraded int) []item {
	return []item{
		{gradeLabel(f, grading.GradeA), a}, {gradeLabel(f, grading.GradeB), b},
		{gradeLabel(f, grading.GradeC), c}, {gradeLabel(f, grading.GradeD), d},
		{labelNotGraded, notGraded},
	}
}

func monthTables(m *Month) []table {
	var out []table
	for _, u := range m.Units {
		t := table{sheet: u.Code, title: monthTitle(m), subtitle: u.Name + " (" + u.Code + ")", cols: monthColumns(u.Framework)}
		for i, p := range u.People {
			t.rows = append(t.rows, monthRow(i+1, p))
		}
		t.summaryTitle = "Tổng hợp xếp loại của đơn vị"
		t.summaryHead = [2]string{"Xếp loại", "Số người"}
		t.summary = countItems(u.Framework, u.Count)
		out = append(out, t)
	}
	return out
}

func countItems(f *grading.Framework, c Counts) []item {
	return append(gradeItems(f, c.A, c.B, c.C, c.D, c.NotGraded), item{labelNotAssessed, c.NotAssessed}, item{labelPeople, c.People})
}

// overview is the first sheet: one line per unit and the total.
func monthOverview(m *Month) table {
	scope := "Toàn bộ các đơn vị"
	if m.Root != "" && len(m.Units) > 0 {
		scope = m.Units[0].Name + " và các đơn vị trực thuộc"
	}
	t := table{sheet: "Tổng hợp", title: monthTitle(m), subtitle: scope, cols: []column{
		{"STT", kInt, 5, 5},
		{"Mã đơn vị", kText, 10, 16},
		{"Đơn vị", kWrap, 24, 40},
		{"Số người", kInt, 9, 9},
		{"Loại A", kInt, 8, 8},
		{"Loại B", kInt, 8, 8},
		{"Loại C", kInt, 8, 8},
		{"Loại D", kInt, 8, 8},
		{"Không xếp loại", kInt, 10, 10},
		{"Chưa đánh giá", kInt, 10, 10},
	}}
	for i, u := range m.Units {
		c := u.Count
		t.rows = append(t.rows, []any{i + 1, u.Code, u.Name, c.People, c.A, c.B, c.C, c.D, c.NotGraded, c.NotAssessed})
	}
	c := m.Total()
	t.rows = append(t.rows, []any{nil, "", "Cộng", c.People, c.A, c.B, c.C, c.D, c.NotGraded, c.NotAssessed})
	return t
}

func rollupColumns() []column {
	return []column{
		{"STT", kInt, 5, 5},
		{"Họ và tên", kText, 18, 26},
		{"Chức vụ", kWrap, 14, 22},
		{"Đơn vị", kWrap, 14, 20},
		{"Số tháng có kết quả", kInt, 10, 10},
		{"Số tháng loại A", kInt, 8, 8},
		{"Số tháng loại B", kInt, 8, 8},
		{"Số tháng loại C", kInt, 8, 8},
		{"Số tháng loại D", kInt, 8, 8},
		{"Không xếp loại", kInt, 9, 9},
		{"Điểm bình quân", kPoints, 10, 10},
		{"Ghi chú", kWrap, 24, 40},
	}
}

func rollupTitle(r *Rollup) string { return "KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI " + r.Title }

func rollupNote(r *Rollup, p PersonRollup) string {
	n := r.months()
	switch {
	case p.Approved == 0:
		return "chưa có tháng nào được đánh giá"
	case p.Approved < n:
		return fmt.Sprintf("có kết quả %d/%d tháng", p.Approved, n)
	}
	return ""
}

func rollupRow(r *Rollup, i int, p PersonRollup) []any {
	var mean any
	if p.Graded > 0 {
		mean = p.Mean
	}
	return []any{i, p.FullName, p.Position, p.UnitName, p.Approved, p.A, p.B, p.C, p.D, p.NotGraded(), mean, rollupNote(r, p)}
}

func rollupTables(r *Rollup) []table {
	var out []table
	for _, u := range r.Units {
		t := table{sheet: u.Code, title: rollupTitle(r), subtitle: u.Name + " (" + u.Code + ")", cols: rollupColumns()}
		for i, p := range u.People {
			t.rows = append(t.rows, rollupRow(r, i+1, p))
		}
		t.summaryTitle = fmt.Sprintf("Số tháng theo xếp loại của đơn vị (tháng %s đến tháng %s)", monthVI(r.From), monthVI(r.To))
		t.summaryHead = [2]string{"Xếp loại", "Số tháng"}
		c := u.Months
		t.summary = gradeItems(u.Framework, c.A, c.B, c.C, c.D, c.NotGraded)
		t.legend = "Điểm bình quân: tổng điểm các tháng được xếp loại chia cho số tháng đó, làm tròn đến hai chữ số thập phân."
		out = append(out, t)
	}
	return out
}

// monthVI writes a month the Vietnamese way: "11/2026".
func monthVI(m calendar.Month) string { return fmt.Sprintf("%02d/%d", int(m.Month), m.Year) }
