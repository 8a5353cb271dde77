package whopsync_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
	"github.com/roster-crm/roster/internal/whopsync"
)

func TestSendTestEvent(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		e := newEnv(t, s, envOpts{users: 2, memberships: 2})
		if _, err := e.svc.SendTestEvent(ctx, e.ws); !errors.Is(err, crm.ErrInvalid) {
			t.Fatalf("SendTestEvent(not connected) = %v; want ErrInvalid", err)
		}
		e.connect()
		status, err := e.svc.SendTestEvent(ctx, e.ws)
		if status != http.StatusOK || err != nil {
			t.Fatalf("SendTestEvent() = %d, %v; want 200", status, err)
		}
		e.waitInbox()
		var typ, st string
		if err := s.Read.QueryRow("SELECT event_type, status FROM whop_webhook_inbox WHERE workspace_id = $1", e.ws).Scan(&typ, &st); err != nil {
			t.Fatal(err)
		}
		if typ != whopsync.TestEventType || st != store.InboxIgnored {
			t.Errorf("inbox event = %s %s; want %s %s", typ, st, whopsync.TestEventType, store.InboxIgnored)
		}
	})
}
