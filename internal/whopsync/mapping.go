package whopsync

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/whop"
)

// DefaultStageMapping is how membership statuses become opportunity stages
// unless a workspace chose otherwise.
var DefaultStageMapping = map[string]string{
	whop.MembershipDrafted:    "NEW",
	whop.MembershipTrialing:   "PROPOSAL",
	whop.MembershipActive:     "CUSTOMER",
	whop.MembershipCompleted:  "CUSTOMER",
	whop.MembershipPastDue:    "CUSTOMER",
	whop.MembershipCanceling:  "CUSTOMER",
	whop.MembershipUnresolved: "CUSTOMER",
	whop.MembershipCanceled:   "CHURNED",
	whop.MembershipExpired:    "CHURNED",
}

// stageFor maps a status through the workspace's mapping, then the default.
func stageFor(mapping map[string]string, status string) string {
	if s, ok := mapping[status]; ok && s != "" {
		return s
	}
	if s, ok := DefaultStageMapping[status]; ok {
		return s
	}
	return "NEW"
}

// ValidateStageMapping checks a workspace's mapping: known statuses, known
// stages.
func ValidateStageMapping(m map[string]string) error {
	for status, stage := range m {
		if _, ok := DefaultStageMapping[status]; !ok {
			return crm.Invalid("stageMapping."+status, crm.CodeInvalidEnum, "%q is not a Whop membership status", status)
		}
		known := false
		for _, s := range crm.DefaultStages {
			known = known || s == stage
		}
		if !known {
			return crm.Invalid("stageMapping."+status, crm.CodeInvalidEnum, "%q is not one of %s", stage, strings.Join(crm.DefaultStages, ", "))
		}
	}
	return nil
}

// splitName turns Whop's single name into first and last names.
func splitName(name, username string) (string, string) {
	name = strings.TrimSpace(name)
	if name == "" {
		return username, ""
	}
	first, last, _ := strings.Cut(name, " ")
	return first, strings.TrimSpace(last)
}

// memberSince is when a Whop user became a member of the company. From the
// members list it is Whop's answer and always written; from a membership it
// is an estimate that only fills an empty whopCreatedAt.
type memberSince struct {
	at       time.Time
	estimate bool
}

// personInput maps a Whop user onto a person. Whop owns the Whop fields; the
// name and email are only filled in when the person has none, so edits made
// in Roster survive later syncs.
func personInput(u whop.UserRef, existing *crm.Person, since memberSince) crm.Input {
	in := crm.Input{"whopUserId": u.ID, "whopUsername": u.Username}
	if !since.at.IsZero() && (!since.estimate || existing == nil || existing.WhopCreatedAt == nil) {
		in["whopCreatedAt"] = since.at.Format(time.RFC3339Nano)
	}
	first, last := splitName(u.Name, u.Username)
	if existing == nil || (existing.Name.FirstName == "" && existing.Name.LastName == "") {
		in["name"] = map[string]any{"firstName": first, "lastName": last}
	}
	if email := strings.ToLower(strings.TrimSpace(u.Email)); email != "" && (existing == nil || existing.Emails.PrimaryEmail == "") {
		in["emails"] = map[string]any{"primaryEmail": email}
	}
	if existing != nil {
		in["id"] = existing.ID
	}
	return in
}

// opportunityName is "<product title> - <user name or username>".
func opportunityName(productTitle string, u whop.UserRef) string {
	who := strings.TrimSpace(u.Name)
	if who == "" {
		who = u.Username
	}
	if productTitle == "" {
		productTitle = "Membership"
	}
	if who == "" {
		return productTitle
	}
	return productTitle + " - " + who
}

// planPrice is what a membership of the plan is worth per period: the
// renewal price of a renewing plan, else the initial price.
func planPrice(p *whop.Plan) (micros int64, currency string, ok bool) {
	if p == nil {
		return 0, "", false
	}
	price := p.InitialPrice
	if p.PlanType == "renewal" && p.RenewalPrice > 0 {
		price = p.RenewalPrice
	}
	m, err := whop.AmountMicros(price)
	if err != nil {
		return 0, "", false
	}
	return m, strings.ToUpper(p.Currency), true
}

// opportunityInput maps a membership onto an opportunity. The stage is set
// for new opportunities and whenever the Whop status changed; otherwise a
// stage someone moved by hand stays.
func opportunityInput(m *whop.Membership, plan *whop.Plan, productTitle, personID string, mapping map[string]string, statusChanged bool) crm.Input {
	in := crm.Input{
		"name":                  opportunityName(productTitle, m.User),
		"whopMembershipId":      m.ID,
		"whopMembershipStatus":  m.Status,
		"whopProductId":         m.Product.ID,
		"whopPlanId":            m.Plan.ID,
		"whopCancelAtPeriodEnd": m.CancelAtPeriodEnd,
		"whopManageUrl":         m.ManageURL,
		"whopRenewalDate":       nullTime(m.RenewalPeriodEnd),
	}
	if personID != "" {
		in["pointOfContactId"] = personID
	}
	if micros, cur, ok := planPrice(plan); ok {
		in["amount"] = map[string]any{"amountMicros": micros, "currencyCode": cur}
	}
	if statusChanged {
		in["stage"] = stageFor(mapping, m.Status)
	}
	return in
}

func nullTime(t whop.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// fingerprint hashes everything Roster maps from a membership, so a sweep can
// tell an unchanged membership without touching the CRM.
func fingerprint(m *whop.Membership, plan *whop.Plan, productTitle string) string {
	var price, cur string
	if micros, c, ok := planPrice(plan); ok {
		price, cur = fmt.Sprint(micros), c
	}
	b, _ := json.Marshal([]any{m.Status, m.User.ID, m.User.Name, m.User.Username, m.User.Email, m.Product.ID, productTitle,
		m.Plan.ID, price, cur, m.CancelAtPeriodEnd, m.ManageURL, nullTime(m.RenewalPeriodEnd)})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

// Payment outcomes, as shown on the timeline.
const (
	paySucceeded = "succeeded"
	payFailed    = "failed"
	payPending   = "pending"
	payRefunded  = "refunded"
)

// paymentOutcome classifies a payment from its status and substatus.
func paymentOutcome(p *whop.Payment) string {
	switch {
	case p.RefundedAmount > 0 || strings.Contains(p.Substatus, "refund") || !p.RefundedAt.IsZero():
		return payRefunded
	case p.Substatus == "succeeded" || p.Status == "paid":
		return paySucceeded
	case p.Substatus == "failed" || p.FailureMessage != "" || p.Status == "uncollectible" || p.Status == "void":
		return payFailed
	default:
		return payPending
	}
}

// paymentText is the timeline line for a payment in a given outcome.
func paymentText(p *whop.Payment, outcome string) string {
	total, _ := whop.AmountMicros(p.Total)
	amount := crm.FormatMoney(total, p.Currency)
	switch outcome {
	case paySucceeded:
		return "Payment of " + amount + " succeeded"
	case payFailed:
		if p.FailureMessage != "" {
			return "Payment of " + amount + " failed: " + p.FailureMessage
		}
		return "Payment of " + amount + " failed"
	case payRefunded:
		refunded, _ := whop.AmountMicros(p.RefundedAmount)
		if refunded > 0 && refunded < total {
			return crm.FormatMoney(refunded, p.Currency) + " of a payment of " + amount + " refunded"
		}
		return "Payment of " + amount + " refunded"
	}
	return "Payment of " + amount + " pending"
}
