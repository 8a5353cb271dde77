package web

import (
	"strconv"

	"github.com/roster-crm/roster/internal/crm"
)

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
