package audit

import (
	"context"
	"fmt"
	"time"

	"github.com/roster-crm/roster/internal/jobs"
	"github.com/roster-crm/roster/internal/store"
)

// Retention is how long entries are kept: 400 days, so a full year can be
// compared with the one before it and an annual review still finds last
// year's entries. Sign-in places unused for as long are forgotten too.
const Retention = 400 * 24 * time.Hour

// pruneBatch bounds the rows one DELETE removes (see store.AuditPruneParams).
const pruneBatch = 5000

// PruneArgs is the daily retention job.
type PruneArgs struct{}

// Kind is the job's kind.
func (PruneArgs) Kind() string { return "audit_prune" }

// Register adds the daily retention job.
func Register(reg *jobs.Registry, s *Service) error {
	return jobs.AddDaily(reg, PruneArgs{}, func(ctx context.Context) error {
		_, err := s.Prune(ctx)
		return err
	})
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
