package whopsync_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
	"github.com/roster-crm/roster/internal/whop"
	"github.com/roster-crm/roster/internal/whop/whopsim"
	"github.com/roster-crm/roster/internal/whopsync"
)

func pagesFor(n int) int { return max(1, (n+99)/100) }

// TestFullSyncMatchesSimulator syncs a generated company through the job
// queue under both last-page conventions and compares every record with the
// simulator; a second sync with nothing changed must write nothing.
func TestFullSyncMatchesSimulator(t *testing.T) {
	for _, style := range []string{"null_cursor", "has_next_false"} {
		t.Run(style, func(t *testing.T) {
			storetest.Dialects(t, func(t *testing.T, s *store.Store) {
				e := newEnv(t, s, envOpts{users: 120, memberships: 150, lastPage: style})
				e.connect()
				run := e.sync()
				e.checkTruth()
				truth := e.sim.Counts()
				if run.MembershipsCount != truth.Memberships || run.PaymentsCount != truth.Payments || run.ProductsCount != truth.Products {
					t.Errorf("run counts = %+v; want the simulator's %+v", run, truth)
				}
				// The minimum number of page requests: one per page of each list.
				// (Connecting checks the key with one extra products request.)
				for ep, want := range map[string]int{whopsim.EndpointMemberships: pagesFor(truth.Memberships), whopsim.EndpointPayments: pagesFor(truth.Payments),
					whopsim.EndpointMembers: pagesFor(truth.Members), whopsim.EndpointProducts: pagesFor(truth.Products) + 1, whopsim.EndpointPlans: pagesFor(truth.Plans)} {
					if got := e.sim.Requests(ep); got != want {
						t.Errorf("%s requests = %d; want %d", ep, got, want)
					}
				}
				stages := map[string]string{}
				for _, r := range e.all(crm.OpportunityObject) {
					o := r.(*crm.Opportunity)
					stages[o.WhopMembershipStatus] = o.Stage
					if o.Amount.AmountMicros == nil || o.Amount.CurrencyCode == "" || o.Name == "" {
						t.Errorf("opportunity %s lacks amount or name: %+v", *o.WhopMembershipID, o)
					}
				}
				for status, stage := range stages {
					if want := whopsync.DefaultStageMapping[status]; stage != want {
						t.Errorf("status %s -> stage %s; want %s", status, stage, want)
					}
				}
				acts := 0
				e.scan("SELECT COUNT(*) FROM timeline_activities WHERE workspace_id = $1 AND name LIKE 'payment.%'", []any{e.ws}, &acts)
				if acts == 0 {
					t.Error("no payment activities on the timeline")
				}
				again := e.sync()
				if again.WritesCount != 0 {
					t.Errorf("unchanged re-sync wrote %d rows; want 0", again.WritesCount)
				}
				e.checkTruth()
				e.checkMemberSince(0)
			})
		})
	}
}

// TestSyncFollowsChangesAndKeepsManualStage changes things at Whop and in
// Roster between syncs.
func TestSyncFollowsChangesAndKeepsManualStage(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		e := newEnv(t, s, envOpts{noQueue: true})
		e.connect()
		e.sync()
		var active *crm.Opportunity
		for _, r := range e.all(crm.OpportunityObject) {
			if o := r.(*crm.Opportunity); o.WhopMembershipStatus == "active" {
				active = o
				break
			}
		}
		if active == nil {
			t.Fatal("no active membership generated")
		}
		// Someone moves the deal by hand: a sync with no status change keeps it.
		if _, err := e.records.Update(ctx, records.UpdateParams{WorkspaceID: e.ws, Object: crm.OpportunityObject, Actor: crm.Actor{Source: "MANUAL"}, ID: active.ID, Input: crm.Input{"stage": "MEETING"}}); err != nil {
			t.Fatal(err)
		}
		if run := e.sync(); run.WritesCount != 0 {
			t.Errorf("sync after a manual stage move wrote %d rows; want 0", run.WritesCount)
		}
		got, _ := e.records.Get(ctx, e.ws, crm.OpportunityObject, active.ID)
		if st := got.(*crm.Opportunity).Stage; st != "MEETING" {
			t.Fatalf("stage after sync = %s; want the manual MEETING", st)
		}
		// The membership is cancelled at Whop: now the stage follows.
		if err := e.sim.CancelMembership(*active.WhopMembershipID, false); err != nil {
			t.Fatal(err)
		}
		e.sync()
		got, _ = e.records.Get(ctx, e.ws, crm.OpportunityObject, active.ID)
		if o := got.(*crm.Opportunity); o.Stage != "CHURNED" || o.WhopMembershipStatus != "canceled" {
			t.Fatalf("after cancel: stage %s status %s; want CHURNED, canceled", o.Stage, o.WhopMembershipStatus)
		}
		e.checkTruth()
	})
}

