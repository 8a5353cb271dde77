package webhooks

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// SecretPrefix marks a Standard Webhooks symmetric signing secret.
const SecretPrefix = "whsec_"

// secretBytes is the length of a generated secret's key: 256 bits, above
// the standard's 24-byte minimum.
const secretBytes = 32

// The Standard Webhooks headers.
const (
	HeaderID        = "webhook-id"
	HeaderTimestamp = "webhook-timestamp"
	HeaderSignature = "webhook-signature"
)

// Secret is a webhook's signing secret ("whsec_..."). Its String and
// LogValue hide it, so a Webhook printed in a log line or a test failure
// never shows the secret; Reveal returns it.
type Secret string

// Reveal returns the secret itself, for the one answer that shows it.
func (s Secret) Reveal() string { return string(s) }

// String hides the secret.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return SecretPrefix + "…(hidden)"
}

// GoString hides the secret from %#v.
func (s Secret) GoString() string { return s.String() }

// newSecret returns a fresh secret: "whsec_" and base64 of 32 random bytes.
func newSecret() (Secret, error) {
	b := make([]byte, secretBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("webhooks: new secret: %w", err)
	}
	return Secret(SecretPrefix + base64.StdEncoding.EncodeToString(b)), nil
}

// key decodes the HMAC key from a secret: the base64 after "whsec_".
func (s Secret) key() ([]byte, error) {
	k, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(string(s), SecretPrefix))
	if err != nil || len(k) == 0 {
		return nil, errors.New("webhooks: malformed secret")
	}
	return k, nil
}

// Sign returns the Standard Webhooks signature header value for one
// attempt: "v1," and the base64 HMAC-SHA256, keyed by the decoded secret,
// of "<id>.<unix timestamp>.<body>".
func Sign(secret Secret, id string, at time.Time, body []byte) (string, error) {
	key, err := secret.key()
	if err != nil {
		return "", err
	}
	mac := hmac.New(sha256.New, key)
	fmt.Fprintf(mac, "%s.%d.", id, at.Unix())
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil)), nil
}

// ErrBadSignature is returned by Verify for a request that is not signed
// with the secret, or whose timestamp is outside the tolerance.
var ErrBadSignature = errors.New("webhooks: bad signature")

// Verify checks a received webhook as a receiver should: the timestamp
// within tolerance of now (replays of old deliveries fail), and one of the
// space-separated "v1,..." signatures matching, compared in constant time.
// Roster's demo receiver uses it; docs/webhooks.md shows the same steps for
// other languages.
func Verify(secret Secret, h http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	id, ts, sigs := h.Get(HeaderID), h.Get(HeaderTimestamp), h.Get(HeaderSignature)
	if id == "" || ts == "" || sigs == "" {
		return fmt.Errorf("%w: missing %s, %s or %s header", ErrBadSignature, HeaderID, HeaderTimestamp, HeaderSignature)
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: %s is not a number", ErrBadSignature, HeaderTimestamp)
	}
	at := time.Unix(sec, 0)
	if d := now.Sub(at); d > tolerance || d < -tolerance {
		return fmt.Errorf("%w: timestamp %s is outside the %s tolerance", ErrBadSignature, at.UTC().Format(time.RFC3339), tolerance)
	}
	want, err := Sign(secret, id, at, body)
	if err != nil {
		return err
	}
	for _, sig := range strings.Fields(sigs) {
		if hmac.Equal([]byte(sig), []byte(want)) {
			return nil
		}
	}
	return ErrBadSignature
}
