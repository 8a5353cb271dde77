package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/roster-crm/roster/internal/crm"
)

// Member is a user's membership of one workspace, with the user's email and
// name joined in for listing. Role is "admin" or "member" (the database
// checks it; package auth names the values).
type Member struct {
	ID          string
	WorkspaceID string
	UserID      string
	Role        string
	CreatedAt   time.Time
	Email       string
	Name        string
}

// MemberCreateParams are the inputs of MemberCreate.
type MemberCreateParams struct {
	WorkspaceID string
	UserID      string
	Role        string
	Now         time.Time
}

// MemberCreate adds a user to a workspace inside tx. An existing membership
// is a crm.ErrConflict on field "email".
func (s *Store) MemberCreate(ctx context.Context, tx *sql.Tx, p *MemberCreateParams) (*Member, error) {
	id := crm.NewID()
	_, err := tx.ExecContext(ctx, `INSERT INTO workspace_members (id, workspace_id, user_id, role, created_at) VALUES ($1, $2, $3, $4, $5)`,
		id, p.WorkspaceID, p.UserID, p.Role, s.Dialect.Time(p.Now))
	if _, dup := IsUniqueViolation(err); dup {
		return nil, crm.Conflict("email", "this user is already a member of the workspace")
	}
	if err != nil {
		return nil, fmt.Errorf("store: create member: %w", err)
	}
	return s.MemberGet(ctx, tx, p.WorkspaceID, p.UserID)
}

const memberSelect = `SELECT m.id, m.workspace_id, m.user_id, m.role, m.created_at, u.email, u.name
FROM workspace_members m JOIN users u ON u.id = m.user_id`

func scanMember(sc interface{ Scan(...any) error }) (*Member, error) {
	m := &Member{}
	err := sc.Scan(&m.ID, &m.WorkspaceID, &m.UserID, &m.Role, TimeScanner{&m.CreatedAt}, &m.Email, &m.Name)
	return m, err
}

// MemberGet returns a user's membership of a workspace, or crm.ErrNotFound
// when the user is not a member of that workspace.
func (s *Store) MemberGet(ctx context.Context, q Querier, workspaceID, userID string) (*Member, error) {
	m, err := scanMember(q.QueryRowContext(ctx, memberSelect+` WHERE m.workspace_id = $1 AND m.user_id = $2`, workspaceID, userID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &crm.Error{Cause: crm.ErrNotFound, Code: crm.CodeNotFound, Message: "member not found"}
	}
	if err != nil {
		return nil, fmt.Errorf("store: get member: %w", err)
	}
	return m, nil
}

// MemberList returns the members of one workspace, oldest first.
func (s *Store) MemberList(ctx context.Context, workspaceID string) ([]*Member, error) {
	return s.memberQuery(ctx, memberSelect+` WHERE m.workspace_id = $1 ORDER BY m.created_at, m.id`, workspaceID)
}

// MemberListByUser returns every membership of one user, oldest first; login
// uses it to pick a workspace when none is named.
func (s *Store) MemberListByUser(ctx context.Context, userID string) ([]*Member, error) {
	return s.memberQuery(ctx, memberSelect+` WHERE m.user_id = $1 ORDER BY m.created_at, m.id`, userID)
}

func (s *Store) memberQuery(ctx context.Context, query string, arg string) ([]*Member, error) {
	return queryList(ctx, s.Read, "list members", scanMember, query, arg)
}
