package crm

import "time"

// Person is a contact: in a Whop business, usually a customer.
type Person struct {
	RecordMeta
	Name          FullName   `json:"name"`
	Emails        Emails     `json:"emails"`
	Phones        Phones     `json:"phones"`
	JobTitle      string     `json:"jobTitle"`
	City          string     `json:"city"`
	AvatarURL     string     `json:"avatarUrl"`
	LinkedinLink  Links      `json:"linkedinLink"`
	CompanyID     *string    `json:"companyId"`
	WhopUserID    *string    `json:"whopUserId"`
	WhopUsername  string     `json:"whopUsername"`
	WhopCreatedAt *time.Time `json:"whopCreatedAt"`
}

// PersonObject describes people.
var PersonObject = newObject(&Object{
	Name: ObjectPerson, Plural: "people", Label: "Person", Table: "people", Custom: true,
	New:        func() Record { return &Person{} },
	Searchable: []string{"name.firstName", "name.lastName", "emails.primaryEmail", "whopUsername", "whopUserId"},
	Relations:  []*Relation{WhopMembership},
	Fields: []*Field{
		field("name.firstName", "name_first_name", KindText, func(p *Person) any { return &p.Name.FirstName }),
		field("name.lastName", "name_last_name", KindText, func(p *Person) any { return &p.Name.LastName }),
		field("emails.primaryEmail", "emails_primary_email", KindEmail, func(p *Person) any { return &p.Emails.PrimaryEmail }),
		field("emails.additionalEmails", "emails_additional_emails", KindStringList, func(p *Person) any { return &p.Emails.AdditionalEmails }).nullable(),
		field("phones.primaryPhoneNumber", "phones_primary_phone_number", KindText, func(p *Person) any { return &p.Phones.PrimaryPhoneNumber }),
		field("phones.primaryPhoneCountryCode", "phones_primary_phone_country_code", KindText, func(p *Person) any { return &p.Phones.PrimaryPhoneCountryCode }),
		field("phones.primaryPhoneCallingCode", "phones_primary_phone_calling_code", KindText, func(p *Person) any { return &p.Phones.PrimaryPhoneCallingCode }),
		field("phones.additionalPhones", "phones_additional_phones", KindJSON, func(p *Person) any { return &p.Phones.AdditionalPhones }).nullable(),
		field("jobTitle", "job_title", KindText, func(p *Person) any { return &p.JobTitle }),
		field("city", "city", KindText, func(p *Person) any { return &p.City }),
		field("avatarUrl", "avatar_url", KindText, func(p *Person) any { return &p.AvatarURL }),
		field("linkedinLink.primaryLinkUrl", "linkedin_link_primary_link_url", KindText, func(p *Person) any { return &p.LinkedinLink.PrimaryLinkURL }),
		field("linkedinLink.primaryLinkLabel", "linkedin_link_primary_link_label", KindText, func(p *Person) any { return &p.LinkedinLink.PrimaryLinkLabel }),
		field("linkedinLink.secondaryLinks", "linkedin_link_secondary_links", KindJSON, func(p *Person) any { return &p.LinkedinLink.SecondaryLinks }).nullable(),
		field("companyId", "company_id", KindUUID, func(p *Person) any { return &p.CompanyID }).ref(ObjectCompany),
		field("whopUserId", "whop_user_id", KindNullText, func(p *Person) any { return &p.WhopUserID }).nullable(),
		field("whopUsername", "whop_username", KindText, func(p *Person) any { return &p.WhopUsername }),
		field("whopCreatedAt", "whop_created_at", KindDateTime, func(p *Person) any { return &p.WhopCreatedAt }).nullable(),
	},
})
