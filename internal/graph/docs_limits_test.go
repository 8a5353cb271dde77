package graph_test

import (
	"os"
	"regexp"
	"testing"

	"github.com/roster-crm/roster/internal/graph"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// TestDocsExamplesWithinLimits runs every GraphQL example of the docs and
// checks that none trips the document, depth or cost limits: the limits
// must refuse attacks, not what the documentation teaches. (Examples may
// still fail for other reasons here, e.g. ids or Whop settings they assume.)
func TestDocsExamplesWithinLimits(t *testing.T) {
	block := regexp.MustCompile("(?s)```graphql\n(.*?)```")
	var examples []string
	for _, doc := range []string{"../../docs/api.md", "../../docs/whop.md"} {
		b, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range block.FindAllSubmatch(b, -1) {
			examples = append(examples, string(m[1]))
		}
	}
	if len(examples) < 10 {
		t.Fatalf("found %d GraphQL examples in the docs; want the dozen or more they hold", len(examples))
	}
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		for _, q := range examples {
			r := e.do(t, apiKey(e.wsA), q, nil)
			switch r.code() {
			case graph.CodeQueryTooLarge, graph.CodeCostExceeded, "DEPTH_LIMIT_EXCEEDED":
				t.Errorf("docs example refused by a limit: %s\n%s", r.Errors[0].Message, q)
			}
		}
	})
}
