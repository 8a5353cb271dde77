package graph_test

import (
	"fmt"
	"testing"

	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// TestCrossWorkspace checks that workspace A can neither see nor change
// workspace B's records, whatever the operation.
func TestCrossWorkspace(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		for _, c := range objectCases {
			t.Run(c.Type, func(t *testing.T) {
				rb := e.do(t, apiKey(e.wsB), fmt.Sprintf(`mutation($d: %sCreateInput!) { create%s(data: $d) { id } }`, c.Type, c.Type), map[string]any{"d": c.Create})
				if len(rb.Errors) > 0 {
					t.Fatalf("create in B: %+v", rb.Errors)
				}
				id := str(rb.Data, "create"+c.Type+".id")
				vars := map[string]any{"id": id}
				tests := []struct {
					Name, Query string
				}{
					{"get", fmt.Sprintf(`query($id: UUID!) { %s(id: $id) { id } }`, c.Single)},
					{"get by filter", fmt.Sprintf(`query($id: UUID!) { %s(filter: {id: {eq: $id}}) { id } }`, c.Single)},
					{"update", fmt.Sprintf(`mutation($id: UUID!) { update%s(id: $id, data: {position: 7}) { id } }`, c.Type)},
					{"delete", fmt.Sprintf(`mutation($id: UUID!) { delete%s(id: $id) { id } }`, c.Type)},
					{"restore", fmt.Sprintf(`mutation($id: UUID!) { restore%s(id: $id) { id } }`, c.Type)},
					{"destroy", fmt.Sprintf(`mutation($id: UUID!) { destroy%s(id: $id) { id } }`, c.Type)},
				}
				for _, tt := range tests {
					t.Run(tt.Name, func(t *testing.T) {
						if r := e.do(t, apiKey(e.wsA), tt.Query, vars); r.code() != "NOT_FOUND" {
							t.Errorf("code = %q (%+v); want NOT_FOUND", r.code(), r.Errors)
						}
					})
				}
				t.Run("list", func(t *testing.T) {
					data := e.ok(t, fmt.Sprintf(`query($id: UUID) { %s(filter: {id: {eq: $id}}) { totalCount } }`, c.Plural), vars)
					checkPaths(t, data, map[string]any{c.Plural + ".totalCount": 0})
				})
				t.Run("timeline", func(t *testing.T) {
					r := e.do(t, apiKey(e.wsA), `query($o: String!, $id: UUID!) { timelineActivities(objectName: $o, recordId: $id) { id } }`, map[string]any{"o": c.Single, "id": id})
					if r.code() != "NOT_FOUND" {
						t.Errorf("code = %q; want NOT_FOUND", r.code())
					}
				})
				// B's record is untouched.
				rb = e.do(t, apiKey(e.wsB), fmt.Sprintf(`query($id: UUID!) { %s(id: $id) { id position deletedAt } }`, c.Single), vars)
				if len(rb.Errors) > 0 {
					t.Fatalf("get in B: %+v", rb.Errors)
				}
				checkPaths(t, rb.Data, map[string]any{c.Single + ".id": id, c.Single + ".deletedAt": nil})
				if at(rb.Data, c.Single+".position") == int64(7) {
					t.Errorf("position = 7; A's update reached B's record")
				}
			})
		}
		t.Run("references across workspaces are refused", func(t *testing.T) {
			co := str(e.do(t, apiKey(e.wsB), `mutation { createCompany(data: {name: "B Corp"}) { id } }`, nil).Data, "createCompany.id")
			r := e.do(t, apiKey(e.wsA), `mutation($c: UUID) { createPerson(data: {companyId: $c}) { id } }`, map[string]any{"c": co})
			if r.code() != "INVALID_VALUE" {
				t.Errorf("code = %q; want INVALID_VALUE", r.code())
			}
			n := str(e.ok(t, `mutation { createNote(data: {title: "A"}) { id } }`, nil), "createNote.id")
			r = e.do(t, apiKey(e.wsA), `mutation($n: UUID!, $c: UUID) { createNoteTarget(data: {noteId: $n, companyId: $c}) { id } }`, map[string]any{"n": n, "c": co})
			if r.code() != "NOT_FOUND" {
				t.Errorf("note target to B's company: code = %q; want NOT_FOUND", r.code())
			}
		})
		t.Run("custom fields are per workspace", func(t *testing.T) {
			e.do(t, apiKey(e.wsB), `mutation { createField(input: {object: "person", name: "secret", type: TEXT}) { id } }`, nil)
			data := e.ok(t, `{ fields { name } }`, nil)
			checkPaths(t, data, map[string]any{"fields": []any{}})
		})
	})
}
