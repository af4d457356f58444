package report_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"evalbot/internal/report"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/xuri/excelize/v2"

	"evalbot/internal/calendar"
	"evalbot/internal/demo"
	"evalbot/internal/evaluation"
	"evalbot/internal/grading"
	"evalbot/internal/locale"
	"evalbot/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

var nov2026 = calendar.Month{Year: 2026, Month: time.November}

// vi and en are the export's words in Vietnamese (the office's) and English.
var vi, en = func() (report.Translate, report.Translate) {
	cat, err := locale.Load()
	if err != nil {
		panic(err)
	}
	return report.In(cat, "vi"), report.In(cat, "en")
}()

// demoDB is one database with the demo month played, shared by the tests
// that only read it.
func demoDB(t *testing.T) *pgxpool.Pool {
	t.Helper()
	t.Parallel()
	if testing.Short() {
		t.Skip("plays the demo month (about 10 s)")
	}
	pool := pgtest.New(t)
	if err := demo.Run(context.Background(), pool, io.Discard); err != nil {
		t.Fatalf("demo: %v", err)
	}
	return pool
}

// dbRow is what the database says about one official's month, read with SQL
// independent of report.Monthly.
type dbRow struct {
	name, position, unitName, status, grade, reviewer string
	isHead                                            bool
	graded                                            bool
	total, general, deduction, task, bonus            *int64
	overrides                                         string
}

