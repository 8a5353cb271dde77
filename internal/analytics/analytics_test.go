package analytics_test

import (
	"context"
	"database/sql"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/analytics"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/insights"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// world writes Whop-shaped data at chosen moments: the records service runs
// on a clock the test moves, so the timeline holds the history.
type world struct {
	t     *testing.T
	s     *store.Store
	recs  *records.Service
	ws    string
	clock time.Time
}

var whopActor = crm.Actor{Source: crm.SourceSystem, Name: "Whop"}

func newWorld(t *testing.T, s *store.Store, name string) *world {
	w := &world{t: t, s: s, ws: storetest.NewWorkspace(t, s, name), clock: date(2025, 12, 1)}
	w.recs = records.New(records.Config{Store: s, Now: func() time.Time { return w.clock }})
	return w
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, time.UTC) }

func (w *world) plan(id, planType string, days int64) {
	w.t.Helper()
	p := &store.WhopPlan{WorkspaceID: w.ws, WhopID: id, PlanType: planType, Currency: "USD", Data: []byte(`{"id":"` + id + `"}`)}
	if days > 0 {
		p.BillingPeriodDays = &days
	}
	if err := w.s.InTx(context.Background(), func(tx *sql.Tx) error {
		_, err := w.s.WhopPlanUpsert(context.Background(), tx, p, w.clock)
		return err
	}); err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) person(name string) string {
	w.t.Helper()
	recs, err := w.recs.Create(context.Background(), records.CreateParams{WorkspaceID: w.ws, Object: crm.PersonObject, Actor: whopActor,
		Inputs: []crm.Input{{"name": map[string]any{"firstName": name}}}})
	if err != nil {
		w.t.Fatal(err)
	}
	return recs[0].Meta().ID
}

// membership creates a membership at `at`; currency "" is USD.
func (w *world) membership(at time.Time, name, person, status, plan string, micros int64, currency string) string {
	w.t.Helper()
	w.clock = at
	if currency == "" {
		currency = "USD"
	}
	in := crm.Input{"name": name, "whopMembershipId": "mem_" + name, "whopMembershipStatus": status, "whopPlanId": plan, "whopProductId": "prod_1",
		"amount": map[string]any{"amountMicros": micros, "currencyCode": currency}}
	if person != "" {
		in["pointOfContactId"] = person
	}
	recs, err := w.recs.Create(context.Background(), records.CreateParams{WorkspaceID: w.ws, Object: crm.OpportunityObject, Actor: whopActor, Inputs: []crm.Input{in}})
	if err != nil {
		w.t.Fatalf("create %s: %v", name, err)
	}
	return recs[0].Meta().ID
}

func (w *world) update(at time.Time, id string, in crm.Input) {
	w.t.Helper()
	w.clock = at
	if _, err := w.recs.Update(context.Background(), records.UpdateParams{WorkspaceID: w.ws, Object: crm.OpportunityObject, Actor: whopActor, ID: id, Input: in}); err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) price(at time.Time, id string, micros int64) {
	w.update(at, id, crm.Input{"amount": map[string]any{"amountMicros": micros, "currencyCode": "USD"}})
}

func (w *world) status(at time.Time, id, status string) {
	w.update(at, id, crm.Input{"whopMembershipStatus": status})
}

// payment records a Whop payment of opp, paid at `paid` unless status is
// not "paid"; refunded > 0 is refunded at refundedAt.
func (w *world) payment(id, opp, status string, micros int64, paid time.Time, refunded int64, refundedAt time.Time) {
	w.t.Helper()
	p := &store.WhopPayment{WorkspaceID: w.ws, WhopID: id, Status: status, AmountMicros: &micros, Currency: "USD", ProductWhopID: "prod_1",
		OpportunityID: &opp, WhopCreatedAt: &paid, WhopUpdatedAt: &paid, Data: []byte(`{"id":"` + id + `"}`)}
	if status == "paid" {
		p.PaidAt = &paid
	}
	if refunded > 0 {
		p.RefundedMicros, p.RefundedAt = &refunded, &refundedAt
	}
	if err := w.s.InTx(context.Background(), func(tx *sql.Tx) error {
		return w.s.WhopPaymentUpsertMany(context.Background(), tx, []*store.WhopPayment{p}, paid)
	}); err != nil {
		w.t.Fatal(err)
	}
}

