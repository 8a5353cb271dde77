package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/rivertype"

	"github.com/roster-crm/roster/internal/store"
)

// DefaultWorkers is how many jobs a process works at once when Config.Workers
// is zero. Jobs mostly wait on HTTP calls and the database, so many cheap
// goroutines keep throughput up.
const DefaultWorkers = 50

// JobTimeout bounds one attempt of a job that does not set its own Timeout.
// A job that needs longer works in slices that each end within it (the Whop
// sync snoozes between slices), so that RescueStuckJobsAfter can stay short.
const JobTimeout = 50 * time.Second

// RescueStuckJobsAfter is how long a job may stay running before River's
// rescuer (on the elected leader, every 30 s) takes its process for dead and
// retries it: after a crash, an acknowledged webhook waits about a minute,
// not River's default hour. Jobs are idempotent, so the rare rescue of a job
// still running only repeats work. It must not be below any job's timeout.
const RescueStuckJobsAfter = time.Minute

// Config configures a Queue.
type Config struct {
	// Store provides the database; River uses its Write pool.
	Store *store.Store
	// Workers is the number of jobs worked at once (0: DefaultWorkers).
	Workers int
	// Logger receives River's logs (nil: slog.Default()).
	Logger *slog.Logger
	// Registry holds the workers and periodic jobs. It may be nil or empty
	// for an insert-only queue.
	Registry *Registry
	// Metrics, when set, receives roster_jobs_total and
	// roster_job_duration_seconds.
	Metrics prometheus.Registerer
	// InsertOnly builds a client that enqueues but never works jobs, for CLI
	// commands: Start and Stop do nothing, no LISTEN connection is made, and
	// the Registry's periodic jobs are not scheduled. Its workers, if any, are
	// only used to check that inserted kinds are known.
	InsertOnly bool
	// FetchPollInterval is how often River polls for jobs when no insert
	// notification arrives (0: River's default, 1 s).
	FetchPollInterval time.Duration
}

// Queue is Roster's job queue: a River client on the store's dialect.
type Queue struct {
	cfg      Config
	client   *river.Client[*sql.Tx] // nil until Open
	listener *pgxpool.Pool          // PostgreSQL LISTEN pool; nil on SQLite or insert-only
	logger   *slog.Logger
	works    bool // false when insert-only or no worker is registered

	mu      sync.Mutex
	started bool
}

// errNotOpen is returned by inserts on a queue that Prepare built but Open
// has not opened yet.
var errNotOpen = errors.New("jobs: queue not open")

// New builds and opens the queue (Prepare then Open). It does not start
// working jobs; call Start. River's schema must already be migrated
// (Migrate).
func New(ctx context.Context, cfg Config) (*Queue, error) {
	q := Prepare(cfg)
	if err := q.Open(ctx); err != nil {
		return nil, err
	}
	return q, nil
}

// Prepare returns a queue that is not open yet. It exists so a composition
// root can build every service once: services take the queue (for InsertTx)
// at construction, their workers go into Registry(), and Open builds the
// River client from the finished registry. Inserting before Open fails.
func Prepare(cfg Config) *Queue {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Registry == nil {
		cfg.Registry = NewRegistry()
	}
	return &Queue{cfg: cfg, logger: cfg.Logger}
}

// Registry is where workers and periodic jobs go before Open.
func (q *Queue) Registry() *Registry { return q.cfg.Registry }

