package records_test

import (
	"context"
	"testing"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

func TestSearchFilter(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := records.New(records.Config{Store: s})
		ws := storetest.NewWorkspace(t, s, "W")
		recs, err := svc.Create(ctx, records.CreateParams{WorkspaceID: ws, Object: crm.PersonObject, Actor: api, Inputs: []crm.Input{
			{"name": map[string]any{"firstName": "Ada", "lastName": "Lovelace"}},
			{"name": map[string]any{"firstName": "Grace", "lastName": "Hopper"}},
		}})
		if err != nil {
			t.Fatal(err)
		}
		ada, grace := recs[0].Meta().ID, recs[1].Meta().ID
		schema, err := svc.Schema(ctx, ws, crm.PersonObject)
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			q    string
			ids  []string
			want []string
		}{
			{"ada love", nil, []string{ada}},
			{"HOPPER", nil, []string{grace}},
			{"mem_123", []string{grace}, []string{grace}},
			{"nobody", nil, nil},
		} {
			f, err := svc.SearchFilter(records.SearchParams{Schema: schema, Query: tc.q, IDs: tc.ids})
			if err != nil {
				t.Fatalf("SearchFilter(%q) error = %v", tc.q, err)
			}
			page, err := svc.List(ctx, ws, schema, crm.ListParams{Filter: f})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range page.Records {
				got = append(got, r.Meta().ID)
			}
			if len(got) != len(tc.want) || (len(got) == 1 && got[0] != tc.want[0]) {
				t.Errorf("search %q = %v; want %v", tc.q, got, tc.want)
			}
		}
	})
}
