package records_test

import (
	"context"
	"testing"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

func person(email, city string) crm.Input {
	return crm.Input{"name": map[string]any{"firstName": "P"}, "emails": map[string]any{"primaryEmail": email}, "city": city}
}

// TestUpsertMany counts what each input did, and a batch with a bad input
// fails alone: the batches around it are written.
func TestUpsertMany(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := records.New(records.Config{Store: s})
		ws := storetest.NewWorkspace(t, s, "W")
		if _, err := svc.Create(ctx, records.CreateParams{WorkspaceID: ws, Object: crm.PersonObject, Actor: api,
			Inputs: []crm.Input{person("same@example.com", "Rome"), person("moved@example.com", "Rome")}}); err != nil {
			t.Fatal(err)
		}
		inputs := []crm.Input{
			person("same@example.com", "Rome"),   // batch 0: unchanged
			person("moved@example.com", "Paris"), // batch 0: updated
			person("new1@example.com", "Oslo"),   // batch 1: fails with its neighbour
			{"emails": map[string]any{"primaryEmail": "not an email"}},
			person("new2@example.com", "Oslo"), // batch 2: created
		}
		got, err := svc.UpsertMany(ctx, records.UpsertManyParams{WorkspaceID: ws, Object: crm.PersonObject, Actor: api, Inputs: inputs, BatchSize: 2})
		if err != nil {
			t.Fatalf("UpsertMany() error = %v", err)
		}
		if got.Created != 1 || got.Updated != 1 || got.Unchanged != 1 || got.Failed != 2 {
			t.Errorf("UpsertMany() = created %d updated %d unchanged %d failed %d; want 1 1 1 2", got.Created, got.Updated, got.Unchanged, got.Failed)
		}
		if len(got.Failures) != 1 || got.Failures[0].Start != 2 || got.Failures[0].End != 4 || got.Failures[0].Err == nil {
			t.Fatalf("Failures = %+v; want inputs [2,4) with an error", got.Failures)
		}
		schema, err := svc.Schema(ctx, ws, crm.PersonObject)
		if err != nil {
			t.Fatal(err)
		}
		page, err := svc.List(ctx, ws, schema, crm.ListParams{First: 50})
		if err != nil {
			t.Fatal(err)
		}
		emails := map[string]string{}
		for _, r := range page.Records {
			p := r.(*crm.Person)
			emails[p.Emails.PrimaryEmail] = p.City
		}
		want := map[string]string{"same@example.com": "Rome", "moved@example.com": "Paris", "new2@example.com": "Oslo"}
		if len(emails) != len(want) {
			t.Errorf("people = %v; want %v", emails, want)
		}
		for k, v := range want {
			if emails[k] != v {
				t.Errorf("city of %s = %q; want %q", k, emails[k], v)
			}
		}
	})
}
