package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/roster-crm/roster/internal/crm"
)

// Webhook is a workspace's subscription of a target URL to record events.
// SecretSealed is the signing secret sealed by the webhooks service; the
// store never sees it in plain text.
type Webhook struct {
	ID           string
	WorkspaceID  string
	TargetURL    string
	Operations   []string
	Description  string
	SecretSealed string
	Enabled      bool
	// FailureCount counts failed attempts since the last success.
	FailureCount int
	// FailingSince is when the current run of failures began; nil after a
	// success.
	FailingSince *time.Time
	// DisabledReason says why Roster turned the webhook off (empty when an
	// admin did, or when it is enabled).
	DisabledReason string
	LastDeliveryAt *time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

const webhookColumns = `id, workspace_id, target_url, operations, description, secret_sealed, enabled, failure_count,
failing_since, disabled_reason, last_delivery_at, created_at, updated_at`

func scanWebhook(sc rowScanner) (*Webhook, error) {
	w := &Webhook{}
	var ops string
	err := sc.Scan(&w.ID, &w.WorkspaceID, &w.TargetURL, &ops, &w.Description, &w.SecretSealed, &w.Enabled, &w.FailureCount,
		NullTimeScanner{&w.FailingSince}, &w.DisabledReason, NullTimeScanner{&w.LastDeliveryAt}, TimeScanner{&w.CreatedAt}, TimeScanner{&w.UpdatedAt})
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(ops), &w.Operations); err != nil {
		return nil, fmt.Errorf("store: webhook %s operations: %w", w.ID, err)
	}
	return w, nil
}

func webhookNotFound() error {
	return &crm.Error{Cause: crm.ErrNotFound, Code: crm.CodeNotFound, Message: "webhook not found"}
}

// WebhookCreateParams are the inputs of WebhookCreate. The caller sets the
// webhook's ID (the sealed secret is bound to it); the store sets the times.
type WebhookCreateParams struct {
	Webhook *Webhook
	Now     time.Time
}

// WebhookCreate stores a new webhook in q (the transaction that also
// records it in the audit log).
func (s *Store) WebhookCreate(ctx context.Context, q Querier, p *WebhookCreateParams) (*Webhook, error) {
	w := *p.Webhook
	w.CreatedAt, w.UpdatedAt = p.Now.UTC(), p.Now.UTC()
	ops, err := json.Marshal(w.Operations)
	if err != nil {
		return nil, fmt.Errorf("store: create webhook: %w", err)
	}
	_, err = q.ExecContext(ctx, `INSERT INTO webhooks (`+webhookColumns+`)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		w.ID, w.WorkspaceID, w.TargetURL, string(ops), w.Description, w.SecretSealed, w.Enabled, w.FailureCount,
		s.Dialect.NullTime(w.FailingSince), w.DisabledReason, s.Dialect.NullTime(w.LastDeliveryAt), s.Dialect.Time(w.CreatedAt), s.Dialect.Time(w.UpdatedAt))
	if err != nil {
		return nil, fmt.Errorf("store: create webhook: %w", err)
	}
	return &w, nil
}

// WebhookGet returns one webhook of the workspace, or crm.ErrNotFound (also
// for another workspace's webhook). q may be a transaction.
func (s *Store) WebhookGet(ctx context.Context, q Querier, workspaceID, id string) (*Webhook, error) {
	if q == nil {
		q = s.Read
	}
	w, err := scanWebhook(q.QueryRowContext(ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE workspace_id = $1 AND id = $2`, workspaceID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, webhookNotFound()
	}
	if err != nil {
		return nil, fmt.Errorf("store: get webhook: %w", err)
	}
	return w, nil
}

// WebhookListParams are the inputs of WebhookList.
type WebhookListParams struct {
	WorkspaceID string
	// EnabledOnly leaves out disabled webhooks (event dispatch).
	EnabledOnly bool
	// After is the ID of the last webhook of the previous page. IDs are
	// time-ordered (UUIDv7), so the list is in creation order.
	After string
	// Limit caps the page; 0 means no limit.
	Limit int
}

