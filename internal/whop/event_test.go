package whop

import (
	"errors"
	"testing"
)

func TestParseEvent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                string
		body                string
		wantType, wantOrig  string
		wantCompany, wantID string
		wantLegacy          bool
	}{
		{"v1 reference body", vecBody, "payment.succeeded", "payment.succeeded", "biz_xxxxxxxxxxxxxx", "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", false},
		{"legacy went_valid", `{"action":"membership.went_valid","api_version":"v5","data":{"id":"mem_1","company_id":"biz_1","product":"prod_1"}}`,
			"membership.activated", "membership.went_valid", "biz_1", "", true},
		{"legacy went_invalid", `{"action":"membership.went_invalid","api_version":"v5","data":{"id":"mem_1"}}`,
			"membership.deactivated", "membership.went_invalid", "", "", true},
		{"v1 type with legacy name", `{"id":"e","api_version":"v1","type":"membership.went_valid","company_id":"biz_2","data":{"id":"mem_1"}}`,
			"membership.activated", "membership.went_valid", "biz_2", "e", false},
		{"unknown type kept", `{"id":"e","api_version":"v1","type":"dispute.created","data":{"id":"d","company":{"id":"biz_3"}}}`,
			"dispute.created", "dispute.created", "biz_3", "e", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e, err := ParseEvent([]byte(tt.body))
			if err != nil {
				t.Fatalf("ParseEvent: %v", err)
			}
			if e.Type != tt.wantType || e.OriginalType != tt.wantOrig || e.CompanyID != tt.wantCompany || e.ID != tt.wantID || e.Legacy != tt.wantLegacy {
				t.Errorf("ParseEvent = {Type:%q Orig:%q Company:%q ID:%q Legacy:%v}; want {%q %q %q %q %v}",
					e.Type, e.OriginalType, e.CompanyID, e.ID, e.Legacy, tt.wantType, tt.wantOrig, tt.wantCompany, tt.wantID, tt.wantLegacy)
			}
		})
	}
}

func TestParseEventTypedData(t *testing.T) {
	t.Parallel()
	e, err := ParseEvent([]byte(`{"id":"e","api_version":"v1","type":"membership.activated","timestamp":"2026-04-14T17:02:15.880Z","company_id":"biz_Xy12Ab34Cd56Ef","data":` + exampleMembership + `}`))
	if err != nil {
		t.Fatalf("ParseEvent: %v", err)
	}
	m, err := e.Membership()
	if err != nil || m.ID != "mem_T4bXq1ZcLk9aP2" || m.User.Email != "john.doe@example.com" {
		t.Errorf("Membership() = %+v, %v; want the example membership", m, err)
	}
	if e.Timestamp.IsZero() {
		t.Errorf("Timestamp is zero; want 2026-04-14T17:02:15.880Z")
	}
	p, err := ParseEvent([]byte(vecBody))
	if err != nil {
		t.Fatal(err)
	}
	pay, err := p.Payment()
	if err != nil || pay.ID != "pay_xxxxxxxxxxxxxx" {
		t.Errorf("Payment() = %+v, %v; want pay_xxxxxxxxxxxxxx", pay, err)
	}
	r, err := ParseEvent([]byte(`{"id":"e","api_version":"v1","type":"refund.created","data":{"id":"rf_1","amount":5,"currency":"usd","payment":"pay_1"}}`))
	if err != nil {
		t.Fatal(err)
	}
	ref, err := r.Refund()
	if err != nil || ref.Payment.ID != "pay_1" || ref.Amount != 5 {
		t.Errorf("Refund() = %+v, %v; want payment pay_1 amount 5", ref, err)
	}
	if _, err := r.Membership(); err != nil {
		t.Errorf("Membership() on refund data = %v; want tolerant decode", err)
	}
	bad, _ := ParseEvent([]byte(`{"id":"e","type":"membership.activated","data":{"id":5}}`))
	if _, err := bad.Membership(); !errors.Is(err, ErrMalformedEvent) {
		t.Errorf("Membership() with id:5 = %v; want ErrMalformedEvent", err)
	}
}

func TestParseEventMalformed(t *testing.T) {
	t.Parallel()
	for _, body := range []string{``, `not json`, `[]`, `{"id":"e","data":{}}`, `{"type":"payment.succeeded"}`, `{"type":"payment.succeeded","data":null}`} {
		if _, err := ParseEvent([]byte(body)); !errors.Is(err, ErrMalformedEvent) {
			t.Errorf("ParseEvent(%q) = %v; want ErrMalformedEvent", body, err)
		}
	}
}
