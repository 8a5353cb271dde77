package store

import (
	"context"
	"fmt"
	"time"
)

// Read-only aggregates behind the home dashboard. Every figure is one SQL
// aggregate over a workspace's rows (no records are loaded into Go), so the
// dashboard costs the same at 100 or 100,000 memberships, apart from the
// rows the database scans. What counts as "active", "paying" or "churned" is
// the caller's business (package insights passes the status lists); the store
// only knows how to count.

// CurrencyTotal is a sum of money in one currency, in micros.
type CurrencyTotal struct {
	Currency string
	Micros   int64
	Count    int
}

// statusBefore is the SQL expression for the membership status a timeline
// update replaced (NULL when the update did not touch the status).
func (s *Store) statusBefore(alias string) string {
	if s.Dialect == SQLite {
		return "json_extract(" + alias + ".properties, '$.diff.whopMembershipStatus.before')"
	}
	return alias + ".properties #>> '{diff,whopMembershipStatus,before}'"
}

// statusAfter is statusBefore's counterpart: the status the update set.
func (s *Store) statusAfter(alias string) string {
	if s.Dialect == SQLite {
		return "json_extract(" + alias + ".properties, '$.diff.whopMembershipStatus.after')"
	}
	return alias + ".properties #>> '{diff,whopMembershipStatus,after}'"
}

// MonthlyMicrosSQL normalises a price per billing period to a month, in
// integer micros: periods of 28-31 days count as one month, 365-366 days as
// twelve months, anything else as amount * 30 / days (a 7-day plan is worth
// 30/7 of its price a month). Integer division truncates in both dialects.
const monthlyMicrosSQL = `CASE WHEN p.billing_period_days BETWEEN 28 AND 31 THEN o.amount_amount_micros
	WHEN p.billing_period_days BETWEEN 365 AND 366 THEN o.amount_amount_micros / 12
	ELSE o.amount_amount_micros * 30 / p.billing_period_days END`

// MRRParams select the recurring revenue of a workspace at a moment.
type MRRParams struct {
	WorkspaceID string
	// At is the moment: now, or a past moment reconstructed from history.
	At time.Time
	// Statuses are the membership statuses that pay (e.g. active, past_due,
	// canceling).
	Statuses []string
}

// MRRAt sums, per currency, the monthly-normalised amount of the
// opportunities whose membership was in one of p.Statuses at p.At, on a
// renewal plan with a billing period (whop_plans.plan_type = 'renewal',
// billing_period_days > 0), using the opportunity's amount.
//
// For a past moment the status is reconstructed from the timeline: the
// "before" of the first status change after At, else the current status.
// A membership existed at At when its opportunity was created by then or a
// Whop payment of it was (so a first sync does not make every old member
// look new). Prices are today's: plan changes are not replayed.
func (s *Store) MRRAt(ctx context.Context, p *MRRParams) ([]CurrencyTotal, error) {
	at := s.Dialect.Time(p.At)
	args := []any{p.WorkspaceID, at}
	statuses := bindList(&args, p.Statuses)
	q := `SELECT o.amount_currency_code, CAST(COALESCE(SUM(` + monthlyMicrosSQL + `), 0) AS BIGINT), COUNT(*)
	FROM opportunities o
	JOIN whop_plans p ON p.workspace_id = o.workspace_id AND p.whop_id = o.whop_plan_id
	WHERE o.workspace_id = $1 AND p.plan_type = 'renewal' AND p.billing_period_days > 0
	AND o.amount_amount_micros IS NOT NULL
	AND o.deleted_at IS NULL
	AND (o.created_at <= $2 OR EXISTS (SELECT 1 FROM whop_payments wp WHERE wp.workspace_id = o.workspace_id AND wp.opportunity_id = o.id AND wp.whop_created_at <= $2))
	AND (CASE WHEN o.updated_at > $2 THEN COALESCE((SELECT ` + s.statusBefore("t") + ` FROM timeline_activities t
			WHERE t.workspace_id = o.workspace_id AND t.record_object = 'opportunity' AND t.record_id = o.id
			AND t.happens_at > $2 AND ` + s.statusBefore("t") + ` IS NOT NULL
			ORDER BY t.happens_at, t.id LIMIT 1), o.whop_membership_status)
		ELSE o.whop_membership_status END) IN (` + statuses + `)
	GROUP BY o.amount_currency_code ORDER BY o.amount_currency_code`
	return queryList(ctx, s.Read, "mrr", func(sc rowScanner) (CurrencyTotal, error) {
		var c CurrencyTotal
		if err := sc.Scan(&c.Currency, &c.Micros, &c.Count); err != nil {
			return CurrencyTotal{}, err
		}
		return c, nil
	}, q, args...)
}

