package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/roster-crm/roster/internal/crm"
)

// WhopProduct is a synced Whop product (read-only data).
type WhopProduct struct {
	WorkspaceID   string
	WhopID        string
	Title         string
	Visibility    string
	Data          []byte // the product as Whop sent it, canonical JSON
	WhopUpdatedAt *time.Time
}

// WhopPlan is a synced Whop plan; prices are in micros of Currency.
type WhopPlan struct {
	WorkspaceID        string
	WhopID             string
	ProductWhopID      string
	Title              string
	PlanType           string
	Currency           string
	InitialPriceMicros *int64
	RenewalPriceMicros *int64
	BillingPeriodDays  *int64
	Data               []byte
}

// WhopPayment is a synced Whop payment linked to the person and opportunity
// it belongs to.
type WhopPayment struct {
	WorkspaceID      string
	WhopID           string
	Status           string
	Substatus        string
	AmountMicros     *int64
	Currency         string
	RefundedMicros   *int64
	FailureMessage   string
	BillingReason    string
	MembershipWhopID string
	UserWhopID       string
	ProductWhopID    string
	PersonID         *string
	OpportunityID    *string
	PaidAt           *time.Time
	RefundedAt       *time.Time
	WhopCreatedAt    *time.Time
	WhopUpdatedAt    *time.Time
	Data             []byte
}

// The upserts below write only when something differs, so re-syncing
// unchanged data writes nothing; each reports whether it wrote. "IS NOT" is
// SQLite's and "IS DISTINCT FROM" PostgreSQL's NULL-safe inequality.
func (s *Store) distinct() string {
	if s.Dialect == SQLite {
		return " IS NOT "
	}
	return " IS DISTINCT FROM "
}

func changed(res sql.Result, err error, what string) (bool, error) {
	if err != nil {
		return false, fmt.Errorf("store: upsert %s: %w", what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: upsert %s: %w", what, err)
	}
	return n > 0, nil
}

// WhopProductUpsert inserts or updates a product.
func (s *Store) WhopProductUpsert(ctx context.Context, tx *sql.Tx, p *WhopProduct, now time.Time) (bool, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO whop_products (id, workspace_id, whop_id, title, visibility, data, whop_updated_at, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
		ON CONFLICT (workspace_id, whop_id) DO UPDATE SET title = excluded.title, visibility = excluded.visibility, data = excluded.data,
		whop_updated_at = excluded.whop_updated_at, updated_at = excluded.updated_at
		WHERE whop_products.data`+s.distinct()+`excluded.data`,
		crm.NewID(), p.WorkspaceID, p.WhopID, p.Title, p.Visibility, string(p.Data), s.Dialect.NullTime(p.WhopUpdatedAt), s.Dialect.Time(now))
	return changed(res, err, "whop product")
}

// WhopPlanUpsert inserts or updates a plan.
func (s *Store) WhopPlanUpsert(ctx context.Context, tx *sql.Tx, p *WhopPlan, now time.Time) (bool, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO whop_plans (id, workspace_id, whop_id, product_whop_id, title, plan_type, currency,
		initial_price_micros, renewal_price_micros, billing_period_days, data, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)
		ON CONFLICT (workspace_id, whop_id) DO UPDATE SET product_whop_id = excluded.product_whop_id, title = excluded.title,
		plan_type = excluded.plan_type, currency = excluded.currency, initial_price_micros = excluded.initial_price_micros,
		renewal_price_micros = excluded.renewal_price_micros, billing_period_days = excluded.billing_period_days, data = excluded.data,
		updated_at = excluded.updated_at
		WHERE whop_plans.data`+s.distinct()+`excluded.data`,
		crm.NewID(), p.WorkspaceID, p.WhopID, p.ProductWhopID, p.Title, p.PlanType, p.Currency, p.InitialPriceMicros, p.RenewalPriceMicros,
		p.BillingPeriodDays, string(p.Data), s.Dialect.Time(now))
	return changed(res, err, "whop plan")
}

// WhopPlanGet returns a synced plan by its Whop ID, or nil.
func (s *Store) WhopPlanGet(ctx context.Context, q Querier, workspaceID, whopID string) (*WhopPlan, error) {
	if q == nil {
		q = s.Read
	}
	p := &WhopPlan{}
	var data string
	err := q.QueryRowContext(ctx, `SELECT workspace_id, whop_id, product_whop_id, title, plan_type, currency, initial_price_micros,
		renewal_price_micros, billing_period_days, data FROM whop_plans WHERE workspace_id = $1 AND whop_id = $2`, workspaceID, whopID).
		Scan(&p.WorkspaceID, &p.WhopID, &p.ProductWhopID, &p.Title, &p.PlanType, &p.Currency, &p.InitialPriceMicros,
			&p.RenewalPriceMicros, &p.BillingPeriodDays, &data)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: get whop plan: %w", err)
	}
	p.Data = []byte(data)
	return p, nil
}

