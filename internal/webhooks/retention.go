package webhooks

import (
	"context"
	"fmt"
	"time"

	"github.com/roster-crm/roster/internal/store"
)

// Retention is how long finished deliveries and their attempt log are
// kept: long enough to look back over a month of a receiver's trouble,
// short enough that a busy webhook does not grow the database without end.
const Retention = 30 * 24 * time.Hour

// pruneBatch bounds the rows one DELETE removes.
const pruneBatch = 5000

// PruneArgs is the periodic retention job of the delivery log.
type PruneArgs struct{}

// Kind implements river.JobArgs.
func (PruneArgs) Kind() string { return "webhook_delivery_prune" }

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
