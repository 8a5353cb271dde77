package ai_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/ai"
	"github.com/roster-crm/roster/internal/config"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/secret"
	"github.com/roster-crm/roster/internal/store"
)

// now is the tests' fixed clock: offline results depend on it (tenure,
// recency), so golden values stay put.
var now = time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC)

// noNetwork is an HTTP transport that fails the test on any use: the
// offline provider and refused calls must never touch the network.
type noNetwork struct {
	t  testing.TB
	mu sync.Mutex
	n  int
}

func (n *noNetwork) RoundTrip(r *http.Request) (*http.Response, error) {
	n.mu.Lock()
	n.n++
	n.mu.Unlock()
	n.t.Errorf("network used: %s %s", r.Method, r.URL)
	return nil, fmt.Errorf("no network in this test")
}

// env is one workspace on a real database with the records and AI
// services, and a seeded customer: Ada Lovelace, VP Sales at Analytical
// Engines (ICP, 600 people), an active Whop member for 200 days with three
// payments and one failed, two notes and an open task.
type env struct {
	t       *testing.T
	ctx     context.Context
	s       *store.Store
	records *records.Service
	ai      *ai.Service
	ws      string
	call    ai.Call
	person  string
	company string
	opp     string
}

type envOpts struct {
	cfg        config.AI
	httpClient *http.Client
}

func newEnv(t *testing.T, s *store.Store, o envOpts) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{t: t, ctx: ctx, s: s}
	err := s.InTx(ctx, func(tx *sql.Tx) error {
		w, err := s.WorkspaceCreate(ctx, tx, &store.WorkspaceCreateParams{Name: "Acme", Now: now})
		if err == nil {
			e.ws = w.ID
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	e.records = records.New(records.Config{Store: s, Now: func() time.Time { return now }})
	if o.httpClient == nil {
		o.httpClient = &http.Client{Transport: &noNetwork{t: t}}
	}
	e.ai = ai.New(ai.Config{Store: s, Records: e.records, AI: o.cfg, Sealer: testSealer(t), HTTPClient: o.httpClient, Now: func() time.Time { return now }})
	e.call = ai.Call{WorkspaceID: e.ws, SenderName: "Grace"}
	e.seed()
	return e
}

var actor = crm.Actor{Source: crm.SourceManual, Name: "Grace"}

func (e *env) create(o *crm.Object, in crm.Input) crm.Record {
	e.t.Helper()
	recs, err := e.records.Create(e.ctx, records.CreateParams{WorkspaceID: e.ws, Object: o, Actor: actor, Inputs: []crm.Input{in}})
	if err != nil {
		e.t.Fatalf("create %s: %v", o.Name, err)
	}
	return recs[0]
}

// note attaches a note to a record.
func (e *env) note(object crm.ObjectName, id, title, body string) {
	e.t.Helper()
	n := e.create(crm.NoteObject, crm.Input{"title": title, "bodyV2": map[string]any{"markdown": body}})
	p := records.TargetParams{WorkspaceID: e.ws, Actor: actor, Parent: crm.ObjectNote, ParentID: n.Meta().ID}
	switch object {
	case crm.ObjectPerson:
		p.PersonID = &id
	case crm.ObjectCompany:
		p.CompanyID = &id
	default:
		p.OpportunityID = &id
	}
	if _, err := e.records.CreateTarget(e.ctx, p); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) seed() {
	e.t.Helper()
	c := e.create(crm.CompanyObject, crm.Input{"name": "Analytical Engines", "employees": 600, "idealCustomerProfile": true})
	e.company = c.Meta().ID
	p := e.create(crm.PersonObject, crm.Input{
		"name": map[string]any{"firstName": "Ada", "lastName": "Lovelace"}, "emails": map[string]any{"primaryEmail": "ada@engines.test"},
		"jobTitle": "VP Sales", "city": "London", "companyId": e.company, "whopUserId": "user_ada", "whopCreatedAt": now.AddDate(0, 0, -200).Format(time.RFC3339),
	})
	e.person = p.Meta().ID
	o := e.create(crm.OpportunityObject, crm.Input{"name": "Ada - Pro plan", "stage": "CUSTOMER", "pointOfContactId": e.person, "companyId": e.company,
		"whopMembershipId": "mem_ada", "whopMembershipStatus": "active"})
	e.opp = o.Meta().ID
	e.note(crm.ObjectPerson, e.person, "Kick-off call", "Ada loved the onboarding. She wants to upgrade the whole team next quarter. Next step: send the team pricing by Friday.")
	e.note(crm.ObjectPerson, e.person, "Support", "Ada reported a problem with invoices in March. The billing issue was resolved the same day and she said thanks.")
	task := e.create(crm.TaskObject, crm.Input{"title": "Send team pricing", "status": "TODO"})
	if _, err := e.records.CreateTarget(e.ctx, records.TargetParams{WorkspaceID: e.ws, Actor: actor, Parent: crm.ObjectTask, ParentID: task.Meta().ID, PersonID: &e.person}); err != nil {
		e.t.Fatal(err)
	}
	amount := int64(29_000_000)
	paid := now.AddDate(0, 0, -30)
	var pays []*store.WhopPayment
	for i, st := range []string{"paid", "paid", "paid", "open"} {
		wp := &store.WhopPayment{WorkspaceID: e.ws, WhopID: fmt.Sprintf("pay_%d", i), Status: st, AmountMicros: &amount, Currency: "usd",
			PersonID: &e.person, MembershipWhopID: "mem_ada", Data: []byte("{}")}
		if st == "paid" {
			wp.PaidAt, wp.Substatus = &paid, "succeeded"
		} else {
			wp.Substatus, wp.FailureMessage = "failed", "card declined"
		}
		pays = append(pays, wp)
	}
	if err := e.s.InTx(e.ctx, func(tx *sql.Tx) error { return e.s.WhopPaymentUpsertMany(e.ctx, tx, pays, now) }); err != nil {
		e.t.Fatal(err)
	}
}

// usage returns the workspace's ledger, oldest first.
func (e *env) usage() []*store.AIUsage {
	e.t.Helper()
	rows, err := e.s.AIUsageList(e.ctx, &store.AIUsageListParams{WorkspaceID: e.ws, Ascending: true, Limit: 100})
	if err != nil {
		e.t.Fatal(err)
	}
	return rows
}

func testSealer(t testing.TB) *secret.Sealer {
	t.Helper()
	sealer, err := secret.NewSealer(secret.Key{Bytes: bytes.Repeat([]byte{9}, secret.KeySize)})
	if err != nil {
		t.Fatal(err)
	}
	return sealer
}
