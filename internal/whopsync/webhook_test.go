package whopsync_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
	"github.com/roster-crm/roster/internal/whop"
	"github.com/roster-crm/roster/internal/whop/whopsim"
	"github.com/roster-crm/roster/internal/whopsync"
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

// deliver hands a webhook to the intake as the app's endpoint does: sent
// to the workspace's own URL (workspaceID), or to the shared one ("").
func (e *env) deliver(workspaceID string, body []byte, h http.Header) (bool, error) {
	e.t.Helper()
	return e.svc.AcceptWebhook(context.Background(), whopsync.WebhookDelivery{WorkspaceID: workspaceID, Header: h, Body: body, RemoteIP: netip.MustParseAddr("192.0.2.10")})
}

// mustDeliver delivers a webhook that must be accepted.
func (e *env) mustDeliver(body []byte, h http.Header) {
	e.t.Helper()
	if _, err := e.deliver(e.ws, body, h); err != nil {
		e.t.Fatalf("AcceptWebhook() = %v", err)
	}
}

// withHeader returns h with one header replaced.
func withHeader(h http.Header, key, value string) http.Header {
	h.Set(key, value)
	return h
}

// TestWebhookRejections refuses every bad delivery with the cause and code
// Whop will see (the statuses they map to are tested with the HTTP intake,
// in internal/app) and stores nothing for it; good ones are stored once.
func TestWebhookRejections(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, envOpts{noQueue: true})
		e.connect()
		now := time.Now()
		body := []byte(`{"id":"msg_1","api_version":"v1","type":"dispute.created","timestamp":"2026-01-01T00:00:00.000Z","company_id":"` + e.company + `","data":{"id":"dspt_1"}}`)
		big := bytes.Repeat([]byte("x"), 1<<20+1)
		tampered := append([]byte{}, body...)
		tampered[10] = 'X'
		otherCompany := []byte(`{"id":"msg_3","api_version":"v1","type":"dispute.created","timestamp":"2026-01-01T00:00:00.000Z","company_id":"biz_other","data":{"id":"dspt_1"}}`)
		legacy := http.Header{}
		legacy.Set(whop.HeaderLegacySignature, whop.SignLegacy(e.secret, now.Unix(), body))
		for _, tc := range []struct {
			name  string
			ws    string
			body  []byte
			h     http.Header
			cause error
			code  string
		}{
			{"no signature", e.ws, body, http.Header{}, crm.ErrUnauthenticated, "MISSING_SIGNATURE"},
			{"wrong secret", e.ws, body, whop.SignedHeader("ws_"+strings.Repeat("0", 64), "msg_1", now, body), crm.ErrUnauthenticated, "BAD_SIGNATURE"},
			{"tampered body", e.ws, tampered, whop.SignedHeader(e.secret, "msg_1", now, body), crm.ErrUnauthenticated, "BAD_SIGNATURE"},
			// Well past the 300 s tolerance, so a slow run cannot drift inside it.
			{"stale", e.ws, body, whop.SignedHeader(e.secret, "msg_1", now.Add(-400*time.Second), body), crm.ErrUnauthenticated, "STALE_TIMESTAMP"},
			{"future", e.ws, body, whop.SignedHeader(e.secret, "msg_1", now.Add(400*time.Second), body), crm.ErrUnauthenticated, "STALE_TIMESTAMP"},
			{"timestamp not a number", e.ws, body, withHeader(whop.SignedHeader(e.secret, "msg_1", now, body), whop.HeaderWebhookTimestamp, now.Format(time.RFC3339)), crm.ErrUnauthenticated, "INVALID_TIMESTAMP"},
			{"too big", e.ws, big, whop.SignedHeader(e.secret, "msg_big", now, big), crm.ErrInvalid, "BODY_TOO_LARGE"},
			{"malformed after valid signature", e.ws, []byte("{not json"), whop.SignedHeader(e.secret, "msg_2", now, []byte("{not json")), crm.ErrInvalid, "INVALID_VALUE"},
			{"another company's event", e.ws, otherCompany, whop.SignedHeader(e.secret, "msg_3", now, otherCompany), crm.ErrInvalid, "INVALID_VALUE"},
			{"unknown workspace", "00000000-0000-0000-0000-000000000000", body, whop.SignedHeader(e.secret, "msg_1", now, body), crm.ErrNotFound, "NOT_FOUND"},
			{"workspace that is not an id", "../admin", body, whop.SignedHeader(e.secret, "msg_1", now, body), crm.ErrNotFound, "NOT_FOUND"},
			{"unknown company", "", []byte(`{"type":"x","company_id":"biz_nobody","data":{}}`), http.Header{}, crm.ErrUnauthenticated, "UNROUTABLE"},
			{"no company", "", []byte(`{"type":"x","data":{}}`), http.Header{}, crm.ErrUnauthenticated, "UNROUTABLE"},
		} {
			_, err := e.deliver(tc.ws, tc.body, tc.h)
			ce, ok := crm.AsError(err)
			if !ok || !errors.Is(err, tc.cause) || ce.Code != tc.code {
				t.Errorf("%s: AcceptWebhook() = %v; want %v with code %s", tc.name, err, tc.cause, tc.code)
			}
		}
		if n := e.count("whop_webhook_inbox"); n != 0 {
			t.Fatalf("rejected webhooks stored %d events", n)
		}
		// A bad signature is audited with the check that failed and the
		// sender, never the body.
		entries := e.auditLog("whop.webhook.rejected", 50)
		if len(entries) != 6 {
			t.Errorf("audit log has %d rejected webhooks; want one per bad signature or timestamp (6)", len(entries))
		}
		reasons := map[any]int{}
		for _, a := range entries {
			reasons[a.Details["reason"]]++
			if a.Details["remoteAddr"] != "192.0.2.10" || a.Details["body"] != nil {
				t.Errorf("audit details = %v; want the sender 192.0.2.10 and no body", a.Details)
			}
		}
		if reasons["BAD_SIGNATURE"] != 2 || reasons["STALE_TIMESTAMP"] != 2 || reasons["MISSING_SIGNATURE"] != 1 || reasons["INVALID_TIMESTAMP"] != 1 {
			t.Errorf("audited reasons = %v; want 2 BAD_SIGNATURE, 2 STALE_TIMESTAMP, 1 MISSING_SIGNATURE, 1 INVALID_TIMESTAMP", reasons)
		}
		// Valid, routed by company (top-level company_id, then nested in
		// data as legacy bodies carry it), then a redelivery of the same
		// webhook-id.
		for i, wantDup := range []bool{false, true} {
			dup, err := e.deliver("", body, whop.SignedHeader(e.secret, "msg_ok", now.Add(time.Duration(i)*time.Second), body))
			if err != nil || dup != wantDup {
				t.Errorf("delivery %d: %v, %v; want duplicate=%v", i, dup, err, wantDup)
			}
		}
		nested := []byte(`{"action":"membership.went_valid","data":{"id":"mem_nested","company":{"id":"` + e.company + `"}}}`)
		nestedHeader := http.Header{}
		nestedHeader.Set(whop.HeaderLegacySignature, whop.SignLegacy(e.secret, now.Unix(), nested))
		if _, err := e.deliver("", nested, nestedHeader); err != nil {
			t.Errorf("legacy body routed by data.company.id: %v", err)
		}
		if _, err := e.deliver(e.ws, body, legacy); err != nil {
			t.Errorf("legacy signature: %v", err)
		}
		if n := e.count("whop_webhook_inbox"); n != 3 {
			t.Fatalf("inbox = %d events; want 3 (one v1, two legacy)", n)
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
			e.mustDeliver(b, whop.SignedHeader(e.secret, "msg_"+randHex(4), time.Now(), b))
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
