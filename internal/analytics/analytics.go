// Package analytics computes the revenue figures of a Whop membership
// business: MRR and ARR per currency, MRR movements (new, expansion,
// contraction, churn, reactivation) with the people behind each, active,
// new and churned members, logo churn and revenue. It grows from package
// insights (the home dashboard) and keeps its rules: the status sets of
// package whopstatus and the month normalisation of store.MRRAt
// (MonthlyMicros). docs/analytics.md defines every figure.
//
// Figures use the price a membership had at each moment, not today's: the
// store returns each membership as it is now and the timeline's changes to
// its status, price and plan, and replay.go walks them back. The figures
// are computed from that history on each call (no snapshot table yet).
package analytics

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
)

// Config wires a Service.
type Config struct {
	Store *store.Store
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Service computes revenue analytics. It is safe for concurrent use.
type Service struct {
	store *store.Store
	now   func() time.Time
}

// New returns a Service.
func New(cfg Config) *Service {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Service{store: cfg.Store, now: cfg.Now}
}

// Semantics are Whop's rules as switches; DefaultSemantics are what Roster
// uses unless told otherwise (docs/analytics.md explains each).
type Semantics struct {
	// PastDueActive counts a past_due membership (Whop retrying a failed
	// payment) as active and in MRR until it ends.
	PastDueActive bool
	// CancelingUntilPeriodEnd counts a canceling membership (set to cancel
	// at the period end) as active and in MRR until it ends; off, it leaves
	// when the member asks to cancel.
	CancelingUntilPeriodEnd bool
	// TrialsInMRR counts a trial's price in MRR. Trials are members either
	// way.
	TrialsInMRR bool
	// RefundsOnRefundDate subtracts a refund from revenue on the day it was
	// refunded; off, on the day of the payment it refunds.
	RefundsOnRefundDate bool
}

// DefaultSemantics: past_due and canceling count until they end, trials
// are not MRR, refunds subtract on their date.
func DefaultSemantics() Semantics {
	return Semantics{PastDueActive: true, CancelingUntilPeriodEnd: true, RefundsOnRefundDate: true}
}

// Interval is the length of a chart's periods.
type Interval string

// Intervals.
const (
	Day   Interval = "DAY"
	Week  Interval = "WEEK" // weeks start on Monday
	Month Interval = "MONTH"
)

// Kind is the kind of an MRR movement.
type Kind string

// Movement kinds; docs/analytics.md defines each.
const (
	KindNew          Kind = "NEW"
	KindExpansion    Kind = "EXPANSION"
	KindContraction  Kind = "CONTRACTION"
	KindChurn        Kind = "CHURN"
	KindReactivation Kind = "REACTIVATION"
)

// Kinds lists the movement kinds in the order charts stack them.
var Kinds = []Kind{KindNew, KindExpansion, KindReactivation, KindContraction, KindChurn}

// MaxPoints bounds a chart: 3 years of days.
const MaxPoints = 1100

// Params select the figures of one workspace.
type Params struct {
	WorkspaceID string
	// From and To are days (UTC); both are included.
	From, To time.Time
	// Interval is the length of the chart's periods; "" means MONTH.
	Interval Interval
	// Currency of the money figures; "" picks the currency with the most
	// MRR at the end of To (then the most revenue, then USD).
	Currency string
	// ProductID keeps only the memberships and payments of one Whop product.
	ProductID string
	Semantics Semantics
}

// Movement is one change of a person's MRR in a currency, with the
// membership that caused it.
type Movement struct {
	Kind          Kind
	PersonID      string // "" for a membership without a person
	MembershipID  string // Whop membership ID
	OpportunityID string
	HappenedAt    time.Time
	BeforeMicros  int64 // the person's MRR in the currency just before
	AfterMicros   int64 // and just after
}

// Point is one period of a chart, [PeriodStart, PeriodEnd).
type Point struct {
	PeriodStart, PeriodEnd time.Time
	// MRRMicros is the MRR at the end of the period.
	MRRMicros                                                                        int64
	NewMicros, ExpansionMicros, ContractionMicros, ChurnedMicros, ReactivationMicros int64
	// NetNewMicros = new + expansion + reactivation - contraction - churned
	// = MRR at the end - MRR at the start.
	NetNewMicros int64
	// ActiveMembers at the end of the period; New (first time), Reactivated
	// and Churned members within it.
	ActiveMembers, NewMembers, ReactivatedMembers, ChurnedMembers int
	// RevenueMicros is what was paid in the period minus what was refunded
	// in it; RefundedMicros the refunds alone.
	RevenueMicros, RefundedMicros int64
}

// Metrics are the figures of a range: the top-level ones as of the end of
// To, and one Point per period.
type Metrics struct {
	Currency string
	// Currencies are every currency with MRR or revenue, sorted, so a
	// caller can ask for each (no exchange rates are invented).
	Currencies    []string
	MRRMicros     int64
	ARRMicros     int64
	ActiveMembers int // people
	PayingMembers int // people with MRR in Currency
	ARPUMicros    int64
	LogoChurnRate float64 // churned members in the range / active members at its start
	// NRR and GRR follow the people paying just before the range: their MRR
	// at its end over their MRR at its start, counting each person's end at
	// most at its start for GRR. RevenueChurnRate = 1 - GRR (gross) and
	// NetRevenueChurnRate = 1 - NRR (negative when expansion outweighs
	// churn). All 0 when nobody paid at the start.
	NRR, GRR, RevenueChurnRate, NetRevenueChurnRate float64
	RevenueMicros                                   int64 // paid minus refunded in the range
	RefundedMicros                                  int64
	Points                                          []Point
	Semantics                                       Semantics
}

// window checks p and returns its normalised bounds: [start, end) with end
// the midnight after To.
func (p *Params) window() (time.Time, time.Time, error) {
	from := dayOf(p.From)
	to := dayOf(p.To)
	if p.From.IsZero() {
		return from, to, crm.Invalid("from", crm.CodeInvalidValue, "is required")
	}
	if p.To.IsZero() {
		return from, to, crm.Invalid("to", crm.CodeInvalidValue, "is required")
	}
	if to.Before(from) {
		return from, to, crm.Invalid("to", crm.CodeInvalidValue, "%s is before from %s", to.Format(time.DateOnly), from.Format(time.DateOnly))
	}
	switch p.Interval {
	case "":
		p.Interval = Month
	case Day, Week, Month:
	default:
		return from, to, crm.Invalid("interval", crm.CodeInvalidValue, "%q is not DAY, WEEK or MONTH", p.Interval)
	}
	p.Currency = strings.ToUpper(strings.TrimSpace(p.Currency))
	return from, to.AddDate(0, 0, 1), nil
}

func dayOf(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// periods splits [start, end) at the interval's calendar boundaries; the
// first and last periods are clipped to the range, so the points add up to
// the range's figures.
func periods(start, end time.Time, iv Interval) ([][2]time.Time, error) {
	var out [][2]time.Time
	for s := start; s.Before(end); {
		var next time.Time
		switch iv {
		case Day:
			next = s.AddDate(0, 0, 1)
		case Week:
			next = s.AddDate(0, 0, 7-(int(s.Weekday())+6)%7)
		default:
			next = time.Date(s.Year(), s.Month()+1, 1, 0, 0, 0, 0, time.UTC)
		}
		if next.After(end) {
			next = end
		}
		out = append(out, [2]time.Time{s, next})
		if len(out) > MaxPoints {
			return nil, crm.Invalid("interval", crm.CodeInvalidValue, "the range has more than %d periods of a %s; choose a longer interval or a shorter range", MaxPoints, strings.ToLower(string(iv)))
		}
		s = next
	}
	return out, nil
}

// book is a workspace's replayed history, ready to be asked.
type book struct {
	rules  rules
	ms     []*membership
	people map[string][]*membership
	money  []*store.AnalyticsMoneyDay
}

func (s *Service) load(ctx context.Context, p *Params, until time.Time) (*book, error) {
	ms, err := s.store.AnalyticsMemberships(ctx, p.WorkspaceID)
	if err != nil {
		return nil, fmt.Errorf("analytics: %w", err)
	}
	changes, err := s.store.AnalyticsChanges(ctx, p.WorkspaceID)
	if err != nil {
		return nil, fmt.Errorf("analytics: %w", err)
	}
	plans, err := s.store.AnalyticsPlans(ctx, p.WorkspaceID)
	if err != nil {
		return nil, fmt.Errorf("analytics: %w", err)
	}
	money, err := s.store.AnalyticsMoneyDays(ctx, p.WorkspaceID, p.ProductID, until)
	if err != nil {
		return nil, fmt.Errorf("analytics: %w", err)
	}
	b := &book{rules: rules{sem: p.Semantics, plans: map[string]plan{}}, people: map[string][]*membership{}, money: money}
	for _, pl := range plans {
		b.rules.plans[pl.ID] = plan{renewal: pl.PlanType == "renewal", days: pl.BillingPeriodDays}
	}
	for _, m := range replay(ms, changes, b.rules.plans) {
		if p.ProductID != "" && m.productID != p.ProductID {
			continue
		}
		b.ms = append(b.ms, m)
		b.people[m.person] = append(b.people[m.person], m)
	}
	return b, nil
}

// mrrBefore is the MRR per currency just before t.
func (b *book) mrrBefore(t time.Time) map[string]int64 {
	out := map[string]int64{}
	for _, m := range b.ms {
		if st, ok := m.before(t); ok {
			if v := b.rules.monthly(st); v > 0 {
				out[st.currency] += v
			}
		}
	}
	return out
}

// personMRR is a person's MRR in currency just before t (or at t), with
// the membership contributing each part.
func (b *book) personMRR(ms []*membership, currency string, t time.Time, atT bool) (int64, map[*membership]int64) {
	var sum int64
	parts := map[*membership]int64{}
	for _, m := range ms {
		st, ok := m.before(t)
		if atT {
			st, ok = m.at(t)
		}
		if !ok || st.currency != currency {
			continue
		}
		if v := b.rules.monthly(st); v > 0 {
			sum += v
			parts[m] = v
		}
	}
	return sum, parts
}

// personActive reports whether a person is an active member just before t
// (or at t).
func (b *book) personActive(ms []*membership, t time.Time, atT bool) bool {
	for _, m := range ms {
		st, ok := m.before(t)
		if atT {
			st, ok = m.at(t)
		}
		if ok && b.rules.active(st) {
			return true
		}
	}
	return false
}

// instants are the moments a person's memberships changed, sorted.
func instants(ms []*membership) []time.Time {
	var ts []time.Time
	for _, m := range ms {
		for _, s := range m.segments {
			ts = append(ts, s.from)
		}
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i].Before(ts[j]) })
	out := ts[:0]
	for i, t := range ts {
		if i == 0 || !t.Equal(out[len(out)-1]) {
			out = append(out, t)
		}
	}
	return out
}

