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

// WhopConnection is a workspace's link to a Whop company. Token and secret
// fields hold sealed values (see package secret); the store never sees them
// in clear.
type WhopConnection struct {
	WorkspaceID         string
	Method              string // "oauth" or "api_key"
	CompanyID           string
	Handle              string
	Scopes              string
	AccessTokenSealed   string // OAuth access token or company API key
	RefreshTokenSealed  string
	TokenExpiresAt      *time.Time
	WebhookSecretSealed string
	// WebhookID is the webhook Roster registered at Whop (hook_...), ""
	// when the secret was pasted or registration failed.
	WebhookID string
	// WebhookSource says where the secret came from: "registered" (Whop
	// returned it when Roster made the webhook) or "pasted" (an admin
	// copied it from Whop's dashboard).
	WebhookSource string
	// WebhookError is why the last registration failed ("" when it did not).
	WebhookError      string
	NeedsReauth       bool
	StageMapping      map[string]string
	PaymentsWatermark *time.Time
	LastSyncAt        *time.Time
	LastSyncStatus    string
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

const whopConnColumns = "workspace_id, method, company_id, handle, scopes, access_token_sealed, refresh_token_sealed, token_expires_at, webhook_secret_sealed, needs_reauth, stage_mapping, payments_watermark, last_sync_at, last_sync_status, created_at, updated_at, webhook_id, webhook_source, webhook_error"

func (s *Store) whopConnArgs(c *WhopConnection) ([]any, error) {
	mapping, err := json.Marshal(c.StageMapping)
	if err != nil {
		return nil, fmt.Errorf("store: encode stage mapping: %w", err)
	}
	if c.StageMapping == nil {
		mapping = []byte("{}")
	}
	return []any{c.WorkspaceID, c.Method, c.CompanyID, c.Handle, c.Scopes, c.AccessTokenSealed, c.RefreshTokenSealed,
		s.Dialect.NullTime(c.TokenExpiresAt), c.WebhookSecretSealed, c.NeedsReauth, string(mapping),
		s.Dialect.NullTime(c.PaymentsWatermark), s.Dialect.NullTime(c.LastSyncAt), c.LastSyncStatus,
		s.Dialect.Time(c.CreatedAt), s.Dialect.Time(c.UpdatedAt), c.WebhookID, c.WebhookSource, c.WebhookError}, nil
}

// WhopConnectionSave inserts or replaces the workspace's connection. A Whop
// company can be connected to one workspace only: another workspace's
// connection to the same company is a conflict on companyId.
func (s *Store) WhopConnectionSave(ctx context.Context, tx *sql.Tx, c *WhopConnection) error {
	args, err := s.whopConnArgs(c)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO whop_connections (`+whopConnColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
		ON CONFLICT (workspace_id) DO UPDATE SET method = excluded.method, company_id = excluded.company_id, handle = excluded.handle,
		scopes = excluded.scopes, access_token_sealed = excluded.access_token_sealed, refresh_token_sealed = excluded.refresh_token_sealed,
		token_expires_at = excluded.token_expires_at, webhook_secret_sealed = excluded.webhook_secret_sealed, needs_reauth = excluded.needs_reauth,
		stage_mapping = excluded.stage_mapping, payments_watermark = excluded.payments_watermark, last_sync_at = excluded.last_sync_at,
		last_sync_status = excluded.last_sync_status, updated_at = excluded.updated_at, webhook_id = excluded.webhook_id,
		webhook_source = excluded.webhook_source, webhook_error = excluded.webhook_error`, args...)
	if _, dup := IsUniqueViolation(err); dup {
		return crm.Conflict("companyId", "Whop company %s is already connected to another workspace", c.CompanyID)
	}
	if err != nil {
		return fmt.Errorf("store: save whop connection: %w", err)
	}
	return nil
}

func scanWhopConn(row interface{ Scan(...any) error }) (*WhopConnection, error) {
	c := &WhopConnection{}
	err := row.Scan(&c.WorkspaceID, &c.Method, &c.CompanyID, &c.Handle, &c.Scopes, &c.AccessTokenSealed, &c.RefreshTokenSealed,
		NullTimeScanner{&c.TokenExpiresAt}, &c.WebhookSecretSealed, &c.NeedsReauth, jsonScanner{&c.StageMapping},
		NullTimeScanner{&c.PaymentsWatermark}, NullTimeScanner{&c.LastSyncAt}, &c.LastSyncStatus,
		TimeScanner{&c.CreatedAt}, TimeScanner{&c.UpdatedAt}, &c.WebhookID, &c.WebhookSource, &c.WebhookError)
	return c, err
}

func errNoConnection() error {
	return &crm.Error{Cause: crm.ErrNotFound, Code: crm.CodeNotFound, Message: "this workspace is not connected to Whop"}
}

// WhopConnectionGet returns the workspace's connection, or crm.ErrNotFound.
// Pass a transaction as q to read it for update.
func (s *Store) WhopConnectionGet(ctx context.Context, q Querier, workspaceID string) (*WhopConnection, error) {
	if q == nil {
		q = s.Read
	}
	c, err := scanWhopConn(q.QueryRowContext(ctx, "SELECT "+whopConnColumns+" FROM whop_connections WHERE workspace_id = $1", workspaceID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoConnection()
	}
	if err != nil {
		return nil, fmt.Errorf("store: get whop connection: %w", err)
	}
	return c, nil
}

// WhopConnectionByCompany finds the connection of a Whop company, for routing
// webhooks by their company_id.
func (s *Store) WhopConnectionByCompany(ctx context.Context, companyID string) (*WhopConnection, error) {
	c, err := scanWhopConn(s.Read.QueryRowContext(ctx, "SELECT "+whopConnColumns+" FROM whop_connections WHERE company_id = $1", companyID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoConnection()
	}
	if err != nil {
		return nil, fmt.Errorf("store: get whop connection by company: %w", err)
	}
	return c, nil
}

// WhopConnectionList returns every connection (the reconciliation scheduler
// walks them).
func (s *Store) WhopConnectionList(ctx context.Context) ([]*WhopConnection, error) {
	return queryList(ctx, s.Read, "list whop connections", scanWhopConn, "SELECT "+whopConnColumns+" FROM whop_connections ORDER BY workspace_id")
}

// WhopConnectionDelete removes the connection and its sealed secrets.
func (s *Store) WhopConnectionDelete(ctx context.Context, tx *sql.Tx, workspaceID string) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM whop_connections WHERE workspace_id = $1", workspaceID); err != nil {
		return fmt.Errorf("store: delete whop connection: %w", err)
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM whop_oauth_states WHERE workspace_id = $1", workspaceID); err != nil {
		return fmt.Errorf("store: delete whop oauth states: %w", err)
	}
	return nil
}

// WhopOAuthState binds an OAuth authorize request to the session that
// started it. ID is the SHA-256 of the state value sent to Whop.
type WhopOAuthState struct {
	ID             string
	WorkspaceID    string
	UserID         string
	SessionHash    string
	CompanyID      string // the company the admin asked to connect, if given
	VerifierSealed string
	RedirectURI    string
	CreatedAt      time.Time
	ExpiresAt      time.Time
}

// WhopOAuthStateCreate stores a pending authorization.
func (s *Store) WhopOAuthStateCreate(ctx context.Context, st *WhopOAuthState) error {
	_, err := s.Write.ExecContext(ctx, `INSERT INTO whop_oauth_states (id, workspace_id, user_id, session_hash, company_id, verifier_sealed, redirect_uri, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, st.ID, st.WorkspaceID, st.UserID, st.SessionHash, st.CompanyID, st.VerifierSealed, st.RedirectURI,
		s.Dialect.Time(st.CreatedAt), s.Dialect.Time(st.ExpiresAt))
	if err != nil {
		return fmt.Errorf("store: create oauth state: %w", err)
	}
	return nil
}

// WhopOAuthStateTake returns and deletes a pending authorization, so a state
// is usable once. Expired states are not returned.
func (s *Store) WhopOAuthStateTake(ctx context.Context, tx *sql.Tx, id string, now time.Time) (*WhopOAuthState, error) {
	st := &WhopOAuthState{}
	err := tx.QueryRowContext(ctx, `SELECT id, workspace_id, user_id, session_hash, company_id, verifier_sealed, redirect_uri, created_at, expires_at
		FROM whop_oauth_states WHERE id = $1`, id).Scan(&st.ID, &st.WorkspaceID, &st.UserID, &st.SessionHash, &st.CompanyID, &st.VerifierSealed,
		&st.RedirectURI, TimeScanner{&st.CreatedAt}, TimeScanner{&st.ExpiresAt})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, crm.Invalid("state", crm.CodeInvalidValue, "unknown or already used OAuth state")
	}
	if err != nil {
		return nil, fmt.Errorf("store: get oauth state: %w", err)
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM whop_oauth_states WHERE id = $1 OR expires_at < $2", id, s.Dialect.Time(now)); err != nil {
		return nil, fmt.Errorf("store: delete oauth state: %w", err)
	}
	if now.After(st.ExpiresAt) {
		return nil, crm.Invalid("state", crm.CodeInvalidValue, "the OAuth state has expired; start again")
	}
	return st, nil
}
