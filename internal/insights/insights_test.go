package insights_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/insights"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// world builds Whop-shaped data at chosen moments: the records service runs
// on a clock the test moves.
type world struct {
	t     *testing.T
	s     *store.Store
	recs  *records.Service
	ws    string
	clock time.Time
}

var whopActor = crm.Actor{Source: crm.SourceSystem, Name: "Whop"}

func (w *world) plan(id, planType string, days int64) {
	w.t.Helper()
	p := &store.WhopPlan{WorkspaceID: w.ws, WhopID: id, PlanType: planType, Currency: "USD", Data: []byte(`{"id":"` + id + `"}`)}
	if days > 0 {
		p.BillingPeriodDays = &days
	}
	err := w.s.InTx(context.Background(), func(tx *sql.Tx) error {
		_, err := w.s.WhopPlanUpsert(context.Background(), tx, p, w.clock)
		return err
	})
	if err != nil {
		w.t.Fatal(err)
	}
}

type opp struct {
	name, status, plan, currency string
	micros                       int64
	renewal                      *time.Time
	cancel                       bool
	person                       string // point of contact ID
}

func (w *world) opportunity(at time.Time, o opp) string {
	w.t.Helper()
	w.clock = at
	if o.currency == "" {
		o.currency = "USD"
	}
	in := crm.Input{
		"name": o.name, "whopMembershipId": "mem_" + o.name, "whopMembershipStatus": o.status, "whopPlanId": o.plan,
		"amount":                map[string]any{"amountMicros": o.micros, "currencyCode": o.currency},
		"whopCancelAtPeriodEnd": o.cancel,
	}
	if o.person != "" {
		in["pointOfContactId"] = o.person
	}
	if o.renewal != nil {
		in["whopRenewalDate"] = o.renewal.Format(time.RFC3339Nano)
	}
	recs, err := w.recs.Create(context.Background(), records.CreateParams{WorkspaceID: w.ws, Object: crm.OpportunityObject, Actor: whopActor, Inputs: []crm.Input{in}})
	if err != nil {
		w.t.Fatalf("create %s: %v", o.name, err)
	}
	return recs[0].Meta().ID
}

func (w *world) setStatus(at time.Time, id, status string) {
	w.t.Helper()
	w.clock = at
	if _, err := w.recs.Update(context.Background(), records.UpdateParams{WorkspaceID: w.ws, Object: crm.OpportunityObject, Actor: whopActor, ID: id,
		Input: crm.Input{"whopMembershipStatus": status}}); err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) payment(id, oppID, status, substatus, failure string, created time.Time) {
	w.t.Helper()
	amount := int64(10_000_000)
	p := &store.WhopPayment{WorkspaceID: w.ws, WhopID: id, Status: status, Substatus: substatus, FailureMessage: failure,
		AmountMicros: &amount, Currency: "USD", OpportunityID: &oppID, WhopCreatedAt: &created, WhopUpdatedAt: &created, Data: []byte(`{"id":"` + id + `"}`)}
	err := w.s.InTx(context.Background(), func(tx *sql.Tx) error {
		return w.s.WhopPaymentUpsertMany(context.Background(), tx, []*store.WhopPayment{p}, created)
	})
	if err != nil {
		w.t.Fatal(err)
	}
}

func newWorld(t *testing.T, s *store.Store, name string) *world {
	w := &world{t: t, s: s, ws: storetest.NewWorkspace(t, s, name)}
	w.recs = records.New(records.Config{Store: s, Now: func() time.Time { return w.clock }})
	return w
}

func day(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }

