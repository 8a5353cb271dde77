package rest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/rest"
	"github.com/roster-crm/roster/internal/secret"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
	"github.com/roster-crm/roster/internal/webhooks"
)

// webhookAPI is /rest/webhooks over a real webhooks service, with the
// caller chosen by X-Test-As: "A" (admin key, default), "B" (another
// workspace's key) or "M" (a member of A).
func webhookAPI(t *testing.T, s *store.Store) func(method, path, body, as string) (int, map[string]any) {
	t.Helper()
	sealer, err := secret.NewSealer(secret.Key{Bytes: bytes.Repeat([]byte{5}, secret.KeySize)})
	if err != nil {
		t.Fatal(err)
	}
	recs := records.New(records.Config{Store: s})
	h := rest.NewHandler(rest.Config{Records: recs, Webhooks: webhooks.New(webhooks.Config{Store: s, Records: recs, Sealer: sealer})})
	wsA, wsB := newWorkspace(t, s, "A"), newWorkspace(t, s, "B")
	principals := map[string]*auth.Principal{
		"A": {WorkspaceID: wsA, Name: "key A", APIKeyID: ptr("key-a"), Role: auth.RoleAdmin},
		"B": {WorkspaceID: wsB, Name: "key B", APIKeyID: ptr("key-b"), Role: auth.RoleAdmin},
		"M": {WorkspaceID: wsA, Name: "Mia", UserID: ptr("u"), MemberID: ptr("m"), Role: auth.RoleMember},
	}
	return func(method, path, body, as string) (int, map[string]any) {
		t.Helper()
		var rd io.Reader
		if body != "" {
			rd = strings.NewReader(body)
		}
		req := httptest.NewRequest(method, path, rd)
		if as == "" {
			as = "A"
		}
		req = req.WithContext(auth.WithPrincipal(req.Context(), principals[as]))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var out map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatalf("%s %s: body %s: %v", method, path, rec.Body, err)
		}
		return rec.Code, out
	}
}

func TestRESTWebhooks(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		call := webhookAPI(t, s)
		code, out := call("POST", "/rest/webhooks", `{"targetUrl": "https://hooks.example.com/r", "operations": ["*.created"], "description": "ops"}`, "")
		created, _ := dig(out, "data", "createWebhook").(map[string]any)
		if code != http.StatusCreated || created == nil || !strings.HasPrefix(created["secret"].(string), "whsec_") {
			t.Fatalf("POST /rest/webhooks = %d %v; want 201 with a whsec_ secret", code, out)
		}
		id := created["id"].(string)

		code, out = call("GET", "/rest/webhooks", "", "")
		list, _ := dig(out, "data", "webhooks").([]any)
		if code != http.StatusOK || len(list) != 1 || out["totalCount"] != float64(1) {
			t.Fatalf("GET /rest/webhooks = %d %v; want the one webhook", code, out)
		}
		if _, has := list[0].(map[string]any)["secret"]; has {
			t.Errorf("GET /rest/webhooks shows a secret: %v", list[0])
		}

		code, out = call("PATCH", "/rest/webhooks/"+id, `{"enabled": false}`, "")
		if code != http.StatusOK || dig(out, "data", "updateWebhook", "enabled") != false || dig(out, "data", "updateWebhook", "description") != "ops" {
			t.Errorf("PATCH = %d %v; want disabled, description kept", code, out)
		}
		code, out = call("GET", "/rest/webhooks/"+id+"/deliveries", "", "")
		if code != http.StatusOK || out["totalCount"] != float64(0) {
			t.Errorf("GET deliveries = %d %v; want 200, none", code, out)
		}

		for _, tt := range []struct {
			method, path, body, as string
			want                   int
		}{
			{"POST", "/rest/webhooks", `{"targetUrl": "http://169.254.169.254/", "operations": ["*.*"]}`, "", http.StatusBadRequest},
			{"POST", "/rest/webhooks", `{"targetUrl": "https://hooks.example.com/", "operations": "person.created"}`, "", http.StatusBadRequest},
			{"GET", "/rest/webhooks/" + id, "", "B", http.StatusNotFound},
			{"PATCH", "/rest/webhooks/" + id, `{"enabled": true}`, "B", http.StatusNotFound},
			{"DELETE", "/rest/webhooks/" + id, "", "B", http.StatusNotFound},
			{"GET", "/rest/webhooks", "", "M", http.StatusForbidden},
			{"POST", "/rest/webhooks/" + id + "/deliveries/nope/redeliver", "", "", http.StatusNotFound},
		} {
			if code, out := call(tt.method, tt.path, tt.body, tt.as); code != tt.want {
				t.Errorf("%s %s as %s = %d %v; want %d", tt.method, tt.path, tt.as, code, out, tt.want)
			}
		}

		if code, out = call("DELETE", "/rest/webhooks/"+id, "", ""); code != http.StatusOK || dig(out, "data", "deleteWebhook", "id") != id {
			t.Errorf("DELETE = %d %v", code, out)
		}
		if code, _ = call("GET", "/rest/webhooks/"+id, "", ""); code != http.StatusNotFound {
			t.Errorf("GET after DELETE = %d; want 404", code)
		}
	})
}

func dig(v any, path ...string) any {
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[p]
	}
	return v
}
