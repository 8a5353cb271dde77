package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/roster-crm/roster/internal/crm"
)

// APIKey is a workspace's API credential. Only the SHA-256 of the key is
// stored (in a column this type does not expose); Prefix is the key's first
// few characters, kept so people can tell keys apart in a list.
type APIKey struct {
	ID              string
	WorkspaceID     string
	Name            string
	Prefix          string
	CreatedByUserID *string
	CreatedAt       time.Time
	LastUsedAt      *time.Time
	RevokedAt       *time.Time
}

// APIKeyCreateParams are the inputs of APIKeyCreate. Hash is the hex SHA-256
// of the key; the key itself never reaches the store.
type APIKeyCreateParams struct {
	WorkspaceID     string
	Name            string
	Prefix          string
	Hash            string
	CreatedByUserID *string
	Now             time.Time
}

const apiKeyColumns = `id, workspace_id, name, prefix, created_by_user_id, created_at, last_used_at, revoked_at`

func scanAPIKey(sc interface{ Scan(...any) error }) (*APIKey, error) {
	k := &APIKey{}
	err := sc.Scan(&k.ID, &k.WorkspaceID, &k.Name, &k.Prefix, &k.CreatedByUserID, TimeScanner{&k.CreatedAt},
		NullTimeScanner{&k.LastUsedAt}, NullTimeScanner{&k.RevokedAt})
	return k, err
}

func apiKeyNotFound(id string) *crm.Error {
	return &crm.Error{Cause: crm.ErrNotFound, Code: crm.CodeNotFound, Message: fmt.Sprintf("api key %q not found", id)}
}

// APIKeyCreate inserts an API key inside tx.
func (s *Store) APIKeyCreate(ctx context.Context, tx *sql.Tx, p *APIKeyCreateParams) (*APIKey, error) {
	id := crm.NewID()
	k := &APIKey{ID: id, WorkspaceID: p.WorkspaceID, Name: p.Name, Prefix: p.Prefix,
		CreatedByUserID: p.CreatedByUserID, CreatedAt: p.Now.UTC()}
	_, err := tx.ExecContext(ctx, `INSERT INTO api_keys (id, workspace_id, name, prefix, hash, created_by_user_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		k.ID, k.WorkspaceID, k.Name, k.Prefix, p.Hash, k.CreatedByUserID, s.Dialect.Time(k.CreatedAt))
	if err != nil {
		return nil, fmt.Errorf("store: create api key: %w", err)
	}
	return k, nil
}

// APIKeyGet returns one key of a workspace, revoked or not, or
// crm.ErrNotFound (also when the key belongs to another workspace).
func (s *Store) APIKeyGet(ctx context.Context, workspaceID, id string) (*APIKey, error) {
	k, err := scanAPIKey(s.Read.QueryRowContext(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE workspace_id = $1 AND id = $2`, workspaceID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apiKeyNotFound(id)
	}
	if err != nil {
		return nil, fmt.Errorf("store: get api key: %w", err)
	}
	return k, nil
}

// APIKeyList returns a workspace's keys, revoked ones included, newest first.
func (s *Store) APIKeyList(ctx context.Context, workspaceID string) ([]*APIKey, error) {
	return queryList(ctx, s.Read, "list api keys", scanAPIKey, `SELECT `+apiKeyColumns+` FROM api_keys WHERE workspace_id = $1 ORDER BY created_at DESC, id DESC`, workspaceID)
}

// APIKeyRevokeParams are the inputs of APIKeyRevoke.
type APIKeyRevokeParams struct {
	WorkspaceID string
	ID          string
	Now         time.Time
}

// APIKeyRevoke marks a key revoked inside q and returns it, and whether
// this call revoked it. Revoking a revoked key keeps its first revocation
// time (revoked is false); a key of another workspace is crm.ErrNotFound.
func (s *Store) APIKeyRevoke(ctx context.Context, q Querier, p *APIKeyRevokeParams) (k *APIKey, revoked bool, err error) {
	k, err = scanAPIKey(q.QueryRowContext(ctx, `UPDATE api_keys SET revoked_at = $1
WHERE workspace_id = $2 AND id = $3 AND revoked_at IS NULL RETURNING `+apiKeyColumns, s.Dialect.Time(p.Now), p.WorkspaceID, p.ID))
	if errors.Is(err, sql.ErrNoRows) {
		k, err = scanAPIKey(q.QueryRowContext(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE workspace_id = $1 AND id = $2`, p.WorkspaceID, p.ID))
		if errors.Is(err, sql.ErrNoRows) {
			return nil, false, apiKeyNotFound(p.ID)
		}
		if err != nil {
			return nil, false, fmt.Errorf("store: revoke api key: %w", err)
		}
		return k, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("store: revoke api key: %w", err)
	}
	return k, true, nil
}

// APIKeyGetByHash returns the non-revoked key with this hash, or
// crm.ErrNotFound. It is how a request finds its workspace, so it is one of
// the few reads without a workspace ID.
func (s *Store) APIKeyGetByHash(ctx context.Context, hash string) (*APIKey, error) {
	k, err := scanAPIKey(s.Read.QueryRowContext(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE hash = $1 AND revoked_at IS NULL`, hash))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &crm.Error{Cause: crm.ErrNotFound, Code: crm.CodeNotFound, Message: "api key not found"}
	}
	if err != nil {
		return nil, fmt.Errorf("store: get api key by hash: %w", err)
	}
	return k, nil
}

// APIKeyTouchParams are the inputs of APIKeyTouch.
type APIKeyTouchParams struct {
	WorkspaceID string
	ID          string
	Now         time.Time
	// UsedBefore skips the write unless the key was last used before it, so
	// a busy key is written at most once per interval.
	UsedBefore time.Time
}

// APIKeyTouch sets a key's last_used_at and reports whether it wrote.
func (s *Store) APIKeyTouch(ctx context.Context, p *APIKeyTouchParams) (bool, error) {
	res, err := s.Write.ExecContext(ctx, `UPDATE api_keys SET last_used_at = $1
WHERE workspace_id = $2 AND id = $3 AND (last_used_at IS NULL OR last_used_at < $4)`,
		s.Dialect.Time(p.Now), p.WorkspaceID, p.ID, s.Dialect.Time(p.UsedBefore))
	if err != nil {
		return false, fmt.Errorf("store: touch api key: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: touch api key: %w", err)
	}
	return n > 0, nil
}
