package graph_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/graph"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/secret"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
	"github.com/roster-crm/roster/internal/webhooks"
)

// newWebhookEnv is an endpoint with the webhooks service on (no queue: the
// operations here enqueue nothing).
func newWebhookEnv(t *testing.T, s *store.Store) *env {
	t.Helper()
	sealer, err := secret.NewSealer(secret.Key{Bytes: bytes.Repeat([]byte{3}, secret.KeySize)})
	if err != nil {
		t.Fatal(err)
	}
	recs := records.New(records.Config{Store: s})
	logged := &bytes.Buffer{}
	hooks := webhooks.New(webhooks.Config{Store: s, Records: recs, Sealer: sealer})
	h := graph.NewHandler(graph.Config{Records: recs, Webhooks: hooks, Logger: slog.New(slog.NewTextHandler(logged, nil))})
	return &env{h: h, s: s, wsA: newWorkspace(t, s, "A"), wsB: newWorkspace(t, s, "B"), logged: logged}
}

func TestWebhookOperations(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newWebhookEnv(t, s)
		created := e.ok(t, `mutation($data: WebhookCreateInput!) { createWebhook(data: $data) { id secret targetUrl operations description enabled failureCount } }`,
			map[string]any{"data": map[string]any{"targetUrl": "https://hooks.example.com/roster", "operations": []string{"person.created", "*.updated"}, "description": "CRM sync"}})
		id, _ := at(created, "createWebhook.id").(string)
		sec, _ := at(created, "createWebhook.secret").(string)
		if id == "" || !strings.HasPrefix(sec, "whsec_") || at(created, "createWebhook.enabled") != true {
			t.Fatalf("createWebhook = %v; want an id, a whsec_ secret, enabled", created)
		}
		list := e.ok(t, `{ webhooks { edges { node { id secret targetUrl operations } cursor } pageInfo { hasNextPage } totalCount } }`, nil)
		if at(list, "webhooks.totalCount") != int64(1) || at(list, "webhooks.edges.0.node.id") != id || at(list, "webhooks.edges.0.node.secret") != nil {
			t.Errorf("webhooks = %v; want the one webhook, without its secret", list)
		}
		if strings.Contains(e.logged.String(), sec) {
			t.Errorf("the secret was logged")
		}
		up := e.ok(t, `mutation($id: ID!) { updateWebhook(id: $id, data: {enabled: false, operations: ["*.*"]}) { enabled operations description secret } }`, map[string]any{"id": id})
		if at(up, "updateWebhook.enabled") != false || at(up, "updateWebhook.operations.0") != "*.*" || at(up, "updateWebhook.description") != "CRM sync" || at(up, "updateWebhook.secret") != nil {
			t.Errorf("updateWebhook = %v; want disabled, *.*, description kept, no secret", up)
		}
		one := e.ok(t, `query($id: ID!) { webhook(id: $id) { id enabled } webhookDeliveries(webhookId: $id) { totalCount edges { node { id } } } }`, map[string]any{"id": id})
		if at(one, "webhook.enabled") != false || at(one, "webhookDeliveries.totalCount") != int64(0) {
			t.Errorf("webhook, webhookDeliveries = %v; want disabled, no deliveries", one)
		}

		// Bad input names the field; nothing is stored.
		bad := e.do(t, apiKey(e.wsA), `mutation { createWebhook(data: {targetUrl: "http://127.0.0.1:8080/", operations: ["*.*"]}) { id } }`, nil)
		if len(bad.Errors) == 0 || bad.Errors[0].Extensions["field"] != "targetUrl" {
			t.Errorf("createWebhook(loopback) errors = %+v; want one on targetUrl", bad.Errors)
		}
		bad = e.do(t, apiKey(e.wsA), `mutation { createWebhook(data: {targetUrl: "https://hooks.example.com/", operations: ["people.created"]}) { id } }`, nil)
		if len(bad.Errors) == 0 || bad.Errors[0].Extensions["field"] != "operations" {
			t.Errorf("createWebhook(people.created) errors = %+v; want one on operations", bad.Errors)
		}

		// Another workspace and a member see nothing.
		other := e.do(t, apiKey(e.wsB), `query($id: ID!) { webhook(id: $id) { id } }`, map[string]any{"id": id})
		if other.code() != "NOT_FOUND" {
			t.Errorf("webhook(A's) as B = %+v; want NOT_FOUND", other.Errors)
		}
		if r := e.do(t, member(e.wsA), `{ webhooks { totalCount } }`, nil); r.code() != "FORBIDDEN" {
			t.Errorf("webhooks as a member = %+v; want FORBIDDEN", r.Errors)
		}
		if r := e.do(t, apiKey(e.wsA), `mutation { redeliverWebhookDelivery(id: "nope") { id } }`, nil); r.code() != "NOT_FOUND" {
			t.Errorf("redeliverWebhookDelivery(unknown) = %+v; want NOT_FOUND", r.Errors)
		}

		del := e.ok(t, `mutation($id: ID!) { deleteWebhook(id: $id) { id } }`, map[string]any{"id": id})
		if at(del, "deleteWebhook.id") != id {
			t.Errorf("deleteWebhook = %v", del)
		}
		if list := e.ok(t, `{ webhooks { totalCount } }`, nil); at(list, "webhooks.totalCount") != int64(0) {
			t.Errorf("webhooks after delete = %v; want none", list)
		}
	})
}
