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
	"github.com/roster-crm/roster/internal/whopsync"
)

// skewClock is real time plus an offset the test moves forward, so a
// heartbeat can go stale without the test sleeping.
type skewClock struct {
	mu  sync.Mutex
	off time.Duration
}

func (c *skewClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.off)
}

func (c *skewClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.off += d
}

// orphanRun leaves a run as a process killed part-way through the
// memberships leaves it: running, held by that process, its last heartbeat
// at beat.
func (e *env) orphanRun(holder string, beat time.Time) *store.WhopSyncRun {
	e.t.Helper()
	run, err := e.svc.StartRun(context.Background(), e.ws, whopsync.RunFull)
	if err != nil {
		e.t.Fatal(err)
	}
	e.exec("UPDATE whop_sync_runs SET status = 'running', phase = 'memberships', lease = $1, started_at = $2, updated_at = $2 WHERE id = $3",
		holder, e.store.Dialect.Time(beat), run.ID)
	return run
}

// runStatus reads a run.
func (e *env) runStatus(id string) *store.WhopSyncRun {
	e.t.Helper()
	run, err := e.svc.SyncRun(context.Background(), e.ws, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return run
}

// waitRunEnded polls a run (without WaitRun, which would take it over
// itself) until it has ended.
func (e *env) waitRunEnded(id string) *store.WhopSyncRun {
	e.t.Helper()
	var run *store.WhopSyncRun
	poll.Until(e.t, 60*time.Second, func() error {
		if run = e.runStatus(id); run.Status != store.SyncSucceeded && run.Status != store.SyncFailed {
			return fmt.Errorf("run %s is %s in %s", id, run.Status, run.Phase)
		}
		return nil
	})
	return run
}

// TestTriggerWaitTakesOverDeadRun: a run whose process died (its heartbeat
// a minute old) is not joined and waited on forever: triggering a sync with
// wait takes it over, finishes it from its saved phase and returns it.
func TestTriggerWaitTakesOverDeadRun(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, envOpts{})
		e.connectAndWait()
		dead := e.orphanRun("killed-process", time.Now().Add(-time.Minute))
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		run, err := e.svc.TriggerSync(ctx, e.admin, true)
		if err != nil {
			t.Fatalf("TriggerSync(wait) on a dead run = %v", err)
		}
		if run.ID != dead.ID || run.Status != store.SyncSucceeded {
			t.Fatalf("TriggerSync(wait) = run %s %s; want the dead run %s taken over and succeeded", run.ID, run.Status, dead.ID)
		}
		e.checkTruth()
	})
}

// TestWaitTakesOverRunThatDiesWhileWaiting: a trigger that joined a live
// run does not hang when the run's process dies: once the heartbeat is
// stale, the waiter queues the takeover and returns the finished run.
func TestWaitTakesOverRunThatDiesWhileWaiting(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		clock := &skewClock{}
		e := newEnv(t, s, envOpts{now: clock.now})
		e.connectAndWait()
		orphan := e.orphanRun("dies-soon", clock.now())
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		type result struct {
			run *store.WhopSyncRun
			err error
		}
		done := make(chan result, 1)
		go func() {
			run, err := e.svc.TriggerSync(ctx, e.admin, true)
			done <- result{run, err}
		}()
		select {
		case r := <-done:
			t.Fatalf("TriggerSync(wait) returned %v, %v while the run's heartbeat was fresh; want it to wait", r.run, r.err)
		case <-time.After(300 * time.Millisecond):
		}
		clock.advance(time.Minute) // the holder has stopped beating
		r := <-done
		if r.err != nil || r.run.ID != orphan.ID || r.run.Status != store.SyncSucceeded {
			t.Fatalf("TriggerSync(wait) = %+v, %v; want run %s taken over and succeeded", r.run, r.err, orphan.ID)
		}
		e.checkTruth()
	})
}

// TestResumeInterrupted: at start-up every run left running is queued for
// takeover. A run whose process died continues from its saved page once its
// heartbeat is stale; a run whose holder is still beating is left to it.
func TestResumeInterrupted(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		clock := &skewClock{}
		e := newEnv(t, s, envOpts{now: clock.now})
		e.connectAndWait()

		// A live holder: it beats after the takeover was queued.
		live := e.orphanRun("live-process", clock.now())
		if err := e.svc.ResumeInterrupted(ctx); err != nil {
			t.Fatal(err)
		}
		e.exec("UPDATE whop_sync_runs SET updated_at = $1 WHERE id = $2", s.Dialect.Time(clock.now().Add(time.Second)), live.ID)
		var state string
		var attempts int
		e.waitJob("whop_sync", live.ID, &state, &attempts)
		if got := e.runStatus(live.ID); got.Status != store.SyncRunning || got.Phase != "memberships" {
			t.Errorf("run of a live holder after the takeover job = %s/%s; want left running in memberships", got.Status, got.Phase)
		}
		e.exec("UPDATE whop_sync_runs SET status = 'failed' WHERE id = $1", live.ID)

		// A dead holder: killed a moment ago, so its heartbeat is still fresh.
		dead := e.orphanRun("killed-process", clock.now())
		if err := e.svc.ResumeInterrupted(ctx); err != nil {
			t.Fatal(err)
		}
		clock.advance(time.Minute) // its heartbeat is now stale
		got := e.waitRunEnded(dead.ID)
		if got.Status != store.SyncSucceeded {
			t.Fatalf("interrupted run after start-up = %s %v; want succeeded", got.Status, got.Errors)
		}
		if got.ProductsCount != 0 {
			t.Errorf("resumed run counted %d products; want 0 (it continued from the memberships)", got.ProductsCount)
		}
		e.checkTruth()
	})
}
