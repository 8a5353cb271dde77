package contracts_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// signedPDF is what the fakes hand back as the provider-signed document.
var signedPDF = []byte("%PDF-1.7\n% signed by the provider\n%%EOF\n")

// dropboxFake speaks Dropbox Sign's API v3 as its OpenAPI document says
// (reference/esign.md §4): basic auth with the API key as user name,
// multipart send with files[0] and signers[i][...], 4xx {"error": {...}},
// the signed file from /signature_request/files/{id}, and callbacks as
// multipart posts with a json field whose event_hash is
// hex(HMAC-SHA256(api key, event_time + event_type)).
type dropboxFake struct {
	t      *testing.T
	key    string
	srv    *httptest.Server
	mu     sync.Mutex
	sent   map[string][]string // request id -> signature ids
	files  map[string][]byte
	cancel map[string]bool
	n      int
}

func newDropboxFake(t *testing.T, key string) *dropboxFake {
	f := &dropboxFake{t: t, key: key, sent: map[string][]string{}, files: map[string][]byte{}, cancel: map[string]bool{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func dropboxError(w http.ResponseWriter, status int, name, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"error_msg": msg, "error_name": name}})
}

func (f *dropboxFake) serve(w http.ResponseWriter, r *http.Request) {
	user, pass, ok := r.BasicAuth()
	if !ok || user != f.key || pass != "" {
		dropboxError(w, 401, "unauthorized", "Unauthorized api key")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case r.Method == "POST" && r.URL.Path == "/v3/signature_request/send":
		if err := r.ParseMultipartForm(10 << 20); err != nil {
			dropboxError(w, 400, "bad_request", "multipart expected")
			return
		}
		file, _, err := r.FormFile("files[0]")
		if err != nil {
			dropboxError(w, 400, "bad_request", "files[0] is required")
			return
		}
		pdf, _ := io.ReadAll(file)
		if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
			dropboxError(w, 400, "bad_request", "files[0] is not a PDF")
			return
		}
		f.n++
		id := fmt.Sprintf("fa5c8a0b0f492d768749333ad6fcc214c111e%03d", f.n)
		var sigs []any
		for i := 0; ; i++ {
			email := r.FormValue(fmt.Sprintf("signers[%d][email_address]", i))
			if email == "" {
				break
			}
			if r.FormValue(fmt.Sprintf("signers[%d][name]", i)) == "" {
				dropboxError(w, 400, "bad_request", fmt.Sprintf("signers[%d][name] is required", i))
				return
			}
			sid := fmt.Sprintf("%s-sig%d", id, i)
			f.sent[id] = append(f.sent[id], sid)
			sigs = append(sigs, map[string]any{"signature_id": sid, "signer_email_address": email, "signer_name": r.FormValue(fmt.Sprintf("signers[%d][name]", i)),
				"order": r.FormValue(fmt.Sprintf("signers[%d][order]", i)), "status_code": "awaiting_signature"})
		}
		if len(sigs) == 0 {
			dropboxError(w, 400, "bad_request", "signers is required")
			return
		}
		f.files[id] = signedPDF
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"signature_request": map[string]any{
			"signature_request_id": id, "title": r.FormValue("title"), "is_complete": false, "is_declined": false, "has_error": false, "signatures": sigs}})
	case r.Method == "GET" && strings.HasPrefix(r.URL.Path, "/v3/signature_request/files/"):
		id := strings.TrimPrefix(r.URL.Path, "/v3/signature_request/files/")
		b, ok := f.files[id]
		if !ok || r.URL.Query().Get("file_type") != "pdf" {
			dropboxError(w, 404, "not_found", "Not found")
			return
		}
		w.Header().Set("Content-Type", "application/pdf")
		_, _ = w.Write(b)
	case r.Method == "POST" && strings.HasPrefix(r.URL.Path, "/v3/signature_request/cancel/"):
		f.cancel[strings.TrimPrefix(r.URL.Path, "/v3/signature_request/cancel/")] = true
		w.WriteHeader(200)
	case r.Method == "POST" && strings.HasPrefix(r.URL.Path, "/v3/signature_request/remind/"):
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"signature_request": {}}`)
	default:
		dropboxError(w, 404, "not_found", "Not found")
	}
}

// callback posts one event as Dropbox Sign does; key signs it (the API key,
// or a wrong one). It returns the status and the reply.
func (f *dropboxFake) callback(url, key, eventType, requestID, signatureID, message string) (int, string) {
	f.t.Helper()
	et := fmt.Sprint(time.Now().Unix())
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write([]byte(et + eventType))
	ev := map[string]any{"event": map[string]any{"event_time": et, "event_type": eventType, "event_hash": hex.EncodeToString(mac.Sum(nil)),
		"event_metadata": map[string]any{"related_signature_id": signatureID, "reported_for_account_id": "acct", "event_message": message}},
		"signature_request": map[string]any{"signature_request_id": requestID}}
	b, _ := json.Marshal(ev)
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("json", string(b))
	_ = mw.Close()
	resp, err := http.Post(url, mw.FormDataContentType(), &buf)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	reply, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(reply)
}

// docusignFake speaks DocuSign's OAuth JWT grant and eSignature REST v2.1
// as reference/esign.md §3.6 lists: /oauth/token checks the RS256
// assertion, envelopes take string IDs and need emailSubject to be sent,
// PUT voids, documents/combined returns the PDF, Connect callbacks are JSON
// SIM with X-DocuSign-Signature-1.
type docusignFake struct {
	t       *testing.T
	pub     *rsa.PublicKey
	account string
	srv     *httptest.Server
	mu      sync.Mutex
	status  map[string]string
	tokens  int
}

func newDocusignFake(t *testing.T, pub *rsa.PublicKey, account string) *docusignFake {
	f := &docusignFake{t: t, pub: pub, account: account, status: map[string]string{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func docusignError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"errorCode": code, "message": msg})
}

func (f *docusignFake) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.Method == "POST" && r.URL.Path == "/oauth/token" {
		if r.FormValue("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer" {
			w.WriteHeader(400)
			_, _ = io.WriteString(w, `{"error":"unsupported_grant_type"}`)
			return
		}
		tok, err := jwt.Parse(r.FormValue("assertion"), func(*jwt.Token) (any, error) { return f.pub, nil }, jwt.WithValidMethods([]string{"RS256"}))
		claims, _ := tok.Claims.(jwt.MapClaims)
		host := strings.TrimPrefix(f.srv.URL, "http://")
		if err != nil || claims["iss"] != "integration-key" || claims["sub"] != "user-guid" || claims["aud"] != host || claims["scope"] != "signature impersonation" {
			w.WriteHeader(400)
			_, _ = io.WriteString(w, `{"error":"invalid_grant"}`)
			return
		}
		f.tokens++
		_, _ = io.WriteString(w, `{"access_token":"ds-token","token_type":"Bearer","expires_in":3600}`)
		return
	}
	if r.Header.Get("Authorization") != "Bearer ds-token" {
		docusignError(w, 401, "AUTHORIZATION_INVALID_TOKEN", "The access token provided is expired, revoked or malformed.")
		return
	}
	base := "/restapi/v2.1/accounts/" + f.account + "/envelopes"
	switch {
	case r.Method == "POST" && r.URL.Path == base:
		var env struct {
			EmailSubject string `json:"emailSubject"`
			Status       string `json:"status"`
			Documents    []struct {
				DocumentBase64 string `json:"documentBase64"`
				DocumentID     string `json:"documentId"`
			} `json:"documents"`
			Recipients struct {
				Signers []map[string]any `json:"signers"`
			} `json:"recipients"`
			EventNotification struct {
				URL         string `json:"url"`
				IncludeHMAC string `json:"includeHMAC"`
			} `json:"eventNotification"`
		}
		if err := json.NewDecoder(r.Body).Decode(&env); err != nil {
			docusignError(w, 400, "INVALID_REQUEST_BODY", err.Error())
			return
		}
		if env.Status == "sent" && env.EmailSubject == "" {
			docusignError(w, 400, "ENVELOPE_IS_INCOMPLETE", "The Envelope is not Complete. A Complete Envelope Requires Documents, Recipients, Tabs, and a Subject Line.")
			return
		}
		pdf, _ := base64.StdEncoding.DecodeString(env.Documents[0].DocumentBase64)
		if len(env.Documents) != 1 || env.Documents[0].DocumentID != "1" || !bytes.HasPrefix(pdf, []byte("%PDF-")) || len(env.Recipients.Signers) == 0 {
			docusignError(w, 400, "INVALID_REQUEST_PARAMETER", "documents and signers are required")
			return
		}
		for _, s := range env.Recipients.Signers {
			if _, ok := s["recipientId"].(string); !ok {
				docusignError(w, 400, "INVALID_REQUEST_PARAMETER", "recipientId must be a string")
				return
			}
			if _, ok := s["routingOrder"].(string); !ok {
				docusignError(w, 400, "INVALID_REQUEST_PARAMETER", "routingOrder must be a string")
				return
			}
		}
		if env.EventNotification.IncludeHMAC != "true" || env.EventNotification.URL == "" {
			docusignError(w, 400, "INVALID_REQUEST_PARAMETER", "eventNotification with includeHMAC expected")
			return
		}
		id := fmt.Sprintf("93be49ab-afa0-4adf-933c-f752070d%04d", len(f.status)+1)
		f.status[id] = "sent"
		w.WriteHeader(201)
		_ = json.NewEncoder(w).Encode(map[string]any{"envelopeId": id, "status": "sent", "statusDateTime": time.Now().UTC().Format(time.RFC3339), "uri": "/envelopes/" + id})
	case r.Method == "PUT" && strings.HasPrefix(r.URL.Path, base+"/"):
		id := strings.TrimPrefix(r.URL.Path, base+"/")
		var body map[string]string
		_ = json.NewDecoder(r.Body).Decode(&body)
		if _, ok := f.status[id]; !ok {
			docusignError(w, 404, "ENVELOPE_DOES_NOT_EXIST", "The envelope specified either does not exist or you have no rights to it.")
			return
		}
		if body["status"] == "voided" {
			if body["voidedReason"] == "" {
				docusignError(w, 400, "INVALID_REQUEST_PARAMETER", "voidedReason is required")
				return
			}
			f.status[id] = "voided"
		}
		_, _ = io.WriteString(w, `{"envelopeId":"`+id+`"}`)
	case r.Method == "GET" && strings.HasSuffix(r.URL.Path, "/documents/combined"):
		w.Header().Set("Content-Type", "application/pdf")
		_, _ = w.Write(signedPDF)
	default:
		docusignError(w, 404, "NOT_FOUND", "not found")
	}
}

// connect posts a JSON SIM event signed with key.
func connect(t *testing.T, url, key, event, envelopeID, recipientID string) int {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"event": event, "apiVersion": "v2.1", "retryCount": 0, "configurationId": 12345,
		"generatedDateTime": time.Now().UTC().Format(time.RFC3339),
		"data":              map[string]any{"accountId": "acct", "envelopeId": envelopeID, "recipientId": recipientID}})
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write(body)
	req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-DocuSign-Signature-1", base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
