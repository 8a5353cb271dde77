// Package whopstatus is the one home of Roster's rules about Whop membership
// statuses: which statuses exist, what each means to a seller (grants access,
// renews, pays, churned, at risk), the word a person reads and the tone its
// badge takes. The dashboard's figures (package insights), the tables'
// filters, the badges on every page and the membership timeline all read
// these sets, so a status can never be "active" on one page and "at risk" on
// another.
//
// The package is pure data (no I/O, no net/http): the Whop client, the
// services and the surfaces all import it.
package whopstatus

import "strings"

// Membership statuses, as Whop documents them (the status enum of a
// membership; see docs/whop.md).
const (
	Trialing   = "trialing"
	Active     = "active"
	PastDue    = "past_due"
	Canceling  = "canceling"
	Completed  = "completed"
	Canceled   = "canceled"
	Expired    = "expired"
	Unresolved = "unresolved"
	Drafted    = "drafted"
)

// Tone is how strongly a badge calls for attention. The surfaces turn a tone
// into a colour; the word is always shown too, so colour is never the only
// signal.
type Tone string

// Tones of a status badge.
const (
	ToneSuccess Tone = "success" // has access and pays or will pay
	ToneWarning Tone = "warning" // has access but is leaving
	ToneDanger  Tone = "danger"  // a payment problem, or access lost
	ToneNeutral Tone = "neutral" // nothing happened yet (checkout not finished)
)

// rule is everything Roster decides about one status.
type rule struct {
	status string
	label  string
	tone   Tone
	// access: Whop's own words: active and trialing grant access, past_due
	// is the grace period after a failed payment, completed one-time
	// purchases keep access, canceling is active until the period ends.
	access bool
	// recurring: a subscription that is still running (excludes the
	// one-time "completed").
	recurring bool
	// paying: counts towards recurring revenue now (a trial has not paid).
	paying bool
	// renewing: the renewal date means a charge is coming (canceling ends
	// instead of renewing).
	renewing bool
	// churned: the member left.
	churned bool
	// atRisk: still a member, but leaving or not paying.
	atRisk bool
}

// rules lists every documented status in the order a person scans them:
// the live ones first, then those that ended, then the odd ones.
var rules = []rule{
	{status: Trialing, label: "Trialing", tone: ToneSuccess, access: true, recurring: true, renewing: true},
	{status: Active, label: "Active", tone: ToneSuccess, access: true, recurring: true, paying: true, renewing: true},
	{status: PastDue, label: "Past due", tone: ToneDanger, access: true, recurring: true, paying: true, renewing: true, atRisk: true},
	{status: Canceling, label: "Canceling", tone: ToneWarning, access: true, recurring: true, paying: true, atRisk: true},
	{status: Completed, label: "Completed", tone: ToneSuccess, access: true},
	{status: Canceled, label: "Canceled", tone: ToneDanger, churned: true},
	{status: Expired, label: "Expired", tone: ToneDanger, churned: true},
	{status: Unresolved, label: "Unresolved", tone: ToneDanger},
	{status: Drafted, label: "Drafted", tone: ToneNeutral},
}

func statuses(keep func(rule) bool) []string {
	var out []string
	for _, r := range rules {
		if keep(r) {
			out = append(out, r.status)
		}
	}
	return out
}

// The status sets. They are derived from one table, so they cannot disagree;
// callers must not modify them.
var (
	// All is every documented status, in display order.
	All = statuses(func(rule) bool { return true })
	// Access are the statuses that grant access to the product.
	Access = statuses(func(r rule) bool { return r.access })
	// Recurring are the statuses of a subscription that is still running:
	// a person holding one is an active member.
	Recurring = statuses(func(r rule) bool { return r.recurring })
	// OneTime are the statuses of a one-time purchase that keeps access.
	OneTime = statuses(func(r rule) bool { return r.access && !r.recurring })
	// Paying are the statuses that count towards recurring revenue now.
	Paying = statuses(func(r rule) bool { return r.paying })
	// Renewing are the statuses whose renewal date means a coming charge.
	Renewing = statuses(func(r rule) bool { return r.renewing })
	// Churned are the statuses of a member who left.
	Churned = statuses(func(r rule) bool { return r.churned })
	// AtRisk are the statuses of a member who is leaving or not paying. A
	// membership in a Renewing status that is set to cancel at the period
	// end is at risk too.
	AtRisk = statuses(func(r rule) bool { return r.atRisk })
)

func find(status string) (rule, bool) {
	s := strings.ToLower(strings.TrimSpace(status))
	if s == "cancelled" { // British spelling seen in imported data
		s = Canceled
	}
	for _, r := range rules {
		if r.status == s {
			return r, true
		}
	}
	return rule{}, false
}

// Known reports whether status is one Whop documents.
func Known(status string) bool {
	_, ok := find(status)
	return ok
}

// Label is the word people read for a status: "past_due" -> "Past due". An
// unknown status is shown as Whop sent it, so nothing is hidden.
func Label(status string) string {
	if r, ok := find(status); ok {
		return r.label
	}
	return status
}

// ToneOf is the badge tone of a status; unknown statuses are neutral.
func ToneOf(status string) Tone {
	if r, ok := find(status); ok {
		return r.tone
	}
	return ToneNeutral
}

// In reports whether status belongs to set (one of the sets above).
func In(set []string, status string) bool {
	r, ok := find(status)
	if !ok {
		return false
	}
	for _, s := range set {
		if s == r.status {
			return true
		}
	}
	return false
}
