package records_test

import (
	"context"
	"errors"
	"testing"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

var api = crm.Actor{Source: crm.SourceAPI, Name: "test"}

func TestCreateGetUpdateTimeline(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := records.New(records.Config{Store: s})
		ws := storetest.NewWorkspace(t, s, "W")
		recs, err := svc.Create(ctx, records.CreateParams{WorkspaceID: ws, Object: crm.PersonObject, Actor: api, Inputs: []crm.Input{{
			"name":       map[string]any{"firstName": "Ada", "lastName": "Lovelace"},
			"emails":     map[string]any{"primaryEmail": "Ada@Example.com", "additionalEmails": []any{"ada2@example.com"}},
			"whopUserId": "user_1",
			"city":       "London",
		}}})
		if err != nil {
			t.Fatalf("Create() error = %v", err)
		}
		p := recs[0].(*crm.Person)
		if p.Emails.PrimaryEmail != "ada@example.com" {
			t.Errorf("primaryEmail = %q; want lower-cased", p.Emails.PrimaryEmail)
		}
		got, err := svc.Get(ctx, ws, crm.PersonObject, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		gp := got.(*crm.Person)
		if gp.Name.FirstName != "Ada" || *gp.WhopUserID != "user_1" || len(gp.Emails.AdditionalEmails) != 1 || gp.CreatedBy.Source != "API" {
			t.Errorf("Get() = %+v; want the created person", gp)
		}
		upd, err := svc.Update(ctx, records.UpdateParams{WorkspaceID: ws, Object: crm.PersonObject, Actor: api, ID: p.ID,
			Input: crm.Input{"city": "Paris", "jobTitle": "Countess"}})
		if err != nil {
			t.Fatal(err)
		}
		if upd.(*crm.Person).City != "Paris" {
			t.Errorf("city = %q; want Paris", upd.(*crm.Person).City)
		}
		acts, err := svc.Timeline(ctx, ws, crm.PersonObject, p.ID, "", 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(acts) != 2 || acts[0].Name != "person.updated" || acts[1].Name != "person.created" {
			t.Fatalf("Timeline() = %d activities; want updated then created", len(acts))
		}
		diff, _ := acts[0].Properties["diff"].(map[string]any)
		if _, ok := diff["city"]; !ok || len(diff) != 2 {
			t.Errorf("update diff = %v; want city and jobTitle", diff)
		}
		// Another workspace cannot see it.
		other := storetest.NewWorkspace(t, s, "W")
		if _, err := svc.Get(ctx, other, crm.PersonObject, p.ID); !errors.Is(err, crm.ErrNotFound) {
			t.Errorf("Get() from other workspace error = %v; want not found", err)
		}
	})
}

func TestValidationErrors(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := records.New(records.Config{Store: s})
		ws := storetest.NewWorkspace(t, s, "W")
		for _, tc := range []struct {
			name  string
			obj   *crm.Object
			in    crm.Input
			field string
			code  string
		}{
			{"unknown field", crm.PersonObject, crm.Input{"nope": 1}, "nope", crm.CodeUnknownField},
			{"unknown sub-field", crm.PersonObject, crm.Input{"name": map[string]any{"middle": "x"}}, "name.middle", crm.CodeUnknownField},
			{"wrong type", crm.PersonObject, crm.Input{"city": 3.0}, "city", crm.CodeInvalidType},
			{"bad email", crm.PersonObject, crm.Input{"emails": map[string]any{"primaryEmail": "not-an-email"}}, "emails.primaryEmail", crm.CodeInvalidValue},
			{"bad enum", crm.OpportunityObject, crm.Input{"stage": "WON"}, "stage", crm.CodeInvalidEnum},
			{"bad int", crm.CompanyObject, crm.Input{"employees": 1.5}, "employees", crm.CodeInvalidType},
			{"missing ref", crm.OpportunityObject, crm.Input{"pointOfContactId": "0190a8f2-0000-7000-8000-000000000000"}, "pointOfContactId", crm.CodeInvalidValue},
			{"read-only", crm.PersonObject, crm.Input{"createdAt": "2020-01-01T00:00:00Z"}, "createdAt", crm.CodeInvalidValue},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := svc.Create(ctx, records.CreateParams{WorkspaceID: ws, Object: tc.obj, Actor: api, Inputs: []crm.Input{tc.in}})
				e, ok := crm.AsError(err)
				if !ok || !errors.Is(err, crm.ErrInvalid) || e.Field != tc.field || e.Code != tc.code {
					t.Fatalf("Create(%v) error = %#v; want %s on %s", tc.in, err, tc.code, tc.field)
				}
			})
		}
		page, err := svc.List(ctx, ws, crm.NewSchema(crm.PersonObject, nil), crm.ListParams{WithTotal: true})
		if err != nil || page.TotalCount != 0 {
			t.Fatalf("after failed creates: %d people, %v; want none written", page.TotalCount, err)
		}
	})
}

