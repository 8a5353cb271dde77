package web

import (
	"strings"
	"time"

	"github.com/roster-crm/roster/internal/insights"
	"github.com/roster-crm/roster/internal/whopstatus"
)

// Links to other areas' pages, kept in one place so a change of route is a
// one-line change here.
const (
	integrationsURL    = "/settings/integrations"
	whopIntegrationURL = "/settings/integrations/whop"
	newPersonURL       = "/people/new"
	newCompanyURL      = "/companies/new"
)

// homeRecordURL is the page of a record of the given object ("person"...),
// or "" when it has none.
func homeRecordURL(object, id string) string {
	switch object {
	case "person":
		return "/people/" + id
	case "company":
		return "/companies/" + id
	case "opportunity":
		return "/opportunities/" + id
	}
	return "" // notes and tasks have no page of their own

}

// dashboardView is the dashboard's template data: the figures, with money
// already rendered (the change says up or down in words, not only colour).
type dashboardView struct {
	*insights.Dashboard
	MRR    []mrrView
	AtRisk []atRiskView
	Recent []recentView
	// Links to other areas.
	IntegrationsURL, NewPersonURL string
}

type mrrView struct {
	Currency, Amount, Then, Change string
	Direction                      string // "up", "down" or "flat"
	Members                        int
}

type atRiskView struct {
	URL, Name, Status, Amount string
	Tag                       string // why it is at risk, in words
	CancelAtPeriodEnd         bool
	RenewalDate               *time.Time
}

type recentView struct {
	URL, RecordName, What, Actor string
	At                           time.Time
}

func newDashboardView(d *insights.Dashboard) *dashboardView {
	v := &dashboardView{Dashboard: d, IntegrationsURL: integrationsURL, NewPersonURL: newPersonURL}
	for _, m := range d.MRR {
		mv := mrrView{Currency: m.Currency, Amount: formatMoney(m.Micros, m.Currency), Then: formatMoney(m.ThenMicros, m.Currency), Members: m.Members}
		switch {
		case m.ChangeMicros > 0:
			mv.Direction, mv.Change = "up", formatMoney(m.ChangeMicros, m.Currency)
		case m.ChangeMicros < 0:
			mv.Direction, mv.Change = "down", formatMoney(-m.ChangeMicros, m.Currency)
		default:
			mv.Direction, mv.Change = "flat", "no change"
		}
		v.MRR = append(v.MRR, mv)
	}
	for _, a := range d.AtRisk {
		av := atRiskView{URL: homeRecordURL("opportunity", a.OpportunityID), Name: a.Name, Status: a.Status,
			CancelAtPeriodEnd: a.CancelAtPeriodEnd, RenewalDate: a.RenewalDate, Tag: whopstatus.Label(a.Status)}
		if a.CancelAtPeriodEnd && a.Status != whopstatus.PastDue {
			av.Tag = "Cancels at period end"
		}
		if a.Name == "" {
			av.Name = "Untitled membership"
		}
		if a.AmountMicros != nil {
			av.Amount = formatMoney(*a.AmountMicros, a.Currency)
		}
		v.AtRisk = append(v.AtRisk, av)
	}
	for _, a := range d.Recent {
		rv := recentView{URL: homeRecordURL(a.RecordObject, a.RecordID), RecordName: a.RecordName, Actor: a.ActorName, At: a.HappensAt, What: activityText(a)}
		if rv.RecordName == "" {
			rv.RecordName = "Untitled " + a.RecordObject
		}
		v.Recent = append(v.Recent, rv)
	}
	return v
}

// activityText says what happened in a few words: the integration's own
// line when it wrote one ("Payment of $25.00 failed"), else the kind.
func activityText(a *insights.RecentActivity) string {
	if a.Text != "" {
		return a.Text
	}
	_, kind, _ := strings.Cut(a.Name, ".")
	switch kind {
	case "created", "updated", "deleted", "restored":
		return kind
	}
	return strings.ReplaceAll(a.Name, ".", " ")
}
