package whopsim

import (
	"time"
)

// apiVersion is a known Api-Version-Date, ordered so comparisons read
// "from this date on".
type apiVersion int

const (
	version20250101 apiVersion = iota // original model: nested objects
	version20260608                   // memberships and members flattened, company_id -> account_id
	version20260609                   // plans flattened too
)

// knownVersions maps every Api-Version-Date the simulator accepts. Any other
// value answers 400, as Whop does for a date it does not know.
var knownVersions = map[string]apiVersion{
	"2025-01-01": version20250101,
	"2026-06-08": version20260608,
	"2026-06-09": version20260609,
}

// view says how a resource is rendered for one request or webhook.
type view struct {
	version apiVersion
	email   bool // the credential has member:email:read
	unix    bool // timestamps as unix seconds (legacy v5 webhooks)
}

type obj = map[string]any

func (v view) time(t time.Time) any {
	if v.unix {
		return t.Unix()
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

func (v view) timeP(t *time.Time) any {
	if t == nil {
		return nil
	}
	return v.time(*t)
}

func strP(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}

func (s *state) renderUserRef(v view, userID string) any {
	u, ok := s.users.get(userID)
	if !ok {
		return nil
	}
	o := obj{"id": u.ID, "username": u.Username, "name": strP(u.Name), "email": nil}
	if v.email {
		o["email"] = strP(u.Email)
	}
	return o
}

func (s *state) renderUser(v view, u *user) obj {
	return obj{
		"id": u.ID, "username": u.Username, "name": strP(u.Name), "bio": strP(u.Bio),
		"created_at":      v.time(u.CreatedAt),
		"profile_picture": obj{"url": "https://ui-avatars.com/api/?name=" + u.Username},
	}
}

func (s *state) companyRef(id string) obj {
	c, ok := s.companies[id]
	if !ok {
		return obj{"id": id, "title": ""}
	}
	return obj{"id": c.ID, "title": c.Title}
}

func (s *state) renderMembership(v view, m *membership) obj {
	o := obj{
		"id": m.ID, "status": m.Status,
		"created_at": v.time(m.CreatedAt), "updated_at": v.time(m.UpdatedAt),
		"joined_at":            v.time(m.JoinedAt),
		"cancel_at_period_end": m.CancelAtPeriodEnd, "cancel_option": strP(m.CancelOption),
		"cancellation_reason": strP(m.CancellationReason), "canceled_at": v.timeP(m.CanceledAt),
		"currency": m.Currency, "license_key": nil,
		"manage_url": "https://whop.com/billing/manage/" + m.ID,
		"metadata":   obj{}, "payment_collection_paused": false, "promo_code": nil,
	}
	if v.version >= version20260608 {
		o["account_id"] = m.CompanyID
		o["user_id"] = m.UserID
		o["member_id"] = m.MemberID
		o["product_id"] = m.ProductID
		o["plan_id"] = m.PlanID
		o["current_period_start"] = v.timeP(m.PeriodStart)
		o["current_period_end"] = v.timeP(m.PeriodEnd)
		return o
	}
	o["company"] = s.companyRef(m.CompanyID)
	o["member"] = obj{"id": m.MemberID}
	o["plan"] = obj{"id": m.PlanID, "metadata": obj{}}
	title := ""
	if p, ok := s.products.get(m.ProductID); ok {
		title = p.Title
	}
	o["product"] = obj{"id": m.ProductID, "title": title, "metadata": obj{}}
	o["renewal_period_start"] = v.timeP(m.PeriodStart)
	o["renewal_period_end"] = v.timeP(m.PeriodEnd)
	o["user"] = s.renderUserRef(v, m.UserID)
	return o
}

func (s *state) renderMember(v view, m *member) obj {
	o := obj{
		"id": m.ID, "access_level": m.AccessLevel,
		"created_at": v.time(m.CreatedAt), "updated_at": v.time(m.UpdatedAt),
		"joined_at":          v.time(m.JoinedAt),
		"most_recent_action": m.LastAction, "most_recent_action_at": v.time(m.LastActionAt),
		"phone": strP(m.Phone), "status": m.Status, "usd_total_spent": m.USDTotalSpent,
	}
	if v.version >= version20260608 {
		o["account_id"] = m.CompanyID
		o["user_id"] = m.UserID
		return o
	}
	o["company"] = s.companyRef(m.CompanyID)
	o["user"] = s.renderUserRef(v, m.UserID)
	return o
}

func (s *state) renderProduct(v view, p *product) obj {
	count := 0
	for _, m := range s.memberships.rows {
		if m.ProductID == p.ID && grantsAccess(m.Status) {
			count++
		}
	}
	return obj{
		"id": p.ID, "title": p.Title, "headline": p.Headline, "description": p.Description,
		"route": p.Route, "visibility": p.Visibility,
		"created_at": v.time(p.CreatedAt), "updated_at": v.time(p.UpdatedAt),
		"member_count": count, "metadata": obj{},
		"company": s.companyRef(p.CompanyID),
	}
}

func (s *state) renderPlan(v view, p *plan) obj {
	var period, trial any
	if p.PlanType == "renewal" {
		period = p.BillingPeriod
	}
	if p.TrialPeriodDays > 0 {
		trial = p.TrialPeriodDays
	}
	o := obj{
		"id": p.ID, "title": p.Title, "plan_type": p.PlanType, "currency": p.Currency,
		"initial_price": p.InitialPrice, "renewal_price": p.RenewalPrice,
		"billing_period": period, "trial_period_days": trial, "visibility": p.Visibility,
		"created_at": v.time(p.CreatedAt), "updated_at": v.time(p.UpdatedAt),
		"metadata": obj{},
	}
	if v.version >= version20260609 {
		o["account_id"] = p.CompanyID
		o["product_id"] = p.ProductID
		return o
	}
	title := ""
	if pr, ok := s.products.get(p.ProductID); ok {
		title = pr.Title
	}
	o["product"] = obj{"id": p.ProductID, "title": title}
	o["company"] = s.companyRef(p.CompanyID)
	return o
}

func (s *state) renderPayment(v view, p *payment) obj {
	mstatus := ""
	if m, ok := s.memberships.get(p.MembershipID); ok {
		mstatus = m.Status
	}
	ptitle, route := "", ""
	if pr, ok := s.products.get(p.ProductID); ok {
		ptitle, route = pr.Title, pr.Route
	}
	c := s.companyRef(p.CompanyID)
	if co, ok := s.companies[p.CompanyID]; ok {
		c["route"] = co.Route
	}
	var refunded any
	if p.RefundedAmount > 0 {
		refunded = p.RefundedAmount
	}
	return obj{
		"id": p.ID, "status": p.Status, "substatus": p.Substatus,
		"billing_reason": p.BillingReason,
		"created_at":     v.time(p.CreatedAt), "updated_at": v.time(p.UpdatedAt),
		"paid_at": v.timeP(p.PaidAt), "refunded_at": v.timeP(p.RefundedAt),
		"last_payment_attempt": v.time(p.CreatedAt),
		"currency":             p.Currency, "subtotal": p.Subtotal, "total": p.Total,
		"usd_total": p.Total, "amount_after_fees": round2(p.Total * 0.97),
		"refunded_amount": refunded, "failure_message": strP(p.FailureMessage),
		"card_brand": p.CardBrand, "card_last4": p.CardLast4, "payment_method_type": "card",
		"refundable": p.Status == "paid" && p.Substatus != "refunded",
		"retryable":  p.Substatus == "failed", "voidable": p.Status == "open",
		"auto_refunded": false, "billing_address": nil, "dispute_alerted_at": nil,
		"promo_code": nil,
		"company":    c,
		"membership": obj{"id": p.MembershipID, "status": mstatus},
		"member":     obj{"id": p.MemberID, "phone": nil},
		"user":       s.renderUserRef(v, p.UserID),
		"product":    obj{"id": p.ProductID, "title": ptitle, "route": route},
		"plan":       obj{"id": p.PlanID},
	}
}

func (s *state) renderRefund(v view, r *refund) obj {
	return obj{
		"id": r.ID, "amount": r.Amount, "currency": r.Currency, "status": r.Status,
		"created_at": v.time(r.CreatedAt), "updated_at": v.time(r.UpdatedAt),
		"payment": obj{"id": r.PaymentID},
	}
}

func round2(f float64) float64 {
	return float64(int64(f*100+0.5)) / 100
}