// MembershipCountsParams select the dashboard's counts.
type MembershipCountsParams struct {
	WorkspaceID string
	Now         time.Time
	// Since starts the look-back window (new, churned, failed payments).
	Since time.Time
	// RenewalsUntil ends the look-ahead window of renewals due.
	RenewalsUntil time.Time
	// Recurring are the statuses of a running subscription; OneTime those
	// of a one-time purchase that keeps access; Churned those of a member
	// who left; Renewing those whose renewal date means a charge.
	Recurring, OneTime, Churned, Renewing []string
	// AtRisk says which memberships are in trouble.
	AtRisk AtRiskRule
}

// AtRiskRule selects live memberships in trouble: in one of Statuses (past
// due, canceling), or in one of Renewing but set to cancel at the end of the
// period. Package whopstatus owns the lists.
type AtRiskRule struct {
	Statuses []string
	Renewing []string
}

// sql is the rule as a condition on opportunities o, binding its lists.
func (r AtRiskRule) sql(args *[]any) string {
	return `o.deleted_at IS NULL AND (o.whop_membership_status IN (` + bindList(args, r.Statuses) + `)
	OR (o.whop_cancel_at_period_end AND o.whop_membership_status IN (` + bindList(args, r.Renewing) + `)))`
}

// MembershipCounts are the dashboard's counts of one workspace.
type MembershipCounts struct {
	// ActiveMembers are people (a membership without a person counts as
	// one) with at least one live membership in a Recurring status on a
	// plan that is not one-time.
	ActiveMembers int
	// OneTimeBuyers are people who are not active members and hold a live
	// one-time purchase: a OneTime status, or a Recurring status on a
	// one-time plan.
	OneTimeBuyers int
	// New memberships started in the window: synced from Whop, created in
	// the window, with no Whop payment before it.
	New int
	// Churned memberships: status changed to a Churned status in the window
	// (from a status that was not churned).
	Churned int
	// FailedPayments in the window (by their last update at Whop).
	FailedPayments int
	// RenewalsDue in (Now, RenewalsUntil], not set to cancel.
	RenewalsDue int
	// AtRisk memberships, by the params' AtRiskRule.
	AtRisk int
	// Synced says whether the workspace has any Whop membership at all.
	Synced bool
}

// oneTimePlanSQL says the membership of opportunity alias is on a one-time
// plan.
func oneTimePlanSQL(alias string) string {
	return `EXISTS (SELECT 1 FROM whop_plans wpl WHERE wpl.workspace_id = ` + alias + `.workspace_id AND wpl.whop_id = ` + alias + `.whop_plan_id AND wpl.plan_type = 'one_time')`
}

// recurringSQL selects the live running subscriptions among opportunities
// alias: a Recurring status, not on a one-time plan.
func (p *MembershipCountsParams) recurringSQL(args *[]any, alias string) string {
	return alias + `.deleted_at IS NULL AND ` + alias + `.whop_membership_status IN (` + bindList(args, p.Recurring) + `) AND NOT ` + oneTimePlanSQL(alias)
}

// failedPaymentSQL is the failed outcome of a stored Whop payment, as
// whopsync classifies it (a refund wins over a failure).
const failedPaymentSQL = `(wp.substatus = 'failed' OR wp.failure_message <> '' OR wp.status IN ('uncollectible', 'void'))
	AND COALESCE(wp.refunded_micros, 0) = 0 AND wp.refunded_at IS NULL AND wp.substatus NOT LIKE '%refund%'
	AND wp.status <> 'paid' AND wp.substatus <> 'succeeded'`

