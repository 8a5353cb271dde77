package store

import (
	"context"
	"time"
)

// Reads behind revenue analytics (package analytics). The store returns the
// facts as they are recorded: each Whop membership with its current state,
// the timeline's changes to its status, price and plan, the plans' billing
// periods, and the payments. Which statuses pay, what a month is and how a
// movement is classified are package analytics' business.

// AnalyticsMembership is one Whop membership (an opportunity with a
// membership ID) as it stands now.
type AnalyticsMembership struct {
	OpportunityID string
	PersonID      string // "" when the membership has no point of contact
	MembershipID  string
	ProductID     string
	PlanID        string
	Status        string
	AmountMicros  *int64
	Currency      string
	// Since is when the membership is first known to exist: the earlier of
	// the opportunity's creation and its first Whop payment (a first sync
	// creates old memberships today; their payments date them).
	Since time.Time
	// CreatedAt is when the opportunity was created (by the first sync for
	// an old membership): the timeline knows nothing before it.
	CreatedAt time.Time
	// LastPaidAt is the latest paid payment's date, nil when none.
	LastPaidAt *time.Time
}

// AnalyticsMemberships returns a workspace's live Whop memberships.
func (s *Store) AnalyticsMemberships(ctx context.Context, workspaceID string) ([]*AnalyticsMembership, error) {
	q := `SELECT o.id, COALESCE(o.point_of_contact_id, ''), o.whop_membership_id, o.whop_product_id, o.whop_plan_id,
		o.whop_membership_status, o.amount_amount_micros, o.amount_currency_code, o.created_at,
		(SELECT MIN(wp.whop_created_at) FROM whop_payments wp WHERE wp.workspace_id = o.workspace_id AND wp.opportunity_id = o.id),
		(SELECT MAX(COALESCE(wp.paid_at, wp.whop_created_at)) FROM whop_payments wp WHERE wp.workspace_id = o.workspace_id AND wp.opportunity_id = o.id
			AND (wp.paid_at IS NOT NULL OR wp.status = 'paid'))
	FROM opportunities o
	WHERE o.workspace_id = $1 AND o.deleted_at IS NULL AND o.whop_membership_id IS NOT NULL
	ORDER BY o.id`
	return queryList(ctx, s.Read, "analytics memberships", func(sc rowScanner) (*AnalyticsMembership, error) {
		m := &AnalyticsMembership{}
		var firstPaid *time.Time
		if err := sc.Scan(&m.OpportunityID, &m.PersonID, &m.MembershipID, &m.ProductID, &m.PlanID, &m.Status,
			&m.AmountMicros, &m.Currency, TimeScanner{&m.Since}, NullTimeScanner{&firstPaid}, NullTimeScanner{&m.LastPaidAt}); err != nil {
			return nil, err
		}
		m.CreatedAt = m.Since
		if firstPaid != nil && firstPaid.Before(m.Since) {
			m.Since = *firstPaid
		}
		return m, nil
	}, q, workspaceID)
}

// AnalyticsChange is one update of a membership that touched its status,
// price or plan: the timeline's "diff" of an opportunity.updated activity,
// keyed by field name ("whopMembershipStatus", "amount.amountMicros",
// "amount.currencyCode", "whopPlanId"), each with before and after.
type AnalyticsChange struct {
	OpportunityID string
	At            time.Time
	Diff          map[string]struct {
		Before any `json:"before"`
		After  any `json:"after"`
	}
}

// analyticsDiffKeys are the fields whose history the figures replay.
var analyticsDiffKeys = []string{"whopMembershipStatus", "amount.amountMicros", "amount.currencyCode", "whopPlanId"}

// AnalyticsChanges returns the status, price and plan changes of a
// workspace's memberships, oldest first.
func (s *Store) AnalyticsChanges(ctx context.Context, workspaceID string) ([]*AnalyticsChange, error) {
	cond := ""
	for i, k := range analyticsDiffKeys {
		if i > 0 {
			cond += " OR "
		}
		if s.Dialect == SQLite {
			cond += `json_extract(t.properties, '$.diff."` + k + `"') IS NOT NULL`
		} else {
			cond += `t.properties #> '{diff,` + k + `}' IS NOT NULL`
		}
	}
	q := `SELECT t.record_id, t.happens_at, t.properties FROM timeline_activities t
	WHERE t.workspace_id = $1 AND t.record_object = 'opportunity' AND t.name = 'opportunity.updated' AND (` + cond + `)
	ORDER BY t.happens_at, t.id`
	return queryList(ctx, s.Read, "analytics changes", func(sc rowScanner) (*AnalyticsChange, error) {
		c := &AnalyticsChange{}
		var props struct {
			Diff map[string]struct {
				Before any `json:"before"`
				After  any `json:"after"`
			} `json:"diff"`
		}
		if err := sc.Scan(&c.OpportunityID, TimeScanner{&c.At}, jsonScanner{&props}); err != nil {
			return nil, err
		}
		c.Diff = props.Diff
		return c, nil
	}, q, workspaceID)
}

// AnalyticsPlan is what the figures need of a Whop plan.
type AnalyticsPlan struct {
	ID                string
	PlanType          string // "renewal" or "one_time"
	BillingPeriodDays int64  // 0 when the plan has none
}

// AnalyticsPlans returns a workspace's Whop plans.
func (s *Store) AnalyticsPlans(ctx context.Context, workspaceID string) ([]*AnalyticsPlan, error) {
	q := `SELECT whop_id, plan_type, COALESCE(billing_period_days, 0) FROM whop_plans WHERE workspace_id = $1 ORDER BY whop_id`
	return queryList(ctx, s.Read, "analytics plans", func(sc rowScanner) (*AnalyticsPlan, error) {
		p := &AnalyticsPlan{}
		return p, sc.Scan(&p.ID, &p.PlanType, &p.BillingPeriodDays)
	}, q, workspaceID)
}

// AnalyticsPayment is a payment that moved money: paid (PaidAt set) and
// possibly refunded later (RefundedAt, RefundedMicros).
type AnalyticsPayment struct {
	WhopID         string
	OpportunityID  string
	PersonID       string
	ProductID      string
	Currency       string
	AmountMicros   int64
	RefundedMicros int64
	PaidAt         time.Time
	RefundedAt     *time.Time
}

// AnalyticsPayments returns a workspace's payments that were paid, with a
// payment date before until (a refund may come later; the caller decides
// which dates fall in its window). A paid payment without paid_at is dated
// by its creation at Whop.
func (s *Store) AnalyticsPayments(ctx context.Context, workspaceID string, until time.Time) ([]*AnalyticsPayment, error) {
	q := `SELECT whop_id, COALESCE(opportunity_id, ''), COALESCE(person_id, ''), product_whop_id, currency,
		COALESCE(amount_micros, 0), COALESCE(refunded_micros, 0), COALESCE(paid_at, whop_created_at), refunded_at
	FROM whop_payments
	WHERE workspace_id = $1 AND (paid_at IS NOT NULL OR status = 'paid') AND COALESCE(paid_at, whop_created_at) < $2
	ORDER BY COALESCE(paid_at, whop_created_at), whop_id`
	return queryList(ctx, s.Read, "analytics payments", func(sc rowScanner) (*AnalyticsPayment, error) {
		p := &AnalyticsPayment{}
		return p, sc.Scan(&p.WhopID, &p.OpportunityID, &p.PersonID, &p.ProductID, &p.Currency,
			&p.AmountMicros, &p.RefundedMicros, TimeScanner{&p.PaidAt}, NullTimeScanner{&p.RefundedAt})
	}, q, workspaceID, s.Dialect.Time(until))
}
