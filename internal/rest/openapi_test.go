package rest_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

func TestOpenAPI(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		public := e.do("-", "GET", "/rest/openapi.json", "")
		if public.status != 200 {
			t.Fatalf("GET /rest/openapi.json unauthenticated = %d; want 200\n%s", public.status, public.body)
		}
		var doc map[string]any
		if err := json.Unmarshal([]byte(public.body), &doc); err != nil {
			t.Fatalf("openapi.json does not parse: %v", err)
		}
		if doc["openapi"] != "3.0.3" {
			t.Errorf("openapi = %v; want 3.0.3", doc["openapi"])
		}
		if got, _ := get(doc, "servers.0.url"); got != "https://crm.example.com/rest" {
			t.Errorf("servers.0.url = %v; want https://crm.example.com/rest", got)
		}
		methods := map[string][]string{"/openapi.json": {"get"}, "/auditLogs": {"get"}, "/revenueMetrics": {"get"}, "/mrrMovements": {"get"}}
		for _, o := range crm.Objects() {
			methods["/"+o.Plural] = []string{"get", "post"}
			methods["/"+o.Plural+"/{id}"] = []string{"get", "patch", "delete"}
			methods["/batch/"+o.Plural] = []string{"post"}
			methods["/restore/"+o.Plural+"/{id}"] = []string{"post"}
		}
		methods["/webhooks"] = []string{"get", "post"}
		methods["/webhooks/{id}"] = []string{"get", "patch", "delete"}
		methods["/webhooks/{id}/deliveries"] = []string{"get"}
		methods["/webhooks/{id}/deliveries/{deliveryId}/redeliver"] = []string{"post"}
		methods["/workflows"] = []string{"get", "post"}
		methods["/workflows/{id}"] = []string{"get", "delete"}
		methods["/workflowVersions"] = []string{"get", "post"}
		methods["/workflowVersions/{id}"] = []string{"get", "patch"}
		for _, action := range []string{"activate", "deactivate", "draft", "run"} {
			methods["/workflowVersions/{id}/"+action] = []string{"post"}
		}
		methods["/workflowRuns"] = []string{"get"}
		methods["/workflowRuns/{id}"] = []string{"get"}
		methods["/workflowRuns/{id}/stop"] = []string{"post"}
		methods["/contractTemplates"] = []string{"get", "post"}
		methods["/contractTemplates/{id}"] = []string{"get", "patch"}
		methods["/contractTemplates/{id}/preview"] = []string{"post"}
		methods["/contracts"] = []string{"get", "post"}
		methods["/contracts/{id}"] = []string{"get"}
		methods["/contracts/{id}/void"] = []string{"post"}
		methods["/contracts/{id}/remind"] = []string{"post"}
		methods["/contracts/verify"] = []string{"post"}
		methods["/attachments/{id}"] = []string{"get"}
		paths, _ := doc["paths"].(map[string]any)
		if len(paths) != len(methods) {
			t.Errorf("document has %d paths; want %d", len(paths), len(methods))
		}
		for p, ms := range methods {
			for _, m := range ms {
				if _, ok := get(paths, p+"."+m+".responses"); !ok {
					// Paths contain dots ("/openapi.json"), so index directly.
					item, _ := paths[p].(map[string]any)
					if op, _ := item[m].(map[string]any); op == nil || op["responses"] == nil {
						t.Errorf("paths[%q].%s is missing or has no responses", p, m)
					}
				}
			}
		}
		params, _ := get(doc, "components.parameters")
		for _, name := range []string{"filter", "order_by", "limit", "starting_after", "ending_before", "upsert", "soft_delete", "id", "depth"} {
			if _, ok := get(params, name+".name"); !ok {
				t.Errorf("components.parameters lacks %s", name)
			}
		}
		listParams, _ := get(paths["/people"], "get.parameters")
		if n := len(listParams.([]any)); n != 6 {
			t.Errorf("GET /people has %d parameters; want 6", n)
		}
		checks := map[string]any{
			"components.schemas.Person.properties.emails.properties.primaryEmail.format":    "email",
			"components.schemas.Person.properties.id.format":                                "uuid",
			"components.schemas.Person.properties.createdAt.format":                         "date-time",
			"components.schemas.Person.properties.companyId.format":                         "uuid",
			"components.schemas.Person.properties.companyId.nullable":                       true,
			"components.schemas.Person.properties.deletedAt.nullable":                       true,
			"components.schemas.Person.properties.createdBy.properties.source.readOnly":     true,
			"components.schemas.Opportunity.properties.stage.enum":                          []any{"NEW", "SCREENING", "MEETING", "PROPOSAL", "CUSTOMER", "CHURNED"},
			"components.schemas.Opportunity.properties.amount.properties.amountMicros.type": "integer",
			"components.schemas.Task.properties.status.enum":                                []any{"TODO", "IN_PROGRESS", "DONE"},
			"components.schemas.Company.properties.address.properties.addressLat.type":      "number",
			"components.securitySchemes.bearerAuth.scheme":                                  "bearer",
			"components.schemas.Error.properties.error.properties.field.type":               "string",
			"components.responses.NotFound.content.application/json.schema.$ref":            "#/components/schemas/Error",
		}
		for path, want := range checks {
			if got, ok := get(doc, path); !ok || !reflect.DeepEqual(got, want) {
				t.Errorf("%s = %#v; want %#v", path, got, want)
			}
		}
		for _, absent := range []string{
			"components.schemas.Person.properties.tier",
			"components.schemas.Company.properties.domainKey",
			"components.schemas.PersonInput.properties.createdAt",
			"components.schemas.PersonInput.properties.createdBy",
		} {
			if v, ok := get(doc, absent); ok {
				t.Errorf("%s = %v; want absent", absent, v)
			}
		}
		if got, _ := get(paths["/openapi.json"], "get.security"); !reflect.DeepEqual(got, []any{}) {
			t.Errorf("openapi.json security = %v; want [] (public)", got)
		}

		// With credentials the workspace's custom fields appear, and only its own.
		res := e.do("A", "GET", "/rest/openapi.json", "")
		if res.status != 200 {
			t.Fatalf("GET /rest/openapi.json as A = %d", res.status)
		}
		for path, want := range map[string]any{
			"components.schemas.Person.properties.tier.enum":                           []any{"GOLD", "SILVER"},
			"components.schemas.Person.properties.score.type":                          "number",
			"components.schemas.Person.properties.joined.format":                       "date-time",
			"components.schemas.Person.properties.price.properties.amountMicros.type":  "integer",
			"components.schemas.PersonInput.properties.vip.type":                       "boolean",
			"components.schemas.Person.properties.emails.properties.primaryEmail.type": "string",
		} {
			if got, ok := get(res.json, path); !ok || !reflect.DeepEqual(got, want) {
				t.Errorf("as A: %s = %#v; want %#v", path, got, want)
			}
		}
		res = e.do("B", "GET", "/rest/openapi.json", "")
		if v, ok := get(res.json, "components.schemas.Person.properties.tier"); ok {
			t.Errorf("as B: Person.tier = %v; want absent (A's custom field)", v)
		}
	})
}
