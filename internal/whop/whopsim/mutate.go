package whopsim

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// Mutations change state the way Whop's own activity would, stamp
// updated_at with the simulator clock and emit the webhooks Whop sends for
// the change. Each public method is one batch of webhooks.

// batch collects the events of one mutation while s.mu is held; they are
// sent after the lock is released.
type batch struct {
	s      *Sim
	events []Event
}

func (b *batch) membership(typ string, m *membership) {
	st := b.s.st
	b.events = append(b.events, b.s.newEvent(typ, m.CompanyID, m.ID, func(v view) obj { return st.renderMembership(v, m) }))
}

func (b *batch) payment(typ string, p *payment) {
	st := b.s.st
	b.events = append(b.events, b.s.newEvent(typ, p.CompanyID, p.ID, func(v view) obj { return st.renderPayment(v, p) }))
}

func (b *batch) refund(r *refund) {
	st := b.s.st
	b.events = append(b.events, b.s.newEvent("refund.created", r.CompanyID, r.ID, func(v view) obj { return st.renderRefund(v, r) }))
}

// mutate runs fn under the write lock and then delivers its webhooks.
func (s *Sim) mutate(fn func(b *batch, now time.Time) error) ([]Event, error) {
	b := &batch{s: s}
	s.mu.Lock()
	err := fn(b, s.clock().Truncate(time.Millisecond))
	s.mu.Unlock()
	s.hooks.emit(b.events)
	return b.events, err
}

func (s *Sim) findMembership(id string) (*membership, error) {
	m, ok := s.st.memberships.get(id)
	if !ok {
		return nil, fmt.Errorf("whopsim: membership %s not found", id)
	}
	return m, nil
}

func (s *Sim) touchMember(m *membership, now time.Time) {
	if mb, ok := s.st.members.get(m.MemberID); ok {
		s.st.refreshMember(mb, now)
	}
}

// SignUpParams chooses who signs up for what; empty fields are picked at
// random (a new user, a random visible plan of the first company).
type SignUpParams struct {
	CompanyID string
	UserID    string
	PlanID    string
	// Pending leaves the first payment pending (payment.pending) and the
	// membership drafted until ResolvePending or the next Tick.
	Pending bool
}

// SignUp creates a membership (and its user, member and first payment) and
// returns the membership ID.
func (s *Sim) SignUp(p SignUpParams) (string, error) {
	var id string
	_, err := s.mutate(func(b *batch, now time.Time) error {
		m, err := s.signUp(b, now, p)
		if m != nil {
			id = m.ID
		}
		return err
	})
	return id, err
}

func (s *Sim) signUp(b *batch, now time.Time, p SignUpParams) (*membership, error) {
	st := s.st
	if p.CompanyID == "" {
		ids := s.companyIDs()
		if len(ids) == 0 {
			return nil, fmt.Errorf("whopsim: sign up: no company; call Generate first")
		}
		p.CompanyID = ids[0]
	}
	var pl *plan
	if p.PlanID != "" {
		var ok bool
		if pl, ok = st.plans.get(p.PlanID); !ok {
			return nil, fmt.Errorf("whopsim: sign up: plan %s not found", p.PlanID)
		}
	} else {
		var plans []*plan
		for _, x := range st.plans.rows {
			if x.CompanyID == p.CompanyID {
				plans = append(plans, x)
			}
		}
		if len(plans) == 0 {
			return nil, fmt.Errorf("whopsim: sign up: company %s has no plans", p.CompanyID)
		}
		pl = plans[s.mutRNG.IntN(len(plans))]
	}
	var u *user
	if p.UserID != "" {
		var ok bool
		if u, ok = st.users.get(p.UserID); !ok {
			return nil, fmt.Errorf("whopsim: sign up: user %s not found", p.UserID)
		}
	} else {
		g := &generator{st: st, rng: s.mutRNG}
		u = g.newUser(len(st.users.rows)+1, now)
	}
	mb := st.addMember(p.CompanyID, u.ID, now)
	m := &membership{
		ID: st.newID("mem_"), CompanyID: p.CompanyID, UserID: u.ID, MemberID: mb.ID,
		ProductID: pl.ProductID, PlanID: pl.ID, Currency: pl.Currency,
		CreatedAt: now, UpdatedAt: now, JoinedAt: now,
	}
	st.memberships.insert(m)
	switch {
	case pl.PlanType == "renewal" && pl.TrialPeriodDays > 0 && !p.Pending:
		m.Status = "trialing"
		m.PeriodStart, m.PeriodEnd = ptr(now), ptr(now.AddDate(0, 0, pl.TrialPeriodDays))
		b.membership("membership.activated", m)
	default:
		amount, reason := pl.RenewalPrice, "subscription_create"
		if pl.PlanType == "one_time" {
			reason = "one_time"
		}
		if pl.InitialPrice > 0 {
			amount = pl.InitialPrice
		}
		pay := s.newPayment(m, now, amount, reason)
		if p.Pending {
			m.Status = "drafted"
			pay.Status, pay.Substatus = "pending", "pending"
			st.payments.insert(pay)
			b.payment("payment.created", pay)
			b.payment("payment.pending", pay)
			break
		}
		st.payments.insert(pay)
		s.activate(b, m, pay, now)
	}
	s.touchMember(m, now)
	return m, nil
}

