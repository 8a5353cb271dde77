package web_test

import (
	"context"
	"database/sql"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// TestPersonPageSummaryAndTimeline: a synced person's page opens with a
// customer summary (plan and interval, status, member since, next charge,
// total paid, refunds, lifetime value) computed by the Whop service; the
// membership timeline is newest first like the activity, holds no future
// renewal, keeps a refund after its payment, and payments are not repeated
// in the activity.
func TestPersonPageSummaryAndTimeline(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		site := newSettingsSite(t, s, true)
		b := site.browser()
		ws := site.signIn(b)
		ctx := context.Background()
		now := time.Now().UTC()
		since := time.Date(2025, 3, 14, 10, 0, 0, 0, time.UTC)
		renew := now.AddDate(0, 0, 20).Truncate(time.Second)
		grace := homeCreate(t, site.records, ws, crm.PersonObject, crm.Input{"name": map[string]any{"firstName": "Grace", "lastName": "Hopper"},
			"whopUserId": "user_grace", "whopUsername": "grace", "whopCreatedAt": since})
		opp := homeCreate(t, site.records, ws, crm.OpportunityObject, crm.Input{"name": "Pickaxe Pro - Grace", "pointOfContactId": grace,
			"whopMembershipId": "mem_grace", "whopMembershipStatus": "active", "whopPlanId": "plan_monthly", "whopRenewalDate": renew,
			"amount": map[string]any{"amountMicros": 25_000_000, "currencyCode": "USD"}})
		paid1, paid2 := now.AddDate(0, -2, 0).Truncate(time.Second), now.AddDate(0, -1, 0).Truncate(time.Second)
		micros := func(v int64) *int64 { return &v }
		err := s.InTx(ctx, func(tx *sql.Tx) error {
			if _, err := s.WhopPlanUpsert(ctx, tx, &store.WhopPlan{WorkspaceID: ws, WhopID: "plan_monthly", Title: "Pickaxe Pro", PlanType: "renewal",
				Currency: "usd", RenewalPriceMicros: micros(25_000_000), BillingPeriodDays: micros(30), Data: []byte("{}")}, now); err != nil {
				return err
			}
			return s.WhopPaymentUpsertMany(ctx, tx, []*store.WhopPayment{
				{WorkspaceID: ws, WhopID: "pay_1", Status: "paid", Substatus: "succeeded", AmountMicros: micros(25_000_000), Currency: "usd", PersonID: &grace, OpportunityID: &opp, PaidAt: &paid1, Data: []byte("{}")},
				{WorkspaceID: ws, WhopID: "pay_2", Status: "paid", Substatus: "refunded", AmountMicros: micros(25_000_000), RefundedMicros: micros(25_000_000), Currency: "usd", PersonID: &grace, OpportunityID: &opp, PaidAt: &paid2, Data: []byte("{}")},
			}, now)
		})
		if err != nil {
			t.Fatal(err)
		}
		act := func(at time.Time, name, pay, text string) *crm.TimelineActivity {
			return &crm.TimelineActivity{ID: crm.NewID(), WorkspaceID: ws, HappensAt: at, Name: name, RecordObject: crm.ObjectPerson, RecordID: grace,
				Properties: map[string]any{"text": text, "whopPaymentId": pay}, Actor: crm.Actor{Source: crm.SourceSystem, Name: "Whop"}}
		}
		// The refund of pay_2 was recorded with the payment's creation time,
		// before it was paid: it must still read after the payment.
		err = s.InTx(ctx, func(tx *sql.Tx) error {
			return site.records.AddActivitiesTx(ctx, tx, []*crm.TimelineActivity{
				act(paid1, "payment.succeeded", "pay_1", "Paid $25.00 (first)"),
				act(paid2, "payment.succeeded", "pay_2", "Paid $25.00 (second)"),
				act(paid2.Add(-time.Hour), "payment.refunded", "pay_2", "Refunded $25.00 (second)"),
			})
		})
		if err != nil {
			t.Fatal(err)
		}

		code, body, _ := b.get("/people/" + grace)
		if code != http.StatusOK {
			t.Fatalf("GET person = %d", code)
		}
		summary := section(t, body, `data-testid="member-summary"`)
		for _, want := range []string{"Pickaxe Pro · monthly", ">Active<", "14 Mar 2025", "$25.00 on " + renew.Format("2 Jan 2006"),
			"<dt>Total paid</dt><dd>$50.00</dd>", "<dt>Refunds</dt><dd>$25.00</dd>", "<dt>Lifetime value</dt><dd>$25.00</dd>"} {
			if !strings.Contains(summary, want) {
				t.Errorf("summary lacks %q:\n%s", want, summary)
			}
		}
		timeline := section(t, body, `aria-label="Membership timeline"`)
		refund, second, first := strings.Index(timeline, "Refunded $25.00 (second)"), strings.Index(timeline, "Paid $25.00 (second)"), strings.Index(timeline, "Paid $25.00 (first)")
		if refund < 0 || second < 0 || first < 0 || !(refund < second && second < first) {
			t.Errorf("membership timeline order: refund %d, second payment %d, first payment %d; want newest first, the refund above its payment", refund, second, first)
		}
		if strings.Contains(timeline, renew.Format("2 Jan 2006")) {
			t.Error("the membership timeline shows the coming renewal as a line; want it only as the summary's Next charge")
		}
		if activity := section(t, body, `aria-label="Activity timeline"`); strings.Contains(activity, "Paid $25.00") {
			t.Error("payments appear in the activity as well as the membership timeline")
		}
	})
}

// section returns the element that opens with marker, up to its list's or
// card's end.
func section(t *testing.T, body, marker string) string {
	t.Helper()
	i := strings.Index(body, marker)
	if i < 0 {
		t.Fatalf("page lacks %s", marker)
	}
	rest := body[i:]
	for _, end := range []string{"</ol>", "</section>"} {
		if j := strings.Index(rest, end); j >= 0 {
			return rest[:j]
		}
	}
	return rest
}
