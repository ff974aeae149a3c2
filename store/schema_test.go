package store

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// tables is every handle in schema.go.
var tables = []string{
	FileSystems.Name, SVMs.Name, Volumes.Name, Attachments.Name, Aliases.Name, Tokens.Name,
	PendingAttachments.Name, AttachmentCounts.Name, IAMUsers.Name, IAMGroups.Name, IAMKeys.Name,
	IAMRoles.Name, IAMSessions.Name, Snapshots.Name, Backups.Name,
	IAMPolicies.Name,
}

// TestSchemaKindsUnique: no two tables share a kind, and the list above
// names every handle schema.go declares.
func TestSchemaKindsUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, k := range tables {
		if k == "" || seen[k] {
			t.Errorf("kind %q empty or declared twice", k)
		}
		seen[k] = true
	}
	if n := len(kindLiterals(t, "schema.go", "")); n != len(tables) {
		t.Errorf("schema.go declares %d tables, the test lists %d", n, len(tables))
	}
}

// TestIAMKindsComplete: every IAM table is watched by the identity cache
// (IAMKinds), and nothing else is; a new IAM table left out would let the
// cache serve keys or policies the table has since changed.
func TestIAMKindsComplete(t *testing.T) {
	watched := map[string]bool{}
	for _, k := range IAMKinds {
		watched[k] = true
	}
	for _, k := range tables {
		if iam := strings.HasPrefix(k, "iam-"); iam != watched[k] {
			t.Errorf("table %q: IAM %v, in IAMKinds %v", k, iam, watched[k])
		}
	}
	if len(watched) != len(IAMKinds) {
		t.Errorf("IAMKinds names a kind twice: %v", IAMKinds)
	}
}

// TestTablesDeclaredOnce: outside schema.go nothing declares a table, so
// the schema stays in one place (storetest's conformance kind excepted).
func TestTablesDeclaredOnce(t *testing.T) {
	root := filepath.Join("..")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		qual := "store"
		switch filepath.ToSlash(filepath.Dir(rel)) {
		case "store":
			qual = ""
		case "store/storetest":
			return nil
		}
		if rel == filepath.Join("store", "schema.go") {
			return nil
		}
		for _, pos := range kindLiterals(t, path, qual) {
			t.Errorf("%s: a table declared outside store/schema.go", pos)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// kindLiterals returns the positions of Kind[T]{...} literals in file;
// qual is the package name Kind is reached through ("" inside store).
func kindLiterals(t *testing.T, file, qual string) []token.Position {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	var out []token.Position
	ast.Inspect(f, func(n ast.Node) bool {
		if lit, ok := n.(*ast.CompositeLit); ok && isKind(lit.Type, qual) {
			out = append(out, fset.Position(lit.Pos()))
		}
		return true
	})
	return out
}

func isKind(e ast.Expr, qual string) bool {
	ix, ok := e.(*ast.IndexExpr)
	if !ok {
		return false
	}
	switch x := ix.X.(type) {
	case *ast.Ident:
		return qual == "" && x.Name == "Kind"
	case *ast.SelectorExpr:
		id, ok := x.X.(*ast.Ident)
		return ok && qual != "" && id.Name == qual && x.Sel.Name == "Kind"
	}
	return false
}
