package webhooks_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/audit"
	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/jobs"
	"github.com/roster-crm/roster/internal/mail"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/secret"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/webhooks"
)

// clock is a settable clock for the webhooks service: tests move it across
// DisableAfter without waiting.
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

// harness is one workspace with an admin, the records service, the
// webhooks service and a River queue working both their jobs, on a real
// database.
type harness struct {
	t       testing.TB
	s       *store.Store
	queue   *jobs.Queue
	records *records.Service
	hooks   *webhooks.Service
	mail    *mail.Service
	auth    *auth.Service
	audit   *audit.Service
	clock   *clock
	logs    *syncBuffer
	admin   *auth.Principal
	ws      string
}

type harnessOptions struct {
	// Guarded delivers through the SSRF guard with private networks
	// refused; otherwise loopback receivers are allowed.
	Guarded bool
	// Quiet discards the logs (the benchmark: 10,000 deliveries log a lot).
	Quiet bool
}

// syncBuffer collects log output from many goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func testSealer(t testing.TB) *secret.Sealer {
	t.Helper()
	sealer, err := secret.NewSealer(secret.Key{Bytes: bytes.Repeat([]byte{7}, secret.KeySize)})
	if err != nil {
		t.Fatal(err)
	}
	return sealer
}

func newHarness(t testing.TB, s *store.Store, o harnessOptions) *harness {
	t.Helper()
	ctx := context.Background()
	if err := jobs.Migrate(ctx, s); err != nil {
		t.Fatalf("jobs.Migrate() = %v", err)
	}
	logs := &syncBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if o.Quiet {
		logger = slog.New(slog.DiscardHandler)
	}
	h := &harness{t: t, s: s, clock: &clock{t: time.Now().UTC().Truncate(time.Second)}, logs: logs}
	h.queue = jobs.Prepare(jobs.Config{Store: s, Logger: logger, FetchPollInterval: 100 * time.Millisecond})
	bus := &records.Bus{}
	h.records = records.New(records.Config{Store: s, Jobs: h.queue})
	h.mail = mail.New(mail.Config{Store: s, Logger: logger})
	h.auth = auth.New(auth.Config{Store: s, Mail: h.mail})
	h.audit = audit.New(audit.Config{Store: s, Now: h.clock.Now})
	h.hooks = webhooks.New(webhooks.Config{
		Store: s, Records: h.records, Queue: h.queue, Sealer: testSealer(t), Mail: h.mail, Audit: h.audit, AllowPrivate: !o.Guarded,
		BaseURL: "http://roster.test", Now: h.clock.Now, Logger: logger,
	})
	bus.Subscribe(h.hooks.Dispatch)
	reg := h.queue.Registry()
	if err := jobs.Register(reg, &records.EventsWorker{Bus: bus}); err != nil {
		t.Fatal(err)
	}
	if err := webhooks.Register(reg, h.hooks); err != nil {
		t.Fatal(err)
	}
	if err := h.queue.Open(ctx); err != nil {
		t.Fatalf("queue Open() = %v", err)
	}
	if err := h.queue.Start(ctx); err != nil {
		t.Fatalf("queue Start() = %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		if err := h.queue.Stop(ctx); err != nil {
			t.Errorf("queue Stop() = %v", err)
		}
	})
	h.ws, h.admin = h.newWorkspace("Acme", "admin@acme.test")
	return h
}

// newWorkspace creates a workspace with an admin and returns the admin as
// an API caller.
func (h *harness) newWorkspace(name, email string) (string, *auth.Principal) {
	h.t.Helper()
	ws, _, err := h.auth.CreateWorkspace(context.Background(), auth.CreateWorkspaceParams{Name: name, AdminEmail: email, AdminPassword: "correct horse battery", AdminName: "Admin"})
	if err != nil {
		h.t.Fatalf("CreateWorkspace(%s) = %v", name, err)
	}
	key := "test-key"
	return ws.ID, &auth.Principal{WorkspaceID: ws.ID, APIKeyID: &key, Role: auth.RoleAdmin, Name: "test"}
}

// createPeople writes people through the records service, as every front
// door does, so their events reach the webhooks.
func (h *harness) createPeople(ws string, names ...string) []crm.Record {
	h.t.Helper()
	var in []crm.Input
	for _, n := range names {
		in = append(in, crm.Input{"name": map[string]any{"firstName": n, "lastName": "Test"}, "city": "Lisbon"})
	}
	recs, err := h.records.Create(context.Background(), records.CreateParams{WorkspaceID: ws, Object: crm.PersonObject, Actor: crm.Actor{Source: crm.SourceAPI, Name: "test"}, Inputs: in})
	if err != nil {
		h.t.Fatalf("create people: %v", err)
	}
	return recs
}

func (h *harness) createHook(p *auth.Principal, url string, ops ...string) *webhooks.Webhook {
	h.t.Helper()
	w, err := h.hooks.Create(context.Background(), p, webhooks.CreateParams{TargetURL: url, Operations: ops, Description: "test"})
	if err != nil {
		h.t.Fatalf("Create(%s, %v) = %v", url, ops, err)
	}
	return w
}

// received is one request a receiver got.
type received struct {
	Header http.Header
	Body   []byte
}

// receiver is a webhook target on loopback that answers with the next
// status of its script (the last one repeats) and records every request.
type receiver struct {
	*httptest.Server
	mu       sync.Mutex
	got      []received
	statuses []int
	calls    atomic.Int64
}

func newReceiver(t testing.TB, statuses ...int) *receiver {
	t.Helper()
	if len(statuses) == 0 {
		statuses = []int{http.StatusOK}
	}
	r := &receiver{statuses: statuses}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		n := int(r.calls.Add(1))
		r.mu.Lock()
		r.got = append(r.got, received{Header: req.Header.Clone(), Body: body})
		status := r.statuses[min(n, len(r.statuses))-1]
		r.mu.Unlock()
		w.WriteHeader(status)
		io.WriteString(w, http.StatusText(status))
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) requests() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.got...)
}
