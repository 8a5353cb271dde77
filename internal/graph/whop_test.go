package graph_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/audit"
	"github.com/roster-crm/roster/internal/graph"
	"github.com/roster-crm/roster/internal/jobs"
	"github.com/roster-crm/roster/internal/poll"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/secret"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
	"github.com/roster-crm/roster/internal/whop/whopsim"
	"github.com/roster-crm/roster/internal/whopsync"
)

// whopEnv is the GraphQL endpoint with the Whop integration working jobs
// on a real queue against a simulated Whop company. Workspace A gets
// connected; B never is.
type whopEnv struct {
	*env
	sim     *whopsim.Sim
	company string
	apiKey  string
	gate    *gate
}

// gate holds the simulator's answers on one path while closed, so a test
// can look at a sync that is still running.
type gate struct {
	mu   sync.Mutex
	ch   chan struct{}
	path string
}

func (g *gate) close(path string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.ch == nil {
		g.ch, g.path = make(chan struct{}), path
	}
}

func (g *gate) open() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.ch != nil {
		close(g.ch)
		g.ch = nil
	}
}

func (g *gate) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g.mu.Lock()
		ch := g.ch
		held := r.URL.Path == g.path
		g.mu.Unlock()
		if ch != nil && held {
			select {
			case <-ch:
			case <-r.Context().Done():
				return
			}
		}
		h.ServeHTTP(w, r)
	})
}

func newWhopEnv(t *testing.T, s *store.Store) *whopEnv {
	t.Helper()
	ctx := context.Background()
	e := &whopEnv{company: "biz_graph_test", apiKey: "whop_sk_graph_" + rand.Text(), gate: &gate{}}
	e.sim = whopsim.New(whopsim.Config{Seed: 7, RateLimit: -1, APIKeys: []whopsim.APIKey{{Key: e.apiKey, CompanyID: e.company}}})
	e.sim.Generate(whopsim.GenerateParams{CompanyID: e.company, Users: 20, Products: 2, Memberships: 25})
	simSrv := httptest.NewServer(e.gate.wrap(e.sim.Handler()))
	t.Cleanup(simSrv.Close)

	if err := jobs.Migrate(ctx, s); err != nil {
		t.Fatal(err)
	}
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	sealer, err := secret.NewSealer(secret.Key{Bytes: key})
	if err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.DiscardHandler)
	q := jobs.Prepare(jobs.Config{Store: s, Logger: quiet, FetchPollInterval: 100 * time.Millisecond})
	recs := records.New(records.Config{Store: s, Jobs: q})
	svc, err := whopsync.New(whopsync.Config{Store: s, Records: recs, Queue: q, Sealer: sealer,
		APIBaseURL: simSrv.URL + "/api/v1", OAuthBaseURL: simSrv.URL, RatePerMinute: -1, BaseURL: "https://roster.test",
		BaseBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	if err := jobs.Register(q.Registry(), &records.EventsWorker{Bus: &records.Bus{}}); err != nil {
		t.Fatal(err)
	}
	if err := whopsync.Register(q.Registry(), svc, time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := q.Open(ctx); err != nil {
		t.Fatal(err)
	}
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stop, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = q.Stop(stop)
	})
	t.Cleanup(e.gate.open) // runs first: no job may stay blocked on the simulator
	e.env = &env{h: graph.NewHandler(graph.Config{Records: recs, Whop: svc, Audit: audit.New(audit.Config{Store: s}), Logger: quiet}), s: s,
		wsA: newWorkspace(t, s, "A"), wsB: newWorkspace(t, s, "B")}
	return e
}

const whopStatusQuery = `{ whopConnectionStatus { connected method companyId handle lastSyncStatus syncInProgress needsReauth webhookUrl errors stageMapping } }`

const triggerQuery = `mutation($wait: Boolean) { triggerWhopSync(wait: $wait) { success syncRunId status productsSync usersSync membershipsSync paymentsSync errors } }`

// errorIs checks a response failed with one error of the code (and field,
// when given).
func errorIs(t *testing.T, name string, r *response, code, field string) {
	t.Helper()
	if r.code() != code {
		t.Errorf("%s: errors = %+v; want %s", name, r.Errors, code)
		return
	}
	if f, _ := r.Errors[0].Extensions["field"].(string); field != "" && f != field {
		t.Errorf("%s: error field = %q; want %q", name, f, field)
	}
}

