package whop

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// exampleMembership is the example from reference/whop.md, verbatim.
const exampleMembership = `{"id":"mem_T4bXq1ZcLk9aP2","status":"active","created_at":"2026-03-14T17:02:11.123Z",
 "updated_at":"2026-04-14T17:02:15.880Z","joined_at":"2026-03-14T17:02:11.123Z",
 "cancel_at_period_end":false,"cancel_option":null,"cancellation_reason":null,
 "canceled_at":null,"company":{"id":"biz_Xy12Ab34Cd56Ef","title":"Pickaxe"},
 "currency":"usd","license_key":null,
 "manage_url":"https://whop.com/billing/manage/mem_T4bXq1ZcLk9aP2",
 "member":{"id":"mber_Qw3Er5Ty7Ui9Op"},"metadata":{},"payment_collection_paused":false,
 "plan":{"id":"plan_Lk8Jh6Gf4Ds2Aa","metadata":{}},
 "product":{"id":"prod_Zx1Cv3Bn5Mm7Kk","title":"Pickaxe Analytics","metadata":{}},
 "promo_code":null,"renewal_period_start":"2026-04-14T17:02:11.000Z",
 "renewal_period_end":"2026-05-14T17:02:11.000Z",
 "user":{"id":"user_Aa11Bb22Cc33Dd","username":"johndoe42","name":"John Doe","email":"john.doe@example.com"}}`

func ts(s string) Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return Time{t}
}

func TestMembershipDecodesReferenceExample(t *testing.T) {
	t.Parallel()
	var got Membership
	if err := json.Unmarshal([]byte(exampleMembership), &got); err != nil {
		t.Fatalf("Unmarshal: %v", err)
	}
	want := Membership{
		ID:                 "mem_T4bXq1ZcLk9aP2",
		Status:             MembershipActive,
		CreatedAt:          ts("2026-03-14T17:02:11.123Z"),
		UpdatedAt:          ts("2026-04-14T17:02:15.880Z"),
		JoinedAt:           ts("2026-03-14T17:02:11.123Z"),
		Company:            CompanyRef{ID: "biz_Xy12Ab34Cd56Ef", Title: "Pickaxe"},
		Currency:           "usd",
		ManageURL:          "https://whop.com/billing/manage/mem_T4bXq1ZcLk9aP2",
		Member:             MemberRef{ID: "mber_Qw3Er5Ty7Ui9Op"},
		Metadata:           map[string]any{},
		Plan:               PlanRef{ID: "plan_Lk8Jh6Gf4Ds2Aa", Metadata: map[string]any{}},
		Product:            ProductRef{ID: "prod_Zx1Cv3Bn5Mm7Kk", Title: "Pickaxe Analytics", Metadata: map[string]any{}},
		RenewalPeriodStart: ts("2026-04-14T17:02:11.000Z"),
		RenewalPeriodEnd:   ts("2026-05-14T17:02:11.000Z"),
		User:               UserRef{ID: "user_Aa11Bb22Cc33Dd", Username: "johndoe42", Name: "John Doe", Email: "john.doe@example.com"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Unmarshal(example) =\n%+v\nwant\n%+v", got, want)
	}
	if !got.CanceledAt.IsZero() {
		t.Errorf("CanceledAt = %v; want zero for null", got.CanceledAt)
	}
}

func TestMembershipToleratesUnknownFieldsAndLegacyRefs(t *testing.T) {
	t.Parallel()
	body := `{"id":"mem_1","status":"canceling","brand_new_field":{"x":[1,2]},
	  "product":"prod_1","plan":"plan_1","user":"user_1","member":null,
	  "created_at":1735689600,"renewal_period_end":"1735689600","promo_code":{"id":"promo_1","code":"SAVE"}}`
	var m Membership
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("Unmarshal: %v", err)
	}
	if m.Product.ID != "prod_1" || m.Plan.ID != "plan_1" || m.User.ID != "user_1" {
		t.Errorf("refs = %q %q %q; want prod_1 plan_1 user_1", m.Product.ID, m.Plan.ID, m.User.ID)
	}
	want := time.Unix(1735689600, 0).UTC()
	if !m.CreatedAt.Equal(want) || !m.RenewalPeriodEnd.Equal(want) {
		t.Errorf("unix timestamps = %v, %v; want %v", m.CreatedAt, m.RenewalPeriodEnd, want)
	}
	if m.PromoCode.Code != "SAVE" {
		t.Errorf("PromoCode.Code = %q; want SAVE", m.PromoCode.Code)
	}
}

