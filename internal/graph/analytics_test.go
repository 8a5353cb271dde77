package graph_test

import (
	"bytes"
	"context"
	"database/sql"
	"log/slog"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/analytics"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/graph"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// TestRevenueAnalyticsQueries runs revenueMetrics and mrrMovements over a
// small business in workspace A (docs/analytics.md defines the figures;
// package analytics tests them in depth):
//
//	Ann  A  2026-01-10 active, $30/month; 02-15 price $50 (expansion +20).
//	     X  2026-02-01 active, $10/month, no person (new +10); 03-03 canceled
//	        (churn -10).
//
// MRR at month ends: Jan 30, Feb 60, Mar 50.
func TestRevenueAnalyticsQueries(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		clock := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
		recs := records.New(records.Config{Store: s, Now: func() time.Time { return clock }})
		h := graph.NewHandler(graph.Config{Records: recs, Analytics: analytics.New(analytics.Config{Store: s}), Logger: slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil))})
		e := &env{h: h, s: s, wsA: newWorkspace(t, s, "A"), wsB: newWorkspace(t, s, "B")}
		days := int64(30)
		if err := s.InTx(ctx, func(tx *sql.Tx) error {
			_, err := s.WhopPlanUpsert(ctx, tx, &store.WhopPlan{WorkspaceID: e.wsA, WhopID: "plan_m", PlanType: "renewal", BillingPeriodDays: &days, Currency: "USD", Data: []byte(`{}`)}, clock)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		actor := crm.Actor{Source: crm.SourceSystem, Name: "Whop"}
		create := func(at time.Time, in crm.Input) string {
			clock = at
			r, err := recs.Create(ctx, records.CreateParams{WorkspaceID: e.wsA, Object: in["object"].(*crm.Object), Actor: actor, Inputs: []crm.Input{in["input"].(crm.Input)}})
			if err != nil {
				t.Fatal(err)
			}
			return r[0].Meta().ID
		}
		update := func(at time.Time, id string, in crm.Input) {
			clock = at
			if _, err := recs.Update(ctx, records.UpdateParams{WorkspaceID: e.wsA, Object: crm.OpportunityObject, Actor: actor, ID: id, Input: in}); err != nil {
				t.Fatal(err)
			}
		}
		day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 12, 0, 0, 0, time.UTC) }
		usd := func(n int64) map[string]any {
			return map[string]any{"amountMicros": n * 1_000_000, "currencyCode": "USD"}
		}
		ann := create(day(1, 2), crm.Input{"object": crm.PersonObject, "input": crm.Input{"name": map[string]any{"firstName": "Ann"}}})
		a := create(day(1, 10), crm.Input{"object": crm.OpportunityObject, "input": crm.Input{"name": "A", "whopMembershipId": "mem_A",
			"whopMembershipStatus": "active", "whopPlanId": "plan_m", "amount": usd(30), "pointOfContactId": ann}})
		x := create(day(2, 1), crm.Input{"object": crm.OpportunityObject, "input": crm.Input{"name": "X", "whopMembershipId": "mem_X",
			"whopMembershipStatus": "active", "whopPlanId": "plan_m", "amount": usd(10)}})
		update(day(2, 15), a, crm.Input{"amount": usd(50)})
		update(day(3, 3), x, crm.Input{"whopMembershipStatus": "canceled"})

		const q = `query($from: Date!, $to: Date!) {
  revenueMetrics(from: $from, to: $to, interval: MONTH) { currency currencies mrrMicros arrMicros activeMembers payingMembers arpuMicros logoChurnRate nrr grr revenueChurnRate netRevenueChurnRate
    semantics { pastDueActive cancelingUntilPeriodEnd trialsInMrr refundsOnRefundDate }
    points { periodStart periodEnd mrrMicros newMrrMicros expansionMrrMicros churnedMrrMicros netNewMrrMicros activeMembers newMembers churnedMembers } }
  churn: mrrMovements(from: "2026-03-01", to: "2026-03-31", kind: CHURN) { kind personId membershipId opportunityId happenedAt beforeMicros afterMicros }
  feb: revenueMetrics(from: "2026-02-01", to: "2026-02-28") { nrr grr revenueChurnRate }
  expansion: mrrMovements(from: $from, to: $to, kind: EXPANSION, currency: "usd") { personId membershipId beforeMicros afterMicros }
}`
		got := e.ok(t, q, map[string]any{"from": "2026-01-01", "to": "2026-03-31"})
		checkPaths(t, got, map[string]any{
			"revenueMetrics.currency": "USD", "revenueMetrics.currencies": []any{"USD"},
			"revenueMetrics.mrrMicros": 50_000_000, "revenueMetrics.arrMicros": 600_000_000, "revenueMetrics.activeMembers": 1,
			"revenueMetrics.payingMembers": 1, "revenueMetrics.arpuMicros": 50_000_000, "revenueMetrics.logoChurnRate": 0,
			"revenueMetrics.nrr": 0, "revenueMetrics.grr": 0, "revenueMetrics.revenueChurnRate": 0, "revenueMetrics.netRevenueChurnRate": 0,
			"revenueMetrics.semantics": map[string]any{"pastDueActive": true, "cancelingUntilPeriodEnd": true, "trialsInMrr": false, "refundsOnRefundDate": true},
			"revenueMetrics.points.0": map[string]any{"periodStart": "2026-01-01", "periodEnd": "2026-02-01", "mrrMicros": 30_000_000, "newMrrMicros": 30_000_000,
				"expansionMrrMicros": 0, "churnedMrrMicros": 0, "netNewMrrMicros": 30_000_000, "activeMembers": 1, "newMembers": 1, "churnedMembers": 0},
			"revenueMetrics.points.1.mrrMicros": 60_000_000, "revenueMetrics.points.1.newMrrMicros": 10_000_000, "revenueMetrics.points.1.expansionMrrMicros": 20_000_000,
			"revenueMetrics.points.2.mrrMicros": 50_000_000, "revenueMetrics.points.2.churnedMrrMicros": 10_000_000, "revenueMetrics.points.2.netNewMrrMicros": -10_000_000,
			"revenueMetrics.points.2.churnedMembers": 1, "revenueMetrics.points.2.periodEnd": "2026-04-01",
			"churn": []any{map[string]any{"kind": "CHURN", "personId": nil, "membershipId": "mem_X", "opportunityId": x,
				"happenedAt": "2026-03-03T12:00:00Z", "beforeMicros": 10_000_000, "afterMicros": 0}},
			// Ann paid 30 on 02-01 and 50 on 02-28; X started after 02-01.
			"feb":       map[string]any{"nrr": float64(50) / float64(30), "grr": 1, "revenueChurnRate": 0},
			"expansion": []any{map[string]any{"personId": ann, "membershipId": "mem_A", "beforeMicros": 30_000_000, "afterMicros": 50_000_000}},
		})

		// Workspace B sees none of A's business.
		r := e.do(t, apiKey(e.wsB), `{ revenueMetrics(from: "2026-01-01", to: "2026-03-31") { mrrMicros activeMembers } mrrMovements(from: "2026-01-01", to: "2026-03-31") { membershipId } }`, nil)
		if len(r.Errors) > 0 || !jsonEqual(r.Data, map[string]any{"revenueMetrics": map[string]any{"mrrMicros": 0, "activeMembers": 0}, "mrrMovements": []any{}}) {
			t.Errorf("workspace B = %+v %+v", r.Data, r.Errors)
		}
		// Bad input names the argument and changes nothing.
		r = e.do(t, apiKey(e.wsA), `{ revenueMetrics(from: "2026-03-01", to: "2026-01-01") { mrrMicros } }`, nil)
		if r.code() != "BAD_USER_INPUT" && r.code() != "INVALID_VALUE" || len(r.Errors) != 1 {
			t.Errorf("to before from: %+v", r.Errors)
		} else if f, _ := r.Errors[0].Extensions["field"].(string); f != "to" {
			t.Errorf("to before from names %+v; want field to", r.Errors[0].Extensions)
		}
		if r = e.do(t, apiKey(e.wsA), `{ revenueMetrics(from: "2026-13-01", to: "2026-01-01") { mrrMicros } }`, nil); len(r.Errors) == 0 {
			t.Error("month 13 was accepted")
		}
		if r = e.do(t, nil, `{ revenueMetrics(from: "2026-01-01", to: "2026-01-31") { mrrMicros } }`, nil); r.status != 401 {
			t.Errorf("anonymous: status %d; want 401", r.status)
		}
	})
}
