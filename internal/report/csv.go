package report

import (
	"bufio"
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"evalbot/internal/grading"
)

// bom makes Excel read the file as UTF-8, so Vietnamese letters survive.
const bom = "\uFEFF"

// WriteCSV writes the month as one CSV table in t's language (UTF-8 with
// a byte order mark, comma-separated, CRLF line ends): the unit's code and
// name, then the columns of the XLSX sheets and the employee code. Points
// are written with a dot and two decimals ("65.63").
func WriteCSV(w io.Writer, m *Month, t Translate) error {
	header := []string{t("ExportColUnitCode", nil), t("ExportColUnit", nil), t("ExportColNo", nil), t("ExportColCode", nil),
		t("ExportColName", nil), t("ExportColPosition", nil)}
	// The group maxima go in the header when every unit has the same framework.
	var fw *grading.Framework
	for i, u := range m.Units {
		if i == 0 {
			fw = u.Framework
		} else if fw != nil && (u.Framework == nil || u.Framework.ID != fw.ID) {
			fw = nil
			break
		}
	}
	for _, c := range monthColumns(fw, t)[4:] {
		header = append(header, strings.ReplaceAll(c.header, "\n", " "))
	}
	return writeCSV(w, header, func(emit func([]any) error) error {
		for _, u := range m.Units {
			for i, p := range u.People {
				r := monthRow(i+1, p, t)
				if err := emit(append([]any{u.Code, u.Name, r[0], p.EmployeeCode, r[1], r[2]}, r[4:]...)); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

func writeCSV(w io.Writer, header []string, rows func(emit func([]any) error) error) error {
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString(bom); err != nil {
		return err
	}
	cw := csv.NewWriter(bw)
	cw.UseCRLF = true
	if err := cw.Write(header); err != nil {
		return err
	}
	rec := make([]string, len(header))
	err := rows(func(cells []any) error {
		for i, c := range cells {
			rec[i] = csvCell(c)
		}
		return cw.Write(rec)
	})
	if err != nil {
		return err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

func csvCell(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case grading.Points:
		return v.String()
	case int:
		return strconv.Itoa(v)
	case string:
		return defuse(v)
	default:
		panic("report: unexpected cell type")
	}
}

// defuse keeps a spreadsheet from reading a text cell as a formula (CSV
// injection): a text starting with = + - @ or a control character gets a
// leading apostrophe. Names, positions and reasons come from people.
func defuse(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
