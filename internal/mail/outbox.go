package mail

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/roster-crm/roster/internal/store"
)

// OutboxLimit is how many messages the outbox list shows, newest first.
const OutboxLimit = 200

// Email is one message of the outbox as Settings shows it.
type Email struct {
	ID        string
	Kind      Kind
	Driver    Driver
	Status    Status
	From      string
	To        []string
	Cc        []string
	ReplyTo   string
	Subject   string
	Body      string
	MessageID string
	// IdempotencyKey is the caller's key, empty when none was given.
	IdempotencyKey string
	Error          string
	CreatedAt      time.Time
	UpdatedAt      time.Time
	// Revealed reports that Body is the whole body, secrets included
	// (opened from its sealed copy); otherwise secrets show as SecretMask.
	Revealed bool
}

func emailFrom(e *store.OutboxEmail) *Email {
	out := &Email{ID: e.ID, Kind: Kind(e.Kind), Driver: Driver(e.Driver), Status: Status(e.Status), From: e.FromAddress,
		To: splitList(e.ToAddresses), Cc: splitList(e.CcAddresses), ReplyTo: e.ReplyTo, Subject: e.Subject, Body: e.Body,
		MessageID: e.MessageID, Error: e.Error, CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt}
	if e.IdempotencyKey != nil {
		out.IdempotencyKey = *e.IdempotencyKey
	}
	return out
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ", ")
}

// List returns the workspace's newest OutboxLimit messages, bodies masked.
// Callers check auth.RequireAdmin first: messages can hold invite links.
func (s *Service) List(ctx context.Context, workspaceID string) ([]*Email, error) {
	rows, err := s.cfg.Store.OutboxEmailList(ctx, &store.OutboxEmailListParams{WorkspaceID: workspaceID, Limit: OutboxLimit})
	if err != nil {
		return nil, fmt.Errorf("mail: list outbox: %w", err)
	}
	out := make([]*Email, len(rows))
	for i, e := range rows {
		out[i] = emailFrom(e)
	}
	return out, nil
}

// Get returns one message of the workspace, or crm.ErrNotFound. A message
// the log driver kept with secrets comes back whole (Revealed) when the
// sealer can open it, so an admin can pass an unsent invite link on.
// Callers check auth.RequireAdmin first.
func (s *Service) Get(ctx context.Context, workspaceID, id string) (*Email, error) {
	e, err := s.cfg.Store.OutboxEmailGet(ctx, workspaceID, id)
	if err != nil {
		return nil, fmt.Errorf("mail: get outbox email: %w", err)
	}
	out := emailFrom(e)
	if e.SealedBody != nil && s.cfg.Sealer != nil {
		// A body sealed under a key that has since been dropped stays
		// masked: the links in it have expired by then anyway.
		if body, err := s.cfg.Sealer.Open(*e.SealedBody, sealedAD(workspaceID)); err == nil {
			out.Body, out.Revealed = string(body), true
		}
	}
	return out, nil
}
