package telegram_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"evalbot/internal/app/status"
	"evalbot/internal/evaluation"
	"evalbot/internal/locale"
	"evalbot/internal/telegram"
)

// TestEveryHistoryAuditKindHasASentence walks the module's source for every
// audit kind (entity, action) written with an entity /history shows
// (status.HistoryEntities) and checks that each has its sentence in every
// language. An AuditEntry whose action is not a literal must be one of the
// known dynamic sites below (their values read from the code); a new one
// fails here, as does a direct INSERT INTO audit_log of such an entity.
func TestEveryHistoryAuditKindHasASentence(t *testing.T) {
	// Actions given by a variable: file, variable → the values it takes.
	dynamic := map[string][]string{
		"internal/evaluation/plans.go status":       {evaluation.StatusApproved, evaluation.StatusReturned},
		"internal/evaluation/assessments.go action": nil, // writeResult's literal actions, read below
	}
	kinds := map[string]bool{} // "entity/action"
	fset := token.NewFileSet()
	root := "../.."
	insert := regexp.MustCompile(`(?i)insert\s+into\s+audit_log`)
	quoted := regexp.MustCompile(`'([a-z_]+)'`)
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr: // writeResult(ctx, db, a, actor, "approve", r)
				if id, ok := n.Fun.(*ast.Ident); ok && id.Name == "writeResult" && len(n.Args) == 6 {
					if s, ok := literal(n.Args[4]); ok {
						k := "internal/evaluation/assessments.go action"
						dynamic[k] = append(dynamic[k], s)
					}
				}
			case *ast.BasicLit:
				if s, ok := literal(n); ok && insert.MatchString(s) {
					for _, m := range quoted.FindAllStringSubmatch(s, -1) {
						if slices.Contains(status.HistoryEntities, m[1]) {
							t.Errorf("%s: a direct INSERT INTO audit_log of entity %q: write it with evaluation.Audit", rel, m[1])
						}
					}
				}
			case *ast.CompositeLit:
				if !strings.HasSuffix(exprString(n.Type), "AuditEntry") {
					return true
				}
				var entity, action ast.Expr
				for _, e := range n.Elts {
					if kv, ok := e.(*ast.KeyValueExpr); ok {
						switch exprString(kv.Key) {
						case "Entity":
							entity = kv.Value
						case "Action":
							action = kv.Value
						}
					}
				}
				ent, ok := literal(entity)
				if !ok || !slices.Contains(status.HistoryEntities, ent) {
					return true
				}
				if act, ok := literal(action); ok {
					kinds[ent+"/"+act] = true
					return true
				}
				site := filepath.ToSlash(rel) + " " + exprString(action)
				if _, ok := dynamic[site]; !ok {
					t.Errorf("%s: an audit of %q with action %s: add its values to this test", fset.Position(n.Pos()), ent, exprString(action))
					return true
				}
				kinds[ent+"/"+"$"+site] = true
			}
			return true
		})
		return nil
	})
	must(t, err)
	for k := range kinds {
		if ent, site, ok := strings.Cut(k, "/$"); ok {
			delete(kinds, k)
			if len(dynamic[site]) == 0 {
				t.Errorf("%s: no values found", site)
			}
			for _, act := range dynamic[site] {
				kinds[ent+"/"+act] = true
			}
		}
	}
	if len(kinds) < 20 {
		t.Fatalf("only %d audit kinds found: %v", len(kinds), kinds)
	}
	cat, err := locale.Load()
	must(t, err)
	for k := range kinds {
		ent, act, _ := strings.Cut(k, "/")
		for _, lang := range locale.Languages {
			if !cat.Has(lang, telegram.HistoryKey(ent, act)) {
				t.Errorf("audit kind %s has no /history sentence in %s (%s)", k, lang, telegram.HistoryKey(ent, act))
			}
		}
	}
}

func literal(e ast.Expr) (string, bool) {
	b, ok := e.(*ast.BasicLit)
	if !ok || b.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(b.Value)
	return s, err == nil
}

func exprString(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return exprString(e.X) + "." + e.Sel.Name
	}
	return ""
}
