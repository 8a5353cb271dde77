package workflow

import (
	"context"

	"github.com/roster-crm/roster/internal/crm"
)

// WEBHOOK: settings {authentication: null | "API_KEY"}. A run starts from a
// POST (or GET) to /webhooks/workflows/{workspaceId}/{workflowId}; the JSON
// body (or the query parameters of a GET) is {{trigger.body.*}}.

// Webhook authentication modes.
const (
	WebhookAuthNone   = ""
	WebhookAuthAPIKey = "API_KEY"
)

type webhookTrigger struct{}

func (webhookTrigger) check(ctx context.Context, s *Service, workspaceID string, t *Trigger) error {
	a, err := settingString(t, "authentication")
	if err != nil {
		return err
	}
	if a != WebhookAuthNone && a != WebhookAuthAPIKey {
		return triggerErr("authentication", crm.CodeInvalidEnum, "authentication must be null or \"API_KEY\", not %q", a)
	}
	return nil
}

func (webhookTrigger) schema(ctx context.Context, s *Service, workspaceID string, t *Trigger) (*Schema, error) {
	return Object(map[string]*Schema{
		"body":   OpenObject("request body"),
		"query":  OpenObject("query parameters"),
		"method": Scalar(TypeString),
	}), nil
}
