package whopsim

import (
	"time"
)

// knownVersions are the Api-Version-Date values the simulator accepts; any
// other value answers 400, as Whop does for a date it does not know.
// 2025-01-01 is the original model (what Roster pins) and 2026-07-20 is what
// Whop's official TypeScript SDK (@whop/sdk 0.0.42) sends by default. The
// SDK's types are the authority for the shapes, and at 2026-07-20 they nest
// company, member, plan, product and user on a membership just as the
// original model does, so both dates get the same shapes: the SDK's.
var knownVersions = map[string]bool{
	"2025-01-01": true,
	"2026-07-20": true,
}

// view says how a resource is rendered for one request or webhook.
type view struct {
	email bool // the credential has member:email:read
	unix  bool // timestamps as unix seconds (legacy v5 webhooks)
	// list renders a list item: the SDK types list items with fewer fields
	// than a retrieved object or a webhook's data.
	list bool
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

// The renderers below produce the fields the SDK types as required (null
// where the simulator has no value, e.g. tax, disputes, checkout
// configurations), so a client written against the SDK finds every field it
// relies on. Fields the SDK does not type are not invented.

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

// renderUser is a public profile: no email, and no balances or earnings
// (those are the account holder's own).
func (s *state) renderUser(v view, u *user) obj {
	return obj{
		"id": u.ID, "username": u.Username, "name": strP(u.Name), "bio": strP(u.Bio),
		"created_at":      v.time(u.CreatedAt),
		"profile_picture": obj{"url": "https://ui-avatars.com/api/?name=" + u.Username},
		"balance":         nil, "balance_history": nil, "earnings_usd": nil,
		"verification": nil, "whop_partner_enabled_at": nil,
	}
}

// companyRef is {id, title}; withRoute adds the route, as payments, members
// and products nest it.
func (s *state) companyRef(id string, withRoute bool) obj {
	o := obj{"id": id, "title": ""}
	c, ok := s.companies[id]
	if ok {
		o["title"] = c.Title
	}
	if withRoute {
		o["route"] = ""
		if ok {
			o["route"] = c.Route
		}
	}
	return o
}

func (s *state) renderMembership(v view, m *membership) obj {
	title := ""
	if p, ok := s.products.get(m.ProductID); ok {
		title = p.Title
	}
	o := obj{
		"id": m.ID, "status": m.Status,
		"created_at": v.time(m.CreatedAt), "updated_at": v.time(m.UpdatedAt),
		"joined_at":            v.time(m.JoinedAt),
		"cancel_at_period_end": m.CancelAtPeriodEnd, "cancel_option": strP(m.CancelOption),
		"cancellation_reason": strP(m.CancellationReason), "canceled_at": v.timeP(m.CanceledAt),
		"checkout_configuration_id": nil,
		"currency":                  m.Currency, "license_key": nil,
		"manage_url": "https://whop.com/billing/manage/" + m.ID,
		"metadata":   obj{}, "payment_collection_paused": false, "promo_code": nil,
		"company":              s.companyRef(m.CompanyID, false),
		"member":               obj{"id": m.MemberID},
		"plan":                 obj{"id": m.PlanID, "metadata": obj{}},
		"product":              obj{"id": m.ProductID, "title": title, "metadata": obj{}},
		"renewal_period_start": v.timeP(m.PeriodStart),
		"renewal_period_end":   v.timeP(m.PeriodEnd),
		"user":                 s.renderUserRef(v, m.UserID),
	}
	if !v.list {
		o["custom_field_responses"] = []obj{}
	}
	return o
}

func (s *state) renderMember(v view, m *member) obj {
	o := obj{
		"id": m.ID, "access_level": m.AccessLevel,
		"created_at": v.time(m.CreatedAt), "updated_at": v.time(m.UpdatedAt),
		"joined_at":          v.time(m.JoinedAt),
		"most_recent_action": m.LastAction, "most_recent_action_at": v.time(m.LastActionAt),
		"phone": strP(m.Phone), "status": m.Status, "usd_total_spent": m.USDTotalSpent,
		"company_token_balance": 0,
		"user":                  s.renderUserRef(v, m.UserID),
	}
	if !v.list {
		o["company"] = s.companyRef(m.CompanyID, true)
	}
	return o
}

// accessCount counts memberships that grant access and match.
func (s *state) accessCount(match func(*membership) bool) int {
	n := 0
	for _, m := range s.memberships.rows {
		if match(m) && grantsAccess(m.Status) {
			n++
		}
	}
	return n
}

func (s *state) renderProduct(v view, p *product) obj {
	o := obj{
		"id": p.ID, "title": p.Title, "headline": p.Headline,
		"route": p.Route, "visibility": p.Visibility,
		"created_at": v.time(p.CreatedAt), "updated_at": v.time(p.UpdatedAt),
		"member_count":        s.accessCount(func(m *membership) bool { return m.ProductID == p.ID }),
		"metadata":            obj{},
		"external_identifier": nil, "gallery_images": []obj{}, "published_reviews_count": 0,
		"verified": false,
	}
	if v.list {
		return o
	}
	o["description"] = p.Description
	o["company"] = s.companyRef(p.CompanyID, true)
	o["owner_user"] = nil
	if c, ok := s.companies[p.CompanyID]; ok {
		if u, ok := s.users.get(c.OwnerUserID); ok {
			o["owner_user"] = obj{"id": u.ID, "name": strP(u.Name), "username": u.Username}
		}
	}
	o["custom_cta"] = "join"
	o["custom_cta_url"] = nil
	o["custom_statement_descriptor"] = nil
	o["global_affiliate_percentage"] = nil
	o["global_affiliate_status"] = "disabled"
	o["member_affiliate_percentage"] = nil
	o["member_affiliate_status"] = "disabled"
	o["product_tax_code"] = nil
	return o
}

// renderPlan follows the SDK's plan: the seller is "account" (the SDK leaves
// its shape open; the simulator nests the company's id, title and route).
func (s *state) renderPlan(v view, p *plan) obj {
	var period, trial any
	if p.PlanType == "renewal" {
		period = p.BillingPeriod
	}
	if p.TrialPeriodDays > 0 {
		trial = p.TrialPeriodDays
	}
	title := ""
	if pr, ok := s.products.get(p.ProductID); ok {
		title = pr.Title
	}
	o := obj{
		"id": p.ID, "title": p.Title, "plan_type": p.PlanType, "currency": p.Currency,
		"initial_price": p.InitialPrice, "renewal_price": p.RenewalPrice,
		"billing_period": period, "trial_period_days": trial, "visibility": p.Visibility,
		"created_at": v.time(p.CreatedAt), "updated_at": v.time(p.UpdatedAt),
		"metadata":                 obj{},
		"product":                  obj{"id": p.ProductID, "title": title},
		"account":                  s.companyRef(p.CompanyID, true),
		"member_count":             s.accessCount(func(m *membership) bool { return m.PlanID == p.ID }),
		"purchase_url":             "https://whop.com/checkout/" + p.ID,
		"adaptive_pricing_enabled": false, "description": nil, "expiration_days": nil,
		"internal_notes": nil, "invoice": nil, "payment_method_configuration": nil,
		"release_method": "buy_now", "split_pay_required_payments": nil, "stock": nil,
		"three_ds_level": nil, "unlimited_stock": true,
	}
	if !v.list {
		o["collect_tax"] = false
		o["custom_fields"] = []obj{}
		o["tax_type"] = "unspecified"
	}
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
	var refunded any
	if p.RefundedAmount > 0 {
		refunded = p.RefundedAmount
	}
	failed := 0
	if p.Substatus == "failed" {
		failed = 1
	}
	o := obj{
		"id": p.ID, "status": p.Status, "substatus": p.Substatus,
		"billing_reason": p.BillingReason,
		"created_at":     v.time(p.CreatedAt), "updated_at": v.time(p.UpdatedAt),
		"paid_at": v.timeP(p.PaidAt), "refunded_at": v.timeP(p.RefundedAt),
		"last_payment_attempt": v.time(p.CreatedAt), "next_payment_attempt": nil,
		"currency": p.Currency, "subtotal": p.Subtotal, "total": p.Total,
		"usd_total": p.Total, "amount_after_fees": round2(p.Total * 0.97),
		"settlement_currency": p.Currency,
		"refunded_amount":     refunded, "failure_message": strP(p.FailureMessage),
		"card_brand": p.CardBrand, "card_last4": p.CardLast4, "payment_method_type": "card",
		"payment_method": nil, "payments_failed": failed,
		"refundable": p.Status == "paid" && p.Substatus != "refunded",
		"retryable":  p.Substatus == "failed", "voidable": p.Status == "open",
		"auto_refunded": false, "billing_address": nil, "shipping_address": nil,
		"dispute_alerted_at": nil, "application_fee": nil, "checkout_configuration_id": nil,
		"metadata": obj{}, "promo_code": nil,
		"tax_amount": nil, "tax_behavior": nil,
		"company":    s.companyRef(p.CompanyID, true),
		"membership": obj{"id": p.MembershipID, "status": mstatus, "phone_number": nil},
		"member":     obj{"id": p.MemberID, "phone": nil},
		"user":       s.renderUserRef(v, p.UserID),
		"product":    obj{"id": p.ProductID, "title": ptitle, "route": route, "metadata": obj{}},
		"plan":       obj{"id": p.PlanID, "internal_notes": nil, "metadata": obj{}},
	}
	if v.list {
		return o
	}
	refunds := []obj{}
	for _, r := range s.refunds.rows {
		if r.PaymentID == p.ID {
			refunds = append(refunds, obj{"id": r.ID, "amount": r.Amount, "currency": r.Currency, "status": r.Status, "created_at": v.time(r.CreatedAt)})
		}
	}
	o["refunds"] = refunds
	o["disputes"] = []obj{}
	o["resolutions"] = []obj{}
	o["financing_installments_count"] = nil
	o["financing_transactions"] = []obj{}
	o["risk_score"] = nil
	o["risk_signals"] = nil
	o["settlement_amount"] = p.Total
	o["settlement_exchange_rate"] = nil
	o["tax_refunded_amount"] = nil
	o["three_ds_verified"] = false
	return o
}

// renderRefund is the data of refund.* webhooks: the refund with a summary
// of its payment, as the SDK types it.
func (s *state) renderRefund(v view, r *refund) obj {
	var pay any
	if p, ok := s.payments.get(r.PaymentID); ok {
		full := s.renderPayment(view{email: v.email, unix: v.unix, list: true}, p)
		summary := obj{"tax_refunded_amount": nil}
		for _, k := range []string{"id", "billing_reason", "card_brand", "card_last4", "created_at", "currency",
			"dispute_alerted_at", "member", "metadata", "paid_at", "payment_method_type", "subtotal",
			"tax_amount", "tax_behavior", "total", "usd_total", "user"} {
			summary[k] = full[k]
		}
		summary["membership"] = obj{"id": p.MembershipID, "status": full["membership"].(obj)["status"]}
		summary["plan"] = obj{"id": p.PlanID, "metadata": obj{}}
		summary["product"] = obj{"id": p.ProductID, "metadata": obj{}}
		pay = summary
	}
	return obj{
		"id": r.ID, "amount": r.Amount, "currency": r.Currency, "status": r.Status,
		"created_at": v.time(r.CreatedAt), "payment": pay,
		"provider": "stripe", "provider_created_at": v.time(r.CreatedAt),
		"reference_status": nil, "reference_type": nil, "reference_value": nil,
	}
}

func round2(f float64) float64 {
	return float64(int64(f*100+0.5)) / 100
}
