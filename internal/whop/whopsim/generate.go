package whopsim

import (
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"time"
)

// GenerateParams sizes a generated company. Zero fields take the defaults
// noted on each.
type GenerateParams struct {
	// Seed drives the generator's choices; 0 uses Config.Seed. IDs come from
	// the simulator's own seeded sequence, so the same Config.Seed and the
	// same calls give the same IDs.
	Seed uint64
	// CompanyID and CompanyTitle name the company; default a seeded biz_ ID
	// and "Pickaxe Labs".
	CompanyID    string
	CompanyTitle string
	// Users (default 100) customers, each holding at least one membership
	// (so every one is reachable through the company's members and
	// memberships), plus the company's owner, who holds none.
	Users int
	// Products (default 3) with PlansPerProduct plans each (default 3:
	// monthly with a trial, yearly, one-time; a fourth is monthly).
	Products        int
	PlansPerProduct int
	// Memberships (default Users*6/5, never fewer than Users) and Payments
	// (default: one per billing event the memberships' histories imply)
	// are exact counts.
	Memberships int
	Payments    int
	// Start and End bound every generated timestamp; End defaults to the
	// simulator clock, Start to a year before End.
	Start, End time.Time
}

// GenerateResult tells the caller what was made, to wire an API key or an
// OAuth sign-in to it.
type GenerateResult struct {
	CompanyID   string
	OwnerUserID string
	Counts      Counts
}

var (
	firstNames = []string{"John", "Maria", "Wei", "Aisha", "Lucas", "Sofia", "Kenji", "Olivia", "Mateo", "Priya", "Noah", "Emma", "Omar", "Chloe", "Ivan", "Fatima", "Liam", "Yuki", "Diego", "Hannah", "Arjun", "Zoe", "Tomás", "Leila", "Ethan", "Mia", "Kwame", "Ava", "Sven", "Nadia"}
	lastNames  = []string{"Doe", "Garcia", "Chen", "Khan", "Silva", "Rossi", "Tanaka", "Smith", "Lopez", "Patel", "Müller", "Brown", "Haddad", "Martin", "Petrov", "Ali", "Murphy", "Sato", "Fernández", "Weber", "Singh", "Kim", "Nowak", "Dubois", "Okafor", "Johansson", "Costa", "Novak", "Jensen", "Ahmed"}
	domains    = []string{"example.com", "example.org", "example.net", "mail.example.com"}
	products   = []struct{ title, headline string }{
		{"Pickaxe Analytics", "Dashboards for creators"},
		{"Alpha Signals", "Daily trade ideas"},
		{"Creator Academy", "Courses that ship"},
		{"Reseller Hub", "Restock alerts and guides"},
		{"Fitness Club", "Coached programs"},
		{"Design Vault", "Templates and assets"},
	}
	basePrices      = []float64{9.99, 25, 49, 19.99, 99, 14.5}
	failureMessages = []string{"Your card was declined.", "Your card has insufficient funds.", "Your card has expired.", "The card issuer requires authentication."}
	cancelOptions   = []string{"too_expensive", "switching", "missing_features", "technical_issues", "bad_experience", "other"}
	cardBrands      = []string{"visa", "mastercard", "amex"}
)

// membershipMix is the status distribution for renewal plans, in percent.
var membershipMix = []struct {
	status string
	pct    int
}{
	{"active", 56}, {"trialing", 6}, {"past_due", 6}, {"canceling", 6},
	{"canceled", 14}, {"expired", 8}, {"drafted", 2}, {"unresolved", 2},
}

// Generate fills the simulator with one company's realistic history. It may
// be called more than once (one company each).
func (s *Sim) Generate(p GenerateParams) GenerateResult {
	if p.Seed == 0 {
		p.Seed = s.cfg.Seed
	}
	if p.End.IsZero() {
		p.End = s.clock()
	}
	if p.Start.IsZero() || !p.Start.Before(p.End) {
		p.Start = p.End.AddDate(-1, 0, 0)
	}
	p.Users = defaultInt(p.Users, 100)
	p.Products = defaultInt(p.Products, 3)
	p.PlansPerProduct = defaultInt(p.PlansPerProduct, 3)
	p.Memberships = max(defaultInt(p.Memberships, p.Users*6/5), p.Users)

	s.mu.Lock()
	g := &generator{st: s.st, p: p, rng: rand.New(rand.NewPCG(p.Seed, 0x6e6)), span: p.End.Sub(p.Start)}
	res := g.run()
	s.mu.Unlock()
	res.Counts = s.Counts()
	return res
}