// buildBusiness writes the membership business the tests assert on; every
// expected number is derived in the comments.
func buildBusiness(t *testing.T, s *store.Store, now time.Time) *world {
	w := newWorld(t, s, "Acme")
	w.clock = now.Add(-day(90))
	w.plan("plan_m", "renewal", 30)
	w.plan("plan_y", "renewal", 365)
	w.plan("plan_w", "renewal", 7)
	w.plan("plan_q", "renewal", 90)
	w.plan("plan_once", "one_time", 0)
	old := now.Add(-day(40))
	ptr := func(t time.Time) *time.Time { return &t }
	// MRR now: A 30 + B 10 + C 30 + D 10 + H 40 + J 5 + Q 10 = 135 USD; K 9 EUR.
	// MRR then: A 30 + B 10 + C 30 + D 10 + F 20 + J 5 (old payment) + Q 10 = 115 USD; K 9 EUR.
	w.opportunity(old, opp{name: "A", status: "active", plan: "plan_m", micros: 30_000_000, renewal: ptr(now.Add(day(2)))})
	w.opportunity(old, opp{name: "B", status: "active", plan: "plan_y", micros: 120_000_000})                // 120/12 = 10
	c := w.opportunity(old, opp{name: "C", status: "past_due", plan: "plan_w", micros: 7_000_000})           // 7*30/7 = 30, at risk
	w.opportunity(old, opp{name: "D", status: "canceling", plan: "plan_m", micros: 10_000_000, cancel: true, // at risk, renewal not counted
		renewal: ptr(now.Add(day(3)))})
	w.opportunity(now.Add(-day(5)), opp{name: "E", status: "trialing", plan: "plan_m", micros: 50_000_000, renewal: ptr(now.Add(day(5)))}) // new, renewal due, no MRR
	f := w.opportunity(old, opp{name: "F", status: "active", plan: "plan_m", micros: 20_000_000})
	w.setStatus(now.Add(-day(10)), f, "canceled")                                                                                         // churned in the window; in MRR then
	w.opportunity(old, opp{name: "G", status: "completed", plan: "plan_once", micros: 100_000_000})                                       // active, no MRR
	w.opportunity(now.Add(-day(5)), opp{name: "H", status: "active", plan: "plan_m", micros: 40_000_000, renewal: ptr(now.Add(day(10)))}) // new
	w.opportunity(old, opp{name: "I", status: "expired", plan: "plan_m", micros: 15_000_000})                                             // never counted
	j := w.opportunity(now.Add(-day(5)), opp{name: "J", status: "active", plan: "plan_m", micros: 5_000_000})                             // synced late, paid long ago: not new
	w.payment("pay_j_old", j, "paid", "succeeded", "", now.Add(-day(60)))
	w.opportunity(old, opp{name: "K", status: "active", plan: "plan_m", micros: 9_000_000, currency: "EUR"})
	w.opportunity(old, opp{name: "Q", status: "active", plan: "plan_q", micros: 30_000_000}) // 30/3 = 10
	// A deleted membership counts nowhere.
	del := w.opportunity(old, opp{name: "Z", status: "active", plan: "plan_m", micros: 1_000_000_000})
	w.clock = now.Add(-day(1))
	if _, err := w.recs.Delete(context.Background(), records.Ref{WorkspaceID: w.ws, Object: crm.OpportunityObject, Actor: whopActor, ID: del}); err != nil {
		t.Fatal(err)
	}
	// Payments: one failure in the window, one before it, one success.
	w.payment("pay_c_fail", c, "open", "failed", "card declined", now.Add(-day(3)))
	w.payment("pay_c_old_fail", c, "open", "failed", "card declined", now.Add(-day(45)))
	w.payment("pay_c_ok", c, "paid", "succeeded", "", now.Add(-day(2)))
	return w
}

func TestDashboardFigures(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		now := time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC)
		w := buildBusiness(t, s, now)
		// Another workspace's business must not leak into Acme's figures.
		other := newWorld(t, s, "Other")
		other.clock = now.Add(-day(90))
		other.plan("plan_m", "renewal", 30)
		other.opportunity(now.Add(-day(2)), opp{name: "X", status: "past_due", plan: "plan_m", micros: 999_000_000, renewal: ptr(now.Add(day(1)))})

		svc := insights.New(insights.Config{Store: s, Now: func() time.Time { return now }})
		d, err := svc.Dashboard(context.Background(), insights.DashboardParams{WorkspaceID: w.ws})
		if err != nil {
			t.Fatal(err)
		}
		want := store.MembershipCounts{ActiveMembers: 9, OneTimeBuyers: 1, New: 2, Churned: 1, FailedPayments: 1, RenewalsDue: 2, AtRisk: 2, Synced: true}
		if d.Counts != want {
			t.Errorf("Counts = %+v; want %+v", d.Counts, want)
		}
		wantMRR := []insights.MRR{
			{Currency: "EUR", Micros: 9_000_000, ThenMicros: 9_000_000, ChangeMicros: 0, Members: 1},
			{Currency: "USD", Micros: 135_000_000, ThenMicros: 115_000_000, ChangeMicros: 20_000_000, Members: 7},
		}
		if len(d.MRR) != len(wantMRR) {
			t.Fatalf("MRR = %+v; want %+v", d.MRR, wantMRR)
		}
		for i := range wantMRR {
			if d.MRR[i] != wantMRR[i] {
				t.Errorf("MRR[%d] = %+v; want %+v", i, d.MRR[i], wantMRR[i])
			}
		}
		var risk []string
		for _, r := range d.AtRisk {
			risk = append(risk, r.Name)
		}
		if len(risk) != 2 || risk[0] != "D" || risk[1] != "C" {
			t.Errorf("AtRisk = %v; want [D C] (soonest renewal first, none last)", risk)
		}
		if len(d.Recent) == 0 || d.Recent[0].RecordObject != "opportunity" || d.Recent[0].RecordName != "Z" || d.Recent[0].Name != "opportunity.deleted" {
			t.Errorf("Recent[0] = %+v; want the deletion of Z", d.Recent[0])
		}

		// Other's own figures stay its own.
		od, err := svc.Dashboard(context.Background(), insights.DashboardParams{WorkspaceID: other.ws})
		if err != nil {
			t.Fatal(err)
		}
		if od.Counts.ActiveMembers != 1 || od.Counts.AtRisk != 1 || od.Counts.RenewalsDue != 1 || len(od.MRR) != 1 || od.MRR[0].Micros != 999_000_000 {
			t.Errorf("other workspace = %+v %+v; want its one member only", od.Counts, od.MRR)
		}
	})
}

