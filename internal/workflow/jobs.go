package workflow

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/roster-crm/roster/internal/jobs"
)

// RunWorker works RunArgs jobs.
type RunWorker struct {
	river.WorkerDefaults[RunArgs]
	svc *Service
}

// Work executes the run for one slice.
func (w *RunWorker) Work(ctx context.Context, job *river.Job[RunArgs]) error {
	return w.svc.work(ctx, job.Args.WorkspaceID, job.Args.RunID)
}

// MaintenanceArgs is the periodic job that recovers runs nobody works on
// (their worker died and their job is gone), deletes runs beyond KeepRuns
// per workflow, and fires cron ticks.
type MaintenanceArgs struct{}

// Kind implements river.JobArgs.
func (MaintenanceArgs) Kind() string { return "workflow_maintenance" }

// MaintenanceWorker works MaintenanceArgs jobs.
type MaintenanceWorker struct {
	river.WorkerDefaults[MaintenanceArgs]
	svc *Service
}

// Work runs each maintenance task; one failing does not stop the others.
func (w *MaintenanceWorker) Work(ctx context.Context, job *river.Job[MaintenanceArgs]) error {
	s := w.svc
	var firstErr error
	keep := func(err error) {
		if err != nil && firstErr == nil {
			firstErr = err
		}
	}
	keep(s.FireCron(ctx))
	keep(s.FireComputedWhopEvents(ctx))
	keep(s.RecoverStuck(ctx))
	if _, err := s.store.WorkflowRunsPrune(ctx, KeepRuns); err != nil {
		keep(err)
	}
	return firstErr
}

// MaintenanceInterval is how often maintenance runs: the resolution of
// cron triggers, and how soon a run whose worker died is picked up again
// after its lease expired.
const MaintenanceInterval = 30 * time.Second

// Register adds the workflow workers and the periodic maintenance job.
func Register(reg *jobs.Registry, s *Service) error {
	if err := jobs.Register(reg, &RunWorker{svc: s}); err != nil {
		return err
	}
	if err := jobs.Register(reg, &MaintenanceWorker{svc: s}); err != nil {
		return err
	}
	reg.AddPeriodic(river.PeriodicInterval(MaintenanceInterval), func() (river.JobArgs, *river.InsertOpts) {
		return MaintenanceArgs{}, nil
	}, &river.PeriodicJobOpts{ID: "workflow_maintenance", RunOnStart: true})
	return nil
}

// RecoverStuck queues a job for every open run that nobody works on: its
// lease expired (the worker died mid-step) and it is not waiting for a
// scheduled job. A duplicate job is harmless (the lease decides).
func (s *Service) RecoverStuck(ctx context.Context) error {
	refs, err := s.store.WorkflowRunsStuck(ctx, s.now().Add(-s.cfg.Lease), 500)
	if err != nil {
		return err
	}
	for _, r := range refs {
		if err := s.insert(ctx, RunArgs{WorkspaceID: r.WorkspaceID, RunID: r.ID}); err != nil {
			return err
		}
		s.log.InfoContext(ctx, "workflow: recovering a run nobody was working on", "workspace_id", r.WorkspaceID, "run_id", r.ID)
	}
	return nil
}
