package jobs_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"

	"github.com/roster-crm/roster/internal/jobs"
	"github.com/roster-crm/roster/internal/poll"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// countArgs is a job that records its name each time it is worked.
type countArgs struct {
	Name string `json:"name"`
}

func (countArgs) Kind() string { return "test_count" }

type countWorker struct {
	river.WorkerDefaults[countArgs]
	mu     sync.Mutex
	counts map[string]int
	done   chan string
}

func newCountWorker() *countWorker {
	return &countWorker{counts: map[string]int{}, done: make(chan string, 100)}
}

func (w *countWorker) Work(ctx context.Context, job *river.Job[countArgs]) error {
	w.mu.Lock()
	w.counts[job.Args.Name]++
	w.mu.Unlock()
	w.done <- job.Args.Name
	return nil
}

func (w *countWorker) count(name string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.counts[name]
}

// blockArgs is a job that runs until the test releases it or its context
// is cancelled.
type blockArgs struct{}

func (blockArgs) Kind() string { return "test_block" }

type blockWorker struct {
	river.WorkerDefaults[blockArgs]
	started  chan struct{}
	release  chan struct{}
	finished chan error // nil: released; else the context error seen
}

func newBlockWorker() *blockWorker {
	return &blockWorker{started: make(chan struct{}, 1), release: make(chan struct{}), finished: make(chan error, 1)}
}

func (w *blockWorker) Work(ctx context.Context, job *river.Job[blockArgs]) error {
	w.started <- struct{}{}
	select {
	case <-w.release:
		w.finished <- nil
		return nil
	case <-ctx.Done():
		w.finished <- ctx.Err()
		return ctx.Err()
	}
}

// startQueue migrates River's schema, builds a working queue and starts it;
// the queue is stopped when the test ends.
func startQueue(t *testing.T, s *store.Store, reg *jobs.Registry, metrics prometheus.Registerer) *jobs.Queue {
	t.Helper()
	return startQueuePoll(t, s, reg, metrics, 200*time.Millisecond)
}

func startQueuePoll(t *testing.T, s *store.Store, reg *jobs.Registry, metrics prometheus.Registerer, poll time.Duration) *jobs.Queue {
	t.Helper()
	ctx := context.Background()
	if err := jobs.Migrate(ctx, s); err != nil {
		t.Fatalf("Migrate() = %v", err)
	}
	q, err := jobs.New(ctx, jobs.Config{
		Store: s, Registry: reg, Metrics: metrics, FetchPollInterval: poll,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatalf("New() = %v", err)
	}
	if err := q.Start(ctx); err != nil {
		t.Fatalf("Start() = %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		if err := q.Stop(ctx); err != nil {
			t.Errorf("Stop() = %v", err)
		}
	})
	return q
}

func jobStates(t *testing.T, s *store.Store) map[string]int {
	t.Helper()
	rows, err := s.Read.QueryContext(context.Background(), `SELECT state, count(*) FROM river_job GROUP BY state`)
	if err != nil {
		t.Fatalf("query river_job: %v", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var state string
		var n int
		if err := rows.Scan(&state, &n); err != nil {
			t.Fatalf("scan river_job: %v", err)
		}
		out[state] = n
	}
	return out
}

func TestInsertTx(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newCountWorker()
		reg := jobs.NewRegistry()
		if err := jobs.Register(reg, w); err != nil {
			t.Fatalf("Register() = %v", err)
		}
		metrics := prometheus.NewRegistry()
		q := startQueue(t, s, reg, metrics)

		err := s.InTx(ctx, func(tx *sql.Tx) error {
			return q.InsertTx(ctx, tx, countArgs{Name: "committed"}, nil)
		})
		if err != nil {
			t.Fatalf("InTx(commit) = %v", err)
		}
		errRollback := errors.New("roll back")
		err = s.InTx(ctx, func(tx *sql.Tx) error {
			if err := q.InsertTx(ctx, tx, countArgs{Name: "rolled back"}, nil); err != nil {
				return err
			}
			time.Sleep(300 * time.Millisecond) // give workers a chance to see it, if they could
			return errRollback
		})
		if !errors.Is(err, errRollback) {
			t.Fatalf("InTx(rollback) = %v; want %v", err, errRollback)
		}

		select {
		case <-w.done:
		case <-time.After(20 * time.Second):
			t.Fatal("committed job was not worked within 20s")
		}
		poll.Until(t, 10*time.Second, func() error {
			if got := jobStates(t, s); got["completed"] != 1 {
				return fmt.Errorf("river_job states = %v; want one completed job", got)
			}
			return nil
		})
		// The table holds the one completed job and nothing else: the
		// rolled-back job never existed and nothing is left to run, so the
		// counts below are final without waiting for a worker to misbehave.
		if got := jobStates(t, s); len(got) != 1 {
			t.Errorf("river_job states = %v; want only one completed job", got)
		}
		for name, want := range map[string]int{"committed": 1, "rolled back": 0} {
			if got := w.count(name); got != want {
				t.Errorf("job %q worked %d times; want %d", name, got, want)
			}
		}
		poll.Until(t, 5*time.Second, func() error {
			if n := counterValue(t, metrics, "roster_jobs_total", map[string]string{"kind": "test_count", "outcome": "completed"}); n != 1 {
				return fmt.Errorf("roster_jobs_total{outcome=completed} = %v; want 1", n)
			}
			return nil
		})
	})
}