func TestDuplicateAndUpsert(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := records.New(records.Config{Store: s})
		ws := storetest.NewWorkspace(t, s, "W")
		mk := func(upsert bool, ins ...crm.Input) ([]crm.Record, error) {
			return svc.Create(ctx, records.CreateParams{WorkspaceID: ws, Object: crm.PersonObject, Actor: api, Inputs: ins, Upsert: upsert})
		}
		if _, err := mk(false, crm.Input{"emails": map[string]any{"primaryEmail": "a@b.co"}, "city": "X"}); err != nil {
			t.Fatal(err)
		}
		_, err := mk(false, crm.Input{"emails": map[string]any{"primaryEmail": "z@b.co"}}, crm.Input{"emails": map[string]any{"primaryEmail": "A@b.co"}})
		e, ok := crm.AsError(err)
		if !ok || !errors.Is(err, crm.ErrConflict) || e.Field != "emails.primaryEmail" {
			t.Fatalf("duplicate email error = %v; want conflict on emails.primaryEmail", err)
		}
		recs, err := mk(true, crm.Input{"emails": map[string]any{"primaryEmail": "A@B.co"}, "city": "Y"}, crm.Input{"emails": map[string]any{"primaryEmail": "new@b.co"}})
		if err != nil {
			t.Fatal(err)
		}
		page, _ := svc.List(ctx, ws, crm.NewSchema(crm.PersonObject, nil), crm.ListParams{WithTotal: true})
		if page.TotalCount != 2 || recs[0].(*crm.Person).City != "Y" {
			t.Fatalf("after upsert: %d people, city %q; want 2 people (z@ rolled back), city Y", page.TotalCount, recs[0].(*crm.Person).City)
		}
		// Company upsert by normalised domain.
		c1, err := svc.Create(ctx, records.CreateParams{WorkspaceID: ws, Object: crm.CompanyObject, Actor: api, Inputs: []crm.Input{{"name": "Acme", "domainName": map[string]any{"primaryLinkUrl": "https://www.acme.com"}}}})
		if err != nil {
			t.Fatal(err)
		}
		c2, err := svc.Create(ctx, records.CreateParams{WorkspaceID: ws, Object: crm.CompanyObject, Actor: api, Upsert: true, Inputs: []crm.Input{{"employees": 5, "domainName": map[string]any{"primaryLinkUrl": "acme.com"}}}})
		if err != nil {
			t.Fatal(err)
		}
		if c1[0].Meta().ID != c2[0].Meta().ID || c2[0].(*crm.Company).Name != "Acme" {
			t.Errorf("company upsert by domain created a second company")
		}
	})
}

