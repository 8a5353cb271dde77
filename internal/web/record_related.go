package web

import (
	"context"
	"net/url"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/whopstatus"
)

// relatedList is a short list of records tied to the page's record (a
// company's people, a person's opportunities), with a link to the full
// filtered table when there are more.
type relatedList struct {
	ID, Title string
	Items     []relatedItem
	MoreHref  string
	Empty     string
}

type relatedItem struct {
	Name, Href, Meta string
	Whop             bool
	Status           string
	StatusClass      string
}

// relatedLimit is how many related records a record page lists.
const relatedLimit = 25

// loadRelated fills the page's related lists.
func (u *UI) loadRelated(ctx context.Context, ws string, rec crm.Record, v *recordView) error {
	type spec struct {
		id, title, empty string
		o                *crm.Object
		field            string
	}
	var specs []spec
	switch rec.(type) {
	case *crm.Person:
		specs = []spec{{"opportunities", "Opportunities", "No opportunities have this person as their point of contact.", crm.OpportunityObject, "pointOfContactId"}}
	case *crm.Company:
		specs = []spec{
			{"people", "People", "Nobody works at this company yet.", crm.PersonObject, "companyId"},
			{"opportunities", "Opportunities", "This company has no opportunities.", crm.OpportunityObject, "companyId"},
		}
	}
	for _, s := range specs {
		recs, err := u.recordsBy(ctx, ws, s.o, s.field, v.ID, relatedLimit+1)
		if err != nil {
			return err
		}
		l := relatedList{ID: "related-" + s.id, Title: s.title, Empty: s.empty}
		if len(recs) > relatedLimit {
			recs = recs[:relatedLimit]
			l.MoreHref = kindOf(s.o).base + "?" + url.Values{"f": {s.field}, "o": {"eq"}, "v": {v.ID}}.Encode()
		}
		for _, r := range recs {
			l.Items = append(l.Items, relatedItemOf(r))
		}
		v.Related = append(v.Related, l)
	}
	return nil
}

func relatedItemOf(r crm.Record) relatedItem {
	it := relatedItem{Name: recordName(r), Href: kindOf(recordObject(r)).href(r.Meta().ID)}
	switch x := r.(type) {
	case *crm.Person:
		it.Meta = x.JobTitle
		if it.Meta == "" {
			it.Meta = x.Emails.PrimaryEmail
		}
		it.Whop = x.WhopUserID != nil
	case *crm.Opportunity:
		it.Meta = x.Stage
		if x.Amount.AmountMicros != nil {
			it.Meta += " · " + formatMoney(*x.Amount.AmountMicros, x.Amount.CurrencyCode)
		}
		it.Whop = x.WhopMembershipID != nil
		it.Status, it.StatusClass = whopstatus.Label(x.WhopMembershipStatus), statusBadgeClass(x.WhopMembershipStatus)
	}
	return it
}

// recordsBy lists up to n live records whose reference field points at id,
// most recently updated first.
func (u *UI) recordsBy(ctx context.Context, ws string, o *crm.Object, field, id string, n int) ([]crm.Record, error) {
	schema, err := u.cfg.Records.Schema(ctx, ws, o)
	if err != nil {
		return nil, err
	}
	c, err := schema.Condition(field, "eq", id, true)
	if err != nil {
		return nil, err
	}
	ord, err := schema.OrderBy("updatedAt", string(crm.DescNullsLast))
	if err != nil {
		return nil, err
	}
	page, err := u.cfg.Records.List(ctx, ws, schema, crm.ListParams{Filter: &crm.Filter{Conds: []crm.Cond{c}}, OrderBy: []crm.Order{ord}, First: n})
	if err != nil {
		return nil, err
	}
	return page.Records, nil
}
