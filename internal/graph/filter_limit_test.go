package graph_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// firstNames is n first names, Ada's among them.
func firstNames(n int) []any {
	list := make([]any, n)
	for i := range list {
		list[i] = fmt.Sprintf("n%d", i)
	}
	list[0] = "Ada"
	return list
}

// TestFilterValueLimit checks that in lists beyond crm.MaxFilterValues are
// refused with a validation error naming the limit, on both dialects, and
// that no SQL error ("too many SQL variables") reaches the client.
func TestFilterValueLimit(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		seedPeople(t, e)
		const query = `query($f: PersonFilterInput) { people(filter: $f) { totalCount } }`
		byName := func(n int) map[string]any {
			return map[string]any{"f": map[string]any{"name": map[string]any{"firstName": map[string]any{"in": firstNames(n)}}}}
		}
		t.Run("at the limit", func(t *testing.T) {
			checkPaths(t, e.ok(t, query, byName(crm.MaxFilterValues)), map[string]any{"people.totalCount": 1})
		})
		cities := func(n int) map[string]any {
			or := make([]any, n)
			for i := range or {
				or[i] = map[string]any{"city": map[string]any{"eq": fmt.Sprint("c", i)}}
			}
			or[0] = map[string]any{"city": map[string]any{"eq": "London"}}
			return map[string]any{"f": map[string]any{"or": or}}
		}
		t.Run("as many conditions as the limit", func(t *testing.T) {
			// An or-chain this long is as deep an SQL expression as a filter gets.
			if n := at(e.ok(t, query, cities(crm.MaxFilterValues)), "people.totalCount"); n == nil {
				t.Fatal("people.totalCount missing")
			}
		})
		nested := map[string]any{"city": map[string]any{"eq": "London"}}
		for range crm.MaxFilterDepth + 1 {
			nested = map[string]any{"not": nested}
		}
		tests := []struct {
			Name string
			Vars map[string]any
			Want string
		}{
			{"one over", byName(crm.MaxFilterValues + 1), "filter compares against 501 values; the limit is 500"},
			{"past SQLite's parameter limit", byName(40_000), "filter compares against 40000 values; the limit is 500"},
			{"many conditions", cities(crm.MaxFilterValues + 1), "filter compares against 501 values"},
			{"groups nested too deep", map[string]any{"f": nested}, "filter groups nest 17 levels deep; the limit is 16"},
		}
		for _, tt := range tests {
			t.Run(tt.Name, func(t *testing.T) {
				r := e.do(t, apiKey(e.wsA), query, tt.Vars)
				if r.code() != "INVALID_VALUE" || !strings.Contains(r.Errors[0].Message, tt.Want) {
					t.Fatalf("errors = %+v; want INVALID_VALUE saying %q", r.Errors, tt.Want)
				}
				if f := r.Errors[0].Extensions["field"]; f != "filter" {
					t.Errorf("field = %v; want filter", f)
				}
			})
		}
		if e.logged.Len() != 0 {
			t.Errorf("logged %q; want nothing", e.logged.String())
		}
	})
}
