package rest_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// names is an in list of n first names, Ada's among them.
func namesList(n int) string {
	list := make([]string, n)
	for i := range list {
		list[i] = fmt.Sprintf("n%d", i)
	}
	list[0] = "Ada"
	return "[" + strings.Join(list, ",") + "]"
}

// TestFilterValueLimit checks that in lists beyond crm.MaxFilterValues are
// refused as the client's error, on both dialects, even past SQLite's own
// limit on bound parameters (which used to surface as a 500).
func TestFilterValueLimit(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		limit := fmt.Sprintf("the limit is %d", crm.MaxFilterValues)
		run(t, e, []scenario{
			{Name: "in list at the limit", Method: "GET", URL: "/rest/people?filter=" + q("name.firstName[in]:"+namesList(crm.MaxFilterValues)), ExpectedStatus: 200, Names: "people=Ada"},
			{Name: "in list one over", Method: "GET", URL: "/rest/people?filter=" + q("name.firstName[in]:"+namesList(crm.MaxFilterValues+1)), ExpectedStatus: 400,
				ExpectedContent: []string{limit}, JSON: map[string]any{"error.code": "INVALID_VALUE", "error.field": "filter"}},
			{Name: "in list past SQLite's parameter limit", Method: "GET", URL: "/rest/people?filter=" + q("name.firstName[in]:"+namesList(40_000)), ExpectedStatus: 400,
				ExpectedContent: []string{"filter compares against 40000 values; " + limit}, NotExpectedContent: []string{"SQL"}},
			{Name: "values counted across conditions", Method: "GET", URL: "/rest/people?filter=" + q("name.firstName[in]:"+namesList(300)+",city[in]:"+namesList(300)), ExpectedStatus: 400,
				ExpectedContent: []string{"filter compares against 600 values"}},
		})
	})
}
