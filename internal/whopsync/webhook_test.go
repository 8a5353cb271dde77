package whopsync_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
	"github.com/roster-crm/roster/internal/whop"
	"github.com/roster-crm/roster/internal/whop/whopsim"
)

// TestWebhookStormKeepsCRMCurrent lets the simulated business move on for a
// while (sign-ups, renewals, cancellations, failed payments, refunds) while
// webhooks arrive duplicated, reordered, and — in one run — as legacy v5
// bodies. After processing, the CRM equals the simulator's truth.
func TestWebhookStormKeepsCRMCurrent(t *testing.T) {
	for _, legacy := range []bool{false, true} {
		t.Run(fmt.Sprintf("legacy=%v", legacy), func(t *testing.T) {
			storetest.Dialects(t, func(t *testing.T, s *store.Store) {
				e := newEnv(t, s, envOpts{legacy: legacy})
				e.connect()
				e.sync()
				e.sim.SetFaults(whopsim.Faults{WebhookDuplicates: true, WebhookReorder: true})
				events := 0
				for i := 0; i < 12; i++ {
					events += len(e.sim.Tick())
				}
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				if err := e.sim.WaitIdle(ctx); err != nil {
					t.Fatal(err)
				}
				e.waitInbox()
				if events == 0 {
					t.Fatal("the simulator emitted no events")
				}
				for _, d := range e.sim.Deliveries() {
					if !d.OK() {
						t.Errorf("delivery %s (%s, attempt %d) answered %d %s", d.EventID, d.Type, d.Attempt, d.Status, d.Err)
					}
				}
				var stored, failed int
				e.scan("SELECT COUNT(*) FROM whop_webhook_inbox WHERE workspace_id = $1", []any{e.ws}, &stored)
				e.scan("SELECT COUNT(*) FROM whop_webhook_inbox WHERE workspace_id = $1 AND status = 'failed'", []any{e.ws}, &failed)
				if stored != len(e.sim.Events()) || failed != 0 {
					t.Errorf("inbox holds %d events (%d failed); want each of the %d events once, none failed", stored, failed, len(e.sim.Events()))
				}
				e.checkTruth()
				// New sign-ups come from webhooks alone: their start is the
				// membership's, to the second in legacy bodies.
				e.checkMemberSince(time.Second)
			})
		})
	}
}

// post sends a webhook body with the given headers to the workspace URL.
func (e *env) post(path string, body []byte, h http.Header) (int, map[string]any) {
	e.t.Helper()
	req, _ := http.NewRequest("POST", e.roster.URL+path, bytes.NewReader(body))
	for k, v := range h {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// withHeader returns h with one header replaced.
func withHeader(h http.Header, key, value string) http.Header {
	h.Set(key, value)
	return h
}

func signed(secret, id string, ts time.Time, body []byte) http.Header {
	h := http.Header{}
	h.Set(whop.HeaderWebhookID, id)
	h.Set(whop.HeaderWebhookTimestamp, fmt.Sprint(ts.Unix()))
	h.Set(whop.HeaderWebhookSignature, whop.SignStandard(secret, id, ts.Unix(), body))
	return h
}

// TestWebhookRejections answers every bad delivery correctly and stores
// nothing for it; good ones are stored once.
func TestWebhookRejections(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, envOpts{noQueue: true})
		e.connect()
		now := time.Now()
		body := []byte(`{"id":"msg_1","api_version":"v1","type":"dispute.created","timestamp":"2026-01-01T00:00:00.000Z","company_id":"` + e.company + `","data":{"id":"dspt_1"}}`)
		path := "/webhooks/whop/" + e.ws
		big := bytes.Repeat([]byte("x"), 1<<20+1)
		tampered := append([]byte{}, body...)
		tampered[10] = 'X'
		legacy := http.Header{}
		legacy.Set(whop.HeaderLegacySignature, whop.SignLegacy(e.secret, now.Unix(), body))
		for _, tc := range []struct {
			name   string
			path   string
			body   []byte
			h      http.Header
			status int
			code   string
		}{
			{"no signature", path, body, http.Header{}, 401, "MISSING_SIGNATURE"},
			{"wrong secret", path, body, signed("ws_"+strings.Repeat("0", 64), "msg_1", now, body), 401, "BAD_SIGNATURE"},
			{"tampered body", path, tampered, signed(e.secret, "msg_1", now, body), 401, "BAD_SIGNATURE"},
			// Well past the 300 s tolerance, so a slow run cannot drift inside it.
			{"stale", path, body, signed(e.secret, "msg_1", now.Add(-400*time.Second), body), 401, "STALE_TIMESTAMP"},
			{"future", path, body, signed(e.secret, "msg_1", now.Add(400*time.Second), body), 401, "STALE_TIMESTAMP"},
			{"timestamp not a number", path, body, withHeader(signed(e.secret, "msg_1", now, body), whop.HeaderWebhookTimestamp, now.Format(time.RFC3339)), 401, "INVALID_TIMESTAMP"},
			{"too big", path, big, signed(e.secret, "msg_big", now, big), 413, "BODY_TOO_LARGE"},
			{"malformed after valid signature", path, []byte("{not json"), signed(e.secret, "msg_2", now, []byte("{not json")), 400, "INVALID_VALUE"},
			{"unknown workspace", "/webhooks/whop/00000000-0000-0000-0000-000000000000", body, signed(e.secret, "msg_1", now, body), 404, "NOT_FOUND"},
			{"unknown company", "/webhooks/whop", []byte(`{"type":"x","company_id":"biz_nobody","data":{}}`), http.Header{}, 401, "UNROUTABLE"},
		} {
			status, out := e.post(tc.path, tc.body, tc.h)
			errObj, _ := out["error"].(map[string]any)
			if status != tc.status || errObj["code"] != tc.code {
				t.Errorf("%s: %d %v; want %d %s", tc.name, status, out, tc.status, tc.code)
			}
		}
		if n := e.count("whop_webhook_inbox"); n != 0 {
			t.Fatalf("rejected webhooks stored %d events", n)
		}
		// Valid, routed by company, then a redelivery of the same webhook-id.
		for i, wantDup := range []bool{false, true} {
			status, out := e.post("/webhooks/whop", body, signed(e.secret, "msg_ok", now.Add(time.Duration(i)*time.Second), body))
			if status != 200 || out["duplicate"] != wantDup {
				t.Errorf("delivery %d: %d %v; want 200 duplicate=%v", i, status, out, wantDup)
			}
		}
		if status, _ := e.post(path, body, legacy); status != 200 {
			t.Errorf("legacy signature: %d; want 200", status)
		}
		if n := e.count("whop_webhook_inbox"); n != 2 {
			t.Fatalf("inbox = %d events; want 2 (one v1, one legacy)", n)
		}
		entries, _ := e.svc.AuditLog(context.Background(), e.ws, "whop.webhook.rejected", "", 50)
		if len(entries) < 5 {
			t.Errorf("audit log has %d rejected webhooks; want one per bad signature", len(entries))
		}
		// Unknown event types are stored and acknowledged, then ignored.
		var id string
		e.scan("SELECT id FROM whop_webhook_inbox WHERE workspace_id = $1 AND webhook_id = 'msg_ok'", []any{e.ws}, &id)
		if err := e.svc.ProcessEvent(context.Background(), e.ws, id); err != nil {
			t.Fatal(err)
		}
		var status string
		e.scan("SELECT status FROM whop_webhook_inbox WHERE id = $1", []any{id}, &status)
		if status != store.InboxIgnored {
			t.Errorf("unknown event type status = %s; want ignored", status)
		}
	})
}