// WhopProductTitle returns a synced product's title, or "".
func (s *Store) WhopProductTitle(ctx context.Context, q Querier, workspaceID, whopID string) (string, error) {
	if q == nil {
		q = s.Read
	}
	var title string
	err := q.QueryRowContext(ctx, "SELECT title FROM whop_products WHERE workspace_id = $1 AND whop_id = $2", workspaceID, whopID).Scan(&title)
	if err == sql.ErrNoRows {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: get whop product: %w", err)
	}
	return title, nil
}

const paymentColumns = "workspace_id, whop_id, status, substatus, amount_micros, currency, refunded_micros, failure_message, billing_reason, membership_whop_id, user_whop_id, product_whop_id, person_id, opportunity_id, paid_at, refunded_at, whop_created_at, whop_updated_at, data"

// WhopPaymentUpsertMany inserts or replaces payments the caller knows have
// changed, in as few statements as the parameter limits allow. Rows must
// have distinct Whop IDs.
func (s *Store) WhopPaymentUpsertMany(ctx context.Context, tx *sql.Tx, rows []*WhopPayment, now time.Time) error {
	const per = 22 // now is bound twice (created_at, updated_at) so the placeholders stay in order
	for start := 0; start < len(rows); start += maxParams / per {
		part := rows[start:min(start+maxParams/per, len(rows))]
		var sb strings.Builder
		sb.WriteString("INSERT INTO whop_payments (id, " + paymentColumns + ", created_at, updated_at) VALUES ")
		args := make([]any, 0, len(part)*per)
		for i, p := range part {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString("(" + placeholders(len(args)+1, per) + ")")
			args = append(args, crm.NewID(), p.WorkspaceID, p.WhopID, p.Status, p.Substatus, p.AmountMicros, p.Currency, p.RefundedMicros,
				p.FailureMessage, p.BillingReason, p.MembershipWhopID, p.UserWhopID, p.ProductWhopID, p.PersonID, p.OpportunityID,
				s.Dialect.NullTime(p.PaidAt), s.Dialect.NullTime(p.RefundedAt), s.Dialect.NullTime(p.WhopCreatedAt), s.Dialect.NullTime(p.WhopUpdatedAt),
				string(p.Data), s.Dialect.Time(now), s.Dialect.Time(now))
		}
		sb.WriteString(` ON CONFLICT (workspace_id, whop_id) DO UPDATE SET status = excluded.status, substatus = excluded.substatus,
		amount_micros = excluded.amount_micros, currency = excluded.currency, refunded_micros = excluded.refunded_micros,
		failure_message = excluded.failure_message, billing_reason = excluded.billing_reason, membership_whop_id = excluded.membership_whop_id,
		user_whop_id = excluded.user_whop_id, product_whop_id = excluded.product_whop_id, person_id = excluded.person_id,
		opportunity_id = excluded.opportunity_id, paid_at = excluded.paid_at, refunded_at = excluded.refunded_at,
		whop_created_at = excluded.whop_created_at, whop_updated_at = excluded.whop_updated_at, data = excluded.data, updated_at = excluded.updated_at`)
		if _, err := tx.ExecContext(ctx, sb.String(), args...); err != nil {
			return fmt.Errorf("store: upsert whop payments: %w", err)
		}
	}
	return nil
}

// WhopPaymentGet returns a synced payment by its Whop ID, or nil.
func (s *Store) WhopPaymentGet(ctx context.Context, q Querier, workspaceID, whopID string) (*WhopPayment, error) {
	if q == nil {
		q = s.Read
	}
	list, err := s.whopPayments(ctx, q, "workspace_id = $1 AND whop_id = $2", workspaceID, whopID)
	if err != nil || len(list) == 0 {
		return nil, err
	}
	return list[0], nil
}

// WhopPaymentsByIDs returns the synced payments with the given Whop IDs,
// keyed by Whop ID (one query per 500).
func (s *Store) WhopPaymentsByIDs(ctx context.Context, q Querier, workspaceID string, whopIDs []string) (map[string]*WhopPayment, error) {
	if q == nil {
		q = s.Read
	}
	out := map[string]*WhopPayment{}
	for start := 0; start < len(whopIDs); start += 500 {
		part := whopIDs[start:min(start+500, len(whopIDs))]
		args, in := inWorkspace(workspaceID, part)
		list, err := s.whopPayments(ctx, q, "workspace_id = $1 AND whop_id IN ("+in+")", args...)
		if err != nil {
			return nil, err
		}
		for _, p := range list {
			out[p.WhopID] = p
		}
	}
	return out, nil
}

