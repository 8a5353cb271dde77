package whopsync_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/poll"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
	"github.com/roster-crm/roster/internal/whop"
	"github.com/roster-crm/roster/internal/whopsync"
)

// TestDomainEventOncePerWhopEvent: an applied Whop event reaches the
// domain event handlers once, with its type and data, however often Whop
// delivers it; a delivery Roster does not act on reaches nobody.
func TestDomainEventOncePerWhopEvent(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		var mu sync.Mutex
		var got []whopsync.DomainEvent
		bus := &whopsync.DomainEvents{}
		bus.Subscribe(func(_ context.Context, e whopsync.DomainEvent) error {
			mu.Lock()
			defer mu.Unlock()
			got = append(got, e)
			return nil
		})
		e := newEnv(t, s, envOpts{domainEvents: bus})
		e.connectAndWait()
		m := e.anyMembership()
		now := time.Now().UTC()
		body, err := json.Marshal(map[string]any{"id": "msg_once", "api_version": "v1", "type": "membership.deactivated",
			"timestamp": now.Format(time.RFC3339), "company_id": e.company, "data": map[string]any{"id": m}})
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 3; i++ { // Whop redelivers with the same webhook-id
			e.mustDeliver(body, whop.SignedHeader(e.secret, "msg_once", now, body))
		}
		e.waitInbox()
		poll.Until(t, 30*time.Second, func() error {
			mu.Lock()
			defer mu.Unlock()
			if len(got) == 0 {
				return fmt.Errorf("no domain event yet")
			}
			return nil
		})
		// The job is enqueued with the event's processing: one job, so one
		// delivery to the handlers.
		var jobs int
		e.scan("SELECT COUNT(*) FROM river_job WHERE kind = $1", []any{whopsync.DomainEventArgs{}.Kind()}, &jobs)
		if jobs != 1 {
			t.Errorf("whop_domain_event jobs = %d; want 1", jobs)
		}
		mu.Lock()
		defer mu.Unlock()
		if len(got) != 1 {
			t.Fatalf("domain events = %d; want 1 for one Whop event delivered three times", len(got))
		}
		ev := got[0]
		if ev.ID != "msg_once" || ev.Type != "membership.deactivated" || ev.WorkspaceID != e.ws || ev.Data["id"] != m {
			t.Errorf("domain event = %+v; want msg_once, membership.deactivated, the membership's data", ev)
		}
	})
}