func defaultInt(v, d int) int {
	if v <= 0 {
		return d
	}
	return v
}

type generator struct {
	st   *state
	p    GenerateParams
	rng  *rand.Rand
	span time.Duration
	co   *company
}

// at returns a random instant in [Start, End), millisecond precision as
// Whop's timestamps have.
func (g *generator) at() time.Time {
	return g.p.Start.Add(time.Duration(g.rng.Int64N(int64(g.span)))).Truncate(time.Millisecond)
}

func (g *generator) pick(list []string) string { return list[g.rng.IntN(len(list))] }

func (g *generator) run() GenerateResult {
	st, p := g.st, g.p
	owner := g.newUser(0, p.Start.Add(-60*24*time.Hour))
	id := p.CompanyID
	if id == "" {
		id = st.newID("biz_")
	}
	title := p.CompanyTitle
	if title == "" {
		title = "Pickaxe Labs"
	}
	g.co = &company{ID: id, Title: title, Route: slug(title), OwnerUserID: owner.ID, CreatedAt: p.Start.Add(-45 * 24 * time.Hour)}
	st.companies[id] = g.co

	plans := g.catalog()
	g.memberships(plans)
	st.users.sortRows()
	st.members.sortRows()
	st.memberships.sortRows()
	st.payments.sortRows()
	st.refunds.sortRows()
	return GenerateResult{CompanyID: id, OwnerUserID: owner.ID}
}

func (g *generator) newUser(i int, at time.Time) *user {
	first, last := g.pick(firstNames), g.pick(lastNames)
	u := &user{
		ID:        g.st.newID("user_"),
		Username:  strings.ToLower(asciiOnly(first)+asciiOnly(last)) + itoa(i) + itoa(g.rng.IntN(100)),
		CreatedAt: at,
	}
	if g.rng.IntN(100) < 95 {
		u.Name = ptr(first + " " + last)
	}
	if g.rng.IntN(100) < 90 {
		u.Email = ptr(strings.ToLower(asciiOnly(first)+"."+asciiOnly(last)) + itoa(i) + "@" + g.pick(domains))
	}
	if g.rng.IntN(100) < 10 {
		u.Bio = ptr("Building things on Whop.")
	}
	g.st.users.insert(u)
	return u
}

// catalog makes products and their plans. Plan templates rotate: monthly
// with a 7-day trial, yearly, one-time, plain monthly.
func (g *generator) catalog() []*plan {
	var plans []*plan
	for i := 0; i < g.p.Products; i++ {
		info := products[i%len(products)]
		t := g.p.Start.Add(-time.Duration(30-i) * 24 * time.Hour)
		title := info.title
		if i >= len(products) {
			title += " " + itoa(i/len(products)+1)
		}
		pr := &product{
			ID: g.st.newID("prod_"), CompanyID: g.co.ID, Title: title, Headline: info.headline,
			Description: info.headline + ".", Route: slug(title), Visibility: "visible",
			CreatedAt: t, UpdatedAt: t,
		}
		if i == 3 {
			pr.Visibility = "hidden"
		}
		g.st.products.insert(pr)
		base := basePrices[i%len(basePrices)]
		currency := "usd"
		if i%5 == 4 {
			currency = "eur"
		}
		for j := 0; j < g.p.PlansPerProduct; j++ {
			pl := &plan{
				ID: g.st.newID("plan_"), CompanyID: g.co.ID, ProductID: pr.ID, Currency: currency,
				Visibility: "visible", CreatedAt: t.Add(time.Duration(j) * time.Minute),
			}
			pl.UpdatedAt = pl.CreatedAt
			switch j % 4 {
			case 0:
				pl.Title, pl.PlanType, pl.BillingPeriod, pl.TrialPeriodDays = "Monthly", "renewal", 30, 7
				pl.RenewalPrice = base
			case 1:
				pl.Title, pl.PlanType, pl.BillingPeriod = "Yearly", "renewal", 365
				pl.RenewalPrice = round2(base * 10)
			case 2:
				pl.Title, pl.PlanType = "Lifetime", "one_time"
				pl.InitialPrice = round2(base * 20)
			default:
				pl.Title, pl.PlanType, pl.BillingPeriod = "Monthly (no trial)", "renewal", 30
				pl.RenewalPrice = base
			}
			g.st.plans.insert(pl)
			plans = append(plans, pl)
		}
	}
	return plans
}