const usd = 1_000_000 // micros per dollar

// fixture is the business docs/analytics.md works through; every figure the
// tests assert is derived in these comments (amounts in dollars, USD unless
// said).
//
//	Ann  A   2026-01-10 active, monthly 30; 02-15 price 50 (expansion +20);
//	         03-20 canceled (churn -50).
//	     A2  2026-04-05 active, monthly 20 (Ann pays again: reactivation +20).
//	Bob  B   2026-01-20 active, yearly 120 (10 a month); 03-05 price 60
//	         (5 a month: contraction -5).
//	Cat  C   2026-02-01 trialing, monthly 40 (a member, no MRR);
//	         02-08 active (new +40).
//	Dan  D   2026-02-10 active, monthly 25 (new +25); 03-01 past_due (still
//	         counted); 03-10 expired (churn -25).
//	Eve  E   2026-01-05 active, monthly 9 EUR.
//	Fay  F   2026-01-15 completed one-time purchase of 100: revenue, never
//	         MRR nor an active member; 30 refunded on 02-02.
//	Gus  G   2026-03-12 canceling, monthly 15 (counted until it ends: new +15).
//	Hal  H   2026-01-02 active on a free monthly plan: a member, no MRR.
//	Ola  O   first synced 2026-03-15 already canceled, monthly 12, paid
//	         01-03 and 02-03: taken as active from 01-03 (new +12) until a
//	         period after the last payment, 03-05 (churn -12).
//
// MRR (USD) at month ends: Jan A30 + B10 + O12 = 52; Feb A50 + B10 + C40 +
// D25 + O12 = 137; Mar B5 + C40 + G15 = 60.
// Movements: Jan new 52; Feb new 65 (C40 + D25), expansion 20, net 85;
// Mar new 15, contraction 5, churn 87 (O12 + D25 + A50), net -77.
// Members: Jan new O, E, H, A, B (5), active 5; Feb new C, D (2), active 7;
// Mar new G, churned O, D and A, active 5 (B, C, E, G, H).
// Revenue (USD, paid minus refunded on its date): Jan O12 + A30 + F100 +
// B120 = 262; Feb O12 + C40 + D25 + A50 - 30 refunded = 97; Mar G15 = 15;
// D's failed payment of 03-01 is not revenue.
func fixture(t *testing.T, s *store.Store) *world {
	w := newWorld(t, s, "Acme")
	w.plan("plan_m", "renewal", 30)
	w.plan("plan_y", "renewal", 365)
	w.plan("plan_once", "one_time", 0)
	w.plan("plan_free", "renewal", 31)
	ann, bob, cat, dan := w.person("Ann"), w.person("Bob"), w.person("Cat"), w.person("Dan")
	eve, fay, gus, hal, ola := w.person("Eve"), w.person("Fay"), w.person("Gus"), w.person("Hal"), w.person("Ola")

	w.membership(date(2026, 1, 2), "H", hal, "active", "plan_free", 0, "")
	w.membership(date(2026, 1, 5), "E", eve, "active", "plan_m", 9*usd, "EUR")
	a := w.membership(date(2026, 1, 10), "A", ann, "active", "plan_m", 30*usd, "")
	w.payment("pay_a1", a, "paid", 30*usd, date(2026, 1, 10), 0, time.Time{})
	f := w.membership(date(2026, 1, 15), "F", fay, "completed", "plan_once", 100*usd, "")
	w.payment("pay_f", f, "paid", 100*usd, date(2026, 1, 15), 30*usd, date(2026, 2, 2))
	b := w.membership(date(2026, 1, 20), "B", bob, "active", "plan_y", 120*usd, "")
	w.payment("pay_b", b, "paid", 120*usd, date(2026, 1, 20), 0, time.Time{})
	c := w.membership(date(2026, 2, 1), "C", cat, "trialing", "plan_m", 40*usd, "")
	w.status(date(2026, 2, 8), c, "active")
	w.payment("pay_c", c, "paid", 40*usd, date(2026, 2, 8), 0, time.Time{})
	d := w.membership(date(2026, 2, 10), "D", dan, "active", "plan_m", 25*usd, "")
	w.payment("pay_d", d, "paid", 25*usd, date(2026, 2, 10), 0, time.Time{})
	w.price(date(2026, 2, 15), a, 50*usd)
	w.payment("pay_a2", a, "paid", 50*usd, date(2026, 2, 15), 0, time.Time{})
	w.status(date(2026, 3, 1), d, "past_due")
	w.payment("pay_d_fail", d, "open", 25*usd, date(2026, 3, 1), 0, time.Time{})
	w.price(date(2026, 3, 5), b, 60*usd)
	w.status(date(2026, 3, 10), d, "expired")
	g := w.membership(date(2026, 3, 12), "G", gus, "canceling", "plan_m", 15*usd, "")
	w.payment("pay_g", g, "paid", 15*usd, date(2026, 3, 12), 0, time.Time{})
	w.status(date(2026, 3, 20), a, "canceled")
	o := w.membership(date(2026, 3, 15), "O", ola, "canceled", "plan_m", 12*usd, "")
	w.payment("pay_o1", o, "paid", 12*usd, date(2026, 1, 3), 0, time.Time{})
	w.payment("pay_o2", o, "paid", 12*usd, date(2026, 2, 3), 0, time.Time{})
	w.membership(date(2026, 4, 5), "A2", ann, "active", "plan_m", 20*usd, "")
	return w
}

