package web_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/jobs"
	"github.com/roster-crm/roster/internal/mail"
	"github.com/roster-crm/roster/internal/poll"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/web"
	"github.com/roster-crm/roster/internal/workflow"
)

// wfSite is the UI with the workflow engine and a job queue that works
// runs and record events, on a real database.
type wfSite struct {
	*site
	wf *workflow.Service
}

func newWorkflowSite(t *testing.T, s *store.Store) *wfSite {
	t.Helper()
	ctx := context.Background()
	if err := jobs.Migrate(ctx, s); err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.DiscardHandler)
	queue := jobs.Prepare(jobs.Config{Store: s, Logger: logger, FetchPollInterval: 100 * time.Millisecond})
	bus := &records.Bus{}
	recs := records.New(records.Config{Store: s, Jobs: queue})
	svc, err := workflow.New(workflow.Config{Store: s, Records: recs, Queue: queue, Mail: mail.New(mail.Config{Store: s, Logger: logger}), Logger: logger,
		RetryDelays: []time.Duration{10 * time.Millisecond, 20 * time.Millisecond, 30 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	bus.Subscribe(svc.Subscriber())
	if err := jobs.Register(queue.Registry(), &records.EventsWorker{Bus: bus}); err != nil {
		t.Fatal(err)
	}
	if err := workflow.Register(queue.Registry(), svc); err != nil {
		t.Fatal(err)
	}
	if err := queue.Open(ctx); err != nil {
		t.Fatal(err)
	}
	if err := queue.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stop, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = queue.Stop(stop)
	})
	st := newSiteWith(t, s, recs, func(c *web.Config) { c.Workflows = svc })
	return &wfSite{site: st, wf: svc}
}

var versionPathRE = regexp.MustCompile(`^/workflows/([0-9a-f-]+)/versions/([0-9a-f-]+)`)

// createWorkflow creates a workflow through the form and returns its ID
// and its draft's ID.
func (b *browser) createWorkflow(name string) (string, string) {
	b.t.Helper()
	code, _, h := b.settingsPost("/workflows", "/workflows", url.Values{"name": {name}})
	if code != http.StatusSeeOther {
		b.t.Fatalf("POST /workflows = %d; want 303", code)
	}
	code, _, h = b.get(h.Get("Location"))
	if code != http.StatusSeeOther {
		b.t.Fatalf("GET the new workflow = %d; want 303 to its draft", code)
	}
	m := versionPathRE.FindStringSubmatch(h.Get("Location"))
	if m == nil {
		b.t.Fatalf("the new workflow opens %q; want its version", h.Get("Location"))
	}
	return m[1], m[2]
}

// waitRun waits until a run ended and returns it.
func (s *wfSite) waitRun(ws, id string) *workflow.Run {
	s.t.Helper()
	var run *workflow.Run
	poll.Until(s.t, 60*time.Second, func() error {
		var err error
		if run, err = s.wf.Run(context.Background(), ws, id); err != nil {
			return err
		}
		switch run.Status {
		case workflow.RunCompleted, workflow.RunFailed, workflow.RunStopped:
			return nil
		}
		return fmt.Errorf("run is %s", run.Status)
	})
	return run
}

// waitFor waits until ok holds.
func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	poll.Until(t, 60*time.Second, func() error {
		if !ok() {
			return fmt.Errorf("not yet")
		}
		return nil
	})
}
