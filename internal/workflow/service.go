package workflow

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/mail"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/store"
)

// Enqueuer inserts a job in the caller's transaction (jobs.Queue).
type Enqueuer interface {
	InsertTx(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *river.InsertOpts) error
}

// Limits and defaults of the engine.
const (
	// DefaultMaxConcurrentRuns is how many runs of one workspace execute at
	// once across every replica (a process works 50 jobs at once); the
	// others wait their turn, so one busy workspace cannot take every
	// worker of a cluster.
	DefaultMaxConcurrentRuns = 50
	// MaxChainDepth is how many runs may trigger each other in a chain: a
	// run that would be the sixth level is refused and recorded as FAILED.
	MaxChainDepth = 5
	// KeepRuns is how many runs of each workflow are kept; older ended runs
	// are deleted by a periodic job.
	KeepRuns = 1000
	// MaxSteps bounds the steps of one version.
	MaxSteps = 100
)

// DefaultRetryDelays are Twenty's waits before retrying a failed step.
var DefaultRetryDelays = []time.Duration{time.Second, 5 * time.Second, 15 * time.Second}

// Config wires a Service.
type Config struct {
	Store   *store.Store
	Records *records.Service
	// Queue receives the run jobs, in the transactions that create runs.
	Queue Enqueuer
	// Mail sends SEND_EMAIL steps; nil refuses such steps at activation.
	Mail *mail.Service
	// HTTPClient makes HTTP_REQUEST calls. It must refuse private
	// destinations unless the deployment allows them (netguard); nil
	// refuses HTTP_REQUEST steps at activation.
	HTTPClient *http.Client
	// Registry holds the step types; nil means DefaultRegistry.
	Registry *Registry
	// MaxConcurrentRuns caps the runs of one workspace executing at once
	// (0: DefaultMaxConcurrentRuns).
	MaxConcurrentRuns int
	// RetryDelays are the waits before each retry of a failed step (nil:
	// DefaultRetryDelays). Tests shorten them.
	RetryDelays []time.Duration
	// Lease is how long a worker owns a run between saves (0: 30 s); a run
	// whose worker died is taken over once it expires.
	Lease time.Duration
	// Slice is how long one job works a run before handing it to a fresh
	// job (0: 20 s), so no job outlives the queue's job timeout.
	Slice   time.Duration
	Metrics prometheus.Registerer
	Logger  *slog.Logger
	Now     func() time.Time
}

// Service manages workflows and executes their runs. It is safe for
// concurrent use.
type Service struct {
	store   *store.Store
	records *records.Service
	queue   Enqueuer
	mail    *mail.Service
	http    *http.Client
	reg     *Registry
	cfg     Config
	log     *slog.Logger
	now     func() time.Time
	metrics *engineMetrics
}

// New returns a Service. Register its workers with Register and subscribe
// it to the records' event bus with Subscribe.
func New(cfg Config) (*Service, error) {
	if cfg.MaxConcurrentRuns <= 0 {
		cfg.MaxConcurrentRuns = DefaultMaxConcurrentRuns
	}
	if cfg.RetryDelays == nil {
		cfg.RetryDelays = DefaultRetryDelays
	}
	if cfg.Lease <= 0 {
		cfg.Lease = 30 * time.Second
	}
	if cfg.Slice <= 0 {
		cfg.Slice = 20 * time.Second
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	s := &Service{
		store: cfg.Store, records: cfg.Records, queue: cfg.Queue, mail: cfg.Mail, http: cfg.HTTPClient, cfg: cfg,
		log: cfg.Logger, now: func() time.Time { return now().UTC().Truncate(time.Microsecond) },
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.reg = cfg.Registry
	if s.reg == nil {
		reg, err := DefaultRegistry(s)
		if err != nil {
			return nil, err
		}
		s.reg = reg
	}
	m, err := newEngineMetrics(cfg.Metrics, cfg.Store)
	if err != nil {
		return nil, err
	}
	s.metrics = m
	return s, nil
}

// Registry returns the step types the service knows.
func (s *Service) Registry() *Registry { return s.reg }

// DefaultRegistry returns the built-in step types, wired to svc's
// dependencies.
func DefaultRegistry(svc *Service) (*Registry, error) {
	reg := NewRegistry()
	for _, a := range []Action{
		&createRecord{svc: svc}, &updateRecord{svc: svc}, &deleteRecord{svc: svc}, &createRecord{svc: svc, upsert: true}, &findRecords{svc: svc},
		&sendEmail{svc: svc}, &httpRequest{svc: svc},
		ifElse{}, filterStep{}, iterator{}, delay{},
	} {
		if err := reg.Register(a); err != nil {
			return nil, err
		}
	}
	return reg, nil
}

// errorf wraps an internal error with the operation.
func errorf(op string, err error) error { return fmt.Errorf("workflow: %s: %w", op, err) }

// insert enqueues a job in its own transaction.
func (s *Service) insert(ctx context.Context, args river.JobArgs) error {
	return s.store.InTx(ctx, func(tx *sql.Tx) error { return s.queue.InsertTx(ctx, tx, args, nil) })
}

// Authorize is the one rule of who may do what with workflows: anyone in
// the workspace reads them, runs them and stops runs; building, changing,
// activating and deleting them is for admins (a workflow acts on every
// record, sends email and calls URLs in the workspace's name). Every
// surface calls it before a change.
func Authorize(p *auth.Principal, change bool) error {
	if !change {
		return nil
	}
	return auth.RequireAdmin(p)
}
