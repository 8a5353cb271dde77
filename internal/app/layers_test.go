package app

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestSurfacesDoNotImportStore keeps the layering of docs/architecture.md:
// the surfaces (web, graph, rest) parse, authorise, call a service and
// render; they never reach the store, so every read a page needs is a
// service method the APIs can offer too. It parses the import lines of every
// non-test Go file under each surface, generated code included.
func TestSurfacesDoNotImportStore(t *testing.T) {
	const forbidden = "github.com/roster-crm/roster/internal/store"
	for _, dir := range []string{"../web", "../graph", "../rest"} {
		files := 0
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			files++
			f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
			if err != nil {
				return err
			}
			for _, imp := range f.Imports {
				p, _ := strconv.Unquote(imp.Path.Value)
				if p == forbidden || strings.HasPrefix(p, forbidden+"/") {
					t.Errorf("%s imports %s: surfaces call services; add the read to a service instead", path, p)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if files < 5 {
			t.Fatalf("%s: only %d Go files found; the surface moved and this test no longer guards it", dir, files)
		}
	}
}
