package whop

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// Routes of the webhooks resource (Whop's v1 API, permission
// developer:manage_webhook).
const (
	routeCreateWebhook = "POST /webhooks"
	routeListWebhooks  = "GET /webhooks"
	routeDeleteWebhook = "DELETE /webhooks/{id}"
)

// Webhook is a webhook endpoint registered at Whop. WebhookSecret is
// returned only by the create call (later reads by API keys and OAuth
// tokens carry null), so it must be stored when the webhook is made.
type Webhook struct {
	ID             string    `json:"id"`
	URL            string    `json:"url"`
	APIVersion     string    `json:"api_version"`
	APIVersionDate *string   `json:"api_version_date"`
	Enabled        bool      `json:"enabled"`
	Events         []string  `json:"events"`
	ResourceID     string    `json:"resource_id"`
	WebhookSecret  *string   `json:"webhook_secret"`
	CreatedAt      time.Time `json:"created_at"`
}

// CreateWebhookParams is the body of POST /webhooks.
type CreateWebhookParams struct {
	// URL receives the deliveries.
	URL string
	// Events are the v1 event names to subscribe to (dot form).
	Events []string
	// ResourceID is the company (biz_...) the webhook belongs to; empty
	// means the client's company.
	ResourceID string
}

// CreateWebhook registers a webhook for the client's company, enabled, with
// v1 (Standard Webhooks) payloads pinned to the client's Api-Version-Date,
// so events carry the shapes this package reads. The call carries an
// Idempotency-Key, so a retried create does not make a second webhook.
func (c *Client) CreateWebhook(ctx context.Context, p CreateWebhookParams) (*Webhook, error) {
	resource := p.ResourceID
	if resource == "" {
		resource = c.companyID
	}
	body, err := json.Marshal(map[string]any{
		"url": p.URL, "events": p.Events, "enabled": true, "api_version": "v1",
		"api_version_date": c.versionDate, "resource_id": resource,
	})
	if err != nil {
		return nil, fmt.Errorf("whop: %s: encode: %w", routeCreateWebhook, err)
	}
	key, err := idempotencyKey()
	if err != nil {
		return nil, err
	}
	var w Webhook
	if err := c.do(ctx, request{method: http.MethodPost, endpoint: routeCreateWebhook, path: "/webhooks", body: body, idempotencyKey: key}, &w); err != nil {
		return nil, err
	}
	return &w, nil
}

// ListWebhooks fetches one page of the company's webhooks (account_id, as
// Whop's SDKs send it; company_id as well, which list endpoints accept with
// an API key).
func (c *Client) ListWebhooks(ctx context.Context, first int, after string) (*Page[Webhook], error) {
	q := c.listQuery(first, after)
	q.Set("account_id", c.companyID)
	return list[Webhook](ctx, c, routeListWebhooks, "/webhooks", q)
}

// DeleteWebhook removes a webhook. Whop answers true; a webhook that is
// already gone is a *APIError with ErrNotFound.
func (c *Client) DeleteWebhook(ctx context.Context, id string) error {
	if id == "" {
		return &APIError{Endpoint: routeDeleteWebhook, Status: http.StatusNotFound, Message: "empty id"}
	}
	var ok bool
	return c.do(ctx, request{method: http.MethodDelete, endpoint: routeDeleteWebhook, path: "/webhooks/" + url.PathEscape(id)}, &ok)
}

func idempotencyKey() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("whop: idempotency key: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}
