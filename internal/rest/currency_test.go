package rest_test

import (
	"testing"

	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// TestCurrencyCodeIsISO4217 sends currency codes that are not ISO 4217 to
// the standard money fields and a CURRENCY custom field: each is refused
// with a 400 naming the field, and nothing changes.
func TestCurrencyCodeIsISO4217(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		run(t, e, []scenario{
			{Name: "two letters", Method: "POST", URL: "/rest/opportunities", Body: `{"name":"x","amount":{"amountMicros":1000000,"currencyCode":"US"}}`,
				ExpectedStatus: 400, JSON: map[string]any{"error.code": "INVALID_VALUE", "error.field": "amount.currencyCode"}, ExpectedContent: []string{"ISO 4217"}},
			{Name: "not a letter", Method: "POST", URL: "/rest/companies", Body: `{"name":"x","annualRecurringRevenue":{"amountMicros":1,"currencyCode":"ÜSD"}}`,
				ExpectedStatus: 400, JSON: map[string]any{"error.code": "INVALID_VALUE", "error.field": "annualRecurringRevenue.currencyCode"}},
			{Name: "not a currency", Method: "PATCH", URL: "/rest/opportunities/{deal}", Body: `{"amount":{"currencyCode":"XYZ"}}`,
				ExpectedStatus: 400, JSON: map[string]any{"error.field": "amount.currencyCode"}},
			{Name: "unchanged after the refusal", Method: "GET", URL: "/rest/opportunities/{deal}", ExpectedStatus: 200,
				JSON: map[string]any{"data.opportunity.amount.currencyCode": "USD", "data.opportunity.amount.amountMicros": 5e9}},
			{Name: "custom CURRENCY field", Method: "PATCH", URL: "/rest/people/{ada}", Body: `{"price":{"amountMicros":1,"currencyCode":"ÜS"}}`,
				ExpectedStatus: 400, JSON: map[string]any{"error.field": "price.currencyCode"}},
			{Name: "lower case is read as the code", Method: "PATCH", URL: "/rest/opportunities/{deal}", Body: `{"amount":{"currencyCode":"jpy"}}`,
				ExpectedStatus: 200, JSON: map[string]any{"data.updateOpportunity.amount.currencyCode": "JPY"}},
		})
	})
}
