package whopsync

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/riverqueue/river"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/jobs"
)

// QueueSync is the job queue sync runs are worked from, beside the default
// queue that holds the webhook jobs: a sync continues slice after slice, and
// in the shared queue each continuation waited behind every webhook job
// queued before it (River fetches oldest first), which during a storm is a
// backlog of thousands.
const QueueSync = "whop_sync"

// syncWorkers is how many syncs one process works at once.
const syncWorkers = 10

// DefaultReconcileEvery is how often every connected workspace is swept for
// anything its webhooks missed.
const DefaultReconcileEvery = 6 * time.Hour

// Register adds the integration's workers and the reconciliation schedule to
// the job registry.
func Register(reg *jobs.Registry, s *Service, reconcileEvery time.Duration) error {
	if err := jobs.Register(reg, &syncWorker{s: s}); err != nil {
		return err
	}
	if err := jobs.Register(reg, &webhookWorker{s: s}); err != nil {
		return err
	}
	if err := jobs.Register(reg, &reconcileWorker{s: s}); err != nil {
		return err
	}
	reg.AddQueue(QueueSync, syncWorkers)
	if reconcileEvery <= 0 {
		reconcileEvery = DefaultReconcileEvery
	}
	reg.AddPeriodic(river.PeriodicInterval(reconcileEvery), func() (river.JobArgs, *river.InsertOpts) {
		return ReconcileArgs{}, nil
	}, &river.PeriodicJobOpts{RunOnStart: false})
	return nil
}

type syncWorker struct {
	river.WorkerDefaults[SyncArgs]
	s *Service
}

// Work runs or resumes the sync for one slice of time, then snoozes to
// continue in a fresh attempt, so no attempt outlives jobs.JobTimeout and a
// dead one is rescued within a minute. Transient failures retry (resuming
// from the saved cursor); the last attempt, or a permanent failure, ends the
// run. A run another live worker holds is left to it; a takeover job (Resume
// set) waits until the heartbeat it was queued for goes stale.
func (w *syncWorker) Work(ctx context.Context, job *river.Job[SyncArgs]) error {
	run, err := w.s.work(ctx, workParams{WorkspaceID: job.Args.WorkspaceID, RunID: job.Args.RunID, Lease: crm.NewID(), Until: w.s.now().Add(w.s.cfg.SyncSlice)})
	switch {
	case err == nil || run == nil:
		return err
	case errors.Is(err, errSliceDone):
		return river.JobSnooze(0)
	case errors.Is(err, errRunHeld):
		if job.Args.Resume != 0 && run.UpdatedAt.UnixMilli() == job.Args.Resume {
			return river.JobSnooze(heartbeatEvery) // its process may be dead: look again
		}
		return nil // ended, or its holder is alive and finishes it
	case errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil:
		return river.JobSnooze(0) // a page outlasted the attempt: continue in a fresh one
	case permanent(err):
		return river.JobCancel(err) // work has marked the run failed
	case job.Attempt >= job.MaxAttempts:
		return w.s.failRun(ctx, run, err)
	}
	return err
}

type webhookWorker struct {
	river.WorkerDefaults[WebhookArgs]
	s *Service
}

// Work processes one stored event; errors retry with River's backoff.
func (w *webhookWorker) Work(ctx context.Context, job *river.Job[WebhookArgs]) error {
	return w.s.ProcessEvent(ctx, job.Args.WorkspaceID, job.Args.EventID)
}

// ReconcileArgs is the periodic job that queues a reconciliation sync for
// every connected workspace.
type ReconcileArgs struct{}

// Kind implements river.JobArgs.
func (ReconcileArgs) Kind() string { return "whop_reconcile" }

type reconcileWorker struct {
	river.WorkerDefaults[ReconcileArgs]
	s *Service
}

// Work queues (or joins) a reconcile run per healthy connection.
func (w *reconcileWorker) Work(ctx context.Context, _ *river.Job[ReconcileArgs]) error {
	conns, err := w.s.store.WhopConnectionList(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, c := range conns {
		if c.NeedsReauth {
			continue
		}
		errs = append(errs, w.s.store.InTx(ctx, func(tx *sql.Tx) error {
			_, err := w.s.queueRun(ctx, tx, c.WorkspaceID, RunReconcile)
			return err
		}))
	}
	return errors.Join(errs...)
}