// movements are every MRR movement in currency, oldest first, across all
// time (a movement's kind depends on the person's earlier history).
func (b *book) movements(currency string) []Movement {
	var out []Movement
	for _, ms := range b.people {
		paidBefore := false
		for _, t := range instants(ms) {
			before, _ := b.personMRR(ms, currency, t, false)
			after, parts := b.personMRR(ms, currency, t, true)
			if before == after {
				if after > 0 {
					paidBefore = true
				}
				continue
			}
			var kind Kind
			switch {
			case before == 0 && !paidBefore:
				kind = KindNew
			case before == 0:
				kind = KindReactivation
			case after == 0:
				kind = KindChurn
			case after > before:
				kind = KindExpansion
			default:
				kind = KindContraction
			}
			paidBefore = true
			m := b.cause(ms, currency, t, parts)
			out = append(out, Movement{Kind: kind, PersonID: personID(m), MembershipID: m.membershipID, OpportunityID: m.opportunityID,
				HappenedAt: t, BeforeMicros: before, AfterMicros: after})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].HappenedAt.Equal(out[j].HappenedAt) {
			return out[i].HappenedAt.Before(out[j].HappenedAt)
		}
		return out[i].OpportunityID < out[j].OpportunityID
	})
	return out
}

// cause is the membership whose MRR changed most at t (ties: the smallest
// opportunity ID), the one a drill-down names.
func (b *book) cause(ms []*membership, currency string, t time.Time, after map[*membership]int64) *membership {
	_, before := b.personMRR(ms, currency, t, false)
	var best *membership
	var bestDelta int64
	for _, m := range ms {
		d := after[m] - before[m]
		if d < 0 {
			d = -d
		}
		if best == nil || d > bestDelta || d == bestDelta && m.opportunityID < best.opportunityID {
			best, bestDelta = m, d
		}
	}
	return best
}