func (s *Sim) newPayment(m *membership, now time.Time, amount float64, reason string) *payment {
	return &payment{
		ID: s.st.newID("pay_"), CompanyID: m.CompanyID, MembershipID: m.ID, MemberID: m.MemberID,
		UserID: m.UserID, ProductID: m.ProductID, PlanID: m.PlanID, BillingReason: reason,
		Currency: m.Currency, Subtotal: amount, Total: amount, CardBrand: "visa", CardLast4: "4242",
		Status: "paid", Substatus: "succeeded", PaidAt: ptr(now), CreatedAt: now, UpdatedAt: now,
	}
}

// activate announces a first payment and marks it paid and the
// membership valid.
func (s *Sim) activate(b *batch, m *membership, pay *payment, now time.Time) {
	b.payment("payment.created", pay)
	s.activateExisting(b, m, pay, now)
}

func (s *Sim) addSpend(m *membership, amount float64) {
	if mb, ok := s.st.members.get(m.MemberID); ok {
		mb.USDTotalSpent = round2(mb.USDTotalSpent + amount)
	}
}

// ResolvePending settles every pending payment as succeeded, activating
// its membership.
func (s *Sim) ResolvePending() []Event {
	ev, _ := s.mutate(func(b *batch, now time.Time) error {
		s.resolvePending(b, now)
		return nil
	})
	return ev
}

func (s *Sim) resolvePending(b *batch, now time.Time) {
	for _, pay := range s.st.payments.rows {
		if pay.Status != "pending" {
			continue
		}
		m, ok := s.st.memberships.get(pay.MembershipID)
		if !ok {
			continue
		}
		s.activateExisting(b, m, pay, now)
	}
}

func (s *Sim) activateExisting(b *batch, m *membership, pay *payment, now time.Time) {
	pay.Status, pay.Substatus, pay.PaidAt, pay.UpdatedAt = "paid", "succeeded", ptr(now), now
	b.payment("payment.succeeded", pay)
	if pl, ok := s.st.plans.get(m.PlanID); ok && pl.PlanType == "renewal" {
		m.Status = "active"
		m.PeriodStart, m.PeriodEnd = ptr(now), ptr(now.AddDate(0, 0, pl.BillingPeriod))
	} else {
		m.Status = "completed"
	}
	m.UpdatedAt = now
	b.membership("membership.activated", m)
	s.addSpend(m, pay.Total)
	s.touchMember(m, now)
}

// RenewMembership charges the next period successfully: a new payment, the
// renewal period moves forward, and a past_due membership is active again.
// It returns the payment ID.
func (s *Sim) RenewMembership(id string) (string, error) {
	var payID string
	_, err := s.mutate(func(b *batch, now time.Time) error {
		m, err := s.findMembership(id)
		if err != nil {
			return err
		}
		pay, err := s.renew(b, m, now)
		if pay != nil {
			payID = pay.ID
		}
		return err
	})
	return payID, err
}

func (s *Sim) renew(b *batch, m *membership, now time.Time) (*payment, error) {
	pl, ok := s.st.plans.get(m.PlanID)
	if !ok || pl.PlanType != "renewal" {
		return nil, fmt.Errorf("whopsim: renew %s: not a renewal plan", m.ID)
	}
	if !slices.Contains([]string{"active", "past_due", "trialing", "unresolved"}, m.Status) {
		return nil, fmt.Errorf("whopsim: renew %s: status %s does not renew", m.ID, m.Status)
	}
	pay := s.newPayment(m, now, pl.RenewalPrice, "subscription_cycle")
	s.st.payments.insert(pay)
	b.payment("payment.created", pay)
	b.payment("payment.succeeded", pay)
	start := now
	if m.PeriodEnd != nil && m.Status != "past_due" {
		start = *m.PeriodEnd
	}
	m.PeriodStart, m.PeriodEnd = ptr(start), ptr(start.AddDate(0, 0, pl.BillingPeriod))
	wasTrial := m.Status == "trialing"
	m.Status, m.UpdatedAt = "active", now
	if wasTrial {
		// Converting from a trial is a new valid state worth telling.
		b.membership("membership.activated", m)
	}
	s.addSpend(m, pay.Total)
	s.touchMember(m, now)
	return pay, nil
}

