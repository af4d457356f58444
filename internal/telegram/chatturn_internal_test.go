package telegram

import (
	"testing"

	"evalbot/internal/telegram/chat"
)

// TestNoopVerbIsChats: the page counter chat.PageNav draws (a sub-package's
// paged views) is answered by route's vNoop.
func TestNoopVerbIsChats(t *testing.T) {
	if vNoop != chat.VerbNoop {
		t.Fatalf("vNoop %q, chat.VerbNoop %q", vNoop, chat.VerbNoop)
	}
}
