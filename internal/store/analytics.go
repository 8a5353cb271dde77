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

// AnalyticsMemberships returns a workspace's live Whop memberships. The
// first and last payments are a second grouped query merged here rather
// than a join, so the plan cannot turn into a nested loop over freshly
// loaded tables whose statistics the planner has not gathered yet.
func (s *Store) AnalyticsMemberships(ctx context.Context, workspaceID string) ([]*AnalyticsMembership, error) {
	type span struct{ first, last *time.Time }
	spans, err := queryList(ctx, s.Read, "analytics payment spans", func(sc rowScanner) (struct {
		id string
		span
	}, error) {
		var r struct {
			id string
			span
		}
		return r, sc.Scan(&r.id, NullTimeScanner{&r.first}, NullTimeScanner{&r.last})
	}, `SELECT opportunity_id, MIN(whop_created_at),
			MAX(CASE WHEN paid_at IS NOT NULL OR status = 'paid' THEN COALESCE(paid_at, whop_created_at) END)
		FROM whop_payments WHERE workspace_id = $1 AND opportunity_id IS NOT NULL GROUP BY opportunity_id`, workspaceID)
	if err != nil {
		return nil, err
	}
	byOpp := make(map[string]span, len(spans))
	for _, r := range spans {
		byOpp[r.id] = r.span
	}
	q := `SELECT o.id, COALESCE(o.point_of_contact_id, ''), o.whop_membership_id, o.whop_product_id, o.whop_plan_id,
		o.whop_membership_status, o.amount_amount_micros, o.amount_currency_code, o.created_at
	FROM opportunities o
	WHERE o.workspace_id = $1 AND o.deleted_at IS NULL AND o.whop_membership_id IS NOT NULL
	ORDER BY o.id`
	return queryList(ctx, s.Read, "analytics memberships", func(sc rowScanner) (*AnalyticsMembership, error) {
		m := &AnalyticsMembership{}
		if err := sc.Scan(&m.OpportunityID, &m.PersonID, &m.MembershipID, &m.ProductID, &m.PlanID, &m.Status,
			&m.AmountMicros, &m.Currency, TimeScanner{&m.Since}); err != nil {
			return nil, err
		}
		m.CreatedAt = m.Since
		sp := byOpp[m.OpportunityID]
		if sp.first != nil && sp.first.Before(m.Since) {
			m.Since = *sp.first
		}
		m.LastPaidAt = sp.last
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

// AnalyticsMoneyDay is what moved in one currency on one UTC day: payments
// paid that day, the refunds of those payments (RefundedOfPaid, and
// UndatedRefunds those without a refund date), and refunds made that day
// (RefundedThatDay, of payments of any day).
type AnalyticsMoneyDay struct {
	Day                                                         time.Time
	Currency                                                    string
	PaidMicros, RefundedOfPaid, UndatedRefunds, RefundedThatDay int64
}

// day is the SQL expression of a timestamp column's UTC day, YYYY-MM-DD.
func (s *Store) day(col string) string {
	if s.Dialect == SQLite {
		return "substr(" + col + ", 1, 10)"
	}
	return "to_char(" + col + " AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
}

// AnalyticsMoneyDays sums a workspace's paid payments and refunds per UTC
// day and currency, before until; productID "" means every product. A paid
// payment without paid_at is dated by its creation at Whop. Summing in SQL
// keeps the rows read to days × currencies however many payments there are.
func (s *Store) AnalyticsMoneyDays(ctx context.Context, workspaceID, productID string, until time.Time) ([]*AnalyticsMoneyDay, error) {
	paidAt := "COALESCE(paid_at, whop_created_at)"
	where := `workspace_id = $1 AND (paid_at IS NOT NULL OR status = 'paid') AND ($2 = '' OR product_whop_id = $2)`
	q := `SELECT d, currency, CAST(SUM(paid) AS BIGINT), CAST(SUM(ofpaid) AS BIGINT), CAST(SUM(undated) AS BIGINT), CAST(SUM(thatday) AS BIGINT) FROM (
		SELECT ` + s.day(paidAt) + ` AS d, UPPER(currency) AS currency, COALESCE(amount_micros, 0) AS paid, COALESCE(refunded_micros, 0) AS ofpaid,
			CASE WHEN refunded_at IS NULL THEN COALESCE(refunded_micros, 0) ELSE 0 END AS undated, 0 AS thatday
		FROM whop_payments WHERE ` + where + ` AND ` + paidAt + ` < $3
		UNION ALL
		SELECT ` + s.day("refunded_at") + `, UPPER(currency), 0, 0, 0, refunded_micros
		FROM whop_payments WHERE ` + where + ` AND refunded_at IS NOT NULL AND refunded_at < $3 AND refunded_micros > 0
	) x GROUP BY d, currency ORDER BY d, currency`
	return queryList(ctx, s.Read, "analytics money", func(sc rowScanner) (*AnalyticsMoneyDay, error) {
		m := &AnalyticsMoneyDay{}
		var d string
		if err := sc.Scan(&d, &m.Currency, &m.PaidMicros, &m.RefundedOfPaid, &m.UndatedRefunds, &m.RefundedThatDay); err != nil {
			return nil, err
		}
		t, err := time.Parse(time.DateOnly, d)
		m.Day = t
		return m, err
	}, q, workspaceID, productID, s.Dialect.Time(until))
}
