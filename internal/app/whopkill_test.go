package app

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
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

// childEnv marks the test binary re-executed as `roster` by the kill test.
const childEnv = "ROSTER_TEST_CHILD_ARGS"

// TestMain lets the kill test run the real CLI in a child process: the test
// binary re-executes itself with childEnv set and behaves as `roster`.
func TestMain(m *testing.M) {
	if args := os.Getenv(childEnv); args != "" {
		os.Exit(Main(context.Background(), strings.Fields(args), os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// TestWhopSyncKilledAndResumed runs `roster whop sync` in a child process,
// kills it with SIGKILL in the middle of the memberships, runs it again, and
// checks the CRM against the simulator: the resumed sync ends in the same
// state as an uninterrupted one.
func TestWhopSyncKilledAndResumed(t *testing.T) {
	for _, d := range dialects(t) {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			sim := whopsim.New(whopsim.Config{Seed: 9, RateLimit: -1, APIKeys: []whopsim.APIKey{{Key: simAPIKey, CompanyID: simCompanyID}},
				Faults: whopsim.Faults{Latency: 25 * time.Millisecond}})
			sim.Generate(whopsim.GenerateParams{CompanyID: simCompanyID, Users: 500, Memberships: 1200})
			simSrv := httptest.NewServer(sim.Handler())
			defer simSrv.Close()

			key := make([]byte, 32)
			_, _ = rand.Read(key)
			env := map[string]string{
				"ROSTER_ENCRYPTION_KEY": base64.StdEncoding.EncodeToString(key),
				"WHOP_API_BASE_URL":     simSrv.URL + "/api/v1",
				"WHOP_RATE_PER_MINUTE":  "-1",
			}
			if d == "postgres" {
				env["DATABASE_URL"] = storetest.PostgresURL(t)
			} else {
				env["ROSTER_DATA_DIR"] = t.TempDir()
			}
			cfg, err := config.Load(func(k string) string { return env[k] }, config.Options{})
			if err != nil {
				t.Fatal(err)
			}
			a, err := open(ctx, cfg, slog.New(slog.DiscardHandler), openParams{Migrate: true})
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			ws, _, err := a.Auth.CreateWorkspace(ctx, auth.CreateWorkspaceParams{Name: "Shop", AdminEmail: "o@shop.test", AdminPassword: "password-1"})
			if err != nil {
				t.Fatal(err)
			}
			k := "k"
			admin := &auth.Principal{WorkspaceID: ws.ID, APIKeyID: &k, Role: auth.RoleAdmin, Name: "t"}
			if _, err := a.Whop.ConnectAPIKey(ctx, admin, whopsync.ConnectAPIKeyParams{APIKey: simAPIKey, CompanyID: simCompanyID}); err != nil {
				t.Fatal(err)
			}

			child := func() *exec.Cmd {
				cmd := exec.Command(os.Args[0], "-test.run=^$")
				cmd.Env = append(os.Environ(), childEnv+"=whop sync --workspace "+ws.ID)
				for k, v := range env {
					cmd.Env = append(cmd.Env, k+"="+v)
				}
				return cmd
			}
			first := child()
			if err := first.Start(); err != nil {
				t.Fatal(err)
			}
			// Kill it once it has saved a page of memberships.
			t.Cleanup(func() { _ = first.Process.Kill() }) // if the wait below gives up
			var run *store.WhopSyncRun
			poll.Until(t, 60*time.Second, func() error {
				run, err = a.Store.WhopSyncRunActive(ctx, nil, ws.ID)
				if err != nil || run == nil || run.Phase != "memberships" || run.Cursor == "" {
					return fmt.Errorf("the child has not saved a page of memberships yet (run %+v, %v)", run, err)
				}
				return nil
			})
			if err := first.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			_ = first.Wait()
			mid, err := a.Store.WhopSyncRunGet(ctx, nil, ws.ID, run.ID)
			if err != nil || mid.Status != store.SyncRunning || mid.MembershipsCount == 0 || mid.MembershipsCount >= 1200 {
				t.Fatalf("after the kill: %+v, %v; want a running run part-way through the memberships", mid, err)
			}
			sim.SetFaults(whopsim.Faults{})
			out, err := child().CombinedOutput()
			if err != nil {
				t.Fatalf("resumed sync: %v\n%s", err, out)
			}
			if !strings.Contains(string(out), "resuming sync "+run.ID) || !strings.Contains(string(out), "succeeded") {
				t.Fatalf("resumed sync output:\n%s", out)
			}
			// Truth: every membership once, with the simulator's status.
			truth := sim.Counts()
			schema := crm.NewSchema(crm.OpportunityObject, nil)
			seen, after := 0, ""
			for {
				page, err := a.Records.List(ctx, ws.ID, schema, crm.ListParams{First: crm.MaxPageSize, After: after})
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range page.Records {
					o := r.(*crm.Opportunity)
					if want, _ := sim.MembershipStatus(*o.WhopMembershipID); want != o.WhopMembershipStatus {
						t.Errorf("%s: status %s; simulator says %s", *o.WhopMembershipID, o.WhopMembershipStatus, want)
					}
				}
				seen += len(page.Records)
				if !page.HasNextPage {
					break
				}
				after = page.Cursors[len(page.Cursors)-1]
			}
			var payments int
			if err := a.Store.Read.QueryRow("SELECT COUNT(*) FROM whop_payments WHERE workspace_id = $1", ws.ID).Scan(&payments); err != nil {
				t.Fatal(err)
			}
			if seen != truth.Memberships || payments != truth.Payments {
				t.Fatalf("after resume: %d opportunities, %d payments; want %d, %d", seen, payments, truth.Memberships, truth.Payments)
			}
			final, err := a.Store.WhopSyncRunGet(ctx, nil, ws.ID, run.ID)
			if err != nil {
				t.Fatal(err)
			}
			if final.Status != store.SyncSucceeded || final.MembershipsCount != truth.Memberships {
				t.Fatalf("final run %s counted %d memberships; want succeeded, %d (no page counted twice)", final.Status, final.MembershipsCount, truth.Memberships)
			}
		})
	}
}