func TestTimeUnmarshal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want time.Time
	}{
		{`"2026-03-14T17:02:11.123Z"`, time.Date(2026, 3, 14, 17, 2, 11, 123e6, time.UTC)},
		{`"2026-03-14T18:02:11+01:00"`, time.Date(2026, 3, 14, 17, 2, 11, 0, time.UTC)},
		{`1735689600`, time.Unix(1735689600, 0).UTC()},
		{`1735689600.5`, time.Unix(1735689600, 5e8).UTC()},
		{`"1735689600"`, time.Unix(1735689600, 0).UTC()},
		{`null`, time.Time{}},
		{`""`, time.Time{}},
	}
	for _, tt := range tests {
		var got Time
		if err := json.Unmarshal([]byte(tt.in), &got); err != nil {
			t.Errorf("Unmarshal(%s): %v", tt.in, err)
			continue
		}
		if !got.Equal(tt.want) {
			t.Errorf("Unmarshal(%s) = %v; want %v", tt.in, got.Time, tt.want)
		}
	}
	var bad Time
	if err := json.Unmarshal([]byte(`"yesterday"`), &bad); err == nil {
		t.Errorf("Unmarshal(yesterday) = nil error; want one")
	}
	b, _ := json.Marshal(Time{time.Date(2026, 3, 14, 17, 2, 11, 123e6, time.UTC)})
	if string(b) != `"2026-03-14T17:02:11.123Z"` {
		t.Errorf("Marshal = %s; want \"2026-03-14T17:02:11.123Z\"", b)
	}
}

func TestAmountMicros(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   float64
		want int64
	}{
		{25, 25_000_000},
		{25.0, 25_000_000},
		{0.1 + 0.2, 300_000}, // 0.30000000000000004: drift rounds away
		{19.99, 19_990_000},
		{1234567.89, 1_234_567_890_000},
		{0.0000005, 1}, // half rounds away from zero
		{0.0000004, 0},
		{-12.345, -12_345_000},
		{0, 0},
		{4.35, 4_350_000}, // 4.35*1e6 in float is 4349999.999...
	}
	for _, tt := range tests {
		got, err := AmountMicros(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("AmountMicros(%v) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
	if _, err := AmountMicros(1e300); err == nil {
		t.Errorf("AmountMicros(1e300) = nil error; want out of range")
	}
	if got := CurrencyCode("usd"); got != "USD" {
		t.Errorf("CurrencyCode(usd) = %q; want USD", got)
	}
}

func TestPaymentDecodesRefundFields(t *testing.T) {
	t.Parallel()
	body := `{"id":"pay_1","status":"paid","substatus":"partially_refunded","currency":"usd","total":25.0,"subtotal":25.0,
	  "usd_total":25.0,"refunded_amount":5.5,"refunded_at":"2026-04-01T00:00:00.000Z","failure_message":null,
	  "membership":{"id":"mem_1","status":"active"},"user":{"id":"user_1","username":"u","name":null,"email":null},
	  "product":{"id":"prod_1","title":"P"},"plan":{"id":"plan_1"},"paid_at":"2026-03-01T00:00:00.000Z"}`
	var p Payment
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		t.Fatalf("Unmarshal: %v", err)
	}
	if p.RefundedAmount != 5.5 || p.RefundedAt.IsZero() || p.Membership.ID != "mem_1" || p.User.Email != "" {
		t.Errorf("payment = %+v; want refunded 5.5 at a time, membership mem_1, empty email", p)
	}
}
