package rest_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/analytics"
	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/rest"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// TestAnalyticsEndpoints serves GET /rest/revenueMetrics and
// /rest/mrrMovements over real HTTP for a membership of $30 a month from
// 2026-01-10, raised to $50 on 02-15 (expansion +20) and canceled on 03-03
// (churn -50): MRR at month ends 30, 50, 0.
func TestAnalyticsEndpoints(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ws := newWorkspace(t, s, "A")
		clock := time.Date(2026, 1, 10, 12, 0, 0, 0, time.UTC)
		recs := records.New(records.Config{Store: s, Now: func() time.Time { return clock }})
		days := int64(30)
		if err := s.InTx(ctx, func(tx *sql.Tx) error {
			_, err := s.WhopPlanUpsert(ctx, tx, &store.WhopPlan{WorkspaceID: ws, WhopID: "plan_m", PlanType: "renewal", BillingPeriodDays: &days, Currency: "USD", Data: []byte(`{}`)}, clock)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		actor := crm.Actor{Source: crm.SourceSystem, Name: "Whop"}
		usd := func(n int64) map[string]any {
			return map[string]any{"amountMicros": n * 1_000_000, "currencyCode": "USD"}
		}
		created, err := recs.Create(ctx, records.CreateParams{WorkspaceID: ws, Object: crm.OpportunityObject, Actor: actor, Inputs: []crm.Input{{
			"name": "A", "whopMembershipId": "mem_A", "whopMembershipStatus": "active", "whopPlanId": "plan_m", "amount": usd(30)}}})
		if err != nil {
			t.Fatal(err)
		}
		id := created[0].Meta().ID
		for _, u := range []struct {
			at time.Time
			in crm.Input
		}{{time.Date(2026, 2, 15, 12, 0, 0, 0, time.UTC), crm.Input{"amount": usd(50)}}, {time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC), crm.Input{"whopMembershipStatus": "canceled"}}} {
			clock = u.at
			if _, err := recs.Update(ctx, records.UpdateParams{WorkspaceID: ws, Object: crm.OpportunityObject, Actor: actor, ID: id, Input: u.in}); err != nil {
				t.Fatal(err)
			}
		}
		h := rest.NewHandler(rest.Config{Records: recs, Analytics: analytics.New(analytics.Config{Store: s})})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") == "Bearer key-a" {
				r = r.WithContext(auth.WithPrincipal(r.Context(), &auth.Principal{WorkspaceID: ws, Name: "key A", APIKeyID: ptr("key-a"), Role: auth.RoleAdmin}))
			}
			h.ServeHTTP(w, r)
		}))
		defer srv.Close()
		get := func(path string, auth bool) (int, map[string]any) {
			t.Helper()
			req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
			if auth {
				req.Header.Set("Authorization", "Bearer key-a")
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			raw, _ := io.ReadAll(resp.Body)
			var out map[string]any
			if err := json.Unmarshal(raw, &out); err != nil {
				t.Fatalf("%s: %s", path, raw)
			}
			return resp.StatusCode, out
		}
		code, body := get("/rest/revenueMetrics?from=2026-01-01&to=2026-03-31&interval=month", true)
		m, _ := body["data"].(map[string]any)["revenueMetrics"].(map[string]any)
		pts, _ := m["points"].([]any)
		if code != 200 || len(pts) != 3 {
			t.Fatalf("revenueMetrics = %d %v", code, body)
		}
		want := []map[string]float64{{"mrrMicros": 30e6, "newMrrMicros": 30e6}, {"mrrMicros": 50e6, "expansionMrrMicros": 20e6}, {"mrrMicros": 0, "churnedMrrMicros": 50e6, "netNewMrrMicros": -50e6, "churnedMembers": 1}}
		for i, w := range want {
			for k, v := range w {
				if got := pts[i].(map[string]any)[k]; got != v {
					t.Errorf("points[%d].%s = %v; want %v", i, k, got, v)
				}
			}
		}
		if pts[0].(map[string]any)["periodStart"] != "2026-01-01" || m["currency"] != "USD" || m["mrrMicros"] != 0.0 || m["nrr"] != 0.0 || m["semantics"].(map[string]any)["trialsInMrr"] != false {
			t.Errorf("revenueMetrics = %v", m)
		}

		code, body = get("/rest/mrrMovements?from=2026-01-01&to=2026-03-31&kind=CHURN&currency=USD", true)
		ms, _ := body["data"].(map[string]any)["mrrMovements"].([]any)
		if code != 200 || len(ms) != 1 {
			t.Fatalf("mrrMovements = %d %v", code, body)
		}
		if mv := ms[0].(map[string]any); mv["membershipId"] != "mem_A" || mv["opportunityId"] != id || mv["beforeMicros"] != 50e6 || mv["afterMicros"] != 0.0 ||
			mv["happenedAt"] != "2026-03-03T12:00:00Z" || mv["personId"] != nil {
			t.Errorf("movement = %v", mv)
		}

		// Bad input is a 400 naming the key; no key is a 401.
		for path, field := range map[string]string{
			"/rest/revenueMetrics?from=2026-01-01":                                 "to",
			"/rest/revenueMetrics?from=2026-01-01&to=2026-02-30":                   "to",
			"/rest/revenueMetrics?from=2026-01-01&to=2026-02-01&trialsInMrr=maybe": "trialsInMrr",
			"/rest/revenueMetrics?from=2026-01-01&to=2026-02-01&trialsInMRR=true":  "trialsInMRR",
			"/rest/revenueMetrics?from=2026-01-01&to=2026-02-01&interval=YEAR":     "interval",
			"/rest/mrrMovements?from=2026-01-01&to=2026-02-01&kind=LOST":           "kind",
			"/rest/mrrMovements?from=2026-01-01&to=2026-02-01&interval=MONTH":      "interval",
		} {
			code, body := get(path, true)
			e, _ := body["error"].(map[string]any)
			if code != 400 || e["field"] != field {
				t.Errorf("%s = %d %v; want 400 on %s", path, code, body, field)
			}
		}
		if code, _ := get("/rest/revenueMetrics?from=2026-01-01&to=2026-02-01", false); code != 401 {
			t.Errorf("anonymous = %d; want 401", code)
		}
	})
}
