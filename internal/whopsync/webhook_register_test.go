package whopsync_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
	"github.com/roster-crm/roster/internal/whop"
	"github.com/roster-crm/roster/internal/whop/whopsim"
	"github.com/roster-crm/roster/internal/whopsync"
)

// TestWebhookRegisteredOnConnect: connecting without a pasted secret makes
// the workspace's webhook at Whop for the events Roster handles and stores
// the secret Whop returned (sealed); Whop's deliveries to it are accepted
// with no server-wide secret; re-creating replaces it; disconnecting
// deletes it.
func TestWebhookRegisteredOnConnect(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		e := newEnv(t, s, envOpts{})
		e.sim.SetWebhookTargets(nil) // only what Roster registers receives events
		if _, err := e.svc.ConnectAPIKey(ctx, e.admin, whopsync.ConnectAPIKeyParams{APIKey: e.apiKey, CompanyID: e.company}); err != nil {
			t.Fatalf("ConnectAPIKey() = %v", err)
		}
		hooks := e.sim.RegisteredWebhooks()
		if len(hooks) != 1 {
			t.Fatalf("registered webhooks = %d; want 1", len(hooks))
		}
		h := hooks[0]
		if want := e.svc.WebhookURL(e.ws); h.URL != want || h.CompanyID != e.company || !h.Enabled || len(h.Events) != len(whopsync.WebhookEvents) {
			t.Fatalf("webhook = %+v; want %s for %s, enabled, events %v", h, want, e.company, whopsync.WebhookEvents)
		}
		if strings.Contains(e.connectionRow(), h.Secret) {
			t.Fatal("the webhook secret is stored in plain text")
		}
		st, err := e.svc.Status(ctx, e.ws)
		if err != nil {
			t.Fatal(err)
		}
		if st.WebhookID != h.ID || st.WebhookSource != whopsync.WebhookRegistered || st.WebhookError != "" || len(st.Errors) != 0 {
			t.Fatalf("Status() = %+v; want webhook %s registered, no errors", st, h.ID)
		}

		e.sync()
		var mid string
		for _, r := range e.all(crm.OpportunityObject) {
			if o := r.(*crm.Opportunity); o.WhopMembershipStatus == "active" && !o.WhopCancelAtPeriodEnd {
				mid = *o.WhopMembershipID
			}
		}
		if err := e.sim.CancelMembership(mid, true); err != nil {
			t.Fatal(err)
		}
		wait, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := e.sim.WaitIdle(wait); err != nil {
			t.Fatal(err)
		}
		e.waitInbox()
		delivered := 0
		for _, d := range e.sim.Deliveries() {
			delivered++
			if !d.OK() || d.URL != h.URL {
				t.Errorf("delivery %s to %s answered %d; want 200 at the registered URL", d.EventID, d.URL, d.Status)
			}
		}
		if delivered == 0 {
			t.Fatal("the simulator delivered nothing to the registered webhook")
		}

		if _, err := e.svc.RecreateWebhook(ctx, e.admin); err != nil {
			t.Fatalf("RecreateWebhook() = %v", err)
		}
		hooks = e.sim.RegisteredWebhooks()
		if len(hooks) != 1 || hooks[0].ID == h.ID {
			t.Fatalf("after re-create: %d webhooks (%v); want one new one replacing %s", len(hooks), hooks, h.ID)
		}
		if acts := e.auditActions(); !hasAction(acts, "whop.webhook.registered") {
			t.Errorf("audit = %v; want whop.webhook.registered", acts)
		}

		if _, err := e.svc.Disconnect(ctx, e.admin); err != nil {
			t.Fatal(err)
		}
		if n := len(e.sim.RegisteredWebhooks()); n != 0 {
			t.Errorf("registered webhooks after disconnect = %d; want 0", n)
		}
	})
}

// TestWebhookRegistrationRefused: a key without developer:manage_webhook
// still connects; the refusal is shown, re-creating says why, and a pasted
// secret is the way out. Bad pasted input changes nothing.
func TestWebhookRegistrationRefused(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		e := newEnv(t, s, envOpts{noQueue: true})
		key := "whop_sk_readonly_" + randHex(8)
		e.sim.AddAPIKey(whopsim.APIKey{Key: key, CompanyID: e.company, Scopes: []string{whopsim.ScopeMemberRead, whopsim.ScopeProductRead, whopsim.ScopePlanRead, whopsim.ScopePaymentRead}})
		st, err := e.svc.ConnectAPIKey(ctx, e.admin, whopsync.ConnectAPIKeyParams{APIKey: key, CompanyID: e.company})
		if err != nil {
			t.Fatalf("ConnectAPIKey() = %v", err)
		}
		if !st.Connected || st.WebhookSource != "" || !strings.Contains(st.WebhookError, "developer:manage_webhook") {
			t.Fatalf("Status() = %+v; want connected, no secret, an error naming the permission", st)
		}
		_, err = e.svc.RecreateWebhook(ctx, e.admin)
		if fe, ok := crm.AsError(err); !ok || fe.Field != "webhook" || !strings.Contains(fe.Message, "developer:manage_webhook") {
			t.Fatalf("RecreateWebhook() = %v; want a field error on webhook naming the permission", err)
		}
		for _, bad := range []string{"", "ws_short"} {
			_, err := e.svc.SetWebhookSecret(ctx, e.admin, bad)
			if fe, ok := crm.AsError(err); !ok || fe.Field != "webhookSecret" {
				t.Errorf("SetWebhookSecret(%q) = %v; want a field error on webhookSecret", bad, err)
			}
		}
		if src, _ := e.svc.WebhookSecretSource(ctx, e.ws); src != "" {
			t.Fatalf("secret source after refused input = %q; want none", src)
		}
		if st, err = e.svc.SetWebhookSecret(ctx, e.admin, e.secret); err != nil {
			t.Fatalf("SetWebhookSecret() = %v", err)
		}
		if st.WebhookSource != whopsync.WebhookPasted || st.WebhookError != "" {
			t.Fatalf("Status() = %+v; want the pasted secret, no error", st)
		}
		// The pasted secret verifies Whop's deliveries (the env's target signs with it).
		events := 0
		for i := 0; i < 5 && events == 0; i++ {
			events += len(e.sim.Tick())
		}
		wait, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := e.sim.WaitIdle(wait); err != nil {
			t.Fatal(err)
		}
		if events == 0 {
			t.Fatal("the simulator emitted no events")
		}
		for _, d := range e.sim.Deliveries() {
			if d.Attempt == 1 && !d.OK() {
				t.Errorf("delivery %s answered %d; want 200 with the pasted secret", d.EventID, d.Status)
			}
		}
	})
}

