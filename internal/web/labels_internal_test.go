package web

import "testing"

// TestFieldNamesAgree: a field is named the same in the record form and in
// the filter's field list (they had two maps: "Primary email" and "Email").
func TestFieldNamesAgree(t *testing.T) {
	for _, path := range []string{"emails.primaryEmail", "phones.primaryPhoneNumber", "companyId", "whopUserId", "jobTitle"} {
		if w, l := fieldWords(path), fieldLabel(path); w != l {
			t.Errorf("fieldWords(%q) = %q but fieldLabel = %q; want one name", path, w, l)
		}
	}
	for path, want := range map[string]string{"whopRenewalDate": "Whop renewal date", "address.addressCity": "City"} {
		if got := fieldWords(path); got != want {
			t.Errorf("fieldWords(%q) = %q; want %q", path, got, want)
		}
	}
	if got, want := fieldLabel("custom.someThing"), "Custom: some thing"; got != want {
		t.Errorf("fieldLabel(custom.someThing) = %q; want %q", got, want)
	}
}