func service(s *store.Store) *analytics.Service {
	return analytics.New(analytics.Config{Store: s, Now: func() time.Time { return date(2026, 4, 15) }})
}

func TestRevenueMetricsFixture(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		w := fixture(t, s)
		// Another workspace's business must not leak into Acme's figures.
		other := newWorld(t, s, "Other")
		other.plan("plan_m", "renewal", 30)
		other.membership(date(2026, 2, 1), "X", "", "active", "plan_m", 999*usd, "")

		svc := service(s)
		m, err := svc.RevenueMetrics(context.Background(), analytics.Params{WorkspaceID: w.ws, From: date(2026, 1, 1), To: date(2026, 3, 31),
			Interval: analytics.Month, Semantics: analytics.DefaultSemantics()})
		if err != nil {
			t.Fatal(err)
		}
		// USD has the most MRR, so it is the default currency.
		if m.Currency != "USD" || !reflect.DeepEqual(m.Currencies, []string{"EUR", "USD"}) {
			t.Errorf("currency %q of %v; want USD of [EUR USD]", m.Currency, m.Currencies)
		}
		// As of 03-31: MRR 60, ARR 720, paying B, C, G (3), ARPU 20; active
		// B, C, E, G, H (5); nobody was active before 01-01, so the logo
		// churn rate of the range is 0; revenue 262 + 97 + 15 = 374.
		if m.MRRMicros != 60*usd || m.ARRMicros != 720*usd || m.PayingMembers != 3 || m.ARPUMicros != 20*usd || m.ActiveMembers != 5 ||
			m.LogoChurnRate != 0 || m.RevenueMicros != 374*usd || m.RefundedMicros != 30*usd {
			t.Errorf("top = mrr %d arr %d paying %d arpu %d active %d churn %v revenue %d refunded %d",
				m.MRRMicros, m.ARRMicros, m.PayingMembers, m.ARPUMicros, m.ActiveMembers, m.LogoChurnRate, m.RevenueMicros, m.RefundedMicros)
		}
		want := []analytics.Point{
			{PeriodStart: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), PeriodEnd: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC),
				MRRMicros: 52 * usd, NewMicros: 52 * usd, NetNewMicros: 52 * usd, ActiveMembers: 5, NewMembers: 5, RevenueMicros: 262 * usd},
			{PeriodStart: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), PeriodEnd: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
				MRRMicros: 137 * usd, NewMicros: 65 * usd, ExpansionMicros: 20 * usd, NetNewMicros: 85 * usd, ActiveMembers: 7, NewMembers: 2,
				RevenueMicros: 97 * usd, RefundedMicros: 30 * usd},
			{PeriodStart: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), PeriodEnd: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC),
				MRRMicros: 60 * usd, NewMicros: 15 * usd, ContractionMicros: 5 * usd, ChurnedMicros: 87 * usd, NetNewMicros: -77 * usd,
				ActiveMembers: 5, NewMembers: 1, ChurnedMembers: 3, RevenueMicros: 15 * usd},
		}
		if !reflect.DeepEqual(m.Points, want) {
			t.Errorf("points:\n got %+v\nwant %+v", m.Points, want)
		}

		// EUR: Eve's 9 from 01-05; the members are the same people.
		eur, err := svc.RevenueMetrics(context.Background(), analytics.Params{WorkspaceID: w.ws, From: date(2026, 1, 1), To: date(2026, 3, 31),
			Currency: "eur", Semantics: analytics.DefaultSemantics()})
		if err != nil {
			t.Fatal(err)
		}
		if eur.Currency != "EUR" || eur.MRRMicros != 9*usd || eur.PayingMembers != 1 || eur.ActiveMembers != 5 || eur.Points[0].NewMicros != 9*usd || eur.RevenueMicros != 0 {
			t.Errorf("EUR = %+v", eur)
		}

		// February to March: active before 02-01 were O, H, E, A, B (5); O, D
		// and A churned: logo churn 3/5.
		fm, err := svc.RevenueMetrics(context.Background(), analytics.Params{WorkspaceID: w.ws, From: date(2026, 2, 1), To: date(2026, 3, 31),
			Semantics: analytics.DefaultSemantics()})
		if err != nil {
			t.Fatal(err)
		}
		if fm.LogoChurnRate != 0.6 {
			t.Errorf("logo churn rate Feb-Mar = %v; want 0.6", fm.LogoChurnRate)
		}
		// Retention of the people paying on 02-01: A 30, B 10, O 12 = 52.
		// By 03-31 A and O left and B pays 5: NRR = GRR = 5/52, revenue
		// churn 47/52 (gross and net).
		// (Ratios are computed at run time as the service does, not folded
		// exactly by the compiler.)
		ratio := func(a, b int64) float64 { return float64(a) / float64(b) }
		if r := ratio(5, 52); fm.NRR != r || fm.GRR != r || fm.RevenueChurnRate != 1-r || fm.NetRevenueChurnRate != 1-r {
			t.Errorf("Feb-Mar: NRR %v GRR %v churn %v net %v; want 5/52, 5/52, 47/52, 47/52", fm.NRR, fm.GRR, fm.RevenueChurnRate, fm.NetRevenueChurnRate)
		}
		// February alone: by 02-28 A pays 50 (expansion), B 10, O 12 = 72:
		// NRR 72/52, GRR 52/52 = 1, gross revenue churn 0, net -20/52.
		feb, err := svc.RevenueMetrics(context.Background(), analytics.Params{WorkspaceID: w.ws, From: date(2026, 2, 1), To: date(2026, 2, 28),
			Semantics: analytics.DefaultSemantics()})
		if err != nil {
			t.Fatal(err)
		}
		if r := ratio(72, 52); feb.NRR != r || feb.GRR != 1 || feb.RevenueChurnRate != 0 || feb.NetRevenueChurnRate != 1-r {
			t.Errorf("Feb: NRR %v GRR %v churn %v net %v; want 72/52, 1, 0, -20/52", feb.NRR, feb.GRR, feb.RevenueChurnRate, feb.NetRevenueChurnRate)
		}
		// The product filter: everything is prod_1 but Eve's membership,
		// moved to prod_2 here; prod_2 has her 9 EUR and no USD at all.
		if _, err := w.s.Write.ExecContext(context.Background(), `UPDATE opportunities SET whop_product_id = 'prod_2' WHERE workspace_id = $1 AND whop_membership_id = 'mem_E'`, w.ws); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			product, currency string
			mrr               int64
			active            int
			revenue           int64
		}{{"prod_2", "EUR", 9 * usd, 1, 0}, {"prod_2", "USD", 0, 1, 0}, {"prod_1", "USD", 60 * usd, 4, 374 * usd}, {"prod_1", "EUR", 0, 4, 0}} {
			pm, err := svc.RevenueMetrics(context.Background(), analytics.Params{WorkspaceID: w.ws, From: date(2026, 1, 1), To: date(2026, 3, 31),
				Currency: c.currency, ProductID: c.product, Semantics: analytics.DefaultSemantics()})
			if err != nil {
				t.Fatal(err)
			}
			if pm.MRRMicros != c.mrr || pm.ActiveMembers != c.active || pm.RevenueMicros != c.revenue {
				t.Errorf("%s %s: mrr %d active %d revenue %d; want %d %d %d", c.product, c.currency, pm.MRRMicros, pm.ActiveMembers, pm.RevenueMicros, c.mrr, c.active, c.revenue)
			}
		}
		// Nobody paid before January: the rates are 0.
		if m.NRR != 0 || m.GRR != 0 || m.RevenueChurnRate != 0 {
			t.Errorf("Jan-Mar: NRR %v GRR %v churn %v; want 0", m.NRR, m.GRR, m.RevenueChurnRate)
		}
	})
}