func personID(m *membership) string {
	if strings.HasPrefix(m.person, "membership:") {
		return ""
	}
	return m.person
}

// logoEvent is a person becoming or ceasing to be an active member.
type logoEvent struct {
	at    time.Time
	delta int // +1 or -1
	first bool
}

func (b *book) logoEvents() []logoEvent {
	var out []logoEvent
	for _, ms := range b.people {
		wasActive := false
		for _, t := range instants(ms) {
			before := b.personActive(ms, t, false)
			after := b.personActive(ms, t, true)
			switch {
			case !before && after:
				out = append(out, logoEvent{at: t, delta: 1, first: !wasActive})
				wasActive = true
			case before && !after:
				out = append(out, logoEvent{at: t, delta: -1})
			}
		}
	}
	return out
}

func (b *book) activeBefore(t time.Time) int {
	n := 0
	for _, ms := range b.people {
		if b.personActive(ms, t, false) {
			n++
		}
	}
	return n
}

// eachRevenue calls fn for each day's money in currency: payments on their
// day (paid), and refunds (refunded) on the day they were made or, per the
// switch, on their payment's day. A refund without a date is on its
// payment's day either way.
func (b *book) eachRevenue(currency string, fn func(at time.Time, paid, refunded int64)) {
	for _, d := range b.money {
		if d.Currency != currency {
			continue
		}
		if b.rules.sem.RefundsOnRefundDate {
			fn(d.Day, d.PaidMicros, d.UndatedRefunds+d.RefundedThatDay)
		} else {
			fn(d.Day, d.PaidMicros, d.RefundedOfPaid)
		}
	}
}

