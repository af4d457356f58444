package locale

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"evalbot/locales"
)

// TestNewStyleTones is the rule of docs/vietnamese.md over syllables: open
// oa/oe/uy (not after q) carry the tone on the first vowel.
func TestNewStyleTones(t *testing.T) {
	for _, c := range []struct {
		in   string
		want string // "" when the syllable is right
	}{
		{"huỷ", "hủy"}, {"Huỷ", "Hủy"}, {"uỷ", "ủy"}, {"Uỷ", "Ủy"}, {"thuỷ", "thủy"}, {"tuỳ", "tùy"},
		{"luỹ", "lũy"}, {"thuý", "thúy"}, {"hoà", "hòa"}, {"hoá", "hóa"}, {"khoá", "khóa"},
		{"loà", "lòa"}, {"toà", "tòa"}, {"xoá", "xóa"}, {"thoả", "thỏa"}, {"khoẻ", "khỏe"},
		{"HOÀ", "HÒA"}, {"ĐOÀ", "ĐÒA"},
		// Right in the convention:
		{"hủy", ""}, {"ủy", ""}, {"thủy", ""}, {"tùy", ""}, {"hòa", ""}, {"khỏe", ""}, {"lũy", ""},
		{"quý", ""}, {"Quý", ""}, {"QUÝ", ""}, {"quỳ", ""}, // qu is a consonant
		{"hoàn", ""}, {"loại", ""}, {"hoạch", ""}, {"khoảng", ""}, {"huyện", ""}, {"thuyền", ""}, // final consonant
		{"ngoài", ""}, {"xoáy", ""}, {"khuya", ""}, {"thuế", ""}, {"toán", ""}, {"soát", ""},
		{"hoa", ""}, {"uy", ""}, {"tàu", ""}, {"mía", ""}, {"của", ""}, {"Đỗ", ""}, {"Vũ", ""},
	} {
		got := NewStyleTones(c.in)
		var want []Misspelling
		if c.want != "" {
			want = []Misspelling{{Word: c.in, Want: c.want}}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("NewStyleTones(%q) = %v, want %v", c.in, got, want)
		}
	}
	got := NewStyleTones("/cancel — huỷ thao tác; Ủy ban nhân dân, sức khoẻ.")
	want := []Misspelling{{"huỷ", "hủy"}, {"khoẻ", "khỏe"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("in a sentence: %v, want %v", got, want)
	}
}

// TestLocalesFollowSpellingConvention: every shipped string and the docs
// write the traditional tone placement (the issue saw «huỷ» beside «ủy»).
func TestLocalesFollowSpellingConvention(t *testing.T) {
	files := map[string][]byte{}
	for _, name := range []string{"active.vi.toml", "active.en.toml"} {
		b, err := locales.FS.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		files["locales/"+name] = b
	}
	docs, _ := filepath.Glob("../../docs/*.md")
	more, _ := filepath.Glob("../../docs/*/*.md")
	for _, p := range append(append(docs, more...), "../../README.md") {
		if filepath.Base(p) == "vietnamese.md" {
			continue // it lists the forms not to write
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		files[p] = b
	}
	for name, b := range files {
		for _, m := range append(NewStyleTones(string(b)), IForY(string(b))...) {
			t.Errorf("%s: «%s» should be written «%s» (docs/vietnamese.md)", name, m.Word, m.Want)
		}
	}
}

// Regression: bench fanout printed «tỉ lệ so với giới hạn» while the grade
// cards write «Tỷ lệ loại A»: one spelling of i and y too.
func TestIForY(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"đạt 28,3 tin/giây; tỉ lệ so với giới hạn", []string{"tỷ"}},
		{"Tỷ lệ loại A; lý do; kỹ thuật", nil},
		{"Lí do trả lại, Kĩ năng", []string{"lý", "kỹ"}},
		{"linh hoạt, chỉ tiêu, kim loại", nil},
	} {
		var got []string
		for _, m := range IForY(tc.text) {
			got = append(got, m.Want)
		}
		if strings.Join(got, ",") != strings.Join(tc.want, ",") {
			t.Errorf("IForY(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}