// TestWebhookSettingsRules: re-creating the webhook and pasting a secret
// need an admin and a connection, and change nothing otherwise; a pasted
// secret replaces the registered one (deliveries signed with Whop's old
// secret are refused from then on) and is audited without the secret.
func TestWebhookSettingsRules(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		e := newEnv(t, s, envOpts{noQueue: true})
		if _, err := e.svc.RecreateWebhook(ctx, e.admin); !errors.Is(err, crm.ErrNotFound) {
			t.Errorf("RecreateWebhook(not connected) = %v; want not found", err)
		}
		if _, err := e.svc.SetWebhookSecret(ctx, e.admin, e.secret); !errors.Is(err, crm.ErrNotFound) {
			t.Errorf("SetWebhookSecret(not connected) = %v; want not found", err)
		}
		if _, err := e.svc.ConnectAPIKey(ctx, e.admin, whopsync.ConnectAPIKeyParams{APIKey: e.apiKey, CompanyID: e.company}); err != nil {
			t.Fatal(err)
		}
		hooks := e.sim.RegisteredWebhooks()
		if len(hooks) != 1 {
			t.Fatalf("registered webhooks = %d; want 1", len(hooks))
		}
		before := e.connectionRow()
		member := &auth.Principal{WorkspaceID: e.ws, Role: auth.RoleMember, Name: "Mo"}
		if _, err := e.svc.RecreateWebhook(ctx, member); !errors.Is(err, crm.ErrForbidden) {
			t.Errorf("RecreateWebhook(member) = %v; want forbidden", err)
		}
		if _, err := e.svc.SetWebhookSecret(ctx, member, e.secret); !errors.Is(err, crm.ErrForbidden) {
			t.Errorf("SetWebhookSecret(member) = %v; want forbidden", err)
		}
		if e.connectionRow() != before || len(e.sim.RegisteredWebhooks()) != 1 || e.sim.RegisteredWebhooks()[0].ID != hooks[0].ID {
			t.Fatal("a member's refused request changed the connection or the webhook at Whop")
		}

		body := []byte(`{"id":"evt_1","api_version":"v1","type":"dispute.created","timestamp":"2026-01-01T00:00:00.000Z","company_id":"` + e.company + `","data":{"id":"dspt_1"}}`)
		if _, err := e.deliver(e.ws, body, whop.SignedHeader(hooks[0].Secret, "msg_whop", time.Now(), body)); err != nil {
			t.Fatalf("delivery signed with the registered secret = %v", err)
		}
		pasted := "ws_pasted_" + randHex(24)
		st, err := e.svc.SetWebhookSecret(ctx, e.admin, "  "+pasted+"\n")
		if err != nil {
			t.Fatal(err)
		}
		if st.WebhookSource != whopsync.WebhookPasted || st.WebhookError != "" {
			t.Errorf("Status() = %+v; want the pasted secret, no error", st)
		}
		if _, err := e.deliver(e.ws, body, whop.SignedHeader(pasted, "msg_pasted", time.Now(), body)); err != nil {
			t.Errorf("delivery signed with the pasted secret = %v", err)
		}
		_, err = e.deliver(e.ws, body, whop.SignedHeader(hooks[0].Secret, "msg_old", time.Now(), body))
		if ce, ok := crm.AsError(err); !ok || ce.Code != "BAD_SIGNATURE" {
			t.Errorf("delivery signed with the replaced secret = %v; want BAD_SIGNATURE", err)
		}
		if strings.Contains(e.connectionRow(), pasted) {
			t.Error("the pasted secret is stored in plain text")
		}
		entries := e.auditLog("whop.webhook.secret_set", 10)
		if len(entries) != 1 || entries[0].Details["source"] != whopsync.WebhookPasted || entries[0].Actor.Name != "test" {
			t.Fatalf("audit = %+v; want one whop.webhook.secret_set by the admin, source pasted", entries)
		}
		if strings.Contains(fmt.Sprint(entries[0].Details), pasted) {
			t.Errorf("audit details %v carry the secret", entries[0].Details)
		}
	})
}
