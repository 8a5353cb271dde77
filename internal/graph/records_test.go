package graph_test

import (
	"fmt"
	"testing"

	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// objectCase describes one object's API names and a valid create input,
// an update, and the field that shows them.
type objectCase struct {
	Type, Single, Plural, PluralType string
	Create, Create2, Update          map[string]any
	Selection                        string
	WantCreated, WantUpdated         map[string]any
}

var objectCases = []objectCase{
	{
		Type: "Person", Single: "person", Plural: "people", PluralType: "People",
		Create:      map[string]any{"name": map[string]any{"firstName": "Ada", "lastName": "Lovelace"}, "emails": map[string]any{"primaryEmail": "Ada@Example.com"}, "whopUserId": "user_1", "city": "London"},
		Create2:     map[string]any{"name": map[string]any{"firstName": "Grace"}, "emails": map[string]any{"primaryEmail": "grace@example.com"}},
		Update:      map[string]any{"city": "Paris", "whopUserId": nil},
		Selection:   "name { firstName lastName } emails { primaryEmail } city whopUserId",
		WantCreated: map[string]any{"name.firstName": "Ada", "emails.primaryEmail": "ada@example.com", "whopUserId": "user_1", "city": "London"},
		WantUpdated: map[string]any{"name.firstName": "Ada", "city": "Paris", "whopUserId": nil},
	},
	{
		Type: "Company", Single: "company", Plural: "companies", PluralType: "Companies",
		Create:      map[string]any{"name": "Acme", "domainName": map[string]any{"primaryLinkUrl": "https://acme.com"}, "employees": 12, "annualRecurringRevenue": map[string]any{"amountMicros": "5000000000", "currencyCode": "USD"}, "address": map[string]any{"addressCity": "Lyon", "addressLat": 45.75}},
		Create2:     map[string]any{"name": "Globex", "domainName": map[string]any{"primaryLinkUrl": "globex.com"}},
		Update:      map[string]any{"employees": 13, "idealCustomerProfile": true},
		Selection:   "name domainName { primaryLinkUrl } employees idealCustomerProfile annualRecurringRevenue { amountMicros currencyCode } address { addressCity addressLat }",
		WantCreated: map[string]any{"name": "Acme", "employees": 12, "annualRecurringRevenue.amountMicros": 5000000000, "annualRecurringRevenue.currencyCode": "USD", "address.addressCity": "Lyon", "address.addressLat": 45.75},
		WantUpdated: map[string]any{"employees": 13, "idealCustomerProfile": true, "name": "Acme"},
	},
	{
		Type: "Opportunity", Single: "opportunity", Plural: "opportunities", PluralType: "Opportunities",
		Create:      map[string]any{"name": "Pro plan", "amount": map[string]any{"amountMicros": 49000000, "currencyCode": "EUR"}, "whopMembershipId": "mem_1", "whopCancelAtPeriodEnd": true, "closeDate": "2026-01-02T03:04:05Z"},
		Create2:     map[string]any{"name": "Basic plan"},
		Update:      map[string]any{"stage": "CUSTOMER", "whopRenewalDate": "2026-02-01T00:00:00Z"},
		Selection:   "name stage amount { amountMicros currencyCode } whopMembershipId whopCancelAtPeriodEnd whopRenewalDate closeDate",
		WantCreated: map[string]any{"name": "Pro plan", "stage": "NEW", "amount.amountMicros": 49000000, "whopMembershipId": "mem_1", "whopCancelAtPeriodEnd": true, "closeDate": "2026-01-02T03:04:05Z"},
		WantUpdated: map[string]any{"stage": "CUSTOMER", "whopRenewalDate": "2026-02-01T00:00:00Z"},
	},
	{
		Type: "Note", Single: "note", Plural: "notes", PluralType: "Notes",
		Create:      map[string]any{"title": "Call", "bodyV2": map[string]any{"markdown": "# Hello"}},
		Create2:     map[string]any{"title": "Follow-up"},
		Update:      map[string]any{"bodyV2": map[string]any{"blocknote": "[]"}},
		Selection:   "title bodyV2 { markdown blocknote }",
		WantCreated: map[string]any{"title": "Call", "bodyV2.markdown": "# Hello"},
		WantUpdated: map[string]any{"bodyV2.markdown": "# Hello", "bodyV2.blocknote": "[]"},
	},
	{
		Type: "Task", Single: "task", Plural: "tasks", PluralType: "Tasks",
		Create:      map[string]any{"title": "Send contract", "dueAt": "2026-03-01T09:00:00Z"},
		Create2:     map[string]any{"title": "Chase payment", "status": "IN_PROGRESS"},
		Update:      map[string]any{"status": "DONE", "dueAt": nil},
		Selection:   "title status dueAt",
		WantCreated: map[string]any{"title": "Send contract", "status": "TODO", "dueAt": "2026-03-01T09:00:00Z"},
		WantUpdated: map[string]any{"status": "DONE", "dueAt": nil, "title": "Send contract"},
	},
}

func prefixed(prefix string, m map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[prefix+"."+k] = v
	}
	return out
}

