package roster

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"evalbot/internal/pgtest"
)

func codes(os []Official) []string {
	var c []string
	for _, o := range os {
		c = append(c, o.EmployeeCode)
	}
	return c
}

func TestHeadOfAndSubordinates(t *testing.T) {
	ctx := t.Context()
	pool := importSample(t)
	id := func(code string) int64 { return idOf(t, pool, code) }

	if _, ok, err := HeadOf(ctx, pool, id("HB001")); ok || err != nil {
		t.Errorf("HeadOf(root head) ok=%v err=%v", ok, err)
	}
	if _, _, err := HeadOf(ctx, pool, 999999); !errors.Is(err, ErrNotFound) {
		t.Errorf("HeadOf(missing) = %v", err)
	}
	want := map[string]string{
		"HB002": "HB001", "HB005": "HB001", "HB010": "HB001", "HB016": "HB001", "HB020": "HB001", "HB026": "HB001",
		"HB003": "HB002", "HB004": "HB002", "HB009": "HB005", "HB015": "HB010", "HB025": "HB020", "HB028": "HB026",
	}
	for who, head := range want {
		h, ok, err := HeadOf(ctx, pool, id(who))
		if err != nil || !ok || h.EmployeeCode != head {
			t.Errorf("HeadOf(%s) = %s, %v, %v; want %s", who, h.EmployeeCode, ok, err, head)
		}
	}

	// Ordered by unit code: PHB-DU, PHB-HCC, PHB-KT, PHB-MT, PHB-VH, PHB-VP.
	subs, err := Subordinates(ctx, pool, id("HB001"))
	if got, want := codes(subs), []string{"HB002", "HB020", "HB010", "HB026", "HB016", "HB005"}; !slices.Equal(got, want) {
		t.Errorf("Subordinates(HB001) = %v, %v; want %v", got, err, want)
	}
	subs, err = Subordinates(ctx, pool, id("HB002"))
	if got := codes(subs); err != nil || !slices.Equal(got, []string{"HB003", "HB004"}) { // Lê Minh Quân, Phạm Thu Trang
		t.Errorf("Subordinates(HB002) = %v, %v", got, err)
	}
	if subs, err := Subordinates(ctx, pool, id("HB003")); err != nil || len(subs) != 0 {
		t.Errorf("Subordinates(staff) = %v, %v", codes(subs), err)
	}
	// Everyone but HB001 has exactly one reviewer, and Subordinates agrees with HeadOf.
	total := 0
	for _, head := range []string{"HB001", "HB002", "HB005", "HB010", "HB016", "HB020", "HB026"} {
		subs, _ := Subordinates(ctx, pool, id(head))
		for _, s := range subs {
			if h, ok, _ := HeadOf(ctx, pool, s.ID); !ok || h.EmployeeCode != head {
				t.Errorf("%s is under %s by Subordinates, under %s by HeadOf", s.EmployeeCode, head, h.EmployeeCode)
			}
		}
		total += len(subs)
	}
	if total != 27 {
		t.Errorf("%d people have a reviewer, want 27", total)
	}
}

func TestHeadOfThroughHeadlessUnit(t *testing.T) {
	ctx := t.Context()
	pool := importSample(t)
	units := append(readSampleUnits(t),
		UnitRow{Code: "PHB-KT-QH", Name: "Tổ quy hoạch", ParentCode: "PHB-KT"},     // no head
		UnitRow{Code: "PHB-KT-QH-1", Name: "Nhóm bản đồ", ParentCode: "PHB-KT-QH"}) // has a head
	officials, _ := readSampleOfficials(t, "officials.csv")
	officials = append(officials,
		OfficialRow{EmployeeCode: "HB029", FullName: "Ông Văn Tổ", UnitCode: "PHB-KT-QH", Category: "CC"},
		OfficialRow{EmployeeCode: "HB030", FullName: "Bà Thị Nhóm", UnitCode: "PHB-KT-QH-1", Category: "CC", IsHead: true},
		OfficialRow{EmployeeCode: "HB031", FullName: "Anh Văn Bản", UnitCode: "PHB-KT-QH-1", Category: "VC"})
	if rep, err := Import(ctx, pool, units, officials, Options{}); err != nil {
		t.Fatal(err, rep.Errors)
	}
	id := func(code string) int64 { return idOf(t, pool, code) }
	for who, head := range map[string]string{"HB029": "HB010", "HB030": "HB010", "HB031": "HB030"} {
		h, ok, err := HeadOf(ctx, pool, id(who))
		if err != nil || !ok || h.EmployeeCode != head {
			t.Errorf("HeadOf(%s) = %s, %v, %v; want %s", who, h.EmployeeCode, ok, err, head)
		}
	}
	subs, err := Subordinates(ctx, pool, id("HB010"))
	got := codes(subs)
	if err != nil || len(got) != 7 || !slices.Contains(got, "HB029") || !slices.Contains(got, "HB030") || slices.Contains(got, "HB031") {
		t.Errorf("Subordinates(HB010) = %v, %v", got, err)
	}
}

// TestSubordinatesInVietnameseOrder: the issue saw «Đỗ…» listed after «Vũ…»
// (byte order of full_name). A head's people come by given name, then full
// name, in Vietnamese order (đ after d, ơ after ô, ư after u, tones after
// the letter); the unit's staff under HB002 here.
func TestSubordinatesInVietnameseOrder(t *testing.T) {
	ctx := t.Context()
	pool := pgtest.New(t)
	officials, _ := readSampleOfficials(t, "officials.csv")
	for i, name := range []string{"Vũ Văn An", "Đỗ Thị An", "Trần Văn Ưng", "Lê Thị Uyên", "Phạm Văn Ơn", "Bùi Thị Ôn",
		"Ngô Văn Dũng", "Đặng Văn Đức", "Hà Thị Án", "Lý Văn Ân"} {
		officials = append(officials, OfficialRow{EmployeeCode: fmt.Sprintf("HB%03d", 901+i), FullName: name, UnitCode: "PHB-DU", Category: "CC"})
	}
	if rep, err := Import(ctx, pool, readSampleUnits(t), officials, Options{}); err != nil {
		t.Fatal(err, rep.Errors)
	}
	subs, err := Subordinates(ctx, pool, idOf(t, pool, "HB002"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range subs {
		got = append(got, o.FullName)
	}
	want := []string{"Đỗ Thị An", "Vũ Văn An", "Hà Thị Án", "Lý Văn Ân", "Ngô Văn Dũng", "Đặng Văn Đức",
		"Bùi Thị Ôn", "Phạm Văn Ơn", "Lê Minh Quân", "Phạm Thu Trang", "Lê Thị Uyên", "Trần Văn Ưng"}
	if !slices.Equal(got, want) {
		t.Errorf("Subordinates(HB002):\n got %q\nwant %q", got, want)
	}
}