type spec struct {
	t      time.Time
	status string
	plan   *plan
}

func (g *generator) status(pl *plan) string {
	if pl.PlanType == "one_time" {
		if g.rng.IntN(100) < 3 {
			return "drafted"
		}
		return "completed"
	}
	n := g.rng.IntN(100)
	for _, m := range membershipMix {
		if n < m.pct {
			if m.status == "trialing" && pl.TrialPeriodDays == 0 {
				return "active"
			}
			return m.status
		}
		n -= m.pct
	}
	return "active"
}

func (g *generator) memberships(plans []*plan) {
	specs := make([]spec, g.p.Memberships)
	for i := range specs {
		pl := plans[g.rng.IntN(len(plans))]
		sp := spec{t: g.at(), plan: pl, status: g.status(pl)}
		switch sp.status {
		case "trialing":
			sp.t = g.p.End.Add(-time.Duration(g.rng.Int64N(int64(pl.TrialPeriodDays) * int64(24*time.Hour)))).Truncate(time.Millisecond)
		case "canceled", "expired":
			// Churned memberships need at least one finished period.
			if latest := g.p.End.AddDate(0, 0, -pl.BillingPeriod); sp.t.After(latest) {
				sp.t = g.p.Start.Add(time.Duration(g.rng.Int64N(int64(max(latest.Sub(g.p.Start), time.Hour))))).Truncate(time.Millisecond)
			}
		}
		specs[i] = sp
	}
	sort.Slice(specs, func(i, j int) bool { return specs[i].t.Before(specs[j].t) })
	owners := g.customers(specs)
	users := make([]*user, 0, g.p.Users) // in creation order
	for _, u := range owners {
		if u != nil {
			users = append(users, u)
		}
	}
	sort.Slice(users, func(i, j int) bool { return users[i].CreatedAt.Before(users[j].CreatedAt) })
	var slots []paySlot
	for i, sp := range specs {
		u := owners[i]
		if u == nil {
			// A returning customer: someone whose account existed by then.
			bound := sort.Search(len(users), func(i int) bool { return users[i].CreatedAt.After(sp.t) })
			u = users[0]
			if bound > 0 {
				u = users[g.rng.IntN(bound)]
			}
		}
		if sp.t.Before(u.CreatedAt) {
			sp.t = u.CreatedAt
		}
		slots = append(slots, g.membership(u, sp)...)
	}
	g.payments(slots)
	g.refreshMembers()
}

// customers makes the Users customers: a random Users of the specs are
// first purchases, each by a new account created up to two weeks before it
// (never before Start). It returns, per spec, the new customer whose first
// purchase it is, or nil. Users are numbered in creation order.
func (g *generator) customers(specs []spec) []*user {
	firsts := g.rng.Perm(len(specs))[:g.p.Users]
	type signup struct {
		spec int
		at   time.Time
	}
	signups := make([]signup, len(firsts))
	for i, k := range firsts {
		at := specs[k].t.Add(-time.Duration(g.rng.Int64N(int64(14 * 24 * time.Hour)))).Truncate(time.Millisecond)
		if at.Before(g.p.Start) {
			at = minTime(g.p.Start, specs[k].t)
		}
		signups[i] = signup{k, at}
	}
	sort.Slice(signups, func(i, j int) bool { return signups[i].at.Before(signups[j].at) })
	owners := make([]*user, len(specs))
	for i, su := range signups {
		owners[su.spec] = g.newUser(i+1, su.at)
	}
	return owners
}

// paySlot is a billing event a membership's history implies.
type paySlot struct {
	m       *membership
	t       time.Time
	reason  string
	amount  float64
	initial bool
	fail    bool // the membership's state says this charge failed
}