// TestRecordLifecycle runs create, createMany, get, update, delete,
// restore and destroy for every object through GraphQL.
func TestRecordLifecycle(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		for _, c := range objectCases {
			t.Run(c.Type, func(t *testing.T) {
				sel := "id createdAt updatedAt deletedAt position createdBy { source name workspaceMemberId } " + c.Selection
				data := e.ok(t, fmt.Sprintf(`mutation($d: %sCreateInput!) { create%s(data: $d) { %s } }`, c.Type, c.Type, sel), map[string]any{"d": c.Create})
				checkPaths(t, data, prefixed("create"+c.Type, c.WantCreated))
				checkPaths(t, data, map[string]any{"create" + c.Type + ".createdBy.source": "API", "create" + c.Type + ".createdBy.name": "test key", "create" + c.Type + ".deletedAt": nil})
				id := str(data, "create"+c.Type+".id")
				if id == "" {
					t.Fatalf("create%s returned no id", c.Type)
				}

				data = e.ok(t, fmt.Sprintf(`mutation($d: [%sCreateInput!]!) { create%s(data: $d) { id } }`, c.Type, c.PluralType), map[string]any{"d": []any{c.Create2}})
				if got, _ := at(data, "create"+c.PluralType).([]any); len(got) != 1 {
					t.Fatalf("create%s = %v; want 1 record", c.PluralType, got)
				}

				data = e.ok(t, fmt.Sprintf(`query($id: UUID!) { %s(id: $id) { id %s } }`, c.Single, c.Selection), map[string]any{"id": id})
				checkPaths(t, data, prefixed(c.Single, c.WantCreated))

				data = e.ok(t, fmt.Sprintf(`mutation($id: UUID!, $d: %sUpdateInput!) { update%s(id: $id, data: $d) { id %s } }`, c.Type, c.Type, c.Selection), map[string]any{"id": id, "d": c.Update})
				checkPaths(t, data, prefixed("update"+c.Type, c.WantUpdated))

				data = e.ok(t, fmt.Sprintf(`mutation($id: UUID!) { delete%s(id: $id) { id deletedAt } }`, c.Type), map[string]any{"id": id})
				if at(data, "delete"+c.Type+".deletedAt") == nil {
					t.Errorf("delete%s deletedAt = nil; want a time", c.Type)
				}
				data = e.ok(t, fmt.Sprintf(`{ %s { totalCount } }`, c.Plural), nil)
				checkPaths(t, data, map[string]any{c.Plural + ".totalCount": 1})
				data = e.ok(t, fmt.Sprintf(`{ %s(filter: {deletedAt: {is: NOT_NULL}}) { totalCount edges { node { id } } } }`, c.Plural), nil)
				checkPaths(t, data, map[string]any{c.Plural + ".totalCount": 1, c.Plural + ".edges.0.node.id": id})

				data = e.ok(t, fmt.Sprintf(`mutation($id: UUID!) { restore%s(id: $id) { id deletedAt } }`, c.Type), map[string]any{"id": id})
				checkPaths(t, data, map[string]any{"restore" + c.Type + ".deletedAt": nil})

				data = e.ok(t, fmt.Sprintf(`mutation($id: UUID!) { destroy%s(id: $id) { id } }`, c.Type), map[string]any{"id": id})
				checkPaths(t, data, map[string]any{"destroy" + c.Type + ".id": id})
				r := e.do(t, apiKey(e.wsA), fmt.Sprintf(`query($id: UUID!) { %s(id: $id) { id } }`, c.Single), map[string]any{"id": id})
				if r.code() != "NOT_FOUND" {
					t.Errorf("%s after destroy: code = %q; want NOT_FOUND", c.Single, r.code())
				}
			})
		}
	})
}

func TestUpsert(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		first := e.ok(t, `mutation { createPerson(data: {emails: {primaryEmail: "ada@example.com"}, city: "London"}) { id } }`, nil)
		id := str(first, "createPerson.id")
		tests := []struct {
			Name      string
			Query     string
			Variables map[string]any
			Want      map[string]any
		}{
			{
				Name:  "createPeople upserts by primary email and creates the rest",
				Query: `mutation($d: [PersonCreateInput!]!) { createPeople(data: $d, upsert: true) { id city emails { primaryEmail } } }`,
				Variables: map[string]any{"d": []any{
					map[string]any{"emails": map[string]any{"primaryEmail": "ADA@example.com"}, "city": "Paris"},
					map[string]any{"emails": map[string]any{"primaryEmail": "new@example.com"}, "city": "Rome"},
				}},
				Want: map[string]any{"createPeople.0.id": id, "createPeople.0.city": "Paris", "createPeople.1.city": "Rome"},
			},
			{
				Name:      "createPerson upserts by id",
				Query:     `mutation($id: UUID!) { createPerson(data: {id: $id, jobTitle: "Countess"}, upsert: true) { id city jobTitle } }`,
				Variables: map[string]any{"id": id},
				Want:      map[string]any{"createPerson.id": id, "createPerson.city": "Paris", "createPerson.jobTitle": "Countess"},
			},
			{
				Name:  "companies upsert by domain",
				Query: `mutation { a: createCompany(data: {name: "Acme", domainName: {primaryLinkUrl: "acme.com"}}) { id } b: createCompany(data: {name: "Acme Inc", domainName: {primaryLinkUrl: "https://www.acme.com/"}}, upsert: true) { name } }`,
				Want:  map[string]any{"b.name": "Acme Inc"},
			},
		}
		for _, tt := range tests {
			t.Run(tt.Name, func(t *testing.T) {
				checkPaths(t, e.ok(t, tt.Query, tt.Variables), tt.Want)
			})
		}
		data := e.ok(t, `{ people { totalCount } companies { totalCount } }`, nil)
		checkPaths(t, data, map[string]any{"people.totalCount": 2, "companies.totalCount": 1})
	})
}