func TestMRRMovementsDrillDown(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		w := fixture(t, s)
		svc := service(s)
		moves := func(from, to time.Time, kind analytics.Kind, sem analytics.Semantics) []analytics.Movement {
			t.Helper()
			out, err := svc.MRRMovements(context.Background(), analytics.MovementsParams{Kind: kind,
				Params: analytics.Params{WorkspaceID: w.ws, From: from, To: to, Currency: "USD", Semantics: sem}})
			if err != nil {
				t.Fatal(err)
			}
			return out
		}
		type row struct {
			membership    string
			at            time.Time
			before, after int64
			kind          analytics.Kind
			hasPerson     bool
		}
		rows := func(ms []analytics.Movement) []row {
			var out []row
			for _, m := range ms {
				out = append(out, row{m.MembershipID, m.HappenedAt, m.BeforeMicros, m.AfterMicros, m.Kind, m.PersonID != ""})
			}
			return out
		}
		def := analytics.DefaultSemantics()
		// March's churn: O (12 -> 0) on 03-05, a period after its last
		// payment, D (25 -> 0) on 03-10, A (50 -> 0) on 03-20; their sum,
		// -87, is March's churned MRR.
		got := rows(moves(date(2026, 3, 1), date(2026, 3, 31), analytics.KindChurn, def))
		want := []row{{"mem_O", date(2026, 3, 5), 12 * usd, 0, analytics.KindChurn, true},
			{"mem_D", date(2026, 3, 10), 25 * usd, 0, analytics.KindChurn, true}, {"mem_A", date(2026, 3, 20), 50 * usd, 0, analytics.KindChurn, true}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("March churn:\n got %+v\nwant %+v", got, want)
		}
		// Ann pays again on 04-05 through a new membership: reactivation.
		got = rows(moves(date(2026, 4, 1), date(2026, 4, 30), "", def))
		want = []row{{"mem_A2", date(2026, 4, 5), 0, 20 * usd, analytics.KindReactivation, true}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("April:\n got %+v\nwant %+v", got, want)
		}
		// Bob's yearly price 120 -> 60 is 10 -> 5 a month.
		got = rows(moves(date(2026, 1, 1), date(2026, 3, 31), analytics.KindContraction, def))
		want = []row{{"mem_B", date(2026, 3, 5), 10 * usd, 5 * usd, analytics.KindContraction, true}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("contraction:\n got %+v\nwant %+v", got, want)
		}

		// Switches. past_due not active: D churns when it goes past due.
		noPastDue := def
		noPastDue.PastDueActive = false
		got = rows(moves(date(2026, 3, 1), date(2026, 3, 31), analytics.KindChurn, noPastDue))
		if len(got) != 3 || got[0].membership != "mem_D" || !got[0].at.Equal(date(2026, 3, 1)) {
			t.Errorf("churn without past_due: %+v; want D on 03-01 first", got)
		}
		// Trials in MRR: Cat is new on 02-01 (the trial), not on 02-08.
		trials := def
		trials.TrialsInMRR = true
		got = rows(moves(date(2026, 2, 1), date(2026, 2, 28), analytics.KindNew, trials))
		if len(got) != 2 || got[0].membership != "mem_C" || !got[0].at.Equal(date(2026, 2, 1)) || got[0].after != 40*usd {
			t.Errorf("new with trials: %+v; want C on 02-01 first", got)
		}
		// Canceling not counted: Gus never pays, March MRR is 45 and there
		// are 4 active members at its end; refunds on the payment's date
		// move Fay's 30 to January.
		strict := def
		strict.CancelingUntilPeriodEnd, strict.RefundsOnRefundDate = false, false
		m, err := svc.RevenueMetrics(context.Background(), analytics.Params{WorkspaceID: w.ws, From: date(2026, 1, 1), To: date(2026, 3, 31), Semantics: strict})
		if err != nil {
			t.Fatal(err)
		}
		if m.MRRMicros != 45*usd || m.ActiveMembers != 4 || m.Points[2].NewMicros != 0 || m.Points[0].RevenueMicros != 232*usd || m.Points[1].RevenueMicros != 127*usd {
			t.Errorf("strict: mrr %d active %d march new %d jan revenue %d feb revenue %d", m.MRRMicros, m.ActiveMembers, m.Points[2].NewMicros,
				m.Points[0].RevenueMicros, m.Points[1].RevenueMicros)
		}
	})
}

