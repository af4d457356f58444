package telegram

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoHandlerReadsThePressedMessage (issue 20, point 7): the pressed
// message may be an InaccessibleMessage (date 0), whose Message is nil; only
// turn.pressed reads it, and pressed cannot fail. Any other read of
// cq.Message in the package is a handler that may crash on such a press.
func TestNoHandlerReadsThePressedMessage(t *testing.T) {
	fs, files := packageFiles(t)
	for _, file := range files {
		for _, d := range file.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Name.Name == "pressed" {
				continue
			}
			ast.Inspect(fn, func(x ast.Node) bool {
				sel, ok := x.(*ast.SelectorExpr)
				if !ok || sel.Sel.Name != "Message" {
					return true
				}
				var name string
				switch x := sel.X.(type) {
				case *ast.SelectorExpr: // t.cq.Message, upd.CallbackQuery.Message
					name = x.Sel.Name
				case *ast.Ident: // cq.Message
					name = x.Name
				}
				if name == "cq" || name == "CallbackQuery" {
					t.Errorf("%s: %s reads the pressed message directly; use turn.pressed() (chat.Turn.Pressed)", fs.Position(sel.Pos()), fn.Name.Name)
				}
				return true
			})
		}
	}
}

// chatDirs are the chat face's packages, relative to this one: this one,
// the contract its sub-packages import (chat), and the citizens' handlers
// (citizenchat). The guards that read the code read them all.
var chatDirs = []string{".", "chat", "citizenchat"}

// packageFiles parses the chat face's non-test files (chatDirs), named by
// their path from this package, for the guards that read its code (at least
// 20 files, and one in each directory, or the guard would look at nothing).
func packageFiles(t *testing.T) (*token.FileSet, []*ast.File) {
	t.Helper()
	fs := token.NewFileSet()
	var files []*ast.File
	for _, dir := range chatDirs {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range entries {
			name := e.Name()
			if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
				continue
			}
			file, err := parser.ParseFile(fs, filepath.Join(dir, name), nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			files, n = append(files, file), n+1
		}
		if n == 0 {
			t.Fatalf("no Go file read in %s", dir)
		}
	}
	if len(files) < 20 {
		t.Fatalf("only %d files read", len(files))
	}
	return fs, files
}
