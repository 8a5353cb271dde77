package app

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/httpserver"
	"github.com/roster-crm/roster/internal/whop"
	"github.com/roster-crm/roster/internal/whopsync"
)

// webhookSite is the app's routes on a real HTTP server, over a workspace
// connected to a simulated Whop company whose deliveries are signed with
// the deployment-wide secret.
func webhookSite(t *testing.T, dialect string, env map[string]string) (*killHarness, *httptest.Server) {
	t.Helper()
	env["WHOP_WEBHOOK_SECRET"] = crashSecret
	h := newKillHarness(t, dialect, killHarnessParams{Seed: 3, Users: 3, Memberships: 3, Env: env})
	if _, err := h.app.Whop.ConnectAPIKey(t.Context(), h.admin, whopsync.ConnectAPIKeyParams{APIKey: simAPIKey, CompanyID: simCompanyID}); err != nil {
		t.Fatal(err)
	}
	srv := httpserver.New(httpserver.Config{Logger: h.app.Logger, Metrics: h.app.Metrics, Store: h.app.Store})
	if err := h.app.mount(srv); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	return h, hs
}

// postWebhook sends body to path with the headers and decodes the JSON
// answer.
func postWebhook(t *testing.T, url string, body []byte, h http.Header) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range h {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("POST %s: Content-Type %q; want JSON", url, ct)
	}
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("POST %s: %d, body not JSON: %v", url, resp.StatusCode, err)
	}
	return resp.StatusCode, out
}

// TestWhopWebhookIntake answers every delivery with the status and JSON
// Whop reads: 200 (and duplicate on a redelivery) once stored, 401 for
// signature and routing failures, 404 for an unknown workspace, 400 for a
// body that is not an event, 413 over 1 MiB, 500 when the event cannot be
// stored (Whop retries).
func TestWhopWebhookIntake(t *testing.T) {
	for _, d := range dialects(t) {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			h, hs := webhookSite(t, d, map[string]string{})
			now := time.Now()
			body := []byte(`{"id":"evt_1","api_version":"v1","type":"dispute.created","timestamp":"2026-01-01T00:00:00.000Z","company_id":"` + simCompanyID + `","data":{"id":"dspt_1"}}`)
			own := hs.URL + "/webhooks/whop/" + h.ws.ID
			big := bytes.Repeat([]byte("x"), whopsync.MaxWebhookBytes+1)
			for _, tc := range []struct {
				name   string
				url    string
				body   []byte
				h      http.Header
				status int
				code   string
			}{
				{"no signature", own, body, http.Header{}, 401, "MISSING_SIGNATURE"},
				{"wrong secret", own, body, whop.SignedHeader("ws_"+strings.Repeat("0", 64), "msg_1", now, body), 401, "BAD_SIGNATURE"},
				{"stale", own, body, whop.SignedHeader(crashSecret, "msg_1", now.Add(-400*time.Second), body), 401, "STALE_TIMESTAMP"},
				{"too big", own, big, whop.SignedHeader(crashSecret, "msg_big", now, big), 413, "BODY_TOO_LARGE"},
				{"malformed after a valid signature", own, []byte("{not json"), whop.SignedHeader(crashSecret, "msg_2", now, []byte("{not json")), 400, "INVALID_VALUE"},
				{"unknown workspace", hs.URL + "/webhooks/whop/00000000-0000-0000-0000-000000000000", body, whop.SignedHeader(crashSecret, "msg_1", now, body), 404, "NOT_FOUND"},
				{"unknown company", hs.URL + "/webhooks/whop", []byte(`{"type":"x","company_id":"biz_nobody","data":{}}`), http.Header{}, 401, "UNROUTABLE"},
			} {
				status, out := postWebhook(t, tc.url, tc.body, tc.h)
				errObj, _ := out["error"].(map[string]any)
				if status != tc.status || errObj["code"] != tc.code || out["statusCode"] != float64(tc.status) || errObj["message"] == "" {
					t.Errorf("%s: %d %v; want %d %s with a message", tc.name, status, out, tc.status, tc.code)
				}
			}
			if n := countWhere(t, h.app.Store, "SELECT COUNT(*) FROM whop_webhook_inbox WHERE workspace_id = $1", h.ws.ID); n != 0 {
				t.Fatalf("refused deliveries stored %d events", n)
			}
			// Routed by company on the shared URL, then redelivered.
			for i, wantDup := range []bool{false, true} {
				status, out := postWebhook(t, hs.URL+"/webhooks/whop", body, whop.SignedHeader(crashSecret, "msg_ok", now.Add(time.Duration(i)*time.Second), body))
				if status != 200 || out["received"] != true || out["duplicate"] != wantDup {
					t.Errorf("delivery %d: %d %v; want 200 received, duplicate=%v", i, status, out, wantDup)
				}
			}
			// The inbox cannot be written: 500, which Whop retries, with a
			// message that says so and nothing of the cause.
			if _, err := h.app.Store.Write.Exec("ALTER TABLE whop_webhook_inbox RENAME TO whop_webhook_inbox_gone"); err != nil {
				t.Fatal(err)
			}
			status, out := postWebhook(t, own, body, whop.SignedHeader(crashSecret, "msg_500", now, body))
			if _, err := h.app.Store.Write.Exec("ALTER TABLE whop_webhook_inbox_gone RENAME TO whop_webhook_inbox"); err != nil {
				t.Fatal(err)
			}
			errObj, _ := out["error"].(map[string]any)
			if status != 500 || errObj["code"] != "INTERNAL" || errObj["message"] != "could not store the event; Whop will retry" {
				t.Errorf("inbox unwritable: %d %v; want 500 INTERNAL asking Whop to retry", status, out)
			}
			if status, out := postWebhook(t, own, body, whop.SignedHeader(crashSecret, "msg_500", now, body)); status != 200 || out["duplicate"] != false {
				t.Errorf("Whop's retry once the inbox is back: %d %v; want 200, stored", status, out)
			}
		})
	}
}