// Open builds the River client from the registry as it is now; the registry
// must not change afterwards.
func (q *Queue) Open(ctx context.Context) error {
	cfg := q.cfg
	if cfg.Store == nil {
		return errors.New("jobs: no store")
	}
	if q.client != nil {
		return errors.New("jobs: queue already open")
	}
	logger, reg := cfg.Logger, cfg.Registry
	workers := cfg.Workers
	if workers <= 0 {
		workers = DefaultWorkers
	}
	q.works = !cfg.InsertOnly && reg.Len() > 0
	if !cfg.InsertOnly && reg.Len() == 0 {
		logger.Warn("jobs: no workers registered; this process will enqueue but not work jobs")
	}

	rc := &river.Config{
		Logger:               logger.With("component", "river"),
		Workers:              reg.workers,
		FetchPollInterval:    cfg.FetchPollInterval,
		JobTimeout:           JobTimeout,
		RescueStuckJobsAfter: RescueStuckJobsAfter,
		// Only the processes that work jobs should be able to win leadership:
		// the leader runs periodic jobs and maintenance.
		LeaderElectionDisabled: !q.works,
	}
	if reg.Len() == 0 {
		rc.Workers = nil // River refuses an empty bundle
	}
	if q.works {
		rc.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: workers}}
		for name, qc := range reg.queues {
			rc.Queues[name] = qc
		}
		rc.PeriodicJobs = reg.periodic
	}
	if cfg.Metrics != nil && q.works {
		mw, err := newMetricsMiddleware(cfg.Metrics)
		if err != nil {
			return err
		}
		rc.Middleware = []rivertype.Middleware{mw}
	}

	drv, err := q.driver(ctx, cfg.Store)
	if err != nil {
		return err
	}
	client, err := river.NewClient(drv, rc)
	if err != nil {
		q.closeListener()
		return fmt.Errorf("jobs: new client: %w", err)
	}
	q.client = client
	return nil
}

// driver picks River's driver. On PostgreSQL a working client gets a pgx
// listener, so inserts wake workers through LISTEN/NOTIFY instead of waiting
// for the next poll. SQLite has no LISTEN; River polls a notification table.
func (q *Queue) driver(ctx context.Context, s *store.Store) (riverdriver.Driver[*sql.Tx], error) {
	if s.Dialect != store.Postgres || !q.works {
		return driver(s.Dialect, s.Write)
	}
	pool, err := listenerPool(ctx, s.Write)
	if err != nil {
		return nil, err
	}
	q.listener = pool
	return riverdatabasesql.NewWithPgxListener(s.Write, pool), nil
}

// Client exposes the River client for operations this package does not wrap
// (job lookup, cancellation, queue pause). Prefer the Queue methods.
func (q *Queue) Client() *river.Client[*sql.Tx] { return q.client }

// InsertTx enqueues a job inside tx, the caller's store transaction: the job
// becomes visible to workers only if tx commits, and vanishes if it rolls
// back.
func (q *Queue) InsertTx(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *river.InsertOpts) error {
	if q.client == nil {
		return errNotOpen
	}
	if _, err := q.client.InsertTx(ctx, tx, args, opts); err != nil {
		return fmt.Errorf("jobs: enqueue %s: %w", args.Kind(), err)
	}
	return nil
}

// Insert enqueues a job in its own transaction. Never call it while holding
// a store transaction (see the package doc): use InsertTx there.
func (q *Queue) Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error {
	if q.client == nil {
		return errNotOpen
	}
	if _, err := q.client.Insert(ctx, args, opts); err != nil {
		return fmt.Errorf("jobs: enqueue %s: %w", args.Kind(), err)
	}
	return nil
}

// Start begins working jobs and, on the elected leader, scheduling periodic
// jobs. It returns once the client runs; work continues in the background
// until Stop. Start does nothing on an insert-only queue or when no worker
// is registered. ctx should live as long as the process: cancelling it
// cancels running jobs.
func (q *Queue) Start(ctx context.Context) error {
	if !q.works {
		return nil
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if err := q.client.Start(ctx); err != nil {
		return fmt.Errorf("jobs: start: %w", err)
	}
	q.started = true
	return nil
}

// hardStopTimeout bounds the wait for cancelled jobs to return once Stop's
// deadline has passed.
const hardStopTimeout = 10 * time.Second

// Stop stops fetching new jobs and waits for running ones to finish, until
// ctx is done. If ctx ends first, running jobs have their contexts cancelled
// and Stop waits briefly for them to return, then reports ctx's error. It
// releases the LISTEN connection, and is safe to call more than once.
func (q *Queue) Stop(ctx context.Context) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	defer q.closeListener()
	if !q.started {
		return nil
	}
	err := q.client.Stop(ctx)
	if err != nil {
		q.logger.Warn("jobs: graceful stop timed out; cancelling running jobs", "err", err)
		hardCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), hardStopTimeout)
		defer cancel()
		err = errors.Join(err, q.client.StopAndCancel(hardCtx))
	}
	q.started = false
	if err != nil {
		return fmt.Errorf("jobs: stop: %w", err)
	}
	return nil
}

func (q *Queue) closeListener() {
	if q.listener != nil {
		q.listener.Close()
		q.listener = nil
	}
}