// TestSyncResumesAfterInterruption stops a sync part-way (a server failure
// outlasting the client's retries) and resumes it: the result equals the
// simulator's truth and no page is written twice.
func TestSyncResumesAfterInterruption(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		e := newEnv(t, s, envOpts{users: 150, memberships: 260, noQueue: true})
		e.connect()
		run, err := e.svc.StartRun(ctx, e.ws, whopsync.RunFull)
		if err != nil {
			t.Fatal(err)
		}
		// Break the memberships list after its first page.
		pagesSeen := 0
		e.sim.SetFaults(whopsim.Faults{})
		progress := func(r *store.WhopSyncRun) {
			if r.Phase == "memberships" && r.Cursor != "" {
				pagesSeen++
				if pagesSeen == 1 {
					e.sim.SetFaults(whopsim.Faults{ServerErrors: 1000, ServerErrorEndpoint: whopsim.EndpointMemberships})
				}
			}
		}
		stopCtx, cancel := context.WithCancel(ctx)
		go func() {
			<-stopCtx.Done()
		}()
		_, err = e.svc.RunSync(stopCtx, e.ws, run.ID, progress)
		cancel()
		if err == nil {
			t.Fatal("RunSync() succeeded through a server outage")
		}
		mid, _ := e.svc.SyncRun(ctx, e.ws, run.ID)
		if mid.Status != store.SyncRunning || mid.Phase != "memberships" || mid.Cursor == "" {
			t.Fatalf("interrupted run = %s/%s cursor %q; want running in memberships with a cursor", mid.Status, mid.Phase, mid.Cursor)
		}
		e.sim.SetFaults(whopsim.Faults{})
		done, err := e.svc.RunSync(ctx, e.ws, run.ID, nil)
		if err != nil || done.Status != store.SyncSucceeded {
			t.Fatalf("resumed RunSync() = %v, %v", done.Status, err)
		}
		e.checkTruth()
		if done.MembershipsCount != e.sim.Counts().Memberships {
			t.Errorf("memberships counted = %d; want %d (no page twice)", done.MembershipsCount, e.sim.Counts().Memberships)
		}
	})
}

