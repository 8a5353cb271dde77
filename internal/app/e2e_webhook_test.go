package app

import (
	"context"
	"strings"
	"testing"
	"time"
)

// stepWebhook checks that connecting by OAuth registered the workspace's
// webhook at Whop: the Integrations page says so, Whop's deliveries (signed
// with the registered secret, no server-wide secret set) are accepted,
// "Re-create webhook" replaces it, and a pasted secret that is too short is
// refused on its field.
func stepWebhook(t *testing.T, s *flowState) {
	p := s.p
	hooks := s.env.sim.RegisteredWebhooks()
	if len(hooks) != 1 || !strings.HasSuffix(hooks[0].URL, "/webhooks/whop/"+s.workspaceID()) {
		t.Fatalf("registered webhooks = %+v; want one to this workspace's webhook URL", hooks)
	}
	p.Navigate("/settings/integrations/whop")
	if got := p.Text(css(`[data-testid="webhook-state"]`)); !strings.Contains(got, "Registered") || !strings.Contains(got, hooks[0].ID) {
		t.Errorf("webhook state = %q; want Registered with %s", got, hooks[0].ID)
	}
	if got := p.Text(css(`[data-testid="webhook-secret"]`)); !strings.Contains(got, "returned by Whop") {
		t.Errorf("webhook secret = %q; want set for this workspace (returned by Whop)", got)
	}
	checkPage(t, p, "")

	// The business moves on: Whop's deliveries reach Roster and verify.
	before := len(s.env.sim.Deliveries())
	events := 0
	for i := 0; i < 10 && events == 0; i++ {
		events += len(s.env.sim.Tick())
	}
	if events == 0 {
		t.Fatal("the simulator emitted no events")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.env.sim.WaitIdle(ctx); err != nil {
		t.Fatal(err)
	}
	ds := s.env.sim.Deliveries()[before:]
	if len(ds) == 0 {
		t.Fatal("no deliveries to the registered webhook")
	}
	for _, d := range ds {
		if d.Attempt == 1 && !d.OK() {
			t.Errorf("delivery %s (%s) answered %d; want 200", d.EventID, d.Type, d.Status)
		}
	}

	p.ClickNav(label("Re-create webhook"))
	flash(s, "Webhook created at Whop")
	after := s.env.sim.RegisteredWebhooks()
	if len(after) != 1 || after[0].ID == hooks[0].ID {
		t.Fatalf("after re-create: %+v; want one new webhook", after)
	}
	if got := p.Text(css(`[data-testid="webhook-state"]`)); !strings.Contains(got, after[0].ID) {
		t.Errorf("webhook state = %q; want the new webhook %s", got, after[0].ID)
	}

	p.Type(label("Webhook secret from Whop's dashboard (ws_…)"), "ws_short")
	p.ClickNav(label("Save secret"))
	if got := p.Status(); got != 400 {
		t.Errorf("a truncated secret: status %d; want 400", got)
	}
	if got := p.Text(css("#paste_webhook_secret-error")); !strings.Contains(got, "truncated") {
		t.Errorf("field error = %q; want it to say the secret looks truncated", got)
	}
	checkPage(t, p, "integrations-whop-webhook-error")
}
