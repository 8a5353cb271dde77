package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/audit"
	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/config"
	"github.com/roster-crm/roster/internal/httpserver"
	"github.com/roster-crm/roster/internal/poll"
	"github.com/roster-crm/roster/internal/store/storetest"
	"github.com/roster-crm/roster/internal/webhooks"
)

// TestOutgoingWebhooksEndToEnd runs the composed application: an admin's
// API key creates a webhook over REST, a person created over GraphQL reaches
// a receiver signed with the webhook's secret, and workspace B's key can
// neither see nor change A's webhook or its deliveries.
func TestOutgoingWebhooksEndToEnd(t *testing.T) {
	t.Setenv("ROSTER_ALLOW_PRIVATE_NETWORK", "true") // the receiver is on loopback
	for _, d := range dialects(t) {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			cfg := config.Config{DataDir: t.TempDir(), Addr: "127.0.0.1:0", BaseURL: "http://roster.test", EncryptionKey: bytes.Repeat([]byte{9}, 32)}
			if d == "postgres" {
				cfg.DatabaseURL = storetest.PostgresURL(t)
			}
			a, err := open(ctx, cfg, slog.New(slog.DiscardHandler), openParams{Migrate: true, WorkJobs: true})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { a.Close() })
			if err := a.Queue.Start(ctx); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				stopCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
				defer cancel()
				_ = a.Queue.Stop(stopCtx)
			})
			srv := httpserver.New(httpserver.Config{Logger: slog.New(slog.DiscardHandler), Store: a.Store})
			if err := a.mount(srv); err != nil {
				t.Fatal(err)
			}
			h := srv.Handler()
			keys := map[string]string{}
			for _, name := range []string{"A", "B"} {
				ws, _, err := a.Auth.CreateWorkspace(ctx, auth.CreateWorkspaceParams{Name: name, AdminEmail: strings.ToLower(name) + "@x.io", AdminPassword: "password-" + name})
				if err != nil {
					t.Fatal(err)
				}
				if _, keys[name], err = a.Auth.CreateAPIKey(ctx, auth.CreateAPIKeyParams{WorkspaceID: ws.ID, Name: "k", By: audit.System("test")}); err != nil {
					t.Fatal(err)
				}
			}
			A, B := client{t, h, keys["A"]}, client{t, h, keys["B"]}

			var mu sync.Mutex
			var got []*http.Request
			var bodies [][]byte
			rc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				mu.Lock()
				got, bodies = append(got, r), append(bodies, b)
				mu.Unlock()
			}))
			t.Cleanup(rc.Close)

			code, out := A.do("POST", "/rest/webhooks", map[string]any{"targetUrl": rc.URL + "/in", "operations": []string{"person.created"}})
			if code != http.StatusCreated {
				t.Fatalf("POST /rest/webhooks = %d %v", code, out)
			}
			hook := out["data"].(map[string]any)["createWebhook"].(map[string]any)
			id, sec := hook["id"].(string), webhooks.Secret(hook["secret"].(string))

			if out := A.gql(`mutation { createPerson(data: {name: {firstName: "Ada"}}) { id } }`, nil); out["errors"] != nil {
				t.Fatalf("createPerson: %v", out["errors"])
			}
			poll.Until(t, 30*time.Second, func() error {
				mu.Lock()
				defer mu.Unlock()
				if len(got) == 0 {
					return io.EOF
				}
				return webhooks.Verify(sec, got[0].Header, bodies[0], time.Now(), 5*time.Minute)
			})
			if !strings.Contains(string(bodies[0]), `"type":"person.created"`) || !strings.Contains(string(bodies[0]), `"firstName":"Ada"`) {
				t.Errorf("delivered body = %s; want person.created with Ada", bodies[0])
			}

			// B sees none of it.
			for _, rt := range []struct{ method, path string }{
				{"GET", "/rest/webhooks/" + id}, {"PATCH", "/rest/webhooks/" + id}, {"DELETE", "/rest/webhooks/" + id},
				{"GET", "/rest/webhooks/" + id + "/deliveries"},
			} {
				var body any
				if rt.method == "PATCH" {
					body = map[string]any{"enabled": false}
				}
				if code, out := B.do(rt.method, rt.path, body); code != http.StatusNotFound {
					t.Errorf("B %s %s = %d %v; want 404", rt.method, rt.path, code, out)
				}
			}
			if out := B.gql(`{ webhooks { totalCount } }`, nil); out["data"].(map[string]any)["webhooks"].(map[string]any)["totalCount"] != float64(0) {
				t.Errorf("B's webhooks = %v; want none", out)
			}
			// The attempt is logged once the receiver has answered.
			poll.Until(t, 30*time.Second, func() error {
				out := A.gql(`query($id: ID!) { webhookDeliveries(webhookId: $id) { edges { node { id status attemptLog { statusCode attempt } } } } }`, map[string]any{"id": id})
				if !strings.Contains(jsonText(out), `"status":"SUCCEEDED"`) || !strings.Contains(jsonText(out), `"statusCode":200`) {
					return errors.New("A's deliveries = " + jsonText(out) + "; want one SUCCEEDED with a 200 attempt")
				}
				return nil
			})
			if out := B.gql(`query($id: ID!) { webhook(id: $id) { id } }`, map[string]any{"id": id}); !hasCode(out, "NOT_FOUND") {
				t.Errorf("B webhook(A's) = %v; want NOT_FOUND", out)
			}
		})
	}
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
