package whopsim

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/whop"
)

// TestRegisteredWebhookLifecycle drives the webhooks resource with Roster's
// own client: the create answer carries the secret (reads do not), events of
// the webhook's company and types are delivered to it signed with that
// secret, and nothing is delivered after the delete.
func TestRegisteredWebhookLifecycle(t *testing.T) {
	t.Parallel()
	rc, url := startReceiver(t)
	f := newFixture(t, Config{}, GenerateParams{})
	ctx := context.Background()
	c, err := whop.NewClient(whop.ClientConfig{BaseURL: f.srv.URL + "/api/v1", Token: whop.StaticToken(testKey), CompanyID: f.gen.CompanyID, RatePerMinute: -1})
	if err != nil {
		t.Fatal(err)
	}
	hook, err := c.CreateWebhook(ctx, whop.CreateWebhookParams{URL: url + "/hook", Events: []string{"membership.activated", "payment.succeeded"}})
	if err != nil {
		t.Fatalf("CreateWebhook: %v", err)
	}
	if !strings.HasPrefix(hook.ID, "hook_") || hook.WebhookSecret == nil || !strings.HasPrefix(*hook.WebhookSecret, "ws_") ||
		hook.ResourceID != f.gen.CompanyID || !hook.Enabled || hook.APIVersion != "v1" || hook.APIVersionDate == nil || *hook.APIVersionDate != whop.DefaultAPIVersionDate {
		t.Fatalf("CreateWebhook = %+v; want hook_ id, ws_ secret, resource %s, enabled, v1 pinned to %s", hook, f.gen.CompanyID, whop.DefaultAPIVersionDate)
	}
	page, err := c.ListWebhooks(ctx, 0, "")
	if err != nil {
		t.Fatalf("ListWebhooks: %v", err)
	}
	if len(page.Data) != 1 || page.Data[0].ID != hook.ID || page.Data[0].WebhookSecret != nil || page.Data[0].URL != url+"/hook" {
		t.Fatalf("ListWebhooks = %+v; want the one webhook without its secret", page.Data)
	}

	if _, err := f.sim.SignUp(SignUpParams{PlanID: firstPlan(t, f, "one_time")}); err != nil {
		t.Fatal(err)
	}
	waitIdle(t, f.sim)
	var ids []string
	for i, h := range rc.got {
		if err := whop.Verify(*hook.WebhookSecret, h, rc.bodies[i], f.clock.Now(), 5*time.Minute); err != nil {
			t.Errorf("delivery %d does not verify with the registered secret: %v", i, err)
		}
		ids = append(ids, h.Get("webhook-id"))
	}
	if len(rc.got) != 2 { // payment.created is not subscribed
		t.Fatalf("deliveries = %d; want 2 (payment.succeeded, membership.activated)", len(rc.got))
	}

	if err := c.DeleteWebhook(ctx, hook.ID); err != nil {
		t.Fatalf("DeleteWebhook: %v", err)
	}
	if err := c.DeleteWebhook(ctx, hook.ID); !errors.Is(err, whop.ErrNotFound) {
		t.Errorf("DeleteWebhook again = %v; want ErrNotFound", err)
	}
	if _, err := f.sim.SignUp(SignUpParams{PlanID: firstPlan(t, f, "one_time")}); err != nil {
		t.Fatal(err)
	}
	waitIdle(t, f.sim)
	if len(rc.got) != 2 {
		t.Errorf("deliveries after delete = %d; want still 2 (%v)", len(rc.got), ids)
	}
}

// TestWebhookCreateChecks: bad input is a 400 naming the field, another
// company's resource a 403, and the permission is required.
func TestWebhookCreateChecks(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{}, GenerateParams{})
	ctx := context.Background()
	client := func(key, company string) *whop.Client {
		c, err := whop.NewClient(whop.ClientConfig{BaseURL: f.srv.URL + "/api/v1", Token: whop.StaticToken(key), CompanyID: company, RatePerMinute: -1, MaxRetries: -1})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	for _, tc := range []struct {
		name, key, company, url string
		events                  []string
		want                    error
		msg                     string
	}{
		{"relative url", testKey, f.gen.CompanyID, "/hook", nil, whop.ErrBadRequest, "url"},
		{"unknown event", testKey, f.gen.CompanyID, "https://example.test/h", []string{"membership.went_sideways"}, whop.ErrBadRequest, "events"},
		{"other company", testKey, "biz_SomebodyElse01", "https://example.test/h", nil, whop.ErrForbidden, "biz_SomebodyElse01"},
		{"no permission", testKeyPlan, f.gen.CompanyID, "https://example.test/h", nil, whop.ErrForbidden, ScopeWebhookManage},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := client(tc.key, tc.company).CreateWebhook(ctx, whop.CreateWebhookParams{URL: tc.url, Events: tc.events})
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("CreateWebhook = %v; want %v naming %q", err, tc.want, tc.msg)
			}
		})
	}
	if n := len(f.sim.RegisteredWebhooks()); n != 0 {
		t.Errorf("registered after refusals = %d; want 0", n)
	}
}
