package whopsync_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
	"github.com/roster-crm/roster/internal/whop"
)

// whopClient is a client of the simulated Whop with the company's API key,
// to read Whop's side the way Roster does.
func (e *env) whopClient() *whop.Client {
	e.t.Helper()
	c, err := whop.NewClient(whop.ClientConfig{BaseURL: e.simURL + "/api/v1", Token: whop.StaticToken(e.apiKey), CompanyID: e.company, RatePerMinute: -1})
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// process works one stored event and checks where it ended.
func (e *env) process(id, wantStatus string) {
	e.t.Helper()
	if err := e.svc.ProcessEvent(context.Background(), e.ws, id); err != nil {
		e.t.Fatalf("ProcessEvent(%s) = %v", id, err)
	}
	var status, msg string
	e.scan("SELECT status, error FROM whop_webhook_inbox WHERE id = $1", []any{id}, &status, &msg)
	if status != wantStatus {
		e.t.Fatalf("event %s = %s %q; want %s", id, status, msg, wantStatus)
	}
}

// paymentLinks reads which person and opportunity a stored payment is on.
func (e *env) paymentLinks(whopID string) (person, opportunity sql.NullString) {
	e.t.Helper()
	e.scan("SELECT person_id, opportunity_id FROM whop_payments WHERE workspace_id = $1 AND whop_id = $2", []any{e.ws, whopID}, &person, &opportunity)
	return person, opportunity
}

// TestPaymentEventBringsInItsMembership: a payment event for a membership
// Roster has not seen (no sync yet) reads the membership from Whop first,
// so the payment lands on its opportunity and person, with its line on the
// person's timeline. When Whop no longer has the membership, the payment
// still lands on the person.
func TestPaymentEventBringsInItsMembership(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		e := newEnv(t, s, envOpts{noQueue: true})
		e.connect()
		page, err := e.whopClient().ListPayments(ctx, whop.ListPaymentsParams{})
		if err != nil {
			t.Fatal(err)
		}
		var pay *whop.Payment
		for i := range page.Data {
			if p := &page.Data[i]; p.Status == "paid" && p.Membership.ID != "" && p.RefundedAmount == 0 {
				pay = p
				break
			}
		}
		if pay == nil {
			t.Fatal("the simulator has no paid payment of a membership")
		}
		e.process(e.postEvent("payment.succeeded", pay), store.InboxProcessed)

		opps := e.all(crm.OpportunityObject)
		if len(opps) != 1 {
			t.Fatalf("opportunities = %d; want the payment's membership alone", len(opps))
		}
		opp := opps[0].(*crm.Opportunity)
		want, _ := e.sim.MembershipStatus(pay.Membership.ID)
		if *opp.WhopMembershipID != pay.Membership.ID || opp.WhopMembershipStatus != want || opp.PointOfContactID == nil {
			t.Fatalf("opportunity = %s %s (contact %v); want %s %s with its person", *opp.WhopMembershipID, opp.WhopMembershipStatus, opp.PointOfContactID, pay.Membership.ID, want)
		}
		person, onOpp := e.paymentLinks(pay.ID)
		if !onOpp.Valid || onOpp.String != opp.ID || !person.Valid || person.String != *opp.PointOfContactID {
			t.Fatalf("payment on person %v, opportunity %v; want %s, %s", person, onOpp, *opp.PointOfContactID, opp.ID)
		}
		var lines int
		e.scan("SELECT COUNT(*) FROM timeline_activities WHERE workspace_id = $1 AND record_id = $2 AND name = 'payment.succeeded'", []any{e.ws, person.String}, &lines)
		if lines != 1 {
			t.Errorf("payment.succeeded lines on the person's timeline = %d; want 1", lines)
		}

		// Whop answers 404 for the membership: the payment is kept, on
		// its person, without an opportunity.
		orphan := *pay
		orphan.ID, orphan.Membership.ID = "pay_orphan_test", "mem_gone_at_whop"
		e.process(e.postEvent("payment.succeeded", &orphan), store.InboxProcessed)
		person, onOpp = e.paymentLinks(orphan.ID)
		if !person.Valid || onOpp.Valid {
			t.Errorf("payment of a membership Whop does not have: person %v, opportunity %v; want a person and no opportunity", person, onOpp)
		}
	})
}

// TestRefundEvents: a refund event reads its payment from Whop (refund
// bodies do not carry the payment's new state) and stores the refunded
// amount; one without a payment, or for a payment Whop answers 404 for, is
// failed for good and audited.
func TestRefundEvents(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		e := newEnv(t, s, envOpts{noQueue: true})
		e.connect()
		e.sync()
		var payID string
		var amount int64
		e.scan(`SELECT whop_id, amount_micros FROM whop_payments WHERE workspace_id = $1 AND status = 'paid' AND amount_micros > 0
			AND (refunded_micros IS NULL OR refunded_micros = 0) ORDER BY whop_id LIMIT 1`, []any{e.ws}, &payID, &amount)
		e.exec("DELETE FROM whop_webhook_inbox WHERE workspace_id = $1", e.ws) // the sync's own noise
		half := float64(amount/2) / 1e6
		if _, err := e.sim.Refund(payID, half); err != nil {
			t.Fatal(err)
		}
		idle, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := e.sim.WaitIdle(idle); err != nil {
			t.Fatal(err)
		}
		var refundEvent string
		e.scan("SELECT id FROM whop_webhook_inbox WHERE workspace_id = $1 AND event_type LIKE 'refund.%' ORDER BY received_at LIMIT 1", []any{e.ws}, &refundEvent)
		e.process(refundEvent, store.InboxProcessed)
		var refunded sql.NullInt64
		e.scan("SELECT refunded_micros FROM whop_payments WHERE workspace_id = $1 AND whop_id = $2", []any{e.ws, payID}, &refunded)
		if !refunded.Valid || refunded.Int64 != amount/2 {
			t.Errorf("refunded after the refund event = %v; want %d", refunded, amount/2)
		}

		for _, tc := range []struct {
			name, want string
			data       map[string]any
		}{
			{"no payment", "refund event without a payment", map[string]any{"id": "rfnd_bare"}},
			{"payment gone at Whop", "404", map[string]any{"id": "rfnd_gone", "payment": map[string]any{"id": "pay_gone_at_whop"}}},
		} {
			id := e.postEvent("refund.created", tc.data)
			e.process(id, store.InboxFailed)
			var msg string
			e.scan("SELECT error FROM whop_webhook_inbox WHERE id = $1", []any{id}, &msg)
			if !strings.Contains(msg, tc.want) {
				t.Errorf("%s: error %q; want it to mention %q", tc.name, msg, tc.want)
			}
		}
		entries := e.auditLog("whop.webhook.failed", 10)
		if len(entries) != 1 || !strings.Contains(entries[0].Details["error"].(string), "404") {
			t.Errorf("audit = %+v; want one whop.webhook.failed, for the payment Whop does not have", entries)
		}
	})
}
