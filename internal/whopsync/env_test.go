package whopsync_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/audit"
	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/httpserver"
	"github.com/roster-crm/roster/internal/jobs"
	"github.com/roster-crm/roster/internal/poll"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/secret"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/whop"
	"github.com/roster-crm/roster/internal/whop/whopsim"
	"github.com/roster-crm/roster/internal/whopsync"
)

// env is one Roster workspace wired to a simulated Whop company: the real
// store, records service, job queue (working jobs), integration service and
// webhook endpoint, and a simulator on its own HTTP server.
type env struct {
	t       testing.TB
	store   *store.Store
	records *records.Service
	svc     *whopsync.Service
	queue   *jobs.Queue
	sim     *whopsim.Sim
	simURL  string
	roster  *httptest.Server
	ws      string
	admin   *auth.Principal
	company string
	apiKey  string
	secret  string

	sealer        *secret.Sealer
	auth          *auth.Service
	adminEmail    string
	adminPassword string
	clientID      string // the Whop app's OAuth client, registered at the simulator
	clientSecret  string
}

type envOpts struct {
	users, memberships int
	lastPage           string
	legacy             bool
	noQueue            bool // work syncs by calling RunSync directly
	// now is the service's clock (nil: real time).
	now func() time.Time
	// simRateLimit is the simulator's requests per minute per endpoint
	// (0: off); simClock its clock (nil: real time).
	simRateLimit int
	simClock     func() time.Time
	// simWrap, when set, wraps the simulator's handler (faults the
	// simulator itself does not offer).
	simWrap func(http.Handler) http.Handler
	// allowedCIDRs is the webhook allowlist (nil: everyone).
	allowedCIDRs []string
	// syncSlice is how long a sync job's attempt works (0: the default).
	syncSlice time.Duration
	// domainEvents, when set, receives the applied Whop events.
	domainEvents *whopsync.DomainEvents
}

