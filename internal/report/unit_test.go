package report

import (
	"strings"
	"testing"

	"evalbot/internal/grading"
	"evalbot/internal/locale"
	"evalbot/internal/yearly"
)

func TestMeanRoundsHalfUp(t *testing.T) {
	for _, c := range []struct {
		sum  grading.Points
		n    int
		want grading.Points
	}{
		{0, 0, 0}, {9000, 1, 9000}, {3, 2, 2}, {1, 2, 1}, {5, 4, 1}, {6, 4, 2},
		{8950 + 9000 + 8425, 3, 8792}, // 87.9166… → 87.92
		{6562 + 6563, 2, 6563},        // 65.625 → 65.63, where %.2f of a float gives 65.62
		{10000 * 12, 12, 10000},
	} {
		if got := Mean(c.sum, c.n); got != c.want {
			t.Errorf("Mean(%d, %d) = %d, want %d", c.sum, c.n, got, c.want)
		}
	}
}

func TestParseQuarter(t *testing.T) {
	y, q, err := ParseQuarter("2026-Q4")
	if err != nil || y != 2026 || q != 4 {
		t.Errorf("2026-Q4: %d %d %v", y, q, err)
	}
	if _, q, err := ParseQuarter("2027-q1"); err != nil || q != 1 {
		t.Errorf("2027-q1: %v", err)
	}
	for _, bad := range []string{"", "2026", "2026-Q0", "2026-Q5", "2026Q4", "26-Q4", "2026-Q12", "2026-04"} {
		if _, _, err := ParseQuarter(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestSheetNames(t *testing.T) {
	s := newSheetNames()
	got := []string{
		s.take("PHB-KT"),
		s.take("phb-kt"),
		s.take("A/B:C*D?E[F]G\\H"),
		s.take("'quoted'"),
		s.take(strings.Repeat("X", 40)),
		s.take(strings.Repeat("X", 40)),
		s.take(""),
	}
	want := []string{"PHB-KT", "phb-kt~2", "A_B_C_D_E_F_G_H", "quoted", strings.Repeat("X", 31), strings.Repeat("X", 29) + "~2", "Sheet"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("name %d = %q, want %q", i, got[i], want[i])
		}
	}
}

func TestNotes(t *testing.T) {
	p := Person{Approved: true, Graded: true, SelfAssessed: true, Grade: "B", Deduction: 200,
		Breakdown: grading.Breakdown{ComplaintsConfirmed: 2},
		Overrides: []grading.Override{{Code: grading.OverrideQuota, Detail: "A"}}}
	if got, want := p.Note(viT), "chuyển từ loại A sang loại B do giới hạn tỷ lệ loại A của đơn vị; trừ 2 điểm do 2 phản ánh không hài lòng của người dân"; got != want {
		t.Errorf("note %q\nwant %q", got, want)
	}
	p = Person{Approved: true, Graded: true, SelfAssessed: false, Grade: "D",
		Overrides: []grading.Override{{Code: grading.OverrideDiscipline, Detail: "reprimand"}}}
	if got := p.Note(viT); got != "bị kỷ luật khiển trách trong tháng → xếp loại D; không tự đánh giá: lãnh đạo đánh giá" {
		t.Errorf("note %q", got)
	}
	p = Person{Approved: true, Overrides: []grading.Override{{Code: grading.OverrideTooFewDays, Detail: "9/21"}}}
	if got := p.Note(viT); got != "không xếp loại: làm việc ít hơn một nửa số ngày công trong tháng (9/21 ngày)" {
		t.Errorf("note %q", got)
	}
	for _, c := range []struct {
		p    Person
		want string
	}{
		{Person{}, "chưa đánh giá"},
		{Person{Status: "submitted"}, "chưa đánh giá (chờ lãnh đạo duyệt)"},
		{Person{Absences: []string{"maternity"}}, "chưa đánh giá (nghỉ thai sản)"},
	} {
		if got := c.p.Note(viT); got != c.want {
			t.Errorf("note %q, want %q", got, c.want)
		}
	}
}

// viT and enT are the export's words in Vietnamese and English.
var viT, enT = func() (Translate, Translate) {
	cat, err := locale.Load()
	if err != nil {
		panic(err)
	}
	return In(cat, "vi"), In(cat, "en")
}()

func TestOfficeOrder(t *testing.T) {
	type p struct {
		head      bool
		pos, name string
	}
	xs := []p{
		{false, "Chuyên viên", "Trịnh Hữu Nghĩa"},
		{false, "Chuyên viên", "Lý Thị Kim Oanh"},
		{false, "Phó Trưởng phòng", "Phan Thị Mai"},
		{false, "Chuyên viên", "Chu Văn Ánh"},
		{false, "Chuyên viên", "Đỗ Văn An"},
		{true, "Trưởng phòng", "Đặng Văn Long"},
		{false, "Chuyên viên", "Mai Xuân Đức"},
		{false, "Chuyên viên", "Bùi Văn Dũng"},
	}
	sortPeople(xs, func(x p) (bool, string, string, string) { return x.head, x.pos, x.name, "" })
	var got []string
	for _, x := range xs {
		got = append(got, x.name)
	}
	// Given names in Vietnamese order: An < Ánh < Dũng < Đức < Nghĩa < Oanh.
	want := "Đặng Văn Long|Phan Thị Mai|Đỗ Văn An|Chu Văn Ánh|Bùi Văn Dũng|Mai Xuân Đức|Trịnh Hữu Nghĩa|Lý Thị Kim Oanh"
	if strings.Join(got, "|") != want {
		t.Errorf("order\n got %s\nwant %s", strings.Join(got, "|"), want)
	}
}

func TestCSVDefusesFormulas(t *testing.T) {
	for in, want := range map[string]string{"=1+1": "'=1+1", "+84": "'+84", "-x": "'-x", "@a": "'@a", "Nguyễn": "Nguyễn", "": ""} {
		if got := csvCell(in); got != want {
			t.Errorf("csvCell(%q) = %q, want %q", in, got, want)
		}
	}
	if csvCell(grading.Points(6563)) != "65.63" || csvCell(nil) != "" || csvCell(3) != "3" {
		t.Error("csvCell numbers")
	}
}

// Regression (issue 21's leftovers): the notes were built in Vietnamese only,
// so `--lang en` exports and the English demo's grade table read
// Vietnamese; numbers are written the reader's way.
func TestNotesInTheReadersLanguage(t *testing.T) {
	p := Person{Approved: true, Graded: true, SelfAssessed: true, Grade: "B", Deduction: 150,
		Breakdown:      grading.Breakdown{ComplaintsConfirmed: 1, Leader: true, UnitFactor: 5000},
		Overrides:      []grading.Override{{Code: grading.OverrideQuota, Detail: "A"}},
		CatalogueTasks: 2, UnitsDone: 123450, UnitsPlanned: 130000}
	for _, c := range []struct {
		t    Translate
		want string
	}{
		{viT, "chuyển từ loại A sang loại B do giới hạn tỷ lệ loại A của đơn vị; trừ 1,5 điểm do 1 phản ánh không hài lòng của người dân; " +
			"điểm nhóm 2 tính cả kết quả của đơn vị (50%: có người loại D); khối lượng quy đổi: hoàn thành 1.234,5/1.300 đơn vị chuẩn (2 việc theo danh mục)"},
		{enT, "moved from grade A to grade B by the unit's limit on grade A; deducted 1.5 for confirmed citizen complaints (1); " +
			"group 2 points include the unit's results (50%: someone graded D); standard units: 1,234.5/1,300 done (2 catalogue tasks)"},
	} {
		if got := p.Note(c.t); got != c.want {
			t.Errorf("note %q\nwant %q", got, c.want)
		}
	}
	if got := (Person{Status: "submitted", Absences: []string{"sick"}}).Note(enT); got != "not assessed (waiting for the head's approval, sick leave)" {
		t.Errorf("en: %q", got)
	}
}

// Regression (issue 21's leftovers): «evalbot discipline --code HB003
// --month 2026-11 --level reprimand --reason "QĐ số 12"» on a person with no
// assessment that month did not show in the export's note. The note says
// it, and the grade rule that follows; so does a measure recorded after the
// month was approved, which the approved grade does not show.
func TestNoteOfADisciplineTheGradeDoesNotShow(t *testing.T) {
	base := Person{Discipline: "reprimand", DisciplineReason: "QĐ số 12", DisciplineRuleKnown: true, DisciplineForcesD: true}
	after := base
	after.Approved, after.Graded, after.SelfAssessed, after.Grade = true, true, true, "B"
	noD := base
	noD.DisciplineForcesD = false
	for _, c := range []struct {
		p    Person
		t    Translate
		want string
	}{
		{base, viT, "chưa đánh giá; bị kỷ luật khiển trách trong tháng (QĐ số 12) → khi đánh giá sẽ xếp loại D"},
		{base, enT, "not assessed; disciplinary reprimand in the month (QĐ số 12) → grade D once assessed"},
		{after, viT, "bị kỷ luật khiển trách trong tháng (QĐ số 12), ghi nhận sau khi đã duyệt: xếp loại trên chưa tính kỷ luật này (theo khung là loại D)"},
		{noD, viT, "chưa đánh giá; bị kỷ luật khiển trách trong tháng (QĐ số 12); khung đánh giá của đơn vị không buộc xếp loại D"},
	} {
		if got := c.p.Note(c.t); got != c.want {
			t.Errorf("note %q\nwant %q", got, c.want)
		}
	}
	// A measure the grade shows is told once, by the override.
	shown := after
	shown.Grade, shown.Overrides = "D", []grading.Override{{Code: grading.OverrideDiscipline, Detail: "reprimand"}}
	if got := shown.Note(viT); got != "bị kỷ luật khiển trách trong tháng → xếp loại D" {
		t.Errorf("note %q", got)
	}
}

// Regression (issue 21's leftover, the quarter's and the year's table): a
// disciplinary measure in a period with no graded month was not in the note.
func TestPeriodNoteShowsADisciplineTheGradeDoesNot(t *testing.T) {
	u := &yearly.Unit{Name: "Văn phòng Đảng ủy"}
	x := &yearly.Person{Evaluated: true,
		Result:      grading.PeriodResult{Overrides: []grading.Override{{Code: grading.OverrideTooFewMonths, Detail: "0/1"}}},
		Disciplines: []yearly.MonthDiscipline{{Month: 11, Level: grading.DisciplineReprimand}}}
	if got, want := periodNote(u, x, yearly.Period{Year: 2026}, viT), "chưa có tháng nào được xếp loại; bị kỷ luật khiển trách trong tháng 11"; got != want {
		t.Errorf("note %q\nwant %q", got, want)
	}
	if got, want := periodNote(u, x, yearly.Period{Year: 2026}, enT), "disciplinary reprimand in month 11"; !strings.HasSuffix(got, want) {
		t.Errorf("note %q, want … %q", got, want)
	}
	// Shown by the grade: told once, by the override.
	x.Result = grading.PeriodResult{Graded: true, Grade: "D", Overrides: []grading.Override{{Code: grading.OverrideDiscipline, Detail: "reprimand"}}}
	x.Status = yearly.StatusConfirmed
	if got := periodNote(u, x, yearly.Period{Year: 2026}, viT); strings.Count(got, "kỷ luật") != 1 {
		t.Errorf("note %q tells the measure more than once", got)
	}
}
