package whop

import (
	"encoding/base64"
	"errors"
	"net/http"
	"testing"
	"time"
)

// The vectors from reference/whop.md, verbatim.
const (
	vecSecret    = "ws_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	vecID        = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"
	vecTimestamp = "1735689600"
	vecBody      = `{"id":"msg_2KWPBgLlAfxdpx2AI54pPJ85f4W","api_version":"v1","type":"payment.succeeded","timestamp":"2025-01-01T00:00:00.000Z","company_id":"biz_xxxxxxxxxxxxxx","data":{"id":"pay_xxxxxxxxxxxxxx"}}`
	vecSignature = "v1,Pj8GTBGzG6uqQr7i7Ut/TpggF1UbjtC84aPgiw7hT7A="
	vecLegacy    = "t=1735689600,v1=124b7bddf8a0f1f9a3582031d98b02a5a0986575d7ac78d39735ea3b9023a66c"
)

var vecNow = time.Unix(1735689600, 0)

func stdHeaders(id, ts, sig string) http.Header {
	h := http.Header{}
	if id != "" {
		h.Set("webhook-id", id)
	}
	if ts != "" {
		h.Set("webhook-timestamp", ts)
	}
	if sig != "" {
		h.Set("webhook-signature", sig)
	}
	return h
}

func TestSignStandardMatchesReferenceVector(t *testing.T) {
	t.Parallel()
	if got := SignStandard(vecSecret, vecID, 1735689600, []byte(vecBody)); got != vecSignature {
		t.Errorf("SignStandard = %q; want %q", got, vecSignature)
	}
	if got := SignLegacy(vecSecret, 1735689600, []byte(vecBody)); got != vecLegacy {
		t.Errorf("SignLegacy = %q; want %q", got, vecLegacy)
	}
}

func TestVerifyStandard(t *testing.T) {
	t.Parallel()
	whsec := "whsec_" + base64.StdEncoding.EncodeToString([]byte(vecSecret))
	other := "v1," + base64.StdEncoding.EncodeToString(make([]byte, 32))
	tests := []struct {
		name   string
		secret string
		h      http.Header
		body   string
		now    time.Time
		want   error
	}{
		{"reference vector", vecSecret, stdHeaders(vecID, vecTimestamp, vecSignature), vecBody, vecNow, nil},
		{"whsec form of the same key", whsec, stdHeaders(vecID, vecTimestamp, vecSignature), vecBody, vecNow, nil},
		{"299 s late", vecSecret, stdHeaders(vecID, vecTimestamp, vecSignature), vecBody, vecNow.Add(299 * time.Second), nil},
		{"300 s late is the edge", vecSecret, stdHeaders(vecID, vecTimestamp, vecSignature), vecBody, vecNow.Add(300 * time.Second), nil},
		{"301 s late", vecSecret, stdHeaders(vecID, vecTimestamp, vecSignature), vecBody, vecNow.Add(301 * time.Second), ErrStaleTimestamp},
		{"301 s in the future", vecSecret, stdHeaders(vecID, vecTimestamp, vecSignature), vecBody, vecNow.Add(-301 * time.Second), ErrStaleTimestamp},
		{"tampered body", vecSecret, stdHeaders(vecID, vecTimestamp, vecSignature), vecBody[:len(vecBody)-2] + " }}", vecNow, ErrBadSignature},
		{"wrong secret", vecSecret[:len(vecSecret)-1] + "0", stdHeaders(vecID, vecTimestamp, vecSignature), vecBody, vecNow, ErrBadSignature},
		{"secret without ws_ prefix", vecSecret[3:], stdHeaders(vecID, vecTimestamp, vecSignature), vecBody, vecNow, ErrBadSignature},
		{"other webhook-id", vecSecret, stdHeaders("msg_other", vecTimestamp, vecSignature), vecBody, vecNow, ErrBadSignature},
		{"several signatures, match last", vecSecret, stdHeaders(vecID, vecTimestamp, other+" "+vecSignature), vecBody, vecNow, nil},
		{"several signatures, none match", vecSecret, stdHeaders(vecID, vecTimestamp, other+" "+other), vecBody, vecNow, ErrBadSignature},
		{"unknown version ignored", vecSecret, stdHeaders(vecID, vecTimestamp, "v1a,"+vecSignature[3:]+" "+vecSignature), vecBody, vecNow, nil},
		{"only unknown version", vecSecret, stdHeaders(vecID, vecTimestamp, "v2,"+vecSignature[3:]), vecBody, vecNow, ErrBadSignature},
		{"signature not base64", vecSecret, stdHeaders(vecID, vecTimestamp, "v1,@@@"), vecBody, vecNow, ErrBadSignature},
		{"no comma", vecSecret, stdHeaders(vecID, vecTimestamp, "v1"+vecSignature[3:]), vecBody, vecNow, ErrBadSignature},
		{"missing id", vecSecret, stdHeaders("", vecTimestamp, vecSignature), vecBody, vecNow, ErrMissingSignature},
		{"missing timestamp", vecSecret, stdHeaders(vecID, "", vecSignature), vecBody, vecNow, ErrMissingSignature},
		{"missing signature", vecSecret, stdHeaders(vecID, vecTimestamp, ""), vecBody, vecNow, ErrMissingSignature},
		{"timestamp not a number", vecSecret, stdHeaders(vecID, "2025-01-01T00:00:00Z", vecSignature), vecBody, vecNow, ErrInvalidTimestamp},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := VerifyStandard(tt.secret, tt.h, []byte(tt.body), tt.now, 0)
			if !errors.Is(got, tt.want) || (tt.want == nil && got != nil) {
				t.Errorf("VerifyStandard = %v; want %v", got, tt.want)
			}
		})
	}
}