// WebhookList returns the workspace's webhooks, oldest first.
func (s *Store) WebhookList(ctx context.Context, p *WebhookListParams) ([]*Webhook, error) {
	q := `SELECT ` + webhookColumns + ` FROM webhooks WHERE workspace_id = $1 AND id > $2`
	args := []any{p.WorkspaceID, p.After}
	if p.EnabledOnly {
		q += ` AND enabled = $3`
		args = append(args, true)
	}
	q += ` ORDER BY id`
	if p.Limit > 0 {
		args = append(args, p.Limit)
		q += fmt.Sprintf(` LIMIT $%d`, len(args))
	}
	return queryList(ctx, s.Read, "list webhooks", scanWebhook, q, args...)
}

// WebhookCount returns how many webhooks the workspace has.
func (s *Store) WebhookCount(ctx context.Context, workspaceID string) (int, error) {
	var n int
	if err := s.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM webhooks WHERE workspace_id = $1`, workspaceID).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count webhooks: %w", err)
	}
	return n, nil
}

// WebhookUpdateParams are the inputs of WebhookUpdate: the webhook's new
// editable fields, all written.
type WebhookUpdateParams struct {
	WorkspaceID string
	ID          string
	TargetURL   string
	Operations  []string
	Description string
	Enabled     bool
	// ResetFailures clears the failure count and run (an admin enabling a
	// webhook again starts it with a clean slate) and the disabled reason.
	ResetFailures bool
	Now           time.Time
}

// WebhookUpdate writes a webhook's editable fields in q and returns it, or
// crm.ErrNotFound.
func (s *Store) WebhookUpdate(ctx context.Context, q Querier, p *WebhookUpdateParams) (*Webhook, error) {
	ops, err := json.Marshal(p.Operations)
	if err != nil {
		return nil, fmt.Errorf("store: update webhook: %w", err)
	}
	query := `UPDATE webhooks SET target_url = $1, operations = $2, description = $3, enabled = $4, updated_at = $5`
	if p.ResetFailures {
		query += `, failure_count = 0, failing_since = NULL, disabled_reason = ''`
	}
	w, err := scanWebhook(q.QueryRowContext(ctx, query+` WHERE workspace_id = $6 AND id = $7 RETURNING `+webhookColumns,
		p.TargetURL, string(ops), p.Description, p.Enabled, s.Dialect.Time(p.Now), p.WorkspaceID, p.ID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, webhookNotFound()
	}
	if err != nil {
		return nil, fmt.Errorf("store: update webhook: %w", err)
	}
	return w, nil
}

// WebhookDelete removes a webhook with its deliveries and their log in q,
// and returns what it removed, or crm.ErrNotFound.
func (s *Store) WebhookDelete(ctx context.Context, q Querier, workspaceID, id string) (*Webhook, error) {
	w, err := scanWebhook(q.QueryRowContext(ctx, `DELETE FROM webhooks WHERE workspace_id = $1 AND id = $2 RETURNING `+webhookColumns, workspaceID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, webhookNotFound()
	}
	if err != nil {
		return nil, fmt.Errorf("store: delete webhook: %w", err)
	}
	return w, nil
}

// WebhookOutcomeParams are the inputs of WebhookOutcome.
type WebhookOutcomeParams struct {
	WorkspaceID string
	ID          string
	Success     bool
	Now         time.Time
}

// webhookSuccessEvery is how stale last_delivery_at may get: a success
// within it of the last recorded one writes nothing, so a burst of
// deliveries to one webhook does not queue on its row lock.
const webhookSuccessEvery = 5 * time.Second

// WebhookOutcome records one attempt's result on the webhook. A failure
// counts and starts the failure run if none is open, and returns the
// webhook as updated (crm.ErrNotFound when it was deleted meanwhile). A
// success clears the run and moves last_delivery_at, but only when there
// is something to change (a run to clear, or last_delivery_at older than a
// few seconds); it returns no webhook.
func (s *Store) WebhookOutcome(ctx context.Context, q Querier, p *WebhookOutcomeParams) (*Webhook, error) {
	if p.Success {
		_, err := q.ExecContext(ctx, `UPDATE webhooks SET failure_count = 0, failing_since = NULL, last_delivery_at = $1
WHERE workspace_id = $2 AND id = $3 AND (failure_count <> 0 OR failing_since IS NOT NULL OR last_delivery_at IS NULL OR last_delivery_at < $4)`,
			s.Dialect.Time(p.Now), p.WorkspaceID, p.ID, s.Dialect.Time(p.Now.Add(-webhookSuccessEvery)))
		if err != nil {
			return nil, fmt.Errorf("store: webhook outcome: %w", err)
		}
		return nil, nil
	}
	w, err := scanWebhook(q.QueryRowContext(ctx, `UPDATE webhooks SET failure_count = failure_count + 1, failing_since = COALESCE(failing_since, $1)
WHERE workspace_id = $2 AND id = $3 RETURNING `+webhookColumns, s.Dialect.Time(p.Now), p.WorkspaceID, p.ID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, webhookNotFound()
	}
	if err != nil {
		return nil, fmt.Errorf("store: webhook outcome: %w", err)
	}
	return w, nil
}

// WebhookDisableParams are the inputs of WebhookDisable.
type WebhookDisableParams struct {
	WorkspaceID string
	ID          string
	Reason      string
	// FailingSinceBefore, when set, disables only a webhook whose failure
	// run began at or before it (still failing, and for long enough).
	FailingSinceBefore *time.Time
	Now                time.Time
}

// WebhookDisable turns an enabled webhook off with a reason and reports
// whether it did: of two workers seeing the same failure, one wins, so the
// admins are told once.
func (s *Store) WebhookDisable(ctx context.Context, q Querier, p *WebhookDisableParams) (bool, error) {
	query := `UPDATE webhooks SET enabled = $1, disabled_reason = $2, updated_at = $3
WHERE workspace_id = $4 AND id = $5 AND enabled = $6`
	args := []any{false, p.Reason, s.Dialect.Time(p.Now), p.WorkspaceID, p.ID, true}
	if p.FailingSinceBefore != nil {
		query += ` AND failing_since IS NOT NULL AND failing_since <= $7`
		args = append(args, s.Dialect.Time(*p.FailingSinceBefore))
	}
	res, err := q.ExecContext(ctx, query, args...)
	if err != nil {
		return false, fmt.Errorf("store: disable webhook: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: disable webhook: %w", err)
	}
	return n == 1, nil
}

// WebhookSealedSecret is a webhook's sealed secret with what binds it.
type WebhookSealedSecret struct {
	WorkspaceID  string
	ID           string
	SecretSealed string
}

// WebhookSealedSecrets returns every webhook's sealed secret, across
// workspaces: only `roster secrets rotate` reads them all.
func (s *Store) WebhookSealedSecrets(ctx context.Context) ([]*WebhookSealedSecret, error) {
	return queryList(ctx, s.Read, "list webhook secrets", func(sc rowScanner) (*WebhookSealedSecret, error) {
		w := &WebhookSealedSecret{}
		err := sc.Scan(&w.WorkspaceID, &w.ID, &w.SecretSealed)
		return w, err
	}, `SELECT workspace_id, id, secret_sealed FROM webhooks ORDER BY workspace_id, id`)
}

// WebhookSetSealedSecret replaces a webhook's sealed secret if it is still
// from (a concurrent rotation or delete leaves it alone) and reports
// whether it did.
func (s *Store) WebhookSetSealedSecret(ctx context.Context, workspaceID, id, from, to string) (bool, error) {
	res, err := s.Write.ExecContext(ctx, `UPDATE webhooks SET secret_sealed = $1 WHERE workspace_id = $2 AND id = $3 AND secret_sealed = $4`, to, workspaceID, id, from)
	if err != nil {
		return false, fmt.Errorf("store: set webhook secret: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: set webhook secret: %w", err)
	}
	return n == 1, nil
}
