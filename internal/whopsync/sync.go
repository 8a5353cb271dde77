package whopsync

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/roster-crm/roster/internal/audit"
	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/whop"
)

// Run kinds.
const (
	RunFull      = "full"      // asked for by a person or by connecting
	RunReconcile = "reconcile" // the scheduled repair of anything webhooks missed
)

// Sync phases, in order. Each saves its cursor after every page.
const (
	phaseProducts    = "products"
	phasePlans       = "plans"
	phaseMembers     = "members"
	phaseMemberships = "memberships"
	phasePayments    = "payments"
	phaseDone        = "done"
)

var phases = []string{phaseProducts, phasePlans, phaseMembers, phaseMemberships, phasePayments}

// paymentsOverlap re-reads payments updated shortly before the watermark, so
// clock skew between Whop's servers cannot hide an update.
const paymentsOverlap = 10 * time.Minute

// SyncArgs is the job that runs (or resumes) a sync run.
type SyncArgs struct {
	WorkspaceID string `json:"workspaceId"`
	RunID       string `json:"runId"`
	// Resume is the heartbeat (Unix ms) of the run when a takeover was
	// queued: the job waits for it to go stale, and leaves the run alone if
	// it moves on. It also keeps the job from being a duplicate of the one
	// that died.
	Resume int64 `json:"resume,omitempty"`
}

// Kind implements river.JobArgs.
func (SyncArgs) Kind() string { return "whop_sync" }

// InsertOpts puts syncs in their own queue, bounds retries of a failing
// sync and refuses a second job for the same run while one is queued or
// running.
func (SyncArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueSync, MaxAttempts: 5, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// queueRun returns the workspace's active run, or creates one and enqueues
// its job in tx. An active run whose heartbeat is stale (its process died)
// is not just joined: a job to take it over is queued.
func (s *Service) queueRun(ctx context.Context, tx *sql.Tx, workspaceID, kind string) (*store.WhopSyncRun, error) {
	active, err := s.store.WhopSyncRunActive(ctx, tx, workspaceID)
	if err != nil {
		return nil, err
	}
	if active != nil {
		if s.stale(active) {
			return active, s.resume(ctx, tx, active)
		}
		return active, nil
	}
	now := s.now()
	run := &store.WhopSyncRun{ID: crm.NewID(), WorkspaceID: workspaceID, Kind: kind, Status: store.SyncQueued, CreatedAt: now, UpdatedAt: now}
	if err := s.store.WhopSyncRunCreate(ctx, tx, run); err != nil {
		return nil, err
	}
	return run, s.enqueue(ctx, tx, SyncArgs{WorkspaceID: workspaceID, RunID: run.ID})
}

func (s *Service) enqueue(ctx context.Context, tx *sql.Tx, args river.JobArgs) error {
	if s.queue == nil {
		return nil // CLI: the command runs the sync itself
	}
	if err := s.queue.InsertTx(ctx, tx, args, nil); err != nil {
		return fmt.Errorf("whopsync: enqueue %s: %w", args.Kind(), err)
	}
	return nil
}

// TriggerSync starts a sync of the caller's workspace, or joins the one
// already running. With wait it returns when the run ends (or ctx does).
func (s *Service) TriggerSync(ctx context.Context, p *auth.Principal, wait bool) (*store.WhopSyncRun, error) {
	if p == nil {
		return nil, auth.RequireAdmin(nil)
	}
	if ok, retry := s.triggers.Allow(p.WorkspaceID, s.now()); !ok {
		return nil, &crm.Error{Cause: crm.ErrRateLimited, Code: crm.CodeRateLimited,
			Message: fmt.Sprintf("too many sync requests: try again in %d seconds", int(retry.Seconds())+1)}
	}
	conn, err := s.store.WhopConnectionGet(ctx, nil, p.WorkspaceID)
	if err != nil {
		return nil, err
	}
	if conn.NeedsReauth {
		return nil, crm.Invalid("", crm.CodeInvalidValue, "Whop no longer accepts the stored credential: reconnect the workspace first")
	}
	var run *store.WhopSyncRun
	err = s.store.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		run, err = s.queueRun(ctx, tx, p.WorkspaceID, RunFull)
		return err
	})
	if err != nil || !wait {
		return run, err
	}
	return s.WaitRun(ctx, p.WorkspaceID, run.ID)
}

