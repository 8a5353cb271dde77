package whopsync_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
	"github.com/roster-crm/roster/internal/whop"
)

// TestMembershipEventReturnsFailedReads breaks the table a membership's plan
// or product title is read from while an event is applied. The failed read
// must come back as the event's error, naming what failed: ignored, it
// aborts the transaction on PostgreSQL (a later statement then fails with a
// confusing "transaction is aborted") and on SQLite maps the membership
// without its price or product.
func TestMembershipEventReturnsFailedReads(t *testing.T) {
	for _, tc := range []struct {
		table, want   string
		plan, product map[string]any
	}{
		{"whop_plans", "plan plan_unknown", map[string]any{"id": "plan_unknown"}, map[string]any{"id": "prod_x", "title": "Course"}},
		{"whop_products", "product prod_unknown", map[string]any{}, map[string]any{"id": "prod_unknown"}},
	} {
		t.Run(tc.table, func(t *testing.T) {
			storetest.Dialects(t, func(t *testing.T, s *store.Store) {
				ctx := context.Background()
				e := newEnv(t, s, envOpts{noQueue: true})
				e.connect()
				now := time.Now().UTC()
				b, err := json.Marshal(map[string]any{"id": "msg_read", "api_version": "v1", "type": "membership.activated",
					"timestamp": now.Format(time.RFC3339), "company_id": e.company,
					"data": map[string]any{"id": "mem_read_test", "status": "active", "updated_at": now.Format(time.RFC3339Nano),
						"user": map[string]any{"id": "user_read_test", "username": "reader"}, "product": tc.product, "plan": tc.plan}})
				if err != nil {
					t.Fatal(err)
				}
				e.mustDeliver(b, whop.SignedHeader(e.secret, "msg_read", now, b))
				var id string
				e.scan("SELECT id FROM whop_webhook_inbox WHERE workspace_id = $1", []any{e.ws}, &id)
				e.exec("ALTER TABLE " + tc.table + " RENAME TO " + tc.table + "_gone")
				err = e.svc.ProcessEvent(ctx, e.ws, id)
				e.exec("ALTER TABLE " + tc.table + "_gone RENAME TO " + tc.table)
				if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "aborted") {
					t.Fatalf("ProcessEvent() with %s unreadable = %v; want the failed read of %s", tc.table, err, tc.want)
				}
				if n := len(e.all(crm.OpportunityObject)); n != 0 {
					t.Errorf("opportunities after the failed event = %d; want 0 (nothing applied)", n)
				}
				// Readable again, the retry applies the event.
				if err := e.svc.ProcessEvent(ctx, e.ws, id); err != nil {
					t.Fatalf("ProcessEvent() again = %v", err)
				}
				if n := len(e.all(crm.OpportunityObject)); n != 1 {
					t.Errorf("opportunities after the retry = %d; want 1", n)
				}
			})
		})
	}
}
