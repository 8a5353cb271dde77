package workflow_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/jobs"
	"github.com/roster-crm/roster/internal/mail"
	"github.com/roster-crm/roster/internal/mail/mailtest"
	"github.com/roster-crm/roster/internal/netguard"
	"github.com/roster-crm/roster/internal/poll"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/workflow"
)

// env is one workspace with the records service, the workflow engine and a
// job queue working jobs, on a real database.
type env struct {
	t       testing.TB
	ctx     context.Context
	s       *store.Store
	ws      string
	records *records.Service
	svc     *workflow.Service
	queue   *jobs.Queue
	sink    *mailtest.Sink
	clock   *clock
}

type envOpts struct {
	// smtp sends SEND_EMAIL through a real SMTP sink instead of the log driver.
	smtp bool
	// private lets HTTP_REQUEST reach 127.0.0.1 (httptest servers).
	private bool
	// noWork builds a queue that only enqueues (runs stay ENQUEUED).
	noWork bool
	// now, when set, is the engine's clock.
	clock *clock
	// maxRuns is the per-workspace concurrency cap (0: the default).
	maxRuns int
}

// clock is a settable clock for cron tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

func newEnv(t *testing.T, s *store.Store, o envOpts) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{t: t, ctx: ctx, s: s, clock: o.clock}
	if err := jobs.Migrate(ctx, s); err != nil {
		t.Fatal(err)
	}
	err := s.InTx(ctx, func(tx *sql.Tx) error {
		w, err := s.WorkspaceCreate(ctx, tx, &store.WorkspaceCreateParams{Name: "Acme", Now: time.Now()})
		e.ws = w.ID
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	w := startWorker(t, s, o)
	e.queue, e.records, e.svc, e.sink = w.queue, w.records, w.svc, w.sink
	return e
}

// worker is one process's share of the system: a job queue working jobs
// with the records service and the workflow engine on it. Two workers on
// one database are two replicas.
type worker struct {
	queue   *jobs.Queue
	records *records.Service
	svc     *workflow.Service
	sink    *mailtest.Sink
}

func startWorker(t testing.TB, s *store.Store, o envOpts) *worker {
	t.Helper()
	ctx := context.Background()
	w := &worker{}
	var err error
	logger := slog.New(slog.DiscardHandler)
	w.queue = jobs.Prepare(jobs.Config{Store: s, Logger: logger, FetchPollInterval: 100 * time.Millisecond, InsertOnly: o.noWork})
	bus := &records.Bus{}
	w.records = records.New(records.Config{Store: s, Jobs: w.queue})
	mcfg := mail.Config{Store: s, Logger: logger}
	if o.smtp {
		w.sink = mailtest.Start(t, "", "")
		mcfg.Driver, mcfg.SMTP = mail.DriverSMTP, mail.SMTP{Host: w.sink.Host, Port: w.sink.Port, NoTLS: true}
		mcfg.FromAddress = "crm@acme.test"
	}
	cfg := workflow.Config{
		Store: s, Records: w.records, Queue: w.queue, Mail: mail.New(mcfg), Logger: logger,
		HTTPClient:        netguard.NewClient(netguard.Options{AllowPrivate: o.private}),
		RetryDelays:       []time.Duration{10 * time.Millisecond, 20 * time.Millisecond, 30 * time.Millisecond},
		MaxConcurrentRuns: o.maxRuns,
	}
	if o.clock != nil {
		cfg.Now = o.clock.Now
	}
	w.svc, err = workflow.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	bus.Subscribe(w.svc.Subscriber())
	if err := jobs.Register(w.queue.Registry(), &records.EventsWorker{Bus: bus}); err != nil {
		t.Fatal(err)
	}
	if err := workflow.Register(w.queue.Registry(), w.svc); err != nil {
		t.Fatal(err)
	}
	if err := w.queue.Open(ctx); err != nil {
		t.Fatal(err)
	}
	if err := w.queue.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stop, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = w.queue.Stop(stop)
	})
	return w
}

// draft creates a workflow whose draft version has the trigger and steps.
func (e *env) draft(name, trigger, steps string) (*workflow.Workflow, *workflow.Version) {
	e.t.Helper()
	w, err := e.svc.CreateWorkflow(e.ctx, e.ws, workflow.CreateWorkflowInput{Name: name})
	if err != nil {
		e.t.Fatal(err)
	}
	vs, err := e.svc.Versions(e.ctx, e.ws, workflow.VersionFilter{WorkflowID: w.ID}, workflow.ListParams{})
	if err != nil || len(vs.Items) != 1 {
		e.t.Fatalf("versions of a new workflow = %v, %v; want one draft", vs, err)
	}
	v, err := e.svc.UpdateVersion(e.ctx, e.ws, vs.Items[0].ID, workflow.VersionInput{Trigger: json.RawMessage(trigger), Steps: json.RawMessage(steps)})
	if err != nil {
		e.t.Fatalf("UpdateVersion: %v", err)
	}
	return w, v
}