// WaitRun polls a run until it has ended. A run whose heartbeat goes stale
// while it waits (its process died) is not waited on in vain: a takeover is
// queued, once per heartbeat seen.
func (s *Service) WaitRun(ctx context.Context, workspaceID, runID string) (*store.WhopSyncRun, error) {
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	var resumed time.Time
	for {
		run, err := s.store.WhopSyncRunGet(ctx, nil, workspaceID, runID)
		if err != nil {
			return nil, err
		}
		if run.Status == store.SyncSucceeded || run.Status == store.SyncFailed {
			return run, nil
		}
		if s.queue != nil && s.stale(run) && !run.UpdatedAt.Equal(resumed) {
			if err := s.store.InTx(ctx, func(tx *sql.Tx) error { return s.resume(ctx, tx, run) }); err != nil {
				return run, err
			}
			resumed = run.UpdatedAt
		}
		select {
		case <-ctx.Done():
			return run, ctx.Err()
		case <-tick.C:
		}
	}
}

// SyncRun returns one run of the workspace.
func (s *Service) SyncRun(ctx context.Context, workspaceID, id string) (*store.WhopSyncRun, error) {
	return s.store.WhopSyncRunGet(ctx, nil, workspaceID, id)
}

// StartRun creates a run to be worked by the caller itself (the CLI), or
// returns the active one so that it is resumed.
func (s *Service) StartRun(ctx context.Context, workspaceID, kind string) (*store.WhopSyncRun, error) {
	var run *store.WhopSyncRun
	err := s.store.InTx(ctx, func(tx *sql.Tx) error {
		active, err := s.store.WhopSyncRunActive(ctx, tx, workspaceID)
		if err != nil || active != nil {
			run = active
			return err
		}
		now := s.now()
		run = &store.WhopSyncRun{ID: crm.NewID(), WorkspaceID: workspaceID, Kind: kind, Status: store.SyncQueued, CreatedAt: now, UpdatedAt: now}
		return s.store.WhopSyncRunCreate(ctx, tx, run)
	})
	return run, err
}

// errRunStopped ends a worker whose run was ended elsewhere (a disconnect
// marks the active run failed) so it writes nothing more.
var errRunStopped = errors.New("whopsync: the sync run was stopped")

// claimRun checks, inside a write transaction, that the run is still
// running under lease and locks its row, so a disconnect (or a takeover)
// either ends the run before the page is written or waits for the page's
// transaction; without it a worker between pages would keep writing and save
// the run as running again.
func (s *Service) claimRun(ctx context.Context, tx *sql.Tx, run *store.WhopSyncRun, lease string) error {
	running, err := s.store.WhopSyncRunTouch(ctx, tx, run.WorkspaceID, run.ID, lease, s.now())
	if err != nil {
		return err
	}
	if !running {
		return errRunStopped
	}
	return nil
}

// permanent reports errors that retrying cannot fix.
func permanent(err error) bool {
	return errors.Is(err, errRunStopped) || errors.Is(err, whop.ErrCursorLoop) || errors.Is(err, whop.ErrReauthRequired) || errors.Is(err, whop.ErrForbidden) || errors.Is(err, crm.ErrNotFound) || errors.Is(err, whop.ErrBadRequest)
}

// RunSync works a run from its saved phase and cursor to the end, taking it
// over from whoever holds it (the CLI: an operator resuming by hand; a live
// holder stops at its next page). Every page is fetched, then written
// together with the run's new progress in one transaction, so killing the
// process at any point loses at most the page in flight, which the resumed
// run fetches again. progress, if set, sees the run after every page.
func (s *Service) RunSync(ctx context.Context, workspaceID, runID string, progress func(*store.WhopSyncRun)) (*store.WhopSyncRun, error) {
	return s.work(ctx, workParams{WorkspaceID: workspaceID, RunID: runID, Lease: crm.NewID(), Force: true, Progress: progress})
}

// workParams say how one execution works a run.
type workParams struct {
	WorkspaceID, RunID string
	// Lease identifies this execution; Force takes the run from a live
	// holder.
	Lease string
	Force bool
	// Until ends the execution with errSliceDone at the first page boundary
	// after it (zero: work to the end).
	Until    time.Time
	Progress func(*store.WhopSyncRun)
}