// counterValue reads one counter from a registry (-1 when absent).
func counterValue(t *testing.T, g prometheus.Gatherer, name string, labels map[string]string) float64 {
	t.Helper()
	mfs, err := g.Gather()
	if err != nil {
		t.Fatalf("Gather() = %v", err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	metric:
		for _, m := range mf.GetMetric() {
			got := map[string]string{}
			for _, lp := range m.GetLabel() {
				got[lp.GetName()] = lp.GetValue()
			}
			for k, v := range labels {
				if got[k] != v {
					continue metric
				}
			}
			return m.GetCounter().GetValue()
		}
	}
	return -1
}

func TestStopWaitsForRunningJob(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newBlockWorker()
		reg := jobs.NewRegistry()
		if err := jobs.Register(reg, w); err != nil {
			t.Fatalf("Register() = %v", err)
		}
		q := startQueue(t, s, reg, nil)
		if err := q.Insert(ctx, blockArgs{}, nil); err != nil {
			t.Fatalf("Insert() = %v", err)
		}
		select {
		case <-w.started:
		case <-time.After(20 * time.Second):
			t.Fatal("job did not start within 20s")
		}

		stopped := make(chan error, 1)
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			defer cancel()
			stopped <- q.Stop(ctx)
		}()
		select {
		case err := <-stopped:
			t.Fatalf("Stop() returned %v while a job was running; want it to wait", err)
		case <-time.After(500 * time.Millisecond):
		}
		close(w.release)
		select {
		case err := <-stopped:
			if err != nil {
				t.Fatalf("Stop() = %v; want nil", err)
			}
		case <-time.After(15 * time.Second):
			t.Fatal("Stop() did not return after the job finished")
		}
		if err := <-w.finished; err != nil {
			t.Errorf("job ended with %v; want it to finish normally", err)
		}
		if got := jobStates(t, s)["completed"]; got != 1 {
			t.Errorf("completed jobs after Stop = %d; want 1", got)
		}
	})
}

func TestStopDeadlineCancelsJob(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newBlockWorker()
		reg := jobs.NewRegistry()
		if err := jobs.Register(reg, w); err != nil {
			t.Fatalf("Register() = %v", err)
		}
		q := startQueue(t, s, reg, nil)
		if err := q.Insert(ctx, blockArgs{}, nil); err != nil {
			t.Fatalf("Insert() = %v", err)
		}
		select {
		case <-w.started:
		case <-time.After(20 * time.Second):
			t.Fatal("job did not start within 20s")
		}
		stopCtx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
		defer cancel()
		if err := q.Stop(stopCtx); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Stop() = %v; want context.DeadlineExceeded", err)
		}
		select {
		case err := <-w.finished:
			if err == nil {
				t.Errorf("job finished normally; want its context cancelled")
			}
		case <-time.After(5 * time.Second):
			t.Fatal("job context was not cancelled after Stop's deadline")
		}
	})
}

func TestPeriodicJob(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		w := newCountWorker()
		reg := jobs.NewRegistry()
		if err := jobs.Register(reg, w); err != nil {
			t.Fatalf("Register() = %v", err)
		}
		reg.AddPeriodic(river.PeriodicInterval(time.Hour), func() (river.JobArgs, *river.InsertOpts) {
			return countArgs{Name: "periodic"}, nil
		}, &river.PeriodicJobOpts{ID: "test_periodic", RunOnStart: true})
		startQueue(t, s, reg, nil)
		select {
		case name := <-w.done:
			if name != "periodic" {
				t.Errorf("worked job %q; want periodic", name)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("periodic job did not run within 30s")
		}
	})
}

