package telegram

import (
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// sqlAllowed lists the files of the chat face that still hold SQL or call
// the database directly, each with why; it only shrinks (docs/decisions/
// 0013-application-layer.md). A file listed here that holds none fails the
// test too, so the list is kept honest.
var sqlAllowed = map[string]string{
	"app.go": "HandleUpdate's dedup row (processed_updates) in the update's first round trip and its failure path: the update's transaction itself, not a rule (decision 0013)",
}

// sqlWord is an SQL statement's keyword inside a string literal (the
// repository writes SQL in capitals).
var sqlWord = regexp.MustCompile(`\b(SELECT|INSERT|UPDATE|DELETE)\b`)

// dbCalls are the methods of pgx (pool, transaction, batch) that talk to
// the database.
var dbCalls = map[string]bool{"Query": true, "QueryRow": true, "Exec": true, "SendBatch": true}

// sqlFindings lists, for one Go source file, every string literal holding
// an SQL keyword and every call of a database method (with arguments, so
// url.Values' Query() does not count), as "line: what".
func sqlFindings(fset *token.FileSet, f *ast.File) []string {
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BasicLit:
			if n.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(n.Value)
			if err != nil {
				s = n.Value
			}
			if w := sqlWord.FindString(s); w != "" {
				out = append(out, strconv.Itoa(fset.Position(n.Pos()).Line)+": SQL ("+w+") in a string")
			}
		case *ast.CallExpr:
			if sel, ok := n.Fun.(*ast.SelectorExpr); ok && dbCalls[sel.Sel.Name] && len(n.Args) > 0 {
				out = append(out, strconv.Itoa(fset.Position(n.Pos()).Line)+": database call ."+sel.Sel.Name)
			}
		}
		return true
	})
	return out
}

// TestAdapterHoldsNoSQL: the chat face (chatDirs: this package and its
// sub-packages) only parses updates and renders replies; SQL and the
// database calls live in the use cases (internal/app/…) and the domain
// packages (issue 22: «The Telegram handlers hold no SQL»).
func TestAdapterHoldsNoSQL(t *testing.T) {
	fset, parsed := packageFiles(t)
	seen := map[string]bool{}
	for _, f := range parsed {
		name := fset.Position(f.Package).Filename
		seen[name] = true
		found := sqlFindings(fset, f)
		_, allowed := sqlAllowed[name]
		switch {
		case len(found) > 0 && !allowed:
			t.Errorf("%s holds SQL or calls the database; move it to a use case (internal/app/…):\n  %s", name, strings.Join(found, "\n  "))
		case len(found) == 0 && allowed:
			t.Errorf("%s holds no SQL any more: take it off sqlAllowed", name)
		}
	}
	for name := range sqlAllowed {
		if !seen[name] {
			t.Errorf("sqlAllowed names %s, which is not a file of the chat face", name)
		}
	}
}

// TestSQLFindingsCatch: the check sees SQL in raw and quoted strings and the
// pgx calls, and not SQL words in comments nor a URL's Query().
func TestSQLFindingsCatch(t *testing.T) {
	src := `package p
// SELECT in a comment does not count.
func f() {
	_, _ = tx.Exec(ctx, ` + "`UPDATE units SET name = $1`" + `, x)
	_ = t.tx.QueryRow(t.ctx, "SELECT 1")
	_ = a.Pool.SendBatch(ctx, b)
	_ = db.Query(ctx, q)
	_ = r.URL.Query()
	_ = "the update of the card"
}`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(sqlFindings(fset, f), "\n")
	want := strings.Join([]string{
		"4: database call .Exec", "4: SQL (UPDATE) in a string",
		"5: database call .QueryRow", "5: SQL (SELECT) in a string",
		"6: database call .SendBatch",
		"7: database call .Query",
	}, "\n")
	if got != want {
		t.Errorf("findings:\n%s\nwant:\n%s", got, want)
	}
}
