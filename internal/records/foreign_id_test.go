package records_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// TestForeignIDNotRevealed creates records with an id another workspace
// already uses. Ids are global, so the create must fail, but the answer
// must be the very one given for an id of the caller's own, and must not
// say that a record has it.
func TestForeignIDNotRevealed(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := records.New(records.Config{Store: s})
		wsA, wsB := storetest.NewWorkspace(t, s, "A"), storetest.NewWorkspace(t, s, "B")
		for _, o := range []*crm.Object{crm.PersonObject, crm.CompanyObject, crm.OpportunityObject, crm.NoteObject, crm.TaskObject} {
			t.Run(string(o.Name), func(t *testing.T) {
				name := map[crm.ObjectName]crm.Input{
					crm.ObjectPerson: {"city": "London"}, crm.ObjectCompany: {"name": "Acme"}, crm.ObjectOpportunity: {"name": "Deal"},
					crm.ObjectNote: {"title": "Hi"}, crm.ObjectTask: {"title": "Do"},
				}[o.Name]
				create := func(ws string, upsert bool, in crm.Input) ([]crm.Record, error) {
					return svc.Create(ctx, records.CreateParams{WorkspaceID: ws, Object: o, Actor: api, Inputs: []crm.Input{in}, Upsert: upsert})
				}
				recs, err := create(wsA, false, name)
				if err != nil {
					t.Fatal(err)
				}
				id := recs[0].Meta().ID
				withID := crm.Input{"id": id}
				for k, v := range name {
					withID[k] = v
				}
				_, own := create(wsA, false, withID)
				ownErr, ok := crm.AsError(own)
				if !ok || ownErr.Code != crm.CodeInvalidValue || ownErr.Field != "id" {
					t.Fatalf("own id again = %v; want INVALID_VALUE on id", own)
				}
				for _, upsert := range []bool{false, true} {
					_, foreign := create(wsB, upsert, withID)
					foreignErr, ok := crm.AsError(foreign)
					if !ok || !reflect.DeepEqual(*foreignErr, *ownErr) || foreign.Error() != own.Error() {
						t.Errorf("another workspace's id (upsert %v) = %#v; want exactly the answer for an own id, %#v", upsert, foreign, own)
					}
					if msg := strings.ToLower(foreign.Error()); strings.Contains(msg, "already") || strings.Contains(msg, "another") || strings.Contains(msg, "exists") {
						t.Errorf("answer %q hints that the record exists", foreign)
					}
				}
				page, err := svc.List(ctx, wsB, crm.NewSchema(o, nil), crm.ListParams{WithTotal: true})
				if err != nil || page.TotalCount != 0 {
					t.Errorf("workspace B holds %d %s after refused creates (%v); want 0", page.TotalCount, o.Name, err)
				}
			})
		}
	})
}
