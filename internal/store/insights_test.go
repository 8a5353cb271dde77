package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// TestMRRNormalisation checks the monthly normalisation of every kind of
// billing period, one membership per workspace so each sum is one price.
func TestMRRNormalisation(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		recs := records.New(records.Config{Store: s})
		tests := []struct {
			days     int64
			planType string
			price    int64
			want     int64 // -1: not counted
		}{
			{30, "renewal", 25_000_000, 25_000_000},
			{28, "renewal", 25_000_000, 25_000_000},
			{31, "renewal", 25_000_000, 25_000_000},
			{365, "renewal", 120_000_000, 10_000_000},
			{366, "renewal", 120_000_000, 10_000_000},
			{7, "renewal", 7_000_000, 30_000_000},
			{14, "renewal", 10_000_000, 21_428_571}, // 10 * 30 / 14, truncated
			{90, "renewal", 30_000_000, 10_000_000},
			{30, "one_time", 25_000_000, -1},
			{0, "renewal", 25_000_000, -1}, // no billing period
		}
		for i, tc := range tests {
			name := fmt.Sprintf("%d-%s-%d", tc.days, tc.planType, i)
			t.Run(name, func(t *testing.T) {
				ws := storetest.NewWorkspace(t, s, name)
				plan := &store.WhopPlan{WorkspaceID: ws, WhopID: "plan_1", PlanType: tc.planType, Data: []byte(`{}`)}
				if tc.days > 0 {
					plan.BillingPeriodDays = &tc.days
				}
				if err := s.InTx(ctx, func(tx *sql.Tx) error {
					_, err := s.WhopPlanUpsert(ctx, tx, plan, time.Now())
					return err
				}); err != nil {
					t.Fatal(err)
				}
				_, err := recs.Create(ctx, records.CreateParams{WorkspaceID: ws, Object: crm.OpportunityObject, Inputs: []crm.Input{{
					"name": "m", "whopMembershipId": "mem_1", "whopMembershipStatus": "active", "whopPlanId": "plan_1",
					"amount": map[string]any{"amountMicros": tc.price, "currencyCode": "USD"},
				}}})
				if err != nil {
					t.Fatal(err)
				}
				got, err := s.MRRAt(ctx, &store.MRRParams{WorkspaceID: ws, At: time.Now().Add(time.Minute), Statuses: []string{"active"}})
				if err != nil {
					t.Fatal(err)
				}
				if tc.want < 0 {
					if len(got) != 0 {
						t.Fatalf("MRRAt = %+v; want nothing counted", got)
					}
					return
				}
				if len(got) != 1 || got[0].Micros != tc.want || got[0].Currency != "USD" || got[0].Count != 1 {
					t.Fatalf("MRRAt = %+v; want USD %d from 1 membership", got, tc.want)
				}
			})
		}
	})
}

// TestMRRAtReconstructsPastStatus checks that a past MRR uses the status a
// membership had then, read from the timeline.
func TestMRRAtReconstructsPastStatus(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ws := storetest.NewWorkspace(t, s, "A")
		clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		recs := records.New(records.Config{Store: s, Now: func() time.Time { return clock }})
		days := int64(30)
		if err := s.InTx(ctx, func(tx *sql.Tx) error {
			_, err := s.WhopPlanUpsert(ctx, tx, &store.WhopPlan{WorkspaceID: ws, WhopID: "plan_1", PlanType: "renewal", BillingPeriodDays: &days, Data: []byte(`{}`)}, clock)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		out, err := recs.Create(ctx, records.CreateParams{WorkspaceID: ws, Object: crm.OpportunityObject, Inputs: []crm.Input{{
			"name": "m", "whopMembershipId": "mem_1", "whopMembershipStatus": "trialing", "whopPlanId": "plan_1",
			"amount": map[string]any{"amountMicros": int64(10_000_000), "currencyCode": "USD"},
		}}})
		if err != nil {
			t.Fatal(err)
		}
		id := out[0].Meta().ID
		// trialing (day 0) -> active (day 10) -> canceled (day 20)
		for _, step := range []struct {
			day    int
			status string
		}{{10, "active"}, {20, "canceled"}} {
			clock = time.Date(2026, 1, 1+step.day, 0, 0, 0, 0, time.UTC)
			if _, err := recs.Update(ctx, records.UpdateParams{WorkspaceID: ws, Object: crm.OpportunityObject, ID: id, Input: crm.Input{"whopMembershipStatus": step.status}}); err != nil {
				t.Fatal(err)
			}
		}
		for _, tc := range []struct {
			day  int
			want int64
		}{{-1, 0}, {5, 0}, {15, 10_000_000}, {25, 0}} {
			at := time.Date(2026, 1, 1+tc.day, 0, 0, 0, 0, time.UTC)
			got, err := s.MRRAt(ctx, &store.MRRParams{WorkspaceID: ws, At: at, Statuses: []string{"active"}})
			if err != nil {
				t.Fatal(err)
			}
			var sum int64
			for _, c := range got {
				sum += c.Micros
			}
			if sum != tc.want {
				t.Errorf("MRRAt(day %d) = %d; want %d", tc.day, sum, tc.want)
			}
		}
	})
}
