package locale_test

import (
	"strings"
	"testing"

	"evalbot/internal/locale"
)

// TestToastsNameWhatWasDone: a toast (the short notice after a tap) says what
// was done to whom; none is a bare «Đã lưu» / «Đã xong» (issue 21, point 9).
// Every *Toast message carries at least one value (a name, a month, a task),
// except the few that are whole on their own.
func TestToastsNameWhatWasDone(t *testing.T) {
	cat, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	whole := map[string]bool{
		"CitizenRatedToast": true, // the citizen's own rating, named on the card beside it
		"BonusNoneToast":    true, // «no bonus claimed»: the whole of what was done
	}
	n := 0
	for _, lang := range locale.Languages {
		for _, id := range cat.IDs(lang) {
			if id == "SavedToast" || id == "DoneToast" {
				t.Errorf("%s: generic toast %s is back", lang, id)
			}
			if !strings.HasSuffix(id, "Toast") || whole[id] {
				continue
			}
			n++
			s := cat.N(lang, id, 2, map[string]any{})
			if !strings.Contains(s, "<no value>") && s == cat.N(lang, id, 3, map[string]any{}) {
				t.Errorf("%s %s = %q names nothing", lang, id, s)
			}
		}
	}
	if n < 20 {
		t.Errorf("only %d toasts checked", n)
	}
}
