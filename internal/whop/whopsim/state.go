package whopsim

import (
	"math/rand/v2"
	"sort"
	"time"
)

// The records below are the simulator's own model of Whop's data. They are
// deliberately private: the wire format is produced by render.go, so a client
// under test can only learn about them through HTTP, as it would from Whop.

type company struct {
	ID          string
	Title       string
	Route       string
	OwnerUserID string
	CreatedAt   time.Time
}

type user struct {
	ID        string
	Username  string
	Name      *string
	Email     *string
	Bio       *string
	CreatedAt time.Time
}

type member struct {
	ID            string
	CompanyID     string
	UserID        string
	AccessLevel   string
	Status        string // drafted | joined | left
	Phone         *string
	CreatedAt     time.Time
	UpdatedAt     time.Time
	JoinedAt      time.Time
	LastAction    string
	LastActionAt  time.Time
	USDTotalSpent float64
}

type product struct {
	ID          string
	CompanyID   string
	Title       string
	Headline    string
	Description string
	Route       string
	Visibility  string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

type plan struct {
	ID              string
	CompanyID       string
	ProductID       string
	Title           string
	PlanType        string // renewal | one_time
	Currency        string
	InitialPrice    float64
	RenewalPrice    float64
	BillingPeriod   int // days; 0 for one_time
	TrialPeriodDays int
	Visibility      string
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

type membership struct {
	ID                 string
	CompanyID          string
	UserID             string
	MemberID           string
	ProductID          string
	PlanID             string
	Status             string
	CreatedAt          time.Time
	UpdatedAt          time.Time
	JoinedAt           time.Time
	CancelAtPeriodEnd  bool
	CancelOption       *string
	CancellationReason *string
	CanceledAt         *time.Time
	Currency           string
	PeriodStart        *time.Time
	PeriodEnd          *time.Time
}

type payment struct {
	ID             string
	CompanyID      string
	MembershipID   string
	MemberID       string
	UserID         string
	ProductID      string
	PlanID         string
	Status         string
	Substatus      string
	BillingReason  string
	Currency       string
	Subtotal       float64
	Total          float64
	RefundedAmount float64
	FailureMessage *string
	CardBrand      string
	CardLast4      string
	CreatedAt      time.Time
	UpdatedAt      time.Time
	PaidAt         *time.Time
	RefundedAt     *time.Time
}

type refund struct {
	ID        string
	PaymentID string
	CompanyID string
	Amount    float64
	Currency  string
	Status    string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// table keeps one resource type ordered by (created_at, id), the default list
// order, so that a page is a binary search plus a short scan even with
// 200,000 rows; byID serves the get endpoints.
type table[T any] struct {
	rows []*T
	byID map[string]*T
	key  func(*T) (time.Time, string)
}

func newTable[T any](key func(*T) (time.Time, string)) *table[T] {
	return &table[T]{byID: map[string]*T{}, key: key}
}

func (t *table[T]) get(id string) (*T, bool) {
	r, ok := t.byID[id]
	return r, ok
}

// add appends without keeping the order; the caller sorts afterwards (the
// generator, which inserts hundreds of thousands of rows out of order).
func (t *table[T]) add(r *T) {
	_, id := t.key(r)
	t.byID[id] = r
	t.rows = append(t.rows, r)
}

// insert appends in order; out-of-order inserts (a clock that moved back)
// fall back to a sorted insert so the invariant holds.
func (t *table[T]) insert(r *T) {
	ct, id := t.key(r)
	t.byID[id] = r
	n := len(t.rows)
	if n == 0 {
		t.rows = append(t.rows, r)
		return
	}
	if lt, lid := t.key(t.rows[n-1]); !keyLess(ct, id, lt, lid) {
		t.rows = append(t.rows, r)
		return
	}
	i := sort.Search(n, func(i int) bool {
		rt, rid := t.key(t.rows[i])
		return keyLess(ct, id, rt, rid)
	})
	t.rows = append(t.rows, nil)
	copy(t.rows[i+1:], t.rows[i:])
	t.rows[i] = r
}

func (t *table[T]) sortRows() {
	sort.Slice(t.rows, func(i, j int) bool {
		a, aid := t.key(t.rows[i])
		b, bid := t.key(t.rows[j])
		return keyLess(a, aid, b, bid)
	})
}

func keyLess(at time.Time, aid string, bt time.Time, bid string) bool {
	if !at.Equal(bt) {
		return at.Before(bt)
	}
	return aid < bid
}

// state is everything the simulator knows; guarded by Sim.mu.
type state struct {
	companies   map[string]*company
	users       *table[user]
	members     *table[member]
	memberByKey map[string]*member // company_id + "/" + user_id
	products    *table[product]
	plans       *table[plan]
	memberships *table[membership]
	payments    *table[payment]
	refunds     *table[refund]
	rng         *rand.Rand
}

func newState(seed uint64) *state {
	return &state{
		companies:   map[string]*company{},
		users:       newTable(func(u *user) (time.Time, string) { return u.CreatedAt, u.ID }),
		members:     newTable(func(m *member) (time.Time, string) { return m.CreatedAt, m.ID }),
		memberByKey: map[string]*member{},
		products:    newTable(func(p *product) (time.Time, string) { return p.CreatedAt, p.ID }),
		plans:       newTable(func(p *plan) (time.Time, string) { return p.CreatedAt, p.ID }),
		memberships: newTable(func(m *membership) (time.Time, string) { return m.CreatedAt, m.ID }),
		payments:    newTable(func(p *payment) (time.Time, string) { return p.CreatedAt, p.ID }),
		refunds:     newTable(func(r *refund) (time.Time, string) { return r.CreatedAt, r.ID }),
		rng:         rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
	}
}

const idAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// newID returns prefix + 14 base62 characters drawn from the seeded
// generator, the length Whop's own IDs have, so a run is reproducible.
func (s *state) newID(prefix string) string {
	b := make([]byte, 14)
	for i := range b {
		b[i] = idAlphabet[s.rng.IntN(len(idAlphabet))]
	}
	return prefix + string(b)
}

func (s *state) addMember(companyID, userID string, at time.Time) *member {
	key := companyID + "/" + userID
	if m, ok := s.memberByKey[key]; ok {
		return m
	}
	m := &member{
		ID: s.newID("mber_"), CompanyID: companyID, UserID: userID,
		AccessLevel: "customer", Status: "joined",
		CreatedAt: at, UpdatedAt: at, JoinedAt: at,
		LastAction: "joined", LastActionAt: at,
	}
	s.members.insert(m)
	s.memberByKey[key] = m
	return m
}

// grantsAccess reports whether a membership status gives access, in Whop's
// own words: active, trialing, past_due (grace), completed and canceling do.
func grantsAccess(status string) bool {
	switch status {
	case "active", "trialing", "past_due", "completed", "canceling":
		return true
	}
	return false
}

// refreshMember recomputes a member's status and spend from its
// memberships and payments; called after every mutation that touches them.
func (s *state) refreshMember(m *member, at time.Time) {
	status := "left"
	drafted := true
	for _, ms := range s.memberships.rows {
		if ms.MemberID != m.ID {
			continue
		}
		if ms.Status != "drafted" {
			drafted = false
		}
		if grantsAccess(ms.Status) {
			status = "joined"
		}
	}
	if drafted {
		status = "drafted"
	}
	if status != m.Status {
		m.Status = status
		m.LastAction = map[string]string{"joined": "joined", "left": "left", "drafted": "drafted"}[status]
		m.LastActionAt = at
		m.UpdatedAt = at
	}
}

func ptr[T any](v T) *T { return &v }
