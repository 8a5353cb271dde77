package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/roster-crm/roster/internal/crm"
)

// The statuses of a webhook delivery.
const (
	DeliveryPending   = "pending"
	DeliverySucceeded = "succeeded"
	DeliveryFailed    = "failed"
)

// WebhookDelivery is one event sent (or to be sent) to one webhook. ID is
// the webhook-id header of every attempt; Body is the signed JSON, resent
// byte for byte on a retry.
type WebhookDelivery struct {
	ID             string
	WorkspaceID    string
	WebhookID      string
	EventKey       string
	EventType      string
	Body           string
	Status         string
	Attempts       int
	LastStatusCode *int
	LastError      string
	NextAttemptAt  *time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

const deliveryColumns = `id, workspace_id, webhook_id, event_key, event_type, body, status, attempts, last_status_code, last_error,
next_attempt_at, created_at, updated_at`

func scanDelivery(sc rowScanner) (*WebhookDelivery, error) {
	d := &WebhookDelivery{}
	err := sc.Scan(&d.ID, &d.WorkspaceID, &d.WebhookID, &d.EventKey, &d.EventType, &d.Body, &d.Status, &d.Attempts, &d.LastStatusCode,
		&d.LastError, NullTimeScanner{&d.NextAttemptAt}, TimeScanner{&d.CreatedAt}, TimeScanner{&d.UpdatedAt})
	return d, err
}

// WebhookDeliveryCreate stores a delivery in tx and reports whether it is
// new. A delivery of the same event to the same webhook already stored (the
// event dispatch ran again) is left alone and false is returned, so the
// caller enqueues nothing.
func (s *Store) WebhookDeliveryCreate(ctx context.Context, tx *sql.Tx, d *WebhookDelivery) (bool, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO webhook_deliveries (`+deliveryColumns+`)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
ON CONFLICT (webhook_id, event_key) DO NOTHING`,
		d.ID, d.WorkspaceID, d.WebhookID, d.EventKey, d.EventType, d.Body, d.Status, d.Attempts, d.LastStatusCode, d.LastError,
		s.Dialect.NullTime(d.NextAttemptAt), s.Dialect.Time(d.CreatedAt), s.Dialect.Time(d.UpdatedAt))
	if err != nil {
		return false, fmt.Errorf("store: create webhook delivery: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: create webhook delivery: %w", err)
	}
	return n == 1, nil
}

// WebhookDeliveryGet returns one delivery of the workspace, or
// crm.ErrNotFound. q may be a transaction (nil: the read pool).
func (s *Store) WebhookDeliveryGet(ctx context.Context, q Querier, workspaceID, id string) (*WebhookDelivery, error) {
	if q == nil {
		q = s.Read
	}
	d, err := scanDelivery(q.QueryRowContext(ctx, `SELECT `+deliveryColumns+` FROM webhook_deliveries WHERE workspace_id = $1 AND id = $2`, workspaceID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &crm.Error{Cause: crm.ErrNotFound, Code: crm.CodeNotFound, Message: "webhook delivery not found"}
	}
	if err != nil {
		return nil, fmt.Errorf("store: get webhook delivery: %w", err)
	}
	return d, nil
}

// WebhookDeliveryListParams are the inputs of WebhookDeliveryList.
type WebhookDeliveryListParams struct {
	WorkspaceID string
	WebhookID   string
	// Before is the ID of the last delivery of the previous page (IDs are
	// time-ordered); empty starts with the newest.
	Before string
	Limit  int
}

// WebhookDeliveryList returns a webhook's deliveries, newest first.
func (s *Store) WebhookDeliveryList(ctx context.Context, p *WebhookDeliveryListParams) ([]*WebhookDelivery, error) {
	q := `SELECT ` + deliveryColumns + ` FROM webhook_deliveries WHERE workspace_id = $1 AND webhook_id = $2`
	args := []any{p.WorkspaceID, p.WebhookID}
	if p.Before != "" {
		q += ` AND id < $3`
		args = append(args, p.Before)
	}
	args = append(args, p.Limit)
	q += fmt.Sprintf(` ORDER BY id DESC LIMIT $%d`, len(args))
	return queryList(ctx, s.Read, "list webhook deliveries", scanDelivery, q, args...)
}

// WebhookDeliveryCount returns how many deliveries a webhook has.
func (s *Store) WebhookDeliveryCount(ctx context.Context, workspaceID, webhookID string) (int, error) {
	var n int
	err := s.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM webhook_deliveries WHERE workspace_id = $1 AND webhook_id = $2`, workspaceID, webhookID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: count webhook deliveries: %w", err)
	}
	return n, nil
}

