package whopsync_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
	"github.com/roster-crm/roster/internal/whop/whopsim"
	"github.com/roster-crm/roster/internal/whopsync"
)

// TestSendTestEvent: a connected workspace's test event is verified and
// stored by the intake, then ignored by processing; without a connection or
// a secret nothing is sent, and an intake that refuses it says why.
func TestSendTestEvent(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		e := newEnv(t, s, envOpts{users: 2, memberships: 2})
		if err := e.svc.SendTestEvent(ctx, e.ws); !errors.Is(err, crm.ErrInvalid) || !strings.Contains(err.Error(), "connect Whop first") {
			t.Fatalf("SendTestEvent(not connected) = %v; want ErrInvalid asking to connect", err)
		}
		e.connect()
		if err := e.svc.SendTestEvent(ctx, e.ws); err != nil {
			t.Fatalf("SendTestEvent() = %v; want accepted", err)
		}
		e.waitInbox()
		var typ, st string
		e.scan("SELECT event_type, status FROM whop_webhook_inbox WHERE workspace_id = $1", []any{e.ws}, &typ, &st)
		if typ != whopsync.TestEventType || st != store.InboxIgnored {
			t.Errorf("inbox event = %s %s; want %s %s", typ, st, whopsync.TestEventType, store.InboxIgnored)
		}
	})
}

// TestSendTestEventWithoutSecret: a workspace whose key may not register a
// webhook, connected without a secret on a deployment without one, has
// nothing to sign with.
func TestSendTestEventWithoutSecret(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		e := newEnv(t, s, envOpts{users: 2, memberships: 2, noQueue: true})
		key := "whop_sk_readonly_" + randHex(8)
		e.sim.AddAPIKey(whopsim.APIKey{Key: key, CompanyID: e.company, Scopes: []string{whopsim.ScopeMemberRead, whopsim.ScopeProductRead, whopsim.ScopePlanRead, whopsim.ScopePaymentRead}})
		if _, err := e.svc.ConnectAPIKey(ctx, e.admin, whopsync.ConnectAPIKeyParams{APIKey: key, CompanyID: e.company}); err != nil {
			t.Fatal(err)
		}
		err := e.svc.SendTestEvent(ctx, e.ws)
		if ce, ok := crm.AsError(err); !ok || !errors.Is(err, crm.ErrInvalid) || ce.Field != "webhookSecret" {
			t.Fatalf("SendTestEvent(no secret) = %v; want ErrInvalid on webhookSecret", err)
		}
		if n := e.count("whop_webhook_inbox"); n != 0 {
			t.Errorf("inbox = %d events; want none sent", n)
		}
	})
}

// TestSendTestEventRefused: the intake's refusal (here the allowlist, which
// does not admit the loopback sender) comes back as a TestEventRefused
// naming the check, and nothing is stored.
func TestSendTestEventRefused(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		e := newEnv(t, s, envOpts{users: 2, memberships: 2, noQueue: true, allowedCIDRs: []string{"203.0.113.0/24"}})
		e.connect()
		err := e.svc.SendTestEvent(ctx, e.ws)
		var refused *whopsync.TestEventRefused
		if !errors.As(err, &refused) || !errors.Is(err, crm.ErrForbidden) {
			t.Fatalf("SendTestEvent() from outside the allowlist = %v; want a TestEventRefused for ErrForbidden", err)
		}
		if msg := refused.Message(); !strings.Contains(msg, "not accepted from this address") || !strings.Contains(msg, "(FORBIDDEN)") {
			t.Errorf("Message() = %q; want the intake's message and its code", msg)
		}
		if !strings.Contains(err.Error(), "refused the test event: "+refused.Message()) {
			t.Errorf("Error() = %q; want it to say the intake refused the test event, and why", err.Error())
		}
		if n := e.count("whop_webhook_inbox"); n != 0 {
			t.Errorf("inbox = %d events; want none stored", n)
		}
	})
}
