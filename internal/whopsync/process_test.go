package whopsync_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
	"github.com/roster-crm/roster/internal/whop"
	"github.com/roster-crm/roster/internal/whop/whopsim"
)

// postEvent delivers a signed v1 event of type typ carrying data, and
// returns its inbox event's id.
func (e *env) postEvent(typ string, data any) string {
	e.t.Helper()
	now := time.Now().UTC()
	msg := "msg_" + randHex(6)
	b, err := json.Marshal(map[string]any{"id": msg, "api_version": "v1", "type": typ,
		"timestamp": now.Format(time.RFC3339), "company_id": e.company, "data": data})
	if err != nil {
		e.t.Fatal(err)
	}
	e.mustDeliver(b, whop.SignedHeader(e.secret, msg, now, b))
	var id string
	e.scan("SELECT id FROM whop_webhook_inbox WHERE workspace_id = $1 AND webhook_id = $2", []any{e.ws, msg}, &id)
	return id
}

// postThinMembership delivers a membership event that carries only the
// membership's id (as legacy and some v1 deliveries do), so processing it
// asks Whop for the membership; it returns the inbox event's id.
func (e *env) postThinMembership(membershipID string) string {
	e.t.Helper()
	return e.postEvent("membership.deactivated", map[string]any{"id": membershipID})
}

// TestEventGivenUpForGood: an event Whop can never complete — its
// membership answers 404, or the credential is no longer accepted — is
// marked failed and audited once, its job is not retried, and a rejected
// credential flags the connection for reconnecting. A 5xx, by contrast,
// leaves the event to be retried.
func TestEventGivenUpForGood(t *testing.T) {
	for _, tc := range []struct {
		name       string
		faults     whopsim.Faults
		membership func(e *env) string
		wantError  string
		reauth     bool
	}{
		{"membership not found", whopsim.Faults{}, func(*env) string { return "mem_deleted_at_whop" }, "404", false},
		{"credential rejected", whopsim.Faults{ExpireTokens: true}, func(e *env) string { return e.anyMembership() }, "re-authorisation required", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			storetest.Dialects(t, func(t *testing.T, s *store.Store) {
				ctx := context.Background()
				e := newEnv(t, s, envOpts{})
				e.connectAndWait()
				mem := tc.membership(e)
				e.sim.SetFaults(tc.faults)
				id := e.postThinMembership(mem)
				e.waitInbox()
				var status, msg string
				e.scan("SELECT status, error FROM whop_webhook_inbox WHERE id = $1", []any{id}, &status, &msg)
				if status != store.InboxFailed || !strings.Contains(msg, tc.wantError) {
					t.Errorf("event = %s %q; want failed with %q", status, msg, tc.wantError)
				}
				var state string
				var attempts int
				e.waitJob("whop_webhook", id, &state, &attempts)
				if state != "completed" || attempts != 1 {
					t.Errorf("webhook job = %s after %d attempts; want completed after 1 (no retry)", state, attempts)
				}
				entries := e.auditLog("whop.webhook.failed", 10)
				if len(entries) != 1 || entries[0].Details["eventId"] != id || !strings.Contains(entries[0].Details["error"].(string), tc.wantError) {
					t.Errorf("audit = %+v; want one whop.webhook.failed for event %s", entries, id)
				}
				st, err := e.svc.Status(ctx, e.ws)
				if err != nil {
					t.Fatal(err)
				}
				if st.NeedsReauth != tc.reauth {
					t.Errorf("needsReauth = %v; want %v", st.NeedsReauth, tc.reauth)
				}
			})
		})
	}
}

// TestEventRetriedOnServerError: a 5xx outlasting the client's retries is
// transient: the event stays pending for River to retry, and is not audited.
func TestEventRetriedOnServerError(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		e := newEnv(t, s, envOpts{noQueue: true})
		e.connect()
		e.sync()
		id := e.postThinMembership(e.anyMembership())
		e.sim.SetFaults(whopsim.Faults{ServerErrors: 1000, ServerErrorEndpoint: whopsim.EndpointMembership})
		if err := e.svc.ProcessEvent(ctx, e.ws, id); err == nil {
			t.Fatal("ProcessEvent() through a Whop outage = nil; want the error, so the job retries")
		}
		var status string
		e.scan("SELECT status FROM whop_webhook_inbox WHERE id = $1", []any{id}, &status)
		if status != store.InboxPending {
			t.Errorf("event after a 5xx = %s; want pending", status)
		}
		if entries := e.auditLog("whop.webhook.failed", 10); len(entries) != 0 {
			t.Errorf("audit after a transient error = %d entries; want none", len(entries))
		}
		e.sim.SetFaults(whopsim.Faults{})
		if err := e.svc.ProcessEvent(ctx, e.ws, id); err != nil {
			t.Fatalf("ProcessEvent() after the outage = %v", err)
		}
	})
}