// TestStaleMembershipEventIsIgnored delivers an older membership update after
// a newer one: the newer state stays.
func TestStaleMembershipEventIsIgnored(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, envOpts{noQueue: true})
		e.connect()
		e.sync()
		opp := e.all(crm.OpportunityObject)[0].(*crm.Opportunity)
		mem := func(status string, updated time.Time) []byte {
			b, _ := json.Marshal(map[string]any{"id": "msg_" + status, "api_version": "v1", "type": "membership.deactivated",
				"timestamp": updated.Format(time.RFC3339), "company_id": e.company,
				"data": map[string]any{"id": *opp.WhopMembershipID, "status": status, "updated_at": updated.Format(time.RFC3339Nano),
					"user": map[string]any{"id": "user_stale_test", "username": "stale"}, "product": map[string]any{"id": opp.WhopProductID},
					"plan": map[string]any{"id": opp.WhopPlanID}}})
			return b
		}
		newer, older := time.Now().Add(24*time.Hour), time.Now().Add(-24*time.Hour)
		for _, b := range [][]byte{mem("expired", newer), mem("active", older)} {
			var id string
			if status, out := e.post("/webhooks/whop/"+e.ws, b, signed(e.secret, "msg_"+randHex(4), time.Now(), b)); status != 200 {
				t.Fatalf("post: %d %v", status, out)
			}
			e.scan("SELECT id FROM whop_webhook_inbox WHERE workspace_id = $1 ORDER BY received_at DESC, id DESC LIMIT 1", []any{e.ws}, &id)
			if err := e.svc.ProcessEvent(context.Background(), e.ws, id); err != nil {
				t.Fatal(err)
			}
		}
		rows, err := s.Read.Query("SELECT status, error FROM whop_webhook_inbox WHERE workspace_id = $1", e.ws)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var st, msg string
			if err := rows.Scan(&st, &msg); err != nil {
				t.Fatal(err)
			}
			if st != store.InboxProcessed {
				t.Errorf("event %s: %s", st, msg)
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		got, _ := e.records.Get(context.Background(), e.ws, crm.OpportunityObject, opp.ID)
		if o := got.(*crm.Opportunity); o.WhopMembershipStatus != "expired" || o.Stage != "CHURNED" {
			t.Fatalf("after a stale event: status %s stage %s; want expired, CHURNED", o.WhopMembershipStatus, o.Stage)
		}
	})
}
