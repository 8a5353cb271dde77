package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/roster-crm/roster/internal/crm"
)

// WorkflowRun is one execution of a workflow version. State is Twenty's run
// state JSON; Progress is the engine's bookkeeping. EventKey identifies the
// triggering event (unique per version); LeaseUntil is held by the worker
// executing the run; WakeAt is when a waiting run continues; Revision grows
// with every save.
type WorkflowRun struct {
	ID                string
	WorkspaceID       string
	WorkflowID        string
	WorkflowVersionID string
	Name              string
	Status            string
	EnqueuedAt        *time.Time
	StartedAt         *time.Time
	EndedAt           *time.Time
	CreatedBy         []byte // JSON actor
	State             []byte
	Progress          []byte
	EventKey          *string
	Depth             int
	LeaseUntil        *time.Time
	WakeAt            *time.Time
	Revision          int64
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

const workflowRunColumns = `id, workspace_id, workflow_id, workflow_version_id, name, status, enqueued_at, started_at, ended_at,
created_by, state, progress, event_key, depth, lease_until, wake_at, revision, created_at, updated_at`

func scanWorkflowRun(sc rowScanner) (*WorkflowRun, error) {
	r := &WorkflowRun{}
	var createdBy, state, progress string
	err := sc.Scan(&r.ID, &r.WorkspaceID, &r.WorkflowID, &r.WorkflowVersionID, &r.Name, &r.Status,
		NullTimeScanner{&r.EnqueuedAt}, NullTimeScanner{&r.StartedAt}, NullTimeScanner{&r.EndedAt},
		&createdBy, &state, &progress, &r.EventKey, &r.Depth, NullTimeScanner{&r.LeaseUntil}, NullTimeScanner{&r.WakeAt},
		&r.Revision, TimeScanner{&r.CreatedAt}, TimeScanner{&r.UpdatedAt})
	r.CreatedBy, r.State, r.Progress = []byte(createdBy), []byte(state), []byte(progress)
	return r, err
}

// WorkflowRunInsert inserts a run inside tx and reports whether it did: a
// run with the same version and event key already exists when it did not
// (the event was delivered before), and nothing is written.
func (s *Store) WorkflowRunInsert(ctx context.Context, tx *sql.Tx, r *WorkflowRun) (bool, error) {
	progress := r.Progress
	if progress == nil {
		progress = []byte("{}")
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO workflow_runs (`+workflowRunColumns+`)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
ON CONFLICT (workspace_id, workflow_version_id, event_key) DO NOTHING`,
		r.ID, r.WorkspaceID, r.WorkflowID, r.WorkflowVersionID, r.Name, r.Status,
		s.Dialect.NullTime(r.EnqueuedAt), s.Dialect.NullTime(r.StartedAt), s.Dialect.NullTime(r.EndedAt),
		string(r.CreatedBy), string(r.State), string(progress), r.EventKey, r.Depth,
		s.Dialect.NullTime(r.LeaseUntil), s.Dialect.NullTime(r.WakeAt), r.Revision, s.Dialect.Time(r.CreatedAt), s.Dialect.Time(r.UpdatedAt))
	if err != nil {
		return false, fmt.Errorf("store: insert workflow run: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: insert workflow run: %w", err)
	}
	return n == 1, nil
}

// WorkflowRunGet returns one run of the workspace, or crm.ErrNotFound.
func (s *Store) WorkflowRunGet(ctx context.Context, q Querier, workspaceID, id string) (*WorkflowRun, error) {
	if q == nil {
		q = s.Read
	}
	r, err := scanWorkflowRun(q.QueryRowContext(ctx, `SELECT `+workflowRunColumns+` FROM workflow_runs WHERE workspace_id = $1 AND id = $2`, workspaceID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &crm.Error{Cause: crm.ErrNotFound, Code: crm.CodeNotFound, Message: fmt.Sprintf("workflow run %q not found", id)}
	}
	if err != nil {
		return nil, fmt.Errorf("store: get workflow run: %w", err)
	}
	return r, nil
}

// WorkflowRunListParams select a page of runs.
type WorkflowRunListParams struct {
	WorkspaceID       string
	WorkflowID        string // empty: every workflow
	WorkflowVersionID string // empty: every version
	Status            string // empty: any
	ListPage
}

// WorkflowRunList returns a page of runs and, when count is true, how many
// match in all.
func (s *Store) WorkflowRunList(ctx context.Context, p *WorkflowRunListParams, count bool) ([]*WorkflowRun, int, error) {
	args := []any{p.WorkspaceID}
	where := "workspace_id = $1"
	for _, c := range []struct{ col, val string }{{"workflow_id", p.WorkflowID}, {"workflow_version_id", p.WorkflowVersionID}, {"status", p.Status}} {
		if c.val != "" {
			args = append(args, c.val)
			where += fmt.Sprintf(" AND %s = $%d", c.col, len(args))
		}
	}
	total := 0
	if count {
		if err := s.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM workflow_runs WHERE `+where, args...).Scan(&total); err != nil {
			return nil, 0, fmt.Errorf("store: count workflow runs: %w", err)
		}
	}
	keyset, order := p.ListPage.clause(s.Dialect, &args)
	out, err := queryList(ctx, s.Read, "list workflow runs", scanWorkflowRun, `SELECT `+workflowRunColumns+` FROM workflow_runs WHERE `+where+keyset+order, args...)
	return out, total, err
}

