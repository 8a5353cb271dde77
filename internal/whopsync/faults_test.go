package whopsync_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
	"github.com/roster-crm/roster/internal/whop"
	"github.com/roster-crm/roster/internal/whop/whopsim"
)

// stepClock is a simulator clock that moves a fixed step on every reading.
// With an API key the simulator reads its clock once per API request (in
// the rate limiter), so simulated minutes pass in a few requests and a 429's
// "Try again in N seconds" is as short as the limiter allows, 1 s, while
// the client still has to sit it out in real time.
type stepClock struct {
	mu   sync.Mutex
	t    time.Time
	step time.Duration
}

func (c *stepClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.t
	c.t = c.t.Add(c.step)
	return t
}

// allEndpoints are the list endpoints a full sync pages through.
var allEndpoints = []string{whopsim.EndpointProducts, whopsim.EndpointPlans, whopsim.EndpointMembers, whopsim.EndpointMemberships, whopsim.EndpointPayments}

// minPages is the number of page requests a full sync needs per endpoint,
// plus the products request that checks the key on connect.
func (e *env) minPages() map[string]int {
	c := e.sim.Counts()
	return map[string]int{whopsim.EndpointProducts: pagesFor(c.Products) + 1, whopsim.EndpointPlans: pagesFor(c.Plans),
		whopsim.EndpointMembers: pagesFor(c.Members), whopsim.EndpointMemberships: pagesFor(c.Memberships), whopsim.EndpointPayments: pagesFor(c.Payments)}
}

// extraRequests is how many requests beyond the minimum reached each
// endpoint: the retries.
func (e *env) extraRequests() (map[string]int, int) {
	out, total := map[string]int{}, 0
	for ep, min := range e.minPages() {
		out[ep] = e.sim.Requests(ep) - min
		total += out[ep]
	}
	return out, total
}

// checkCounts compares a run's counters with the simulator: a page written
// twice would count its records twice.
func (e *env) checkCounts(run *store.WhopSyncRun) {
	e.t.Helper()
	c := e.sim.Counts()
	if run.ProductsCount != c.Products || run.UsersCount != c.Members || run.MembershipsCount != c.Memberships || run.PaymentsCount != c.Payments {
		e.t.Errorf("run counted products %d users %d memberships %d payments %d; want %d %d %d %d (each page once)",
			run.ProductsCount, run.UsersCount, run.MembershipsCount, run.PaymentsCount, c.Products, c.Members, c.Memberships, c.Payments)
	}
	pages := 0
	for ep, n := range e.minPages() {
		pages += n
		if ep == whopsim.EndpointProducts {
			pages-- // the connect check is not part of the run
		}
	}
	if run.RequestsCount != pages {
		e.t.Errorf("run made %d page fetches; want %d", run.RequestsCount, pages)
	}
}

// TestSyncUnderRateLimit runs a full sync against a simulator limiting each
// endpoint to 3 requests a minute: the client must wait out every 429 as
// Whop's message says and the sync still ends equal to the simulator.
func TestSyncUnderRateLimit(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		// 3 requests per window; 19.8 simulated seconds per request: the 4th
		// consecutive request to an endpoint lands 0.6 s before its window
		// ends and is told "Try again in 1 seconds".
		clock := &stepClock{t: time.Now().Add(-time.Hour), step: 19800 * time.Millisecond}
		e := newEnv(t, s, envOpts{users: 60, memberships: 160, noQueue: true, simRateLimit: 3, simClock: clock.now})
		e.connect()
		start := time.Now()
		run := e.sync()
		elapsed := time.Since(start)
		e.checkTruth()
		e.checkCounts(run)
		extra, limited := e.extraRequests()
		t.Logf("rate-limited requests %v in %v", extra, elapsed)
		if limited == 0 {
			t.Fatalf("no request was rate limited (extra requests %v): the test proves nothing", extra)
		}
		if limited > 3 {
			t.Errorf("%d requests were rate limited (%v); want at most 3 (one per exhausted window)", limited, extra)
		}
		if elapsed < time.Duration(limited)*time.Second {
			t.Errorf("sync took %v through %d 429s asking for 1 s each; the client did not wait", elapsed, limited)
		}
		if again := e.sync(); again.WritesCount != 0 {
			t.Errorf("re-sync after a rate-limited sync wrote %d rows; want 0", again.WritesCount)
		}
	})
}

// TestSyncRecoversFromFaults injects server failures a client must ride out
// within its retries: the sync ends equal to the simulator, each retried
// page written once.
func TestSyncRecoversFromFaults(t *testing.T) {
	for _, tc := range []struct {
		name   string
		faults whopsim.Faults
		// extra requests expected per endpoint
		extra map[string]int
	}{
		{"5xx burst on memberships", whopsim.Faults{ServerErrors: 4, ServerErrorEndpoint: whopsim.EndpointMemberships}, map[string]int{whopsim.EndpointMemberships: 4}},
		{"5xx burst anywhere", whopsim.Faults{ServerErrors: 3}, map[string]int{whopsim.EndpointProducts: 3}},
		{"truncated body", whopsim.Faults{TruncateBodies: 1}, map[string]int{whopsim.EndpointProducts: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			storetest.Dialects(t, func(t *testing.T, s *store.Store) {
				e := newEnv(t, s, envOpts{noQueue: true})
				e.connect()
				e.sim.ResetRequests()
				e.sim.SetFaults(tc.faults)
				run := e.sync()
				e.checkTruth()
				e.checkCounts(run)
				want := e.minPages()
				want[whopsim.EndpointProducts]-- // counters were reset after the connect check
				for _, ep := range allEndpoints {
					if got := e.sim.Requests(ep); got != want[ep]+tc.extra[ep] {
						t.Errorf("%s requests = %d; want %d pages + %d retries", ep, got, want[ep], tc.extra[ep])
					}
				}
			})
		})
	}
}

