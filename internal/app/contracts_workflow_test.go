package app

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/audit"
	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/poll"
)

// TestContractWorkflows runs SEND_CONTRACT and CONTRACT_EVENT on the
// composed application: a new opportunity starts a workflow whose step
// sends a contract to its contact; signing it starts another workflow that
// creates a task from {{trigger.contract.*}}.
func TestContractWorkflows(t *testing.T) {
	for _, d := range dialects(t) {
		t.Run(d, func(t *testing.T) {
			a, h := startApp(t, d, bytes.Repeat([]byte{4}, 32), true)
			ctx := context.Background()
			ws, _, err := a.Auth.CreateWorkspace(ctx, auth.CreateWorkspaceParams{Name: "A", AdminEmail: "a@x.io", AdminPassword: "password-A"})
			if err != nil {
				t.Fatal(err)
			}
			_, key, err := a.Auth.CreateAPIKey(ctx, auth.CreateAPIKeyParams{WorkspaceID: ws.ID, Name: "k", By: audit.System("test")})
			if err != nil {
				t.Fatal(err)
			}
			A := client{t, h, key}
			must := func(out map[string]any) map[string]any {
				t.Helper()
				if out["errors"] != nil {
					t.Fatalf("graphql errors: %v", out["errors"])
				}
				return out["data"].(map[string]any)
			}
			tpl := dig(must(A.gql(`mutation($d: ContractTemplateInput!) { createContractTemplate(data: $d) { id } }`, map[string]any{"d": map[string]any{
				"name": "Retainer", "body": "{{person.name}} agrees.", "signerRoles": []any{map[string]any{"role": "Client", "order": 1}},
			}})), "createContractTemplate", "id").(string)

			workflow := func(name string, trigger map[string]any, steps []any) {
				t.Helper()
				wf := dig(must(A.gql(`mutation($n: String!) { createWorkflow(data: {name: $n}) { id } }`, map[string]any{"n": name})), "createWorkflow", "id").(string)
				vs := must(A.gql(`query($w: ID) { workflowVersions(filter: {workflowId: {eq: $w}}) { edges { node { id } } } }`, map[string]any{"w": wf}))
				vid := dig(vs, "workflowVersions", "edges").([]any)[0].(map[string]any)["node"].(map[string]any)["id"].(string)
				must(A.gql(`mutation($id: ID!, $t: JSON, $s: JSON) { updateWorkflowVersion(id: $id, data: {trigger: $t, steps: $s}) { id } }`,
					map[string]any{"id": vid, "t": trigger, "s": steps}))
				must(A.gql(`mutation($id: ID!) { activateWorkflowVersion(workflowVersionId: $id) }`, map[string]any{"id": vid}))
			}
			// A SEND_CONTRACT step naming a template that does not exist is refused at activation.
			wf := dig(must(A.gql(`mutation { createWorkflow(data: {name: "Bad"}) { id } }`, nil)), "createWorkflow", "id").(string)
			vs := must(A.gql(`query($w: ID) { workflowVersions(filter: {workflowId: {eq: $w}}) { edges { node { id } } } }`, map[string]any{"w": wf}))
			vid := dig(vs, "workflowVersions", "edges").([]any)[0].(map[string]any)["node"].(map[string]any)["id"].(string)
			must(A.gql(`mutation($id: ID!, $t: JSON, $s: JSON) { updateWorkflowVersion(id: $id, data: {trigger: $t, steps: $s}) { id } }`, map[string]any{"id": vid,
				"t": map[string]any{"type": "CONTRACT_EVENT", "settings": map[string]any{"eventName": "contract.signed"}},
				"s": []any{map[string]any{"id": "s", "type": "SEND_CONTRACT", "settings": map[string]any{"input": map[string]any{"templateId": "nope", "personId": "x"}}}}}))
			out := A.gql(`mutation($id: ID!) { activateWorkflowVersion(workflowVersionId: $id) }`, map[string]any{"id": vid})
			if !strings.Contains(fmt.Sprint(out["errors"]), "settings.input.templateId") {
				t.Errorf("activating SEND_CONTRACT with an unknown template = %v; want an error on templateId", out["errors"])
			}

			workflow("Send on new deal", map[string]any{"type": "DATABASE_EVENT", "settings": map[string]any{"eventName": "opportunity.created"}},
				[]any{map[string]any{"id": "send", "type": "SEND_CONTRACT", "settings": map[string]any{"input": map[string]any{
					"templateId": tpl, "opportunityId": "{{trigger.object.id}}", "expiresInDays": 10}}}})
			workflow("Onboard when signed", map[string]any{"type": "CONTRACT_EVENT", "settings": map[string]any{"eventName": "contract.signed"}},
				[]any{map[string]any{"id": "task", "type": "CREATE_RECORD", "settings": map[string]any{"input": map[string]any{
					"objectName": "task", "objectRecord": map[string]any{"title": "Onboard: {{trigger.contract.name}} is {{trigger.contract.status}}"}}}}})

			code, p := A.do("POST", "/rest/people", map[string]any{"name": map[string]any{"firstName": "Ines", "lastName": "Müller"},
				"emails": map[string]any{"primaryEmail": "ines@example.com"}})
			if code != 201 {
				t.Fatalf("create person = %d %v", code, p)
			}
			person := dig(p, "data", "createPerson", "id").(string)
			code, o := A.do("POST", "/rest/opportunities", map[string]any{"name": "Mastermind", "pointOfContactId": person})
			if code != 201 {
				t.Fatalf("create opportunity = %d %v", code, o)
			}
			opp := dig(o, "data", "createOpportunity", "id").(string)

			var link string
			poll.Until(t, 60*time.Second, func() error {
				_, list := A.do("GET", "/rest/contracts?opportunityId="+opp, nil)
				cs, _ := dig(list, "data", "contracts").([]any)
				if len(cs) != 1 {
					return fmt.Errorf("contracts of the opportunity: %d", len(cs))
				}
				link, _ = cs[0].(map[string]any)["signers"].([]any)[0].(map[string]any)["signingUrl"].(string)
				return nil
			})
			path := strings.TrimPrefix(link, "http://roster.test")
			for _, step := range []struct {
				path string
				form url.Values
			}{{path + "/consent", url.Values{"consent": {"yes"}}}, {path, url.Values{"intent": {"yes"}, "v.signature-client": {"Ines Müller"}}}} {
				req := httptest.NewRequest("POST", step.path, strings.NewReader(step.form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusSeeOther && rec.Code != http.StatusOK {
					t.Fatalf("POST %s = %d %s", step.path, rec.Code, rec.Body.String())
				}
			}
			poll.Until(t, 60*time.Second, func() error {
				_, list := A.do("GET", "/rest/tasks", nil)
				for _, tk := range dig(list, "data", "tasks").([]any) {
					if tk.(map[string]any)["title"] == "Onboard: Retainer is SIGNED" {
						return nil
					}
				}
				return fmt.Errorf("no onboarding task yet")
			})
		})
	}
}