// WorkflowRunClaimParams are the inputs of WorkflowRunClaim.
type WorkflowRunClaimParams struct {
	WorkspaceID string
	ID          string
	Now         time.Time
	LeaseUntil  time.Time
	// MaxLeased caps how many runs of the workspace may hold a lease at
	// once (the per-workspace concurrency cap); 0 means no cap.
	MaxLeased int
}

// Claim outcomes.
const (
	ClaimWon     = "won"
	ClaimBusy    = "busy"    // another worker holds the lease, or the run waits until wake_at
	ClaimCapped  = "capped"  // the workspace is at its concurrency cap
	ClaimFinal   = "final"   // the run has ended (or is being stopped)
	ClaimMissing = "missing" // no such run (deleted with its workflow)
)

// WorkflowRunClaim takes the lease of a run that is due, inside tx, and
// returns the run as claimed with ClaimWon, or says why not. On PostgreSQL
// a transaction-scoped advisory lock per workspace serialises claims, so two
// replicas cannot both take the last slot under the cap; SQLite's single
// writer serialises them already.
func (s *Store) WorkflowRunClaim(ctx context.Context, tx *sql.Tx, p *WorkflowRunClaimParams) (*WorkflowRun, string, error) {
	if s.Dialect == Postgres && p.MaxLeased > 0 {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('workflow_runs:' || $1))`, p.WorkspaceID); err != nil {
			return nil, "", fmt.Errorf("store: claim workflow run: %w", err)
		}
	}
	r, err := s.WorkflowRunGet(ctx, tx, p.WorkspaceID, p.ID)
	if errors.Is(err, crm.ErrNotFound) {
		return nil, ClaimMissing, nil
	}
	if err != nil {
		return nil, "", err
	}
	switch r.Status {
	case "NOT_STARTED", "ENQUEUED", "RUNNING":
	default:
		return r, ClaimFinal, nil
	}
	if (r.LeaseUntil != nil && r.LeaseUntil.After(p.Now)) || (r.WakeAt != nil && r.WakeAt.After(p.Now)) {
		return r, ClaimBusy, nil
	}
	if p.MaxLeased > 0 {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM workflow_runs WHERE workspace_id = $1 AND lease_until > $2`,
			p.WorkspaceID, s.Dialect.Time(p.Now)).Scan(&n); err != nil {
			return nil, "", fmt.Errorf("store: claim workflow run: %w", err)
		}
		if n >= p.MaxLeased {
			return r, ClaimCapped, nil
		}
	}
	started := r.StartedAt
	if started == nil {
		started = &p.Now
	}
	res, err := tx.ExecContext(ctx, `UPDATE workflow_runs SET status = 'RUNNING', started_at = $1, lease_until = $2, wake_at = NULL,
revision = revision + 1, updated_at = $3 WHERE workspace_id = $4 AND id = $5 AND revision = $6`,
		s.Dialect.Time(*started), s.Dialect.Time(p.LeaseUntil), s.Dialect.Time(p.Now), p.WorkspaceID, p.ID, r.Revision)
	if err != nil {
		return nil, "", fmt.Errorf("store: claim workflow run: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return r, ClaimBusy, nil
	}
	r.Status, r.StartedAt, r.LeaseUntil, r.WakeAt, r.Revision, r.UpdatedAt = "RUNNING", started, &p.LeaseUntil, nil, r.Revision+1, p.Now
	return r, ClaimWon, nil
}

