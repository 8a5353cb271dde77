package analytics

import (
	"sort"
	"time"

	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/whopstatus"
)

// state is what a membership was at some moment: the fields whose history
// the timeline keeps.
type state struct {
	status   string
	amount   *int64
	currency string
	plan     string
}

// segment is a state and the moment it began.
type segment struct {
	from time.Time
	state
}

// membership is one Whop membership with its history replayed: segments in
// time order, the first starting when the membership is first known.
type membership struct {
	opportunityID, membershipID, productID, person string
	segments                                       []segment
}

// replay rebuilds each membership's history from its state now and the
// timeline's changes: walking the changes newest first and putting back each
// "before" gives the state before that change. A membership's first segment
// starts at its Since; changes recorded earlier than that (none in practice)
// only shape the first state.
//
// Before the opportunity was created (by the first sync of an old
// membership) the timeline knows nothing. A membership that had already
// ended when first synced (a churned status then) but was paid for is
// taken as active, at that first state's price and plan, from its first
// payment until one billing period after its last paid payment (or the
// sync, if earlier); without that, years of churn before the first sync
// would be invisible.
func replay(ms []*store.AnalyticsMembership, changes []*store.AnalyticsChange, plans map[string]plan) []*membership {
	byOpp := map[string][]*store.AnalyticsChange{}
	for _, c := range changes {
		byOpp[c.OpportunityID] = append(byOpp[c.OpportunityID], c)
	}
	out := make([]*membership, 0, len(ms))
	for _, m := range ms {
		person := m.PersonID
		if person == "" {
			person = "membership:" + m.OpportunityID // counts as one person
		}
		cur := state{status: m.Status, amount: m.AmountMicros, currency: m.Currency, plan: m.PlanID}
		cs := byOpp[m.OpportunityID]
		segs := make([]segment, 0, len(cs)+1)
		for i := len(cs) - 1; i >= 0; i-- {
			c := cs[i]
			if !c.At.After(m.Since) {
				cur = undo(cur, c)
				continue
			}
			segs = append(segs, segment{from: c.At, state: cur})
			cur = undo(cur, c)
		}
		segs = append(segs, segment{from: m.Since, state: cur})
		if end, ok := endedBeforeSync(m, cur, plans); ok {
			was := cur
			was.status = whopstatus.Active
			segs[len(segs)-1].from = end
			segs = append(segs, segment{from: m.Since, state: was})
		}
		// Reverse into time order.
		for i, j := 0, len(segs)-1; i < j; i, j = i+1, j-1 {
			segs[i], segs[j] = segs[j], segs[i]
		}
		out = append(out, &membership{opportunityID: m.OpportunityID, membershipID: m.MembershipID, productID: m.ProductID, person: person, segments: segs})
	}
	return out
}

// endedBeforeSync reports when a membership that had already ended when
// first synced stopped being paid for (see replay).
func endedBeforeSync(m *store.AnalyticsMembership, first state, plans map[string]plan) (time.Time, bool) {
	p, ok := plans[first.plan]
	if !ok || !p.renewal || p.days <= 0 || m.LastPaidAt == nil || !whopstatus.In(whopstatus.Churned, first.status) {
		return time.Time{}, false
	}
	end := m.LastPaidAt.AddDate(0, 0, int(p.days))
	if end.After(m.CreatedAt) {
		end = m.CreatedAt
	}
	return end, end.After(m.Since)
}

// undo puts back the "before" of each field a change touched.
func undo(s state, c *store.AnalyticsChange) state {
	for k, d := range c.Diff {
		switch k {
		case "whopMembershipStatus":
			s.status, _ = d.Before.(string)
		case "amount.amountMicros":
			if f, ok := d.Before.(float64); ok {
				v := int64(f)
				s.amount = &v
			} else {
				s.amount = nil
			}
		case "amount.currencyCode":
			s.currency, _ = d.Before.(string)
		case "whopPlanId":
			s.plan, _ = d.Before.(string)
		}
	}
	return s
}

// at returns the state in force at t (changes at t included) and whether
// the membership existed then.
func (m *membership) at(t time.Time) (state, bool) {
	i := sort.Search(len(m.segments), func(i int) bool { return m.segments[i].from.After(t) })
	if i == 0 {
		return state{}, false
	}
	return m.segments[i-1].state, true
}

// before returns the state just before t (changes at t not yet applied).
func (m *membership) before(t time.Time) (state, bool) {
	i := sort.Search(len(m.segments), func(i int) bool { return !m.segments[i].from.Before(t) })
	if i == 0 {
		return state{}, false
	}
	return m.segments[i-1].state, true
}

// plan is what the figures know of a plan.
type plan struct {
	renewal bool
	days    int64
}

// rules turn a state into figures under the chosen semantics.
type rules struct {
	sem   Semantics
	plans map[string]plan
}

// counts reports whether a status counts as a member (and, for paying,
// towards MRR) under the switches: past_due and canceling count when their
// switch says so; a trial is a member, and pays only with TrialsInMRR.
func (r rules) counts(status string, paying bool) bool {
	switch status {
	case whopstatus.PastDue:
		return r.sem.PastDueActive
	case whopstatus.Canceling:
		return r.sem.CancelingUntilPeriodEnd
	case whopstatus.Trialing:
		return !paying || r.sem.TrialsInMRR
	}
	if paying {
		return whopstatus.In(whopstatus.Paying, status)
	}
	return whopstatus.In(whopstatus.Recurring, status)
}

// monthly is a state's contribution to MRR in its currency: zero unless
// it is on a renewal plan with a billing period, in a paying status, with a
// price above zero (free and one-time plans are not recurring revenue).
func (r rules) monthly(s state) int64 {
	p, ok := r.plans[s.plan]
	if !ok || !p.renewal || p.days <= 0 || s.amount == nil || *s.amount <= 0 || s.currency == "" || !r.counts(s.status, true) {
		return 0
	}
	return MonthlyMicros(*s.amount, p.days)
}

// active reports whether a state makes its person an active member: a
// running subscription (not a one-time plan) in a status that counts.
func (r rules) active(s state) bool {
	if p, ok := r.plans[s.plan]; ok && !p.renewal {
		return false
	}
	return r.counts(s.status, false)
}

// MonthlyMicros normalises a price per billing period to a month, the
// dashboard's rule (store.MRRAt applies the same in SQL): periods of 28-31
// days count as one month, 365-366 days as twelve, anything else as
// amount * 30 / days, truncated to whole micros.
func MonthlyMicros(amount, days int64) int64 {
	switch {
	case days >= 28 && days <= 31:
		return amount
	case days >= 365 && days <= 366:
		return amount / 12
	default:
		return amount * 30 / days
	}
}