func (s *Store) whopPayments(ctx context.Context, q Querier, where string, args ...any) ([]*WhopPayment, error) {
	return queryList(ctx, q, "list whop payments", func(sc rowScanner) (*WhopPayment, error) {
		p := &WhopPayment{}
		var data string
		if err := sc.Scan(&p.WorkspaceID, &p.WhopID, &p.Status, &p.Substatus, &p.AmountMicros, &p.Currency, &p.RefundedMicros,
			&p.FailureMessage, &p.BillingReason, &p.MembershipWhopID, &p.UserWhopID, &p.ProductWhopID, &p.PersonID, &p.OpportunityID,
			NullTimeScanner{&p.PaidAt}, NullTimeScanner{&p.RefundedAt}, NullTimeScanner{&p.WhopCreatedAt}, NullTimeScanner{&p.WhopUpdatedAt}, &data); err != nil {
			return nil, err
		}
		p.Data = []byte(data)
		return p, nil
	}, "SELECT "+paymentColumns+" FROM whop_payments WHERE "+where, args...)
}

// WhopMembershipState is the last applied state of a membership.
type WhopMembershipState struct {
	WorkspaceID string
	WhopID      string
	Status      string
	UserWhopID  string
	// UserEmail is the email Whop gave for the membership's user, kept for
	// search ("" when Whop withheld it).
	UserEmail     string
	PersonID      *string
	OpportunityID *string
	WhopUpdatedAt *time.Time
	// Fingerprint is a hash of every membership field Roster maps; equal
	// fingerprints mean nothing to write.
	Fingerprint string
}

