package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/roster-crm/roster/internal/crm"
)

// Sync run states.
const (
	SyncQueued    = "queued"
	SyncRunning   = "running"
	SyncSucceeded = "succeeded"
	SyncFailed    = "failed"
)

// WhopSyncRun is one sync of a workspace with Whop. Phase and Cursor are the
// resume point, saved in the same transaction as each page's writes, so a run
// killed at any moment continues where it stopped.
type WhopSyncRun struct {
	ID               string
	WorkspaceID      string
	Kind             string // full, reconcile
	Status           string
	Phase            string
	Cursor           string
	ProductsCount    int
	UsersCount       int
	MembershipsCount int
	PaymentsCount    int
	WritesCount      int
	RequestsCount    int
	Errors           []string
	PaymentsSince    *time.Time
	CreatedAt        time.Time
	StartedAt        *time.Time
	FinishedAt       *time.Time
	UpdatedAt        time.Time
}

const syncRunColumns = "id, workspace_id, kind, status, phase, cursor, products_count, users_count, memberships_count, payments_count, writes_count, requests_count, errors, payments_since, created_at, started_at, finished_at, updated_at"

// WhopSyncRunCreate queues a run. Only one run per workspace may be queued or
// running: a second one is a crm.ErrConflict, and callers join the active run.
func (s *Store) WhopSyncRunCreate(ctx context.Context, tx *sql.Tx, r *WhopSyncRun) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO whop_sync_runs (id, workspace_id, kind, status, payments_since, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $6)`, r.ID, r.WorkspaceID, r.Kind, r.Status, s.Dialect.NullTime(r.PaymentsSince), s.Dialect.Time(r.CreatedAt))
	if _, dup := IsUniqueViolation(err); dup {
		return &crm.Error{Cause: crm.ErrConflict, Code: crm.CodeDuplicate, Message: "a Whop sync is already running for this workspace"}
	}
	if err != nil {
		return fmt.Errorf("store: create sync run: %w", err)
	}
	return nil
}

// WhopSyncRunSave writes a run's progress.
func (s *Store) WhopSyncRunSave(ctx context.Context, q Querier, r *WhopSyncRun) error {
	errs, err := jsonText(r.Errors, "[]")
	if err != nil {
		return err
	}
	_, err = q.ExecContext(ctx, `UPDATE whop_sync_runs SET status = $1, phase = $2, cursor = $3, products_count = $4, users_count = $5,
		memberships_count = $6, payments_count = $7, writes_count = $8, requests_count = $9, errors = $10, payments_since = $11,
		started_at = $12, finished_at = $13, updated_at = $14 WHERE workspace_id = $15 AND id = $16`,
		r.Status, r.Phase, r.Cursor, r.ProductsCount, r.UsersCount, r.MembershipsCount, r.PaymentsCount, r.WritesCount, r.RequestsCount,
		errs, s.Dialect.NullTime(r.PaymentsSince), s.Dialect.NullTime(r.StartedAt), s.Dialect.NullTime(r.FinishedAt),
		s.Dialect.Time(r.UpdatedAt), r.WorkspaceID, r.ID)
	if err != nil {
		return fmt.Errorf("store: save sync run: %w", err)
	}
	return nil
}

func scanSyncRun(row interface{ Scan(...any) error }) (*WhopSyncRun, error) {
	r := &WhopSyncRun{}
	err := row.Scan(&r.ID, &r.WorkspaceID, &r.Kind, &r.Status, &r.Phase, &r.Cursor, &r.ProductsCount, &r.UsersCount,
		&r.MembershipsCount, &r.PaymentsCount, &r.WritesCount, &r.RequestsCount, jsonScanner{&r.Errors},
		NullTimeScanner{&r.PaymentsSince}, TimeScanner{&r.CreatedAt}, NullTimeScanner{&r.StartedAt}, NullTimeScanner{&r.FinishedAt}, TimeScanner{&r.UpdatedAt})
	return r, err
}

// WhopSyncRunClaimParams says who claims a run and when another holder counts
// as dead.
type WhopSyncRunClaimParams struct {
	WorkspaceID string
	ID          string
	// Lease identifies the claiming execution (unique per execution).
	Lease string
	Now   time.Time
	// StaleBefore: a holder whose last heartbeat (updated_at) is older is
	// taken over.
	StaleBefore time.Time
	// Force takes the run whoever holds it (an operator resuming by hand);
	// the holder, if alive, stops at its next page.
	Force bool
}

// WhopSyncRunClaim gives a queued or running run to p.Lease inside tx: when
// nobody holds it, the caller already does, the holder's heartbeat is older
// than p.StaleBefore, or p.Force. It marks a queued run running and reports
// whether the claim succeeded; the run's row stays locked until tx ends.
func (s *Store) WhopSyncRunClaim(ctx context.Context, tx *sql.Tx, p *WhopSyncRunClaimParams) (bool, error) {
	res, err := tx.ExecContext(ctx, `UPDATE whop_sync_runs SET lease = $1, updated_at = $2, status = $3,
		started_at = COALESCE(started_at, $2) WHERE workspace_id = $4 AND id = $5 AND status IN ($6, $3)
		AND (lease = '' OR lease = $1 OR updated_at < $7 OR $8)`,
		p.Lease, s.Dialect.Time(p.Now), SyncRunning, p.WorkspaceID, p.ID, SyncQueued, s.Dialect.Time(p.StaleBefore), p.Force)
	if err != nil {
		return false, fmt.Errorf("store: claim sync run: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: claim sync run: %w", err)
	}
	return n == 1, nil
}

// WhopSyncRunTouch is the heartbeat of a run's holder: it marks the run alive
// (inside tx, when given, locking its row until tx ends) and reports false
// when the run is no longer running under lease (ended elsewhere, e.g. by a
// disconnect, or taken over), so the holder stops writing.
func (s *Store) WhopSyncRunTouch(ctx context.Context, q Querier, workspaceID, id, lease string, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, "UPDATE whop_sync_runs SET updated_at = $1 WHERE workspace_id = $2 AND id = $3 AND status = $4 AND lease = $5",
		s.Dialect.Time(now), workspaceID, id, SyncRunning, lease)
	if err != nil {
		return false, fmt.Errorf("store: touch sync run: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: touch sync run: %w", err)
	}
	return n == 1, nil
}

// WhopSyncRunRelease lets go of a run held under lease, so the next worker
// can claim it at once; it does nothing when lease no longer holds it.
func (s *Store) WhopSyncRunRelease(ctx context.Context, workspaceID, id, lease string) error {
	if _, err := s.Write.ExecContext(ctx, "UPDATE whop_sync_runs SET lease = '' WHERE workspace_id = $1 AND id = $2 AND lease = $3", workspaceID, id, lease); err != nil {
		return fmt.Errorf("store: release sync run: %w", err)
	}
	return nil
}

// WhopSyncRunsActive returns every workspace's queued or running run, for
// resuming runs a dead process left behind.
func (s *Store) WhopSyncRunsActive(ctx context.Context) ([]*WhopSyncRun, error) {
	return queryList(ctx, s.Read, "list active sync runs", scanSyncRun, "SELECT "+syncRunColumns+" FROM whop_sync_runs WHERE status IN ($1, $2)", SyncQueued, SyncRunning)
}

// WhopSyncRunGet returns one run of the workspace.
func (s *Store) WhopSyncRunGet(ctx context.Context, q Querier, workspaceID, id string) (*WhopSyncRun, error) {
	if q == nil {
		q = s.Read
	}
	r, err := scanSyncRun(q.QueryRowContext(ctx, "SELECT "+syncRunColumns+" FROM whop_sync_runs WHERE workspace_id = $1 AND id = $2", workspaceID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &crm.Error{Cause: crm.ErrNotFound, Code: crm.CodeNotFound, Message: fmt.Sprintf("sync run %q not found", id)}
	}
	if err != nil {
		return nil, fmt.Errorf("store: get sync run: %w", err)
	}
	return r, nil
}

// WhopSyncRunActive returns the workspace's queued or running run, or nil.
func (s *Store) WhopSyncRunActive(ctx context.Context, q Querier, workspaceID string) (*WhopSyncRun, error) {
	if q == nil {
		q = s.Read
	}
	r, err := scanSyncRun(q.QueryRowContext(ctx, "SELECT "+syncRunColumns+" FROM whop_sync_runs WHERE workspace_id = $1 AND status IN ('queued', 'running')", workspaceID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: get active sync run: %w", err)
	}
	return r, nil
}

// WhopSyncRunLatest returns the workspace's most recent run, or nil.
func (s *Store) WhopSyncRunLatest(ctx context.Context, workspaceID string) (*WhopSyncRun, error) {
	r, err := scanSyncRun(s.Read.QueryRowContext(ctx, "SELECT "+syncRunColumns+" FROM whop_sync_runs WHERE workspace_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1", workspaceID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: get latest sync run: %w", err)
	}
	return r, nil
}
