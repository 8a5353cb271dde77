package graph_test

import (
	"reflect"
	"testing"

	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// seedPeople creates the custom fields tier (SELECT) and score (NUMBER) and
// five people in workspace A.
func seedPeople(t *testing.T, e *env) {
	t.Helper()
	e.ok(t, `mutation {
		a: createField(input: {object: "person", name: "tier", type: SELECT, options: [{value: "GOLD"}, {value: "SILVER"}, {value: "BRONZE"}]}) { id }
		b: createField(input: {object: "person", name: "score", type: NUMBER}) { id }
	}`, nil)
	e.ok(t, `mutation($d: [PersonCreateInput!]!) { createPeople(data: $d) { id } }`, map[string]any{"d": []any{
		map[string]any{"name": map[string]any{"firstName": "Ada", "lastName": "Lovelace"}, "emails": map[string]any{"primaryEmail": "ada@example.com"}, "whopUserId": "user_1", "city": "London", "customFields": map[string]any{"tier": "GOLD", "score": 10}},
		map[string]any{"name": map[string]any{"firstName": "Grace", "lastName": "Hopper"}, "emails": map[string]any{"primaryEmail": "grace@example.com"}, "whopUserId": "user_2", "city": "New York", "customFields": map[string]any{"tier": "SILVER", "score": 30}},
		map[string]any{"name": map[string]any{"firstName": "Alan", "lastName": "Turing"}, "emails": map[string]any{"primaryEmail": "alan@example.com"}, "city": "London", "customFields": map[string]any{"tier": "GOLD", "score": 20}},
		map[string]any{"name": map[string]any{"firstName": "Linus", "lastName": "Torvalds"}, "emails": map[string]any{"primaryEmail": "linus@example.com"}, "city": "Helsinki"},
		map[string]any{"name": map[string]any{"firstName": "Margaret", "lastName": "Hamilton"}, "emails": map[string]any{"primaryEmail": "margaret@example.com"}, "whopUserId": "user_3", "city": "Boston", "customFields": map[string]any{"tier": "BRONZE", "score": 5.5}},
	}})
}

func TestListFilters(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		seedPeople(t, e)
		const byName = `[{name: {firstName: AscNullsFirst}}]`
		tests := []struct {
			Name      string
			Query     string
			Variables map[string]any
			Want      []string
		}{
			{"eq on emails.primaryEmail (variable, any case)", `query($f: PersonFilterInput) { people(filter: $f) { edges { node { name { firstName } } } } }`,
				map[string]any{"f": map[string]any{"emails": map[string]any{"primaryEmail": map[string]any{"eq": "ADA@example.com"}}}}, []string{"Ada"}},
			{"whopUserId eq", `{ people(filter: {whopUserId: {eq: "user_2"}}) { edges { node { name { firstName } } } } }`, nil, []string{"Grace"}},
			{"ilike on name", `{ people(filter: {name: {firstName: {ilike: "%A%"}}}, orderBy: ` + byName + `) { edges { node { name { firstName } } } } }`, nil, []string{"Ada", "Alan", "Grace", "Margaret"}},
			{"in", `query($c: [String!]) { people(filter: {city: {in: $c}}, orderBy: ` + byName + `) { edges { node { name { firstName } } } } }`,
				map[string]any{"c": []string{"London", "Boston"}}, []string{"Ada", "Alan", "Margaret"}},
			{"is NULL", `{ people(filter: {whopUserId: {is: NULL}}, orderBy: ` + byName + `) { edges { node { name { firstName } } } } }`, nil, []string{"Alan", "Linus"}},
			{"is NOT_NULL", `{ people(filter: {whopUserId: {is: NOT_NULL}}, orderBy: ` + byName + `) { edges { node { name { firstName } } } } }`, nil, []string{"Ada", "Grace", "Margaret"}},
			{"or", `{ people(filter: {or: [{city: {eq: "Helsinki"}}, {whopUserId: {eq: "user_2"}}]}, orderBy: ` + byName + `) { edges { node { name { firstName } } } } }`, nil, []string{"Grace", "Linus"}},
			{"not", `{ people(filter: {not: {city: {eq: "London"}}}, orderBy: ` + byName + `) { edges { node { name { firstName } } } } }`, nil, []string{"Grace", "Linus", "Margaret"}},
			{"and with startsWith", `{ people(filter: {and: [{city: {eq: "London"}}, {name: {firstName: {startsWith: "Al"}}}]}) { edges { node { name { firstName } } } } }`, nil, []string{"Alan"}},
			{"createdAt gte (DateTime variable)", `query($t: DateTime) { people(filter: {createdAt: {gte: $t}}, orderBy: ` + byName + `) { edges { node { name { firstName } } } } }`,
				map[string]any{"t": "2000-01-01T00:00:00Z"}, []string{"Ada", "Alan", "Grace", "Linus", "Margaret"}},
			{"customFields select in", `{ people(filter: {customFields: {tier: {in: ["GOLD"]}}}, orderBy: ` + byName + `) { edges { node { name { firstName } } } } }`, nil, []string{"Ada", "Alan"}},
			{"customFields number gte (variable)", `query($f: PersonFilterInput) { people(filter: $f, orderBy: ` + byName + `) { edges { node { name { firstName } } } } }`,
				map[string]any{"f": map[string]any{"customFields": map[string]any{"score": map[string]any{"gte": 20}}}}, []string{"Alan", "Grace"}},
			{"customFields order desc, nulls last", `{ people(orderBy: [{customFields: {score: DescNullsLast}}]) { edges { node { name { firstName } } } } }`, nil, []string{"Grace", "Alan", "Ada", "Margaret", "Linus"}},
			{"order by two keys", `{ people(orderBy: [{city: AscNullsFirst}, {name: {firstName: DescNullsLast}}]) { edges { node { name { firstName } } } } }`, nil, []string{"Margaret", "Linus", "Alan", "Ada", "Grace"}},
			{"person(filter:) takes the first match", `{ person(filter: {whopUserId: {eq: "user_3"}}) { name { firstName } } }`, nil, nil},
		}
		for _, tt := range tests {
			t.Run(tt.Name, func(t *testing.T) {
				data := e.ok(t, tt.Query, tt.Variables)
				if tt.Want == nil {
					checkPaths(t, data, map[string]any{"person.name.firstName": "Margaret"})
					return
				}
				if got := names(data, "people", "name.firstName"); !reflect.DeepEqual(got, tt.Want) {
					t.Errorf("people = %v; want %v", got, tt.Want)
				}
			})
		}
	})
}