// WhopMembershipStates returns the stored states of the given memberships,
// keyed by Whop ID.
func (s *Store) WhopMembershipStates(ctx context.Context, q Querier, workspaceID string, whopIDs []string) (map[string]*WhopMembershipState, error) {
	if q == nil {
		q = s.Read
	}
	out := map[string]*WhopMembershipState{}
	for start := 0; start < len(whopIDs); start += 500 {
		part := whopIDs[start:min(start+500, len(whopIDs))]
		args, in := inWorkspace(workspaceID, part)
		rows, err := q.QueryContext(ctx, `SELECT whop_id, status, user_whop_id, person_id, opportunity_id, whop_updated_at, fingerprint
			FROM whop_memberships WHERE workspace_id = $1 AND whop_id IN (`+in+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("store: get membership states: %w", err)
		}
		for rows.Next() {
			m := &WhopMembershipState{WorkspaceID: workspaceID}
			if err := rows.Scan(&m.WhopID, &m.Status, &m.UserWhopID, &m.PersonID, &m.OpportunityID, NullTimeScanner{&m.WhopUpdatedAt}, &m.Fingerprint); err != nil {
				rows.Close()
				return nil, fmt.Errorf("store: scan membership state: %w", err)
			}
			out[m.WhopID] = m
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// WhopMembershipStatesSave records the applied state of memberships in one
// multi-row upsert (per parameter-limit chunk). Whop IDs must be distinct.
func (s *Store) WhopMembershipStatesSave(ctx context.Context, tx *sql.Tx, states []*WhopMembershipState, now time.Time) error {
	const per = 12 // now is bound twice so the placeholders stay in order
	for start := 0; start < len(states); start += maxParams / per {
		part := states[start:min(start+maxParams/per, len(states))]
		var sb strings.Builder
		sb.WriteString("INSERT INTO whop_memberships (id, workspace_id, whop_id, status, user_whop_id, person_id, opportunity_id, whop_updated_at, fingerprint, created_at, updated_at, user_email) VALUES ")
		args := make([]any, 0, len(part)*per)
		for i, m := range part {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString("(" + placeholders(len(args)+1, per) + ")")
			args = append(args, crm.NewID(), m.WorkspaceID, m.WhopID, m.Status, m.UserWhopID, m.PersonID, m.OpportunityID,
				s.Dialect.NullTime(m.WhopUpdatedAt), m.Fingerprint, s.Dialect.Time(now), s.Dialect.Time(now), strings.ToLower(strings.TrimSpace(m.UserEmail)))
		}
		sb.WriteString(` ON CONFLICT (workspace_id, whop_id) DO UPDATE SET status = excluded.status, user_whop_id = excluded.user_whop_id,
		person_id = excluded.person_id, opportunity_id = excluded.opportunity_id, whop_updated_at = excluded.whop_updated_at,
		fingerprint = excluded.fingerprint, updated_at = excluded.updated_at,
		user_email = CASE WHEN excluded.user_email = '' THEN whop_memberships.user_email ELSE excluded.user_email END`)
		if _, err := tx.ExecContext(ctx, sb.String(), args...); err != nil {
			return fmt.Errorf("store: save membership states: %w", err)
		}
	}
	return nil
}

// WhopMembershipStateLock reads one membership's state inside tx and, on
// PostgreSQL, locks its row until tx ends (SQLite's write transaction already
// excludes other writers), so two events for one membership apply one after
// the other. It returns nil when the membership has no state yet.
func (s *Store) WhopMembershipStateLock(ctx context.Context, tx *sql.Tx, workspaceID, whopID string) (*WhopMembershipState, error) {
	q := `SELECT whop_id, status, user_whop_id, person_id, opportunity_id, whop_updated_at, fingerprint
		FROM whop_memberships WHERE workspace_id = $1 AND whop_id = $2`
	if s.Dialect == Postgres {
		q += " FOR UPDATE"
	}
	m := &WhopMembershipState{WorkspaceID: workspaceID}
	err := tx.QueryRowContext(ctx, q, workspaceID, whopID).Scan(&m.WhopID, &m.Status, &m.UserWhopID, &m.PersonID, &m.OpportunityID, NullTimeScanner{&m.WhopUpdatedAt}, &m.Fingerprint)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: lock membership state: %w", err)
	}
	return m, nil
}

// WhopKeysLock serialises the transactions of a workspace that write
// people and opportunities for the same Whop keys (users, memberships): it
// takes a transaction-scoped lock per key, all of them in one statement and
// one global order. Without it a sync page and a webhook could both find a
// new user's person missing and both insert it, the second failing on a
// unique index. A transaction passes every key it will write, before it
// reads them, and takes no more keys afterwards; so holders never wait on
// each other in a cycle. On SQLite, whose one writer already serialises
// transactions, it does nothing.
func (s *Store) WhopKeysLock(ctx context.Context, tx *sql.Tx, workspaceID string, keys []string) error {
	if s.Dialect != Postgres || len(keys) == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(k) FROM (
		SELECT DISTINCT hashtextextended('whop:' || $1 || ':' || key, 0) AS k FROM unnest($2::text[]) AS key ORDER BY k) AS locks`, workspaceID, keys)
	if err != nil {
		return fmt.Errorf("store: lock whop keys: %w", err)
	}
	return nil
}

// WhopMembershipPeopleParams finds people through their memberships.
type WhopMembershipPeopleParams struct {
	WorkspaceID string
	// Contains is matched, case-insensitively, inside the membership's Whop
	// ID and the email Whop gave for its user.
	Contains string
	Limit    int
}

// WhopMembershipPeople returns the IDs of people (at most Limit) holding a
// membership whose Whop ID or user email contains p.Contains. It reads one
// workspace's memberships, a few per person.
func (s *Store) WhopMembershipPeople(ctx context.Context, p *WhopMembershipPeopleParams) ([]string, error) {
	pattern := "%" + likeEscape(strings.ToLower(p.Contains)) + "%"
	return queryList(ctx, s.Read, "people by membership", scanString, `SELECT DISTINCT person_id FROM whop_memberships
		WHERE workspace_id = $1 AND person_id IS NOT NULL AND (lower(whop_id) LIKE $2 ESCAPE '\' OR user_email LIKE $2 ESCAPE '\')
		ORDER BY person_id LIMIT $3`, p.WorkspaceID, pattern, p.Limit)
}

// WhopPaymentTotal is what one person paid in one currency.
type WhopPaymentTotal struct {
	Currency string
	// PaidMicros sums the payments that were paid (refunded ones included:
	// they were charged); RefundedMicros sums what was given back.
	PaidMicros     int64
	RefundedMicros int64
	Payments       int
	// Failed counts the payments that failed (a declined card, a void or
	// uncollectible invoice): a churn signal the AI lead score reads.
	Failed int
}

// WhopPaymentTotals sums a person's synced payments per currency, in
// currency order.
func (s *Store) WhopPaymentTotals(ctx context.Context, workspaceID, personID string) ([]WhopPaymentTotal, error) {
	return queryList(ctx, s.Read, "payment totals", func(sc rowScanner) (WhopPaymentTotal, error) {
		var t WhopPaymentTotal
		err := sc.Scan(&t.Currency, &t.PaidMicros, &t.RefundedMicros, &t.Payments, &t.Failed)
		return t, err
	}, `SELECT currency,
		COALESCE(SUM(CASE WHEN paid_at IS NOT NULL OR status = 'paid' THEN COALESCE(amount_micros, 0) ELSE 0 END), 0),
		COALESCE(SUM(COALESCE(refunded_micros, 0)), 0),
		COUNT(CASE WHEN paid_at IS NOT NULL OR status = 'paid' THEN 1 END),
		COUNT(CASE WHEN paid_at IS NULL AND status <> 'paid' AND (substatus = 'failed' OR failure_message <> '' OR status IN ('void', 'uncollectible')) THEN 1 END)
		FROM whop_payments WHERE workspace_id = $1 AND person_id = $2 GROUP BY currency ORDER BY currency`, workspaceID, personID)
}
