package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/roster-crm/roster/internal/crm"
)

// Inbox states of a received webhook.
const (
	InboxPending   = "pending"
	InboxProcessed = "processed"
	InboxIgnored   = "ignored" // stored and acknowledged, but a type Roster does not act on
	InboxFailed    = "failed"
)

// WhopInboxEvent is a verified webhook as received, kept durably before the
// 2xx so that nothing acknowledged can be lost.
type WhopInboxEvent struct {
	ID          string
	WorkspaceID string
	WebhookID   string
	EventType   string
	APIVersion  string
	Payload     []byte
	Status      string
	Error       string
	Attempts    int
	ReceivedAt  time.Time
	ProcessedAt *time.Time
}

// WhopInboxInsert stores an event unless the workspace already has one with
// the same webhook-id; it reports whether it was new. Whop redelivers with
// the same webhook-id, so duplicates do nothing.
func (s *Store) WhopInboxInsert(ctx context.Context, tx *sql.Tx, e *WhopInboxEvent) (bool, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO whop_webhook_inbox (id, workspace_id, webhook_id, event_type, api_version, payload, status, received_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (workspace_id, webhook_id) DO NOTHING`,
		e.ID, e.WorkspaceID, e.WebhookID, e.EventType, e.APIVersion, string(e.Payload), e.Status, s.Dialect.Time(e.ReceivedAt))
	if err != nil {
		return false, fmt.Errorf("store: insert webhook: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: insert webhook: %w", err)
	}
	return n == 1, nil
}

// WhopInboxGet returns one stored event of the workspace.
func (s *Store) WhopInboxGet(ctx context.Context, q Querier, workspaceID, id string) (*WhopInboxEvent, error) {
	if q == nil {
		q = s.Read
	}
	e := &WhopInboxEvent{}
	var payload string
	err := q.QueryRowContext(ctx, `SELECT id, workspace_id, webhook_id, event_type, api_version, payload, status, error, attempts, received_at, processed_at
		FROM whop_webhook_inbox WHERE workspace_id = $1 AND id = $2`, workspaceID, id).Scan(&e.ID, &e.WorkspaceID, &e.WebhookID, &e.EventType,
		&e.APIVersion, &payload, &e.Status, &e.Error, &e.Attempts, TimeScanner{&e.ReceivedAt}, NullTimeScanner{&e.ProcessedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &crm.Error{Cause: crm.ErrNotFound, Code: crm.CodeNotFound, Message: fmt.Sprintf("webhook event %q not found", id)}
	}
	if err != nil {
		return nil, fmt.Errorf("store: get webhook: %w", err)
	}
	e.Payload = []byte(payload)
	return e, nil
}

// WhopInboxMark records the outcome of processing an event.
func (s *Store) WhopInboxMark(ctx context.Context, q Querier, e *WhopInboxEvent) error {
	_, err := q.ExecContext(ctx, `UPDATE whop_webhook_inbox SET status = $1, error = $2, attempts = $3, processed_at = $4 WHERE workspace_id = $5 AND id = $6`,
		e.Status, e.Error, e.Attempts, s.Dialect.NullTime(e.ProcessedAt), e.WorkspaceID, e.ID)
	if err != nil {
		return fmt.Errorf("store: mark webhook: %w", err)
	}
	return nil
}
