package analytics_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/analytics"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// BenchmarkRevenueMetrics measures a chart's queries over two years of a
// synthetic business: ROSTER_ANALYTICS_BENCH_N memberships (default 2,000)
// started evenly over 24 months, each paying monthly; every 10th raises its
// price and every 5th cancels a few months in. Figures: bench/BENCHMARKS.md.
func BenchmarkRevenueMetrics(b *testing.B) {
	n := 2000
	if v, err := strconv.Atoi(os.Getenv("ROSTER_ANALYTICS_BENCH_N")); err == nil && v > 0 {
		n = v
	}
	dialects := map[string]func(testing.TB) *store.Store{"sqlite": storetest.NewSQLite}
	if storetest.PostgresEnabled(b) {
		dialects["postgres"] = storetest.NewPostgres
	}
	for name, open := range dialects {
		b.Run(name, func(b *testing.B) {
			s := open(b)
			ws := seedBench(b, s, n)
			svc := analytics.New(analytics.Config{Store: s})
			p := analytics.Params{WorkspaceID: ws, From: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC),
				Currency: "USD", Semantics: analytics.DefaultSemantics()}
			for _, iv := range []analytics.Interval{analytics.Month, analytics.Day} {
				b.Run("revenueMetrics/"+string(iv), func(b *testing.B) {
					q := p
					q.Interval = iv
					for b.Loop() {
						if _, err := svc.RevenueMetrics(context.Background(), q); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
			b.Run("mrrMovements/CHURN", func(b *testing.B) {
				for b.Loop() {
					if _, err := svc.MRRMovements(context.Background(), analytics.MovementsParams{Params: p, Kind: analytics.KindChurn}); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

func seedBench(b *testing.B, s *store.Store, n int) string {
	b.Helper()
	ctx := context.Background()
	ws := storetest.NewWorkspace(b, s, "Bench")
	base := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	clock := base
	recs := records.New(records.Config{Store: s, Now: func() time.Time { return clock }})
	days := int64(30)
	if err := s.InTx(ctx, func(tx *sql.Tx) error {
		_, err := s.WhopPlanUpsert(ctx, tx, &store.WhopPlan{WorkspaceID: ws, WhopID: "plan_m", PlanType: "renewal", BillingPeriodDays: &days, Currency: "USD", Data: []byte(`{}`)}, clock)
		return err
	}); err != nil {
		b.Fatal(err)
	}
	actor := crm.Actor{Source: crm.SourceSystem, Name: "Whop"}
	ids := make([]string, 0, n)
	starts := make([]int, 0, n) // month index of each membership's start
	for month := 0; month < 24; month++ {
		clock = base.AddDate(0, month, 0)
		var in []crm.Input
		for i := month * n / 24; i < (month+1)*n/24; i++ {
			in = append(in, crm.Input{"name": fmt.Sprintf("m%d", i), "whopMembershipId": fmt.Sprintf("mem_%d", i), "whopMembershipStatus": "active",
				"whopPlanId": "plan_m", "amount": map[string]any{"amountMicros": int64(10+i%40) * 1_000_000, "currencyCode": "USD"}})
		}
		for len(in) > 0 {
			k := min(len(in), 500)
			rs, err := recs.Create(ctx, records.CreateParams{WorkspaceID: ws, Object: crm.OpportunityObject, Actor: actor, Inputs: in[:k]})
			if err != nil {
				b.Fatal(err)
			}
			for _, r := range rs {
				ids, starts = append(ids, r.Meta().ID), append(starts, month)
			}
			in = in[k:]
		}
	}
	var pays []*store.WhopPayment
	for i, id := range ids {
		end := 24
		if i%10 == 0 && starts[i]+2 < 24 {
			clock = base.AddDate(0, starts[i]+2, 3)
			if _, err := recs.Update(ctx, records.UpdateParams{WorkspaceID: ws, Object: crm.OpportunityObject, Actor: actor, ID: id,
				Input: crm.Input{"amount": map[string]any{"amountMicros": int64(60) * 1_000_000, "currencyCode": "USD"}}}); err != nil {
				b.Fatal(err)
			}
		}
		if i%5 == 0 && starts[i]+4 < 24 {
			end = starts[i] + 4
			clock = base.AddDate(0, end, 5)
			if _, err := recs.Update(ctx, records.UpdateParams{WorkspaceID: ws, Object: crm.OpportunityObject, Actor: actor, ID: id,
				Input: crm.Input{"whopMembershipStatus": "canceled"}}); err != nil {
				b.Fatal(err)
			}
		}
		for m := starts[i]; m < end; m++ {
			at := base.AddDate(0, m, 0)
			amount := int64(10+i%40) * 1_000_000
			opp := id
			pays = append(pays, &store.WhopPayment{WorkspaceID: ws, WhopID: fmt.Sprintf("pay_%d_%d", i, m), Status: "paid", AmountMicros: &amount, Currency: "USD",
				OpportunityID: &opp, PaidAt: &at, WhopCreatedAt: &at, WhopUpdatedAt: &at, Data: []byte(`{}`)})
		}
	}
	for len(pays) > 0 {
		k := min(len(pays), 2000)
		if err := s.InTx(ctx, func(tx *sql.Tx) error { return s.WhopPaymentUpsertMany(ctx, tx, pays[:k], clock) }); err != nil {
			b.Fatal(err)
		}
		pays = pays[k:]
	}
	b.Logf("seeded %d memberships, %d of them changed", n, n/10+n/5)
	return ws
}