func dbRows(t *testing.T, pool *pgxpool.Pool, unitCode string) map[string]dbRow {
	t.Helper()
	rows, err := pool.Query(context.Background(), `
		SELECT o.full_name, o.position, u.name, o.is_head, coalesce(a.status, ''), coalesce(a.graded, false),
		       a.total, coalesce(a.grade, ''), coalesce(r.full_name, ''),
		       (a.result->>'General')::bigint, (a.result->>'Deduction')::bigint,
		       (a.result->>'Task')::bigint, (a.result->>'Bonus')::bigint,
		       coalesce((SELECT string_agg(x->>'Code', ',') FROM jsonb_array_elements(a.result->'Overrides') x
		                  WHERE jsonb_typeof(a.result->'Overrides') = 'array'), '')
		  FROM officials o JOIN units u ON u.id = o.unit_id
		  LEFT JOIN assessments a ON a.official_id = o.id AND a.month = '2026-11-01'
		  LEFT JOIN officials r ON r.id = a.reviewer_id
		 WHERE u.code = $1 AND o.active`, unitCode)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]dbRow{}
	for rows.Next() {
		var r dbRow
		if err := rows.Scan(&r.name, &r.position, &r.unitName, &r.isHead, &r.status, &r.graded, &r.total, &r.grade, &r.reviewer,
			&r.general, &r.deduction, &r.task, &r.bonus, &r.overrides); err != nil {
			t.Fatal(err)
		}
		if _, dup := out[r.name]; dup {
			t.Fatalf("the demo roster has two %q in %s: the test matches rows by name", r.name, unitCode)
		}
		out[r.name] = r
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func unitCodes(t *testing.T, pool *pgxpool.Pool) []string {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT code FROM units u WHERE EXISTS (SELECT 1 FROM officials o WHERE o.unit_id = u.id) ORDER BY code`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}

// TestDemoMonthXLSX exports the demo month, reopens the workbook with
// excelize and checks every row's numbers against the database.
func TestDemoMonthXLSX(t *testing.T) {
	pool := demoDB(t)
	ctx := context.Background()
	m, err := report.Monthly(ctx, pool, nov2026, "")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := report.WriteXLSX(&buf, m, vi); err != nil {
		t.Fatal(err)
	}
	if path := os.Getenv("EVALBOT_EXPORT_DEMO"); path != "" { // for docs/export-demo.png
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("excelize cannot open the export: %v", err)
	}
	defer f.Close()

	codes := unitCodes(t, pool)
	sheets := f.GetSheetList()
	if len(sheets) != len(codes)+1 || sheets[0] != "Tổng hợp" {
		t.Fatalf("sheets = %v, want Tổng hợp and the units %v", sheets, codes)
	}
	for _, c := range codes {
		if idx, _ := f.GetSheetIndex(c); idx < 0 {
			t.Errorf("no sheet for unit %s", c)
		}
	}

	wantHeader := []string{"STT", "Họ và tên", "Chức vụ", "Đơn vị", "Nhóm 1\n(20 điểm)", "Nhóm 2\n(70 điểm)", "Điểm thưởng",
		"Điểm trừ", "Tổng điểm", "Xếp loại", "Người đánh giá", "Minh chứng", "Ghi chú"}
	var all report.Counts
	seen := 0
	for _, code := range codes {
		want := dbRows(t, pool, code)
		rows, err := f.GetRows(code, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		if got := rows[report.RowTitle-1][0]; got != "KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI THÁNG 11/2026" {
			t.Errorf("%s: title %q", code, got)
		}
		header := rows[report.RowHeader-1]
		if strings.Join(header, "|") != strings.Join(wantHeader, "|") {
			t.Errorf("%s: header\n got %q\nwant %q", code, header, wantHeader)
		}
		var counts report.Counts
		n := 0
		for i := report.RowFirst - 1; i < len(rows) && len(rows[i]) > 0 && rows[i][0] != ""; i++ {
			r := pad(rows[i], len(wantHeader))
			n++
			seen++
			if r[0] != itoa(n) {
				t.Errorf("%s row %d: STT %q", code, i+1, r[0])
			}
			d, ok := want[r[1]]
			if !ok {
				t.Errorf("%s row %d: %q is not an active official of the unit", code, i+1, r[1])
				continue
			}
			delete(want, r[1])
			if n == 1 && !d.isHead {
				t.Errorf("%s: the first row %q is not the head", code, r[1])
			}
			if r[2] != d.position || r[3] != d.unitName || r[10] != d.reviewer {
				t.Errorf("%s %s: position/unit/reviewer %q %q %q, want %q %q %q", code, r[1], r[2], r[3], r[10], d.position, d.unitName, d.reviewer)
			}
			cellName := func(col int) string { c, _ := excelize.CoordinatesToCellName(col, i+1); return c }
			switch {
			case d.status != "approved":
				counts.NotAssessed++
				for col := 4; col <= 9; col++ {
					if r[col] != "" {
						t.Errorf("%s %s: not assessed but column %d = %q", code, r[1], col+1, r[col])
					}
				}
				if !strings.HasPrefix(r[12], "chưa đánh giá") {
					t.Errorf("%s %s: note %q, want chưa đánh giá", code, r[1], r[12])
				}
			case !d.graded:
				counts.NotGraded++
			default:
				counts.AddGrade(grading.Grade(d.grade), 1)
				for col, w := range map[int]*int64{4: d.general, 5: d.task, 6: d.bonus, 7: d.deduction, 8: d.total} {
					got, err := grading.ParsePoints(r[col])
					if err != nil || w == nil || int64(got) != *w {
						t.Errorf("%s %s %s: %q, database %v", code, r[1], wantHeader[col], r[col], deref(w))
					}
					if typ, _ := f.GetCellType(code, cellName(col+1)); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
						t.Errorf("%s %s %s: cell type %v, want a number", code, r[1], wantHeader[col], typ)
					}
					if fmtID := numFmt(t, f, code, cellName(col+1)); fmtID != 2 {
						t.Errorf("%s %s %s: number format %d, want 2 (0.00)", code, r[1], wantHeader[col], fmtID)
					}
				}
				if sum := min(*d.general-*d.deduction+*d.task+*d.bonus, 10000); sum != *d.total {
					t.Errorf("%s %s: the parts add up to %d, total %d", code, r[1], sum, *d.total)
				}
				if r[9] != d.grade {
					t.Errorf("%s %s: grade %q, database %q", code, r[1], r[9], d.grade)
				}
			}
			if strings.Contains(d.overrides, "quota") != strings.Contains(r[12], "sang loại B do giới hạn tỷ lệ loại A") {
				t.Errorf("%s %s: overrides %q, note %q", code, r[1], d.overrides, r[12])
			}
		}
		counts.People = n
		for name := range want {
			t.Errorf("%s: %s is missing from the sheet", code, name)
		}
		// The summary block under the table: label in B, value in D.
		got := map[string]string{}
		for _, r := range rows[report.RowFirst-1+n:] {
			r = pad(r, 4)
			for _, label := range []string{"Loại A", "Loại B", "Loại C", "Loại D", "Không xếp loại", "Chưa đánh giá", "Tổng số"} {
				if strings.HasPrefix(r[1], label) {
					got[label] = r[3]
				}
			}
		}
		for label, w := range map[string]int{"Tổng số": counts.People, "Loại A": counts.A, "Loại B": counts.B, "Loại C": counts.C,
			"Loại D": counts.D, "Không xếp loại": counts.NotGraded, "Chưa đánh giá": counts.NotAssessed} {
			if got[label] != itoa(w) {
				t.Errorf("%s summary %s = %q, want %d", code, label, got[label], w)
			}
		}
		all.People += counts.People
		all.A += counts.A
		all.B += counts.B
		all.NotAssessed += counts.NotAssessed
	}
	if seen != 28 || all.NotAssessed != 1 || all.A == 0 || all.B == 0 {
		t.Errorf("demo month: %d rows, counts %+v; want 28 people, the chairman not assessed", seen, all)
	}
	// The overview's last line sums the units.
	ov, _ := f.GetRows("Tổng hợp", excelize.Options{RawCellValue: true})
	total := ov[report.RowFirst-1+len(codes)]
	if total[2] != "Cộng" || total[3] != itoa(all.People) || total[4] != itoa(all.A) || total[9] != itoa(all.NotAssessed) {
		t.Errorf("overview total row %q, want %+v", total, all)
	}
}

func pad(r []string, n int) []string {
	for len(r) < n {
		r = append(r, "")
	}
	return r
}

func itoa(n int) string { return strconv.Itoa(n) }

func deref(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

func numFmt(t *testing.T, f *excelize.File, sheet, cell string) int {
	id, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	return st.NumFmt
}

func TestDemoMonthCSVAndScopes(t *testing.T) {
	pool := demoDB(t)
	ctx := context.Background()

	m, err := report.Monthly(ctx, pool, nov2026, "phb-kt")
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Units) != 1 || m.Units[0].Code != "PHB-KT" || len(m.Units[0].People) != 6 {
		t.Fatalf("--unit PHB-KT: %d units", len(m.Units))
	}
	var buf bytes.Buffer
	if err := report.WriteCSV(&buf, m, vi); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("\xef\xbb\xbf")) {
		t.Fatal("the CSV has no UTF-8 byte order mark")
	}
	recs, err := csv.NewReader(bytes.NewReader(buf.Bytes()[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 7 || recs[0][4] != "Họ và tên" || recs[0][10] != "Tổng điểm" {
		t.Fatalf("CSV: %d records, header %q", len(recs), recs[0])
	}
	want := dbRows(t, pool, "PHB-KT")
	for _, r := range recs[1:] {
		d := want[r[4]]
		if d.total == nil && d.status == "approved" {
			if r[10] != "" || r[11] != "Không xếp loại" {
				t.Errorf("CSV row %q: approved but not graded", r)
			}
			continue
		}
		if d.total == nil || r[10] != grading.Points(*d.total).String() || r[11] != d.grade || r[0] != "PHB-KT" {
			t.Errorf("CSV row %q, database total %v grade %q", r, deref(d.total), d.grade)
		}
	}

	// The root unit: every unit, the ward's own first.
	m, err = report.Monthly(ctx, pool, nov2026, "PHB")
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Units) != 7 || m.Units[0].Code != "PHB" || m.Total().People != 28 {
		t.Errorf("--unit PHB: %d units, first %s, %d people", len(m.Units), m.Units[0].Code, m.Total().People)
	}
	if _, err := report.Monthly(ctx, pool, nov2026, "NOPE"); !errors.Is(err, report.ErrUnknownUnit) {
		t.Errorf("unknown unit: %v", err)
	}

	// A month with nothing approved: everyone "chưa đánh giá", and the files still open.
	// HB003 has a disciplinary measure in it (issue 21's leftover: «evalbot
	// discipline --code HB003 --month … --level reprimand --reason "QĐ số
	// 12"» did not show in the note of a month not assessed).
	dec := calendar.Month{Year: 2026, Month: time.December}
	var hb003 int64
	if err := pool.QueryRow(ctx, `SELECT id FROM officials WHERE employee_code = 'HB003'`).Scan(&hb003); err != nil {
		t.Fatal(err)
	}
	if err := evaluation.RecordDiscipline(ctx, pool, hb003, dec, "reprimand", "QĐ số 12", nil); err != nil {
		t.Fatal(err)
	}
	m, err = report.Monthly(ctx, pool, dec, "")
	if err != nil {
		t.Fatal(err)
	}
	if c := m.Total(); c.People != 28 || c.NotAssessed != 28 {
		t.Errorf("December: %+v", c)
	}
	for _, u := range m.Units {
		for _, p := range u.People {
			want := "chưa đánh giá"
			if p.EmployeeCode == "HB003" {
				want = "chưa đánh giá; bị kỷ luật khiển trách trong tháng (QĐ số 12) → khi đánh giá sẽ xếp loại D"
			}
			if got := p.Note(vi); got != want && !(p.EmployeeCode != "HB003" && strings.HasPrefix(got, want)) {
				t.Errorf("December %s: note %q, want %q", p.EmployeeCode, got, want)
			}
		}
	}
	buf.Reset()
	if err := report.WriteXLSX(&buf, m, vi); err != nil {
		t.Fatal(err)
	}
	if _, err := excelize.OpenReader(&buf); err != nil {
		t.Fatal(err)
	}
}