// WebhookAttempt is one logged try of a delivery: what the target answered
// (StatusCode nil when there was no answer: refused, timed out) and how long
// it took. Response holds the start of the answer's body.
type WebhookAttempt struct {
	ID          string
	WorkspaceID string
	WebhookID   string
	DeliveryID  string
	Attempt     int
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

const attemptColumns = `id, workspace_id, webhook_id, delivery_id, attempt, manual, event_type, attempted_at, status_code, duration_ms,
success, error, response`

// WebhookAttemptRecordParams are the inputs of WebhookAttemptRecord.
type WebhookAttemptRecordParams struct {
	Attempt *WebhookAttempt
	// Status is the delivery's status after the attempt; NextAttemptAt is
	// when the next automatic attempt is due (nil: none).
	Status        string
	NextAttemptAt *time.Time
}

// WebhookAttemptRecord logs an attempt in tx and moves its delivery on
// (status, attempt count, last answer). It returns crm.ErrNotFound when the
// delivery is gone (its webhook was deleted meanwhile).
func (s *Store) WebhookAttemptRecord(ctx context.Context, tx *sql.Tx, p *WebhookAttemptRecordParams) error {
	a := p.Attempt
	res, err := tx.ExecContext(ctx, `UPDATE webhook_deliveries SET status = $1, attempts = $2, last_status_code = $3, last_error = $4,
next_attempt_at = $5, updated_at = $6 WHERE workspace_id = $7 AND id = $8`,
		p.Status, a.Attempt, a.StatusCode, a.Error, s.Dialect.NullTime(p.NextAttemptAt), s.Dialect.Time(a.AttemptedAt), a.WorkspaceID, a.DeliveryID)
	if err != nil {
		return fmt.Errorf("store: record webhook attempt: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("store: record webhook attempt: %w", err)
	} else if n == 0 {
		return &crm.Error{Cause: crm.ErrNotFound, Code: crm.CodeNotFound, Message: "webhook delivery not found"}
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO webhook_delivery_attempts (`+attemptColumns+`)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		a.ID, a.WorkspaceID, a.WebhookID, a.DeliveryID, a.Attempt, a.Manual, a.EventType, s.Dialect.Time(a.AttemptedAt), a.StatusCode,
		a.DurationMS, a.Success, a.Error, a.Response)
	if err != nil {
		return fmt.Errorf("store: record webhook attempt: %w", err)
	}
	return nil
}

// WebhookDeliverySetStatusParams are the inputs of WebhookDeliverySetStatus.
type WebhookDeliverySetStatusParams struct {
	WorkspaceID string
	ID          string
	Status      string
	Error       string
	Now         time.Time
}

// WebhookDeliverySetStatus ends or reopens a delivery without an attempt
// (its webhook was disabled; an admin asked for a redelivery).
func (s *Store) WebhookDeliverySetStatus(ctx context.Context, q Querier, p *WebhookDeliverySetStatusParams) error {
	_, err := q.ExecContext(ctx, `UPDATE webhook_deliveries SET status = $1, last_error = $2, next_attempt_at = NULL, updated_at = $3
WHERE workspace_id = $4 AND id = $5`, p.Status, p.Error, s.Dialect.Time(p.Now), p.WorkspaceID, p.ID)
	if err != nil {
		return fmt.Errorf("store: set webhook delivery status: %w", err)
	}
	return nil
}

// WebhookAttemptListParams are the inputs of WebhookAttemptList.
type WebhookAttemptListParams struct {
	WorkspaceID string
	WebhookID   string
	// DeliveryID narrows the log to one delivery.
	DeliveryID string
	Limit      int
}

// WebhookAttemptList returns a webhook's delivery log, newest first.
func (s *Store) WebhookAttemptList(ctx context.Context, p *WebhookAttemptListParams) ([]*WebhookAttempt, error) {
	q := `SELECT ` + attemptColumns + ` FROM webhook_delivery_attempts WHERE workspace_id = $1 AND webhook_id = $2`
	args := []any{p.WorkspaceID, p.WebhookID}
	if p.DeliveryID != "" {
		q += ` AND delivery_id = $3`
		args = append(args, p.DeliveryID)
	}
	args = append(args, p.Limit)
	q += fmt.Sprintf(` ORDER BY attempted_at DESC, id DESC LIMIT $%d`, len(args))
	return queryList(ctx, s.Read, "list webhook attempts", scanAttempt, q, args...)
}

func scanAttempt(sc rowScanner) (*WebhookAttempt, error) {
	a := &WebhookAttempt{}
	err := sc.Scan(&a.ID, &a.WorkspaceID, &a.WebhookID, &a.DeliveryID, &a.Attempt, &a.Manual, &a.EventType, TimeScanner{&a.AttemptedAt},
		&a.StatusCode, &a.DurationMS, &a.Success, &a.Error, &a.Response)
	return a, err
}

// WebhookDeliveryPruneParams are the inputs of WebhookDeliveryPrune.
type WebhookDeliveryPruneParams struct {
	WorkspaceID string
	// Before: finished deliveries created earlier are deleted.
	Before time.Time
	// Batch bounds the rows one call deletes, so a long backlog is removed
	// in short transactions.
	Batch int
}

// WebhookDeliveryPrune deletes up to Batch finished (succeeded or failed)
// deliveries of the workspace created before Before, with their attempts,
// and returns how many it deleted. Pending deliveries are kept whatever
// their age: their retries still need them.
func (s *Store) WebhookDeliveryPrune(ctx context.Context, p *WebhookDeliveryPruneParams) (int64, error) {
	res, err := s.Write.ExecContext(ctx, fmt.Sprintf(`DELETE FROM webhook_deliveries WHERE id IN
	(SELECT id FROM webhook_deliveries WHERE workspace_id = $1 AND created_at < $2 AND status <> $3 LIMIT %d)`, p.Batch),
		p.WorkspaceID, s.Dialect.Time(p.Before), DeliveryPending)
	if err != nil {
		return 0, fmt.Errorf("store: prune webhook deliveries: %w", err)
	}
	return res.RowsAffected()
}
