package graph_test

import (
	"testing"

	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

func TestCustomFields(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		created := e.ok(t, `mutation {
			tier: createField(input: {object: "person", name: "tier", label: "Tier", type: SELECT, options: [{value: "GOLD", label: "Gold", color: "yellow"}]}) { id object name label type options { value label color } }
			price: createField(input: {object: "opportunity", name: "setupFee", type: CURRENCY}) { id type }
		}`, nil)
		checkPaths(t, created, map[string]any{"tier.object": "person", "tier.type": "SELECT", "tier.label": "Tier", "tier.options.0.color": "yellow", "price.type": "CURRENCY"})
		tierID := str(created, "tier.id")

		tests := []struct {
			Name      string
			Query     string
			Variables map[string]any
			As        string // "member" for a non-admin
			WantCode  string
			Want      map[string]any
		}{
			{Name: "fields lists one object's definitions", Query: `{ fields(object: "person") { name type } all: fields { name } }`,
				Want: map[string]any{"fields.0.name": "tier", "all.0.name": "setupFee", "all.1.name": "tier"}},
			{Name: "valid SELECT value", Query: `mutation { createPerson(data: {customFields: {tier: "GOLD"}}) { customFields } }`,
				Want: map[string]any{"createPerson.customFields.tier": "GOLD"}},
			{Name: "CURRENCY value with a BigFloat string", Query: `mutation($d: OpportunityCreateInput!) { createOpportunity(data: $d) { customFields } }`,
				Variables: map[string]any{"d": map[string]any{"name": "X", "customFields": map[string]any{"setupFee": map[string]any{"amountMicros": "2500000", "currencyCode": "usd"}}}},
				Want:      map[string]any{"createOpportunity.customFields.setupFee.amountMicros": 2500000, "createOpportunity.customFields.setupFee.currencyCode": "USD"}},
			{Name: "SELECT value not an option", Query: `mutation { createPerson(data: {customFields: {tier: "PLATINUM"}}) { id } }`, WantCode: "INVALID_ENUM"},
			{Name: "wrong type for a custom field", Query: `mutation { createPerson(data: {customFields: {tier: 3}}) { id } }`, WantCode: "INVALID_TYPE"},
			{Name: "unknown custom field", Query: `mutation { createPerson(data: {customFields: {nope: "x"}}) { id } }`, WantCode: "UNKNOWN_FIELD"},
			{Name: "name clashes with a standard field", Query: `mutation { createField(input: {object: "person", name: "city", type: TEXT}) { id } }`, WantCode: "DUPLICATE"},
			{Name: "object without custom fields", Query: `mutation { createField(input: {object: "note", name: "mood", type: TEXT}) { id } }`, WantCode: "INVALID_VALUE"},
			{Name: "unknown field type is a GraphQL validation error", Query: `mutation { createField(input: {object: "person", name: "x", type: COLOR}) { id } }`, WantCode: "GRAPHQL_VALIDATION_FAILED"},
			{Name: "members cannot create fields", As: "member", Query: `mutation { createField(input: {object: "person", name: "x", type: TEXT}) { id } }`, WantCode: "FORBIDDEN"},
			{Name: "members can read fields", As: "member", Query: `{ fields(object: "people") { name } }`, Want: map[string]any{"fields.0.name": "tier"}},
			{Name: "updateField adds an option", Query: `mutation($id: UUID!) { updateField(id: $id, input: {label: "Level", options: [{value: "GOLD"}, {value: "SILVER"}]}) { label options { value } } }`,
				Variables: map[string]any{"id": tierID}, Want: map[string]any{"updateField.label": "Level", "updateField.options.1.value": "SILVER"}},
			{Name: "updateField cannot remove an option", Query: `mutation($id: UUID!) { updateField(id: $id, input: {options: [{value: "SILVER"}]}) { id } }`,
				Variables: map[string]any{"id": tierID}, WantCode: "INVALID_VALUE"},
			{Name: "new option is accepted", Query: `mutation { createPerson(data: {customFields: {tier: "SILVER"}}) { customFields } }`,
				Want: map[string]any{"createPerson.customFields.tier": "SILVER"}},
			{Name: "members cannot delete fields", As: "member", Query: `mutation($id: UUID!) { deleteField(id: $id) { id } }`, Variables: map[string]any{"id": tierID}, WantCode: "FORBIDDEN"},
			{Name: "deleteField", Query: `mutation($id: UUID!) { deleteField(id: $id) { name } }`, Variables: map[string]any{"id": tierID}, Want: map[string]any{"deleteField.name": "tier"}},
			{Name: "deleted field is unknown", Query: `mutation { createPerson(data: {customFields: {tier: "GOLD"}}) { id } }`, WantCode: "UNKNOWN_FIELD"},
			{Name: "deleteField twice", Query: `mutation($id: UUID!) { deleteField(id: $id) { name } }`, Variables: map[string]any{"id": tierID}, WantCode: "NOT_FOUND"},
		}
		for _, tt := range tests {
			t.Run(tt.Name, func(t *testing.T) {
				p := apiKey(e.wsA)
				if tt.As == "member" {
					p = member(e.wsA)
				}
				r := e.do(t, p, tt.Query, tt.Variables)
				if r.code() != tt.WantCode {
					t.Fatalf("code = %q (%+v); want %q", r.code(), r.Errors, tt.WantCode)
				}
				checkPaths(t, r.Data, tt.Want)
			})
		}
	})
}