func (g *generator) membership(u *user, sp spec) []paySlot {
	pl, end := sp.plan, g.p.End
	mb := g.st.addMember(g.co.ID, u.ID, sp.t)
	m := &membership{
		ID: g.st.newID("mem_"), CompanyID: g.co.ID, UserID: u.ID, MemberID: mb.ID,
		ProductID: pl.ProductID, PlanID: pl.ID, Status: sp.status, Currency: pl.Currency,
		CreatedAt: sp.t, UpdatedAt: sp.t, JoinedAt: sp.t,
	}
	g.st.memberships.add(m)
	var slots []paySlot
	switch {
	case sp.status == "drafted":
		return nil
	case pl.PlanType == "one_time":
		return []paySlot{{m: m, t: sp.t, reason: "one_time", amount: pl.InitialPrice, initial: true}}
	}
	period := time.Duration(pl.BillingPeriod) * 24 * time.Hour
	first := sp.t
	if pl.TrialPeriodDays > 0 {
		first = sp.t.Add(time.Duration(pl.TrialPeriodDays) * 24 * time.Hour)
	}
	if sp.status == "trialing" {
		m.PeriodStart, m.PeriodEnd = ptr(sp.t), ptr(first)
		return nil
	}
	// Billing events from the first charge until now, or until a random
	// earlier period for churned memberships.
	var starts []time.Time
	for t := first; t.Before(end); t = t.Add(period) {
		starts = append(starts, t)
	}
	if len(starts) == 0 {
		starts = []time.Time{sp.t}
	}
	churned := sp.status == "canceled" || sp.status == "expired"
	if churned {
		k := 1 + g.rng.IntN(len(starts))
		for k > 1 && !starts[k-1].Add(period).Before(end) {
			k--
		}
		starts = starts[:k]
	}
	last := starts[len(starts)-1]
	m.PeriodStart, m.PeriodEnd = ptr(last), ptr(last.Add(period))
	m.UpdatedAt = maxTime(m.CreatedAt, last)
	switch sp.status {
	case "canceling":
		at := last.Add(time.Duration(g.rng.Int64N(int64(max(end.Sub(last), time.Minute))))).Truncate(time.Millisecond)
		m.CancelAtPeriodEnd, m.CanceledAt, m.CancelOption = true, ptr(at), ptr(g.pick(cancelOptions))
		m.UpdatedAt = at
	case "canceled":
		at := m.PeriodEnd.Add(-time.Duration(g.rng.IntN(5)+1) * 24 * time.Hour)
		m.CancelAtPeriodEnd, m.CanceledAt, m.CancelOption = true, ptr(at), ptr(g.pick(cancelOptions))
		m.UpdatedAt = *m.PeriodEnd
	case "expired":
		m.UpdatedAt = *m.PeriodEnd
	}
	// History ends now: a churned membership whose last period would run past
	// the end of the generated window changed no later than that end.
	if m.UpdatedAt.After(end) {
		m.UpdatedAt = end
	}
	if m.CanceledAt != nil && m.CanceledAt.After(end) {
		m.CanceledAt = ptr(end)
	}
	for i, t := range starts {
		reason, amount := "subscription_cycle", pl.RenewalPrice
		if i == 0 {
			reason = "subscription_create"
			if pl.InitialPrice > 0 {
				amount = pl.InitialPrice
			}
		}
		slots = append(slots, paySlot{m: m, t: t, reason: reason, amount: amount, initial: i == 0})
	}
	switch sp.status {
	case "past_due", "unresolved", "expired":
		slots[len(slots)-1].fail = true
	}
	return slots
}

// payments turns slots into exactly p.Payments payments (when set): initial
// charges are kept first, then renewals at random; extra payments, if more
// are asked for than the histories imply, are renewals at random times.
func (g *generator) payments(slots []paySlot) {
	want := g.p.Payments
	if want > 0 && want < len(slots) {
		sort.SliceStable(slots, func(i, j int) bool { return slots[i].initial && !slots[j].initial })
		tail := slots[:0:0]
		tail = append(tail, slots...)
		nInit := sort.Search(len(tail), func(i int) bool { return !tail[i].initial })
		rest := tail[nInit:]
		g.rng.Shuffle(len(rest), func(i, j int) { rest[i], rest[j] = rest[j], rest[i] })
		slots = tail[:want]
	}
	for want > len(slots) && len(slots) > 0 {
		base := slots[g.rng.IntN(len(slots))]
		sl := base
		sl.initial, sl.fail, sl.reason = false, false, "subscription_cycle"
		if base.reason == "one_time" {
			sl.reason = "one_time"
		}
		lo := base.m.CreatedAt
		sl.t = lo.Add(time.Duration(g.rng.Int64N(int64(max(g.p.End.Sub(lo), time.Minute))))).Truncate(time.Millisecond)
		slots = append(slots, sl)
	}
	for _, sl := range slots {
		g.payment(sl)
	}
}

