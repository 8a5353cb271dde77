package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/audit"
	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/poll"
)

// workingApp is testApp with the job queue working jobs, so workflow runs
// execute.
func workingApp(t *testing.T, dialect string) (*App, http.Handler) {
	t.Helper()
	return startApp(t, dialect, nil, true)
}

// raw sends a request with an optional bearer key and returns the status
// and decoded body.
func raw(t *testing.T, h http.Handler, method, path, key string, body []byte) (int, map[string]any) {
	t.Helper()
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var out map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &out)
	return rec.Code, out
}

func dig(m any, path ...string) any {
	for _, p := range path {
		mm, _ := m.(map[string]any)
		m = mm[p]
	}
	return m
}

// TestWorkflowAPI drives workflows through GraphQL, REST and the webhook
// endpoint exactly as the issue names them, on a running app: a record
// created through REST runs the active workflow; activation refusals name
// the step and field; webhook runs answer 202/404/401/413; another
// workspace's key sees none of it.
func TestWorkflowAPI(t *testing.T) {
	for _, d := range dialects(t) {
		t.Run(d, func(t *testing.T) {
			a, h := workingApp(t, d)
			ctx := context.Background()
			keys, wss := map[string]string{}, map[string]string{}
			for _, name := range []string{"A", "B"} {
				ws, _, err := a.Auth.CreateWorkspace(ctx, auth.CreateWorkspaceParams{Name: name, AdminEmail: strings.ToLower(name) + "@x.io", AdminPassword: "password-" + name})
				if err != nil {
					t.Fatal(err)
				}
				_, key, err := a.Auth.CreateAPIKey(ctx, auth.CreateAPIKeyParams{WorkspaceID: ws.ID, Name: "k", By: audit.System("test")})
				if err != nil {
					t.Fatal(err)
				}
				keys[name], wss[name] = key, ws.ID
			}
			A := client{t, h, keys["A"]}
			B := client{t, h, keys["B"]}
			gql := func(c client, q string, vars map[string]any) map[string]any {
				t.Helper()
				out := c.gql(q, vars)
				return out
			}
			mustData := func(out map[string]any) map[string]any {
				t.Helper()
				if out["errors"] != nil {
					t.Fatalf("graphql errors: %v", out["errors"])
				}
				return out["data"].(map[string]any)
			}

			// createWorkflow makes the first DRAFT version.
			wf := mustData(gql(A, `mutation { createWorkflow(data: {name: "Welcome", description: "greets new people"}) { id name statuses } }`, nil))["createWorkflow"].(map[string]any)
			wfID := wf["id"].(string)
			if st := wf["statuses"].([]any); len(st) != 1 || st[0] != "DRAFT" {
				t.Fatalf("new workflow statuses = %v; want [DRAFT]", st)
			}
			vs := mustData(gql(A, `query($w: ID) { workflowVersions(filter: {workflowId: {eq: $w}}) { totalCount edges { node { id status } } } }`, map[string]any{"w": wfID}))
			draftID := dig(vs, "workflowVersions", "edges").([]any)[0].(map[string]any)["node"].(map[string]any)["id"].(string)

			// A bad version is refused with the step and field.
			bad := []any{map[string]any{"id": "t1", "name": "Task", "type": "CREATE_RECORD", "settings": map[string]any{"input": map[string]any{
				"objectName": "task", "objectRecord": map[string]any{"title": "Hi {{trigger.object.shoeSize}}"}}}}}
			trigger := map[string]any{"type": "DATABASE_EVENT", "settings": map[string]any{"eventName": "person.created"}}
			mustData(gql(A, `mutation($id: ID!, $t: JSON, $s: JSON) { updateWorkflowVersion(id: $id, data: {trigger: $t, steps: $s}) { id } }`,
				map[string]any{"id": draftID, "t": trigger, "s": bad}))
			out := gql(A, `mutation($id: ID!) { activateWorkflowVersion(workflowVersionId: $id) }`, map[string]any{"id": draftID})
			errs, _ := out["errors"].([]any)
			if len(errs) == 0 || !strings.Contains(fmt.Sprint(errs[0]), "steps.t1.settings.input.objectRecord.title") || !strings.Contains(fmt.Sprint(errs[0]), "shoeSize") {
				t.Fatalf("activating a bad version: %v; want an error naming steps.t1...title and shoeSize", out["errors"])
			}

			good := []any{map[string]any{"id": "t1", "name": "Task", "type": "CREATE_RECORD", "settings": map[string]any{"input": map[string]any{
				"objectName": "task", "objectRecord": map[string]any{"title": "Call {{trigger.object.name.firstName}}"}}}}}
			// REST updates the draft, GraphQL activates it.
			body, _ := json.Marshal(map[string]any{"steps": good})
			if code, out := raw(t, h, "PATCH", "/rest/workflowVersions/"+draftID, keys["A"], body); code != 200 {
				t.Fatalf("PATCH version = %d %v", code, out)
			}
			if ok := mustData(gql(A, `mutation($id: ID!) { activateWorkflowVersion(workflowVersionId: $id) }`, map[string]any{"id": draftID}))["activateWorkflowVersion"]; ok != true {
				t.Fatalf("activateWorkflowVersion = %v; want true", ok)
			}
			if code, out := A.do("POST", "/rest/people", map[string]any{"name": map[string]any{"firstName": "Ada"}}); code != 201 {
				t.Fatalf("create person = %d %v", code, out)
			}
			var runID string
			poll.Until(t, 60*time.Second, func() error {
				out := mustData(gql(A, `query($w: ID) { workflowRuns(filter: {workflowId: {eq: $w}, status: {eq: COMPLETED}}) { totalCount edges { node { id status } } } }`, map[string]any{"w": wfID}))
				if n := dig(out, "workflowRuns", "totalCount"); n != float64(1) {
					return fmt.Errorf("completed runs = %v", n)
				}
				runID = dig(out, "workflowRuns", "edges").([]any)[0].(map[string]any)["node"].(map[string]any)["id"].(string)
				return nil
			})
			run := mustData(gql(A, `query($id: ID!) { workflowRun(id: $id) { status createdBy { source } state } }`, map[string]any{"id": runID}))["workflowRun"]
			if title := dig(run, "state", "stepInfos", "t1", "result", "title"); title != "Call Ada" {
				t.Errorf("run state t1 result title = %v; want Call Ada (%v)", title, run)
			}
			if code, out := raw(t, h, "GET", "/rest/workflowRuns?filter=workflowId[eq]:"+wfID+",status[eq]:COMPLETED", keys["A"], nil); code != 200 || out["totalCount"] != float64(1) {
				t.Errorf("REST workflowRuns = %d %v; want one", code, out)
			}
			if code, out := raw(t, h, "GET", "/rest/workflows/"+wfID, keys["A"], nil); code != 200 || dig(out, "data", "workflow", "lastPublishedVersionId") != draftID {
				t.Errorf("REST workflow = %d %v; want lastPublishedVersionId %s", code, out, draftID)
			}

			// A webhook workflow, with and without a key.
			hook := func(auth any) (string, string) {
				t.Helper()
				code, out := raw(t, h, "POST", "/rest/workflows", keys["A"], []byte(`{"name": "Hook"}`))
				if code != 201 {
					t.Fatalf("POST /rest/workflows = %d %v", code, out)
				}
				id := dig(out, "data", "createWorkflow", "id").(string)
				_, list := raw(t, h, "GET", "/rest/workflowVersions?filter=workflowId[eq]:"+id, keys["A"], nil)
				vid := dig(list, "data").(map[string]any)["workflowVersions"].([]any)[0].(map[string]any)["id"].(string)
				b, _ := json.Marshal(map[string]any{
					"trigger": map[string]any{"type": "WEBHOOK", "settings": map[string]any{"authentication": auth}},
					"steps": []any{map[string]any{"id": "n", "type": "CREATE_RECORD", "settings": map[string]any{"input": map[string]any{
						"objectName": "note", "objectRecord": map[string]any{"title": "order {{trigger.body.order.id}}"}}}}}})
				if code, out := raw(t, h, "PATCH", "/rest/workflowVersions/"+vid, keys["A"], b); code != 200 {
					t.Fatalf("PATCH hook version = %d %v", code, out)
				}
				if code, out := raw(t, h, "POST", "/rest/workflowVersions/"+vid+"/activate", keys["A"], nil); code != 200 {
					t.Fatalf("activate hook = %d %v", code, out)
				}
				return id, vid
			}
			open, _ := hook(nil)
			url := "/webhooks/workflows/" + wss["A"] + "/" + open
			code, out := raw(t, h, "POST", url, "", []byte(`{"order": {"id": "o-17"}}`))
			if code != 202 || out["workflowRunId"] == nil {
				t.Fatalf("POST webhook = %d %v; want 202 with the run id", code, out)
			}
			hookRun := out["workflowRunId"].(string)
			poll.Until(t, 60*time.Second, func() error {
				_, out := raw(t, h, "GET", "/rest/workflowRuns/"+hookRun, keys["A"], nil)
				if st := dig(out, "data", "workflowRun", "status"); st != "COMPLETED" {
					return fmt.Errorf("webhook run is %v: %v", st, out)
				}
				if title := dig(out, "data", "workflowRun", "state", "stepInfos", "n", "result", "title"); title != "order o-17" {
					t.Fatalf("webhook note title = %v; want order o-17", title)
				}
				return nil
			})
			if code, _ := raw(t, h, "GET", url+"?order=1", "", nil); code != 202 {
				t.Errorf("GET webhook = %d; want 202", code)
			}
			if code, _ := raw(t, h, "POST", "/webhooks/workflows/"+wss["A"]+"/"+wfID, "", []byte(`{}`)); code != 404 {
				t.Errorf("webhook of a DATABASE_EVENT workflow = %d; want 404", code)
			}
			if code, _ := raw(t, h, "POST", "/webhooks/workflows/"+wss["B"]+"/"+open, "", []byte(`{}`)); code != 404 {
				t.Errorf("webhook under another workspace = %d; want 404", code)
			}
			big := append([]byte(`{"x": "`), append(bytes.Repeat([]byte("a"), 1<<20), []byte(`"}`)...)...)
			if code, _ := raw(t, h, "POST", url, "", big); code != 413 {
				t.Errorf("webhook over 1 MiB = %d; want 413", code)
			}
			keyed, _ := hook("API_KEY")
			kurl := "/webhooks/workflows/" + wss["A"] + "/" + keyed
			if code, _ := raw(t, h, "POST", kurl, "", []byte(`{}`)); code != 401 {
				t.Errorf("keyed webhook without a key = %d; want 401", code)
			}
			if code, _ := raw(t, h, "POST", kurl, "rk_wrong", []byte(`{}`)); code != 401 {
				t.Errorf("keyed webhook with a wrong key = %d; want 401", code)
			}
			if code, _ := raw(t, h, "POST", kurl, keys["B"], []byte(`{}`)); code != 401 {
				t.Errorf("keyed webhook with another workspace's key = %d; want 401", code)
			}
			if code, out := raw(t, h, "POST", kurl, keys["A"], []byte(`{}`)); code != 202 {
				t.Errorf("keyed webhook with the key = %d %v; want 202", code, out)
			}

			// Workspace B sees none of A's workflows, versions or runs.
			for _, q := range []string{
				`query($id: ID!) { r: workflow(id: $id) { id } }`,
				`query($id: ID!) { r: workflowVersion(id: $id) { id } }`,
				`query($id: ID!) { r: workflowRun(id: $id) { id } }`,
				`mutation($id: ID!) { r: deleteWorkflow(id: $id) { id } }`,
				`mutation($id: ID!) { r: activateWorkflowVersion(workflowVersionId: $id) }`,
				`mutation($id: ID!) { r: deactivateWorkflowVersion(workflowVersionId: $id) }`,
				`mutation($id: ID!) { r: stopWorkflowRun(id: $id) { id } }`,
				`mutation($id: ID!) { r: runWorkflowVersion(input: {workflowVersionId: $id}) { workflowRunId } }`,
			} {
				id := map[bool]string{true: wfID, false: draftID}[strings.Contains(q, "workflow(") || strings.Contains(q, "deleteWorkflow")]
				if strings.Contains(q, "Run(") || strings.Contains(q, "stopWorkflowRun") {
					id = runID
				}
				out := gql(B, q, map[string]any{"id": id})
				if r := dig(out, "data", "r"); r != nil {
					t.Errorf("B %s = %v; want nothing", q, r)
				}
				if !hasCode(out, "NOT_FOUND") {
					t.Errorf("B %s errors = %v; want NOT_FOUND", q, out["errors"])
				}
			}
			for _, p := range []string{"/rest/workflows", "/rest/workflowVersions", "/rest/workflowRuns"} {
				if code, out := raw(t, h, "GET", p, keys["B"], nil); code != 200 || out["totalCount"] != float64(0) {
					t.Errorf("B GET %s = %d %v; want an empty list", p, code, out)
				}
			}
			if code, _ := raw(t, h, "GET", "/rest/workflowRuns/"+runID, keys["B"], nil); code != 404 {
				t.Errorf("B GET A's run = %d; want 404", code)
			}
			// A's workflow survived B's attempts.
			if code, _ := raw(t, h, "GET", "/rest/workflows/"+wfID, keys["A"], nil); code != 200 {
				t.Errorf("A's workflow after B's walk = %d; want 200", code)
			}
		})
	}
}
