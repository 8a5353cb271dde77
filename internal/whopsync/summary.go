package whopsync

import (
	"context"
	"sort"
	"strconv"
	"time"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/whopstatus"
)

// MemberSummary is what a seller wants to know of a customer at a glance.
type MemberSummary struct {
	// Current is the membership that matters now: the newest one in a
	// running (Recurring) status, else one that keeps access, else the
	// newest; nil when the person has none.
	Current *crm.Opportunity
	// Plan is the current membership's plan title and Interval its billing
	// interval in words ("monthly", "yearly", "every 14 days", "one-time";
	// "" when the plan is not synced).
	Plan     string
	Interval string
	// MemberSince is when the person became a Whop customer (nil: unknown).
	MemberSince *time.Time
	// NextCharge is the earliest coming renewal of a membership that will
	// renew, with its amount; nil when none is due. EndsAt is set instead
	// when the current membership cancels at the period end.
	NextCharge *Charge
	EndsAt     *time.Time
	// Totals are the person's payments per currency: paid, refunded, and
	// the lifetime value (paid minus refunded).
	Totals []Totals
}

// Charge is a coming payment.
type Charge struct {
	At     time.Time
	Amount crm.Currency
}

// Totals are a person's payments in one currency, in micros.
type Totals struct {
	Currency      string
	Paid          int64
	Refunded      int64
	LifetimeValue int64
	Payments      int
}

// MemberSummary sums up a synced person from their memberships (the
// opportunities synced from Whop, as the caller read them) and their
// payments. Renewal dates in the past are not charges to come.
func (s *Service) MemberSummary(ctx context.Context, workspaceID string, p *crm.Person, memberships []*crm.Opportunity) (*MemberSummary, error) {
	sum := &MemberSummary{MemberSince: p.WhopCreatedAt}
	now := s.now()
	sum.Current = currentMembership(memberships)
	if c := sum.Current; c != nil {
		if c.WhopPlanID != "" {
			plan, err := s.store.WhopPlanGet(ctx, nil, workspaceID, c.WhopPlanID)
			if err != nil {
				return nil, err
			}
			if plan != nil {
				sum.Plan, sum.Interval = plan.Title, interval(plan.PlanType, plan.BillingPeriodDays)
			}
		}
		if c.WhopCancelAtPeriodEnd && c.WhopRenewalDate != nil && c.WhopRenewalDate.After(now) {
			sum.EndsAt = c.WhopRenewalDate
		}
	}
	for _, o := range memberships {
		if o.WhopRenewalDate == nil || !o.WhopRenewalDate.After(now) || o.WhopCancelAtPeriodEnd || !whopstatus.In(whopstatus.Renewing, o.WhopMembershipStatus) {
			continue
		}
		if sum.NextCharge == nil || o.WhopRenewalDate.Before(sum.NextCharge.At) {
			sum.NextCharge = &Charge{At: *o.WhopRenewalDate, Amount: o.Amount}
		}
	}
	totals, err := s.store.WhopPaymentTotals(ctx, workspaceID, p.ID)
	if err != nil {
		return nil, err
	}
	for _, t := range totals {
		sum.Totals = append(sum.Totals, Totals{Currency: t.Currency, Paid: t.PaidMicros, Refunded: t.RefundedMicros, LifetimeValue: t.PaidMicros - t.RefundedMicros, Payments: t.Payments})
	}
	return sum, nil
}

// currentMembership picks the membership that describes the person now.
func currentMembership(ms []*crm.Opportunity) *crm.Opportunity {
	if len(ms) == 0 {
		return nil
	}
	rank := func(o *crm.Opportunity) int {
		switch {
		case whopstatus.In(whopstatus.Recurring, o.WhopMembershipStatus):
			return 0
		case whopstatus.In(whopstatus.Access, o.WhopMembershipStatus):
			return 1
		}
		return 2
	}
	sorted := append([]*crm.Opportunity(nil), ms...)
	sort.SliceStable(sorted, func(i, j int) bool {
		if ri, rj := rank(sorted[i]), rank(sorted[j]); ri != rj {
			return ri < rj
		}
		return sorted[i].CreatedAt.After(sorted[j].CreatedAt)
	})
	return sorted[0]
}

// interval puts a plan's billing period in words.
func interval(planType string, days *int64) string {
	if planType == "one_time" {
		return "one-time"
	}
	if days == nil || *days <= 0 {
		return ""
	}
	switch *days {
	case 7:
		return "weekly"
	case 30, 31:
		return "monthly"
	case 90:
		return "quarterly"
	case 365:
		return "yearly"
	}
	return "every " + strconv.FormatInt(*days, 10) + " days"
}
