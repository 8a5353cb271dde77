package whopsync_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// TestPeopleByMembership: a sync keeps the email Whop gives with each
// membership, and people are found by part of a membership ID or of that
// email, in their workspace only.
func TestPeopleByMembership(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		e := newEnv(t, s, envOpts{noQueue: true})
		e.connect()
		e.sync()
		var mem, person, email string
		err := s.Read.QueryRow(`SELECT whop_id, person_id, user_email FROM whop_memberships WHERE workspace_id = $1 AND person_id IS NOT NULL AND user_email <> ''
			ORDER BY whop_id LIMIT 1`, e.ws).Scan(&mem, &person, &email)
		if err != nil {
			t.Fatalf("a synced membership with its user's email: %v", err)
		}
		for _, q := range []string{mem[:9], strings.ToUpper(email[:len(email)-2]), " " + mem + " "} {
			ids, err := e.svc.PeopleByMembership(ctx, e.ws, q)
			if err != nil || !slices.Contains(ids, person) {
				t.Errorf("PeopleByMembership(%q) = %v, %v; want it to hold %s", q, ids, err, person)
			}
		}
		if ids, err := e.svc.PeopleByMembership(ctx, e.ws, "me"); err != nil || len(ids) != 0 {
			t.Errorf("PeopleByMembership(\"me\") = %v, %v; want nothing under three characters", ids, err)
		}
		if ids, err := e.svc.PeopleByMembership(ctx, "00000000-0000-7000-8000-000000000000", mem); err != nil || len(ids) != 0 {
			t.Errorf("PeopleByMembership in another workspace = %v, %v; want nothing", ids, err)
		}
	})
}