// TestMovementsAddUp checks the identity the charts rely on, on every
// interval and every switch: per period, MRR(end) - MRR(start) = net new,
// each period's MRR and active members equal a fresh count at its end, and
// the drill-down of each kind sums to the period's figure.
func TestMovementsAddUp(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		w := fixture(t, s)
		svc := service(s)
		for _, iv := range []analytics.Interval{analytics.Day, analytics.Week, analytics.Month} {
			for bits := 0; bits < 16; bits++ {
				sem := analytics.Semantics{PastDueActive: bits&1 != 0, CancelingUntilPeriodEnd: bits&2 != 0, TrialsInMRR: bits&4 != 0, RefundsOnRefundDate: bits&8 != 0}
				p := analytics.Params{WorkspaceID: w.ws, From: date(2025, 12, 20), To: date(2026, 4, 20), Interval: iv, Currency: "USD", Semantics: sem}
				m, err := svc.RevenueMetrics(context.Background(), p)
				if err != nil {
					t.Fatal(err)
				}
				prev := int64(0) // nothing before 2025-12-20
				for _, pt := range m.Points {
					if pt.MRRMicros-prev != pt.NetNewMicros {
						t.Fatalf("%s %+v %s: MRR %d -> %d but net new %d", iv, sem, pt.PeriodStart, prev, pt.MRRMicros, pt.NetNewMicros)
					}
					prev = pt.MRRMicros
				}
				if iv != analytics.Month {
					continue
				}
				// The points' MRR and active members run on from the start;
				// a fresh count at each period's end must agree.
				for _, pt := range m.Points {
					last := pt.PeriodEnd.AddDate(0, 0, -1)
					one, err := svc.RevenueMetrics(context.Background(), analytics.Params{WorkspaceID: w.ws, From: last, To: last, Currency: "USD", Semantics: sem})
					if err != nil {
						t.Fatal(err)
					}
					if one.MRRMicros != pt.MRRMicros || one.ActiveMembers != pt.ActiveMembers {
						t.Errorf("%+v %s: point MRR %d active %d; counted %d, %d", sem, pt.PeriodStart, pt.MRRMicros, pt.ActiveMembers, one.MRRMicros, one.ActiveMembers)
					}
				}
				all, err := svc.MRRMovements(context.Background(), analytics.MovementsParams{Params: p})
				if err != nil {
					t.Fatal(err)
				}
				sum := map[analytics.Kind]int64{}
				for _, mv := range all {
					sum[mv.Kind] += mv.AfterMicros - mv.BeforeMicros
				}
				var tot analytics.Point
				for _, pt := range m.Points {
					tot.NewMicros += pt.NewMicros
					tot.ExpansionMicros += pt.ExpansionMicros
					tot.ReactivationMicros += pt.ReactivationMicros
					tot.ContractionMicros += pt.ContractionMicros
					tot.ChurnedMicros += pt.ChurnedMicros
				}
				if sum[analytics.KindNew] != tot.NewMicros || sum[analytics.KindExpansion] != tot.ExpansionMicros || sum[analytics.KindReactivation] != tot.ReactivationMicros ||
					-sum[analytics.KindContraction] != tot.ContractionMicros || -sum[analytics.KindChurn] != tot.ChurnedMicros {
					t.Errorf("%+v: drill-down sums %v; points %+v", sem, sum, tot)
				}
			}
		}
	})
}