// currencies lists every currency with MRR at end or a payment, and picks
// the default: the most MRR at end, then the most revenue, then USD.
func (b *book) currencies(end time.Time) ([]string, string) {
	mrr := b.mrrBefore(end)
	paid := map[string]int64{}
	for _, d := range b.money {
		paid[d.Currency] += d.PaidMicros
	}
	set := map[string]bool{}
	for c := range mrr {
		set[c] = true
	}
	for c := range paid {
		set[c] = true
	}
	var all []string
	for c := range set {
		if c != "" {
			all = append(all, c)
		}
	}
	sort.Strings(all)
	best := ""
	for _, c := range all {
		if best == "" || mrr[c] > mrr[best] || mrr[c] == mrr[best] && paid[c] > paid[best] {
			best = c
		}
	}
	if best == "" {
		best = "USD"
	}
	return all, best
}

// RevenueMetrics computes the figures of p's range.
func (s *Service) RevenueMetrics(ctx context.Context, p Params) (*Metrics, error) {
	start, end, err := p.window()
	if err != nil {
		return nil, err
	}
	ps, err := periods(start, end, p.Interval)
	if err != nil {
		return nil, err
	}
	b, err := s.load(ctx, &p, end)
	if err != nil {
		return nil, err
	}
	all, def := b.currencies(end)
	if p.Currency == "" {
		p.Currency = def
	}
	out := &Metrics{Currency: p.Currency, Currencies: all, Semantics: p.Semantics}
	// Each movement, member change and payment is added to the period it
	// falls in (one pass each); MRR and active members run on from their
	// value at the start. Both equal a fresh count at each period's end, as
	// every change of a person's MRR or membership is a movement or a
	// member change.
	out.Points = make([]Point, len(ps))
	for i, pr := range ps {
		out.Points[i] = Point{PeriodStart: pr[0], PeriodEnd: pr[1]}
	}
	period := func(t time.Time) *Point {
		i := sort.Search(len(ps), func(i int) bool { return ps[i][1].After(t) })
		if i == len(ps) || t.Before(ps[i][0]) {
			return nil
		}
		return &out.Points[i]
	}
	for _, m := range b.movements(p.Currency) {
		pt := period(m.HappenedAt)
		if pt == nil {
			continue
		}
		d := m.AfterMicros - m.BeforeMicros
		switch m.Kind {
		case KindNew:
			pt.NewMicros += d
		case KindExpansion:
			pt.ExpansionMicros += d
		case KindReactivation:
			pt.ReactivationMicros += d
		case KindContraction:
			pt.ContractionMicros -= d
		case KindChurn:
			pt.ChurnedMicros -= d
		}
	}
	for _, e := range b.logoEvents() {
		pt := period(e.at)
		switch {
		case pt == nil:
		case e.delta < 0:
			pt.ChurnedMembers++
		case e.first:
			pt.NewMembers++
		default:
			pt.ReactivatedMembers++
		}
	}
	b.eachRevenue(p.Currency, func(at time.Time, paid, refunded int64) {
		if pt := period(at); pt != nil {
			pt.RevenueMicros += paid - refunded
			pt.RefundedMicros += refunded
		}
	})
	mrr, active := b.mrrBefore(start)[p.Currency], b.activeBefore(start)
	for i := range out.Points {
		pt := &out.Points[i]
		pt.NetNewMicros = pt.NewMicros + pt.ExpansionMicros + pt.ReactivationMicros - pt.ContractionMicros - pt.ChurnedMicros
		mrr += pt.NetNewMicros
		active += pt.NewMembers + pt.ReactivatedMembers - pt.ChurnedMembers
		pt.MRRMicros, pt.ActiveMembers = mrr, active
		out.RevenueMicros += pt.RevenueMicros
		out.RefundedMicros += pt.RefundedMicros
	}
	out.MRRMicros = b.mrrBefore(end)[p.Currency]
	out.ARRMicros = out.MRRMicros * 12
	out.ActiveMembers = b.activeBefore(end)
	for _, ms := range b.people {
		if v, _ := b.personMRR(ms, p.Currency, end, false); v > 0 {
			out.PayingMembers++
		}
	}
	if out.PayingMembers > 0 {
		out.ARPUMicros = out.MRRMicros / int64(out.PayingMembers)
	}
	churned := 0
	for _, pt := range out.Points {
		churned += pt.ChurnedMembers
	}
	if atStart := b.activeBefore(start); atStart > 0 {
		out.LogoChurnRate = float64(churned) / float64(atStart)
	}
	var startSum, endSum, keptSum int64
	for _, ms := range b.people {
		s0, _ := b.personMRR(ms, p.Currency, start, false)
		if s0 == 0 {
			continue
		}
		s1, _ := b.personMRR(ms, p.Currency, end, false)
		startSum, endSum, keptSum = startSum+s0, endSum+s1, keptSum+min(s0, s1)
	}
	if startSum > 0 {
		out.NRR, out.GRR = float64(endSum)/float64(startSum), float64(keptSum)/float64(startSum)
		out.RevenueChurnRate, out.NetRevenueChurnRate = 1-out.GRR, 1-out.NRR
	}
	return out, nil
}

