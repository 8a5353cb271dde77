package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/roster-crm/roster/internal/crm"
)

// OutboxEmail is one message of a workspace's email outbox: sent, failed,
// being sent, or kept unsent by the log driver. Addresses are stored as the
// comma-separated list the mailer validated.
type OutboxEmail struct {
	ID             string
	WorkspaceID    string
	Kind           string
	Driver         string
	Status         string
	FromAddress    string
	ToAddresses    string
	CcAddresses    string
	ReplyTo        string
	Subject        string
	Body           string
	SealedBody     *string
	MessageID      string
	IdempotencyKey *string
	Error          string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// OutboxEmailCreateParams are the inputs of OutboxEmailCreate: the message
// as it is kept (ID, CreatedAt and UpdatedAt are set by the store from Now).
type OutboxEmailCreateParams struct {
	Email *OutboxEmail
	Now   time.Time
}

const outboxEmailColumns = `id, workspace_id, kind, driver, status, from_address, to_addresses, cc_addresses, reply_to, subject, body,
sealed_body, message_id, idempotency_key, error, created_at, updated_at`

func scanOutboxEmail(sc interface{ Scan(...any) error }) (*OutboxEmail, error) {
	e := &OutboxEmail{}
	err := sc.Scan(&e.ID, &e.WorkspaceID, &e.Kind, &e.Driver, &e.Status, &e.FromAddress, &e.ToAddresses, &e.CcAddresses, &e.ReplyTo,
		&e.Subject, &e.Body, &e.SealedBody, &e.MessageID, &e.IdempotencyKey, &e.Error, TimeScanner{&e.CreatedAt}, TimeScanner{&e.UpdatedAt})
	return e, err
}

// OutboxEmailCreate stores a message and reports whether it was new. When
// the workspace already has a message with the same idempotency key nothing
// is written and the existing message is returned with false, so a retried
// caller finds what it did the first time.
func (s *Store) OutboxEmailCreate(ctx context.Context, p *OutboxEmailCreateParams) (*OutboxEmail, bool, error) {
	e := *p.Email
	e.ID, e.CreatedAt, e.UpdatedAt = crm.NewID(), p.Now.UTC(), p.Now.UTC()
	res, err := s.Write.ExecContext(ctx, `INSERT INTO email_outbox (`+outboxEmailColumns+`)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
ON CONFLICT (workspace_id, idempotency_key) DO NOTHING`,
		e.ID, e.WorkspaceID, e.Kind, e.Driver, e.Status, e.FromAddress, e.ToAddresses, e.CcAddresses, e.ReplyTo, e.Subject, e.Body,
		e.SealedBody, e.MessageID, e.IdempotencyKey, e.Error, s.Dialect.Time(e.CreatedAt), s.Dialect.Time(e.UpdatedAt))
	if err != nil {
		return nil, false, fmt.Errorf("store: create outbox email: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return nil, false, fmt.Errorf("store: create outbox email: %w", err)
	} else if n == 1 {
		return &e, true, nil
	}
	prev, err := scanOutboxEmail(s.Write.QueryRowContext(ctx, `SELECT `+outboxEmailColumns+` FROM email_outbox
WHERE workspace_id = $1 AND idempotency_key = $2`, e.WorkspaceID, e.IdempotencyKey))
	if err != nil {
		return nil, false, fmt.Errorf("store: create outbox email: read the earlier message: %w", err)
	}
	return prev, false, nil
}

// OutboxEmailSetStatusParams are the inputs of OutboxEmailSetStatus.
type OutboxEmailSetStatusParams struct {
	WorkspaceID string
	ID          string
	Status      string
	// From is the status the message must still have; empty means any.
	// Two retries of one failed message race on it: one wins.
	From string
	// UpdatedBefore, when set, also requires the message to be unchanged
	// since then: the claim on a message stuck in "sending" after a crash,
	// which only one of two concurrent retries wins (the first moves
	// updated_at to Now).
	UpdatedBefore *time.Time
	Error         string
	Now           time.Time
}

// OutboxEmailSetStatus moves a message to a new status and reports whether
// it did (false when From no longer matches).
func (s *Store) OutboxEmailSetStatus(ctx context.Context, p *OutboxEmailSetStatusParams) (bool, error) {
	q := `UPDATE email_outbox SET status = $1, error = $2, updated_at = $3
WHERE workspace_id = $4 AND id = $5 AND ($6 = '' OR status = $6)`
	args := []any{p.Status, p.Error, s.Dialect.Time(p.Now), p.WorkspaceID, p.ID, p.From}
	if p.UpdatedBefore != nil {
		q += ` AND updated_at < $7`
		args = append(args, s.Dialect.Time(*p.UpdatedBefore))
	}
	res, err := s.Write.ExecContext(ctx, q, args...)
	if err != nil {
		return false, fmt.Errorf("store: set outbox email status: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: set outbox email status: %w", err)
	}
	return n == 1, nil
}

// OutboxEmailGet returns one message of the workspace or crm.ErrNotFound
// (also for another workspace's message).
func (s *Store) OutboxEmailGet(ctx context.Context, workspaceID, id string) (*OutboxEmail, error) {
	e, err := scanOutboxEmail(s.Read.QueryRowContext(ctx, `SELECT `+outboxEmailColumns+` FROM email_outbox
WHERE workspace_id = $1 AND id = $2`, workspaceID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &crm.Error{Cause: crm.ErrNotFound, Code: crm.CodeNotFound, Message: "email not found"}
	}
	if err != nil {
		return nil, fmt.Errorf("store: get outbox email: %w", err)
	}
	return e, nil
}

// OutboxEmailListParams are the inputs of OutboxEmailList.
type OutboxEmailListParams struct {
	WorkspaceID string
	// Limit caps the rows returned, newest first.
	Limit int
}

// OutboxEmailList returns the workspace's newest messages first.
func (s *Store) OutboxEmailList(ctx context.Context, p *OutboxEmailListParams) ([]*OutboxEmail, error) {
	return queryList(ctx, s.Read, "list outbox emails", scanOutboxEmail, `SELECT `+outboxEmailColumns+` FROM email_outbox
WHERE workspace_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`, p.WorkspaceID, p.Limit)
}
