package report_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"evalbot/internal/locale"
	"evalbot/internal/pgtest"
	"evalbot/internal/report"
	"evalbot/internal/yearly"
)

func translate(t *testing.T, lang string) report.Translate {
	cat, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	return func(id string, data map[string]any) string { return cat.Plain(lang, id, 0, data) }
}

// The yearly table in the office layout (people in office order: the head,
// then by given name): a person who moved in July, one
// disciplined in the year, one with too few months, one adjusted by the head.
func TestYearTableOfficeLayout(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.New(t)
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := pool.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	exec(`INSERT INTO units (id, code, name, framework_id) VALUES (1, 'UB', 'UBND phường Hòa Bình', 'nd-335-2025'),
		(2, 'VP', 'Văn phòng HĐND và UBND', 'nd-335-2025')`)
	exec(`UPDATE units SET parent_id = 1 WHERE id = 2`)
	exec(`INSERT INTO officials (id, employee_code, full_name, unit_id, category, position, is_head) VALUES
		(1, 'HB001', 'Nguyễn Văn Thành', 1, 'can_bo', 'Chủ tịch', true),
		(2, 'HB002', 'Trần Thị Hoa', 2, 'cong_chuc', 'Chánh Văn phòng', true),
		(3, 'HB003', 'Lê Văn Nam', 2, 'cong_chuc', 'Chuyên viên', false),
		(4, 'HB004', 'Phạm Thị Lan', 2, 'cong_chuc', 'Chuyên viên', false),
		(5, 'HB005', 'Đỗ Văn Quý', 2, 'cong_chuc', 'Chuyên viên', false)`)
	// HB003 worked in UB (unit 1) January–June, in VP from July: 12 months of 85.00.
	exec(`INSERT INTO assessments (official_id, month, framework_id, framework_version, status, graded, total, grade, unit_id, reviewer_id)
		SELECT 3, make_date(2026, m, 1), 'nd-335-2025', '1', 'approved', true, 8500, 'B', CASE WHEN m <= 6 THEN 1 ELSE 2 END,
		       CASE WHEN m <= 6 THEN 1 ELSE 2 END FROM generate_series(1, 12) m`)
	// HB004: twelve months of 95.00, a reprimand in May.
	exec(`INSERT INTO assessments (official_id, month, framework_id, framework_version, status, graded, total, grade, reviewer_id)
		SELECT 4, make_date(2026, m, 1), 'nd-335-2025', '1', 'approved', true, 9500, 'A', 2 FROM generate_series(1, 12) m`)
	exec(`INSERT INTO disciplines (official_id, month, level, reason) VALUES (4, '2026-05-01', 'reprimand', 'QĐ số 12')`)
	// HB005: on maternity leave most of the year, three graded months.
	exec(`INSERT INTO assessments (official_id, month, framework_id, framework_version, status, graded, total, grade, reviewer_id)
		SELECT 5, make_date(2026, m, 1), 'nd-335-2025', '1', 'approved', m >= 10, CASE WHEN m >= 10 THEN 9000 END,
		       CASE WHEN m >= 10 THEN 'A' END, 2 FROM generate_series(1, 12) m`)
	// HB002 (the head): 12 months of 91.00; adjusted by the chair to B.
	exec(`INSERT INTO assessments (official_id, month, framework_id, framework_version, status, graded, total, grade, reviewer_id)
		SELECT 2, make_date(2026, m, 1), 'nd-335-2025', '1', 'approved', true, 9100, 'A', 1 FROM generate_series(1, 12) m`)
	p := yearly.Period{Year: 2026}
	res, err := yearly.Compute(ctx, pool, p, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := yearly.Save(ctx, pool, res); err != nil {
		t.Fatal(err)
	}
	if _, err := yearly.AdjustYear(ctx, pool, 2026, 2, yearly.Decider{ID: 1}, 1, "B", "Tỷ lệ loại A"); err != nil {
		t.Fatal(err)
	}
	if res, err = yearly.Compute(ctx, pool, p, "", nil); err != nil {
		t.Fatal(err)
	}

	var buf bytes.Buffer
	if err := report.WritePeriodXLSX(&buf, res, translate(t, "vi")); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	sheet := f.GetSheetName(0)
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if rows[0][0] != "KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI NĂM 2026" || sheet != "Kết quả 2026" {
		t.Fatalf("title %q, sheet %q", rows[0][0], sheet)
	}
	wantHeader := []string{"STT", "Họ và tên", "Chức vụ", "Đơn vị", "Số tháng được xếp loại", "Điểm bình quân",
		"Số tháng loại A", "Số tháng loại B", "Số tháng loại C", "Số tháng loại D", "Xếp loại năm", "Ghi chú"}
	if !slices.Equal(rows[3], wantHeader) {
		t.Fatalf("header %q", rows[3])
	}
	got := strings.Join(flat(rows[4:11]), "\n")
	want := strings.Join([]string{
		"UBND phường Hòa Bình (UB)",
		"1 | Nguyễn Văn Thành | Chủ tịch | UBND phường Hòa Bình | 0 |  | 0 | 0 | 0 | 0 | Không xếp loại | chưa có tháng nào được xếp loại",
		"Văn phòng HĐND và UBND (VP)",
		"2 | Trần Thị Hoa | Chánh Văn phòng | Văn phòng HĐND và UBND | 12 | 91.00 | 12 | 0 | 0 | 0 | B | lãnh đạo điều chỉnh từ loại A, lý do: Tỷ lệ loại A",
		"3 | Phạm Thị Lan | Chuyên viên | Văn phòng HĐND và UBND | 12 | 95.00 | 12 | 0 | 0 | 0 | C | bị kỷ luật khiển trách trong kỳ: xếp loại không cao hơn loại C; dự kiến, chờ lãnh đạo xác nhận",
		"4 | Lê Văn Nam | Chuyên viên | Văn phòng HĐND và UBND | 12 | 85.00 | 0 | 12 | 0 | 0 | B | dự kiến, chờ lãnh đạo xác nhận; tháng 1–6 đánh giá tại UBND phường Hòa Bình",
		"5 | Đỗ Văn Quý | Chuyên viên | Văn phòng HĐND và UBND | 3 | 90.00 | 3 | 0 | 0 | 0 | Không xếp loại | chỉ có 3 tháng được xếp loại, cần ít nhất 6 tháng",
	}, "\n")
	if got != want {
		t.Fatalf("rows:\n%s\nwant:\n%s", got, want)
	}
	// The mean is a number shown with two decimals.
	if v, _ := f.GetCellValue(sheet, "F8", excelize.Options{RawCellValue: true}); v != "91" {
		t.Fatalf("F8 raw %q", v)
	}

	buf.Reset()
	if err := report.WritePeriodCSV(&buf, res, translate(t, "en")); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if h := strings.Join(recs[0], "|"); h != "No.|Full name|Position|Unit|Months graded|Mean points|Months A|Months B|Months C|Months D|Yearly grade|Notes|Employee code|Unit code" {
		t.Fatalf("CSV header %s", h)
	}
	if r := strings.Join(recs[4], "|"); r != "4|Lê Văn Nam|Chuyên viên|Văn phòng HĐND và UBND|12|85.00|0|12|0|0|B|provisional, awaiting the head's confirmation; months 1–6 evaluated in UBND phường Hòa Bình|HB003|VP" {
		t.Fatalf("CSV row %s", r)
	}
}

func flat(rows [][]string) []string {
	var out []string
	for _, r := range rows {
		out = append(out, strings.Join(r, " | "))
	}
	return out
}
