package whop

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// DefaultTolerance is how far a webhook timestamp may be from now, either way.
const DefaultTolerance = 300 * time.Second

// Webhook verification errors. All four answer 401; they are distinct so the
// audit log and troubleshooting can say which.
var (
	ErrMissingSignature = errors.New("whop webhook: missing signature headers")
	ErrBadSignature     = errors.New("whop webhook: signature mismatch")
	ErrStaleTimestamp   = errors.New("whop webhook: timestamp outside tolerance")
	ErrInvalidTimestamp = errors.New("whop webhook: timestamp is not a whole number of seconds")
)

// Standard Webhooks header names.
const (
	HeaderWebhookID        = "webhook-id"
	HeaderWebhookTimestamp = "webhook-timestamp"
	HeaderWebhookSignature = "webhook-signature"
	HeaderLegacySignature  = "x-whop-signature"
)

// webhookKey returns the HMAC key for a secret. Whop's dashboard secret
// ("ws_...") is used as its raw UTF-8 bytes, prefix included. A "whsec_"
// secret is a Standard Webhooks secret whose key is the base64 after the
// prefix; if that base64 does not decode, the raw bytes are used.
func webhookKey(secret string) []byte {
	if rest, ok := strings.CutPrefix(secret, "whsec_"); ok {
		if k, err := base64.StdEncoding.DecodeString(rest); err == nil {
			return k
		}
	}
	return []byte(secret)
}

// VerifyStandard checks a Standard Webhooks delivery: the HMAC-SHA256 of
// id.timestamp.body under the secret must match one of the "v1,<base64>"
// entries in webhook-signature (several appear while a secret rotates), and
// the timestamp must be within tolerance of now (0 means DefaultTolerance).
// Verify the raw body before parsing it.
func VerifyStandard(secret string, h http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	id, ts, sigs := h.Get(HeaderWebhookID), h.Get(HeaderWebhookTimestamp), h.Get(HeaderWebhookSignature)
	if id == "" || ts == "" || sigs == "" {
		return ErrMissingSignature
	}
	if err := checkTimestamp(ts, now, tolerance); err != nil {
		return err
	}
	want := standardMAC(webhookKey(secret), id, ts, body)
	for _, s := range strings.Fields(sigs) {
		version, sig, ok := strings.Cut(s, ",")
		if !ok || version != "v1" {
			continue
		}
		got, err := base64.StdEncoding.DecodeString(sig)
		if err != nil {
			continue
		}
		if hmac.Equal(got, want) {
			return nil
		}
	}
	return ErrBadSignature
}

// SignStandard returns the webhook-signature value ("v1,<base64>") for a
// delivery; tests and the simulator use it to produce signed requests.
func SignStandard(secret, id string, timestamp int64, body []byte) string {
	mac := standardMAC(webhookKey(secret), id, strconv.FormatInt(timestamp, 10), body)
	return "v1," + base64.StdEncoding.EncodeToString(mac)
}

// SignedHeader returns the three Standard Webhooks headers of a delivery
// with id, sent at ts, of body, signed with secret: what Whop sends.
func SignedHeader(secret, id string, ts time.Time, body []byte) http.Header {
	h := http.Header{}
	h.Set(HeaderWebhookID, id)
	h.Set(HeaderWebhookTimestamp, strconv.FormatInt(ts.Unix(), 10))
	h.Set(HeaderWebhookSignature, SignStandard(secret, id, ts.Unix(), body))
	return h
}

func standardMAC(key []byte, id, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id))
	m.Write([]byte("."))
	m.Write([]byte(ts))
	m.Write([]byte("."))
	m.Write(body)
	return m.Sum(nil)
}

// VerifyLegacy checks a legacy (v2/v5) delivery's x-whop-signature header,
// "t=<unix>,v1=<hex>", where hex is HMAC-SHA256(secret, t + "." + body). Any
// one v1 entry matching passes.
func VerifyLegacy(secret, header string, body []byte, now time.Time, tolerance time.Duration) error {
	header = strings.TrimSpace(header)
	if header == "" {
		return ErrMissingSignature
	}
	var ts string
	var sigs []string
	for _, part := range strings.Split(header, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			continue
		}
		switch k {
		case "t":
			ts = v
		case "v1":
			sigs = append(sigs, v)
		}
	}
	if ts == "" || len(sigs) == 0 {
		return ErrMissingSignature
	}
	if err := checkTimestamp(ts, now, tolerance); err != nil {
		return err
	}
	want := legacyMAC([]byte(secret), ts, body)
	for _, s := range sigs {
		got, err := hex.DecodeString(s)
		if err != nil {
			continue
		}
		if hmac.Equal(got, want) {
			return nil
		}
	}
	return ErrBadSignature
}

// SignLegacy returns an x-whop-signature value for a legacy delivery.
func SignLegacy(secret string, timestamp int64, body []byte) string {
	ts := strconv.FormatInt(timestamp, 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(legacyMAC([]byte(secret), ts, body))
}

func legacyMAC(key []byte, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(ts))
	m.Write([]byte("."))
	m.Write(body)
	return m.Sum(nil)
}

// Verify checks whichever scheme the delivery uses: Standard Webhooks when
// webhook-signature is present, else the legacy x-whop-signature.
func Verify(secret string, h http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	if h.Get(HeaderWebhookSignature) != "" || h.Get(HeaderWebhookID) != "" {
		return VerifyStandard(secret, h, body, now, tolerance)
	}
	if v := h.Get(HeaderLegacySignature); v != "" {
		return VerifyLegacy(secret, v, body, now, tolerance)
	}
	return ErrMissingSignature
}

func checkTimestamp(ts string, now time.Time, tolerance time.Duration) error {
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return ErrInvalidTimestamp
	}
	d := now.Sub(time.Unix(sec, 0))
	if d > tolerance || d < -tolerance {
		return ErrStaleTimestamp
	}
	return nil
}
