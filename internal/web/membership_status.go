package web

import "github.com/roster-crm/roster/internal/whopstatus"

// statusBadgeClass is the badge class of a Whop membership status on every
// page (tables, record badge, related lists, pipeline cards, timeline). The
// tone comes from package whopstatus; this only maps a tone to the style
// sheet. The label is always written out too, so colour is never the only
// signal.
func statusBadgeClass(status string) string {
	switch whopstatus.ToneOf(status) {
	case whopstatus.ToneSuccess:
		return "badge-success"
	case whopstatus.ToneWarning:
		return "badge-warning"
	case whopstatus.ToneDanger:
		return "badge-danger"
	}
	return ""
}
