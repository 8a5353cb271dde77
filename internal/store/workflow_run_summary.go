package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// WorkflowRunSummary is what a list of workflows shows of one workflow's
// runs: the newest run and how many started since a moment.
type WorkflowRunSummary struct {
	WorkflowID    string
	LastRunID     string
	LastRunStatus string
	LastRunAt     *time.Time
	Since         int
}

// WorkflowRunSummaries summarises the runs of the given workflows of a
// workspace: one indexed lookup of the newest run per workflow (the list
// shows a page of workflows, so this is bounded by the page size) and one
// count of the runs created at or after since, grouped by workflow.
func (s *Store) WorkflowRunSummaries(ctx context.Context, workspaceID string, workflowIDs []string, since time.Time) (map[string]*WorkflowRunSummary, error) {
	out := make(map[string]*WorkflowRunSummary, len(workflowIDs))
	for _, id := range workflowIDs {
		sum := &WorkflowRunSummary{WorkflowID: id}
		out[id] = sum
		var at any
		err := s.Read.QueryRowContext(ctx, `SELECT id, status, created_at FROM workflow_runs WHERE workspace_id = $1 AND workflow_id = $2
ORDER BY created_at DESC, id DESC LIMIT 1`, workspaceID, id).Scan(&sum.LastRunID, &sum.LastRunStatus, &at)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("store: workflow run summary: %w", err)
		}
		t, err := ParseTime(at)
		if err != nil {
			return nil, fmt.Errorf("store: workflow run summary: %w", err)
		}
		sum.LastRunAt = &t
	}
	type count struct {
		id string
		n  int
	}
	counts, err := queryList(ctx, s.Read, "count recent workflow runs", func(sc rowScanner) (count, error) {
		var c count
		return c, sc.Scan(&c.id, &c.n)
	}, `SELECT workflow_id, COUNT(*) FROM workflow_runs WHERE workspace_id = $1 AND created_at >= $2 GROUP BY workflow_id`,
		workspaceID, s.Dialect.Time(since))
	if err != nil {
		return nil, err
	}
	for _, c := range counts {
		if sum, ok := out[c.id]; ok {
			sum.Since = c.n
		}
	}
	return out, nil
}
