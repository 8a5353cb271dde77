package web

import (
	"net/url"
	"strings"

	"github.com/roster-crm/roster/internal/crm"
)

// recordWhopBadge marks a record synced from Whop and links to it there.
type recordWhopBadge struct {
	URL         string
	LinkText    string // accessible text of the link, beyond "Whop"
	Status      string // membership status (opportunities)
	StatusClass string
}

// recordWhopBadgeFor returns the badge of a synced person (whopUserId) or
// opportunity (whopMembershipId), or nil.
func recordWhopBadgeFor(r crm.Record) *recordWhopBadge {
	switch v := r.(type) {
	case *crm.Person:
		if v.WhopUserID == nil {
			return nil
		}
		b := &recordWhopBadge{URL: "https://whop.com/dashboard", LinkText: "synced from Whop: open the Whop dashboard (external site)"}
		if v.WhopUsername != "" {
			b.URL = "https://whop.com/@" + url.PathEscape(v.WhopUsername)
			b.LinkText = "synced from Whop: open @" + v.WhopUsername + " on Whop (external site)"
		}
		return b
	case *crm.Opportunity:
		if v.WhopMembershipID == nil {
			return nil
		}
		b := &recordWhopBadge{URL: externalURL(v.WhopManageURL), LinkText: "synced from Whop: manage this membership on Whop (external site)",
			Status: v.WhopMembershipStatus, StatusClass: membershipStatusClass(v.WhopMembershipStatus)}
		if b.URL == "" {
			b.LinkText = "synced from Whop"
		}
		return b
	}
	return nil
}

// membershipStatusClass picks the badge colour of a membership status; the status
// is always written out too, so colour is never the only signal.
func membershipStatusClass(status string) string {
	switch strings.ToLower(status) {
	case "active", "trialing", "completed":
		return "badge-success"
	case "past_due", "unresolved", "canceled", "cancelled", "expired":
		return "badge-danger"
	}
	return ""
}
