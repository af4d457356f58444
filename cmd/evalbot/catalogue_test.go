package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// evalbot catalogue import: a dry run writes nothing and says what it
// would do, the import counts, a second import changes nothing, and a faulty
// file is listed by line in the clerk's language with nothing written.
func TestCatalogueImportCommand(t *testing.T) {
	ctx := context.Background()
	pool, _ := cleanRoster(t)
	sample := "../../internal/demo/roster/catalogue.csv"
	var out bytes.Buffer
	if err := importCatalogue(ctx, &out, pool, sample, "", true, "vi"); err != nil {
		t.Fatal(err)
	}
	want := "Kiểm tra xong, không có dòng lỗi. Nếu nhập thật vào danh mục của PHB sẽ có: mục mới 15, thay đổi 0, không đổi 0; 0 mục không có trong tệp được giữ nguyên.\n" +
		"Chạy thử (--dry-run): chưa ghi gì vào cơ sở dữ liệu.\n"
	if out.String() != want {
		t.Errorf("dry run:\n%s\nwant\n%s", out.String(), want)
	}
	out.Reset()
	must(t, importCatalogue(ctx, &out, pool, sample, "PHB", false, "vi"))
	out.Reset()
	must(t, importCatalogue(ctx, &out, pool, sample, "PHB", false, "en"))
	if want := "Imported the catalogue of PHB: 0 new items, 0 changed, 15 unchanged; 0 items not in the file are kept.\n"; out.String() != want {
		t.Errorf("re-import: %q", out.String())
	}
	bad := filepath.Join(t.TempDir(), "danh-muc.csv")
	must(t, os.WriteFile(bad, []byte("Mã;Tên công việc;ĐVT;Hệ số quy đổi\nTD01;Thẩm định hồ sơ;hồ sơ;1,5\nTD09;Soạn báo cáo;báo cáo;1.5.2\nTD 10;Kiểm tra;cuộc;2\n"), 0o644))
	out.Reset()
	err := importCatalogue(ctx, &out, pool, bad, "", false, "vi")
	if !errors.Is(err, errFaultyRows) {
		t.Fatalf("faulty file: %v", err)
	}
	for _, w := range []string{"Có 2 dòng lỗi; chưa ghi gì vào cơ sở dữ liệu:",
		"danh-muc.csv, dòng 3: hệ số quy đổi «1.5.2» không hợp lệ (số từ 0,01 đến 100, tối đa hai chữ số thập phân)",
		"danh-muc.csv, dòng 4: mã «TD 10» không hợp lệ (1–16 ký tự A-Z, 0-9, -, _ hoặc .)"} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("report lacks %q:\n%s", w, out.String())
		}
	}
	var factor int
	must(t, pool.QueryRow(ctx, `SELECT factor FROM catalogue_items WHERE code = 'TD01'`).Scan(&factor))
	if factor != 150 {
		t.Errorf("a faulty file changed TD01's factor to %d", factor)
	}
	err = importCatalogue(ctx, &out, pool, sample, "NOPE", false, "vi")
	if err == nil || err.Error() != "Không có đơn vị mã «NOPE»." {
		t.Errorf("unknown agency: %v", err)
	}
}
