package whopsync_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
	"github.com/roster-crm/roster/internal/whopsync"
)

// TestConnectionChangesNeedAnAdmin: a member may not connect, remap stages
// or disconnect, and a refused request changes nothing; without a
// connection there is nothing to remap or sync, and disconnecting reports
// that there was none.
func TestConnectionChangesNeedAnAdmin(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		e := newEnv(t, s, envOpts{noQueue: true})
		member := &auth.Principal{WorkspaceID: e.ws, Role: auth.RoleMember, Name: "Mo"}
		if _, err := e.svc.SetStageMapping(ctx, e.admin, map[string]string{"active": "CUSTOMER"}); !errors.Is(err, crm.ErrNotFound) {
			t.Errorf("SetStageMapping(not connected) = %v; want not found", err)
		}
		if _, err := e.svc.TriggerSync(ctx, e.admin, false); !errors.Is(err, crm.ErrNotFound) {
			t.Errorf("TriggerSync(not connected) = %v; want not found", err)
		}
		if had, err := e.svc.Disconnect(ctx, e.admin); had || err != nil {
			t.Errorf("Disconnect(not connected) = %v, %v; want false, nil", had, err)
		}
		if _, err := e.svc.ConnectAPIKey(ctx, member, whopsync.ConnectAPIKeyParams{APIKey: e.apiKey, CompanyID: e.company}); !errors.Is(err, crm.ErrForbidden) {
			t.Errorf("ConnectAPIKey(member) = %v; want forbidden", err)
		}
		if n := e.connections(); n != 0 {
			t.Fatalf("a member's refused connect stored %d connections", n)
		}
		e.connect()
		before := e.connectionRow()
		if _, err := e.svc.SetStageMapping(ctx, member, map[string]string{"active": "NEW"}); !errors.Is(err, crm.ErrForbidden) {
			t.Errorf("SetStageMapping(member) = %v; want forbidden", err)
		}
		if _, err := e.svc.Disconnect(ctx, member); !errors.Is(err, crm.ErrForbidden) {
			t.Errorf("Disconnect(member) = %v; want forbidden", err)
		}
		if _, err := e.svc.TriggerSync(ctx, nil, false); err == nil {
			t.Error("TriggerSync(no principal) = nil; want refused")
		}
		if e.connectionRow() != before {
			t.Error("a member's refused request changed the connection")
		}
	})
}

// TestTriggerSyncIsRateLimited: six sync requests a minute per workspace;
// the seventh is refused with the wait in seconds, and joins nothing.
func TestTriggerSyncIsRateLimited(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		e := newEnv(t, s, envOpts{noQueue: true})
		e.connect()
		first, err := e.svc.TriggerSync(ctx, e.admin, false)
		if err != nil {
			t.Fatal(err)
		}
		for i := 2; i <= 6; i++ {
			run, err := e.svc.TriggerSync(ctx, e.admin, false)
			if err != nil || run.ID != first.ID {
				t.Fatalf("trigger %d = %v, %v; want the running sync joined", i, run, err)
			}
		}
		_, err = e.svc.TriggerSync(ctx, e.admin, false)
		ce, ok := crm.AsError(err)
		if !errors.Is(err, crm.ErrRateLimited) || !ok || !strings.Contains(ce.Message, "try again in") {
			t.Fatalf("seventh trigger in a minute = %v; want rate limited, saying when to try again", err)
		}
	})
}
