package whopsync_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/poll"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
	"github.com/roster-crm/roster/internal/whop/whopsim"
)

// TestSyncFinishesDuringWebhookStorm runs a first sync of a company of 400
// customers, Whop answering every page in 150 ms, while the business moves
// every 20 ms (over 100 webhooks a second, each processed by a job that
// writes the same people and opportunities the sync writes). The sync must
// keep saving pages and finish, and the CRM then equals the simulator.
func TestSyncFinishesDuringWebhookStorm(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		e := newEnv(t, s, envOpts{users: 400, memberships: 1000})
		e.sim.SetFaults(whopsim.Faults{Latency: 150 * time.Millisecond})
		e.connect() // queues the first sync, which the queue works
		run := e.latestRun()

		stormCtx, stopStorm := context.WithCancel(ctx)
		var storm sync.WaitGroup
		storm.Add(1)
		go func() {
			defer storm.Done()
			for stormCtx.Err() == nil {
				e.sim.Tick()
				time.Sleep(20 * time.Millisecond)
			}
		}()
		stopped := false
		stop := func() {
			if !stopped {
				stopped = true
				stopStorm()
				storm.Wait()
			}
		}
		defer stop()
		start := time.Now()
		poll.Until(t, 3*time.Minute, func() error {
			got, err := e.svc.SyncRun(ctx, e.ws, run.ID)
			if err != nil {
				return err
			}
			if got.Status == store.SyncSucceeded || got.Status == store.SyncFailed {
				run = got
				return nil
			}
			return fmt.Errorf("sync run %s in %s (cursor %q), %d deliveries", got.Status, got.Phase, got.Cursor, len(e.sim.Deliveries()))
		})
		t.Logf("sync finished in %v during the storm (%d deliveries)", time.Since(start).Round(time.Second), len(e.sim.Deliveries()))
		stop()
		if run.Status != store.SyncSucceeded {
			t.Fatalf("sync run = %s %v; want succeeded", run.Status, run.Errors)
		}
		idle, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		if err := e.sim.WaitIdle(idle); err != nil {
			t.Fatal(err)
		}
		e.waitInbox()
		e.checkTruth()
	})
}