// WorkflowRunSave writes a run's status, state, progress, lease and wake
// time inside tx, only if its revision is still r.Revision and it is not
// being stopped; it reports whether it did and, if so, bumps r.Revision.
// A false answer means another writer moved the run first: the caller's
// transaction must roll back, so a step's side effects made in it vanish.
func (s *Store) WorkflowRunSave(ctx context.Context, tx *sql.Tx, r *WorkflowRun) (bool, error) {
	res, err := tx.ExecContext(ctx, `UPDATE workflow_runs SET status = $1, started_at = $2, ended_at = $3, state = $4, progress = $5,
lease_until = $6, wake_at = $7, revision = revision + 1, updated_at = $8
WHERE workspace_id = $9 AND id = $10 AND revision = $11 AND status <> 'STOPPING'`,
		r.Status, s.Dialect.NullTime(r.StartedAt), s.Dialect.NullTime(r.EndedAt), string(r.State), string(r.Progress),
		s.Dialect.NullTime(r.LeaseUntil), s.Dialect.NullTime(r.WakeAt), s.Dialect.Time(r.UpdatedAt), r.WorkspaceID, r.ID, r.Revision)
	if err != nil {
		return false, fmt.Errorf("store: save workflow run: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: save workflow run: %w", err)
	}
	if n == 1 {
		r.Revision++
	}
	return n == 1, nil
}

