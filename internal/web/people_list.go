package web

import "github.com/roster-crm/roster/internal/crm"

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