func newEnv(t testing.TB, s *store.Store, o envOpts) *env {
	t.Helper()
	ctx := context.Background()
	if o.users == 0 {
		o.users = 25
	}
	if o.memberships == 0 {
		o.memberships = 30
	}
	e := &env{t: t, store: s, company: "biz_roster_test", apiKey: "whop_sk_test_" + randHex(8), secret: "ws_" + randHex(32),
		adminEmail: "owner@shop.test", adminPassword: "password-1", clientID: "app_roster_test", clientSecret: "apps_" + randHex(16)}
	if o.simRateLimit == 0 {
		o.simRateLimit = -1
	}
	e.sim = whopsim.New(whopsim.Config{Seed: 42, RateLimit: o.simRateLimit, Clock: o.simClock, LastPageStyle: o.lastPage, RetryScale: 0.001,
		APIKeys: []whopsim.APIKey{{Key: e.apiKey, CompanyID: e.company}}})
	e.sim.Generate(whopsim.GenerateParams{CompanyID: e.company, Users: o.users, Products: 2, Memberships: o.memberships})
	var simHandler http.Handler = e.sim.Handler()
	if o.simWrap != nil {
		simHandler = o.simWrap(simHandler)
	}
	simSrv := httptest.NewServer(simHandler)
	t.Cleanup(simSrv.Close)
	e.simURL = simSrv.URL

	if err := jobs.Migrate(ctx, s); err != nil {
		t.Fatal(err)
	}
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	sealer, err := secret.NewSealer(secret.Key{Bytes: key})
	if err != nil {
		t.Fatal(err)
	}
	e.sealer = sealer
	mux := http.NewServeMux()
	e.roster = httptest.NewServer(mux)
	t.Cleanup(e.roster.Close)
	callback := e.roster.URL + "/auth/whop/callback"
	e.sim.AddOAuthClient(whopsim.OAuthClient{ID: e.clientID, Secret: e.clientSecret, RedirectURIs: []string{callback}})
	var queue records.Enqueuer
	if !o.noQueue {
		e.queue = jobs.Prepare(jobs.Config{Store: s, Logger: slog.New(slog.DiscardHandler), FetchPollInterval: 100 * time.Millisecond})
		queue = e.queue
	}
	e.records = records.New(records.Config{Store: s, Jobs: queue})
	e.svc, err = whopsync.New(whopsync.Config{Store: s, Records: e.records, Queue: queue, Sealer: sealer, APIBaseURL: simSrv.URL + "/api/v1",
		OAuthBaseURL: simSrv.URL, RatePerMinute: -1, BaseURL: e.roster.URL,
		ClientID: e.clientID, ClientSecret: e.clientSecret, CallbackURL: callback, AllowedWebhookCIDRs: o.allowedCIDRs, SyncSlice: o.syncSlice,
		BaseBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond, Logger: slog.New(slog.DiscardHandler), Now: o.now, DomainEvents: o.domainEvents})
	if err != nil {
		t.Fatal(err)
	}
	if !o.noQueue {
		if err := jobs.Register(e.queue.Registry(), &records.EventsWorker{Bus: &records.Bus{}}); err != nil {
			t.Fatal(err)
		}
		if err := whopsync.Register(e.queue.Registry(), e.svc, time.Hour); err != nil {
			t.Fatal(err)
		}
		if o.domainEvents != nil {
			if err := whopsync.RegisterDomainEvents(e.queue.Registry(), o.domainEvents); err != nil {
				t.Fatal(err)
			}
		}
		if err := e.queue.Open(ctx); err != nil {
			t.Fatal(err)
		}
		if err := e.queue.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			stop, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = e.queue.Stop(stop)
		})
	}
	// The simulator delivers webhooks over HTTP: the test server hands each
	// to the service as a delivery and answers 200 or the refusal's status
	// (the app's intake, tested in internal/app, does the same).
	mux.Handle("POST /webhooks/whop/{workspaceID}", http.HandlerFunc(e.intake))

	authSvc := auth.New(auth.Config{Store: s})
	e.auth = authSvc
	w, _, err := authSvc.CreateWorkspace(ctx, auth.CreateWorkspaceParams{Name: "Shop", AdminEmail: e.adminEmail, AdminPassword: e.adminPassword})
	if err != nil {
		t.Fatal(err)
	}
	keyID := "key"
	e.ws = w.ID
	e.admin = &auth.Principal{WorkspaceID: w.ID, APIKeyID: &keyID, Role: auth.RoleAdmin, Name: "test"}
	mode := whopsim.WebhookModeV1
	if o.legacy {
		mode = whopsim.WebhookModeLegacy
	}
	e.sim.SetWebhookTargets([]whopsim.WebhookTarget{{URL: e.roster.URL + "/webhooks/whop/" + w.ID, Secret: e.secret, Mode: mode}})
	return e
}