// MembershipCounts computes every count of the dashboard in one round trip.
func (s *Store) MembershipCounts(ctx context.Context, p *MembershipCountsParams) (*MembershipCounts, error) {
	args := []any{p.WorkspaceID, s.Dialect.Time(p.Now), s.Dialect.Time(p.Since), s.Dialect.Time(p.RenewalsUntil)}
	recurring := p.recurringSQL(&args, "o")
	oneTime := `o.deleted_at IS NULL AND (o.whop_membership_status IN (` + bindList(&args, p.OneTime) + `)
		OR (o.whop_membership_status IN (` + bindList(&args, p.Recurring) + `) AND ` + oneTimePlanSQL("o") + `))`
	recurringOfPerson := p.recurringSQL(&args, "r")
	churned := bindList(&args, p.Churned)
	churned2 := bindList(&args, p.Churned)
	renewing := bindList(&args, p.Renewing)
	atRisk := p.AtRisk.sql(&args)
	q := `SELECT
	(SELECT COUNT(DISTINCT COALESCE(o.point_of_contact_id, o.id)) FROM opportunities o WHERE o.workspace_id = $1 AND ` + recurring + `),
	(SELECT COUNT(DISTINCT COALESCE(o.point_of_contact_id, o.id)) FROM opportunities o WHERE o.workspace_id = $1 AND ` + oneTime + `
		AND (o.point_of_contact_id IS NULL OR NOT EXISTS (SELECT 1 FROM opportunities r WHERE r.workspace_id = o.workspace_id
			AND r.point_of_contact_id = o.point_of_contact_id AND ` + recurringOfPerson + `))),
	(SELECT COUNT(*) FROM opportunities o WHERE o.workspace_id = $1 AND o.deleted_at IS NULL AND o.whop_membership_id IS NOT NULL
		AND o.created_at > $3 AND o.created_at <= $2
		AND NOT EXISTS (SELECT 1 FROM whop_payments wp WHERE wp.workspace_id = o.workspace_id AND wp.opportunity_id = o.id AND wp.whop_created_at <= $3)),
	(SELECT COUNT(DISTINCT t.record_id) FROM timeline_activities t
		JOIN opportunities o ON o.id = t.record_id AND o.workspace_id = t.workspace_id AND o.deleted_at IS NULL
		WHERE t.workspace_id = $1 AND t.record_object = 'opportunity' AND t.name = 'opportunity.updated'
		AND t.happens_at > $3 AND t.happens_at <= $2
		AND ` + s.statusAfter("t") + ` IN (` + churned + `) AND COALESCE(` + s.statusBefore("t") + `, '') NOT IN (` + churned2 + `)),
	(SELECT COUNT(*) FROM whop_payments wp WHERE wp.workspace_id = $1 AND ` + failedPaymentSQL + `
		AND COALESCE(wp.whop_updated_at, wp.whop_created_at) > $3 AND COALESCE(wp.whop_updated_at, wp.whop_created_at) <= $2),
	(SELECT COUNT(*) FROM opportunities o WHERE o.workspace_id = $1 AND o.deleted_at IS NULL AND NOT o.whop_cancel_at_period_end
		AND o.whop_membership_status IN (` + renewing + `) AND o.whop_renewal_date > $2 AND o.whop_renewal_date <= $4),
	(SELECT COUNT(*) FROM opportunities o WHERE o.workspace_id = $1 AND ` + atRisk + `),
	EXISTS (SELECT 1 FROM opportunities o WHERE o.workspace_id = $1 AND o.whop_membership_id IS NOT NULL)`
	c := &MembershipCounts{}
	if err := s.Read.QueryRowContext(ctx, q, args...).Scan(&c.ActiveMembers, &c.OneTimeBuyers, &c.New, &c.Churned, &c.FailedPayments, &c.RenewalsDue, &c.AtRisk, &c.Synced); err != nil {
		return nil, fmt.Errorf("store: membership counts: %w", err)
	}
	return c, nil
}

