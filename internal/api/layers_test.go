package api_test

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestNoOtherFace: the API is a face over the use cases; it reaches the chat
// only through the Chat it is given (assigned.Notifier), never by importing
// the Telegram or the web face (it called telegram.NotifyDone itself, and
// the cards in chat did not follow a task reported done).
func TestNoOtherFace(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range file.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if strings.HasPrefix(path, "evalbot/internal/telegram") || path == "evalbot/internal/web" {
				t.Errorf("%s imports %s, another face", f, path)
			}
		}
	}
}
