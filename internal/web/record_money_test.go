package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

var (
	editFormRE = regexp.MustCompile(`(?s)<form method="post" action="[^"]*" class="stack record-edit-form"[^>]*>(.*?)</form>`)
	inputRE    = regexp.MustCompile(`<input ([^>]*)>`)
	attrRE     = regexp.MustCompile(`(name|value)="([^"]*)"`)
)

// editForm opens a row's edit form and returns what the browser would
// submit if the person pressed Save without touching anything.
func (b *browser) editForm(path, field string) url.Values {
	b.t.Helper()
	code, body, _ := b.get(path + "/edit?field=" + field)
	if code != http.StatusOK {
		b.t.Fatalf("GET %s/edit?field=%s = %d", path, field, code)
	}
	m := editFormRE.FindStringSubmatch(body)
	if m == nil {
		b.t.Fatalf("%s: no edit form for %s", path, field)
	}
	form := url.Values{}
	for _, in := range inputRE.FindAllStringSubmatch(m[1], -1) {
		attrs := map[string]string{}
		for _, a := range attrRE.FindAllStringSubmatch(in[1], -1) {
			attrs[a[1]] = html.UnescapeString(a[2])
		}
		form.Add(attrs["name"], attrs["value"])
	}
	return form
}

// TestMoneyEditKeepsUntouchedAmounts saves amount forms without touching
// them and wants the stored micros unchanged: 1,995,000 micros used to show
// as "1.100" and save back as 1.10.
func TestMoneyEditKeepsUntouchedAmounts(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		site := newSite(t, s)
		b := site.browser()
		ws := site.signIn(b)
		if _, err := site.records.CreateField(context.Background(), ws, crm.FieldDefinition{Object: crm.ObjectOpportunity, Name: "setupFee", Label: "Setup fee", Type: crm.TypeCurrency}); err != nil {
			t.Fatal(err)
		}
		amountOf := func(id string) (int64, string) {
			o := site.get(ws, crm.OpportunityObject, id).(*crm.Opportunity)
			if o.Amount.AmountMicros == nil {
				t.Fatalf("amount of %s is null", id)
			}
			return *o.Amount.AmountMicros, o.Amount.CurrencyCode
		}
		feeOf := func(id string) int64 {
			o := site.get(ws, crm.OpportunityObject, id).(*crm.Opportunity)
			m, _ := o.CustomFields["setupFee"].(map[string]any)
			f, ok := m["amountMicros"].(float64)
			if !ok {
				t.Fatalf("setupFee of %s = %v", id, o.CustomFields["setupFee"])
			}
			return int64(f)
		}
		for _, tc := range []struct {
			name     string
			micros   int64
			currency string
			shown    string
		}{
			{"sub-cent carries into the units", 1_995_000, "USD", "2.00"},
			{"negative", -1_995_000, "USD", "-2.00"},
			{"sub-cent below half", 25_004_999, "EUR", "25.00"},
			{"zero-decimal currency", 1_499_999, "JPY", "1"},
			{"three-decimal currency", 1_995_400, "KWD", "1.995"},
			{"three-decimal carry", 9_999_600, "BHD", "10.000"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				money := map[string]any{"amountMicros": tc.micros, "currencyCode": tc.currency}
				o := site.create(ws, crm.OpportunityObject, crm.Input{"name": tc.name, "amount": money, "customFields": map[string]any{"setupFee": money}})
				path := "/opportunities/" + o.Meta().ID
				for _, field := range []string{"amount", "setupFee"} {
					form := b.editForm(path, field)
					if got := form.Get("f." + field + ".amount"); got != tc.shown {
						t.Errorf("%s input = %q; want %q", field, got, tc.shown)
					}
					if code, body, _ := b.post(path, form); code != http.StatusSeeOther {
						t.Fatalf("save %s untouched = %d\n%s", field, code, body)
					}
				}
				if got, cur := amountOf(o.Meta().ID); got != tc.micros || cur != tc.currency {
					t.Errorf("amount after an untouched save = %d %s; want %d %s", got, cur, tc.micros, tc.currency)
				}
				if got := feeOf(o.Meta().ID); got != tc.micros {
					t.Errorf("setupFee after an untouched save = %d; want %d", got, tc.micros)
				}

				// Typing a new amount still saves it, exactly.
				form := b.editForm(path, "amount")
				form.Set("f.amount.amount", "1,234.5")
				if code, body, _ := b.post(path, form); code != http.StatusSeeOther {
					t.Fatalf("save edited amount = %d\n%s", code, body)
				}
				if got, _ := amountOf(o.Meta().ID); got != 1_234_500_000 {
					t.Errorf("amount after typing 1,234.5 = %d; want 1234500000", got)
				}
			})
		}

		t.Run("bad input names the field and changes nothing", func(t *testing.T) {
			o := site.create(ws, crm.OpportunityObject, crm.Input{"name": "Bad input", "amount": map[string]any{"amountMicros": 5_000_000, "currencyCode": "USD"}})
			path := "/opportunities/" + o.Meta().ID
			for _, tc := range []struct{ amount, currency, errorID string }{
				{"1.0000001", "USD", `id="f-amount-amount-error"`},
				{"12abc", "USD", `id="f-amount-amount-error"`},
				{"5.00", "US", `id="f-amount-currencyCode-error"`},
				{"5.00", "ÜSD", `id="f-amount-currencyCode-error"`},
			} {
				form := b.editForm(path, "amount")
				form.Set("f.amount.amount", tc.amount)
				form.Set("f.amount.currencyCode", tc.currency)
				code, body, _ := b.post(path, form)
				if code != http.StatusBadRequest {
					t.Errorf("save %q %q = %d; want 400", tc.amount, tc.currency, code)
					continue
				}
				mustContain(t, "error page", body, tc.errorID)
			}
			if got, cur := amountOf(o.Meta().ID); got != 5_000_000 || cur != "USD" {
				t.Errorf("amount after refused saves = %d %s; want 5000000 USD", got, cur)
			}
		})
	})
}
