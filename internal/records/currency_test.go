package records_test

import (
	"context"
	"errors"
	"testing"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/records"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// TestCurrencyCodes checks every currencyCode the records service takes
// (opportunity amount, company annual recurring revenue, a CURRENCY custom
// field) against ISO 4217 with one rule: a bad code is an error naming the
// field and writes nothing; a lower-case code is stored upper-case.
func TestCurrencyCodes(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := records.New(records.Config{Store: s})
		ws := storetest.NewWorkspace(t, s, "W")
		if _, err := svc.CreateField(ctx, ws, crm.FieldDefinition{Object: crm.ObjectOpportunity, Name: "fee", Label: "Fee", Type: crm.TypeCurrency}); err != nil {
			t.Fatal(err)
		}
		money := func(code string) map[string]any {
			return map[string]any{"amountMicros": int64(1_000_000), "currencyCode": code}
		}
		cases := []struct {
			obj   *crm.Object
			key   string
			field string
		}{
			{crm.OpportunityObject, "amount", "amount.currencyCode"},
			{crm.CompanyObject, "annualRecurringRevenue", "annualRecurringRevenue.currencyCode"},
			{crm.OpportunityObject, "fee", "fee.currencyCode"},
		}
		for _, c := range cases {
			for _, bad := range []string{"US", "ÜSD", "ÜS", "USDD", "XYZ", "$"} {
				_, err := svc.Create(ctx, records.CreateParams{WorkspaceID: ws, Object: c.obj, Actor: api, Inputs: []crm.Input{{"name": "x", c.key: money(bad)}}})
				e, ok := crm.AsError(err)
				if !ok || !errors.Is(err, crm.ErrInvalid) || e.Field != c.field || e.Code != crm.CodeInvalidValue {
					t.Errorf("Create(%s %q) error = %v; want INVALID_VALUE on %s", c.key, bad, err, c.field)
				}
			}
			recs, err := svc.Create(ctx, records.CreateParams{WorkspaceID: ws, Object: c.obj, Actor: api, Inputs: []crm.Input{{"name": "ok", c.key: money("usd")}}})
			if err != nil {
				t.Fatalf("Create(%s usd) = %v", c.key, err)
			}
			id := recs[0].Meta().ID
			if _, err := svc.Update(ctx, records.UpdateParams{WorkspaceID: ws, Object: c.obj, Actor: api, ID: id, Input: crm.Input{c.key: money("EUROS")}}); err == nil {
				t.Errorf("Update(%s EUROS) = nil error", c.key)
			}
			got, err := svc.Get(ctx, ws, c.obj, id)
			if err != nil {
				t.Fatal(err)
			}
			if code := currencyOf(got, c.key); code != "USD" {
				t.Errorf("%s currency after create usd and a refused update = %q; want USD", c.key, code)
			}
		}
		// Only the valid creates were written: two opportunities, one company.
		for o, want := range map[*crm.Object]int{crm.OpportunityObject: 2, crm.CompanyObject: 1} {
			page, err := svc.List(ctx, ws, crm.NewSchema(o, nil), crm.ListParams{WithTotal: true})
			if err != nil || page.TotalCount != want {
				t.Errorf("%s count = %d, %v; want %d", o.Name, page.TotalCount, err, want)
			}
		}
	})
}

func currencyOf(r crm.Record, key string) string {
	switch x := r.(type) {
	case *crm.Opportunity:
		if key == "amount" {
			return x.Amount.CurrencyCode
		}
		m, _ := x.CustomFields[key].(map[string]any)
		s, _ := m["currencyCode"].(string)
		return s
	case *crm.Company:
		return x.AnnualRecurringRevenue.CurrencyCode
	}
	return ""
}