// FailPayment records a failed renewal charge: the membership goes
// past_due (Whop's grace period). It returns the payment ID.
func (s *Sim) FailPayment(membershipID string) (string, error) {
	var payID string
	_, err := s.mutate(func(b *batch, now time.Time) error {
		m, err := s.findMembership(membershipID)
		if err != nil {
			return err
		}
		pay, err := s.failPayment(b, m, now)
		if pay != nil {
			payID = pay.ID
		}
		return err
	})
	return payID, err
}

func (s *Sim) failPayment(b *batch, m *membership, now time.Time) (*payment, error) {
	pl, ok := s.st.plans.get(m.PlanID)
	if !ok {
		return nil, fmt.Errorf("whopsim: fail payment %s: plan missing", m.ID)
	}
	amount := pl.RenewalPrice
	if amount == 0 {
		amount = pl.InitialPrice
	}
	pay := s.newPayment(m, now, amount, "subscription_cycle")
	pay.Status, pay.Substatus, pay.PaidAt = "open", "failed", nil
	pay.FailureMessage = ptr(failureMessages[s.mutRNG.IntN(len(failureMessages))])
	s.st.payments.insert(pay)
	// The membership is past_due by the time the payment events go out, so
	// their nested membership carries the new status.
	if m.Status == "active" || m.Status == "trialing" {
		m.Status, m.UpdatedAt = "past_due", now
	}
	b.payment("payment.created", pay)
	b.payment("payment.failed", pay)
	return pay, nil
}

// CancelMembership cancels at period end (status canceling, webhook
// membership.cancel_at_period_end_changed) or immediately (canceled,
// membership.deactivated).
func (s *Sim) CancelMembership(id string, atPeriodEnd bool) error {
	_, err := s.mutate(func(b *batch, now time.Time) error {
		m, err := s.findMembership(id)
		if err != nil {
			return err
		}
		return s.cancel(b, m, atPeriodEnd, now)
	})
	return err
}

func (s *Sim) cancel(b *batch, m *membership, atPeriodEnd bool, now time.Time) error {
	if !grantsAccess(m.Status) {
		return fmt.Errorf("whopsim: cancel %s: status %s", m.ID, m.Status)
	}
	m.CanceledAt, m.UpdatedAt = ptr(now), now
	m.CancelOption = ptr(cancelOptions[s.mutRNG.IntN(len(cancelOptions))])
	if atPeriodEnd && m.PeriodEnd != nil {
		m.CancelAtPeriodEnd, m.Status = true, "canceling"
		b.membership("membership.cancel_at_period_end_changed", m)
		return nil
	}
	m.Status = "canceled"
	b.membership("membership.deactivated", m)
	s.touchMember(m, now)
	return nil
}

// UncancelMembership undoes a cancel at period end.
func (s *Sim) UncancelMembership(id string) error {
	_, err := s.mutate(func(b *batch, now time.Time) error {
		m, err := s.findMembership(id)
		if err != nil {
			return err
		}
		if m.Status != "canceling" {
			return fmt.Errorf("whopsim: uncancel %s: status %s", m.ID, m.Status)
		}
		m.CancelAtPeriodEnd, m.Status, m.CanceledAt, m.CancelOption, m.UpdatedAt = false, "active", nil, nil, now
		b.membership("membership.cancel_at_period_end_changed", m)
		return nil
	})
	return err
}

// EndPeriod ends a membership's current period now: canceling becomes
// canceled, past_due becomes expired (both membership.deactivated).
func (s *Sim) EndPeriod(id string) error {
	_, err := s.mutate(func(b *batch, now time.Time) error {
		m, err := s.findMembership(id)
		if err != nil {
			return err
		}
		return s.endPeriod(b, m, now)
	})
	return err
}

func (s *Sim) endPeriod(b *batch, m *membership, now time.Time) error {
	switch m.Status {
	case "canceling":
		m.Status = "canceled"
	case "past_due", "unresolved":
		m.Status = "expired"
	default:
		return fmt.Errorf("whopsim: end period %s: status %s", m.ID, m.Status)
	}
	m.PeriodEnd, m.UpdatedAt = ptr(now), now
	b.membership("membership.deactivated", m)
	s.touchMember(m, now)
	return nil
}

// Refund refunds a paid payment, fully when amount is 0, and returns the
// refund ID.
func (s *Sim) Refund(paymentID string, amount float64) (string, error) {
	var id string
	_, err := s.mutate(func(b *batch, now time.Time) error {
		pay, ok := s.st.payments.get(paymentID)
		if !ok {
			return fmt.Errorf("whopsim: refund: payment %s not found", paymentID)
		}
		r, err := s.refund(b, pay, amount, now)
		if r != nil {
			id = r.ID
		}
		return err
	})
	return id, err
}