// AtRiskMembership is one row of the dashboard's "at risk" list.
type AtRiskMembership struct {
	OpportunityID     string
	Name              string
	Status            string
	CancelAtPeriodEnd bool
	RenewalDate       *time.Time
	AmountMicros      *int64
	Currency          string
	PersonID          *string
}

// AtRiskListParams select the dashboard's at-risk list.
type AtRiskListParams struct {
	WorkspaceID string
	Rule        AtRiskRule
	Limit       int // 1 to 200
}

// AtRiskList returns up to p.Limit at-risk memberships, soonest renewal first.
func (s *Store) AtRiskList(ctx context.Context, p *AtRiskListParams) ([]*AtRiskMembership, error) {
	args := []any{p.WorkspaceID}
	return queryList(ctx, s.Read, "at-risk memberships", func(sc rowScanner) (*AtRiskMembership, error) {
		m := &AtRiskMembership{}
		if err := sc.Scan(&m.OpportunityID, &m.Name, &m.Status, &m.CancelAtPeriodEnd, NullTimeScanner{&m.RenewalDate},
			&m.AmountMicros, &m.Currency, &m.PersonID); err != nil {
			return nil, err
		}
		return m, nil
	}, `SELECT o.id, o.name, o.whop_membership_status, o.whop_cancel_at_period_end, o.whop_renewal_date,
		o.amount_amount_micros, o.amount_currency_code, o.point_of_contact_id
		FROM opportunities o WHERE o.workspace_id = $1 AND `+p.Rule.sql(&args)+`
		ORDER BY o.whop_renewal_date ASC NULLS LAST, o.id LIMIT `+fmt.Sprint(max(1, min(p.Limit, 200))), args...)
}

// RecentActivity is a timeline activity with the name of its record.
type RecentActivity struct {
	ID           string
	HappensAt    time.Time
	Name         string
	Text         string // properties.text of integration events, else ""
	RecordObject string
	RecordID     string
	RecordName   string
	ActorName    string
}

// RecentActivities returns a workspace's latest timeline activities, newest
// first, each with its record's display name (looked up by join, so a page
// of ten costs one query).
func (s *Store) RecentActivities(ctx context.Context, workspaceID string, limit int) ([]*RecentActivity, error) {
	text := "COALESCE(json_extract(t.properties, '$.text'), '')"
	if s.Dialect == Postgres {
		text = "COALESCE(t.properties ->> 'text', '')"
	}
	return queryList(ctx, s.Read, "recent activities", func(sc rowScanner) (*RecentActivity, error) {
		a := &RecentActivity{}
		if err := sc.Scan(&a.ID, TimeScanner{&a.HappensAt}, &a.Name, &a.Text, &a.RecordObject, &a.RecordID, &a.RecordName, &a.ActorName); err != nil {
			return nil, err
		}
		return a, nil
	}, `SELECT t.id, t.happens_at, t.name, `+text+`, t.record_object, t.record_id,
		COALESCE(TRIM(p.name_first_name || ' ' || p.name_last_name), c.name, o.name, n.title, k.title, ''), t.actor_name
		FROM timeline_activities t
		LEFT JOIN people p ON t.record_object = 'person' AND p.id = t.record_id AND p.workspace_id = t.workspace_id
		LEFT JOIN companies c ON t.record_object = 'company' AND c.id = t.record_id AND c.workspace_id = t.workspace_id
		LEFT JOIN opportunities o ON t.record_object = 'opportunity' AND o.id = t.record_id AND o.workspace_id = t.workspace_id
		LEFT JOIN notes n ON t.record_object = 'note' AND n.id = t.record_id AND n.workspace_id = t.workspace_id
		LEFT JOIN tasks k ON t.record_object = 'task' AND k.id = t.record_id AND k.workspace_id = t.workspace_id
		WHERE t.workspace_id = $1
		ORDER BY t.happens_at DESC, t.id DESC LIMIT `+fmt.Sprint(max(1, min(limit, 200))), workspaceID)
}
