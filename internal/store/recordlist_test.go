package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// TestRecordListPageSizeNamesArgument: an oversized page is refused on the
// argument the caller used (it said "first" for last: 500).
func TestRecordListPageSizeNamesArgument(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ws := storetest.NewWorkspace(t, s, "W")
		schema := crm.NewSchema(crm.PersonObject, nil)
		for _, tc := range []struct {
			arg string
			lp  crm.ListParams
		}{
			{"first", crm.ListParams{First: crm.MaxPageSize + 1}},
			{"last", crm.ListParams{Last: crm.MaxPageSize + 1}},
			{"last", crm.ListParams{Last: -1}},
		} {
			_, err := s.RecordList(context.Background(), &store.RecordListParams{Schema: schema, WorkspaceID: ws, ListParams: tc.lp})
			var e *crm.Error
			if !errors.As(err, &e) || e.Field != tc.arg {
				t.Errorf("RecordList(%+v) error = %v; want an error on %q", tc.lp, err, tc.arg)
			}
		}
	})
}
