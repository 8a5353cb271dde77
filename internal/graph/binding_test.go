package graph_test

import (
	"os"
	"strings"
	"testing"
)

// TestSchemaBindsNoStoreTypes: GraphQL types are mapped from the store's
// rows, never bound to them, so a column change cannot change the API.
func TestSchemaBindsNoStoreTypes(t *testing.T) {
	b, err := os.ReadFile("gqlgen.yml")
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(string(b), "\n") {
		if strings.Contains(line, "/internal/store.") {
			t.Errorf("gqlgen.yml:%d binds a store type: %s", i+1, strings.TrimSpace(line))
		}
	}
}
