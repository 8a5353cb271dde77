package whopsync_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// TestSetStageMapping: a bad mapping is refused naming the status and
// changes nothing; a good one is stored and moves the stage of the next
// changed membership.
func TestSetStageMapping(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		e := newEnv(t, s, envOpts{noQueue: true})
		e.connect()
		for _, tc := range []struct {
			name  string
			in    map[string]string
			field string
		}{
			{"unknown status", map[string]string{"paused": "CUSTOMER"}, "stageMapping.paused"},
			{"unknown stage", map[string]string{"canceled": "LOST"}, "stageMapping.canceled"},
		} {
			_, err := e.svc.SetStageMapping(ctx, e.admin, tc.in)
			if ce, ok := crm.AsError(err); !ok || ce.Field != tc.field || !errors.Is(err, crm.ErrInvalid) {
				t.Errorf("%s: SetStageMapping(%v) = %v; want invalid %s", tc.name, tc.in, err, tc.field)
			}
		}
		if entries := e.auditLog("workspace.settings_changed", 10); len(entries) != 0 {
			t.Errorf("refused mappings audited %d settings changes; want none", len(entries))
		}
		st, err := e.svc.SetStageMapping(ctx, e.admin, map[string]string{"canceled": "SCREENING"})
		if err != nil || st.StageMapping["canceled"] != "SCREENING" {
			t.Fatalf("SetStageMapping() = %+v, %v; want canceled -> SCREENING stored", st, err)
		}
		// The change is a settings change in the audit log, once.
		if _, err := e.svc.SetStageMapping(ctx, e.admin, map[string]string{"canceled": "SCREENING"}); err != nil {
			t.Fatal(err)
		}
		entries := e.auditLog("workspace.settings_changed", 10)
		if len(entries) != 1 || entries[0].Actor != e.admin.AuditActor() || entries[0].Details["setting"] != "whop.stageMapping" ||
			fmt.Sprint(entries[0].Details["changes"]) != "map[canceled:map[from:CHURNED to:SCREENING]]" {
			t.Errorf("settings entries = %+v; want one by the admin: canceled CHURNED -> SCREENING", entries)
		}
		e.sync()
		mem := e.anyMembership()
		if err := e.sim.CancelMembership(mem, false); err != nil {
			t.Fatal(err)
		}
		e.sync()
		for _, r := range e.all(crm.OpportunityObject) {
			if o := r.(*crm.Opportunity); *o.WhopMembershipID == mem && o.Stage != "SCREENING" {
				t.Errorf("cancelled membership's stage = %s; want the mapped SCREENING", o.Stage)
			}
		}
	})
}

// TestRotateSecretsUnderCurrentKey: with no older key in use, rotating
// rewrites nothing, and the stored credential and webhook secret still
// open: a sync and a signed webhook both work afterwards.
func TestRotateSecretsUnderCurrentKey(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, envOpts{noQueue: true})
		e.connect()
		n, err := e.svc.RotateSecrets(context.Background())
		if err != nil || n != 0 {
			t.Fatalf("RotateSecrets() = %d, %v; want 0 rewritten, no error", n, err)
		}
		e.sync()
		e.checkTruth()
		id := e.postThinMembership(e.anyMembership())
		if err := e.svc.ProcessEvent(context.Background(), e.ws, id); err != nil {
			t.Fatalf("ProcessEvent() after rotating = %v", err)
		}
	})
}
