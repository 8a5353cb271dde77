package graph_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

func TestErrors(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		seedPeople(t, e)
		ada := str(e.ok(t, `{ person(filter: {emails: {primaryEmail: {eq: "ada@example.com"}}}) { id } }`, nil), "person.id")
		missing := "01900000-0000-7000-8000-000000000000"
		tests := []struct {
			Name      string
			Query     string
			Variables map[string]any
			Anonymous bool
			WantCode  string
			WantField string
			WantIn    string // a substring of the message
			WantHTTP  int
		}{
			{Name: "unknown field in data (literal)", Query: `mutation { createPerson(data: {nickname: "x"}) { id } }`,
				WantCode: "GRAPHQL_VALIDATION_FAILED", WantIn: "nickname", WantHTTP: http.StatusUnprocessableEntity},
			{Name: "unknown field in data (variable)", Query: `mutation($d: PersonCreateInput!) { createPerson(data: $d) { id } }`, Variables: map[string]any{"d": map[string]any{"nickname": "x"}},
				WantCode: "GRAPHQL_VALIDATION_FAILED", WantIn: "unknown field", WantHTTP: http.StatusUnprocessableEntity},
			{Name: "unknown sub-field of a composite", Query: `mutation { createPerson(data: {name: {middleName: "x"}}) { id } }`,
				WantCode: "GRAPHQL_VALIDATION_FAILED", WantIn: "middleName"},
			{Name: "wrong type (variable)", Query: `mutation($d: CompanyCreateInput!) { createCompany(data: $d) { id } }`, Variables: map[string]any{"d": map[string]any{"employees": "many"}},
				WantCode: "GRAPHQL_VALIDATION_FAILED", WantIn: "Int"},
			{Name: "wrong type (literal)", Query: `mutation { createCompany(data: {employees: "many"}) { id } }`,
				WantCode: "GRAPHQL_VALIDATION_FAILED", WantIn: "Int"},
			{Name: "invalid enum", Query: `mutation { createOpportunity(data: {name: "X", stage: "WON"}) { id } }`,
				WantCode: "INVALID_ENUM", WantField: "stage", WantIn: "CUSTOMER", WantHTTP: http.StatusOK},
			{Name: "invalid email", Query: `mutation { createPerson(data: {emails: {primaryEmail: "not-an-email"}}) { id } }`,
				WantCode: "INVALID_VALUE", WantField: "emails.primaryEmail"},
			{Name: "duplicate primary email", Query: `mutation { createPerson(data: {emails: {primaryEmail: "ADA@example.com"}}) { id } }`,
				WantCode: "DUPLICATE", WantField: "emails.primaryEmail"},
			{Name: "duplicate whopUserId on update", Query: `mutation($id: UUID!) { updatePerson(id: $id, data: {whopUserId: "user_2"}) { id } }`, Variables: map[string]any{"id": ada},
				WantCode: "DUPLICATE", WantField: "whopUserId"},
			{Name: "wrong type in customFields", Query: `mutation($d: PersonUpdateInput!, $id: UUID!) { updatePerson(id: $id, data: $d) { id } }`, Variables: map[string]any{"id": ada, "d": map[string]any{"customFields": map[string]any{"score": "high"}}},
				WantCode: "INVALID_TYPE", WantField: "score"},
			{Name: "reference to a missing record", Query: `mutation($c: UUID) { createPerson(data: {companyId: $c}) { id } }`, Variables: map[string]any{"c": missing},
				WantCode: "INVALID_VALUE", WantField: "companyId"},
			{Name: "malformed cursor", Query: `{ people(after: "garbage") { totalCount } }`, WantCode: "MALFORMED_CURSOR"},
			{Name: "page too large", Query: `{ people(first: 1000) { totalCount } }`, WantCode: "INVALID_VALUE"},
			{Name: "unknown filter operator in customFields JSON", Query: `{ people(filter: {customFields: {score: {approximately: 3}}}) { totalCount } }`,
				WantCode: "UNKNOWN_OPERATOR", WantField: "score"},
			{Name: "unknown custom field in filter", Query: `{ people(filter: {customFields: {nope: {eq: 3}}}) { totalCount } }`, WantCode: "UNKNOWN_FIELD"},
			{Name: "operator that does not apply", Query: `{ people(filter: {customFields: {score: {like: "%1%"}}}) { totalCount } }`, WantCode: "UNKNOWN_OPERATOR"},
			{Name: "unknown operator on a standard field", Query: `{ people(filter: {city: {approximately: "x"}}) { totalCount } }`, WantCode: "GRAPHQL_VALIDATION_FAILED", WantIn: "approximately"},
			{Name: "bad order direction in customFields", Query: `{ people(orderBy: [{customFields: {score: "Sideways"}}]) { totalCount } }`, WantCode: "INVALID_ENUM"},
			{Name: "not found", Query: `query($id: UUID!) { person(id: $id) { id } }`, Variables: map[string]any{"id": missing}, WantCode: "NOT_FOUND", WantIn: "not found"},
			{Name: "update not found", Query: `mutation($id: UUID!) { updatePerson(id: $id, data: {city: "x"}) { id } }`, Variables: map[string]any{"id": missing}, WantCode: "NOT_FOUND"},
			{Name: "person(filter:) with no match", Query: `{ person(filter: {city: {eq: "Atlantis"}}) { id } }`, WantCode: "NOT_FOUND"},
			{Name: "restore a live record", Query: `mutation($id: UUID!) { restorePerson(id: $id) { id } }`, Variables: map[string]any{"id": ada}, WantCode: "INVALID_VALUE"},
			{Name: "malformed UUID argument", Query: `{ person(id: "123") { id } }`, WantCode: "BAD_USER_INPUT", WantIn: "UUID"},
			{Name: "unknown object in timeline", Query: fmt.Sprintf(`{ timelineActivities(objectName: "invoice", recordId: %q) { id } }`, ada), WantCode: "INVALID_ENUM"},
			{Name: "unknown field in a query", Query: `{ people { edges { node { shoeSize } } } }`, WantCode: "GRAPHQL_VALIDATION_FAILED", WantIn: "shoeSize"},
			{Name: "unauthenticated query", Anonymous: true, Query: `{ people { totalCount } }`, WantCode: "UNAUTHENTICATED"},
			{Name: "unauthenticated mutation", Anonymous: true, Query: `mutation { createPerson(data: {city: "x"}) { id } }`, WantCode: "UNAUTHENTICATED"},
			{Name: "unauthenticated fields", Anonymous: true, Query: `{ fields { id } }`, WantCode: "UNAUTHENTICATED"},
			{Name: "too deep", Query: `{ people { edges { node { company { people { edges { node { company { people { edges { node { company { name } } } } } } } } } } } } }`,
				WantCode: "DEPTH_LIMIT_EXCEEDED"},
		}
		for _, tt := range tests {
			t.Run(tt.Name, func(t *testing.T) {
				var p *auth.Principal
				if !tt.Anonymous {
					p = apiKey(e.wsA)
				}
				r := e.do(t, p, tt.Query, tt.Variables)
				if len(r.Errors) == 0 {
					t.Fatalf("errors = none (data %v); want %s", r.Data, tt.WantCode)
				}
				got := r.Errors[0]
				if r.code() != tt.WantCode {
					t.Errorf("code = %q (%q); want %q", r.code(), got.Message, tt.WantCode)
				}
				if f, _ := got.Extensions["field"].(string); tt.WantField != "" && f != tt.WantField {
					t.Errorf("field = %q; want %q", f, tt.WantField)
				}
				if !strings.Contains(got.Message, tt.WantIn) {
					t.Errorf("message = %q; want it to contain %q", got.Message, tt.WantIn)
				}
				if tt.WantHTTP != 0 && r.status != tt.WantHTTP {
					t.Errorf("HTTP status = %d; want %d", r.status, tt.WantHTTP)
				}
			})
		}
		data := e.ok(t, `{ people { totalCount } }`, nil)
		checkPaths(t, data, map[string]any{"people.totalCount": 5}) // no failed write left anything behind
		if e.logged.Len() != 0 {
			t.Errorf("logged %q; want nothing (no internal errors)", e.logged.String())
		}
	})
}

func TestIntrospection(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		data := e.ok(t, `{ __type(name: "PersonFilterInput") { inputFields { name type { name kind ofType { name } } } } __schema { queryType { fields { name } } } }`, nil)
		fields, _ := at(data, "__type.inputFields").([]any)
		seen := map[string]bool{}
		for _, f := range fields {
			seen[str(f, "name")] = true
		}
		for _, want := range []string{"id", "name", "emails", "city", "whopUserId", "createdAt", "deletedAt", "customFields", "and", "or", "not"} {
			if !seen[want] {
				t.Errorf("PersonFilterInput has no %q", want)
			}
		}
	})
}
