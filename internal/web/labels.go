package web

import (
	"strings"
	"unicode"
)

// fieldLabels name the fields whose API paths do not read well; the record
// form, the timeline and the filter form all read them here, so a field has
// one name across the UI. Other fields get words made from their path.
var fieldLabels = map[string]string{
	"name": "Name", "name.firstName": "First name", "name.lastName": "Last name",
	"emails": "Emails", "emails.primaryEmail": "Primary email", "emails.additionalEmails": "Other emails (comma-separated)",
	"phones": "Phone", "phones.primaryPhoneNumber": "Phone number", "phones.primaryPhoneCountryCode": "Country code (e.g. US)", "phones.primaryPhoneCallingCode": "Calling code (e.g. +1)",
	"linkedinLink": "LinkedIn", "linkedinLink.primaryLinkUrl": "LinkedIn URL", "linkedinLink.primaryLinkLabel": "LinkedIn label",
	"domainName": "Domain", "domainName.primaryLinkUrl": "Domain URL", "domainName.primaryLinkLabel": "Domain label",
	"address": "Address", "address.addressStreet1": "Street", "address.addressStreet2": "Street (line 2)", "address.addressCity": "City",
	"address.addressPostcode": "Postcode", "address.addressState": "State", "address.addressCountry": "Country",
	"address.addressLat": "Latitude", "address.addressLng": "Longitude",
	"companyId": "Company", "pointOfContactId": "Point of contact", "accountOwnerId": "Account owner ID",
	"avatarUrl": "Avatar URL", "jobTitle": "Job title", "annualRecurringRevenue": "Annual recurring revenue",
	"amount.amountMicros": "Amount (micros)", "annualRecurringRevenue.amountMicros": "ARR (micros)",
	"whopUserId": "Whop user ID", "whopManageUrl": "Whop manage URL", "whopMembershipId": "Whop membership ID",
	"whopProductId": "Whop product ID", "whopPlanId": "Whop plan ID", "closeDate": "Close date",
	"createdAt": "Created", "updatedAt": "Updated",
}

// fieldWords names a field inside its own group (form inputs, timeline
// diffs): "whopRenewalDate" -> "Whop renewal date", "address.addressCity" -> "City".
func fieldWords(path string) string {
	if l, ok := fieldLabels[path]; ok {
		return l
	}
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		path = path[i+1:]
	}
	return humanize(path)
}

// fieldLabel names a field standing alone (the filter's field list), so a
// sub-field says its group: "address.addressCity" without a label reads
// "Address: address city".
func fieldLabel(path string) string {
	if l, ok := fieldLabels[path]; ok {
		return l
	}
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		return humanize(path[:i]) + ": " + strings.ToLower(humanize(path[i+1:]))
	}
	return humanize(path)
}

// humanize turns camelCase into words: whopRenewalDate -> Whop renewal date.
func humanize(s string) string {
	var b strings.Builder
	for i, r := range s {
		if unicode.IsUpper(r) && i > 0 {
			b.WriteByte(' ')
			r = unicode.ToLower(r)
		}
		if i == 0 {
			r = unicode.ToUpper(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}
