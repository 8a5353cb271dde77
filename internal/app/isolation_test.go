package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/audit"
	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/config"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/httpserver"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// testApp builds the whole application over a fresh database of the dialect
// and returns its HTTP handler.
func testApp(t *testing.T, dialect string) (*App, http.Handler) {
	t.Helper()
	cfg := config.Config{DataDir: t.TempDir(), Addr: "127.0.0.1:0", BaseURL: "http://roster.test"}
	if dialect == "postgres" {
		cfg.DatabaseURL = storetest.PostgresURL(t)
	}
	a, err := open(context.Background(), cfg, slog.New(slog.DiscardHandler), openParams{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	srv := httpserver.New(httpserver.Config{Logger: slog.New(slog.DiscardHandler), Store: a.Store})
	if err := a.mount(srv); err != nil {
		t.Fatal(err)
	}
	return a, srv.Handler()
}

func dialects(t *testing.T) []string {
	if storetest.PostgresEnabled(t) {
		return []string{"sqlite", "postgres"}
	}
	return []string{"sqlite"}
}

type client struct {
	t   *testing.T
	h   http.Handler
	key string
}

func (c client) do(method, path string, body any) (int, map[string]any) {
	c.t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req := httptest.NewRequest(method, path, r)
	req.Header.Set("Authorization", "Bearer "+c.key)
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	c.h.ServeHTTP(rec, req)
	var out map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &out)
	return rec.Code, out
}

func (c client) gql(query string, vars map[string]any) map[string]any {
	c.t.Helper()
	code, out := c.do("POST", "/graphql", map[string]any{"query": query, "variables": vars})
	if code != 200 {
		c.t.Fatalf("graphql status %d: %v", code, out)
	}
	return out
}

// TestWorkspaceIsolationWalk creates one record of every object in workspace
// B, then walks every REST endpoint and every GraphQL operation with
// workspace A's key: each must answer "not found" (or an empty list), and B's
// records must come out unchanged.
func TestWorkspaceIsolationWalk(t *testing.T) {
	for _, d := range dialects(t) {
		t.Run(d, func(t *testing.T) {
			a, h := testApp(t, d)
			ctx := context.Background()
			keys := map[string]string{}
			for _, name := range []string{"A", "B"} {
				ws, _, err := a.Auth.CreateWorkspace(ctx, auth.CreateWorkspaceParams{Name: name, AdminEmail: strings.ToLower(name) + "@x.io", AdminPassword: "password-" + name})
				if err != nil {
					t.Fatal(err)
				}
				_, key, err := a.Auth.CreateAPIKey(ctx, auth.CreateAPIKeyParams{WorkspaceID: ws.ID, Name: "k", By: audit.System("test")})
				if err != nil {
					t.Fatal(err)
				}
				keys[name] = key
			}
			A, B := client{t, h, keys["A"]}, client{t, h, keys["B"]}

			// B's records, one per object, plus a note target and a custom field.
			bodies := map[string]map[string]any{
				"companies":     {"name": "B Corp", "domainName": map[string]any{"primaryLinkUrl": "b.example"}},
				"people":        {"name": map[string]any{"firstName": "Bea"}, "emails": map[string]any{"primaryEmail": "bea@b.example"}, "whopUserId": "user_b"},
				"opportunities": {"name": "B deal", "whopMembershipId": "mem_b"},
				"notes":         {"title": "B note"},
				"tasks":         {"title": "B task"},
			}
			ids := map[string]string{}
			for _, o := range crm.Objects() {
				code, out := B.do("POST", "/rest/"+o.Plural, bodies[o.Plural])
				if code != 201 {
					t.Fatalf("B create %s: %d %v", o.Plural, code, out)
				}
				rec := out["data"].(map[string]any)["create"+o.Label].(map[string]any)
				ids[o.Plural] = rec["id"].(string)
			}
			if out := B.gql(`mutation($n: UUID!, $p: UUID!){ createNoteTarget(data: {noteId: $n, personId: $p}) { id } }`,
				map[string]any{"n": ids["notes"], "p": ids["people"]}); out["errors"] != nil {
				t.Fatalf("B note target: %v", out["errors"])
			}
			if out := B.gql(`mutation{ createField(input: {object: "person", name: "secretScore", type: NUMBER}) { id } }`, nil); out["errors"] != nil {
				t.Fatalf("B field: %v", out["errors"])
			}

			for _, o := range crm.Objects() {
				id := ids[o.Plural]
				rest := []struct{ method, path string }{
					{"GET", "/rest/" + o.Plural + "/" + id},
					{"PATCH", "/rest/" + o.Plural + "/" + id},
					{"DELETE", "/rest/" + o.Plural + "/" + id},
					{"DELETE", "/rest/" + o.Plural + "/" + id + "?soft_delete=false"},
					{"POST", "/rest/restore/" + o.Plural + "/" + id},
				}
				for _, rt := range rest {
					var body any
					if rt.method == "PATCH" {
						body = map[string]any{"position": 7}
					}
					if code, out := A.do(rt.method, rt.path, body); code != 404 {
						t.Errorf("A %s %s = %d %v; want 404", rt.method, rt.path, code, out)
					}
				}
				code, out := A.do("GET", "/rest/"+o.Plural+"?filter=id[eq]:"+id, nil)
				if code != 200 || len(out["data"].(map[string]any)[o.Plural].([]any)) != 0 {
					t.Errorf("A list %s by B's id = %d %v; want an empty list", o.Plural, code, out)
				}
				code, out = A.do("GET", "/rest/"+o.Plural, nil)
				if code != 200 || out["totalCount"].(float64) != 0 {
					t.Errorf("A list %s = %d %v; want nothing", o.Plural, code, out)
				}

				label, plural := o.Label, o.Plural
				for _, op := range []string{
					fmt.Sprintf(`query($id: UUID!){ r: %s(id: $id) { id } }`, o.Name),
					fmt.Sprintf(`mutation($id: UUID!){ r: update%s(id: $id, data: {position: 3}) { id } }`, label),
					fmt.Sprintf(`mutation($id: UUID!){ r: delete%s(id: $id) { id } }`, label),
					fmt.Sprintf(`mutation($id: UUID!){ r: restore%s(id: $id) { id } }`, label),
					fmt.Sprintf(`mutation($id: UUID!){ r: destroy%s(id: $id) { id } }`, label),
				} {
					out := A.gql(op, map[string]any{"id": id})
					data, _ := out["data"].(map[string]any)
					if data != nil && data["r"] != nil {
						t.Errorf("A %s on B's record returned %v; want nothing", op, data["r"])
					}
					if strings.HasPrefix(op, "mutation") && !hasCode(out, "NOT_FOUND") {
						t.Errorf("A %s errors = %v; want NOT_FOUND", op, out["errors"])
					}
				}
				out = A.gql(fmt.Sprintf(`query($id: UUID!){ r: %s(filter: {id: {eq: $id}}) { totalCount } }`, plural), map[string]any{"id": id})
				if n := out["data"].(map[string]any)["r"].(map[string]any)["totalCount"]; n != float64(0) {
					t.Errorf("A %s filtered by B's id: totalCount %v; want 0", plural, n)
				}
			}
			// References, targets, timeline and fields across workspaces.
			if code, out := A.do("POST", "/rest/people", map[string]any{"companyId": ids["companies"]}); code != 400 {
				t.Errorf("A person pointing at B's company = %d %v; want 400", code, out)
			}
			if out := A.gql(`mutation($n: UUID!){ createNoteTarget(data: {noteId: $n}) { id } }`, map[string]any{"n": ids["notes"]}); out["errors"] == nil {
				t.Error("A attached B's note; want an error")
			}
			if out := A.gql(`query($id: UUID!){ timelineActivities(objectName: "person", recordId: $id) { id } }`, map[string]any{"id": ids["people"]}); !hasCode(out, "NOT_FOUND") {
				t.Errorf("A read B's timeline: %v; want NOT_FOUND", out)
			}
			if out := A.gql(`{ fields { name } }`, nil); len(out["data"].(map[string]any)["fields"].([]any)) != 0 {
				t.Errorf("A sees B's custom fields: %v", out["data"])
			}
			if code, _ := A.do("GET", "/rest/people?filter=secretScore[gt]:1", nil); code != 400 {
				t.Errorf("A filtered by B's custom field: %d; want 400 unknown field", code)
			}
			// B's records are untouched.
			for _, o := range crm.Objects() {
				code, out := B.do("GET", "/rest/"+o.Plural+"/"+ids[o.Plural], nil)
				rec, _ := out["data"].(map[string]any)[string(o.Name)].(map[string]any)
				if code != 200 || rec["deletedAt"] != nil || rec["position"] != float64(0) {
					t.Errorf("B's %s after A's walk = %d %v; want unchanged", o.Name, code, rec)
				}
			}
			walkWorkflows(t, A, B)
		})
	}
}

// walkWorkflows gives B a workflow with a version and a run, then walks
// every workflow operation with A's key: each answers NOT_FOUND (or an
// empty list), and B's workflow is still there.
func walkWorkflows(t *testing.T, A, B client) {
	t.Helper()
	out := B.gql(`mutation { createWorkflow(data: {name: "B flow"}) { id } }`, nil)
	wf := out["data"].(map[string]any)["createWorkflow"].(map[string]any)["id"].(string)
	out = B.gql(`query($w: ID) { workflowVersions(filter: {workflowId: {eq: $w}}) { edges { node { id } } } }`, map[string]any{"w": wf})
	v := out["data"].(map[string]any)["workflowVersions"].(map[string]any)["edges"].([]any)[0].(map[string]any)["node"].(map[string]any)["id"].(string)
	steps := []any{map[string]any{"id": "n", "type": "CREATE_RECORD", "settings": map[string]any{"input": map[string]any{"objectName": "note", "objectRecord": map[string]any{"title": "x"}}}}}
	B.gql(`mutation($v: ID!, $s: JSON) { updateWorkflowVersion(id: $v, data: {trigger: {type: "MANUAL", settings: {}}, steps: $s}) { id } }`, map[string]any{"v": v, "s": steps})
	out = B.gql(`mutation($v: ID!) { runWorkflowVersion(input: {workflowVersionId: $v}) { workflowRunId } }`, map[string]any{"v": v})
	run, _ := out["data"].(map[string]any)["runWorkflowVersion"].(map[string]any)["workflowRunId"].(string)
	if run == "" {
		t.Fatalf("B's test run: %v", out)
	}
	for _, op := range []struct{ q, id string }{
		{`query($id: ID!) { r: workflow(id: $id) { id } }`, wf},
		{`mutation($id: ID!) { r: deleteWorkflow(id: $id) { id } }`, wf},
		{`query($id: ID!) { r: workflowVersion(id: $id) { id } }`, v},
		{`mutation($id: ID!) { r: updateWorkflowVersion(id: $id, data: {name: "mine"}) { id } }`, v},
		{`mutation($id: ID!) { r: activateWorkflowVersion(workflowVersionId: $id) }`, v},
		{`mutation($id: ID!) { r: createDraftFromWorkflowVersion(input: {workflowId: $id, workflowVersionIdToCopy: $id}) { id } }`, v},
		{`mutation($id: ID!) { r: runWorkflowVersion(input: {workflowVersionId: $id}) { workflowRunId } }`, v},
		{`query($id: ID!) { r: workflowRun(id: $id) { id } }`, run},
		{`mutation($id: ID!) { r: stopWorkflowRun(id: $id) { id } }`, run},
	} {
		out := A.gql(op.q, map[string]any{"id": op.id})
		if data, _ := out["data"].(map[string]any); data != nil && data["r"] != nil {
			t.Errorf("A %s on B's workflow returned %v; want nothing", op.q, data["r"])
		}
		if !hasCode(out, "NOT_FOUND") {
			t.Errorf("A %s errors = %v; want NOT_FOUND", op.q, out["errors"])
		}
	}
	for _, path := range []string{"/rest/workflows/" + wf, "/rest/workflowVersions/" + v, "/rest/workflowRuns/" + run} {
		if code, out := A.do("GET", path, nil); code != 404 {
			t.Errorf("A GET %s = %d %v; want 404", path, code, out)
		}
	}
	for _, q := range []string{`{ r: workflows { totalCount } }`, `{ r: workflowVersions { totalCount } }`, `{ r: workflowRuns { totalCount } }`} {
		out := A.gql(q, nil)
		if n := out["data"].(map[string]any)["r"].(map[string]any)["totalCount"]; n != float64(0) {
			t.Errorf("A %s = %v; want 0", q, n)
		}
	}
	if out := B.gql(`query($id: ID!) { workflow(id: $id) { name } }`, map[string]any{"id": wf}); out["errors"] != nil {
		t.Errorf("B's workflow after A's walk: %v", out["errors"])
	}
}

func hasCode(out map[string]any, code string) bool {
	errs, _ := out["errors"].([]any)
	for _, e := range errs {
		ext, _ := e.(map[string]any)["extensions"].(map[string]any)
		if ext["code"] == code {
			return true
		}
	}
	return false
}
