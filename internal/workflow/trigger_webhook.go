package workflow

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"net/url"

	"github.com/google/uuid"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
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

// MaxWebhookBytes is the largest body a workflow webhook accepts.
const MaxWebhookBytes = 1 << 20

// ErrWebhookTooLarge refuses a body over MaxWebhookBytes (413).
var ErrWebhookTooLarge error = &crm.Error{Cause: crm.ErrInvalid, Code: crm.CodeBodyTooLarge, Message: "the body is over 1 MiB"}

// WebhookCall is one request to /webhooks/workflows/{workspaceId}/{workflowId}.
type WebhookCall struct {
	WorkspaceID string
	WorkflowID  string
	Method      string
	// Body is the request body (POST); Query the query parameters (GET).
	Body  []byte
	Query url.Values
	// Caller is who the request authenticated as (an API key), or nil.
	Caller *auth.Principal
	// IdempotencyKey, from the Idempotency-Key header, makes a retried
	// call find the run the first one started.
	IdempotencyKey string
}

// TriggerWebhook starts a run of the workflow's active WEBHOOK version and
// returns its ID. No active webhook version is crm.ErrNotFound (404); a
// version that requires an API key refuses a call without the workspace's
// key with crm.ErrUnauthenticated (401); a body that is not JSON is
// crm.ErrInvalid (400).
func (s *Service) TriggerWebhook(ctx context.Context, c WebhookCall) (string, error) {
	notFound := &crm.Error{Cause: crm.ErrNotFound, Code: crm.CodeNotFound, Message: "no active webhook workflow here"}
	if _, err := uuid.Parse(c.WorkspaceID); err != nil {
		return "", notFound
	}
	if _, err := uuid.Parse(c.WorkflowID); err != nil {
		return "", notFound
	}
	v, err := s.store.WorkflowVersionActiveOf(ctx, nil, c.WorkspaceID, c.WorkflowID)
	if errors.Is(err, crm.ErrNotFound) || (err == nil && v.TriggerType != TriggerWebhook) {
		return "", notFound
	}
	if err != nil {
		return "", err
	}
	var t Trigger
	if err := strictJSON(v.Trigger, &t); err != nil {
		return "", errorf("webhook trigger", err)
	}
	if a, _ := settingString(&t, "authentication"); a == WebhookAuthAPIKey && (c.Caller == nil || c.Caller.WorkspaceID != c.WorkspaceID) {
		return "", &crm.Error{Cause: crm.ErrUnauthenticated, Code: crm.CodeUnauthenticated,
			Message: "this workflow's webhook requires the workspace's API key as \"Authorization: Bearer KEY\""}
	}
	if len(c.Body) > MaxWebhookBytes {
		return "", ErrWebhookTooLarge
	}
	var body any = map[string]any{}
	if c.Method == "GET" {
		q := map[string]any{}
		for k, vs := range c.Query {
			if len(vs) == 1 {
				q[k] = vs[0]
			} else {
				list := make([]any, len(vs))
				for i, x := range vs {
					list[i] = x
				}
				q[k] = list
			}
		}
		body = q
	} else if len(bytes.TrimSpace(c.Body)) > 0 {
		if err := json.Unmarshal(c.Body, &body); err != nil {
			return "", crm.Invalid("body", crm.CodeInvalidValue, "the body is not JSON: %v", err)
		}
	}
	query := map[string]any{}
	for k := range c.Query {
		query[k] = c.Query.Get(k)
	}
	key := ""
	if c.IdempotencyKey != "" {
		if len(c.IdempotencyKey) > 200 {
			return "", crm.Invalid("Idempotency-Key", crm.CodeInvalidValue, "at most 200 characters")
		}
		key = "webhook:" + c.IdempotencyKey
	}
	var id string
	err = s.store.InTx(ctx, func(tx *sql.Tx) error {
		id, err = s.startRun(ctx, tx, startParams{version: v, eventKey: key, depth: 1,
			payload: map[string]any{"body": body, "query": query, "method": c.Method},
			actor:   crm.Actor{Source: crm.SourceWorkflow, Name: "Webhook"}})
		return err
	})
	if err != nil {
		return "", err
	}
	if id == "" {
		// A retried call with the same Idempotency-Key: its first run.
		row, err := s.runByEventKey(ctx, v, key)
		if err != nil {
			return "", err
		}
		id = row
	}
	return id, nil
}

// runByEventKey finds the run an event key started.
func (s *Service) runByEventKey(ctx context.Context, v *store.WorkflowVersion, key string) (string, error) {
	return s.store.WorkflowRunIDByEventKey(ctx, v.WorkspaceID, v.ID, key)
}
