package whopsync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/whop"
)

// TestEventType is the type of the event SendTestEvent delivers. Processing
// ignores it (it names no resource), so it changes nothing in the CRM.
const TestEventType = "roster.test"

// SendTestEvent proves the workspace's webhook set-up end to end without
// Whop: it builds a v1 event, signs it with the workspace's webhook secret
// (or the deployment-wide one) exactly as Whop would, and delivers it to the
// workspace's webhook URL through the real webhook handler, in process. It
// returns the status the handler answered; a refusal (not 200) also comes
// back as an error carrying the handler's message, which is safe to show.
// A workspace that is not connected, or has no secret, is crm.ErrInvalid.
func (s *Service) SendTestEvent(ctx context.Context, workspaceID string) (int, error) {
	conn, err := s.store.WhopConnectionGet(ctx, nil, workspaceID)
	if errors.Is(err, crm.ErrNotFound) {
		return 0, crm.Invalid("", crm.CodeInvalidValue, "connect Whop first: test events go to a connected workspace")
	}
	if err != nil {
		return 0, err
	}
	secret, err := s.open("webhook_secret", workspaceID, conn.WebhookSecretSealed)
	if err != nil {
		return 0, err
	}
	if secret == "" {
		secret = s.cfg.WebhookSecret
	}
	if secret == "" {
		return 0, crm.Invalid("webhookSecret", crm.CodeInvalidValue, "no webhook secret is set: reconnect with the webhook secret from Whop")
	}
	now := s.now()
	id := crm.NewID()
	body, err := json.Marshal(map[string]any{
		"id": "evt_roster_test_" + id, "api_version": "v1", "type": TestEventType,
		"timestamp": now.Format("2006-01-02T15:04:05.000Z07:00"), "company_id": conn.CompanyID,
		"data": map[string]any{"id": "test_" + id, "message": "Test event sent from Roster's settings page"},
	})
	if err != nil {
		return 0, fmt.Errorf("whopsync: test event: %w", err)
	}
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, s.WebhookURL(workspaceID), strings.NewReader(string(body)))
	req.RemoteAddr = "127.0.0.1:0"
	req.SetPathValue("workspaceID", workspaceID)
	webhookID := "msg_roster_test_" + id
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(whop.HeaderWebhookID, webhookID)
	req.Header.Set(whop.HeaderWebhookTimestamp, fmt.Sprint(now.Unix()))
	req.Header.Set(whop.HeaderWebhookSignature, whop.SignStandard(secret, webhookID, now.Unix(), body))
	rec := httptest.NewRecorder()
	s.WebhookHandler().ServeHTTP(rec, req)
	if rec.Code == http.StatusOK {
		return rec.Code, nil
	}
	var answer struct {
		Error struct{ Message string } `json:"error"`
	}
	_ = json.Unmarshal(rec.Body.Bytes(), &answer)
	return rec.Code, fmt.Errorf("whopsync: the webhook endpoint refused the test event (%d): %s", rec.Code, answer.Error.Message)
}

// Where a workspace's webhook secret comes from, as WebhookSecretSource
// reports it.
const (
	SecretWorkspace  = "workspace"  // set when connecting this workspace
	SecretDeployment = "deployment" // WHOP_WEBHOOK_SECRET, shared by every workspace
)

// WebhookSecretSource tells whether webhooks of the workspace can be
// verified, and with which secret, without revealing it: SecretWorkspace,
// SecretDeployment, or "" when there is none (or no connection).
func (s *Service) WebhookSecretSource(ctx context.Context, workspaceID string) (string, error) {
	conn, err := s.store.WhopConnectionGet(ctx, nil, workspaceID)
	if errors.Is(err, crm.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	switch {
	case conn.WebhookSecretSealed != "":
		return SecretWorkspace, nil
	case s.cfg.WebhookSecret != "":
		return SecretDeployment, nil
	}
	return "", nil
}

// OAuthOrigin is the scheme and host of Whop's OAuth pages ("" when unset).
// The settings page allows its connect form to lead there: browsers apply a
// page's CSP form-action to every redirect the form's navigation follows,
// and /auth/whop redirects to Whop's consent page.
func (s *Service) OAuthOrigin() string {
	u, err := url.Parse(s.cfg.OAuthBaseURL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}
