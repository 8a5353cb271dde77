package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/roster-crm/roster/internal/crm"
)

// TestSchemaUpToDate fails when a crm field was added or changed without
// running `go generate ./internal/graph`.
func TestSchemaUpToDate(t *testing.T) {
	for _, o := range crm.Objects() {
		t.Run(string(o.Name), func(t *testing.T) {
			want, err := Render(o)
			if err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(filepath.Join("..", "..", "schema", string(o.Name)+".graphqls"))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("schema/%s.graphqls is stale; run go generate ./internal/graph", o.Name)
			}
		})
	}
}
