package web

import (
	"strings"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/whopstatus"
	"github.com/roster-crm/roster/internal/whopsync"
)

// recordSummary is the "at a glance" card of a synced person, in words.
type recordSummary struct {
	Facts []recordFact
}

// recordFact is one term and its value; ISO is set when the value is a
// moment (rendered as <time>).
type recordFact struct {
	Term, Value, ISO, Class string
}

// newRecordSummary words the service's summary. Money is written per
// currency; a person who paid in two currencies gets two amounts.
func newRecordSummary(s *whopsync.MemberSummary) *recordSummary {
	out := &recordSummary{}
	add := func(term, value string) { out.Facts = append(out.Facts, recordFact{Term: term, Value: value}) }
	none := "—"
	if c := s.Current; c != nil {
		plan := s.Plan
		if plan == "" {
			plan = c.Name
		}
		if s.Interval != "" {
			plan += " · " + s.Interval
		}
		add("Current plan", plan)
		out.Facts = append(out.Facts, recordFact{Term: "Status", Value: whopstatus.Label(c.WhopMembershipStatus), Class: statusBadgeClass(c.WhopMembershipStatus)})
	} else {
		add("Current plan", none)
	}
	if s.MemberSince != nil {
		out.Facts = append(out.Facts, recordFact{Term: "Member since", Value: s.MemberSince.UTC().Format("2 Jan 2006"), ISO: formatISO(*s.MemberSince)})
	} else {
		add("Member since", none)
	}
	switch {
	case s.NextCharge != nil:
		v := s.NextCharge.At.UTC().Format("2 Jan 2006")
		if a := s.NextCharge.Amount; a.AmountMicros != nil {
			v = crm.FormatMoney(*a.AmountMicros, a.CurrencyCode) + " on " + v
		}
		out.Facts = append(out.Facts, recordFact{Term: "Next charge", Value: v, ISO: formatISO(s.NextCharge.At)})
	case s.EndsAt != nil:
		out.Facts = append(out.Facts, recordFact{Term: "Next charge", Value: "None: the membership ends on " + s.EndsAt.UTC().Format("2 Jan 2006"), ISO: formatISO(*s.EndsAt)})
	default:
		add("Next charge", "None scheduled")
	}
	money := func(pick func(whopsync.Totals) int64) string {
		if len(s.Totals) == 0 {
			return crm.FormatMoney(0, "USD")
		}
		parts := make([]string, len(s.Totals))
		for i, t := range s.Totals {
			parts[i] = crm.FormatMoney(pick(t), strings.ToUpper(t.Currency))
		}
		return strings.Join(parts, ", ")
	}
	add("Total paid", money(func(t whopsync.Totals) int64 { return t.Paid }))
	add("Refunds", money(func(t whopsync.Totals) int64 { return t.Refunded }))
	add("Lifetime value", money(func(t whopsync.Totals) int64 { return t.LifetimeValue }))
	return out
}
