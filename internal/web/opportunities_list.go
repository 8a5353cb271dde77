package web

import (
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/whopstatus"
)

// opportunitiesTable is the Opportunities page: deals and, for a Whop
// business, memberships with their status and renewal.
var opportunitiesTable = &tableSpec{
	obj: crm.OpportunityObject, path: "/opportunities", title: "Opportunities", one: "opportunity", many: "opportunities",
	defaultSort: "createdAt", whop: whopOpportunity,
	columns: []column{
		{key: "name", label: "Name", sort: "name", def: true, value: func(r crm.Record, _ *lookups) cell {
			o := r.(*crm.Opportunity)
			name := o.Name
			if name == "" {
				name = "Unnamed opportunity"
			}
			return cell{Text: name, Href: "/opportunities/" + o.ID}
		}},
		{key: "amount", label: "Amount", sort: "amount.amountMicros", num: true, def: true, value: func(r crm.Record, _ *lookups) cell {
			return moneyCell(r.(*crm.Opportunity).Amount)
		}},
		{key: "stage", label: "Stage", sort: "stage", def: true, value: func(r crm.Record, _ *lookups) cell {
			return textCell(titleCase(r.(*crm.Opportunity).Stage))
		}},
		{key: "status", label: "Membership status", sort: "whopMembershipStatus", def: true, value: func(r crm.Record, _ *lookups) cell {
			return statusCell(r.(*crm.Opportunity))
		}},
		{key: "contact", label: "Point of contact", def: true, value: func(r crm.Record, l *lookups) cell {
			name, href := l.personName(r.(*crm.Opportunity).PointOfContactID)
			return cell{Text: name, Href: href}
		}},
		{key: "company", label: "Company", value: func(r crm.Record, l *lookups) cell {
			name, href := l.companyName(r.(*crm.Opportunity).CompanyID)
			return cell{Text: name, Href: href}
		}},
		{key: "product", label: "Product", sort: "whopProductId", value: func(r crm.Record, l *lookups) cell {
			id := r.(*crm.Opportunity).WhopProductID
			if t := l.products[id]; t != "" {
				return textCell(t)
			}
			return textCell(id)
		}},
		{key: "renewal", label: "Renews", sort: "whopRenewalDate", def: true, value: func(r crm.Record, _ *lookups) cell {
			return dateCell(r.(*crm.Opportunity).WhopRenewalDate)
		}},
		{key: "cancel", label: "Cancels at period end", sort: "whopCancelAtPeriodEnd", value: func(r crm.Record, _ *lookups) cell {
			o := r.(*crm.Opportunity)
			if o.WhopMembershipID == nil {
				return cell{}
			}
			return yesNo(o.WhopCancelAtPeriodEnd)
		}},
		{key: "closeDate", label: "Close date", sort: "closeDate", value: func(r crm.Record, _ *lookups) cell {
			return dateCell(r.(*crm.Opportunity).CloseDate)
		}},
		{key: "createdAt", label: "Created", sort: "createdAt", def: true, value: func(r crm.Record, _ *lookups) cell {
			return dateCell(&r.Meta().CreatedAt)
		}},
	},
}

// statusCell shows a membership status as a badge whose colour repeats
// what the word says (never colour alone).
func statusCell(o *crm.Opportunity) cell {
	s := o.WhopMembershipStatus
	if s == "" {
		return cell{}
	}
	return cell{Badge: whopstatus.Label(s), Class: statusBadgeClass(s)}
}

// titleCase is the "title" template function for Go code: ACTIVE -> Active.
func titleCase(s string) string { return funcs["title"].(func(string) string)(s) }
