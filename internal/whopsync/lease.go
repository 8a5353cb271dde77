package whopsync

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"time"

	"github.com/roster-crm/roster/internal/store"
)

// Liveness of a sync run. The execution that holds a run (its lease) touches
// it every heartbeatEvery; a run whose heartbeat is older than staleRun lost
// its process (killed, crashed) and is taken over by the next worker, so no
// sync waits on a dead one.
const (
	heartbeatEvery = 5 * time.Second
	staleRun       = 30 * time.Second
	// DefaultSyncSlice is how long one job attempt works a run before it
	// lets go and continues in a fresh attempt (a snooze), so every attempt
	// ends well within jobs.JobTimeout and River can rescue a dead one within
	// a minute.
	DefaultSyncSlice = 30 * time.Second
)

var (
	// errRunHeld means another live execution holds the run.
	errRunHeld = errors.New("whopsync: the sync run is held by another worker")
	// errSliceDone ends an attempt whose time slice is used up, between
	// pages; the run continues in the next attempt.
	errSliceDone = errors.New("whopsync: the sync's time slice is used up")
)

// stale reports whether a run's holder has stopped beating.
func (s *Service) stale(r *store.WhopSyncRun) bool {
	return s.now().Sub(r.UpdatedAt) > staleRun
}

// claim gives the run to lease when it is free, already lease's, or its
// holder is stale (or force), and returns the run as claimed.
func (s *Service) claim(ctx context.Context, run *store.WhopSyncRun, lease string, force bool) (*store.WhopSyncRun, error) {
	var ok bool
	err := s.store.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		ok, err = s.store.WhopSyncRunClaim(ctx, tx, &store.WhopSyncRunClaimParams{WorkspaceID: run.WorkspaceID, ID: run.ID,
			Lease: lease, Now: s.now(), StaleBefore: s.now().Add(-staleRun), Force: force})
		return err
	})
	if err != nil {
		return run, err
	}
	got, err := s.store.WhopSyncRunGet(ctx, nil, run.WorkspaceID, run.ID)
	if err != nil {
		return run, err
	}
	if !ok {
		return got, errRunHeld
	}
	return got, nil
}

// release lets go of a run after a stopped attempt, so the retry (or a
// resume) claims it without waiting for it to go stale. It runs even when
// ctx was cancelled.
func (s *Service) release(ctx context.Context, run *store.WhopSyncRun, lease string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := s.store.WhopSyncRunRelease(ctx, run.WorkspaceID, run.ID, lease); err != nil {
		s.log.Warn("whop sync: release run", "run_id", run.ID, "error", err)
	}
}

// heartbeat touches the run every heartbeatEvery until stop is called. If
// the run is no longer the lease's (ended or taken over), it cancels the
// work with errRunStopped.
func (s *Service) heartbeat(ctx context.Context, run *store.WhopSyncRun, lease string, lost context.CancelCauseFunc) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(heartbeatEvery)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				held, err := s.store.WhopSyncRunTouch(ctx, s.store.Write, run.WorkspaceID, run.ID, lease, s.now())
				if err == nil && !held {
					lost(errRunStopped)
					return
				}
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// resume queues a job that takes over a run whose holder may be dead. It
// carries the heartbeat it saw: the job waits for that heartbeat to go
// stale, and leaves the run alone if it moves on (the holder is alive).
func (s *Service) resume(ctx context.Context, tx *sql.Tx, run *store.WhopSyncRun) error {
	return s.enqueue(ctx, tx, SyncArgs{WorkspaceID: run.WorkspaceID, RunID: run.ID, Resume: run.UpdatedAt.UnixMilli()})
}

// ResumeInterrupted queues the takeover of every run left queued or running,
// for a process starting up: a run whose process died continues from its
// saved page as soon as its heartbeat is stale, while a run another live
// process works is left to it.
func (s *Service) ResumeInterrupted(ctx context.Context) error {
	runs, err := s.store.WhopSyncRunsActive(ctx)
	if err != nil {
		return err
	}
	return s.store.InTx(ctx, func(tx *sql.Tx) error {
		for _, r := range runs {
			if err := s.resume(ctx, tx, r); err != nil {
				return err
			}
		}
		return nil
	})
}
