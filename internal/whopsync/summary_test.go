package whopsync_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
	"github.com/roster-crm/roster/internal/whopsync"
)

// TestMemberSummary sums up a customer from memberships the caller hands
// over and the payments and plans stored for them: the current membership
// is the newest running one (then one with access, then the newest), its
// plan and interval come from the synced plan, the next charge is the
// earliest future renewal of a renewing membership that does not cancel,
// a cancelling current membership says when it ends, and payments add up
// per currency (paid, refunded, lifetime value).
func TestMemberSummary(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
		e := newEnv(t, s, envOpts{noQueue: true, now: func() time.Time { return now }})
		since := now.AddDate(-1, 0, 0)
		recs, err := e.records.Create(ctx, records.CreateParams{WorkspaceID: e.ws, Object: crm.PersonObject, Actor: crm.Actor{Source: crm.SourceAPI},
			Inputs: []crm.Input{{"name": map[string]any{"firstName": "Ada"}, "whopCreatedAt": since.Format(time.RFC3339)}}})
		if err != nil {
			t.Fatal(err)
		}
		person := recs[0].(*crm.Person)
		days30, days14 := int64(30), int64(14)
		err = s.InTx(ctx, func(tx *sql.Tx) error {
			for _, p := range []*store.WhopPlan{
				{WorkspaceID: e.ws, WhopID: "plan_pro", ProductWhopID: "prod_1", Title: "Pro", PlanType: "renewal", Currency: "USD", BillingPeriodDays: &days30, Data: []byte(`{}`)},
				{WorkspaceID: e.ws, WhopID: "plan_fortnight", ProductWhopID: "prod_1", Title: "Fortnight", PlanType: "renewal", Currency: "USD", BillingPeriodDays: &days14, Data: []byte(`{}`)},
			} {
				if _, err := s.WhopPlanUpsert(ctx, tx, p, now); err != nil {
					return err
				}
			}
			micros := func(v int64) *int64 { return &v }
			paidAt := now.AddDate(0, -1, 0)
			pay := func(id, status, currency string, amount, refunded int64) *store.WhopPayment {
				p := &store.WhopPayment{WorkspaceID: e.ws, WhopID: id, Status: status, Currency: currency, AmountMicros: micros(amount), PersonID: &person.ID,
					UserWhopID: "user_ada", WhopCreatedAt: &paidAt, WhopUpdatedAt: &paidAt, Data: []byte(`{}`)}
				if status == "paid" {
					p.PaidAt = &paidAt
				}
				if refunded > 0 {
					p.RefundedMicros = micros(refunded)
				}
				return p
			}
			return s.WhopPaymentUpsertMany(ctx, tx, []*store.WhopPayment{
				pay("pay_1", "paid", "USD", 20_000_000, 0),
				pay("pay_2", "paid", "USD", 20_000_000, 5_000_000),
				pay("pay_3", "open", "USD", 20_000_000, 0), // not paid: not counted
				pay("pay_4", "paid", "EUR", 9_000_000, 0),
			}, now)
		})
		if err != nil {
			t.Fatal(err)
		}

		at := func(d time.Duration) *time.Time { v := now.Add(d); return &v }
		price := int64(20_000_000)
		opp := func(id, status, plan string, created time.Time, renews *time.Time, cancels bool) *crm.Opportunity {
			o := &crm.Opportunity{WhopMembershipStatus: status, WhopPlanID: plan, WhopRenewalDate: renews, WhopCancelAtPeriodEnd: cancels,
				Amount: crm.Currency{AmountMicros: &price, CurrencyCode: "USD"}}
			o.ID, o.CreatedAt = id, created
			return o
		}
		old := opp("old_expired", "expired", "plan_fortnight", now.AddDate(0, -6, 0), at(-24*time.Hour), false)
		trial := opp("trial", "trialing", "plan_fortnight", now.AddDate(0, 0, -3), at(11*24*time.Hour), false)
		pro := opp("pro", "active", "plan_pro", now.AddDate(0, -2, 0), at(20*24*time.Hour), false)
		lapsed := opp("lapsed_renewal", "past_due", "plan_pro", now.AddDate(0, -3, 0), at(-2*24*time.Hour), false)

		sum, err := e.svc.MemberSummary(ctx, e.ws, person, []*crm.Opportunity{old, pro, lapsed, trial})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Current != trial || sum.Plan != "Fortnight" || sum.Interval != "every 14 days" {
			t.Errorf("current = %v %q %q; want the newest running membership (trial), Fortnight, every 14 days", sum.Current.ID, sum.Plan, sum.Interval)
		}
		if sum.MemberSince == nil || !sum.MemberSince.Equal(since) {
			t.Errorf("MemberSince = %v; want %v", sum.MemberSince, since)
		}
		// The trial renews in 11 days, before the active one (20 days); the
		// past-due renewal date is behind us.
		if sum.NextCharge == nil || !sum.NextCharge.At.Equal(*trial.WhopRenewalDate) || *sum.NextCharge.Amount.AmountMicros != price {
			t.Errorf("NextCharge = %+v; want the trial's renewal %v", sum.NextCharge, trial.WhopRenewalDate)
		}
		if sum.EndsAt != nil {
			t.Errorf("EndsAt = %v; want none (the current membership renews)", sum.EndsAt)
		}
		want := []whopsync.Totals{
			{Currency: "EUR", Paid: 9_000_000, LifetimeValue: 9_000_000, Payments: 1},
			{Currency: "USD", Paid: 40_000_000, Refunded: 5_000_000, LifetimeValue: 35_000_000, Payments: 2},
		}
		if len(sum.Totals) != len(want) || sum.Totals[0] != want[0] || sum.Totals[1] != want[1] {
			t.Errorf("Totals = %+v; want %+v", sum.Totals, want)
		}

		// Cancelling at the period end: the membership ends instead of
		// renewing, so there is no charge to come.
		canceling := opp("canceling", "canceling", "plan_pro", now.AddDate(0, -1, 0), at(5*24*time.Hour), true)
		sum, err = e.svc.MemberSummary(ctx, e.ws, person, []*crm.Opportunity{canceling, old})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Current != canceling || sum.Plan != "Pro" || sum.Interval != "monthly" || sum.EndsAt == nil || !sum.EndsAt.Equal(*canceling.WhopRenewalDate) || sum.NextCharge != nil {
			t.Errorf("canceling: current %v plan %q %q ends %v next %+v; want it current, Pro monthly, ending at its renewal date, no charge", sum.Current.ID, sum.Plan, sum.Interval, sum.EndsAt, sum.NextCharge)
		}

		// Nothing running: the newest membership that keeps access (a
		// one-time purchase), else the newest; its plan not synced.
		onetime := opp("lifetime", "completed", "plan_not_synced", now.AddDate(0, -8, 0), nil, false)
		sum, err = e.svc.MemberSummary(ctx, e.ws, person, []*crm.Opportunity{old, onetime})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Current != onetime || sum.Plan != "" || sum.Interval != "" || sum.NextCharge != nil {
			t.Errorf("no running membership: current %v plan %q %q next %+v; want the completed one, no plan, no charge", sum.Current.ID, sum.Plan, sum.Interval, sum.NextCharge)
		}
		sum, err = e.svc.MemberSummary(ctx, e.ws, person, []*crm.Opportunity{old})
		if err != nil || sum.Current != old {
			t.Errorf("only an expired membership: current %v, %v; want it", sum.Current, err)
		}
		sum, err = e.svc.MemberSummary(ctx, e.ws, person, nil)
		if err != nil || sum.Current != nil || sum.NextCharge != nil || len(sum.Totals) != 2 {
			t.Errorf("no memberships: %+v, %v; want no current membership, the payments still summed", sum, err)
		}
	})
}
