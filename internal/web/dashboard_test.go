package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

func TestDashboardEmptyState(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		site := newSite(t, s)
		b := site.browser()
		site.signIn(b)
		code, body, _ := b.get("/")
		if code != 200 {
			t.Fatalf("GET / = %d", code)
		}
		for _, want := range []string{"No Whop members yet", `href="/settings/integrations"`, `data-testid="active-members">0<`} {
			if !strings.Contains(body, want) {
				t.Errorf("empty dashboard lacks %q", want)
			}
		}
	})
}

func TestDashboardFiguresAndLinks(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		site := newSite(t, s)
		admin := site.browser()
		ws := site.signIn(admin)
		homePlan(t, s, ws, "plan_m", 30)
		homePlan(t, s, ws, "plan_y", 365)
		homePlan(t, s, ws, "plan_w", 7)
		money := func(m int64) map[string]any { return map[string]any{"amountMicros": m, "currencyCode": "USD"} }
		soon := time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)
		homeCreate(t, site.records, ws, crm.OpportunityObject, crm.Input{"name": "Pro - Ann", "whopMembershipId": "mem_1", "whopMembershipStatus": "active", "whopPlanId": "plan_m", "amount": money(30_000_000), "whopRenewalDate": soon})
		homeCreate(t, site.records, ws, crm.OpportunityObject, crm.Input{"name": "Pro - Bob", "whopMembershipId": "mem_2", "whopMembershipStatus": "active", "whopPlanId": "plan_y", "amount": money(120_000_000)})
		late := homeCreate(t, site.records, ws, crm.OpportunityObject, crm.Input{"name": "Pro - <Cy>", "whopMembershipId": "mem_3", "whopMembershipStatus": "past_due", "whopPlanId": "plan_w", "amount": money(7_000_000)})
		// Another workspace's members stay out.
		other := homeOtherWorkspace(t, site)
		homePlan(t, s, other, "plan_m", 30)
		homeCreate(t, site.records, other, crm.OpportunityObject, crm.Input{"name": "Secret", "whopMembershipId": "mem_x", "whopMembershipStatus": "past_due", "whopPlanId": "plan_m", "amount": money(500_000_000)})

		// A member (not only admins) sees the dashboard.
		member := site.browser()
		homeSignInMember(t, site, member, ws)
		code, body, _ := member.get("/")
		if code != 200 {
			t.Fatalf("GET / as member = %d", code)
		}
		for _, want := range []string{
			`data-testid="active-members">3<`,
			`data-testid="mrr">$70.00<`, // 30 + 120/12 + 7*30/7
			"Up $70.00 vs 30 days ago ($0.00)",
			`data-testid="new-members">3<`,
			`data-testid="churned">0<`,
			`data-testid="failed-payments">0<`,
			`data-testid="renewals-due">1<`,
			`data-testid="at-risk-count">1<`,
			`<a href="/opportunities/` + late + `">Pro - &lt;Cy&gt;</a>`,
			"Past due",
			`data-testid="recent-activity"`,
			`data-testid="one-time-buyers">0<`,
			// Every figure carries its definition in a keyboard disclosure.
			`<summary><span aria-hidden="true">?</span><span class="visually-hidden">What "Active members" counts</span></summary>`,
			"People with at least one recurring Whop membership",
			`What "One-time buyers" counts`, `What "MRR" counts`, `What "New memberships, last 30 days" counts`,
			`What "Churned memberships, last 30 days" counts`, `What "Failed payments, last 30 days" counts`,
			`What "Renewals due, next 7 days" counts`, `What "At risk" counts`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("dashboard lacks %q", want)
			}
		}
		if strings.Contains(body, "Secret") || strings.Contains(body, "No Whop members yet") {
			t.Error("dashboard shows another workspace's data or the empty state")
		}
	})
}
