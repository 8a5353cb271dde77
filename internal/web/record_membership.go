package web

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/whopstatus"
)

// recordMembershipEvent is one line of the membership timeline.
type recordMembershipEvent struct {
	At    time.Time
	Kind  string // "status", "renewal" or "payment"
	Text  string
	Class string // badge class for payments and statuses
	Label string // short badge text: "Paid", "Refund", "Status"...
	// payment is the Whop payment ID of a payment line, so a refund can be
	// kept after the payment it returns.
	payment string
}

// membershipScan bounds how much history one page reads to build the
// membership timeline: enough for years of monthly renewals.
const (
	recordMembershipPages = 5
	recordMembershipOpps  = 10
)

// loadMembership builds the membership timeline of a synced opportunity
// or person, newest first like the activity timeline: status changes and
// renewal dates from the opportunity's update activities, payments and
// refunds from the payment activities the Whop sync records. Only what
// happened is a line: the coming renewal is the summary's "Next charge".
func (u *UI) loadMembership(ctx context.Context, ws string, rec crm.Record, v *recordView) error {
	var opps []*crm.Opportunity
	var personID string
	switch x := rec.(type) {
	case *crm.Opportunity:
		if x.WhopMembershipID == nil {
			return nil
		}
		opps = append(opps, x)
	case *crm.Person:
		if x.WhopUserID == nil {
			return nil
		}
		personID = x.ID
		list, err := u.recordsBy(ctx, ws, crm.OpportunityObject, "pointOfContactId", x.ID, recordMembershipOpps)
		if err != nil {
			return err
		}
		for _, r := range list {
			if o := r.(*crm.Opportunity); o.WhopMembershipID != nil {
				opps = append(opps, o)
			}
		}
	default:
		return nil
	}
	v.ShowMembership = true
	seen := map[string]bool{}
	var events []recordMembershipEvent
	add := func(acts []*crm.TimelineActivity, opp *crm.Opportunity, multi bool) {
		for _, a := range acts {
			if seen[a.ID] {
				continue
			}
			seen[a.ID] = true
			events = append(events, recordMembershipEvents(a, opp, multi)...)
		}
	}
	for _, o := range opps {
		acts, err := u.scanTimeline(ctx, ws, crm.OpportunityObject, o.ID)
		if err != nil {
			return err
		}
		add(acts, o, len(opps) > 1)
	}
	if personID != "" {
		acts, err := u.scanTimeline(ctx, ws, crm.PersonObject, personID)
		if err != nil {
			return err
		}
		add(acts, nil, false)
	}
	if p, ok := rec.(*crm.Person); ok && u.cfg.Whop != nil {
		sum, err := u.cfg.Whop.MemberSummary(ctx, ws, p, opps)
		if err != nil {
			return err
		}
		v.Summary = newRecordSummary(sum)
	}
	if len(events) == 0 {
		// Nothing happened since the first sync: say when it was synced and
		// in what state, so the timeline is never blank for a member.
		for _, o := range opps {
			prefix := ""
			if len(opps) > 1 {
				prefix = o.Name + ": "
			}
			events = append(events, recordMembershipEvent{At: o.CreatedAt, Kind: "status", Label: "Synced", Class: statusBadgeClass(o.WhopMembershipStatus),
				Text: prefix + "Synced from Whop with status " + whopstatus.Label(o.WhopMembershipStatus)})
		}
	}
	v.Membership = newestFirst(events)
	return nil
}

// newestFirst orders membership lines newest first and keeps a refund after
// the payment it returns: a refund line is never older than its payment's,
// and at the same instant it is the newer of the two. (Only recorded events
// are lines; the coming renewal is the summary's Next charge.)
func newestFirst(events []recordMembershipEvent) []recordMembershipEvent {
	paid := map[string]time.Time{}
	for _, e := range events {
		if e.payment != "" && e.Label == "Paid" {
			paid[e.payment] = e.At
		}
	}
	out := events[:0]
	for _, e := range events {
		if at, ok := paid[e.payment]; ok && e.Label == "Refund" && e.At.Before(at) {
			e.At = at
		}
		out = append(out, e)
	}
	rank := func(e recordMembershipEvent) int {
		if e.Label == "Refund" {
			return 0 // newer than anything at its instant
		}
		return 1
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].At.Equal(out[j].At) {
			return out[i].At.After(out[j].At)
		}
		return rank(out[i]) < rank(out[j])
	})
	return out
}

// scanTimeline reads up to recordMembershipPages pages of a record's timeline.
func (u *UI) scanTimeline(ctx context.Context, ws string, o *crm.Object, id string) ([]*crm.TimelineActivity, error) {
	var out []*crm.TimelineActivity
	before := ""
	for range recordMembershipPages {
		acts, err := u.cfg.Records.Timeline(ctx, ws, o, id, before, crm.MaxPageSize)
		if err != nil {
			return nil, err
		}
		out = append(out, acts...)
		if len(acts) < crm.MaxPageSize {
			break
		}
		before = acts[len(acts)-1].ID
	}
	return out, nil
}

// recordMembershipEvents extracts the membership lines of one activity. multi
// prefixes lines with the opportunity's name (a person with several
// memberships).
func recordMembershipEvents(a *crm.TimelineActivity, opp *crm.Opportunity, multi bool) []recordMembershipEvent {
	prefix := ""
	if multi && opp != nil {
		prefix = opp.Name + ": "
	}
	if outcome, ok := strings.CutPrefix(a.Name, "payment."); ok {
		text, _ := a.Properties["text"].(string)
		if text == "" {
			text = "Payment " + outcome
		}
		payID, _ := a.Properties["whopPaymentId"].(string)
		e := recordMembershipEvent{At: a.HappensAt, Kind: "payment", Text: text, payment: payID}
		switch outcome {
		case "succeeded":
			e.Label, e.Class = "Paid", "badge-success"
		case "failed":
			e.Label, e.Class = "Failed", "badge-danger"
		case "refunded":
			e.Label = "Refund"
		default:
			e.Label = recordCapitalize(outcome)
		}
		return []recordMembershipEvent{e}
	}
	if opp == nil || a.RecordObject != crm.ObjectOpportunity || a.RecordID != opp.ID {
		return nil
	}
	var out []recordMembershipEvent
	diff := activityDiff(a)
	if c, ok := diff["whopMembershipStatus"]; ok {
		before, _ := c["before"].(string)
		after, _ := c["after"].(string)
		e := recordMembershipEvent{At: a.HappensAt, Kind: "status", Label: "Status", Class: statusBadgeClass(after)}
		if before == "" {
			e.Text = prefix + "Membership status set to " + whopstatus.Label(after)
		} else {
			e.Text = prefix + "Membership status changed from " + whopstatus.Label(before) + " to " + whopstatus.Label(after)
		}
		out = append(out, e)
	}
	if c, ok := diff["whopRenewalDate"]; ok {
		after, _ := c["after"].(string)
		before, _ := c["before"].(string)
		if t, err := time.Parse(time.RFC3339Nano, after); err == nil {
			e := recordMembershipEvent{At: a.HappensAt, Kind: "renewal", Label: "Renewal", Text: prefix + "Renews on " + t.UTC().Format("2 Jan 2006")}
			if before != "" {
				e.Text = prefix + "Renewed: next renewal on " + t.UTC().Format("2 Jan 2006")
			}
			out = append(out, e)
		}
	}
	return out
}

// recordCapitalize capitalises a lower-case word.
func recordCapitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
