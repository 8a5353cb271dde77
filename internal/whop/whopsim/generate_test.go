package whopsim

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"
)

func TestGenerateDeterministic(t *testing.T) {
	t.Parallel()
	dump := func() string {
		clk := newTestClock()
		s := New(Config{Clock: clk.Now, Seed: 7})
		s.Generate(GenerateParams{Users: 50})
		s.Tick()
		s.mu.RLock()
		defer s.mu.RUnlock()
		var out []obj
		for _, m := range s.st.memberships.rows {
			out = append(out, s.st.renderMembership(view{email: true}, m))
		}
		for _, p := range s.st.payments.rows {
			out = append(out, s.st.renderPayment(view{email: true}, p))
		}
		b, _ := json.Marshal(out)
		return string(b)
	}
	if a, b := dump(), dump(); a != b {
		t.Errorf("two runs with seed 7 differ")
	}
}

func TestGenerateMix(t *testing.T) {
	t.Parallel()
	clk := newTestClock()
	s := New(Config{Clock: clk.Now, Seed: 3})
	res := s.Generate(GenerateParams{Users: 2000, Products: 4, PlansPerProduct: 4, Memberships: 3000, Payments: 7000})
	c := res.Counts
	if c.Memberships != 3000 || c.Payments != 7000 || c.Users != 2001 || c.Products != 4 || c.Plans != 16 {
		t.Errorf("counts = %+v; want 3000 memberships, 7000 payments, 2001 users, 4 products, 16 plans", c)
	}
	st := s.st
	status := map[string]int{}
	for _, m := range st.memberships.rows {
		status[m.Status]++
		if m.CreatedAt.After(clk.Now()) || m.UpdatedAt.Before(m.CreatedAt) {
			t.Fatalf("membership %s times out of order: %v %v", m.ID, m.CreatedAt, m.UpdatedAt)
		}
	}
	for _, want := range []string{"active", "trialing", "past_due", "canceling", "canceled", "expired", "completed", "drafted", "unresolved"} {
		if status[want] == 0 {
			t.Errorf("no %s membership in %v", want, status)
		}
	}
	if status["active"] < len(st.memberships.rows)/3 {
		t.Errorf("active = %d of %d; want mostly active", status["active"], len(st.memberships.rows))
	}
	sub := map[string]int{}
	for _, p := range st.payments.rows {
		sub[p.Substatus]++
		if p.Substatus == "failed" && p.FailureMessage == nil {
			t.Errorf("failed payment %s without failure_message", p.ID)
		}
		if p.Currency != "usd" && p.Currency != "eur" {
			t.Errorf("payment currency %q; want lowercase code", p.Currency)
		}
	}
	if sub["succeeded"] < len(st.payments.rows)*8/10 || sub["failed"] == 0 || sub["refunded"] == 0 {
		t.Errorf("payment substatuses = %v; want mostly succeeded, some failed and refunded", sub)
	}
	emails := 0
	for _, u := range st.users.rows {
		if u.Email != nil {
			emails++
		}
	}
	if pct := emails * 100 / len(st.users.rows); pct < 85 || pct > 95 {
		t.Errorf("users with email = %d%%; want about 90%%", pct)
	}
}

func TestMutations(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{}, GenerateParams{})
	s := f.sim
	mid := activeMembership(t, f)
	before := f.get(t, "/api/v1/memberships/"+mid, testKey, nil).body["updated_at"]
	f.clock.Advance(time.Minute)

	steps := []struct {
		name       string
		do         func() error
		wantStatus string
		wantEvents []string
	}{
		{"fail payment", func() error { _, err := s.FailPayment(mid); return err }, "past_due", []string{"payment.created", "payment.failed"}},
		{"recover", func() error { _, err := s.RenewMembership(mid); return err }, "active", []string{"payment.created", "payment.succeeded"}},
		{"cancel at period end", func() error { return s.CancelMembership(mid, true) }, "canceling", []string{"membership.cancel_at_period_end_changed"}},
		{"uncancel", func() error { return s.UncancelMembership(mid) }, "active", []string{"membership.cancel_at_period_end_changed"}},
		{"cancel again", func() error { return s.CancelMembership(mid, true) }, "canceling", []string{"membership.cancel_at_period_end_changed"}},
		{"period ends", func() error { return s.EndPeriod(mid) }, "canceled", []string{"membership.deactivated"}},
	}
	for _, st := range steps {
		n := len(s.Events())
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		var got []string
		for _, e := range s.Events()[n:] {
			got = append(got, e.Type)
		}
		if status, _ := s.MembershipStatus(mid); status != st.wantStatus {
			t.Errorf("%s: status = %s; want %s", st.name, status, st.wantStatus)
		}
		if len(got) != len(st.wantEvents) {
			t.Errorf("%s: events = %v; want %v", st.name, got, st.wantEvents)
			continue
		}
		for i := range got {
			if got[i] != st.wantEvents[i] {
				t.Errorf("%s: events = %v; want %v", st.name, got, st.wantEvents)
			}
		}
	}
	r := f.get(t, "/api/v1/memberships/"+mid, testKey, nil)
	if r.body["updated_at"] == before || r.body["status"] != "canceled" {
		t.Errorf("membership after mutations = %s; want canceled with a new updated_at", r.raw)
	}
	if err := s.CancelMembership(mid, false); err == nil {
		t.Errorf("cancel of a canceled membership succeeded; want an error")
	}
}