func (e *env) latestRun() *store.WhopSyncRun {
	e.t.Helper()
	run, err := e.store.WhopSyncRunLatest(context.Background(), e.ws)
	if err != nil || run == nil {
		e.t.Fatalf("latest run = %v, %v", run, err)
	}
	return run
}

// TestSyncTruncatedBeyondRetry truncates two answers in a row, more than the
// client's one retry of a malformed body: the run stops where it was and a
// resumed run finishes it, writing no page twice.
func TestSyncTruncatedBeyondRetry(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		e := newEnv(t, s, envOpts{noQueue: true})
		e.connect()
		run, err := e.svc.StartRun(ctx, e.ws, "full")
		if err != nil {
			t.Fatal(err)
		}
		armed := false
		_, err = e.svc.RunSync(ctx, e.ws, run.ID, func(r *store.WhopSyncRun) {
			if r.Phase == "memberships" && !armed {
				armed = true
				e.sim.SetFaults(whopsim.Faults{TruncateBodies: 2})
			}
		})
		if !errors.Is(err, whop.ErrBadResponse) {
			t.Fatalf("RunSync() through two truncated bodies = %v; want ErrBadResponse", err)
		}
		mid, _ := e.svc.SyncRun(ctx, e.ws, run.ID)
		if mid.Status != store.SyncRunning || mid.Phase != "memberships" {
			t.Fatalf("interrupted run = %s in %s; want running in memberships", mid.Status, mid.Phase)
		}
		done, err := e.svc.RunSync(ctx, e.ws, run.ID, nil)
		if err != nil || done.Status != store.SyncSucceeded {
			t.Fatalf("resumed RunSync() = %v, %v", done.Status, err)
		}
		e.checkTruth()
		e.checkCounts(done)
	})
}

// TestSyncExpiredAPIKey: Whop answers 401 to the company API key. A key
// cannot be refreshed, so the run fails with a clear error, the connection
// asks for a reconnect, and further triggers are refused until it happens.
func TestSyncExpiredAPIKey(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		e := newEnv(t, s, envOpts{})
		e.connectAndWait()
		e.sim.SetFaults(whopsim.Faults{ExpireTokens: true})
		run, err := e.svc.TriggerSync(ctx, e.admin, true)
		if err != nil {
			t.Fatalf("TriggerSync() = %v", err)
		}
		if run.Status != store.SyncFailed || !containsAny(run.Errors, "re-authorisation required") {
			t.Fatalf("run = %s %v; want failed asking for re-authorisation", run.Status, run.Errors)
		}
		if containsAny(run.Errors, e.apiKey) {
			t.Fatal("the run's errors echo the API key")
		}
		st, err := e.svc.Status(ctx, e.ws)
		if err != nil {
			t.Fatal(err)
		}
		if !st.Connected || !st.NeedsReauth || st.LastSyncStatus != store.SyncFailed || !containsAny(st.Errors, "reconnect") {
			t.Fatalf("Status() = %+v; want needsReauth with an error asking to reconnect", st)
		}
		_, err = e.svc.TriggerSync(ctx, e.admin, true)
		if ce, ok := crm.AsError(err); !ok || !strings.Contains(ce.Message, "reconnect") {
			t.Fatalf("TriggerSync() while needing re-authorisation = %v; want an error asking to reconnect", err)
		}
		// Whop takes the key again; reconnecting clears the flag and syncs.
		e.sim.SetFaults(whopsim.Faults{})
		e.connect()
		if st, _ := e.svc.Status(ctx, e.ws); st.NeedsReauth {
			t.Fatal("needsReauth still set after reconnecting")
		}
		if _, err := e.svc.WaitRun(ctx, e.ws, e.latestRun().ID); err != nil {
			t.Fatal(err)
		}
		e.checkTruth()
	})
}

// TestDisconnectStopsRunningSync disconnects while a sync is between pages:
// the run must end failed and stay so, write nothing more, and a reconnect
// must start a fresh run rather than join the stopped one.
func TestDisconnectStopsRunningSync(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		e := newEnv(t, s, envOpts{users: 150, memberships: 160, noQueue: true})
		e.connect()
		run, err := e.svc.StartRun(ctx, e.ws, "full")
		if err != nil {
			t.Fatal(err)
		}
		var opps int
		disconnected := false
		_, err = e.svc.RunSync(ctx, e.ws, run.ID, func(r *store.WhopSyncRun) {
			if r.Phase == "memberships" && r.Cursor != "" && !disconnected {
				disconnected = true
				if ok, err := e.svc.Disconnect(ctx, e.admin); !ok || err != nil {
					t.Errorf("Disconnect() = %v, %v", ok, err)
				}
				opps = e.count("opportunities")
			}
		})
		if !disconnected {
			t.Fatal("the sync never reached a second memberships page")
		}
		if err == nil {
			t.Error("RunSync() went on to succeed after the workspace was disconnected")
		}
		got, _ := e.svc.SyncRun(ctx, e.ws, run.ID)
		if got.Status != store.SyncFailed {
			t.Errorf("run after disconnect = %s; want failed", got.Status)
		}
		if n := e.count("opportunities"); n != opps {
			t.Errorf("opportunities written after disconnect: %d -> %d", opps, n)
		}
		if active, _ := s.WhopSyncRunActive(ctx, nil, e.ws); active != nil {
			t.Errorf("run %s still active after disconnect", active.ID)
		}
		e.connect()
		next := e.sync()
		if next.ID == run.ID {
			t.Error("reconnecting joined the stopped run")
		}
		e.checkTruth()
	})
}
