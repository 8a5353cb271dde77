package webhooks_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
	"github.com/roster-crm/roster/internal/webhooks"
)

// TestPrune keeps pending deliveries and recent ones, and deletes finished
// deliveries older than Retention with their attempts.
func TestPrune(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		h := newHarness(t, s, harnessOptions{})
		hook := h.createHook(h.admin, "https://hooks.example.com/", "*.*")
		now := h.clock.Now()
		old, recent := now.Add(-webhooks.Retention-time.Hour), now.Add(-webhooks.Retention+time.Hour)
		rows := map[string]struct {
			status  string
			created time.Time
			kept    bool
		}{
			"old succeeded":    {store.DeliverySucceeded, old, false},
			"old failed":       {store.DeliveryFailed, old, false},
			"old pending":      {store.DeliveryPending, old, true},
			"recent succeeded": {store.DeliverySucceeded, recent, true},
		}
		ids := map[string]string{}
		err := s.InTx(ctx, func(tx *sql.Tx) error {
			for name, r := range rows {
				d := &store.WebhookDelivery{ID: crm.NewID(), WorkspaceID: h.ws, WebhookID: hook.ID, EventKey: name, EventType: "person.created",
					Body: "{}", Status: r.status, CreatedAt: r.created, UpdatedAt: r.created}
				if _, err := s.WebhookDeliveryCreate(ctx, tx, d); err != nil {
					return err
				}
				code := 200
				if err := s.WebhookAttemptRecord(ctx, tx, &store.WebhookAttemptRecordParams{Status: r.status, Attempt: &store.WebhookAttempt{
					ID: crm.NewID(), WorkspaceID: h.ws, WebhookID: hook.ID, DeliveryID: d.ID, Attempt: 1, EventType: d.EventType, AttemptedAt: r.created, StatusCode: &code,
				}}); err != nil {
					return err
				}
				ids[name] = d.ID
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		n, err := h.hooks.Prune(ctx)
		if err != nil || n != 2 {
			t.Fatalf("Prune() = %d, %v; want 2 deleted", n, err)
		}
		for name, r := range rows {
			_, err := s.WebhookDeliveryGet(ctx, nil, h.ws, ids[name])
			if kept := err == nil; kept != r.kept {
				t.Errorf("%s delivery kept = %v (%v); want %v", name, kept, err, r.kept)
			}
		}
		var attempts int
		if err := s.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM webhook_delivery_attempts WHERE webhook_id = $1`, hook.ID).Scan(&attempts); err != nil || attempts != 2 {
			t.Errorf("attempts left = %d, %v; want 2 (those of the kept deliveries)", attempts, err)
		}
	})
}
