package app

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/config"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/poll"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
	"github.com/roster-crm/roster/internal/whop/whopsim"
	"github.com/roster-crm/roster/internal/whopsync"
)

// crashSecret is the webhook secret of the crash test's workspace.
const crashSecret = "ws_c7a5c7a5c7a5c7a5c7a5c7a5c7a5c7a5c7a5c7a5c7a5c7a5c7a5c7a5c7a5c7a5"

// TestServeKilledDuringStormAndSync runs `roster serve` in a child process
// while a sync runs and the simulated business sends a storm of webhooks,
// kills it with SIGKILL mid-sync and mid-storm, and starts it again. After
// the restart every webhook that was answered 200 is processed (River
// rescues the jobs the dead process held within about a minute instead of
// an hour), the interrupted sync continues from its saved page and
// succeeds, and the CRM equals the simulator's truth.
func TestServeKilledDuringStormAndSync(t *testing.T) {
	for _, d := range dialects(t) {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			addr := freeAddr(t)
			h := newKillHarness(t, d, killHarnessParams{Seed: 11, Users: 400, Memberships: 1000, Latency: 150 * time.Millisecond,
				Env: map[string]string{"WHOP_WEBHOOK_SECRET": crashSecret, "ROSTER_ADDR": addr, "ROSTER_BASE_URL": "http://" + addr}})
			sim, a, ws, admin := h.sim, h.app, h.ws, h.admin
			sim.SetWebhookTargets([]whopsim.WebhookTarget{{URL: "http://" + addr + "/webhooks/whop/" + ws.ID, Secret: crashSecret}})

			logs := filepath.Join(t.TempDir(), "serve.log")
			serve := func() *exec.Cmd {
				out, err := os.OpenFile(logs, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { out.Close() })
				cmd := h.child("serve")
				cmd.Stdout, cmd.Stderr = out, out
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
				waitUntil(t, "the server answers /healthz", 60*time.Second, func() bool {
					resp, err := http.Get("http://" + addr + "/healthz")
					if err != nil {
						return false
					}
					resp.Body.Close()
					return resp.StatusCode == 200
				})
				return cmd
			}
			first := serve()
			// Connecting queues the first sync, which the child works.
			if _, err := a.Whop.ConnectAPIKey(ctx, admin, whopsync.ConnectAPIKeyParams{APIKey: simAPIKey, CompanyID: simCompanyID, WebhookSecret: crashSecret}); err != nil {
				t.Fatal(err)
			}
			// The storm: the business moves every 20 ms (over 100 events a
			// second) while the sync runs, writing the people and opportunities
			// the sync writes.
			stormCtx, stopStorm := context.WithCancel(ctx)
			var storm sync.WaitGroup
			storm.Add(1)
			go func() {
				defer storm.Done()
				for stormCtx.Err() == nil {
					sim.Tick()
					time.Sleep(20 * time.Millisecond)
				}
			}()
			var run *store.WhopSyncRun
			poll.Until(t, 90*time.Second, func() error {
				var err error
				run, err = a.Store.WhopSyncRunActive(ctx, nil, ws.ID)
				if run != nil && (run.Phase == "memberships" && run.Cursor != "" || run.Phase == "payments") && acknowledged(sim) >= 20 {
					return nil
				}
				if run == nil {
					return fmt.Errorf("no active sync run (%v), %d events acknowledged, %d deliveries", err, acknowledged(sim), len(sim.Deliveries()))
				}
				return fmt.Errorf("sync run in %s (cursor %q, status %s), %d events acknowledged, %d deliveries", run.Phase, run.Cursor, run.Status, acknowledged(sim), len(sim.Deliveries()))
			})
			if err := first.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			_ = first.Wait()
			stopStorm()
			storm.Wait()
			acked := acknowledgedIDs(sim)
			pending := countWhere(t, a.Store, "SELECT COUNT(*) FROM whop_webhook_inbox WHERE workspace_id = $1 AND status = 'pending'", ws.ID)
			stuck := countWhere(t, a.Store, "SELECT COUNT(*) FROM river_job WHERE state = 'running' AND kind = $1", "whop_webhook")
			t.Logf("killed mid-sync (run %s in %s) with %d acknowledged events: %d pending, %d webhook jobs left running", run.ID, run.Phase, len(acked), pending, stuck)

			restarted := time.Now()
			serve()
			waitUntil(t, "the interrupted sync finishes after the restart", 3*time.Minute, func() bool {
				got, err := a.Store.WhopSyncRunGet(ctx, nil, ws.ID, run.ID)
				return err == nil && got.Status != store.SyncRunning && got.Status != store.SyncQueued
			})
			syncDone := time.Since(restarted)
			waitUntil(t, "every acknowledged webhook is processed after the restart", 3*time.Minute, func() bool {
				return countWhere(t, a.Store, "SELECT COUNT(*) FROM whop_webhook_inbox WHERE workspace_id = $1 AND status = 'pending'", ws.ID) == 0
			})
			eventsDone := time.Since(restarted)
			idle, cancel := context.WithTimeout(ctx, 2*time.Minute)
			defer cancel()
			if err := sim.WaitIdle(idle); err != nil {
				t.Fatalf("the simulator still retries deliveries: %v", err)
			}
			waitUntil(t, "the retried deliveries are processed", 3*time.Minute, func() bool {
				return countWhere(t, a.Store, "SELECT COUNT(*) FROM whop_webhook_inbox WHERE workspace_id = $1 AND status = 'pending'", ws.ID) == 0
			})
			t.Logf("after the restart: sync finished in %v, acknowledged events processed in %v", syncDone.Round(time.Second), eventsDone.Round(time.Second))

			final, err := a.Store.WhopSyncRunGet(ctx, nil, ws.ID, run.ID)
			if err != nil || final.Status != store.SyncSucceeded {
				t.Fatalf("interrupted run after restart = %+v, %v; want succeeded", final, err)
			}
			for id := range acked {
				var status string
				if err := a.Store.Read.QueryRow("SELECT status FROM whop_webhook_inbox WHERE workspace_id = $1 AND webhook_id = $2", ws.ID, id).Scan(&status); err != nil {
					t.Fatalf("acknowledged event %s: %v", id, err)
				}
				if status != store.InboxProcessed && status != store.InboxIgnored {
					t.Errorf("acknowledged event %s is %s; want processed", id, status)
				}
			}
			h.checkTruth()
		})
	}
}

