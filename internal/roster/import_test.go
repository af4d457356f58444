package roster

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"evalbot/internal/pgtest"
)

func TestImportSample(t *testing.T) {
	ctx := t.Context()
	pool := pgtest.New(t)
	units := readSampleUnits(t)
	officials, _ := readSampleOfficials(t, "officials.csv")
	rep, err := Import(ctx, pool, units, officials, Options{})
	if err != nil {
		t.Fatal(err, rep.Errors)
	}
	if rep.Units != (Counts{Inserted: 7}) || rep.Officials != (Counts{Inserted: 28}) {
		t.Errorf("report = %+v", rep)
	}
	hb8, err := OfficialByCode(ctx, pool, "HB008")
	if err != nil {
		t.Fatal(err)
	}
	if hb8.FullName != "Bùi Ngọc Ánh" || hb8.UnitCode != "PHB-VP" || hb8.UnitName != "Văn phòng HĐND và UBND" ||
		hb8.Category != CategoryVienChuc || hb8.Language != "en" || hb8.Phone != "+84912000108" || !hb8.Active ||
		hb8.IsHead || hb8.TelegramUserID != nil || !hb8.Reachable {
		t.Errorf("HB008 = %+v", hb8)
	}
	hcc, err := UnitByCode(ctx, pool, "PHB-HCC")
	if err != nil || !hcc.Exceptional || hcc.ParentID == nil || hcc.FrameworkID != "hanoi-3814-2018" {
		t.Errorf("PHB-HCC = %+v, %v", hcc, err)
	}
	root, err := UnitByID(ctx, pool, *hcc.ParentID)
	if err != nil || root.Code != "PHB" || root.ParentID != nil {
		t.Errorf("root = %+v, %v", root, err)
	}
	if _, err := UnitByID(ctx, pool, 999999); !errors.Is(err, ErrNotFound) {
		t.Errorf("UnitByID(missing) = %v", err)
	}
	if n := count(t, pool, `SELECT count(*) FROM audit_log WHERE entity = 'import' AND after->'officials'->>'inserted' = '28'`); n != 1 {
		t.Errorf("%d import audit rows", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM audit_log WHERE entity = 'official' AND action = 'insert'`); n != 28 {
		t.Errorf("%d official audit rows", n)
	}

	// The same files again change nothing.
	before := count(t, pool, `SELECT count(*) FROM audit_log`)
	rep, err = Import(ctx, pool, units, officials, Options{})
	if err != nil || rep.Units != (Counts{Unchanged: 7}) || rep.Officials != (Counts{Unchanged: 28}) {
		t.Errorf("re-import = %+v, %v", rep, err)
	}
	if after := count(t, pool, `SELECT count(*) FROM audit_log`); after != before+1 {
		t.Errorf("audit rows %d → %d, want only the import's row", before, after)
	}
}

type fault struct {
	line  int
	field string
	code  string
}

func faults(errs []RowError) []fault {
	var f []fault
	for _, e := range errs {
		f = append(f, fault{e.Line, e.Field, e.Code})
	}
	return f
}

func TestImportMessyWritesNothing(t *testing.T) {
	ctx := t.Context()
	pool := importSample(t)
	before := snapshot(t, pool)
	units := readSampleUnits(t)
	messy, _ := readSampleOfficials(t, "officials-messy.csv")

	for _, dry := range []bool{false, true} {
		rep, err := Import(ctx, pool, units, messy, Options{DryRun: dry})
		if !errors.Is(err, ErrRowsInvalid) {
			t.Fatalf("dry=%v: err = %v", dry, err)
		}
		want := []fault{
			{3, "unit_code", CodeUnknownUnit},
			{4, "full_name", CodeMissingValue},
			{5, "employee_code", CodeDuplicateCode},
			{6, "category", CodeUnknownCategory},
			{7, "phone", CodeInvalidPhone},
			{8, "is_head", CodeSecondHead}, // PHB-VP has HB005, who is not in this file
			{9, "language", CodeUnsupportedLanguage},
		}
		if got := faults(rep.Errors); !slices.Equal(got, want) {
			t.Errorf("dry=%v: faults\n got %v\nwant %v", dry, got, want)
		}
		for _, e := range rep.Errors {
			if e.File != "officials-messy.csv" {
				t.Errorf("file = %q", e.File)
			}
		}
		if rep.Errors[0].Value != "PHB-XX" || rep.Errors[2].Value != "HB101" || rep.Errors[3].Value != "Giám đốc" ||
			rep.Errors[4].Value != "09120" || rep.Errors[5].Value != "PHB-VP" || rep.Errors[6].Value != "fr" {
			t.Errorf("values: %+v", rep.Errors)
		}
		if rep.Units != (Counts{}) || rep.Officials != (Counts{}) {
			t.Errorf("counts with errors: %+v", rep)
		}
	}
	if after := snapshot(t, pool); after != before {
		t.Error("the database changed")
	}
}

func TestImportMessyIntoEmptyDatabase(t *testing.T) {
	// With nobody in the database, HB107 is PHB-VP's only head: six faults.
	pool := pgtest.New(t)
	messy, _ := readSampleOfficials(t, "officials-messy.csv")
	rep, err := Import(t.Context(), pool, readSampleUnits(t), messy, Options{})
	if !errors.Is(err, ErrRowsInvalid) || len(rep.Errors) != 6 || slices.ContainsFunc(rep.Errors, func(e RowError) bool { return e.Line == 8 }) {
		t.Errorf("faults = %v, %v", faults(rep.Errors), err)
	}
	if n := count(t, pool, `SELECT count(*) FROM units`); n != 0 {
		t.Errorf("%d units written", n)
	}
}

func TestImportDryRun(t *testing.T) {
	ctx := t.Context()
	pool := pgtest.New(t)
	units := readSampleUnits(t)
	officials, _ := readSampleOfficials(t, "officials.csv")
	empty := snapshot(t, pool)
	rep, err := Import(ctx, pool, units, officials, Options{DryRun: true})
	if err != nil || !rep.DryRun || rep.Units != (Counts{Inserted: 7}) || rep.Officials != (Counts{Inserted: 28}) {
		t.Fatalf("dry run = %+v, %v", rep, err)
	}
	if snapshot(t, pool) != empty {
		t.Fatal("dry run wrote")
	}
	if _, err := Import(ctx, pool, units, officials, Options{}); err != nil {
		t.Fatal(err)
	}
	full := snapshot(t, pool)
	changed := slices.Clone(officials)
	changed[5].FullName = "Vũ Thị Lan Anh Mới"
	changed = changed[:27]
	rep, err = Import(ctx, pool, units, changed, Options{DryRun: true, DeactivateMissing: true})
	if err != nil || rep.Officials != (Counts{Updated: 1, Deactivated: 1, Unchanged: 26}) {
		t.Fatalf("dry run = %+v, %v", rep, err)
	}
	if snapshot(t, pool) != full {
		t.Fatal("dry run wrote")
	}
}

func TestReimport(t *testing.T) {
	ctx := t.Context()
	pool := importSample(t)
	units := readSampleUnits(t)
	officials, _ := readSampleOfficials(t, "officials.csv")
	hb9 := idOf(t, pool, "HB009")
	// HB009 has history: an invite and an audit row.
	if _, err := CreateInvites(ctx, pool, []int64{hb9}, time.Hour, now()); err != nil {
		t.Fatal(err)
	}

	var next []OfficialRow
	for _, o := range officials {
		switch o.EmployeeCode {
		case "HB006":
			o.FullName = "Vũ Thị Lan Anh (đã đổi tên)"
		case "HB007":
			o.UnitCode = "PHB-KT"
		case "HB009":
			continue // left
		}
		next = append(next, o)
	}
	rep, err := Import(ctx, pool, units, next, Options{DeactivateMissing: true})
	if err != nil {
		t.Fatal(err, rep.Errors)
	}
	if rep.Officials != (Counts{Updated: 2, Deactivated: 1, Unchanged: 25}) || rep.Units != (Counts{Unchanged: 7}) {
		t.Errorf("report = %+v", rep)
	}
	get := func(code string) Official {
		o, err := OfficialByCode(ctx, pool, code)
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	if o := get("HB006"); o.FullName != "Vũ Thị Lan Anh (đã đổi tên)" || !o.Active {
		t.Errorf("HB006 = %+v", o)
	}
	if o := get("HB007"); o.UnitCode != "PHB-KT" || !o.Active {
		t.Errorf("HB007 = %+v", o)
	}
	if o := get("HB009"); o.Active || o.FullName != "Ngô Thị Thu Hà" {
		t.Errorf("HB009 = %+v", o)
	}
	if n := count(t, pool, `SELECT count(*) FROM invites WHERE official_id = $1`, hb9); n != 1 {
		t.Errorf("HB009's invite is gone")
	}
	if n := count(t, pool, `SELECT count(*) FROM audit_log WHERE subject_id = $1 AND action = 'deactivate'
		AND before->>'active' = 'true' AND after->>'active' = 'false'`, hb9); n != 1 {
		t.Errorf("no deactivation audit row for HB009")
	}
	if n := count(t, pool, `SELECT count(*) FROM audit_log WHERE subject_id = $1 AND action = 'update'
		AND before->>'unit' = 'PHB-VP' AND after->>'unit' = 'PHB-KT'`, idOf(t, pool, "HB007")); n != 1 {
		t.Errorf("no move audit row for HB007")
	}
	if n := count(t, pool, `SELECT count(*) FROM audit_log WHERE subject_id = $1 AND action = 'update'`, idOf(t, pool, "HB006")); n != 0 {
		t.Errorf("a rename is not a unit/head/active change, yet audited")
	}
	// The subordinates of PHB-VP's head no longer include the two.
	subs, err := Subordinates(ctx, pool, idOf(t, pool, "HB005"))
	if err != nil || len(subs) != 2 {
		t.Errorf("HB005's subordinates = %d, %v", len(subs), err)
	}

	// HB009 comes back: reactivated, same row.
	rep, err = Import(ctx, pool, units, officials, Options{})
	if err != nil || rep.Officials != (Counts{Updated: 2, Reactivated: 1, Unchanged: 25}) {
		t.Errorf("return = %+v, %v", rep, err)
	}
	if o := get("HB009"); !o.Active || o.ID != hb9 {
		t.Errorf("HB009 = %+v", o)
	}
	// An import of units alone deactivates nobody.
	rep, err = Import(ctx, pool, units, nil, Options{})
	if err != nil || rep.Officials != (Counts{}) {
		t.Errorf("units-only import = %+v, %v", rep, err)
	}
	if n := count(t, pool, `SELECT count(*) FROM officials WHERE active`); n != 28 {
		t.Errorf("%d active", n)
	}
}

func TestImportHeadsMoveBetweenUnits(t *testing.T) {
	ctx := t.Context()
	pool := importSample(t)
	units := readSampleUnits(t)
	officials, _ := readSampleOfficials(t, "officials.csv")
	// HB005 (head of PHB-VP) and HB010 (head of PHB-KT) swap units; and in
	// PHB-VH HB017 replaces HB016, who stays as staff.
	for i, o := range officials {
		switch o.EmployeeCode {
		case "HB005":
			officials[i].UnitCode = "PHB-KT"
		case "HB010":
			officials[i].UnitCode = "PHB-VP"
		case "HB016":
			officials[i].IsHead = false
		case "HB017":
			officials[i].IsHead = true
		}
	}
	rep, err := Import(ctx, pool, units, officials, Options{})
	if err != nil {
		t.Fatal(err, rep.Errors)
	}
	if rep.Officials.Updated != 4 {
		t.Errorf("report = %+v", rep)
	}
	for code, want := range map[string]string{"HB005": "HB001", "HB006": "HB010", "HB011": "HB005", "HB016": "HB017", "HB017": "HB001"} {
		h, ok, err := HeadOf(ctx, pool, idOf(t, pool, code))
		if err != nil || !ok || h.EmployeeCode != want {
			t.Errorf("HeadOf(%s) = %s, %v, %v; want %s", code, h.EmployeeCode, ok, err, want)
		}
	}
	if n := count(t, pool, `SELECT count(*) FROM audit_log WHERE entity = 'official' AND action = 'update'
		AND before->>'is_head' <> after->>'is_head'`); n != 2 {
		t.Errorf("%d head-change audit rows, want 2", n)
	}

	// Two heads for one unit in a file.
	for i, o := range officials {
		if o.EmployeeCode == "HB018" {
			officials[i].IsHead = true
		}
	}
	rep, err = Import(ctx, pool, units, officials, Options{})
	if !errors.Is(err, ErrRowsInvalid) || !slices.Equal(faults(rep.Errors), []fault{{19, "is_head", CodeSecondHead}}) {
		t.Errorf("second head in file: %v, %v", faults(rep.Errors), err)
	}
}

func TestImportUnitFaults(t *testing.T) {
	ctx := t.Context()
	pool := importSample(t)
	units := []UnitRow{
		{File: "u.csv", Line: 2, Code: "A", Name: "Alpha", ParentCode: "B"},
		{File: "u.csv", Line: 3, Code: "B", Name: "Beta", ParentCode: "A"},         // A ↔ B
		{File: "u.csv", Line: 4, Code: "C", Name: "Gamma", ParentCode: "NOPE"},     // unknown parent
		{File: "u.csv", Line: 5, Code: "c", Name: "Gamma again", ParentCode: ""},   // duplicate, after upper-casing
		{File: "u.csv", Line: 6, Code: "D", Name: " ", ParentCode: "D"},            // empty name, own parent
		{File: "u.csv", Line: 7, Code: "PHB", Name: "Root", ParentCode: "PHB-KT"},  // cycle through the database
		{File: "u.csv", Line: 8, Code: "E", Name: "Epsilon", ParentCode: "phb-vp"}, // fine: parent in the database
	}
	rep, err := Import(ctx, pool, units, nil, Options{})
	want := []fault{
		{2, "parent_code", CodeUnitCycle},
		{3, "parent_code", CodeUnitCycle},
		{4, "parent_code", CodeUnknownParent},
		{5, "code", CodeDuplicateCode},
		{6, "name", CodeMissingValue},
		{6, "parent_code", CodeUnitCycle},
		{7, "parent_code", CodeUnitCycle},
	}
	if !errors.Is(err, ErrRowsInvalid) || !slices.Equal(faults(rep.Errors), want) {
		t.Errorf("faults\n got %v\nwant %v (%v)", faults(rep.Errors), want, err)
	}

	// Units given in any order; parents resolved by code; missing units stay.
	rep, err = Import(ctx, pool, []UnitRow{
		{Code: "PHB-KT-1", Name: "Tổ quy hoạch", ParentCode: "PHB-KT-0"},
		{Code: "PHB-KT-0", Name: "Bộ phận hạ tầng", ParentCode: "PHB-KT"},
		{Code: "PHB-MT", Name: "Ủy ban MTTQ Việt Nam phường", ParentCode: "PHB", Exceptional: true},
	}, nil, Options{})
	if err != nil || rep.Units != (Counts{Inserted: 2, Updated: 1}) {
		t.Fatalf("units = %+v, %v", rep, err)
	}
	if n := count(t, pool, `SELECT count(*) FROM units`); n != 9 {
		t.Errorf("%d units", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM units c JOIN units p ON p.id = c.parent_id
		JOIN units g ON g.id = p.parent_id WHERE c.code = 'PHB-KT-1' AND p.code = 'PHB-KT-0' AND g.code = 'PHB-KT'`); n != 1 {
		t.Error("tree not linked")
	}
}

func TestImportRawHandBuiltRows(t *testing.T) {
	// Rows built by hand with raw values are normalized by Import itself.
	pool := pgtest.New(t)
	rep, err := Import(t.Context(), pool,
		[]UnitRow{{Code: " x1 ", Name: "Xã  Một"}},
		[]OfficialRow{{EmployeeCode: "e1", FullName: "A", UnitCode: "X1", Category: "Viên chức", Phone: "0912 000 301"},
			{EmployeeCode: "e2", FullName: "B", UnitCode: "X1", Category: "HĐLĐ", Phone: "+84 912 000 301", Language: "EN"}},
		Options{})
	if !errors.Is(err, ErrRowsInvalid) || !slices.Equal(faults(rep.Errors), []fault{{0, "phone", CodeDuplicatePhone}}) {
		t.Fatalf("faults = %v, %v", faults(rep.Errors), err)
	}
}

func TestImportKeepsChosenLanguage(t *testing.T) {
	ctx := t.Context()
	pool := importSample(t)
	id := idOf(t, pool, "HB003")
	if _, err := pool.Exec(ctx, `UPDATE officials SET language = 'en', language_chosen = true WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	officials, _ := readSampleOfficials(t, "officials.csv")
	rep, err := Import(ctx, pool, readSampleUnits(t), officials, Options{})
	if err != nil || rep.Officials.Unchanged != 28 {
		t.Errorf("report = %+v, %v", rep, err)
	}
	if o, _ := OfficialByID(ctx, pool, id); o.Language != "en" || !o.LanguageChosen {
		t.Errorf("HB003 = %+v", o)
	}
}

// Regression: a re-import from a file without the optional columns (phone,
// position, is_head, language) used to clear them for everyone. Absent
// columns now keep what the database holds.
func TestReimportWithoutOptionalColumnsKeepsThem(t *testing.T) {
	ctx := t.Context()
	pool := importSample(t)
	csv := "employee_code,full_name,unit_code,category\n" +
		"HB001,Nguyễn Văn Thành,PHB,Cán bộ\n" +
		"HB005,Đỗ Quang Huy,PHB-VP,Công chức\n"
	rows, errs, err := ReadOfficials(strings.NewReader(csv), "short.csv")
	if err != nil || len(errs) > 0 {
		t.Fatal(err, errs)
	}
	// A partial file deactivates the others, but what it names keeps its optional fields.
	if _, err := Import(ctx, pool, nil, rows, Options{}); err != nil {
		t.Fatal(err)
	}
	o, err := OfficialByCode(ctx, pool, "HB005")
	if err != nil {
		t.Fatal(err)
	}
	if o.Phone != "+84912000105" || o.Position != "Chánh Văn phòng" || !o.IsHead || o.Language != "vi" {
		t.Fatalf("HB005 after a short re-import: %+v", o)
	}
}

// Regression (issue 21, point 1): «importing a file with one official printed
// "nghỉ/chuyển đi 28" and did it». A one-person file into the sample ward
// changes nobody else; deactivating the rest needs DeactivateMissing, and
// 27 of 28 leaving needs ManyLeaving as well.
func TestPartialImportDeactivatesNobody(t *testing.T) {
	ctx := t.Context()
	pool := importSample(t)
	officials, _ := readSampleOfficials(t, "officials.csv")
	one := []OfficialRow{officials[0]}
	one[0].Position = "Chủ tịch UBND phường (kiêm)"
	rep, err := Import(ctx, pool, nil, one, Options{DryRun: true})
	if err != nil || rep.Officials != (Counts{Updated: 1, Missing: 27}) || rep.Active != 28 {
		t.Fatalf("dry run = %+v, %v", rep, err)
	}
	rep, err = Import(ctx, pool, nil, one, Options{})
	if err != nil || rep.Officials != (Counts{Updated: 1, Missing: 27}) {
		t.Fatalf("import = %+v, %v", rep, err)
	}
	if n := count(t, pool, `SELECT count(*) FROM officials WHERE active`); n != 28 {
		t.Fatalf("%d active after a one-person import, want 28", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM audit_log WHERE action = 'deactivate'`); n != 0 {
		t.Errorf("%d deactivations audited", n)
	}

	// With the flag, 27 of 28 would leave: refused without ManyLeaving, and
	// the dry run says so with the same counts.
	one[0].Position = officials[0].Position
	before := snapshot(t, pool)
	for _, dry := range []bool{true, false} {
		rep, err = Import(ctx, pool, nil, one, Options{DryRun: dry, DeactivateMissing: true})
		if !errors.Is(err, ErrManyLeaving) || rep.Officials != (Counts{Updated: 1, Deactivated: 27}) || !rep.TooManyLeaving() {
			t.Fatalf("dry %t: %+v, %v", dry, rep, err)
		}
	}
	if snapshot(t, pool) != before {
		t.Fatal("a refused import wrote")
	}
	rep, err = Import(ctx, pool, nil, one, Options{DeactivateMissing: true, ManyLeaving: true})
	if err != nil || rep.Officials.Deactivated != 27 {
		t.Fatalf("confirmed = %+v, %v", rep, err)
	}
	if n := count(t, pool, `SELECT count(*) FROM officials WHERE active`); n != 1 {
		t.Errorf("%d active, want 1", n)
	}
}

// Three people of 28 leaving (under 11 %, 2.8 allowed) need the second
// flag; two do not.
func TestDeactivateShareThreshold(t *testing.T) {
	pool := importSample(t)
	officials, _ := readSampleOfficials(t, "officials.csv")
	rep, err := Import(t.Context(), pool, nil, officials[:25], Options{DeactivateMissing: true})
	if !errors.Is(err, ErrManyLeaving) || rep.Officials != (Counts{Deactivated: 3, Unchanged: 25}) {
		t.Fatalf("3 of 28: %+v, %v", rep, err)
	}
	rep, err = Import(t.Context(), pool, nil, officials[:26], Options{DeactivateMissing: true})
	if err != nil || rep.Officials != (Counts{Deactivated: 2, Unchanged: 26}) {
		t.Fatalf("2 of 28: %+v, %v", rep, err)
	}
}