func (g *generator) payment(sl paySlot) {
	m := sl.m
	p := &payment{
		ID: g.st.newID("pay_"), CompanyID: m.CompanyID, MembershipID: m.ID, MemberID: m.MemberID,
		UserID: m.UserID, ProductID: m.ProductID, PlanID: m.PlanID, BillingReason: sl.reason,
		Currency: m.Currency, Subtotal: sl.amount, Total: sl.amount,
		CardBrand: g.pick(cardBrands), CardLast4: itoa(1000 + g.rng.IntN(9000)),
		CreatedAt: sl.t, UpdatedAt: sl.t,
	}
	n := g.rng.IntN(1000)
	switch {
	case sl.fail || n < 25:
		p.Status, p.Substatus, p.FailureMessage = "open", "failed", ptr(g.pick(failureMessages))
	case n < 60:
		p.Status, p.Substatus, p.PaidAt = "paid", "refunded", ptr(sl.t)
		g.refund(p, p.Total)
	case n < 70:
		p.Status, p.Substatus, p.PaidAt = "paid", "partially_refunded", ptr(sl.t)
		g.refund(p, round2(p.Total/2))
	default:
		p.Status, p.Substatus, p.PaidAt = "paid", "succeeded", ptr(sl.t)
	}
	g.st.payments.add(p)
}

func (g *generator) refund(p *payment, amount float64) {
	at := p.CreatedAt.Add(time.Duration(1+g.rng.IntN(72)) * time.Hour)
	if at.After(g.p.End) {
		at = g.p.End
	}
	p.RefundedAmount, p.RefundedAt, p.UpdatedAt = amount, ptr(at), at
	g.st.refunds.add(&refund{
		ID: g.st.newID("rfnd_"), PaymentID: p.ID, CompanyID: p.CompanyID, Amount: amount,
		Currency: p.Currency, Status: "succeeded", CreatedAt: at, UpdatedAt: at,
	})
}

// refreshMembers sets every member's status and spend in one pass.
func (g *generator) refreshMembers() {
	type agg struct {
		access, nonDraft bool
		last             time.Time
		spent            float64
	}
	by := map[string]*agg{}
	get := func(id string) *agg {
		a, ok := by[id]
		if !ok {
			a = &agg{}
			by[id] = a
		}
		return a
	}
	for _, m := range g.st.memberships.rows {
		a := get(m.MemberID)
		a.access = a.access || grantsAccess(m.Status)
		a.nonDraft = a.nonDraft || m.Status != "drafted"
		if m.UpdatedAt.After(a.last) {
			a.last = m.UpdatedAt
		}
	}
	for _, p := range g.st.payments.rows {
		if p.PaidAt != nil {
			get(p.MemberID).spent += p.Total - p.RefundedAmount
		}
	}
	for _, mb := range g.st.members.rows {
		a, ok := by[mb.ID]
		if !ok || mb.CompanyID != g.co.ID {
			continue
		}
		switch {
		case !a.nonDraft:
			mb.Status = "drafted"
		case a.access:
			mb.Status = "joined"
		default:
			mb.Status, mb.LastAction, mb.LastActionAt = "left", "left", a.last
		}
		mb.USDTotalSpent = round2(a.spent)
		mb.UpdatedAt = maxTime(mb.UpdatedAt, a.last)
	}
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func slug(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(asciiOnly(s)) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-':
			b.WriteByte('-')
		}
	}
	return b.String()
}

// asciiOnly folds the few accented letters in the name lists, for usernames
// and email local parts.
func asciiOnly(s string) string { return asciiFold.Replace(s) }

var asciiFold = strings.NewReplacer("á", "a", "é", "e", "í", "i", "ó", "o", "ú", "u", "ü", "u", "Á", "A")

func itoa(n int) string { return strconv.Itoa(n) }
