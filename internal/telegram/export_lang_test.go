package telegram_test

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"evalbot/internal/locale"
	"evalbot/internal/pgtest"
	"evalbot/internal/report"
	"evalbot/internal/sim"
)

// viExport is the export's words in Vietnamese (the office's).
var viExport = func() report.Translate {
	cat, err := locale.Load()
	if err != nil {
		panic(err)
	}
	return report.In(cat, "vi")
}()

// /export speaks the person's language: a head whose language is English
// gets the workbook's sheet names, headers and notes in English (issue 21's
// leftover: they stayed Vietnamese); a Vietnamese head gets the office's
// words.
func TestExportInThePersonsLanguage(t *testing.T) {
	pool := pgtest.New(t)
	h, err := sim.New(pool, at(2026, 12, 1, 8), io.Discard)
	must(t, err)
	defer h.Close()
	roster := strings.Replace(officials, "H,Trần Thị Trưởng,U,Công chức,Trưởng phòng,true,0912000002,vi", "H,Trần Thị Trưởng,U,Công chức,Trưởng phòng,true,0912000002,en", 1)
	must(t, h.ImportCSV(units, roster))
	ps, err := h.Onboard()
	must(t, err)
	for _, c := range []struct {
		who                                    string
		file, overview, header, note, f, grade string
	}{
		{"H", "results-2026-11-U.xlsx", "Summary", "Full name", "not assessed", "Notes", "Grade A – "},
		{"S", "ket-qua-2026-11-ROOT.xlsx", "Tổng hợp", "Họ và tên", "chưa đánh giá", "Ghi chú", "Loại A – "},
	} {
		must(t, h.Command(ps[c.who], "/export 2026-11"))
		doc := ps[c.who].User.Last()
		if doc.FileName != c.file {
			t.Errorf("%s: file %q, want %q", c.who, doc.FileName, c.file)
		}
		f, err := excelize.OpenReader(bytes.NewReader(doc.Document))
		if err != nil {
			t.Fatalf("%s: the export does not open (%d bytes, %q): %v", c.who, len(doc.Document), doc.Caption, err)
		}
		if got := f.GetSheetList()[0]; got != c.overview {
			t.Errorf("%s: first sheet %q, want %q", c.who, got, c.overview)
		}
		rows, err := f.GetRows("U") // title, unit, blank, header (row 4), then the head
		must(t, err)
		if got := rows[3]; got[1] != c.header || got[len(got)-1] != c.f {
			t.Errorf("%s: header %q, want %q … %q", c.who, got, c.header, c.f)
		}
		if got := rows[4]; got[len(got)-1] != c.note {
			t.Errorf("%s: first row %q, want the note %q", c.who, got, c.note)
		}
		// The summary names the grades in the same language (the framework's names).
		summary := ""
		for _, r := range rows {
			if len(r) > 1 && strings.HasPrefix(r[1], c.grade) {
				summary = r[1]
			}
		}
		if summary == "" {
			t.Errorf("%s: no summary line starting %q in %q", c.who, c.grade, rows)
		}
		f.Close()
	}
}
