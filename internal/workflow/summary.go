package workflow

import (
	"context"
	"time"
)

// RecentRunsWindow is the period a workflow list counts runs over.
const RecentRunsWindow = 7 * 24 * time.Hour

// Summary is what a list of workflows shows of one workflow's runs.
type Summary struct {
	// LastRun is the newest run (nil when the workflow never ran); only
	// its ID, Status and CreatedAt are set.
	LastRun *Run
	// RecentRuns counts the runs started within RecentRunsWindow.
	RecentRuns int
}

// Summaries returns the run summary of each of the given workflows of the
// workspace, by workflow ID.
func (s *Service) Summaries(ctx context.Context, workspaceID string, workflowIDs []string) (map[string]*Summary, error) {
	rows, err := s.store.WorkflowRunSummaries(ctx, workspaceID, workflowIDs, s.now().Add(-RecentRunsWindow))
	if err != nil {
		return nil, err
	}
	out := make(map[string]*Summary, len(rows))
	for id, r := range rows {
		sum := &Summary{RecentRuns: r.Since}
		if r.LastRunAt != nil {
			sum.LastRun = &Run{ID: r.LastRunID, WorkflowID: id, Status: r.LastRunStatus, CreatedAt: *r.LastRunAt}
		}
		out[id] = sum
	}
	return out, nil
}
