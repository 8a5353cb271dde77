package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/roster-crm/roster/bench/dataset"
	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/jobs"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/store"
)

// Writer names, as they appear in the results.
const (
	writerNoJobs = "no job queue"
	writerQueue  = "queue insert-only"
)

// writers builds the records services the seed goes through: without a job
// queue (Jobs nil: no domain event rows), with the real River queue in
// insert-only mode (one events job per Create call, as `roster` CLI commands
// and a web-only replica do), or both taking turns.
func writers(ctx context.Context, s *store.Store, mode string) ([]dataset.Writer, error) {
	var out []dataset.Writer
	if mode == "none" || mode == "both" {
		out = append(out, dataset.Writer{Name: writerNoJobs, Records: records.New(records.Config{Store: s})})
	}
	if mode == "queue" || mode == "both" {
		reg := jobs.NewRegistry()
		if err := jobs.Register(reg, &records.EventsWorker{Bus: &records.Bus{}}); err != nil {
			return nil, err
		}
		q, err := jobs.New(ctx, jobs.Config{Store: s, Registry: reg, InsertOnly: true})
		if err != nil {
			return nil, err
		}
		out = append(out, dataset.Writer{Name: writerQueue, Records: records.New(records.Config{Store: s, Jobs: q})})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("-jobs must be none, queue or both, not %q", mode)
	}
	return out, nil
}

// createWorkspace makes the benchmark workspace the way `roster workspace
// create` does.
func createWorkspace(ctx context.Context, s *store.Store) (string, error) {
	ws, _, err := auth.New(auth.Config{Store: s}).CreateWorkspace(ctx, auth.CreateWorkspaceParams{
		Name: "Bench", AdminEmail: "bench@example.com", AdminPassword: "benchmark-password", AdminName: "Bench",
	})
	if err != nil {
		return "", err
	}
	return ws.ID, nil
}

// seed loads the dataset and prints progress to stderr.
func seed(ctx context.Context, s *store.Store, ws string, spec dataset.Spec, mode string, batch int) (*dataset.LoadResult, error) {
	ws2, err := writers(ctx, s, mode)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	last := time.Now()
	return dataset.Load(ctx, dataset.LoadParams{
		Spec: spec, WorkspaceID: ws, Batch: batch, Writers: ws2,
		Progress: func(object string, done, total int) {
			if time.Since(last) > 10*time.Second || done == total {
				last = time.Now()
				fmt.Fprintf(os.Stderr, "  %7.1fs  %s %d/%d\n", time.Since(start).Seconds(), object, done, total)
			}
		},
	})
}
