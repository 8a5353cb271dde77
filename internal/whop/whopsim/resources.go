package whopsim

import (
	"net/http"
	"time"
)

// Each list handler parses its filters, then pages over its table under the
// read lock; unknown query parameters are ignored, as Whop ignores them.

func (s *Sim) listMemberships(r *http.Request, c *credential, v view) (any, *apiError) {
	v.list = true
	q := r.URL.Query()
	p, e := parsePage(q)
	if e != nil {
		return nil, e
	}
	statuses, products, plans, users := arrayParam(q, "statuses"), arrayParam(q, "product_ids"), arrayParam(q, "plan_ids"), arrayParam(q, "user_ids")
	after, e := timeParam(q, "created_after")
	if e != nil {
		return nil, e
	}
	before, e := timeParam(q, "created_before")
	if e != nil {
		return nil, e
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	companyID, e := s.listCompany(r, c)
	if e != nil {
		return nil, e
	}
	match := func(m *membership) bool {
		return m.CompanyID == companyID && in(statuses, m.Status) && in(products, m.ProductID) &&
			in(plans, m.PlanID) && in(users, m.UserID) && within(m.CreatedAt, after, before)
	}
	return paginate(s.st.memberships, p, match, func(m *membership) obj { return s.st.renderMembership(v, m) }, s.cfg.LastPageStyle), nil
}

func (s *Sim) getMembership(r *http.Request, c *credential, v view) (any, *apiError) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	id := r.PathValue("id")
	m, ok := s.st.memberships.get(id)
	if !ok {
		// Whop also finds a membership by its license key; the simulator
		// issues none, so an unknown ID is simply not found.
		return nil, errNotFound("Membership", id)
	}
	if !s.canSee(c, m.CompanyID) {
		return nil, errNotFound("Membership", id)
	}
	return s.st.renderMembership(v, m), nil
}

func (s *Sim) listMembers(r *http.Request, c *credential, v view) (any, *apiError) {
	v.list = true
	q := r.URL.Query()
	p, e := parsePage(q)
	if e != nil {
		return nil, e
	}
	statuses, users := arrayParam(q, "statuses"), arrayParam(q, "user_ids")
	after, e := timeParam(q, "created_after")
	if e != nil {
		return nil, e
	}
	before, e := timeParam(q, "created_before")
	if e != nil {
		return nil, e
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	companyID, e := s.listCompany(r, c)
	if e != nil {
		return nil, e
	}
	match := func(m *member) bool {
		return m.CompanyID == companyID && in(statuses, m.Status) && in(users, m.UserID) &&
			within(m.CreatedAt, after, before)
	}
	return paginate(s.st.members, p, match, func(m *member) obj { return s.st.renderMember(v, m) }, s.cfg.LastPageStyle), nil
}

func (s *Sim) getMember(r *http.Request, c *credential, v view) (any, *apiError) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	id := r.PathValue("id")
	m, ok := s.st.members.get(id)
	if !ok || !s.canSee(c, m.CompanyID) {
		return nil, errNotFound("Member", id)
	}
	return s.st.renderMember(v, m), nil
}

// getUser serves public profiles: any valid credential may read any user,
// and the profile carries no email.
func (s *Sim) getUser(r *http.Request, _ *credential, v view) (any, *apiError) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	id := r.PathValue("id")
	u, ok := s.st.users.get(id)
	if !ok {
		return nil, errNotFound("User", id)
	}
	return s.st.renderUser(v, u), nil
}

func (s *Sim) listProducts(r *http.Request, c *credential, v view) (any, *apiError) {
	v.list = true
	q := r.URL.Query()
	p, e := parsePage(q)
	if e != nil {
		return nil, e
	}
	vis := arrayParam(q, "visibilities")
	s.mu.RLock()
	defer s.mu.RUnlock()
	companyID, e := s.listCompany(r, c)
	if e != nil {
		return nil, e
	}
	match := func(pr *product) bool { return pr.CompanyID == companyID && in(vis, pr.Visibility) }
	return paginate(s.st.products, p, match, func(pr *product) obj { return s.st.renderProduct(v, pr) }, s.cfg.LastPageStyle), nil
}

func (s *Sim) getProduct(r *http.Request, c *credential, v view) (any, *apiError) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	id := r.PathValue("id")
	pr, ok := s.st.products.get(id)
	if !ok || !s.canSee(c, pr.CompanyID) {
		return nil, errNotFound("Product", id)
	}
	return s.st.renderProduct(v, pr), nil
}

func (s *Sim) listPlans(r *http.Request, c *credential, v view) (any, *apiError) {
	v.list = true
	q := r.URL.Query()
	p, e := parsePage(q)
	if e != nil {
		return nil, e
	}
	products, types := arrayParam(q, "product_ids"), arrayParam(q, "plan_types")
	s.mu.RLock()
	defer s.mu.RUnlock()
	companyID, e := s.listCompany(r, c)
	if e != nil {
		return nil, e
	}
	match := func(pl *plan) bool {
		return pl.CompanyID == companyID && in(products, pl.ProductID) && in(types, pl.PlanType)
	}
	return paginate(s.st.plans, p, match, func(pl *plan) obj { return s.st.renderPlan(v, pl) }, s.cfg.LastPageStyle), nil
}

func (s *Sim) getPlan(r *http.Request, c *credential, v view) (any, *apiError) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	id := r.PathValue("id")
	pl, ok := s.st.plans.get(id)
	if !ok || !s.canSee(c, pl.CompanyID) {
		return nil, errNotFound("Plan", id)
	}
	return s.st.renderPlan(v, pl), nil
}

func (s *Sim) listPayments(r *http.Request, c *credential, v view) (any, *apiError) {
	v.list = true
	q := r.URL.Query()
	p, e := parsePage(q)
	if e != nil {
		return nil, e
	}
	statuses, subs := arrayParam(q, "statuses"), arrayParam(q, "substatuses")
	products, plans := arrayParam(q, "product_ids"), arrayParam(q, "plan_ids")
	var bounds [4]*time.Time
	for i, name := range []string{"created_after", "created_before", "updated_after", "updated_before"} {
		if bounds[i], e = timeParam(q, name); e != nil {
			return nil, e
		}
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	companyID, e := s.listCompany(r, c)
	if e != nil {
		return nil, e
	}
	match := func(pa *payment) bool {
		return pa.CompanyID == companyID && in(statuses, pa.Status) && in(subs, pa.Substatus) &&
			in(products, pa.ProductID) && in(plans, pa.PlanID) &&
			within(pa.CreatedAt, bounds[0], bounds[1]) && within(pa.UpdatedAt, bounds[2], bounds[3])
	}
	return paginate(s.st.payments, p, match, func(pa *payment) obj { return s.st.renderPayment(v, pa) }, s.cfg.LastPageStyle), nil
}

func (s *Sim) getPayment(r *http.Request, c *credential, v view) (any, *apiError) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	id := r.PathValue("id")
	pa, ok := s.st.payments.get(id)
	if !ok || !s.canSee(c, pa.CompanyID) {
		return nil, errNotFound("Payment", id)
	}
	return s.st.renderPayment(v, pa), nil
}

func in(set map[string]bool, v string) bool { return set == nil || set[v] }

// within applies exclusive after/before bounds, as "created_after" reads.
func within(t time.Time, after, before *time.Time) bool {
	return (after == nil || t.After(*after)) && (before == nil || t.Before(*before))
}
