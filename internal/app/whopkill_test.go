package app

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/poll"
	"github.com/roster-crm/roster/internal/store"
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
			h := newKillHarness(t, d, killHarnessParams{Seed: 9, Users: 500, Memberships: 1200, Latency: 25 * time.Millisecond})
			sim, a, ws := h.sim, h.app, h.ws
			if _, err := a.Whop.ConnectAPIKey(ctx, h.admin, whopsync.ConnectAPIKeyParams{APIKey: simAPIKey, CompanyID: simCompanyID}); err != nil {
				t.Fatal(err)
			}
			child := func() *exec.Cmd { return h.child("whop sync --workspace " + ws.ID) }
			first := child()
			if err := first.Start(); err != nil {
				t.Fatal(err)
			}
			// Kill it once it has saved a page of memberships.
			t.Cleanup(func() { _ = first.Process.Kill() }) // if the wait below gives up
			var run *store.WhopSyncRun
			poll.Until(t, 60*time.Second, func() error {
				var err error
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
			h.checkTruth()
			truth := sim.Counts()
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
