package web

import (
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/whopstatus"
)

// recordWhopBadge marks a record synced from Whop and links to it there.
type recordWhopBadge struct {
	URL         string
	LinkText    string // accessible text of the link, beyond "Whop"
	Status      string // membership status (opportunities)
	StatusClass string
}

// Whop documents no dashboard address for one member or one membership;
// these are the seller's Users and Memberships tables it does document
// (docs: "Manage users"), where the person can be searched for. The
// customer-facing profile (whop.com/@name) and billing page (manage_url)
// are the member's own pages, not the seller's.
const (
	whopDashboardUsers       = "https://whop.com/dashboard/users/"
	whopDashboardMemberships = "https://whop.com/dashboard/users/?tab=memberships"
)

// recordWhopBadgeFor returns the badge of a synced person (whopUserId) or
// opportunity (whopMembershipId), or nil. Its link text says where the link
// goes, since it cannot open the member itself.
func recordWhopBadgeFor(r crm.Record) *recordWhopBadge {
	switch v := r.(type) {
	case *crm.Person:
		if v.WhopUserID == nil {
			return nil
		}
		who := *v.WhopUserID
		if v.WhopUsername != "" {
			who = "@" + v.WhopUsername
		}
		return &recordWhopBadge{URL: whopDashboardUsers,
			LinkText: "synced from Whop: opens the Users table of your Whop dashboard, where you can search for " + who + " (external site)"}
	case *crm.Opportunity:
		if v.WhopMembershipID == nil {
			return nil
		}
		return &recordWhopBadge{URL: whopDashboardMemberships,
			LinkText: "synced from Whop: opens the Memberships table of your Whop dashboard, where you can search for " + *v.WhopMembershipID + " (external site)",
			Status:   whopstatus.Label(v.WhopMembershipStatus), StatusClass: statusBadgeClass(v.WhopMembershipStatus)}
	}
	return nil
}