// work claims a run and works it, heartbeating, until it ends, the slice is
// used up, or an error stops it; a stopped execution lets go of the run.
func (s *Service) work(ctx context.Context, p workParams) (*store.WhopSyncRun, error) {
	run, err := s.store.WhopSyncRunGet(ctx, nil, p.WorkspaceID, p.RunID)
	if err != nil {
		return nil, err
	}
	if run.Status == store.SyncSucceeded || run.Status == store.SyncFailed {
		return run, nil
	}
	conn, err := s.store.WhopConnectionGet(ctx, nil, p.WorkspaceID)
	if err != nil {
		return run, s.failRun(ctx, run, err)
	}
	client, err := s.clientFor(ctx, conn)
	if err != nil {
		return run, s.failRun(ctx, run, err)
	}
	if run, err = s.claim(ctx, run, p.Lease, p.Force); err != nil {
		return run, err
	}
	if run.Phase == "" {
		run.Phase = phaseProducts
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stop := s.heartbeat(ctx, run, p.Lease, cancel)
	defer stop()
	w := &worker{s: s, client: client, conn: conn, run: run, lease: p.Lease, until: p.Until, progress: p.Progress}
	for run.Phase != phaseDone {
		if err := w.phase(ctx); err != nil {
			if errors.Is(context.Cause(ctx), errRunStopped) {
				err = errRunStopped // taken over while a page was in flight
			}
			if errors.Is(err, errRunStopped) {
				return s.reread(ctx, run), err
			}
			if permanent(err) {
				if errors.Is(err, whop.ErrReauthRequired) {
					s.markNeedsReauth(ctx, p.WorkspaceID)
				}
				return run, s.failRun(ctx, run, err)
			}
			s.release(ctx, run, p.Lease)
			return run, err // transient or the slice's end: the job resumes here
		}
	}
	if err := s.finishRun(ctx, run, p.Lease); err != nil {
		if errors.Is(err, errRunStopped) {
			return s.reread(ctx, run), err
		}
		s.release(ctx, run, p.Lease)
		return run, err
	}
	return run, nil
}

// reread returns the stored state of a run that was ended elsewhere.
func (s *Service) reread(ctx context.Context, run *store.WhopSyncRun) *store.WhopSyncRun {
	if got, err := s.store.WhopSyncRunGet(ctx, nil, run.WorkspaceID, run.ID); err == nil {
		return got
	}
	return run
}

// finishRun marks success and moves the payments watermark forward.
func (s *Service) finishRun(ctx context.Context, run *store.WhopSyncRun, lease string) error {
	return s.store.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.claimRun(ctx, tx, run, lease); err != nil {
			return err
		}
		now := s.now()
		run.Status, run.FinishedAt, run.UpdatedAt = store.SyncSucceeded, &now, now
		if err := s.store.WhopSyncRunSave(ctx, tx, run); err != nil {
			return err
		}
		conn, err := s.store.WhopConnectionGet(ctx, tx, run.WorkspaceID)
		if err != nil {
			return err
		}
		conn.LastSyncAt, conn.LastSyncStatus, conn.UpdatedAt = &now, store.SyncSucceeded, now
		if run.PaymentsSince != nil && (conn.PaymentsWatermark == nil || run.PaymentsSince.After(*conn.PaymentsWatermark)) {
			conn.PaymentsWatermark = run.PaymentsSince
		}
		if err := s.store.WhopConnectionSave(ctx, tx, conn); err != nil {
			return err
		}
		return s.audit(ctx, tx, run.WorkspaceID, audit.WhopSyncFinished, auditActor, runDetails(run))
	})
}

// failRun marks a run failed with a message safe to show (no secrets: Whop
// client errors never carry credentials).
func (s *Service) failRun(ctx context.Context, run *store.WhopSyncRun, cause error) error {
	err := s.store.InTx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		run.Status, run.FinishedAt, run.UpdatedAt = store.SyncFailed, &now, now
		run.Errors = append(run.Errors, cause.Error())
		if err := s.store.WhopSyncRunSave(ctx, tx, run); err != nil {
			return err
		}
		conn, err := s.store.WhopConnectionGet(ctx, tx, run.WorkspaceID)
		if err != nil && !errors.Is(err, crm.ErrNotFound) {
			return err
		}
		if conn != nil {
			conn.LastSyncAt, conn.LastSyncStatus, conn.UpdatedAt = &now, store.SyncFailed, now
			if err := s.store.WhopConnectionSave(ctx, tx, conn); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, run.WorkspaceID, audit.WhopSyncFailed, auditActor, runDetails(run))
	})
	if err != nil {
		return errors.Join(cause, err)
	}
	return cause
}

func runDetails(r *store.WhopSyncRun) map[string]any {
	return map[string]any{"runId": r.ID, "kind": r.Kind, "products": r.ProductsCount, "users": r.UsersCount,
		"memberships": r.MembershipsCount, "payments": r.PaymentsCount, "writes": r.WritesCount, "requests": r.RequestsCount, "errors": r.Errors}
}

// worker carries one execution of a run.
type worker struct {
	s        *Service
	client   *whop.Client
	conn     *store.WhopConnection
	run      *store.WhopSyncRun
	lease    string
	until    time.Time
	progress func(*store.WhopSyncRun)
}

