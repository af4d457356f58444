package telegram

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"strings"
	"testing"
)

// TestEverySendKeepsThePace (issue 20, point 2, as a kind): a message the
// bot sends itself, outside the outbox, goes through App.direct, which keeps
// the chat's pace and waits out a 429's retry_after. A Bot.Send* call
// anywhere else in the package is a send that a 429 loses (as /visit's photo
// was, before it moved into direct).
func TestEverySendKeepsThePace(t *testing.T) {
	files, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	fs := token.NewFileSet()
	calls := 0
	for _, f := range files {
		name := f.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fs, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		// The function literals handed to direct(…): the paced calls.
		var paced []ast.Node
		ast.Inspect(file, func(n ast.Node) bool {
			if c, ok := n.(*ast.CallExpr); ok {
				if s, ok := c.Fun.(*ast.SelectorExpr); ok && s.Sel.Name == "direct" {
					for _, arg := range c.Args {
						if fl, ok := arg.(*ast.FuncLit); ok {
							paced = append(paced, fl)
						}
					}
				}
			}
			return true
		})
		ast.Inspect(file, func(n ast.Node) bool {
			s, ok := n.(*ast.SelectorExpr)
			if !ok || !strings.HasPrefix(s.Sel.Name, "Send") {
				return true
			}
			if x, ok := s.X.(*ast.SelectorExpr); !ok || x.Sel.Name != "Bot" {
				return true
			}
			calls++
			for _, p := range paced {
				if s.Pos() >= p.Pos() && s.End() <= p.End() {
					return true
				}
			}
			t.Errorf("%s: Bot.%s outside App.direct: a 429 would lose it", fs.Position(s.Pos()), s.Sel.Name)
			return true
		})
	}
	if calls == 0 {
		t.Fatal("no Bot.Send* call found: the test no longer looks at anything")
	}
}
