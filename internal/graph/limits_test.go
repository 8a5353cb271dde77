package graph_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/graph"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// fragmentBomb is a document of about 1 KB whose fragments each spread the
// previous one twice: expanded, it selects 2^levels fields.
func fragmentBomb(levels int, used bool) string {
	var b strings.Builder
	if used {
		fmt.Fprintf(&b, "{ people { edges { node { ...F%d } } } }\n", levels)
	} else {
		b.WriteString("{ people { totalCount } }\n")
	}
	b.WriteString("fragment F0 on Person { id }\n")
	for i := 1; i <= levels; i++ {
		fmt.Fprintf(&b, "fragment F%d on Person { ...F%d ...F%d }\n", i, i-1, i-1)
	}
	return b.String()
}

// aliased repeats selection n times under distinct aliases.
func aliased(n int, selection string) string {
	var b strings.Builder
	b.WriteString("{")
	for i := range n {
		fmt.Fprintf(&b, " a%d: %s", i, selection)
	}
	b.WriteString(" }")
	return b.String()
}

func TestDocumentLimits(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		seedPeople(t, e)
		tests := []struct {
			Name      string
			Query     string
			Anonymous bool
			WantHTTP  int
			WantCode  string
			WantIn    string
			WantExt   map[string]any
		}{
			{Name: "fragment bomb, 30 levels", Query: fragmentBomb(30, true),
				WantHTTP: http.StatusOK, WantCode: graph.CodeQueryTooLarge, WantIn: "the limit is 5000", WantExt: map[string]any{"limit": "5000"}},
			{Name: "fragment bomb in an unused fragment", Query: fragmentBomb(30, false),
				WantCode: graph.CodeQueryTooLarge},
			{Name: "fragment bomb without credentials", Query: fragmentBomb(30, true), Anonymous: true,
				WantHTTP: http.StatusUnauthorized, WantCode: "UNAUTHENTICATED"},
			{Name: "more fields than the budget without fragments", Query: aliased(graph.MaxCost+1, "__typename"),
				WantCode: graph.CodeQueryTooLarge},
			{Name: "cyclic fragments", Query: `{ people { edges { node { ...A } } } } fragment A on Person { id ...B } fragment B on Person { ...A }`,
				WantHTTP: http.StatusUnprocessableEntity, WantCode: "GRAPHQL_VALIDATION_FAILED", WantIn: "within itself"},
			{Name: "1,000 aliased totalCounts", Query: aliased(1000, "people { totalCount }"),
				WantCode: graph.CodeCostExceeded, WantIn: "operation costs 110000, over the limit of 5000 per request", WantExt: map[string]any{"cost": "110000", "limit": "5000"}},
			{Name: "1,000 aliased lists", Query: aliased(1000, "people { edges { node { id } } }"),
				WantCode: graph.CodeCostExceeded, WantExt: map[string]any{"cost": "13000"}},
		}
		for _, tt := range tests {
			t.Run(tt.Name, func(t *testing.T) {
				p := apiKey(e.wsA)
				if tt.Anonymous {
					p = nil
				}
				r := e.do(t, p, tt.Query, nil)
				if r.code() != tt.WantCode {
					t.Fatalf("code = %q (errors %+v); want %q", r.code(), r.Errors, tt.WantCode)
				}
				if r.Data != nil {
					t.Errorf("data = %v; want null (nothing executed)", r.Data)
				}
				if tt.WantHTTP != 0 && r.status != tt.WantHTTP {
					t.Errorf("HTTP status = %d; want %d", r.status, tt.WantHTTP)
				}
				if !strings.Contains(r.Errors[0].Message, tt.WantIn) {
					t.Errorf("message = %q; want it to contain %q", r.Errors[0].Message, tt.WantIn)
				}
				for k, want := range tt.WantExt {
					if got := fmt.Sprint(r.Errors[0].Extensions[k]); got != want {
						t.Errorf("extensions.%s = %s; want %s", k, got, want)
					}
				}
			})
		}
		t.Run("within budget", func(t *testing.T) {
			// 45 counts cost 45 * (10 + 100) = 4950.
			data := e.ok(t, aliased(45, "people { totalCount }"), nil)
			checkPaths(t, data, map[string]any{"a0.totalCount": 5, "a44.totalCount": 5})
		})
		t.Run("fragments used many times but small", func(t *testing.T) {
			data := e.ok(t, fragmentBomb(8, true), nil) // 256 fields
			if edges, _ := at(data, "people.edges").([]any); len(edges) != 5 {
				t.Errorf("people.edges = %v; want 5", edges)
			}
		})
		if e.logged.Len() != 0 {
			t.Errorf("logged %q; want nothing", e.logged.String())
		}
	})
}
