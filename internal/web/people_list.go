package web

import (
	"strconv"

	"github.com/roster-crm/roster/internal/crm"
)

// peopleTable is the People page: contacts with their company and, for
// people synced from Whop, a Whop badge.
var peopleTable = &tableSpec{
	obj: crm.PersonObject, path: "/people", title: "People", one: "person", many: "people",
	defaultSort: "createdAt", whop: whopPerson,
	columns: []column{
		{key: "name", label: "Name", sort: "name.firstName", def: true, value: func(r crm.Record, _ *lookups) cell {
			p := r.(*crm.Person)
			return cell{Text: personLabel(p), Href: "/people/" + p.ID}
		}},
		{key: "email", label: "Email", sort: "emails.primaryEmail", def: true, value: func(r crm.Record, _ *lookups) cell {
			return textCell(r.(*crm.Person).Emails.PrimaryEmail)
		}},
		{key: "company", label: "Company", def: true, value: func(r crm.Record, l *lookups) cell {
			name, href := l.companyName(r.(*crm.Person).CompanyID)
			return cell{Text: name, Href: href}
		}},
		{key: "city", label: "City", sort: "city", def: true, value: func(r crm.Record, _ *lookups) cell {
			return textCell(r.(*crm.Person).City)
		}},
		{key: "jobTitle", label: "Job title", sort: "jobTitle", value: func(r crm.Record, _ *lookups) cell {
			return textCell(r.(*crm.Person).JobTitle)
		}},
		{key: "phone", label: "Phone", sort: "phones.primaryPhoneNumber", value: func(r crm.Record, _ *lookups) cell {
			return textCell(r.(*crm.Person).Phones.PrimaryPhoneNumber)
		}},
		{key: "whop", label: "Whop", sort: "whopUsername", def: true, value: func(r crm.Record, _ *lookups) cell {
			p := r.(*crm.Person)
			if p.WhopUserID == nil {
				return cell{}
			}
			return cell{Badge: "Whop", Class: "badge-whop", Text: p.WhopUsername}
		}},
		{key: "whopCreatedAt", label: "Whop member since", sort: "whopCreatedAt", value: func(r crm.Record, _ *lookups) cell {
			return dateCell(r.(*crm.Person).WhopCreatedAt)
		}},
		{key: "createdAt", label: "Created", sort: "createdAt", def: true, value: func(r crm.Record, _ *lookups) cell {
			return dateCell(&r.Meta().CreatedAt)
		}},
		{key: "updatedAt", label: "Updated", sort: "updatedAt", value: func(r crm.Record, _ *lookups) cell {
			return dateCell(&r.Meta().UpdatedAt)
		}},
	},
}

// companiesTable is the Companies page.
var companiesTable = &tableSpec{
	obj: crm.CompanyObject, path: "/companies", title: "Companies", one: "company", many: "companies",
	defaultSort: "createdAt", whop: whopNone,
	columns: []column{
		{key: "name", label: "Name", sort: "name", def: true, value: func(r crm.Record, _ *lookups) cell {
			c := r.(*crm.Company)
			name := c.Name
			if name == "" {
				name = "Unnamed company"
			}
			return cell{Text: name, Href: "/companies/" + c.ID}
		}},
		{key: "domain", label: "Domain", sort: "domainName.primaryLinkUrl", def: true, value: func(r crm.Record, _ *lookups) cell {
			return textCell(r.(*crm.Company).DomainName.PrimaryLinkURL)
		}},
		{key: "employees", label: "Employees", sort: "employees", num: true, def: true, value: func(r crm.Record, _ *lookups) cell {
			if n := r.(*crm.Company).Employees; n != nil {
				return textCell(strconv.FormatInt(*n, 10))
			}
			return cell{}
		}},
		{key: "city", label: "City", sort: "address.addressCity", def: true, value: func(r crm.Record, _ *lookups) cell {
			return textCell(r.(*crm.Company).Address.AddressCity)
		}},
		{key: "country", label: "Country", sort: "address.addressCountry", value: func(r crm.Record, _ *lookups) cell {
			return textCell(r.(*crm.Company).Address.AddressCountry)
		}},
		{key: "arr", label: "ARR", sort: "annualRecurringRevenue.amountMicros", num: true, def: true, value: func(r crm.Record, _ *lookups) cell {
			return moneyCell(r.(*crm.Company).AnnualRecurringRevenue)
		}},
		{key: "icp", label: "Ideal customer", sort: "idealCustomerProfile", value: func(r crm.Record, _ *lookups) cell {
			return yesNo(r.(*crm.Company).IdealCustomerProfile)
		}},
		{key: "createdAt", label: "Created", sort: "createdAt", def: true, value: func(r crm.Record, _ *lookups) cell {
			return dateCell(&r.Meta().CreatedAt)
		}},
		{key: "updatedAt", label: "Updated", sort: "updatedAt", value: func(r crm.Record, _ *lookups) cell {
			return dateCell(&r.Meta().UpdatedAt)
		}},
	},
}

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
	class := "badge-whop"
	switch s {
	case "active", "trialing", "completed":
		class = "badge-success"
	case "past_due", "canceled", "expired", "unresolved":
		class = "badge-danger"
	}
	return cell{Badge: titleCase(s), Class: class}
}

// titleCase is the "title" template function for Go code: ACTIVE -> Active.
func titleCase(s string) string { return funcs["title"].(func(string) string)(s) }