func TestFiltersOrderAndPagination(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := records.New(records.Config{Store: s})
		ws := storetest.NewWorkspace(t, s, "W")
		if _, err := svc.CreateField(ctx, ws, crm.FieldDefinition{Object: "person", Name: "tier", Type: crm.TypeSelect, Options: []crm.FieldOption{{Value: "GOLD"}, {Value: "SILVER"}}}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.CreateField(ctx, ws, crm.FieldDefinition{Object: "person", Name: "score", Type: crm.TypeNumber}); err != nil {
			t.Fatal(err)
		}
		var ins []crm.Input
		names := []string{"Smith", "smithers", "Jones", "Blacksmith", "Brown", "Green", "White"}
		for i, n := range names {
			in := crm.Input{"name": map[string]any{"firstName": "P", "lastName": n}, "emails": map[string]any{"primaryEmail": n + "@x.io"}, "score": float64(i)}
			if i%2 == 0 {
				in["customFields"] = map[string]any{"tier": "GOLD"}
			}
			ins = append(ins, in)
		}
		if _, err := svc.Create(ctx, records.CreateParams{WorkspaceID: ws, Object: crm.PersonObject, Actor: api, Inputs: ins}); err != nil {
			t.Fatal(err)
		}
		schema, err := svc.Schema(ctx, ws, crm.PersonObject)
		if err != nil {
			t.Fatal(err)
		}
		count := func(filter map[string]any) int {
			t.Helper()
			f, err := schema.ParseFilter(filter)
			if err != nil {
				t.Fatalf("ParseFilter(%v) = %v", filter, err)
			}
			page, err := svc.List(ctx, ws, schema, crm.ListParams{Filter: f, WithTotal: true, First: 100})
			if err != nil {
				t.Fatalf("List(%v) = %v", filter, err)
			}
			if page.TotalCount != len(page.Records) {
				t.Fatalf("totalCount %d != %d records", page.TotalCount, len(page.Records))
			}
			return page.TotalCount
		}
		for _, tc := range []struct {
			filter map[string]any
			want   int
		}{
			{map[string]any{"name": map[string]any{"lastName": map[string]any{"ilike": "%smi%"}}}, 3},
			{map[string]any{"name": map[string]any{"lastName": map[string]any{"like": "%smi%"}}}, 2},
			{map[string]any{"name": map[string]any{"lastName": map[string]any{"startsWith": "S"}}}, 1},
			{map[string]any{"emails": map[string]any{"primaryEmail": map[string]any{"eq": "JONES@x.io"}}}, 1},
			{map[string]any{"name": map[string]any{"lastName": map[string]any{"in": []any{"Brown", "Green"}}}}, 2},
			{map[string]any{"or": []any{map[string]any{"name": map[string]any{"lastName": map[string]any{"eq": "Green"}}}, map[string]any{"customFields": map[string]any{"tier": map[string]any{"eq": "GOLD"}}}}}, 5},
			{map[string]any{"not": map[string]any{"customFields": map[string]any{"tier": map[string]any{"eq": "GOLD"}}}}, 3},
			{map[string]any{"customFields": map[string]any{"score": map[string]any{"gte": 3}}}, 4},
			{map[string]any{"whopUserId": map[string]any{"is": "NULL"}}, 7},
			{map[string]any{"city": map[string]any{"is": "NOT_NULL"}}, 0},
			{map[string]any{"name": map[string]any{"lastName": map[string]any{"neq": "Brown"}}}, 6},
		} {
			if got := count(tc.filter); got != tc.want {
				t.Errorf("filter %v matched %d; want %d", tc.filter, got, tc.want)
			}
		}
		// Keyset pagination over a custom numeric order, descending, 3 per page.
		order, err := schema.ParseOrderBy([]map[string]any{{"customFields": map[string]any{"score": "DescNullsLast"}}})
		if err != nil {
			t.Fatal(err)
		}
		var seen []string
		after := ""
		for i := 0; i < 5; i++ {
			page, err := svc.List(ctx, ws, schema, crm.ListParams{OrderBy: order, First: 3, After: after})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range page.Records {
				seen = append(seen, r.(*crm.Person).Name.LastName)
			}
			if !page.HasNextPage {
				break
			}
			after = page.Cursors[len(page.Cursors)-1]
		}
		want := []string{"White", "Green", "Brown", "Blacksmith", "Jones", "smithers", "Smith"}
		if len(seen) != len(want) {
			t.Fatalf("paged = %v; want %v", seen, want)
		}
		for i := range want {
			if seen[i] != want[i] {
				t.Fatalf("paged = %v; want %v", seen, want)
			}
		}
		// Backwards from the end.
		page, err := svc.List(ctx, ws, schema, crm.ListParams{OrderBy: order, Last: 2})
		if err != nil || len(page.Records) != 2 || page.Records[1].(*crm.Person).Name.LastName != "Smith" || !page.HasPreviousPage {
			t.Fatalf("last 2 = %v, %v; want smithers, Smith", page, err)
		}
		if _, err := svc.List(ctx, ws, schema, crm.ListParams{After: "garbage!"}); !errors.Is(err, crm.ErrInvalid) {
			t.Errorf("malformed cursor error = %v; want invalid", err)
		}
		// A cursor of one ordering is refused under another with as many keys.
		other, _ := schema.ParseOrderBy([]map[string]any{{"city": "AscNullsFirst"}})
		if _, err := svc.List(ctx, ws, schema, crm.ListParams{OrderBy: other, After: page.Cursors[0]}); !errors.Is(err, crm.ErrInvalid) {
			t.Errorf("cursor under another ordering: %v; want invalid", err)
		}
	})
}

func TestDeleteRestoreDestroy(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := records.New(records.Config{Store: s})
		ws := storetest.NewWorkspace(t, s, "W")
		recs, err := svc.Create(ctx, records.CreateParams{WorkspaceID: ws, Object: crm.CompanyObject, Actor: api, Inputs: []crm.Input{{"name": "Acme"}}})
		if err != nil {
			t.Fatal(err)
		}
		id := recs[0].Meta().ID
		ref := records.Ref{WorkspaceID: ws, Object: crm.CompanyObject, Actor: api, ID: id}
		schema := crm.NewSchema(crm.CompanyObject, nil)
		if _, err := svc.Delete(ctx, ref); err != nil {
			t.Fatal(err)
		}
		if page, _ := svc.List(ctx, ws, schema, crm.ListParams{WithTotal: true}); page.TotalCount != 0 {
			t.Errorf("deleted company still listed")
		}
		f, _ := schema.ParseFilter(map[string]any{"deletedAt": map[string]any{"is": "NOT_NULL"}})
		if page, _ := svc.List(ctx, ws, schema, crm.ListParams{Filter: f, WithTotal: true}); page.TotalCount != 1 {
			t.Errorf("deletedAt filter found %d; want 1", page.TotalCount)
		}
		if _, err := svc.Restore(ctx, ref); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Destroy(ctx, ref); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Get(ctx, ws, crm.CompanyObject, id); !errors.Is(err, crm.ErrNotFound) {
			t.Errorf("Get() after destroy = %v; want not found", err)
		}
		acts, err := s.TimelineList(ctx, &store.TimelineListParams{WorkspaceID: ws, RecordObject: crm.ObjectCompany, RecordID: id})
		if err != nil || len(acts) != 3 {
			t.Errorf("timeline after delete/restore = %d, %v; want created, deleted, restored", len(acts), err)
		}
	})
}
