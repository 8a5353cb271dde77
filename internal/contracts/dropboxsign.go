package contracts

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// DropboxSign is the Dropbox Sign (HelloSign) API v3 adapter: requests
// are sent with the PDF in files[0] and basic auth with the API key;
// callbacks are multipart with a json field, authenticated by event_hash =
// hex(HMAC-SHA256(API key, event_time + event_type)) and answered with
// "Hello API Event Received".
type DropboxSign struct {
	// BaseURL is the API base with its version path
	// (https://api.hellosign.com/v3).
	BaseURL string
	APIKey  string
	Client  *http.Client
}

// DropboxSignReply is the body Dropbox Sign requires from a callback's
// receiver; anything else counts as a failed delivery.
const DropboxSignReply = "Hello API Event Received"

// Name implements Provider.
func (*DropboxSign) Name() string { return ProviderDropboxSign }

func (d *DropboxSign) do(ctx context.Context, method, path, contentType string, body io.Reader) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(d.BaseURL, "/")+path, body)
	if err != nil {
		return nil, err
	}
	req.SetBasicAuth(d.APIKey, "")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	client := d.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("dropbox sign: %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 50<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode >= 300 {
		var e struct {
			Error struct {
				Msg  string `json:"error_msg"`
				Name string `json:"error_name"`
			} `json:"error"`
		}
		_ = json.Unmarshal(b, &e)
		return nil, fmt.Errorf("dropbox sign: %s %s: %d %s: %s", method, path, resp.StatusCode, e.Error.Name, e.Error.Msg)
	}
	return b, nil
}

// Send implements Provider: POST /signature_request/send, multipart, the
// signers with their order, the PDF as files[0].
func (d *DropboxSign) Send(ctx context.Context, r *SendRequest) (*SendResult, error) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	field := func(k, v string) { _ = mw.WriteField(k, v) }
	field("title", r.Contract.Name)
	field("subject", r.Subject)
	if r.Message != "" {
		field("message", r.Message)
	}
	field("metadata[contract_id]", r.Contract.ID)
	if r.Contract.ExpiresAt != nil {
		field("expires_at", strconv.FormatInt(r.Contract.ExpiresAt.Unix(), 10))
	}
	field("allow_decline", "1")
	for i, g := range r.Contract.Signers {
		p := fmt.Sprintf("signers[%d]", i)
		field(p+"[name]", g.Name)
		field(p+"[email_address]", g.Email)
		field(p+"[order]", strconv.Itoa(g.Order-1))
	}
	fw, err := mw.CreateFormFile("files[0]", fileName(r.Contract.Name, "original"))
	if err != nil {
		return nil, err
	}
	if _, err := fw.Write(r.PDF); err != nil {
		return nil, err
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	b, err := d.do(ctx, http.MethodPost, "/signature_request/send", mw.FormDataContentType(), &buf)
	if err != nil {
		return nil, err
	}
	var out struct {
		Request struct {
			ID         string `json:"signature_request_id"`
			Signatures []struct {
				ID    string `json:"signature_id"`
				Email string `json:"signer_email_address"`
			} `json:"signatures"`
		} `json:"signature_request"`
	}
	if err := json.Unmarshal(b, &out); err != nil || out.Request.ID == "" {
		return nil, fmt.Errorf("dropbox sign: send: unexpected answer %.200s", b)
	}
	res := &SendResult{RequestID: out.Request.ID, SignerIDs: make([]string, len(r.Contract.Signers))}
	used := map[int]bool{}
	for i, g := range r.Contract.Signers {
		for j, sg := range out.Request.Signatures {
			if !used[j] && strings.EqualFold(sg.Email, g.Email) {
				res.SignerIDs[i], used[j] = sg.ID, true
				break
			}
		}
	}
	return res, nil
}

// Void implements Provider: POST /signature_request/cancel/{id}.
func (d *DropboxSign) Void(ctx context.Context, requestID, reason string) error {
	_, err := d.do(ctx, http.MethodPost, "/signature_request/cancel/"+url.PathEscape(requestID), "", nil)
	return err
}

// Remind implements Provider: POST /signature_request/remind/{id} per
// pending signer.
func (d *DropboxSign) Remind(ctx context.Context, requestID string, emails []string) error {
	for _, e := range emails {
		form := url.Values{"email_address": {e}}
		if _, err := d.do(ctx, http.MethodPost, "/signature_request/remind/"+url.PathEscape(requestID), "application/x-www-form-urlencoded", strings.NewReader(form.Encode())); err != nil {
			return err
		}
	}
	return nil
}

// Download implements Provider: GET /signature_request/files/{id}?file_type=pdf.
func (d *DropboxSign) Download(ctx context.Context, requestID string) ([]byte, error) {
	b, err := d.do(ctx, http.MethodGet, "/signature_request/files/"+url.PathEscape(requestID)+"?file_type=pdf", "", nil)
	return pdfFrom("dropbox sign", b, err)
}

// ParseWebhook implements WebhookParser. The event JSON comes in the
// multipart field "json" (or as the whole body); its event_hash must be
// hex(HMAC-SHA256(API key, event_time + event_type)), compared in constant
// time.
func (d *DropboxSign) ParseWebhook(w WebhookDelivery) (*ProviderEvent, string, error) {
	raw := w.Body
	if mt, params, err := mime.ParseMediaType(w.ContentType); err == nil && strings.HasPrefix(mt, "multipart/") {
		form, err := multipart.NewReader(bytes.NewReader(w.Body), params["boundary"]).ReadForm(10 << 20)
		if err != nil || len(form.Value["json"]) == 0 {
			return nil, "", ErrBadSignature
		}
		raw = []byte(form.Value["json"][0])
	}
	var cb struct {
		Event struct {
			Time     string `json:"event_time"`
			Type     string `json:"event_type"`
			Hash     string `json:"event_hash"`
			Metadata struct {
				SignatureID string `json:"related_signature_id"`
				Message     string `json:"event_message"`
			} `json:"event_metadata"`
		} `json:"event"`
		Request struct {
			ID string `json:"signature_request_id"`
		} `json:"signature_request"`
	}
	if err := json.Unmarshal(raw, &cb); err != nil {
		return nil, "", ErrBadSignature
	}
	mac := hmac.New(sha256.New, []byte(d.APIKey))
	mac.Write([]byte(cb.Event.Time + cb.Event.Type))
	got, err := hex.DecodeString(cb.Event.Hash)
	if err != nil || !hmac.Equal(got, mac.Sum(nil)) {
		return nil, "", ErrBadSignature
	}
	ev := &ProviderEvent{RequestID: cb.Request.ID, SignerID: cb.Event.Metadata.SignatureID, Reason: cb.Event.Metadata.Message, Name: cb.Event.Type}
	switch cb.Event.Type {
	case "signature_request_viewed":
		ev.Kind = ProviderViewed
	case "signature_request_signed":
		ev.Kind = ProviderSigned
	case "signature_request_all_signed", "signature_request_downloadable":
		ev.Kind = ProviderCompleted
	case "signature_request_declined":
		ev.Kind = ProviderDeclined
	case "signature_request_canceled":
		ev.Kind = ProviderVoided
	case "signature_request_expired":
		ev.Kind = ProviderExpired
	default:
		ev.Kind = ProviderOther
	}
	return ev, DropboxSignReply, nil
}
