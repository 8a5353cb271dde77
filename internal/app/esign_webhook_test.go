package app

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"mime/multipart"
	"net/http/httptest"
	"testing"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/config"
	"github.com/roster-crm/roster/internal/httpserver"
)

// TestESignWebhookIntake posts Dropbox Sign callbacks to the mounted route:
// a wrong event_hash is 401, a valid event (for a request Roster does not
// know) is acknowledged with the exact text Dropbox Sign requires, and a
// provider the server is not configured for is 404.
func TestESignWebhookIntake(t *testing.T) {
	const key = "a1b2c3"
	cfg := config.Config{DataDir: t.TempDir(), Addr: "127.0.0.1:0", BaseURL: "http://roster.test", EncryptionKey: bytes.Repeat([]byte{6}, 32),
		ESign: config.ESign{Provider: "dropboxsign", APIKey: key, BaseURL: "http://127.0.0.1:1/v3"}}
	a, err := open(context.Background(), cfg, slog.New(slog.DiscardHandler), openParams{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	srv := httpserver.New(httpserver.Config{Logger: slog.New(slog.DiscardHandler), Store: a.Store})
	if err := a.mount(srv); err != nil {
		t.Fatal(err)
	}
	ws, _, err := a.Auth.CreateWorkspace(context.Background(), auth.CreateWorkspaceParams{Name: "A", AdminEmail: "a@x.io", AdminPassword: "password-A"})
	if err != nil {
		t.Fatal(err)
	}
	post := func(provider, signKey string) (int, string) {
		mac := hmac.New(sha256.New, []byte(signKey))
		mac.Write([]byte("1700000000signature_request_all_signed"))
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		_ = mw.WriteField("json", `{"event":{"event_time":"1700000000","event_type":"signature_request_all_signed","event_hash":"`+hex.EncodeToString(mac.Sum(nil))+`"},"signature_request":{"signature_request_id":"unknown"}}`)
		_ = mw.Close()
		req := httptest.NewRequest("POST", "/webhooks/esign/"+provider+"/"+ws.ID, &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, req)
		return rec.Code, rec.Body.String()
	}
	if code, _ := post("dropboxsign", "wrong"); code != 401 {
		t.Errorf("wrong event_hash = %d; want 401", code)
	}
	if code, body := post("dropboxsign", key); code != 200 || body != "Hello API Event Received" {
		t.Errorf("valid callback = %d %q; want 200 and the exact reply", code, body)
	}
	if code, _ := post("docusign", key); code != 404 {
		t.Errorf("unconfigured provider = %d; want 404", code)
	}
}