func TestConnectErrors(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		e := newEnv(t, s, envOpts{noQueue: true})
		for _, tc := range []struct {
			name  string
			in    whopsync.ConnectAPIKeyParams
			field string
		}{
			{"bad key", whopsync.ConnectAPIKeyParams{APIKey: "nope", CompanyID: e.company}, "apiKey"},
			{"bad company", whopsync.ConnectAPIKeyParams{APIKey: e.apiKey, CompanyID: "acme"}, "companyId"},
			{"no key", whopsync.ConnectAPIKeyParams{CompanyID: e.company}, "apiKey"},
			{"short secret", whopsync.ConnectAPIKeyParams{APIKey: e.apiKey, CompanyID: e.company, WebhookSecret: "ws_1"}, "webhookSecret"},
		} {
			_, err := e.svc.ConnectAPIKey(ctx, e.admin, tc.in)
			ce, ok := crm.AsError(err)
			if !ok || ce.Field != tc.field || !errors.Is(err, crm.ErrInvalid) {
				t.Errorf("%s: ConnectAPIKey() = %v; want invalid %s", tc.name, err, tc.field)
			}
			if strings := tc.in.APIKey; strings != "" && err != nil && len(strings) > 6 && containsString(err.Error(), strings) {
				t.Errorf("%s: error echoes the API key", tc.name)
			}
		}
		st, err := e.svc.Status(ctx, e.ws)
		if err != nil || st.Connected {
			t.Fatalf("Status() after failed connects = %+v, %v; want disconnected", st, err)
		}
		e.connect()
		st, _ = e.svc.Status(ctx, e.ws)
		if !st.Connected || st.Method != "api_key" || st.CompanyID != e.company || st.WebhookURL == "" {
			t.Fatalf("Status() = %+v", st)
		}
		// The key is sealed at rest.
		var sealed string
		e.scan("SELECT access_token_sealed FROM whop_connections WHERE workspace_id = $1", []any{e.ws}, &sealed)
		if sealed == "" || containsString(sealed, e.apiKey) {
			t.Fatalf("stored credential %q is not sealed", sealed)
		}
		if ok, err := e.svc.Disconnect(ctx, e.admin); !ok || err != nil {
			t.Fatalf("Disconnect() = %v, %v", ok, err)
		}
		if n := e.count("whop_connections"); n != 0 {
			t.Fatal("credentials remain after disconnect")
		}
		entries := e.auditLog("whop.", 10)
		if len(entries) < 2 || entries[0].Action != "whop.disconnected" {
			t.Fatalf("audit log = %v; want connected then disconnected", entries)
		}
		for _, en := range entries {
			if (en.Action == "whop.connected" || en.Action == "whop.disconnected") &&
				(en.Actor != e.admin.AuditActor() || en.Target.Type != "whop_company" || en.Target.ID != e.company) {
				t.Errorf("%s: actor %+v, target %+v; want the admin and company %s", en.Action, en.Actor, en.Target, e.company)
			}
		}
	})
}

func containsString(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

// stuckCursor makes the memberships list answer every page after the first
// with the cursor it was asked for, as a server whose cursor never advances.
func stuckCursor(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		after := r.URL.Query().Get("after")
		if !strings.HasSuffix(r.URL.Path, "/memberships") || after == "" {
			next.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		var page map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		page["page_info"] = map[string]any{"end_cursor": after, "has_next_page": true}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(page)
	})
}

// TestSyncStopsOnCursorLoop: a list whose cursor does not advance ends the
// run failed with a clear error after one repeated page, instead of
// fetching the same page forever.
func TestSyncStopsOnCursorLoop(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, envOpts{users: 150, memberships: 260, noQueue: true, simWrap: stuckCursor})
		e.connect()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		run, err := e.svc.StartRun(ctx, e.ws, whopsync.RunFull)
		if err != nil {
			t.Fatal(err)
		}
		got, err := e.svc.RunSync(ctx, e.ws, run.ID, nil)
		if !errors.Is(err, whop.ErrCursorLoop) {
			t.Fatalf("RunSync() = %v; want whop.ErrCursorLoop", err)
		}
		if got.Status != store.SyncFailed || !containsAny(got.Errors, "cursor did not advance") {
			t.Errorf("run = %s %v; want failed saying the cursor did not advance", got.Status, got.Errors)
		}
		if n := e.sim.Requests(whopsim.EndpointMemberships); n != 2 {
			t.Errorf("memberships requests = %d; want 2 (the first page, then the one that repeats)", n)
		}
	})
}

// TestSyncBackfillsMemberSince: people synced before whopCreatedAt was
// filled in (simulated by clearing it) get it from the next sync, which
// writes exactly those people; a sync after that writes nothing.
func TestSyncBackfillsMemberSince(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, envOpts{noQueue: true})
		e.connect()
		e.sync()
		e.checkMemberSince(0)
		e.exec("UPDATE people SET whop_created_at = NULL WHERE workspace_id = $1 AND whop_user_id IS NOT NULL", e.ws)
		var cleared int
		e.scan("SELECT COUNT(*) FROM people WHERE workspace_id = $1 AND whop_user_id IS NOT NULL", []any{e.ws}, &cleared)
		if run := e.sync(); run.WritesCount != cleared {
			t.Errorf("backfilling sync wrote %d rows; want the %d people without whopCreatedAt", run.WritesCount, cleared)
		}
		e.checkMemberSince(0)
		if run := e.sync(); run.WritesCount != 0 {
			t.Errorf("sync after the backfill wrote %d rows; want 0", run.WritesCount)
		}
	})
}
