package contracts

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// DocuSign is the DocuSign eSignature REST v2.1 adapter: a JWT grant
// (RS256) for an access token, envelopes with the PDF and the signers in
// routing order, Connect JSON (SIM) callbacks authenticated by
// X-DocuSign-Signature-N = base64(HMAC-SHA256(Connect key, raw body)), and
// the signed document fetched from documents/combined.
type DocuSign struct {
	// BaseURL is the REST base (https://demo.docusign.net/restapi); the
	// account's API is {BaseURL}/v2.1/accounts/{AccountID}.
	BaseURL string
	// OAuthBaseURL is the OAuth host (https://account-d.docusign.com).
	OAuthBaseURL   string
	IntegrationKey string
	UserID         string
	AccountID      string
	// PrivateKey is the integration's RSA key (PEM) for the JWT grant.
	PrivateKey []byte
	// ConnectKey is the Connect HMAC key callbacks are signed with.
	ConnectKey string
	Client     *http.Client
	Now        func() time.Time

	mu      sync.Mutex
	token   string
	expires time.Time
}

// Name implements Provider.
func (*DocuSign) Name() string { return ProviderDocuSign }

func (d *DocuSign) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

func (d *DocuSign) client() *http.Client {
	if d.Client != nil {
		return d.Client
	}
	return http.DefaultClient
}