// intake is the test server's webhook endpoint: the request becomes a
// delivery, the service's answer a status.
func (e *env) intake(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err == nil {
		_, err = e.svc.AcceptWebhook(r.Context(), whopsync.WebhookDelivery{WorkspaceID: r.PathValue("workspaceID"), Header: r.Header, Body: body})
	}
	if err != nil {
		resp, _ := httpserver.Classify(err, "")
		http.Error(w, err.Error(), resp.StatusCode)
	}
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// connect connects the workspace with the company API key.
func (e *env) connect() {
	e.t.Helper()
	if _, err := e.svc.ConnectAPIKey(context.Background(), e.admin, whopsync.ConnectAPIKeyParams{APIKey: e.apiKey, CompanyID: e.company, WebhookSecret: e.secret}); err != nil {
		e.t.Fatalf("ConnectAPIKey() = %v", err)
	}
}

// connectAndWait connects the workspace and waits for the sync that
// connecting queues.
func (e *env) connectAndWait() {
	e.t.Helper()
	e.connect()
	if _, err := e.svc.WaitRun(context.Background(), e.ws, e.latestRun().ID); err != nil {
		e.t.Fatal(err)
	}
}

// sync runs a sync to its end and returns the run.
func (e *env) sync() *store.WhopSyncRun {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if e.queue == nil {
		run, err := e.svc.StartRun(ctx, e.ws, whopsync.RunFull)
		if err != nil {
			e.t.Fatal(err)
		}
		if run, err = e.svc.RunSync(ctx, e.ws, run.ID, nil); err != nil {
			e.t.Fatalf("RunSync() = %v", err)
		}
		return run
	}
	run, err := e.svc.TriggerSync(ctx, e.admin, true)
	if err != nil {
		e.t.Fatalf("TriggerSync() = %v", err)
	}
	if run.Status != store.SyncSucceeded {
		e.t.Fatalf("sync run ended %s: %v", run.Status, run.Errors)
	}
	return run
}

// all lists every live record of an object in the workspace.
func (e *env) all(o *crm.Object) []crm.Record {
	e.t.Helper()
	var out []crm.Record
	after := ""
	for {
		page, err := e.records.List(context.Background(), e.ws, crm.NewSchema(o, nil), crm.ListParams{First: crm.MaxPageSize, After: after})
		if err != nil {
			e.t.Fatal(err)
		}
		out = append(out, page.Records...)
		if !page.HasNextPage {
			return out
		}
		after = page.Cursors[len(page.Cursors)-1]
	}
}

// count counts rows of a table for the workspace.
func (e *env) count(table string) int {
	e.t.Helper()
	var n int
	e.scan("SELECT COUNT(*) FROM "+table+" WHERE workspace_id = $1", []any{e.ws}, &n)
	return n
}

// exec runs a statement on the write pool; an error fails the test.
func (e *env) exec(query string, args ...any) {
	e.t.Helper()
	if _, err := e.store.Write.Exec(query, args...); err != nil {
		e.t.Fatalf("%s: %v", query, err)
	}
}

// scan reads one row of a query into dest; any error fails the test.
func (e *env) scan(query string, args []any, dest ...any) {
	e.t.Helper()
	if err := e.store.Read.QueryRow(query, args...).Scan(dest...); err != nil {
		e.t.Fatalf("%s: %v", query, err)
	}
}

// checkTruth compares the CRM with the simulator: one opportunity per
// membership with the simulator's status and the mapped stage, one person per
// Whop user, every payment stored.
func (e *env) checkTruth() {
	e.t.Helper()
	truth := e.sim.Counts()
	opps := e.all(crm.OpportunityObject)
	if len(opps) != truth.Memberships {
		e.t.Errorf("opportunities = %d; want %d memberships", len(opps), truth.Memberships)
	}
	for _, r := range opps {
		o := r.(*crm.Opportunity)
		want, ok := e.sim.MembershipStatus(*o.WhopMembershipID)
		if !ok || o.WhopMembershipStatus != want {
			e.t.Errorf("opportunity %s status = %q; simulator says %q", *o.WhopMembershipID, o.WhopMembershipStatus, want)
		}
		if o.PointOfContactID == nil {
			e.t.Errorf("opportunity %s has no point of contact", *o.WhopMembershipID)
		}
	}
	seen := map[string]bool{}
	for _, r := range e.all(crm.PersonObject) {
		p := r.(*crm.Person)
		if p.WhopUserID == nil {
			continue
		}
		if seen[*p.WhopUserID] {
			e.t.Errorf("two people for Whop user %s", *p.WhopUserID)
		}
		seen[*p.WhopUserID] = true
	}
	if len(seen) < truth.Members {
		e.t.Errorf("people with a Whop user = %d; want at least the %d members", len(seen), truth.Members)
	}
	if n := e.count("whop_payments"); n != truth.Payments {
		e.t.Errorf("payments = %d; want %d", n, truth.Payments)
	}
}

// checkMemberSince compares every person's whopCreatedAt ("member since")
// with the joined_at of the simulator's member, within tolerance (legacy
// webhook bodies carry whole seconds). It asks the simulator's API, so call
// it after counting requests.
func (e *env) checkMemberSince(tolerance time.Duration) {
	e.t.Helper()
	since := e.memberSince()
	checked := 0
	for _, r := range e.all(crm.PersonObject) {
		p := r.(*crm.Person)
		if p.WhopUserID == nil {
			continue
		}
		want, ok := since[*p.WhopUserID]
		if !ok {
			continue
		}
		checked++
		if p.WhopCreatedAt == nil || p.WhopCreatedAt.Sub(want).Abs() > tolerance {
			e.t.Errorf("person of %s: whopCreatedAt (member since) = %v; want the member's %v", *p.WhopUserID, p.WhopCreatedAt, want)
		}
	}
	if checked == 0 {
		e.t.Error("no person matched a member of the simulator: nothing was checked")
	}
}

// memberSince asks the simulator's API when each user became a member of
// the company (the member's joined_at).
func (e *env) memberSince() map[string]time.Time {
	e.t.Helper()
	c := e.whopClient()
	out := map[string]time.Time{}
	err := whop.Walk(context.Background(), "", func(ctx context.Context, after string) (*whop.Page[whop.Member], error) {
		return c.ListMembers(ctx, whop.ListMembersParams{After: after})
	}, func(members []whop.Member, _ string) error {
		for _, m := range members {
			out[m.User.ID] = m.JoinedAt.UTC()
		}
		return nil
	})
	if err != nil {
		e.t.Fatalf("list the simulator's members: %v", err)
	}
	return out
}

// anyMembership returns the Whop ID of one synced membership, an active one
// when there is one.
func (e *env) anyMembership() string {
	e.t.Helper()
	var id string
	e.scan("SELECT whop_id FROM whop_memberships WHERE workspace_id = $1 ORDER BY CASE WHEN status = 'active' THEN 0 ELSE 1 END, whop_id LIMIT 1", []any{e.ws}, &id)
	return id
}

// waitJob waits until the River job of one kind whose args name argID is
// finalized, and reports its state and attempts.
func (e *env) waitJob(kind, argID string, state *string, attempts *int) {
	e.t.Helper()
	poll.Until(e.t, 30*time.Second, func() error {
		e.scan("SELECT state, attempt FROM river_job WHERE kind = $1 AND CAST(args AS TEXT) LIKE $2 ORDER BY id DESC LIMIT 1",
			[]any{kind, "%" + argID + "%"}, state, attempts)
		if *state == "completed" || *state == "cancelled" || *state == "discarded" {
			return nil
		}
		return fmt.Errorf("%s job for %s is %s", kind, argID, *state)
	})
}

// waitInbox waits until every stored webhook has been processed.
func (e *env) waitInbox() {
	e.t.Helper()
	poll.Until(e.t, 30*time.Second, func() error {
		var pending int
		e.scan("SELECT COUNT(*) FROM whop_webhook_inbox WHERE workspace_id = $1 AND status = 'pending'", []any{e.ws}, &pending)
		if pending > 0 {
			return fmt.Errorf("%d webhooks pending", pending)
		}
		return nil
	})
}

var _ = sql.ErrNoRows

// auditLog returns the workspace's newest audit entries whose action
// starts with prefix.
func (e *env) auditLog(prefix string, n int) []*audit.Event {
	e.t.Helper()
	pg, err := audit.New(audit.Config{Store: e.store}).List(context.Background(), e.ws, audit.ListParams{Filter: audit.Filter{Prefix: prefix}, First: n})
	if err != nil {
		e.t.Fatalf("audit log %q: %v", prefix, err)
	}
	return pg.Events
}