// TestWhopWebhookAllowlist refuses senders outside WHOP_WEBHOOK_ALLOWED_IPS
// with 403 before reading their body (here: loopback, not in the list).
func TestWhopWebhookAllowlist(t *testing.T) {
	for _, d := range dialects(t) {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			h, hs := webhookSite(t, d, map[string]string{"WHOP_WEBHOOK_ALLOWED_IPS": "203.0.113.0/24"})
			big := bytes.Repeat([]byte("x"), whopsync.MaxWebhookBytes+1)
			for name, body := range map[string][]byte{"signed": []byte(`{"type":"x"}`), "over 1 MiB": big} {
				status, out := postWebhook(t, hs.URL+"/webhooks/whop/"+h.ws.ID, body, whop.SignedHeader(crashSecret, "msg_1", time.Now(), body))
				errObj, _ := out["error"].(map[string]any)
				if status != 403 || errObj["code"] != "FORBIDDEN" {
					t.Errorf("%s delivery from loopback: %d %v; want 403 FORBIDDEN", name, status, out)
				}
			}
		})
	}
}

// TestRemoteIP reads the sender's address from RemoteAddr; what is not an
// address is the zero Addr, which no allowlist admits.
func TestRemoteIP(t *testing.T) {
	for _, tc := range []struct {
		remote string
		want   netip.Addr
	}{
		{"203.0.113.9:443", netip.MustParseAddr("203.0.113.9")},
		{"[2001:db8::1]:443", netip.MustParseAddr("2001:db8::1")},
		{"[::ffff:203.0.113.5]:443", netip.MustParseAddr("::ffff:203.0.113.5")},
		{"203.0.113.9", netip.MustParseAddr("203.0.113.9")},
		{"not-an-ip:443", netip.Addr{}},
		{"", netip.Addr{}},
	} {
		r := httptest.NewRequest(http.MethodPost, "/webhooks/whop", nil)
		r.RemoteAddr = tc.remote
		if got := remoteIP(r); got != tc.want {
			t.Errorf("remoteIP(%q) = %v; want %v", tc.remote, got, tc.want)
		}
	}
}