// MovementsParams select the movements behind a figure.
type MovementsParams struct {
	Params
	// Kind keeps one kind; "" keeps all.
	Kind Kind
}

// MRRMovements lists the movements of the range in one currency, oldest
// first: the people and memberships behind each movement figure of
// RevenueMetrics (their after - before, summed per kind, is the figure).
func (s *Service) MRRMovements(ctx context.Context, p MovementsParams) ([]Movement, error) {
	start, end, err := p.window()
	if err != nil {
		return nil, err
	}
	switch p.Kind {
	case "", KindNew, KindExpansion, KindContraction, KindChurn, KindReactivation:
	default:
		return nil, crm.Invalid("kind", crm.CodeInvalidValue, "%q is not NEW, EXPANSION, CONTRACTION, CHURN or REACTIVATION", p.Kind)
	}
	b, err := s.load(ctx, &p.Params, end)
	if err != nil {
		return nil, err
	}
	if p.Currency == "" {
		_, p.Currency = b.currencies(end)
	}
	var out []Movement
	for _, m := range b.movements(p.Currency) {
		if !m.HappenedAt.Before(start) && m.HappenedAt.Before(end) && (p.Kind == "" || m.Kind == p.Kind) {
			out = append(out, m)
		}
	}
	return out, nil
}

// Override returns s with each switch that is not nil set to its value, so
// an API caller names only the switches it changes.
func (s Semantics) Override(pastDueActive, cancelingUntilPeriodEnd, trialsInMRR, refundsOnRefundDate *bool) Semantics {
	set := func(dst *bool, v *bool) {
		if v != nil {
			*dst = *v
		}
	}
	set(&s.PastDueActive, pastDueActive)
	set(&s.CancelingUntilPeriodEnd, cancelingUntilPeriodEnd)
	set(&s.TrialsInMRR, trialsInMRR)
	set(&s.RefundsOnRefundDate, refundsOnRefundDate)
	return s
}
