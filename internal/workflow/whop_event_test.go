package workflow_test

import (
	"context"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
	"github.com/roster-crm/roster/internal/whopsync"
	"github.com/roster-crm/roster/internal/workflow"
)

// TestWhopEventTrigger: an applied Whop event starts one run per active
// version naming it, however often it is delivered, with the membership
// or payment and the CRM person and opportunity as variables; an event of
// another type starts nothing.
func TestWhopEventTrigger(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, envOpts{})
		p := e.create(crm.PersonObject, crm.Input{"name": map[string]any{"firstName": "Mia"}, "whopUserId": "user_1"})[0]
		e.create(crm.OpportunityObject, crm.Input{"name": "Pro plan", "whopMembershipId": "mem_1", "pointOfContactId": p.Meta().ID})
		w, _ := e.active("Failed payment", `{"type": "WHOP_EVENT", "settings": {"eventName": "payment.failed"}}`, `[
		 {"id": "task", "type": "CREATE_RECORD", "settings": {"input": {"objectName": "task", "objectRecord": {
		   "title": "Chase {{trigger.person.name.firstName}}: {{trigger.payment.id}} on {{trigger.opportunity.name}}"}}}}]`)
		ev := whopsync.DomainEvent{WorkspaceID: e.ws, ID: "msg_1", Type: "payment.failed", Data: map[string]any{
			"id": "pay_1", "status": "failed", "user": map[string]any{"id": "user_1"}, "membership": map[string]any{"id": "mem_1"}}}
		sub := e.svc.WhopSubscriber()
		for i := 0; i < 3; i++ { // Whop redelivers
			if err := sub(context.Background(), ev); err != nil {
				t.Fatal(err)
			}
		}
		other := ev
		other.ID, other.Type = "msg_2", "payment.succeeded"
		if err := sub(context.Background(), other); err != nil {
			t.Fatal(err)
		}
		runs := e.waitRuns(w.ID, 1)
		if title := stepResult(t, runs[0], "task")["title"]; title != "Chase Mia: pay_1 on Pro plan" {
			t.Errorf("task title = %v; want Chase Mia: pay_1 on Pro plan (%s)", title, stateJSON(runs[0]))
		}
	})
}

// TestComputedWhopEvents: renewal_upcoming fires for an active membership
// renewing within daysBefore days, once per renewal date, not for one
// renewing later or set to cancel.
func TestComputedWhopEvents(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, envOpts{})
		p := e.create(crm.PersonObject, crm.Input{"name": map[string]any{"firstName": "Ola"}})[0]
		soon := time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)
		late := time.Now().Add(20 * 24 * time.Hour).UTC().Format(time.RFC3339)
		e.create(crm.OpportunityObject,
			crm.Input{"name": "renews soon", "whopMembershipId": "mem_a", "whopMembershipStatus": "active", "whopRenewalDate": soon, "pointOfContactId": p.Meta().ID},
			crm.Input{"name": "renews later", "whopMembershipId": "mem_b", "whopMembershipStatus": "active", "whopRenewalDate": late},
			crm.Input{"name": "cancelling", "whopMembershipId": "mem_c", "whopMembershipStatus": "active", "whopRenewalDate": soon, "whopCancelAtPeriodEnd": true},
			crm.Input{"name": "trial", "whopMembershipId": "mem_d", "whopMembershipStatus": "trialing", "whopRenewalDate": soon})
		w, _ := e.active("Renewal heads-up", `{"type": "WHOP_EVENT", "settings": {"eventName": "membership.renewal_upcoming", "daysBefore": 3}}`, `[
		 {"id": "note", "type": "CREATE_RECORD", "settings": {"input": {"objectName": "note", "objectRecord": {"title": "{{trigger.person.name.firstName}} renews {{trigger.membership.id}}"}}}}]`)
		trial, _ := e.active("Trial ending", `{"type": "WHOP_EVENT", "settings": {"eventName": "membership.trial_ending_soon", "daysBefore": 7}}`, `[
		 {"id": "note", "type": "CREATE_RECORD", "settings": {"input": {"objectName": "note", "objectRecord": {"title": "trial {{trigger.membership.id}}"}}}}]`)
		for i := 0; i < 2; i++ {
			if err := e.svc.FireComputedWhopEvents(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		runs := e.waitRuns(w.ID, 1)
		if title := stepResult(t, runs[0], "note")["title"]; title != "Ola renews mem_a" {
			t.Errorf("renewal note = %v; want Ola renews mem_a", title)
		}
		tr := e.waitRuns(trial.ID, 1)
		if title := stepResult(t, tr[0], "note")["title"]; title != "trial mem_d" || tr[0].Status != workflow.RunCompleted {
			t.Errorf("trial run = %s %v; want trial mem_d", tr[0].Status, title)
		}
	})
}