// phase works the current phase to its end, one page per transaction.
func (w *worker) phase(ctx context.Context) error {
	switch w.run.Phase {
	case phaseProducts:
		return pages(ctx, w, func(ctx context.Context, after string) (*whop.Page[whop.Product], error) {
			return w.client.ListProducts(ctx, whop.ListProductsParams{After: after})
		}, nil, w.s.applyProducts, &w.run.ProductsCount)
	case phasePlans:
		return pages(ctx, w, func(ctx context.Context, after string) (*whop.Page[whop.Plan], error) {
			return w.client.ListPlans(ctx, whop.ListPlansParams{After: after})
		}, nil, w.s.applyPlans, nil)
	case phaseMembers:
		return pages(ctx, w, func(ctx context.Context, after string) (*whop.Page[whop.Member], error) {
			return w.client.ListMembers(ctx, whop.ListMembersParams{After: after})
		}, memberKeys, w.s.applyMembers, &w.run.UsersCount)
	case phaseMemberships:
		return pages(ctx, w, func(ctx context.Context, after string) (*whop.Page[whop.Membership], error) {
			return w.client.ListMemberships(ctx, whop.ListMembershipsParams{After: after})
		}, membershipKeys, func(ctx context.Context, tx *sql.Tx, ws string, items []whop.Membership) (int, error) {
			return w.s.applyMemberships(ctx, tx, ws, w.conn.StageMapping, items, false)
		}, &w.run.MembershipsCount)
	case phasePayments:
		var since time.Time // zero: every payment (the first sync)
		if w.conn.PaymentsWatermark != nil {
			since = w.conn.PaymentsWatermark.Add(-paymentsOverlap)
		}
		return pages(ctx, w, func(ctx context.Context, after string) (*whop.Page[whop.Payment], error) {
			return w.client.ListPayments(ctx, whop.ListPaymentsParams{UpdatedAfter: since, After: after})
		}, paymentKeys, func(ctx context.Context, tx *sql.Tx, ws string, items []whop.Payment) (int, error) {
			n, err := w.s.applyPayments(ctx, tx, ws, items, false)
			for _, p := range items {
				if u := p.UpdatedAt.Time; !u.IsZero() && (w.run.PaymentsSince == nil || u.After(*w.run.PaymentsSince)) {
					w.run.PaymentsSince = &u
				}
			}
			return n, err
		}, &w.run.PaymentsCount)
	}
	return fmt.Errorf("whopsync: unknown phase %q", w.run.Phase)
}

// applyFunc writes one page and returns how many rows it wrote.
type applyFunc[T any] func(ctx context.Context, tx *sql.Tx, workspaceID string, items []T) (int, error)

// pages walks a list from the run's saved cursor with whop.Walk (which
// refuses a cursor that does not advance), writing each page and the
// progress that points past it in one transaction. keys, when set, names
// the Whop users and memberships a page writes, locked before it is applied.
func pages[T any](ctx context.Context, w *worker, list func(context.Context, string) (*whop.Page[T], error), keys func([]T) whopKeys, apply applyFunc[T], counter *int) error {
	fetch := func(ctx context.Context, after string) (*whop.Page[T], error) {
		w.run.RequestsCount++
		return list(ctx, after)
	}
	return whop.Walk(ctx, w.run.Cursor, fetch, func(items []T, next string) error {
		snapshot := *w.run
		err := w.s.store.InTx(ctx, func(tx *sql.Tx) error {
			if err := w.s.claimRun(ctx, tx, w.run, w.lease); err != nil {
				return err
			}
			if keys != nil {
				if err := w.s.lockKeys(ctx, tx, w.run.WorkspaceID, keys(items)); err != nil {
					return err
				}
			}
			n, err := apply(ctx, tx, w.run.WorkspaceID, items)
			if err != nil {
				return err
			}
			w.run.WritesCount += n
			if counter != nil {
				*counter += len(items)
			}
			w.run.Cursor = next
			if next == "" {
				w.run.Phase = nextPhase(w.run.Phase)
			}
			w.run.UpdatedAt = w.s.now()
			return w.s.store.WhopSyncRunSave(ctx, tx, w.run)
		})
		if err != nil {
			*w.run = snapshot // the page is redone on resume; do not count it twice
			return err
		}
		if w.progress != nil {
			w.progress(w.run)
		}
		if !w.until.IsZero() && w.s.now().After(w.until) {
			return errSliceDone
		}
		return nil
	})
}

func nextPhase(p string) string {
	for i, x := range phases {
		if x == p && i+1 < len(phases) {
			return phases[i+1]
		}
	}
	return phaseDone
}
