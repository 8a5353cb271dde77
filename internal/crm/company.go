package crm

// Company is an organisation people belong to.
type Company struct {
	RecordMeta
	Name                   string   `json:"name"`
	DomainName             Links    `json:"domainName"`
	Employees              *int64   `json:"employees"`
	LinkedinLink           Links    `json:"linkedinLink"`
	Address                Address  `json:"address"`
	AnnualRecurringRevenue Currency `json:"annualRecurringRevenue"`
	IdealCustomerProfile   bool     `json:"idealCustomerProfile"`
	AccountOwnerID         *string  `json:"accountOwnerId"`
	// DomainKey is the normalised host of DomainName, used for uniqueness and
	// upserts; it is derived, never set by clients.
	DomainKey string `json:"-"`
}

// CompanyObject describes companies.
var CompanyObject = newObject(&Object{
	Name: ObjectCompany, Plural: "companies", Label: "Company", Table: "companies", Custom: true,
	New:        func() Record { return &Company{} },
	Searchable: []string{"name", "domainName.primaryLinkUrl"},
	Fields: []*Field{
		field("name", "name", KindText, func(c *Company) any { return &c.Name }),
		field("domainName.primaryLinkUrl", "domain_name_primary_link_url", KindText, func(c *Company) any { return &c.DomainName.PrimaryLinkURL }),
		field("domainName.primaryLinkLabel", "domain_name_primary_link_label", KindText, func(c *Company) any { return &c.DomainName.PrimaryLinkLabel }),
		field("domainName.secondaryLinks", "domain_name_secondary_links", KindJSON, func(c *Company) any { return &c.DomainName.SecondaryLinks }).nullable(),
		field("domainKey", "domain_key", KindText, func(c *Company) any { return &c.DomainKey }).hidden(),
		field("employees", "employees", KindInt, func(c *Company) any { return &c.Employees }).nullable(),
		field("linkedinLink.primaryLinkUrl", "linkedin_link_primary_link_url", KindText, func(c *Company) any { return &c.LinkedinLink.PrimaryLinkURL }),
		field("linkedinLink.primaryLinkLabel", "linkedin_link_primary_link_label", KindText, func(c *Company) any { return &c.LinkedinLink.PrimaryLinkLabel }),
		field("linkedinLink.secondaryLinks", "linkedin_link_secondary_links", KindJSON, func(c *Company) any { return &c.LinkedinLink.SecondaryLinks }).nullable(),
		field("address.addressStreet1", "address_street1", KindText, func(c *Company) any { return &c.Address.AddressStreet1 }),
		field("address.addressStreet2", "address_street2", KindText, func(c *Company) any { return &c.Address.AddressStreet2 }),
		field("address.addressCity", "address_city", KindText, func(c *Company) any { return &c.Address.AddressCity }),
		field("address.addressPostcode", "address_postcode", KindText, func(c *Company) any { return &c.Address.AddressPostcode }),
		field("address.addressState", "address_state", KindText, func(c *Company) any { return &c.Address.AddressState }),
		field("address.addressCountry", "address_country", KindText, func(c *Company) any { return &c.Address.AddressCountry }),
		field("address.addressLat", "address_lat", KindFloat, func(c *Company) any { return &c.Address.AddressLat }).nullable(),
		field("address.addressLng", "address_lng", KindFloat, func(c *Company) any { return &c.Address.AddressLng }).nullable(),
		field("annualRecurringRevenue.amountMicros", "annual_recurring_revenue_amount_micros", KindInt, func(c *Company) any { return &c.AnnualRecurringRevenue.AmountMicros }).nullable(),
		field("annualRecurringRevenue.currencyCode", "annual_recurring_revenue_currency_code", KindText, func(c *Company) any { return &c.AnnualRecurringRevenue.CurrencyCode }).currency(),
		field("idealCustomerProfile", "ideal_customer_profile", KindBool, func(c *Company) any { return &c.IdealCustomerProfile }),
		field("accountOwnerId", "account_owner_id", KindNullText, func(c *Company) any { return &c.AccountOwnerID }).nullable(),
	},
})