func TestRegisterTwice(t *testing.T) {
	reg := jobs.NewRegistry()
	if err := jobs.Register(reg, newCountWorker()); err != nil {
		t.Fatalf("first Register() = %v", err)
	}
	if err := jobs.Register(reg, newCountWorker()); err == nil {
		t.Errorf("second Register() for the same kind = nil; want error")
	}
	if got := reg.Len(); got != 1 {
		t.Errorf("Len() = %d; want 1", got)
	}
}

func TestInsertOnly(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if err := jobs.Migrate(ctx, s); err != nil {
			t.Fatalf("Migrate() = %v", err)
		}
		q, err := jobs.New(ctx, jobs.Config{Store: s, InsertOnly: true})
		if err != nil {
			t.Fatalf("New(InsertOnly) = %v", err)
		}
		if err := q.Start(ctx); err != nil {
			t.Errorf("Start() on insert-only queue = %v; want nil", err)
		}
		if err := q.Insert(ctx, countArgs{Name: "cli"}, nil); err != nil {
			t.Fatalf("Insert() = %v", err)
		}
		err = s.InTx(ctx, func(tx *sql.Tx) error { return q.InsertTx(ctx, tx, countArgs{Name: "cli tx"}, nil) })
		if err != nil {
			t.Fatalf("InsertTx() = %v", err)
		}
		if err := q.Stop(ctx); err != nil {
			t.Errorf("Stop() = %v", err)
		}
		if got := jobStates(t, s); got["available"] != 2 || len(got) != 1 {
			t.Errorf("river_job states = %v; want 2 available", got)
		}
	})
}

// TestInsertWakesWorkers checks that an insert notifies idle workers (LISTEN/
// NOTIFY on PostgreSQL, River's notification table on SQLite) instead of
// waiting for the next poll, which is set far beyond the deadline here.
func TestInsertWakesWorkers(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newCountWorker()
		reg := jobs.NewRegistry()
		if err := jobs.Register(reg, w); err != nil {
			t.Fatalf("Register() = %v", err)
		}
		q := startQueuePoll(t, s, reg, nil, time.Minute)
		time.Sleep(time.Second) // let the first fetch and listener setup pass
		start := time.Now()
		err := s.InTx(ctx, func(tx *sql.Tx) error { return q.InsertTx(ctx, tx, countArgs{Name: "wake"}, nil) })
		if err != nil {
			t.Fatalf("InsertTx() = %v", err)
		}
		select {
		case <-w.done:
			t.Logf("worked %v after insert", time.Since(start))
		case <-time.After(10 * time.Second):
			t.Fatal("job not worked within 10s of insert; insert notifications are not reaching the workers")
		}
	})
}

// TestAddQueue: a job inserted into a queue the registry added is worked by
// that queue's own workers while every worker of the default queue is busy
// (here its only one, with a job that runs until released).
func TestAddQueue(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		block, count := newBlockWorker(), newCountWorker()
		reg := jobs.NewRegistry()
		if err := jobs.Register(reg, block); err != nil {
			t.Fatal(err)
		}
		if err := jobs.Register(reg, count); err != nil {
			t.Fatal(err)
		}
		reg.AddQueue("side", 1)
		if err := jobs.Migrate(ctx, s); err != nil {
			t.Fatal(err)
		}
		q, err := jobs.New(ctx, jobs.Config{Store: s, Registry: reg, Workers: 1, FetchPollInterval: 200 * time.Millisecond,
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			close(block.release)
			stop, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			defer cancel()
			_ = q.Stop(stop)
		})
		if err := q.Insert(ctx, blockArgs{}, nil); err != nil {
			t.Fatal(err)
		}
		select {
		case <-block.started:
		case <-time.After(30 * time.Second):
			t.Fatal("the blocking job did not start")
		}
		for _, name := range []string{"default", "side"} {
			opts := &river.InsertOpts{}
			if name == "side" {
				opts.Queue = "side"
			}
			if err := q.Insert(ctx, countArgs{Name: name}, opts); err != nil {
				t.Fatal(err)
			}
		}
		select {
		case name := <-count.done:
			if name != "side" {
				t.Fatalf("worked %q while the default queue's one worker is busy; want only the side queue's job", name)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("the side queue's job was not worked while the default queue was busy")
		}
		if n := count.count("default"); n != 0 {
			t.Errorf("default-queue job worked %d times while its only worker was busy; want 0", n)
		}
	})
}
