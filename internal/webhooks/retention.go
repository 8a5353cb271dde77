package webhooks

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/roster-crm/roster/internal/store"
)

// Retention is how long finished deliveries and their attempt log are
// kept: long enough to look back over a month of a receiver's trouble,
// short enough that a busy webhook does not grow the database without end.
const Retention = 30 * 24 * time.Hour

// pruneEvery is how often the retention job runs.
const pruneEvery = 24 * time.Hour

// pruneBatch bounds the rows one DELETE removes.
const pruneBatch = 5000

// PruneArgs is the periodic retention job of the delivery log.
type PruneArgs struct{}

// Kind implements river.JobArgs.
func (PruneArgs) Kind() string { return "webhook_delivery_prune" }

// InsertOpts make the job unique per day, so replicas that each become
// leader within a day do not prune twice.
func (PruneArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByPeriod: pruneEvery}}
}

type pruneWorker struct {
	river.WorkerDefaults[PruneArgs]
	s *Service
}

// Work prunes every workspace's delivery log; pruning is idempotent, so an
// interrupted run is finished by the next.
func (w *pruneWorker) Work(ctx context.Context, _ *river.Job[PruneArgs]) error {
	_, err := w.s.Prune(ctx)
	return err
}

// Prune deletes the finished deliveries older than Retention, with their
// attempts, from every workspace, and returns how many it deleted.
func (s *Service) Prune(ctx context.Context) (int64, error) {
	cutoff := s.now().Add(-Retention)
	wss, err := s.store.WorkspaceList(ctx)
	if err != nil {
		return 0, fmt.Errorf("webhooks: prune: %w", err)
	}
	var total int64
	for _, ws := range wss {
		for {
			n, err := s.store.WebhookDeliveryPrune(ctx, &store.WebhookDeliveryPruneParams{WorkspaceID: ws.ID, Before: cutoff, Batch: pruneBatch})
			if err != nil {
				return total, fmt.Errorf("webhooks: prune: %w", err)
			}
			total += n
			if n < pruneBatch {
				break
			}
		}
	}
	return total, nil
}
