package insights

import (
	"fmt"
	"strings"

	"github.com/roster-crm/roster/internal/whopstatus"
)

// Definition is what one dashboard figure counts, in a sentence or two for
// the person reading the dashboard. The dashboard shows these words next to
// each figure; they are the business definitions, so they live here with
// the code that computes the figures, and the status words come from
// package whopstatus.
type Definition struct {
	Label string
	Text  string
}

// Keys of the dashboard's figures in Definitions.
const (
	FigureActiveMembers  = "active-members"
	FigureOneTimeBuyers  = "one-time-buyers"
	FigureMRR            = "mrr"
	FigureNew            = "new-members"
	FigureChurned        = "churned"
	FigureFailedPayments = "failed-payments"
	FigureRenewalsDue    = "renewals-due"
	FigureAtRisk         = "at-risk"
)

// labels lists statuses as words: "Active, Trialing or Past due".
func labels(statuses []string) string {
	words := make([]string, len(statuses))
	for i, s := range statuses {
		words[i] = whopstatus.Label(s)
	}
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

// Definitions are the dashboard's figures and what each counts.
var Definitions = map[string]Definition{
	FigureActiveMembers: {Label: "Active members", Text: fmt.Sprintf(
		"People with at least one recurring Whop membership that is %s. A person with several memberships counts once; one-time purchases are not included.",
		labels(whopstatus.Recurring))},
	FigureOneTimeBuyers: {Label: "One-time buyers", Text: fmt.Sprintf(
		"People who hold a one-time purchase that keeps access (%s, or any purchase of a one-time plan) and no active recurring membership.",
		labels(whopstatus.OneTime))},
	FigureMRR: {Label: "MRR", Text: fmt.Sprintf(
		"Monthly recurring revenue per currency: the price of every %s membership on a renewal plan, as a monthly amount (a yearly price counts 1/12). Trials and one-time purchases are not included. Compared with %d days ago.",
		labels(whopstatus.Paying), lookBackDays)},
	FigureNew: {Label: fmt.Sprintf("New memberships, last %d days", lookBackDays), Text: fmt.Sprintf(
		"Memberships from Whop that started in the last %d days (first synced then, with no payment before).", lookBackDays)},
	FigureChurned: {Label: fmt.Sprintf("Churned memberships, last %d days", lookBackDays), Text: fmt.Sprintf(
		"Memberships whose status changed to %s in the last %d days.", labels(whopstatus.Churned), lookBackDays)},
	FigureFailedPayments: {Label: fmt.Sprintf("Failed payments, last %d days", lookBackDays), Text: fmt.Sprintf(
		"Whop payments that failed and were not refunded, last updated in the last %d days.", lookBackDays)},
	FigureRenewalsDue: {Label: fmt.Sprintf("Renewals due, next %d days", lookAheadDays), Text: fmt.Sprintf(
		"Memberships that renew in the next %d days: %s and not set to cancel at the end of the period.", lookAheadDays, labels(whopstatus.Renewing))},
	FigureAtRisk: {Label: "At risk", Text: fmt.Sprintf(
		"Memberships that are %s, or %s but set to cancel at the end of the period.", labels(whopstatus.AtRisk), labels(whopstatus.Renewing))},
}