// WorkflowRunMarkStopping asks the worker holding a run's lease to stop it
// at its next save; it reports whether the run was running under a live
// lease.
func (s *Store) WorkflowRunMarkStopping(ctx context.Context, tx *sql.Tx, workspaceID, id string, now time.Time) (bool, error) {
	res, err := tx.ExecContext(ctx, `UPDATE workflow_runs SET status = 'STOPPING', updated_at = $1
WHERE workspace_id = $2 AND id = $3 AND status = 'RUNNING' AND lease_until > $1`, s.Dialect.Time(now), workspaceID, id)
	if err != nil {
		return false, fmt.Errorf("store: stop workflow run: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// WorkflowRunForceSave writes a run whatever its revision and status (the
// stop of a run nobody is executing, the end of a stopping run), bumping
// its revision so a stale worker's save fails.
func (s *Store) WorkflowRunForceSave(ctx context.Context, tx *sql.Tx, r *WorkflowRun) error {
	_, err := tx.ExecContext(ctx, `UPDATE workflow_runs SET status = $1, ended_at = $2, state = $3, progress = $4, lease_until = $5,
wake_at = $6, revision = revision + 1, updated_at = $7 WHERE workspace_id = $8 AND id = $9`,
		r.Status, s.Dialect.NullTime(r.EndedAt), string(r.State), string(r.Progress), s.Dialect.NullTime(r.LeaseUntil),
		s.Dialect.NullTime(r.WakeAt), s.Dialect.Time(r.UpdatedAt), r.WorkspaceID, r.ID)
	if err != nil {
		return fmt.Errorf("store: save workflow run: %w", err)
	}
	return nil
}

// WorkflowRunRef names a run across workspaces, for system jobs.
type WorkflowRunRef struct {
	WorkspaceID string
	ID          string
}

// WorkflowRunsStuck lists open runs nobody is working on: the lease (if
// any) expired and the wake time (if any) passed before olderThan, or an
// enqueued run whose job never came. The recovery job queues them again.
func (s *Store) WorkflowRunsStuck(ctx context.Context, olderThan time.Time, limit int) ([]WorkflowRunRef, error) {
	t := s.Dialect.Time(olderThan)
	return queryList(ctx, s.Read, "stuck workflow runs", func(sc rowScanner) (WorkflowRunRef, error) {
		var r WorkflowRunRef
		return r, sc.Scan(&r.WorkspaceID, &r.ID)
	}, `SELECT workspace_id, id FROM workflow_runs
WHERE status IN ('NOT_STARTED', 'ENQUEUED', 'RUNNING', 'STOPPING')
AND (lease_until IS NULL OR lease_until < $1) AND (wake_at IS NULL OR wake_at < $1) AND updated_at < $1
ORDER BY updated_at LIMIT $2`, t, limit)
}

// WorkflowRunsPrune deletes the ended runs of each workflow beyond its
// newest keep runs and returns how many it deleted.
func (s *Store) WorkflowRunsPrune(ctx context.Context, keep int) (int64, error) {
	type wf struct{ ws, id string }
	over, err := queryList(ctx, s.Read, "prune workflow runs", func(sc rowScanner) (wf, error) {
		var w wf
		return w, sc.Scan(&w.ws, &w.id)
	}, `SELECT workspace_id, workflow_id FROM workflow_runs GROUP BY workspace_id, workflow_id HAVING COUNT(*) > $1`, keep)
	if err != nil {
		return 0, err
	}
	var total int64
	for _, w := range over {
		var cutoff any
		var cutoffID string
		err := s.Read.QueryRowContext(ctx, `SELECT created_at, id FROM workflow_runs WHERE workspace_id = $1 AND workflow_id = $2
ORDER BY created_at DESC, id DESC LIMIT 1 OFFSET $3`, w.ws, w.id, keep-1).Scan(&cutoff, &cutoffID)
		if err != nil {
			return total, fmt.Errorf("store: prune workflow runs: %w", err)
		}
		at, err := ParseTime(cutoff)
		if err != nil {
			return total, fmt.Errorf("store: prune workflow runs: %w", err)
		}
		res, err := s.Write.ExecContext(ctx, `DELETE FROM workflow_runs WHERE workspace_id = $1 AND workflow_id = $2
AND status IN ('COMPLETED', 'FAILED', 'STOPPED') AND (created_at < $3 OR (created_at = $3 AND id < $4))`,
			w.ws, w.id, s.Dialect.Time(at), cutoffID)
		if err != nil {
			return total, fmt.Errorf("store: prune workflow runs: %w", err)
		}
		n, _ := res.RowsAffected()
		total += n
	}
	return total, nil
}

// WorkflowRunCounts counts runs by status across workspaces, for metrics.
func (s *Store) WorkflowRunCounts(ctx context.Context) (map[string]int, error) {
	type count struct {
		status string
		n      int
	}
	counts, err := queryList(ctx, s.Read, "count workflow runs", func(sc rowScanner) (count, error) {
		var c count
		return c, sc.Scan(&c.status, &c.n)
	}, `SELECT status, COUNT(*) FROM workflow_runs GROUP BY status`)
	if err != nil {
		return nil, err
	}
	out := make(map[string]int, len(counts))
	for _, c := range counts {
		out[c.status] = c.n
	}
	return out, nil
}

// JobQueueDepth counts the River jobs of a kind that wait to be worked
// (available, scheduled or retryable), for the queue depth metric.
func (s *Store) JobQueueDepth(ctx context.Context, kind string) (int, error) {
	var n int
	err := s.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM river_job WHERE kind = $1 AND state IN ('available', 'scheduled', 'retryable')`, kind).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: job queue depth: %w", err)
	}
	return n, nil
}

// WorkflowRunIDByEventKey returns the ID of the run a version started for
// an event key, or crm.ErrNotFound.
func (s *Store) WorkflowRunIDByEventKey(ctx context.Context, workspaceID, versionID, key string) (string, error) {
	var id string
	err := s.Write.QueryRowContext(ctx, `SELECT id FROM workflow_runs WHERE workspace_id = $1 AND workflow_version_id = $2 AND event_key = $3`,
		workspaceID, versionID, key).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", &crm.Error{Cause: crm.ErrNotFound, Code: crm.CodeNotFound, Message: "no run for this event"}
	}
	if err != nil {
		return "", fmt.Errorf("store: workflow run by event: %w", err)
	}
	return id, nil
}