// active creates a workflow and activates its version.
func (e *env) active(name, trigger, steps string) (*workflow.Workflow, *workflow.Version) {
	e.t.Helper()
	w, v := e.draft(name, trigger, steps)
	if ok, err := e.svc.ActivateVersion(e.ctx, e.ws, v.ID); err != nil || !ok {
		e.t.Fatalf("ActivateVersion = %v, %v; want true", ok, err)
	}
	return w, v
}

// runs lists a workflow's runs, newest first.
func (e *env) runs(workflowID string) []*workflow.Run {
	e.t.Helper()
	pg, err := e.svc.Runs(e.ctx, e.ws, workflow.RunFilter{WorkflowID: workflowID}, workflow.ListParams{First: 200})
	if err != nil {
		e.t.Fatal(err)
	}
	return pg.Items
}

// waitRuns waits until the workflow has n runs, all ended, and returns them.
func (e *env) waitRuns(workflowID string, n int) []*workflow.Run {
	e.t.Helper()
	var runs []*workflow.Run
	poll.Until(e.t, 60*time.Second, func() error {
		runs = e.runs(workflowID)
		if len(runs) != n {
			return fmt.Errorf("%d runs; want %d", len(runs), n)
		}
		for _, r := range runs {
			switch r.Status {
			case workflow.RunCompleted, workflow.RunFailed, workflow.RunStopped:
			default:
				return fmt.Errorf("run %s is %s", r.ID, r.Status)
			}
		}
		return nil
	})
	return runs
}

// waitRun waits for one run to end.
func (e *env) waitRun(id string) *workflow.Run {
	e.t.Helper()
	var run *workflow.Run
	poll.Until(e.t, 60*time.Second, func() error {
		var err error
		if run, err = e.svc.Run(e.ctx, e.ws, id); err != nil {
			return err
		}
		switch run.Status {
		case workflow.RunCompleted, workflow.RunFailed, workflow.RunStopped:
			return nil
		}
		return fmt.Errorf("run is %s: %s", run.Status, stateJSON(run))
	})
	return run
}

func stateJSON(r *workflow.Run) string {
	b, _ := json.Marshal(r.State)
	return string(b)
}

// create writes records as an API caller would.
func (e *env) create(o *crm.Object, inputs ...crm.Input) []crm.Record {
	e.t.Helper()
	recs, err := e.records.Create(e.ctx, records.CreateParams{WorkspaceID: e.ws, Object: o, Actor: crm.Actor{Source: crm.SourceAPI, Name: "test"}, Inputs: inputs})
	if err != nil {
		e.t.Fatal(err)
	}
	return recs
}

func (e *env) update(o *crm.Object, id string, in crm.Input) {
	e.t.Helper()
	if _, err := e.records.Update(e.ctx, records.UpdateParams{WorkspaceID: e.ws, Object: o, Actor: crm.Actor{Source: crm.SourceAPI, Name: "test"}, ID: id, Input: in}); err != nil {
		e.t.Fatal(err)
	}
}

// list returns every live record of an object.
func (e *env) list(o *crm.Object) []crm.Record {
	e.t.Helper()
	schema, err := e.records.Schema(e.ctx, e.ws, o)
	if err != nil {
		e.t.Fatal(err)
	}
	pg, err := e.records.List(e.ctx, e.ws, schema, crm.ListParams{First: 200})
	if err != nil {
		e.t.Fatal(err)
	}
	return pg.Records
}

// stepResult returns a step's result in a run as a map.
func stepResult(t *testing.T, r *workflow.Run, id string) map[string]any {
	t.Helper()
	info := r.State.StepInfos[id]
	if info == nil {
		t.Fatalf("run has no step %q: %s", id, stateJSON(r))
	}
	m, _ := info.Result.(map[string]any)
	return m
}

// wantInvalid checks that err is a validation error whose field and
// message contain the given parts.
func wantInvalid(t *testing.T, err error, field string, msgParts ...string) {
	t.Helper()
	if !errors.Is(err, crm.ErrInvalid) {
		t.Fatalf("err = %v; want an invalid-input error on %s", err, field)
	}
	e, _ := crm.AsError(err)
	if !strings.HasPrefix(e.Field, field) {
		t.Errorf("error field = %q; want %q (%s)", e.Field, field, e.Message)
	}
	for _, p := range msgParts {
		if !strings.Contains(e.Message, p) {
			t.Errorf("error message %q does not contain %q", e.Message, p)
		}
	}
}

// jsonEqual compares two JSON documents by value (PostgreSQL's jsonb
// re-orders keys).
func jsonEqual(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

var _ = http.StatusOK
