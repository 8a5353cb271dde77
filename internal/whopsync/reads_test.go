package whopsync_test

import (
	"context"
	"testing"

	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
	"github.com/roster-crm/roster/internal/whop/whopsim"
	"github.com/roster-crm/roster/internal/whopsync"
)

// TestLatestSyncRunAndProducts: no run before the first connect; the run
// connecting queues is the latest, active until it ends; the synced
// products are the filter's choices, by title.
func TestLatestSyncRunAndProducts(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		e := newEnv(t, s, envOpts{noQueue: true})
		if run, err := e.svc.LatestSyncRun(ctx, e.ws); run != nil || err != nil {
			t.Fatalf("LatestSyncRun() before any sync = %+v, %v; want nil", run, err)
		}
		if choices, err := e.svc.ProductChoices(ctx, e.ws); len(choices) != 0 || err != nil {
			t.Fatalf("ProductChoices() before any sync = %v, %v; want none", choices, err)
		}
		e.connect()
		queued, err := e.svc.LatestSyncRun(ctx, e.ws)
		if err != nil || queued == nil || !whopsync.Active(queued) || whopsync.Finished(queued) {
			t.Fatalf("LatestSyncRun() after connecting = %+v, %v; want the queued first run, active", queued, err)
		}
		done := e.sync()
		latest, err := e.svc.LatestSyncRun(ctx, e.ws)
		if err != nil || latest.ID != done.ID || whopsync.Active(latest) || !whopsync.Finished(latest) {
			t.Fatalf("LatestSyncRun() after the sync = %+v, %v; want run %s, finished", latest, err, done.ID)
		}
		choices, err := e.svc.ProductChoices(ctx, e.ws)
		if err != nil || len(choices) != done.ProductsCount {
			t.Fatalf("ProductChoices() = %v, %v; want the %d synced products", choices, err, done.ProductsCount)
		}
		for i := 1; i < len(choices); i++ {
			if choices[i-1].Title > choices[i].Title {
				t.Errorf("ProductChoices() not by title: %q before %q", choices[i-1].Title, choices[i].Title)
			}
		}
	})
}

// TestWebhookSecretSource says which secret verifies a workspace's
// webhooks without revealing it: the workspace's own, else the
// deployment's (WHOP_WEBHOOK_SECRET), else none; nothing when not
// connected.
func TestWebhookSecretSource(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		e := newEnv(t, s, envOpts{noQueue: true})
		deployment, err := whopsync.New(whopsync.Config{Store: s, Records: e.records, Sealer: e.sealer, WebhookSecret: "ws_deployment_" + randHex(16)})
		if err != nil {
			t.Fatal(err)
		}
		source := func(svc *whopsync.Service) string {
			t.Helper()
			src, err := svc.WebhookSecretSource(ctx, e.ws)
			if err != nil {
				t.Fatal(err)
			}
			return src
		}
		if got := source(deployment); got != "" {
			t.Errorf("not connected: %q; want none", got)
		}
		// A key that may not register a webhook, and no pasted secret.
		key := "whop_sk_readonly_" + randHex(8)
		e.sim.AddAPIKey(whopsim.APIKey{Key: key, CompanyID: e.company, Scopes: []string{whopsim.ScopeMemberRead, whopsim.ScopeProductRead, whopsim.ScopePlanRead, whopsim.ScopePaymentRead}})
		if _, err := e.svc.ConnectAPIKey(ctx, e.admin, whopsync.ConnectAPIKeyParams{APIKey: key, CompanyID: e.company}); err != nil {
			t.Fatal(err)
		}
		if got, dep := source(e.svc), source(deployment); got != "" || dep != whopsync.SecretDeployment {
			t.Errorf("connected without a secret: %q, with a deployment secret %q; want none, %q", got, dep, whopsync.SecretDeployment)
		}
		if _, err := e.svc.SetWebhookSecret(ctx, e.admin, e.secret); err != nil {
			t.Fatal(err)
		}
		if got, dep := source(e.svc), source(deployment); got != whopsync.SecretWorkspace || dep != whopsync.SecretWorkspace {
			t.Errorf("with the workspace's secret: %q, %q; want %q for both", got, dep, whopsync.SecretWorkspace)
		}
	})
}
