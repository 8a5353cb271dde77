package app

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/config"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/httpserver"
	"github.com/roster-crm/roster/internal/poll"
	"github.com/roster-crm/roster/internal/whop/whopsim"
	"github.com/roster-crm/roster/internal/whopsync"
	"github.com/roster-crm/roster/internal/workflow"
)

// TestWhopEventWorkflowEndToEnd follows a failed payment the whole way: the
// simulated Whop fails a member's payment and sends its signed webhooks
// twice each (Whop redelivers), Roster takes them over HTTP, the sync
// applies them, and the active WHOP_EVENT workflow on payment.failed runs
// exactly once, with the payment, the person and the opportunity as its
// variables. The halves (whopsync's domain event, the trigger) have their
// own tests; this one proves they are wired together in the app.
func TestWhopEventWorkflowEndToEnd(t *testing.T) {
	for _, d := range dialects(t) {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			h := newKillHarness(t, d, killHarnessParams{Seed: 21, Users: 4, Memberships: 6, Env: map[string]string{"WHOP_WEBHOOK_SECRET": crashSecret}})
			// The harness's app only enqueues; this one works the jobs, on
			// the same database, behind a real HTTP server.
			// Connecting registers Roster's webhook at Whop under the base
			// URL, so the server's address is known before the config.
			hs := httptest.NewUnstartedServer(nil)
			t.Cleanup(hs.Close)
			env := map[string]string{"ROSTER_BASE_URL": "http://" + hs.Listener.Addr().String()}
			for k, v := range h.env {
				if _, set := env[k]; !set {
					env[k] = v
				}
			}
			cfg, err := config.Load(func(k string) string { return env[k] }, config.Options{})
			if err != nil {
				t.Fatal(err)
			}
			a, err := open(ctx, cfg, slog.New(slog.DiscardHandler), openParams{Migrate: true, WorkJobs: true})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { a.Close() })
			srv := httpserver.New(httpserver.Config{Logger: a.Logger, Metrics: a.Metrics, Store: a.Store})
			if err := a.mount(srv); err != nil {
				t.Fatal(err)
			}
			hs.Config.Handler = srv.Handler()
			hs.Start()
			if err := a.Queue.Start(ctx); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				stop, done := context.WithTimeout(context.Background(), 10*time.Second)
				defer done()
				_ = a.Queue.Stop(stop)
			})
			ws := h.ws.ID

			if _, err := a.Whop.ConnectAPIKey(ctx, h.admin, whopsync.ConnectAPIKeyParams{APIKey: simAPIKey, CompanyID: simCompanyID}); err != nil {
				t.Fatal(err)
			}
			if _, err := a.Whop.TriggerSync(ctx, h.admin, true); err != nil {
				t.Fatal(err)
			}
			// A synced membership with a person to chase.
			schema := crm.NewSchema(crm.OpportunityObject, nil)
			page, err := a.Records.List(ctx, ws, schema, crm.ListParams{First: crm.MaxPageSize})
			if err != nil {
				t.Fatal(err)
			}
			var membershipID, oppName string
			for _, r := range page.Records {
				m := crm.RecordJSON(schema, r)
				if id, _ := m["whopMembershipId"].(string); id != "" && m["pointOfContactId"] != nil {
					membershipID, oppName = id, m["name"].(string)
					break
				}
			}
			if membershipID == "" {
				t.Fatalf("no synced membership with a point of contact among %d opportunities", len(page.Records))
			}

			wf, err := a.Workflows.CreateWorkflow(ctx, ws, workflow.CreateWorkflowInput{Name: "Failed payment follow-up"})
			if err != nil {
				t.Fatal(err)
			}
			vs, err := a.Workflows.Versions(ctx, ws, workflow.VersionFilter{WorkflowID: wf.ID}, workflow.ListParams{})
			if err != nil || len(vs.Items) != 1 {
				t.Fatalf("versions = %v, %v; want the first draft", vs, err)
			}
			v, err := a.Workflows.UpdateVersion(ctx, ws, vs.Items[0].ID, workflow.VersionInput{
				Trigger: json.RawMessage(`{"type": "WHOP_EVENT", "settings": {"eventName": "payment.failed"}}`),
				Steps: json.RawMessage(`[{"id": "task", "name": "Chase", "type": "CREATE_RECORD", "settings": {"input": {"objectName": "task",
				  "objectRecord": {"title": "Chase {{trigger.payment.id}} on {{trigger.opportunity.name}}"}}}}]`),
			})
			if err != nil {
				t.Fatal(err)
			}
			if ok, err := a.Workflows.ActivateVersion(ctx, ws, v.ID); err != nil || !ok {
				t.Fatalf("ActivateVersion = %v, %v", ok, err)
			}

			h.sim.SetFaults(whopsim.Faults{WebhookDuplicates: true})
			payID, err := h.sim.FailPayment(membershipID)
			if err != nil {
				t.Fatal(err)
			}
			idle, done := context.WithTimeout(ctx, 30*time.Second)
			defer done()
			if err := h.sim.WaitIdle(idle); err != nil {
				for _, dl := range h.sim.Deliveries() {
					t.Logf("delivery %s %s attempt %d: %d %s", dl.EventID, dl.Type, dl.Attempt, dl.Status, dl.Err)
				}
				t.Fatal(err)
			}
			failed := 0
			for _, dl := range h.sim.Deliveries() {
				if dl.Type == "payment.failed" && dl.OK() {
					failed++
				}
			}
			if failed < 2 {
				t.Fatalf("payment.failed accepted %d times; want the event and its duplicate", failed)
			}

			var runs []*workflow.Run
			poll.Until(t, 60*time.Second, func() error {
				pg, err := a.Workflows.Runs(ctx, ws, workflow.RunFilter{WorkflowID: wf.ID}, workflow.ListParams{First: 10})
				if err != nil {
					return err
				}
				runs = pg.Items
				if len(runs) != 1 || runs[0].Status != workflow.RunCompleted {
					return fmt.Errorf("%d runs (%v); want one COMPLETED", len(runs), statuses(runs))
				}
				return nil
			})
			// A duplicate that started a second run would have done so by
			// the time every Whop job is finished, so a count taken then is
			// final.
			poll.Until(t, 30*time.Second, func() error {
				n := countWhere(t, a.Store, "SELECT COUNT(*) FROM river_job WHERE kind IN ('whop_webhook', 'whop_domain_event') AND state NOT IN ('completed', 'discarded', 'cancelled')")
				if n != 0 {
					return fmt.Errorf("%d Whop jobs unfinished", n)
				}
				return nil
			})
			pg, err := a.Workflows.Runs(ctx, ws, workflow.RunFilter{WorkflowID: wf.ID}, workflow.ListParams{First: 10})
			if err != nil || len(pg.Items) != 1 {
				t.Fatalf("runs after the redelivery = %v (%v); want exactly one", statuses(pg.Items), err)
			}
			task, ok := runs[0].State.StepInfos["task"]
			if !ok || task.Status != "SUCCESS" {
				t.Fatalf("step task = %+v; want SUCCESS", task)
			}
			result, _ := task.Result.(map[string]any)
			want := "Chase " + payID + " on " + oppName
			if got := result["title"]; got != want {
				t.Errorf("task title = %v; want %q", got, want)
			}
			if !strings.HasPrefix(payID, "pay_") {
				t.Errorf("payment id = %q; want Whop's pay_ form", payID)
			}
		})
	}
}

// statuses lists the runs' statuses for a failure message.
func statuses(runs []*workflow.Run) []string {
	out := make([]string, len(runs))
	for i, r := range runs {
		out[i] = string(r.Status)
	}
	return out
}
