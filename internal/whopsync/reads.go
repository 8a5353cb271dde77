package whopsync

import (
	"context"

	"github.com/roster-crm/roster/internal/store"
)

// SyncRun is one sync of a workspace: its kind, status, phase and counts.
// The surfaces (web, GraphQL, the CLI) name it through this package, so none
// of them imports the store; GraphQL maps it to its own model type.
type SyncRun = store.WhopSyncRun

// Statuses of a SyncRun. A run is active while queued or running, and
// finished once it succeeded or failed.
const (
	SyncQueued    = store.SyncQueued
	SyncRunning   = store.SyncRunning
	SyncSucceeded = store.SyncSucceeded
	SyncFailed    = store.SyncFailed
)

// ProductChoice is a synced Whop product as the table filters offer it: its
// Whop ID and title.
type ProductChoice = store.WhopProductChoice

// Active reports whether a run is still queued or running.
func Active(run *SyncRun) bool {
	return run.Status == SyncQueued || run.Status == SyncRunning
}

// Finished reports whether a run has ended, successfully or not.
func Finished(run *SyncRun) bool {
	return run.Status == SyncSucceeded || run.Status == SyncFailed
}

// LatestSyncRun returns the workspace's most recent sync run, or nil when it
// never synced. The Integrations page shows it when no run is asked for.
func (s *Service) LatestSyncRun(ctx context.Context, workspaceID string) (*SyncRun, error) {
	return s.store.WhopSyncRunLatest(ctx, workspaceID)
}

// ProductChoices lists the workspace's synced Whop products by title (at
// most 500), for the product filter of the people and opportunities tables
// and the product column's labels.
func (s *Service) ProductChoices(ctx context.Context, workspaceID string) ([]ProductChoice, error) {
	return s.store.WhopProductChoices(ctx, workspaceID)
}