func ptr(t time.Time) *time.Time { return &t }

func TestDashboardEmptyWorkspace(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ws := storetest.NewWorkspace(t, s, "Empty")
		d, err := insights.New(insights.Config{Store: s}).Dashboard(context.Background(), insights.DashboardParams{WorkspaceID: ws})
		if err != nil {
			t.Fatal(err)
		}
		if d.Counts != (store.MembershipCounts{}) || len(d.MRR) != 0 || len(d.AtRisk) != 0 || len(d.Recent) != 0 {
			t.Errorf("empty dashboard = %+v; want zeroes", d)
		}
	})
}

// TestActiveMembersCountsPeople builds people with several memberships and
// one-time purchases: active members are people with a running recurring
// membership, one-time buyers the others who hold a one-time purchase.
func TestActiveMembersCountsPeople(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		now := time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC)
		w := newWorld(t, s, "People")
		w.clock = now.Add(-day(90))
		w.plan("plan_m", "renewal", 30)
		w.plan("plan_once", "one_time", 0)
		person := func(name string) string {
			recs, err := w.recs.Create(context.Background(), records.CreateParams{WorkspaceID: w.ws, Object: crm.PersonObject, Actor: whopActor,
				Inputs: []crm.Input{{"name": map[string]any{"firstName": name}}}})
			if err != nil {
				t.Fatal(err)
			}
			return recs[0].Meta().ID
		}
		at := now.Add(-day(40))
		two := person("Two subscriptions") // active member once
		w.opportunity(at, opp{name: "two-1", status: "active", plan: "plan_m", micros: 1, person: two})
		w.opportunity(at, opp{name: "two-2", status: "canceling", plan: "plan_m", micros: 1, person: two})
		both := person("Subscription and purchase") // active member, not a one-time buyer
		w.opportunity(at, opp{name: "both-1", status: "past_due", plan: "plan_m", micros: 1, person: both})
		w.opportunity(at, opp{name: "both-2", status: "completed", plan: "plan_once", micros: 1, person: both})
		trial := person("Trial") // active member
		w.opportunity(at, opp{name: "trial-1", status: "trialing", plan: "plan_m", micros: 1, person: trial})
		w.opportunity(at, opp{name: "trial-2", status: "expired", plan: "plan_m", micros: 1, person: trial})
		buyer := person("Two purchases") // one-time buyer once
		w.opportunity(at, opp{name: "buyer-1", status: "completed", plan: "plan_once", micros: 1, person: buyer})
		w.opportunity(at, opp{name: "buyer-2", status: "completed", plan: "plan_once", micros: 1, person: buyer})
		lifetime := person("Active one-time plan") // one-time buyer: the plan is one-time
		w.opportunity(at, opp{name: "lifetime", status: "active", plan: "plan_once", micros: 1, person: lifetime})
		gone := person("Churned") // neither
		w.opportunity(at, opp{name: "gone", status: "canceled", plan: "plan_m", micros: 1, person: gone})
		deleted := person("Deleted membership") // neither
		del := w.opportunity(at, opp{name: "deleted", status: "active", plan: "plan_m", micros: 1, person: deleted})
		if _, err := w.recs.Delete(context.Background(), records.Ref{WorkspaceID: w.ws, Object: crm.OpportunityObject, Actor: whopActor, ID: del}); err != nil {
			t.Fatal(err)
		}
		w.opportunity(at, opp{name: "nobody", status: "active", plan: "plan_m", micros: 1}) // no person: counts as one

		d, err := insights.New(insights.Config{Store: s, Now: func() time.Time { return now }}).Dashboard(context.Background(), insights.DashboardParams{WorkspaceID: w.ws})
		if err != nil {
			t.Fatal(err)
		}
		// 12 memberships, 11 live, 8 granting access; 4 active members, 2 one-time buyers.
		if d.Counts.ActiveMembers != 4 || d.Counts.OneTimeBuyers != 2 {
			t.Errorf("ActiveMembers, OneTimeBuyers = %d, %d; want 4, 2", d.Counts.ActiveMembers, d.Counts.OneTimeBuyers)
		}
	})
}

func TestEveryFigureIsDefined(t *testing.T) {
	for _, k := range []string{insights.FigureActiveMembers, insights.FigureOneTimeBuyers, insights.FigureMRR, insights.FigureNew,
		insights.FigureChurned, insights.FigureFailedPayments, insights.FigureRenewalsDue, insights.FigureAtRisk} {
		d, ok := insights.Definitions[k]
		if !ok || d.Label == "" || len(d.Text) < 30 {
			t.Errorf("Definitions[%q] = %+v; want a label and a sentence", k, d)
		}
	}
	if got := insights.Definitions[insights.FigureActiveMembers].Text; !strings.Contains(got, "Trialing, Active, Past due or Canceling") {
		t.Errorf("active members definition %q does not name the recurring statuses", got)
	}
}
