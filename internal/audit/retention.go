package audit

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/roster-crm/roster/internal/jobs"
	"github.com/roster-crm/roster/internal/store"
)

// Retention is how long entries are kept: 400 days, so a full year can be
// compared with the one before it and an annual review still finds last
// year's entries. Sign-in places unused for as long are forgotten too.
const Retention = 400 * 24 * time.Hour

// pruneEvery is how often the retention job runs; an entry lives at most
// this much longer than Retention.
const pruneEvery = 24 * time.Hour

// pruneBatch bounds the rows one DELETE removes (see store.AuditPruneParams).
const pruneBatch = 5000

// PruneArgs is the periodic retention job.
type PruneArgs struct{}

// Kind is the job's kind.
func (PruneArgs) Kind() string { return "audit_prune" }

// InsertOpts make the job unique per day, so replicas that each start as
// leader within a day do not prune twice.
func (PruneArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByPeriod: pruneEvery}}
}

// Register adds the retention job's worker and its daily schedule (also run
// at start, so a server that was down past a day catches up).
func Register(reg *jobs.Registry, s *Service) error {
	if err := jobs.Register(reg, &pruneWorker{s: s}); err != nil {
		return err
	}
	reg.AddPeriodic(river.PeriodicInterval(pruneEvery), func() (river.JobArgs, *river.InsertOpts) {
		return PruneArgs{}, nil
	}, &river.PeriodicJobOpts{ID: "audit_prune", RunOnStart: true})
	return nil
}

type pruneWorker struct {
	river.WorkerDefaults[PruneArgs]
	s *Service
}

// Work prunes every workspace's log; an interrupted run is finished by the
// next one, since pruning is idempotent.
func (w *pruneWorker) Work(ctx context.Context, _ *river.Job[PruneArgs]) error {
	_, err := w.s.Prune(ctx)
	return err
}

// PruneResult says what a prune removed.
type PruneResult struct {
	Entries int64
	Places  int64
}

// Prune deletes the entries older than Retention from every workspace's log,
// in batches, and forgets the sign-in places unused for as long.
func (s *Service) Prune(ctx context.Context) (PruneResult, error) {
	var res PruneResult
	cutoff := s.now().UTC().Add(-Retention)
	wss, err := s.store.WorkspaceList(ctx)
	if err != nil {
		return res, fmt.Errorf("audit: prune: %w", err)
	}
	for _, ws := range wss {
		for {
			n, err := s.store.AuditPrune(ctx, &store.AuditPruneParams{WorkspaceID: ws.ID, Before: cutoff, Batch: pruneBatch})
			if err != nil {
				return res, fmt.Errorf("audit: prune %s: %w", ws.ID, err)
			}
			res.Entries += n
			if n < pruneBatch {
				break
			}
		}
	}
	n, err := s.store.SignInPlacePrune(ctx, cutoff)
	if err != nil {
		return res, fmt.Errorf("audit: prune: %w", err)
	}
	res.Places = n
	return res, nil
}
