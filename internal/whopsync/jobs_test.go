package whopsync_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/poll"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
	"github.com/roster-crm/roster/internal/whopsync"
)

// TestReconcileJobQueuesRuns works the periodic reconciliation job: a
// healthy connection gets a reconcile run that ends equal to the simulator;
// a connection waiting for re-authorisation is skipped.
func TestReconcileJobQueuesRuns(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		e := newEnv(t, s, envOpts{})
		e.connectAndWait()
		first := e.latestRun()
		reconcile := func() *store.WhopSyncRun {
			t.Helper()
			if err := e.queue.Insert(ctx, whopsync.ReconcileArgs{}, nil); err != nil {
				t.Fatal(err)
			}
			var run *store.WhopSyncRun
			poll.Until(t, 30*time.Second, func() error {
				if run = e.latestRun(); run.ID == first.ID {
					return errors.New("no new run yet")
				}
				return nil
			})
			return run
		}
		// The business moved on since the first sync.
		if err := e.sim.CancelMembership(e.anyMembership(), false); err != nil {
			t.Fatal(err)
		}
		run := reconcile()
		if run.Kind != whopsync.RunReconcile {
			t.Fatalf("latest run after the reconcile job = %s %s; want a reconcile run", run.ID, run.Kind)
		}
		if done, err := e.svc.WaitRun(ctx, e.ws, run.ID); err != nil || done.Status != store.SyncSucceeded {
			t.Fatalf("reconcile run = %+v, %v; want succeeded", done, err)
		}
		e.checkTruth()

		// Needing re-authorisation: no run is queued.
		first = e.latestRun()
		e.exec("UPDATE whop_connections SET needs_reauth = $1 WHERE workspace_id = $2", true, e.ws)
		if err := e.queue.Insert(ctx, whopsync.ReconcileArgs{}, nil); err != nil {
			t.Fatal(err)
		}
		var state string
		var attempts int
		e.waitJob("whop_reconcile", "", &state, &attempts)
		if state != "completed" {
			t.Errorf("reconcile job = %s; want completed", state)
		}
		if run := e.latestRun(); run.ID != first.ID {
			t.Errorf("reconcile queued run %s for a connection needing re-authorisation", run.ID)
		}
	})
}

// TestSyncContinuesAcrossSlices: a sync longer than one job attempt's slice
// (here every page outlasts it) lets go after each page and continues in a
// fresh attempt of the same job, in the sync queue, to the end.
func TestSyncContinuesAcrossSlices(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		e := newEnv(t, s, envOpts{syncSlice: time.Nanosecond})
		e.connect()
		run, err := e.svc.WaitRun(ctx, e.ws, e.latestRun().ID)
		if err != nil || run.Status != store.SyncSucceeded {
			t.Fatalf("sync = %+v, %v; want succeeded", run, err)
		}
		e.checkTruth()
		var queue, state string
		var snoozes int
		poll.Until(t, 30*time.Second, func() error {
			e.scan("SELECT queue, state, "+snoozeCount(s)+" FROM river_job WHERE kind = 'whop_sync' ORDER BY id DESC LIMIT 1", nil, &queue, &state, &snoozes)
			if state != "completed" {
				return fmt.Errorf("sync job %s", state)
			}
			return nil
		})
		// Every page but the last ended its attempt: the job went on in a
		// fresh one each time (River counts them as snoozes).
		if queue != whopsync.QueueSync || snoozes < run.RequestsCount-1 {
			t.Errorf("sync job in queue %q continued %d times; want %q, once after each page but the last (%d)", queue, snoozes, whopsync.QueueSync, run.RequestsCount-1)
		}
	})
}

// snoozeCount is the SQL for how many times River snoozed a job (its
// metadata's "snoozes"), in the store's dialect.
func snoozeCount(s *store.Store) string {
	if s.Dialect == store.Postgres {
		return "COALESCE(CAST(metadata->>'snoozes' AS INTEGER), 0)"
	}
	return "COALESCE(CAST(json_extract(metadata, '$.snoozes') AS INTEGER), 0)"
}