// accessToken returns a cached token or makes a new one with the JWT
// grant (DocuSign issues no refresh token for it).
func (d *DocuSign) accessToken(ctx context.Context) (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.token != "" && d.now().Before(d.expires.Add(-time.Minute)) {
		return d.token, nil
	}
	key, err := parseRSAKey(d.PrivateKey)
	if err != nil {
		return "", err
	}
	u, err := url.Parse(d.OAuthBaseURL)
	if err != nil {
		return "", fmt.Errorf("docusign: oauth base url: %w", err)
	}
	now := d.now()
	assertion, err := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{
		"iss": d.IntegrationKey, "sub": d.UserID, "aud": u.Host, "scope": "signature impersonation",
		"iat": now.Unix(), "exp": now.Add(time.Hour).Unix(),
	}).SignedString(key)
	if err != nil {
		return "", fmt.Errorf("docusign: sign the JWT: %w", err)
	}
	form := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {assertion}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(d.OAuthBaseURL, "/")+"/oauth/token", strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := d.client().Do(req)
	if err != nil {
		return "", fmt.Errorf("docusign: token: %w", err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
		Error       string `json:"error"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&tok); err != nil || resp.StatusCode != http.StatusOK || tok.AccessToken == "" {
		return "", fmt.Errorf("docusign: token: status %d %s", resp.StatusCode, tok.Error)
	}
	d.token, d.expires = tok.AccessToken, now.Add(time.Duration(tok.ExpiresIn)*time.Second)
	return d.token, nil
}

func parseRSAKey(p []byte) (*rsa.PrivateKey, error) {
	b, _ := pem.Decode(p)
	if b == nil {
		return nil, errors.New("docusign: the RSA key is not PEM")
	}
	if k, err := x509.ParsePKCS1PrivateKey(b.Bytes); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKCS8PrivateKey(b.Bytes)
	if err != nil {
		return nil, fmt.Errorf("docusign: the RSA key: %w", err)
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, errors.New("docusign: the key is not RSA")
	}
	return rk, nil
}

// api calls the account's REST API with a bearer token.
func (d *DocuSign) api(ctx context.Context, method, path string, body any) ([]byte, error) {
	tok, err := d.accessToken(ctx)
	if err != nil {
		return nil, err
	}
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(b)
	}
	u := strings.TrimRight(d.BaseURL, "/") + "/v2.1/accounts/" + url.PathEscape(d.AccountID) + path
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := d.client().Do(req)
	if err != nil {
		return nil, fmt.Errorf("docusign: %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 50<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode >= 300 {
		var e struct {
			Code    string `json:"errorCode"`
			Message string `json:"message"`
		}
		_ = json.Unmarshal(b, &e)
		return nil, fmt.Errorf("docusign: %s %s: %d %s: %s", method, path, resp.StatusCode, e.Code, e.Message)
	}
	return b, nil
}

// Send implements Provider: an envelope with the PDF, one signer per
// recipientId ("1".."n", strings as DocuSign wants) in routingOrder, a sign
// here tab, and Connect (JSON SIM, HMAC) callbacks to Roster.
func (d *DocuSign) Send(ctx context.Context, r *SendRequest) (*SendResult, error) {
	signers := make([]map[string]any, 0, len(r.Contract.Signers))
	ids := make([]string, 0, len(r.Contract.Signers))
	for i, g := range r.Contract.Signers {
		id := strconv.Itoa(i + 1)
		ids = append(ids, id)
		signers = append(signers, map[string]any{"email": g.Email, "name": g.Name, "recipientId": id, "routingOrder": strconv.Itoa(g.Order),
			"tabs": map[string]any{"signHereTabs": []any{map[string]any{"documentId": "1", "pageNumber": "1", "xPosition": "72", "yPosition": "700"}}}})
	}
	env := map[string]any{
		"emailSubject": r.Subject, "emailBlurb": r.Message, "status": "sent",
		"documents":  []any{map[string]any{"documentBase64": base64.StdEncoding.EncodeToString(r.PDF), "documentId": "1", "name": r.Contract.Name, "fileExtension": "pdf"}},
		"recipients": map[string]any{"signers": signers},
		"eventNotification": map[string]any{
			"url": r.CallbackURL, "requireAcknowledgment": "true", "includeHMAC": "true", "loggingEnabled": "true", "deliveryMode": "SIM",
			"events":    []string{"envelope-sent", "envelope-delivered", "envelope-completed", "envelope-declined", "envelope-voided", "recipient-delivered", "recipient-completed", "recipient-declined"},
			"eventData": map[string]any{"version": "restv2.1", "format": "json", "includeData": []string{"recipients"}},
		},
	}
	b, err := d.api(ctx, http.MethodPost, "/envelopes", env)
	if err != nil {
		return nil, err
	}
	var out struct {
		EnvelopeID string `json:"envelopeId"`
	}
	if err := json.Unmarshal(b, &out); err != nil || out.EnvelopeID == "" {
		return nil, fmt.Errorf("docusign: send: unexpected answer %.200s", b)
	}
	return &SendResult{RequestID: out.EnvelopeID, SignerIDs: ids}, nil
}

// Void implements Provider: PUT the envelope with status voided.
func (d *DocuSign) Void(ctx context.Context, requestID, reason string) error {
	_, err := d.api(ctx, http.MethodPut, "/envelopes/"+url.PathEscape(requestID), map[string]any{"status": "voided", "voidedReason": reason})
	return err
}

// Remind implements Provider: resend the envelope to its current signers.
func (d *DocuSign) Remind(ctx context.Context, requestID string, emails []string) error {
	_, err := d.api(ctx, http.MethodPut, "/envelopes/"+url.PathEscape(requestID)+"?resend_envelope=true", map[string]any{})
	return err
}

// Download implements Provider: GET documents/combined.
func (d *DocuSign) Download(ctx context.Context, requestID string) ([]byte, error) {
	b, err := d.api(ctx, http.MethodGet, "/envelopes/"+url.PathEscape(requestID)+"/documents/combined", nil)
	return pdfFrom("docusign", b, err)
}

// ParseWebhook implements WebhookParser: any X-DocuSign-Signature-N header
// must equal base64(HMAC-SHA256(Connect key, raw body)), compared in
// constant time.
func (d *DocuSign) ParseWebhook(w WebhookDelivery) (*ProviderEvent, string, error) {
	mac := hmac.New(sha256.New, []byte(d.ConnectKey))
	mac.Write(w.Body)
	want := mac.Sum(nil)
	ok := false
	for name, vals := range w.Header {
		if !strings.HasPrefix(strings.ToLower(name), "x-docusign-signature-") {
			continue
		}
		for _, v := range vals {
			if got, err := base64.StdEncoding.DecodeString(strings.TrimSpace(v)); err == nil && hmac.Equal(got, want) {
				ok = true
			}
		}
	}
	if !ok || d.ConnectKey == "" {
		return nil, "", ErrBadSignature
	}
	var cb struct {
		Event string `json:"event"`
		Data  struct {
			EnvelopeID  string `json:"envelopeId"`
			RecipientID string `json:"recipientId"`
			Summary     struct {
				Recipients struct {
					Signers []struct {
						RecipientID    string `json:"recipientId"`
						DeclinedReason string `json:"declinedReason"`
					} `json:"signers"`
				} `json:"recipients"`
			} `json:"envelopeSummary"`
		} `json:"data"`
	}
	if err := json.Unmarshal(w.Body, &cb); err != nil {
		return nil, "", fmt.Errorf("docusign: callback: %w", err)
	}
	ev := &ProviderEvent{RequestID: cb.Data.EnvelopeID, SignerID: cb.Data.RecipientID, Name: cb.Event}
	for _, s := range cb.Data.Summary.Recipients.Signers {
		if s.DeclinedReason != "" {
			ev.Reason = s.DeclinedReason
			if ev.SignerID == "" {
				ev.SignerID = s.RecipientID
			}
		}
	}
	switch cb.Event {
	case "recipient-delivered":
		ev.Kind = ProviderViewed
	case "recipient-completed":
		ev.Kind = ProviderSigned
	case "envelope-completed":
		ev.Kind = ProviderCompleted
	case "recipient-declined", "envelope-declined":
		ev.Kind = ProviderDeclined
	case "envelope-voided":
		ev.Kind = ProviderVoided
	default:
		ev.Kind = ProviderOther
	}
	return ev, "", nil
}