func (s *Sim) refund(b *batch, pay *payment, amount float64, now time.Time) (*refund, error) {
	left := round2(pay.Total - pay.RefundedAmount)
	if pay.Status != "paid" || left <= 0 {
		return nil, fmt.Errorf("whopsim: refund %s: not refundable", pay.ID)
	}
	if amount <= 0 || amount > left {
		amount = left
	}
	pay.RefundedAmount = round2(pay.RefundedAmount + amount)
	pay.Substatus = "partially_refunded"
	if pay.RefundedAmount >= pay.Total {
		pay.Substatus = "refunded"
	}
	pay.RefundedAt, pay.UpdatedAt = ptr(now), now
	r := &refund{
		ID: s.st.newID("rfnd_"), PaymentID: pay.ID, CompanyID: pay.CompanyID, Amount: amount,
		Currency: pay.Currency, Status: "succeeded", CreatedAt: now, UpdatedAt: now,
	}
	s.st.refunds.insert(r)
	if m, ok := s.st.memberships.get(pay.MembershipID); ok {
		s.addSpend(m, -amount)
	}
	b.refund(r)
	return r, nil
}

// companyIDs lists companies in a stable order. Caller holds s.mu.
func (s *Sim) companyIDs() []string {
	ids := make([]string, 0, len(s.st.companies))
	for id := range s.st.companies {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// Tick advances the simulated business by one step for every company:
// periods that ended are settled (canceling -> canceled, trials convert,
// long past_due -> expired, pending payments clear), then a new sign-up
// and, at seeded random, a renewal, a cancellation, a failed payment, a
// recovery and a refund. It returns the events it emitted.
func (s *Sim) Tick() []Event {
	ev, _ := s.mutate(func(b *batch, now time.Time) error {
		s.resolvePending(b, now)
		for _, cid := range s.companyIDs() {
			s.tickCompany(b, cid, now)
		}
		return nil
	})
	return ev
}

func (s *Sim) tickCompany(b *batch, companyID string, now time.Time) {
	rng := s.mutRNG
	var active, pastDue, canceling []*membership
	for _, m := range s.st.memberships.rows {
		if m.CompanyID != companyID {
			continue
		}
		due := m.PeriodEnd != nil && !now.Before(*m.PeriodEnd)
		switch m.Status {
		case "canceling":
			if due {
				_ = s.endPeriod(b, m, now)
				continue
			}
			canceling = append(canceling, m)
		case "trialing":
			if due {
				_, _ = s.renew(b, m, now)
			}
		case "past_due":
			if due && now.Sub(*m.PeriodEnd) > 7*24*time.Hour {
				_ = s.endPeriod(b, m, now)
				continue
			}
			pastDue = append(pastDue, m)
		case "active":
			if pl, ok := s.st.plans.get(m.PlanID); ok && pl.PlanType == "renewal" {
				if due {
					_, _ = s.renew(b, m, now)
					continue
				}
				active = append(active, m)
			}
		}
	}
	pick := func(list []*membership) *membership {
		if len(list) == 0 {
			return nil
		}
		return list[rng.IntN(len(list))]
	}
	_, _ = s.signUp(b, now, SignUpParams{CompanyID: companyID, Pending: rng.IntN(10) == 0})
	if m := pick(active); m != nil && rng.IntN(10) < 6 {
		_, _ = s.renew(b, m, now)
	}
	if m := pick(active); m != nil && rng.IntN(10) < 3 {
		_ = s.cancel(b, m, true, now)
	}
	if m := pick(active); m != nil && rng.IntN(10) < 2 {
		_, _ = s.failPayment(b, m, now)
	}
	if m := pick(pastDue); m != nil && rng.IntN(10) < 3 {
		_, _ = s.renew(b, m, now)
	}
	if m := pick(canceling); m != nil && rng.IntN(10) < 2 {
		_ = s.endPeriod(b, m, now)
	}
	if rng.IntN(100) < 15 {
		rows := s.st.payments.rows
		for i := len(rows) - 1; i >= 0 && i >= len(rows)-50; i-- {
			if p := rows[i]; p.CompanyID == companyID && p.Substatus == "succeeded" {
				_, _ = s.refund(b, p, 0, now)
				break
			}
		}
	}
}

// Run calls Tick every interval until ctx ends; it returns ctx.Err().
func (s *Sim) Run(ctx context.Context, every time.Duration) error {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
			s.Tick()
		}
	}
}
