package web_test

import (
	"context"
	"database/sql"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/store"
)

// Helpers of the home, search and import tests.

// homePlan stores a synced Whop plan.
func homePlan(t *testing.T, s *store.Store, ws, id string, days int64) {
	t.Helper()
	p := &store.WhopPlan{WorkspaceID: ws, WhopID: id, PlanType: "renewal", Currency: "USD", BillingPeriodDays: &days, Data: []byte(`{"id":"` + id + `"}`)}
	if err := s.InTx(context.Background(), func(tx *sql.Tx) error {
		_, err := s.WhopPlanUpsert(context.Background(), tx, p, time.Now())
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

// homeCreate creates one record and returns its ID.
func homeCreate(t *testing.T, recs *records.Service, ws string, o *crm.Object, in crm.Input) string {
	t.Helper()
	out, err := recs.Create(context.Background(), records.CreateParams{WorkspaceID: ws, Object: o, Actor: crm.Actor{Source: crm.SourceSystem, Name: "Whop"}, Inputs: []crm.Input{in}})
	if err != nil {
		t.Fatalf("create %s: %v", o.Name, err)
	}
	return out[0].Meta().ID
}

// homeSignInMember adds a member (not an admin) to ws and signs b in as them.
func homeSignInMember(t *testing.T, site *site, b *browser, ws string) {
	t.Helper()
	if _, err := site.auth.AddMember(context.Background(), auth.AddMemberParams{WorkspaceID: ws, Email: "mia@acme.test", Name: "Mia Member", Password: "password-456", Role: auth.RoleMember}); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := b.post("/login", url.Values{"email": {"mia@acme.test"}, "password": {"password-456"}}); code != http.StatusSeeOther {
		t.Fatalf("member sign in: %d", code)
	}
}

// homeOtherWorkspace creates a second workspace with its own admin.
func homeOtherWorkspace(t *testing.T, site *site) string {
	t.Helper()
	ws, _, err := site.auth.CreateWorkspace(context.Background(), auth.CreateWorkspaceParams{Name: "Other", AdminEmail: "olga@other.test", AdminPassword: "password-789", AdminName: "Olga"})
	if err != nil {
		t.Fatal(err)
	}
	return ws.ID
}