func TestVerifyLegacy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		header string
		body   string
		now    time.Time
		want   error
	}{
		{"reference vector", vecLegacy, vecBody, vecNow, nil},
		{"spaces after comma", "t=1735689600, v1=124b7bddf8a0f1f9a3582031d98b02a5a0986575d7ac78d39735ea3b9023a66c", vecBody, vecNow, nil},
		{"two v1, second matches", "t=1735689600,v1=00,v1=124b7bddf8a0f1f9a3582031d98b02a5a0986575d7ac78d39735ea3b9023a66c", vecBody, vecNow, nil},
		{"tampered body", vecLegacy, vecBody + " ", vecNow, ErrBadSignature},
		{"stale", vecLegacy, vecBody, vecNow.Add(301 * time.Second), ErrStaleTimestamp},
		{"future", vecLegacy, vecBody, vecNow.Add(-301 * time.Second), ErrStaleTimestamp},
		{"not hex", "t=1735689600,v1=zz", vecBody, vecNow, ErrBadSignature},
		{"no t", "v1=124b7bddf8a0f1f9a3582031d98b02a5a0986575d7ac78d39735ea3b9023a66c", vecBody, vecNow, ErrMissingSignature},
		{"no v1", "t=1735689600", vecBody, vecNow, ErrMissingSignature},
		{"empty", "", vecBody, vecNow, ErrMissingSignature},
		{"garbage", "sha256=abc", vecBody, vecNow, ErrMissingSignature},
		{"t not a number", "t=yesterday,v1=124b7bddf8a0f1f9a3582031d98b02a5a0986575d7ac78d39735ea3b9023a66c", vecBody, vecNow, ErrInvalidTimestamp},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := VerifyLegacy(vecSecret, tt.header, []byte(tt.body), tt.now, 0)
			if !errors.Is(got, tt.want) || (tt.want == nil && got != nil) {
				t.Errorf("VerifyLegacy = %v; want %v", got, tt.want)
			}
		})
	}
	if err := VerifyLegacy("ws_wrong", vecLegacy, []byte(vecBody), vecNow, 0); !errors.Is(err, ErrBadSignature) {
		t.Errorf("VerifyLegacy(wrong secret) = %v; want %v", err, ErrBadSignature)
	}
}

func TestVerifyPicksScheme(t *testing.T) {
	t.Parallel()
	legacy := http.Header{}
	legacy.Set("X-Whop-Signature", vecLegacy)
	tests := []struct {
		name string
		h    http.Header
		want error
	}{
		{"standard", stdHeaders(vecID, vecTimestamp, vecSignature), nil},
		{"legacy", legacy, nil},
		{"none", http.Header{}, ErrMissingSignature},
		{"standard incomplete does not fall back", stdHeaders(vecID, "", ""), ErrMissingSignature},
	}
	for _, tt := range tests {
		got := Verify(vecSecret, tt.h, []byte(vecBody), vecNow, 0)
		if !errors.Is(got, tt.want) || (tt.want == nil && got != nil) {
			t.Errorf("%s: Verify = %v; want %v", tt.name, got, tt.want)
		}
	}
}

func TestVerifyCustomTolerance(t *testing.T) {
	t.Parallel()
	h := stdHeaders(vecID, vecTimestamp, vecSignature)
	if err := VerifyStandard(vecSecret, h, []byte(vecBody), vecNow.Add(61*time.Second), time.Minute); !errors.Is(err, ErrStaleTimestamp) {
		t.Errorf("VerifyStandard(61 s, tolerance 1 m) = %v; want %v", err, ErrStaleTimestamp)
	}
}
