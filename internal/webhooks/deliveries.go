package webhooks

import (
	"context"
	"database/sql"
	"time"

	"github.com/riverqueue/river"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
)

// MaxLogPage bounds one page of deliveries or of the attempt log.
const MaxLogPage = 200

// Delivery is one event sent (or being sent) to one webhook, with its
// attempts newest first. ID is the webhook-id header the target sees.
type Delivery struct {
	ID             string
	WebhookID      string
	EventType      string
	Status         string
	Attempts       int
	LastStatusCode *int
	LastError      string
	NextAttemptAt  *time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
	// Body is the JSON sent, byte for byte.
	Body string
	Log  []*Attempt
}

// Attempt is one logged try of a delivery: what the target answered
// (StatusCode nil when it did not: refused, timed out) and how long it took.
// Response holds the start of the answer (MaxResponseLog).
type Attempt struct {
	ID         string
	DeliveryID string
	Attempt    int
	// Manual marks an admin's redelivery, outside the retry schedule.
	Manual      bool
	EventType   string
	AttemptedAt time.Time
	StatusCode  *int
	DurationMS  int64
	Success     bool
	Error       string
	Response    string
}

func attemptViews(list []*store.WebhookAttempt) []*Attempt {
	out := make([]*Attempt, 0, len(list))
	for _, a := range list {
		out = append(out, &Attempt{
			ID: a.ID, DeliveryID: a.DeliveryID, Attempt: a.Attempt, Manual: a.Manual, EventType: a.EventType, AttemptedAt: a.AttemptedAt,
			StatusCode: a.StatusCode, DurationMS: a.DurationMS, Success: a.Success, Error: a.Error, Response: a.Response,
		})
	}
	return out
}

// DeliveriesParams are the inputs of Deliveries.
type DeliveriesParams struct {
	WebhookID string
	// Before is the ID of the last delivery of the previous page.
	Before string
	// First caps the page (default 50, at most MaxLogPage).
	First int
}

// DeliveryPage is one page of a webhook's deliveries, newest first.
type DeliveryPage struct {
	Deliveries  []*Delivery
	HasNextPage bool
	TotalCount  int
}

func pageSize(n, def int) int {
	if n <= 0 {
		return def
	}
	return min(n, MaxLogPage)
}

// Deliveries returns a webhook's deliveries, newest first, each with its
// attempts. Admins only.
func (s *Service) Deliveries(ctx context.Context, p *auth.Principal, in DeliveriesParams) (*DeliveryPage, error) {
	if err := auth.RequireAdmin(p); err != nil {
		return nil, err
	}
	if _, err := s.store.WebhookGet(ctx, nil, p.WorkspaceID, in.WebhookID); err != nil {
		return nil, err
	}
	first := pageSize(in.First, 50)
	list, err := s.store.WebhookDeliveryList(ctx, &store.WebhookDeliveryListParams{WorkspaceID: p.WorkspaceID, WebhookID: in.WebhookID, Before: in.Before, Limit: first + 1})
	if err != nil {
		return nil, err
	}
	total, err := s.store.WebhookDeliveryCount(ctx, p.WorkspaceID, in.WebhookID)
	if err != nil {
		return nil, err
	}
	pg := &DeliveryPage{TotalCount: total, HasNextPage: len(list) > first}
	if pg.HasNextPage {
		list = list[:first]
	}
	for _, d := range list {
		log, err := s.store.WebhookAttemptList(ctx, &store.WebhookAttemptListParams{WorkspaceID: p.WorkspaceID, WebhookID: in.WebhookID, DeliveryID: d.ID, Limit: MaxAttempts * 4})
		if err != nil {
			return nil, err
		}
		pg.Deliveries = append(pg.Deliveries, deliveryView(d, attemptViews(log)))
	}
	return pg, nil
}

func deliveryView(d *store.WebhookDelivery, log []*Attempt) *Delivery {
	if log == nil {
		log = []*Attempt{}
	}
	return &Delivery{
		ID: d.ID, WebhookID: d.WebhookID, EventType: d.EventType, Status: d.Status, Attempts: d.Attempts, LastStatusCode: d.LastStatusCode,
		LastError: d.LastError, NextAttemptAt: d.NextAttemptAt, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt, Body: d.Body, Log: log,
	}
}

// Log returns a webhook's latest attempts across its deliveries, newest
// first: the delivery log of the settings page. Admins only.
func (s *Service) Log(ctx context.Context, p *auth.Principal, webhookID string, limit int) ([]*Attempt, error) {
	if err := auth.RequireAdmin(p); err != nil {
		return nil, err
	}
	if _, err := s.store.WebhookGet(ctx, nil, p.WorkspaceID, webhookID); err != nil {
		return nil, err
	}
	log, err := s.store.WebhookAttemptList(ctx, &store.WebhookAttemptListParams{WorkspaceID: p.WorkspaceID, WebhookID: webhookID, Limit: pageSize(limit, 50)})
	if err != nil {
		return nil, err
	}
	return attemptViews(log), nil
}

// RedeliverParams name the delivery to send again.
type RedeliverParams struct {
	DeliveryID string
	// WebhookID, when set, must be the delivery's webhook (a URL that
	// names both).
	WebhookID string
}

// Redeliver queues one more attempt of a delivery now, with the same
// webhook-id and body, whatever its status (also to a disabled webhook:
// an admin testing a fixed receiver before enabling it again). It does not
// change the retry schedule of a delivery still pending. Admins only.
func (s *Service) Redeliver(ctx context.Context, p *auth.Principal, in RedeliverParams) (*Delivery, error) {
	if err := auth.RequireAdmin(p); err != nil {
		return nil, err
	}
	d, err := s.store.WebhookDeliveryGet(ctx, nil, p.WorkspaceID, in.DeliveryID)
	if err == nil && in.WebhookID != "" && d.WebhookID != in.WebhookID {
		err = &crm.Error{Cause: crm.ErrNotFound, Code: crm.CodeNotFound, Message: "webhook delivery not found"}
	}
	if err != nil {
		return nil, err
	}
	err = s.store.InTx(ctx, func(tx *sql.Tx) error {
		return s.cfg.Queue.InsertTx(ctx, tx, DeliverArgs{WorkspaceID: p.WorkspaceID, DeliveryID: d.ID, Redelivery: crm.NewID()}, &river.InsertOpts{MaxAttempts: 1})
	})
	if err != nil {
		return nil, err
	}
	return deliveryView(d, nil), nil
}