func TestRevenueMetricsRefusesBadInput(t *testing.T) {
	svc := analytics.New(analytics.Config{})
	cases := []struct {
		p     analytics.Params
		field string
	}{
		{analytics.Params{To: date(2026, 1, 1)}, "from"},
		{analytics.Params{From: date(2026, 1, 1)}, "to"},
		{analytics.Params{From: date(2026, 2, 1), To: date(2026, 1, 1)}, "to"},
		{analytics.Params{From: date(2026, 1, 1), To: date(2026, 2, 1), Interval: "YEAR"}, "interval"},
		{analytics.Params{From: date(2020, 1, 1), To: date(2026, 1, 1), Interval: analytics.Day}, "interval"},
	}
	for _, c := range cases {
		_, err := svc.RevenueMetrics(context.Background(), c.p)
		var ve *crm.Error
		if !errors.As(err, &ve) || ve.Field != c.field {
			t.Errorf("%+v: err %v; want a validation error on %s", c.p, err, c.field)
		}
	}
	_, err := svc.MRRMovements(context.Background(), analytics.MovementsParams{Kind: "LOST", Params: analytics.Params{From: date(2026, 1, 1), To: date(2026, 1, 2)}})
	var ve *crm.Error
	if !errors.As(err, &ve) || ve.Field != "kind" {
		t.Errorf("kind LOST: err %v; want a validation error on kind", err)
	}
}

// TestMRRAgreesWithDashboard keeps one set of definitions: today's MRR per
// currency is the home dashboard's (package insights, computed in SQL) when
// asked for today. On 2026-04-15: A2 20 + B 5 + C 40 + G 15 = 80 USD, E 9
// EUR.
func TestMRRAgreesWithDashboard(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		w := fixture(t, s)
		now := date(2026, 4, 15)
		dash, err := insights.New(insights.Config{Store: s, Now: func() time.Time { return now }}).MRR(context.Background(), w.ws, now)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int64{"USD": 80 * usd, "EUR": 9 * usd}
		if len(dash) != len(want) {
			t.Fatalf("dashboard MRR = %+v; want %v", dash, want)
		}
		for _, d := range dash {
			m, err := service(s).RevenueMetrics(context.Background(), analytics.Params{WorkspaceID: w.ws, From: now, To: now, Currency: d.Currency, Semantics: analytics.DefaultSemantics()})
			if err != nil {
				t.Fatal(err)
			}
			if d.Micros != want[d.Currency] || m.MRRMicros != d.Micros {
				t.Errorf("%s: dashboard %d, analytics %d; want %d", d.Currency, d.Micros, m.MRRMicros, want[d.Currency])
			}
		}
	})
}
