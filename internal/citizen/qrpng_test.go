package citizen_test

import (
	"bytes"
	"image/png"
	"strings"
	"testing"

	"evalbot/internal/citizen"
)

// TestQRPNGReadable: 300 per-visit links, each drawn readable by ZXing
// (about one in a hundred is not at the first try).
func TestQRPNGReadable(t *testing.T) {
	for i := range 300 {
		link := "http://127.0.0.1:42387/v/v" + strings.Repeat(string(rune('A'+i%26)), 8) + strings.Repeat(string(rune('a'+i/26%26)), 8)
		b, err := citizen.QRPNG(link, 512)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if !citizen.Readable(img, link) {
			t.Fatalf("%q is not readable", link)
		}
	}
}