// TestWhopGraphQL drives the integration only through GraphQL: status,
// connect, sync (joined, waited for), runs, permissions, rate limits,
// stage mapping, audit and disconnect.
func TestWhopGraphQL(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newWhopEnv(t, s)
		admin, mia := apiKey(e.wsA), member(e.wsA)
		truth := e.sim.Counts()

		// Before connecting: a webhook URL to paste, no errors.
		checkPaths(t, e.ok(t, whopStatusQuery, nil), map[string]any{
			"whopConnectionStatus.connected": false, "whopConnectionStatus.syncInProgress": false,
			"whopConnectionStatus.needsReauth": false, "whopConnectionStatus.errors": []any{},
			"whopConnectionStatus.webhookUrl": "https://roster.test/webhooks/whop/" + e.wsA,
		})

		// Connecting: a bad key names the field; a member may not.
		const connect = `mutation($in: ConnectWhopInput!) { connectWhop(input: $in) { connected method companyId needsReauth } }`
		bad := e.do(t, admin, connect, map[string]any{"in": map[string]any{"apiKey": "whop_sk_wrong", "companyId": e.company}})
		errorIs(t, "connect with a bad key", bad, "INVALID_VALUE", "apiKey")
		good := map[string]any{"in": map[string]any{"apiKey": e.apiKey, "companyId": e.company, "webhookSecret": "ws_" + rand.Text()}}
		errorIs(t, "member connects", e.do(t, mia, connect, good), "FORBIDDEN", "")
		errorIs(t, "unauthenticated connect", e.do(t, nil, connect, good), "UNAUTHENTICATED", "")
		checkPaths(t, e.ok(t, whopStatusQuery, nil), map[string]any{"whopConnectionStatus.connected": false})

		// Hold Whop's plans so the first sync stays in flight (the key check
		// on connect reads products).
		e.gate.close("/api/v1/plans")
		checkPaths(t, e.ok(t, connect, good), map[string]any{
			"connectWhop.connected": true, "connectWhop.method": "api_key", "connectWhop.companyId": e.company, "connectWhop.needsReauth": false,
		})
		// Connecting queued the first sync: triggers join it.
		first := e.ok(t, triggerQuery, map[string]any{"wait": false})
		runID := str(first, "triggerWhopSync.syncRunId")
		if runID == "" || at(first, "triggerWhopSync.success") != true {
			t.Fatalf("trigger = %v; want a run", first)
		}
		if st := str(first, "triggerWhopSync.status"); st != store.SyncQueued && st != store.SyncRunning {
			t.Errorf("joined run status = %s; want queued or running", st)
		}
		again := e.ok(t, triggerQuery, map[string]any{"wait": false})
		if id := str(again, "triggerWhopSync.syncRunId"); id != runID {
			t.Errorf("second trigger while the first runs = run %s; want to join %s", id, runID)
		}
		checkPaths(t, e.ok(t, whopStatusQuery, nil), map[string]any{"whopConnectionStatus.syncInProgress": true})
		e.gate.open()

		// whopSyncRun follows the run to its end; its counts are Whop's.
		const runQuery = `query($id: ID!) { whopSyncRun(id: $id) { id kind status phase productsSync usersSync membershipsSync paymentsSync writes requests errors startedAt finishedAt } }`
		var run map[string]any
		poll.Until(t, 30*time.Second, func() error {
			run = e.ok(t, runQuery, map[string]any{"id": runID})
			if st := str(run, "whopSyncRun.status"); st != store.SyncSucceeded && st != store.SyncFailed {
				return fmt.Errorf("sync run %s is %s; want it finished", runID, st)
			}
			return nil
		})
		checkPaths(t, run, map[string]any{
			"whopSyncRun.id": runID, "whopSyncRun.kind": "full", "whopSyncRun.status": store.SyncSucceeded, "whopSyncRun.phase": "done",
			"whopSyncRun.productsSync": truth.Products, "whopSyncRun.usersSync": truth.Members,
			"whopSyncRun.membershipsSync": truth.Memberships, "whopSyncRun.paymentsSync": truth.Payments, "whopSyncRun.errors": []any{},
		})
		if str(run, "whopSyncRun.finishedAt") == "" || at(run, "whopSyncRun.writes").(int64) == 0 {
			t.Errorf("finished run = %v; want finishedAt and writes", run)
		}
		if r := e.do(t, apiKey(e.wsB), runQuery, map[string]any{"id": runID}); at(r.Data, "whopSyncRun") != nil && r.code() != "NOT_FOUND" {
			t.Errorf("workspace B reads A's run: %+v", r)
		}

		// A trigger after it finished starts a new run and, with wait, returns
		// it finished: everything swept again, payments read incrementally.
		waited := e.ok(t, triggerQuery, map[string]any{"wait": true})
		checkPaths(t, waited, map[string]any{
			"triggerWhopSync.success": true, "triggerWhopSync.status": store.SyncSucceeded, "triggerWhopSync.errors": []any{},
			"triggerWhopSync.productsSync": truth.Products, "triggerWhopSync.usersSync": truth.Members, "triggerWhopSync.membershipsSync": truth.Memberships,
		})
		if id := str(waited, "triggerWhopSync.syncRunId"); id == runID || id == "" {
			t.Errorf("trigger after the run finished = run %q; want a new run", id)
		}
		if n := at(waited, "triggerWhopSync.paymentsSync").(int64); n < 1 || n >= int64(truth.Payments) {
			t.Errorf("incremental payments = %d; want a few (the overlap window), fewer than all %d", n, truth.Payments)
		}
		checkPaths(t, e.ok(t, whopStatusQuery, nil), map[string]any{
			"whopConnectionStatus.connected": true, "whopConnectionStatus.lastSyncStatus": store.SyncSucceeded,
			"whopConnectionStatus.syncInProgress": false, "whopConnectionStatus.errors": []any{},
		})

		// Stage mapping: known statuses to known stages only; admins only.
		const mapping = `mutation($m: JSON!) { setWhopStageMapping(mapping: $m) { stageMapping } }`
		for _, tc := range []struct {
			name  string
			m     any
			field string
		}{
			{"unknown status", map[string]any{"frozen": "CHURNED"}, "stageMapping.frozen"},
			{"unknown stage", map[string]any{"past_due": "LIMBO"}, "stageMapping.past_due"},
			{"not a string", map[string]any{"past_due": 3}, "mapping.past_due"},
			{"not an object", []any{"past_due"}, "mapping"},
		} {
			r := e.do(t, admin, mapping, map[string]any{"m": tc.m})
			if len(r.Errors) == 0 {
				t.Errorf("mapping %s accepted", tc.name)
				continue
			}
			if f, _ := r.Errors[0].Extensions["field"].(string); f != tc.field {
				t.Errorf("mapping %s: field %q (%+v); want %q", tc.name, f, r.Errors, tc.field)
			}
		}
		errorIs(t, "member maps stages", e.do(t, mia, mapping, map[string]any{"m": map[string]any{"past_due": "CHURNED"}}), "FORBIDDEN", "")
		checkPaths(t, e.ok(t, mapping, map[string]any{"m": map[string]any{"past_due": "CHURNED"}}), map[string]any{
			"setWhopStageMapping.stageMapping.past_due": "CHURNED", "setWhopStageMapping.stageMapping.active": "CUSTOMER",
		})

		// Disconnecting: members may not; admins may, and records stay.
		const disconnect = `mutation { disconnectWhopAccount }`
		errorIs(t, "member disconnects", e.do(t, mia, disconnect, nil), "FORBIDDEN", "")
		opps := e.count(t, "opportunities", e.wsA)
		if opps != truth.Memberships {
			t.Fatalf("opportunities = %d; want %d", opps, truth.Memberships)
		}
		checkPaths(t, e.ok(t, disconnect, nil), map[string]any{"disconnectWhopAccount": true})
		checkPaths(t, e.ok(t, disconnect, nil), map[string]any{"disconnectWhopAccount": false})
		checkPaths(t, e.ok(t, whopStatusQuery, nil), map[string]any{"whopConnectionStatus.connected": false})
		if n := e.count(t, "opportunities", e.wsA); n != opps {
			t.Errorf("opportunities after disconnect = %d; want %d kept", n, opps)
		}
		errorIs(t, "trigger after disconnect", e.do(t, admin, triggerQuery, nil), "NOT_FOUND", "")

		// The audit log tells the story, newest first.
		audit := e.ok(t, `{ auditLog(action: "whop.") { action actor { source } details } }`, nil)
		var actions []string
		for _, a := range at(audit, "auditLog").([]any) {
			actions = append(actions, str(a, "action"))
		}
		want := []string{"whop.disconnected", "whop.sync.finished", "whop.sync.finished", "whop.connected"}
		if !jsonEqual(actions, want) {
			t.Errorf("audit actions = %v; want %v", actions, want)
		}
		if str(audit, "auditLog.0.actor.source") != "API" {
			t.Errorf("disconnect actor = %v; want the API key", at(audit, "auditLog.0.actor"))
		}
		if other := e.ok(t, `{ auditLog(action: "whop.") { action } }`, nil); len(at(other, "auditLog").([]any)) == 0 {
			t.Error("audit log empty on second read")
		}
		if r := e.do(t, apiKey(e.wsB), `{ auditLog(action: "whop.") { action } }`, nil); len(at(r.Data, "auditLog").([]any)) != 0 {
			t.Errorf("workspace B sees A's audit log: %v", r.Data)
		}
	})
}

// TestWhopGraphQLTriggerRateLimit: six sync triggers a minute per
// workspace, the seventh is refused with RATE_LIMITED.
func TestWhopGraphQLTriggerRateLimit(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newWhopEnv(t, s)
		b := apiKey(e.wsB) // never connected: each trigger is counted, then refused
		for i := 1; i <= 6; i++ {
			errorIs(t, "trigger", e.do(t, b, triggerQuery, nil), "NOT_FOUND", "")
		}
		errorIs(t, "7th trigger", e.do(t, b, triggerQuery, nil), "RATE_LIMITED", "")
		// Another workspace has its own allowance.
		errorIs(t, "other workspace", e.do(t, apiKey(e.wsA), triggerQuery, nil), "NOT_FOUND", "")
	})
}

// count counts a table's rows in a workspace.
func (e *env) count(t *testing.T, table, ws string) int {
	t.Helper()
	var n int
	if err := e.s.Read.QueryRow("SELECT COUNT(*) FROM "+table+" WHERE workspace_id = $1", ws).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