// freeAddr returns a loopback address nothing listens on, for a child
// server that must come back on the same address.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// acknowledged counts the deliveries the server answered 2xx.
func acknowledged(sim *whopsim.Sim) int { return len(acknowledgedIDs(sim)) }

func acknowledgedIDs(sim *whopsim.Sim) map[string]bool {
	out := map[string]bool{}
	for _, d := range sim.Deliveries() {
		if d.OK() {
			out[d.EventID] = true
		}
	}
	return out
}

func countWhere(t *testing.T, s *store.Store, query string, args ...any) int {
	t.Helper()
	var n int
	if err := s.Read.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// waitUntil polls cond through poll.Until, naming what it waits for.
func waitUntil(t *testing.T, what string, within time.Duration, cond func() bool) {
	t.Helper()
	poll.Until(t, within, func() error {
		if !cond() {
			return errors.New("not yet: " + what)
		}
		return nil
	})
}

// killHarness is a workspace connected to a simulated Whop company, opened
// in this process, plus the environment a child `roster` needs to work on
// the same database.
type killHarness struct {
	t     *testing.T
	sim   *whopsim.Sim
	env   map[string]string
	app   *App
	ws    *store.Workspace
	admin *auth.Principal
}

type killHarnessParams struct {
	Seed               uint64
	Users, Memberships int
	Latency            time.Duration     // of every simulator response
	Env                map[string]string // added to the child's environment
}

func newKillHarness(t *testing.T, dialect string, p killHarnessParams) *killHarness {
	t.Helper()
	sim := whopsim.New(whopsim.Config{Seed: p.Seed, RateLimit: -1, APIKeys: []whopsim.APIKey{{Key: simAPIKey, CompanyID: simCompanyID}},
		Faults: whopsim.Faults{Latency: p.Latency}})
	sim.Generate(whopsim.GenerateParams{CompanyID: simCompanyID, Users: p.Users, Memberships: p.Memberships})
	simSrv := httptest.NewServer(sim.Handler())
	t.Cleanup(simSrv.Close)
	t.Cleanup(func() { _ = sim.Close() })
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	env := map[string]string{
		"ROSTER_ENCRYPTION_KEY": base64.StdEncoding.EncodeToString(key),
		"WHOP_API_BASE_URL":     simSrv.URL + "/api/v1",
		"WHOP_RATE_PER_MINUTE":  "-1",
	}
	for k, v := range p.Env {
		env[k] = v
	}
	if dialect == "postgres" {
		env["DATABASE_URL"] = storetest.PostgresURL(t)
	} else {
		env["ROSTER_DATA_DIR"] = t.TempDir()
	}
	cfg, err := config.Load(func(k string) string { return env[k] }, config.Options{})
	if err != nil {
		t.Fatal(err)
	}
	a, err := open(context.Background(), cfg, slog.New(slog.DiscardHandler), openParams{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	ws, _, err := a.Auth.CreateWorkspace(context.Background(), auth.CreateWorkspaceParams{Name: "Shop", AdminEmail: "o@shop.test", AdminPassword: "password-1"})
	if err != nil {
		t.Fatal(err)
	}
	k := "k"
	return &killHarness{t: t, sim: sim, env: env, app: a, ws: ws, admin: &auth.Principal{WorkspaceID: ws.ID, APIKeyID: &k, Role: auth.RoleAdmin, Name: "t"}}
}

// child returns the test binary set up to run as `roster args`.
func (h *killHarness) child(args string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+args)
	for k, v := range h.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	return cmd
}

// checkTruth compares the workspace's opportunities and payments with the
// simulator: every membership once, with its status.
func (h *killHarness) checkTruth() {
	t := h.t
	t.Helper()
	truth := h.sim.Counts()
	schema := crm.NewSchema(crm.OpportunityObject, nil)
	seen, after := 0, ""
	for {
		page, err := h.app.Records.List(context.Background(), h.ws.ID, schema, crm.ListParams{First: crm.MaxPageSize, After: after})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page.Records {
			o := r.(*crm.Opportunity)
			if want, _ := h.sim.MembershipStatus(*o.WhopMembershipID); want != o.WhopMembershipStatus {
				t.Errorf("%s: status %s; simulator says %s", *o.WhopMembershipID, o.WhopMembershipStatus, want)
			}
		}
		seen += len(page.Records)
		if !page.HasNextPage {
			break
		}
		after = page.Cursors[len(page.Cursors)-1]
	}
	payments := countWhere(t, h.app.Store, "SELECT COUNT(*) FROM whop_payments WHERE workspace_id = $1", h.ws.ID)
	if seen != truth.Memberships || payments != truth.Payments {
		t.Errorf("%d opportunities, %d payments; want the simulator's %d, %d", seen, payments, truth.Memberships, truth.Payments)
	}
}