func TestTickAndRun(t *testing.T) {
	t.Parallel()
	rc, url := startReceiver(t)
	f := newFixture(t, Config{WebhookTargets: []WebhookTarget{{URL: url, Secret: vecSecret}}}, GenerateParams{Users: 100})
	before := f.sim.Counts()
	var events int
	for range 5 {
		f.clock.Advance(3 * 24 * time.Hour)
		events += len(f.sim.Tick())
	}
	after := f.sim.Counts()
	if after.Memberships != before.Memberships+5 || after.Payments <= before.Payments {
		t.Errorf("counts %+v -> %+v; want 5 sign-ups and new payments", before, after)
	}
	waitIdle(t, f.sim)
	if len(rc.got) != events || events == 0 {
		t.Errorf("received %d webhooks; want %d (> 0)", len(rc.got), events)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Millisecond)
	defer cancel()
	if err := f.sim.Run(ctx, 10*time.Millisecond); err == nil {
		t.Errorf("Run returned nil; want the context error")
	}
	if got := f.sim.Counts().Memberships; got <= after.Memberships {
		t.Errorf("Run made no sign-ups: %d", got)
	}
}

func TestStartClose(t *testing.T) {
	t.Parallel()
	s := New(Config{})
	s.Generate(GenerateParams{Users: 5})
	base, err := s.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{sim: s, srv: &httptest.Server{URL: base}}
	if r := f.get(t, "/api/v1/products", "nope", nil); r.status != 401 {
		t.Errorf("status = %d; want 401", r.status)
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

// TestGenerateUsersAreCustomers: Users customers, each holding at least one
// membership, all reachable through the company's member and membership
// lists (the owner is not one of them); memberships never fewer than users.
func TestGenerateUsersAreCustomers(t *testing.T) {
	t.Parallel()
	for _, gp := range []GenerateParams{{Users: 60}, {Users: 300}, {Users: 50, Memberships: 20}} {
		t.Run(fmt.Sprintf("users=%d,memberships=%d", gp.Users, gp.Memberships), func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, Config{RateLimit: -1}, gp)
			co := f.gen.CompanyID
			members := listAll(t, f, "/api/v1/members?company_id="+co)
			holders := map[string]bool{}
			memberships := listAll(t, f, "/api/v1/memberships?company_id="+co)
			for _, m := range memberships {
				holders[m["user"].(map[string]any)["id"].(string)] = true
			}
			if len(members) != gp.Users || len(holders) != gp.Users {
				t.Errorf("members = %d, users holding a membership = %d; want %d each", len(members), len(holders), gp.Users)
			}
			for _, m := range members {
				if id := m["user"].(map[string]any)["id"].(string); !holders[id] {
					t.Errorf("member %s (user %s) holds no membership", m["id"], id)
				}
			}
			if holders[f.gen.OwnerUserID] {
				t.Errorf("the owner %s holds a membership", f.gen.OwnerUserID)
			}
			if len(memberships) < gp.Users || (gp.Memberships >= gp.Users && len(memberships) != gp.Memberships) {
				t.Errorf("memberships = %d; want %d (at least one per user)", len(memberships), max(gp.Memberships, gp.Users))
			}
			if c := f.sim.Counts(); c.Members != gp.Users || c.Users != gp.Users+1 {
				t.Errorf("Counts = %+v; want %d members and %d users (with the owner)", c, gp.Users, gp.Users+1)
			}
		})
	}
}