func TestPagination(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		seedPeople(t, e)
		const q = `query($first: Int, $after: String, $last: Int, $before: String) {
			people(orderBy: [{name: {firstName: AscNullsFirst}}], first: $first, after: $after, last: $last, before: $before) {
				totalCount
				edges { cursor node { name { firstName } } }
				pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
			}
		}`
		type page struct {
			names          []string
			next, previous bool
			start, end     string
		}
		get := func(t *testing.T, vars map[string]any) page {
			t.Helper()
			data := e.ok(t, q, vars)
			if got := at(data, "people.totalCount"); got != int64(5) {
				t.Errorf("totalCount = %v; want 5", got)
			}
			p := page{names: names(data, "people", "name.firstName"),
				next: at(data, "people.pageInfo.hasNextPage") == true, previous: at(data, "people.pageInfo.hasPreviousPage") == true,
				start: str(data, "people.pageInfo.startCursor"), end: str(data, "people.pageInfo.endCursor")}
			if len(p.names) > 0 && (p.start != str(data, "people.edges.0.cursor") || p.end == "") {
				t.Errorf("startCursor/endCursor = %q/%q; want the edges' cursors", p.start, p.end)
			}
			return p
		}
		p1 := get(t, map[string]any{"first": 2})
		p2 := get(t, map[string]any{"first": 2, "after": p1.end})
		p3 := get(t, map[string]any{"first": 2, "after": p2.end})
		back := get(t, map[string]any{"last": 2, "before": p3.start})
		tail := get(t, map[string]any{"last": 2})
		tests := []struct {
			Name           string
			Got            page
			Want           []string
			Next, Previous bool
		}{
			{"first page", p1, []string{"Ada", "Alan"}, true, false},
			{"second page (after)", p2, []string{"Grace", "Linus"}, true, true},
			{"last page (after)", p3, []string{"Margaret"}, false, true},
			{"backwards (last, before)", back, []string{"Grace", "Linus"}, true, true},
			{"last without cursor", tail, []string{"Linus", "Margaret"}, false, true},
		}
		for _, tt := range tests {
			t.Run(tt.Name, func(t *testing.T) {
				if !reflect.DeepEqual(tt.Got.names, tt.Want) || tt.Got.next != tt.Next || tt.Got.previous != tt.Previous {
					t.Errorf("page = %v next=%v previous=%v; want %v next=%v previous=%v", tt.Got.names, tt.Got.next, tt.Got.previous, tt.Want, tt.Next, tt.Previous)
				}
			})
		}
	})
}

// TestTotalCountThroughFragments checks that totalCount asked through a
// fragment is still counted.
func TestTotalCountThroughFragments(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		seedPeople(t, e)
		data := e.ok(t, `{ people(first: 1) { ...on PersonConnection { totalCount } ...Edges } } fragment Edges on PersonConnection { edges { node { id } } }`, nil)
		checkPaths(t, data, map[string]any{"people.totalCount": 5})
	})
}
