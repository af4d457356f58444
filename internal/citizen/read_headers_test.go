package citizen_test

import (
	"strings"
	"testing"

	"evalbot/internal/citizen"
)

// Leftovers 2: a desks file headed in Vietnamese («Mã quầy,Tên quầy,Mã đơn
// vị,Mã cán bộ») was refused as missing every column; its headers are now
// matched without regard to case and diacritics, and a fault carries the
// header as the file wrote it (RowError.Column).
func TestReadDesksVietnameseHeaders(t *testing.T) {
	rows, errs, err := citizen.ReadDesks(strings.NewReader("Mã quầy,Tên quầy,Mã đơn vị,Mã cán bộ\nHCC-Q1,Quầy 1,PHB-HCC,HB022\nHCC-Q2,,PHB-HCC,\n"), "quay.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0] != (citizen.DeskRow{Line: 2, Code: "HCC-Q1", Name: "Quầy 1", UnitCode: "PHB-HCC", EmployeeCode: "HB022"}) {
		t.Errorf("rows %+v", rows)
	}
	want := citizen.RowError{File: "quay.csv", Line: 3, Field: "name", Code: citizen.CodeMissingValue, Column: "Tên quầy"}
	if len(errs) != 1 || errs[0] != want {
		t.Errorf("faults %+v, want %+v", errs, want)
	}
}
