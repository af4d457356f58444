package telegram

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// A long unit list is split between people, every part within the limit.
func TestChunksSplitLongLists(t *testing.T) {
	var lines []string
	for i := 0; i < 400; i++ {
		lines = append(lines, strings.Repeat("Nguyễn Văn Một ", 3)+"— Chuyên viên — 88,54 — B")
	}
	parts := chunks("<b>Công khai</b>", lines, groupChunk)
	if len(parts) < 2 {
		t.Fatalf("%d parts", len(parts))
	}
	n := 0
	for _, p := range parts {
		if len(p) > groupChunk || utf8.RuneCountInString(p) > 4096 {
			t.Fatalf("part of %d bytes", len(p))
		}
		n += strings.Count(p, "— B")
	}
	if n != len(lines) || !strings.HasPrefix(parts[0], "<b>Công khai</b>") {
		t.Fatalf("lines kept %d of %d", n, len(lines))
	}
}
