package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/roster-crm/roster/internal/crm"
)

// Invite is an invitation to join a workspace, as stored: never with its
// token, whose SHA-256 is the lookup key.
type Invite struct {
	SingleUse       // SpentAt is when it was accepted
	WorkspaceID     string
	Email           string
	Role            string
	CreatedByUserID *string
}

// InviteCreateParams are the inputs of InviteCreate. Email must already be
// normalised; TokenHash is the hex SHA-256 of the link's token.
type InviteCreateParams struct {
	WorkspaceID     string
	Email           string
	Role            string
	TokenHash       string
	CreatedByUserID *string
	Now             time.Time
	ExpiresAt       time.Time
}

const inviteColumns = `id, workspace_id, email, role, created_by_user_id, created_at, expires_at, accepted_at`

func scanInvite(sc interface{ Scan(...any) error }) (*Invite, error) {
	in := &Invite{}
	err := sc.Scan(&in.ID, &in.WorkspaceID, &in.Email, &in.Role, &in.CreatedByUserID, TimeScanner{&in.CreatedAt}, TimeScanner{&in.ExpiresAt}, NullTimeScanner{&in.SpentAt})
	return in, err
}

// InviteCreate stores an invite inside tx.
func (s *Store) InviteCreate(ctx context.Context, tx *sql.Tx, p *InviteCreateParams) (*Invite, error) {
	id := crm.NewID()
	in := &Invite{SingleUse: SingleUse{ID: id, CreatedAt: p.Now.UTC(), ExpiresAt: p.ExpiresAt.UTC()},
		WorkspaceID: p.WorkspaceID, Email: p.Email, Role: p.Role, CreatedByUserID: p.CreatedByUserID}
	_, err := tx.ExecContext(ctx, `INSERT INTO invites (id, workspace_id, email, role, token_hash, created_by_user_id, created_at, expires_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, in.ID, in.WorkspaceID, in.Email, in.Role, p.TokenHash, in.CreatedByUserID,
		s.Dialect.Time(in.CreatedAt), s.Dialect.Time(in.ExpiresAt))
	if err != nil {
		return nil, fmt.Errorf("store: create invite: %w", err)
	}
	return in, nil
}

// InviteGetByHash returns the invite whose token hashes to tokenHash,
// accepted or expired ones included (the caller decides), or
// crm.ErrNotFound. Like sessions, invites are looked up before the
// workspace is known.
func (s *Store) InviteGetByHash(ctx context.Context, q Querier, tokenHash string) (*Invite, error) {
	in, err := scanInvite(q.QueryRowContext(ctx, `SELECT `+inviteColumns+` FROM invites WHERE token_hash = $1`, tokenHash))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &crm.Error{Cause: crm.ErrNotFound, Code: crm.CodeNotFound, Message: "invite not found"}
	}
	if err != nil {
		return nil, fmt.Errorf("store: get invite: %w", err)
	}
	return in, nil
}

// InviteListOpen returns a workspace's invites that are neither accepted nor
// expired at now, newest first.
func (s *Store) InviteListOpen(ctx context.Context, workspaceID string, now time.Time) ([]*Invite, error) {
	return queryList(ctx, s.Read, "list invites", scanInvite, `SELECT `+inviteColumns+` FROM invites
WHERE workspace_id = $1 AND accepted_at IS NULL AND expires_at > $2 ORDER BY created_at DESC, id DESC`, workspaceID, s.Dialect.Time(now))
}

// InviteDelete withdraws an open invite of the workspace inside q and
// returns it; a missing, accepted or other workspace's one is
// crm.ErrNotFound.
func (s *Store) InviteDelete(ctx context.Context, q Querier, workspaceID, id string) (*Invite, error) {
	in, err := scanInvite(q.QueryRowContext(ctx, `DELETE FROM invites WHERE workspace_id = $1 AND id = $2 AND accepted_at IS NULL RETURNING `+inviteColumns, workspaceID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &crm.Error{Cause: crm.ErrNotFound, Code: crm.CodeNotFound, Message: "invite not found"}
	}
	if err != nil {
		return nil, fmt.Errorf("store: delete invite: %w", err)
	}
	return in, nil
}
