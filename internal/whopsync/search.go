package whopsync

import (
	"context"
	"strings"

	"github.com/roster-crm/roster/internal/store"
)

// MaxMembershipMatches bounds the people a membership search returns: a
// quick search shows a handful, and an id list beyond this is no filter.
const MaxMembershipMatches = 100

// PeopleByMembership returns the IDs of people in the workspace holding a
// Whop membership whose ID (mem_...) or user email contains q, case
// insensitively. The email is the one Whop gave with the membership, which
// may differ from the person's own. Queries under three characters match
// nothing, as the other substring searches.
func (s *Service) PeopleByMembership(ctx context.Context, workspaceID, q string) ([]string, error) {
	q = strings.TrimSpace(q)
	if len([]rune(q)) < 3 {
		return nil, nil
	}
	return s.store.WhopMembershipPeople(ctx, &store.WhopMembershipPeopleParams{WorkspaceID: workspaceID, Contains: q, Limit: MaxMembershipMatches})
}
