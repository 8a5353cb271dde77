package whopsync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"net/url"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/whop"
)

// TestEventType is the type of the event SendTestEvent delivers. Processing
// ignores it (it names no resource), so it changes nothing in the CRM.
const TestEventType = "roster.test"

// TestEventRefused is SendTestEvent's answer when the webhook intake refused
// the event: Reason is the intake's refusal (a *crm.Error), safe to show.
type TestEventRefused struct {
	Reason error
}

// Message is the refusal as a person reads it: the intake's message and
// the code of the check that failed.
func (e *TestEventRefused) Message() string {
	if ce, ok := crm.AsError(e.Reason); ok {
		return ce.Message + " (" + ce.Code + ")"
	}
	return e.Reason.Error()
}

func (e *TestEventRefused) Error() string {
	return "whopsync: the webhook intake refused the test event: " + e.Message()
}

func (e *TestEventRefused) Unwrap() error { return e.Reason }

// SendTestEvent proves the workspace's webhook set-up end to end without
// Whop: it builds a v1 event, signs it with the workspace's webhook secret
// (or the deployment-wide one) exactly as Whop would, and hands it to the
// webhook intake (AcceptWebhook) as a delivery to the workspace's URL. nil
// means the intake verified and stored it. A workspace that is not
// connected, or has no secret, is crm.ErrInvalid; a refusal by the intake
// is a *TestEventRefused.
func (s *Service) SendTestEvent(ctx context.Context, workspaceID string) error {
	conn, err := s.store.WhopConnectionGet(ctx, nil, workspaceID)
	if errors.Is(err, crm.ErrNotFound) {
		return crm.Invalid("", crm.CodeInvalidValue, "connect Whop first: test events go to a connected workspace")
	}
	if err != nil {
		return err
	}
	secret, err := s.open("webhook_secret", workspaceID, conn.WebhookSecretSealed)
	if err != nil {
		return err
	}
	if secret == "" {
		secret = s.cfg.WebhookSecret
	}
	if secret == "" {
		return crm.Invalid("webhookSecret", crm.CodeInvalidValue, "no webhook secret is set: reconnect with the webhook secret from Whop")
	}
	now := s.now()
	id := crm.NewID()
	body, err := json.Marshal(map[string]any{
		"id": "evt_roster_test_" + id, "api_version": "v1", "type": TestEventType,
		"timestamp": now.Format("2006-01-02T15:04:05.000Z07:00"), "company_id": conn.CompanyID,
		"data": map[string]any{"id": "test_" + id, "message": "Test event sent from Roster's settings page"},
	})
	if err != nil {
		return fmt.Errorf("whopsync: test event: %w", err)
	}
	header := whop.SignedHeader(secret, "msg_roster_test_"+id, now, body)
	header.Set("Content-Type", "application/json")
	_, err = s.AcceptWebhook(ctx, WebhookDelivery{WorkspaceID: workspaceID, Header: header, Body: body, RemoteIP: netip.AddrFrom4([4]byte{127, 0, 0, 1})})
	if _, refused := crm.AsError(err); refused {
		return &TestEventRefused{Reason: err}
	}
	return err
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
