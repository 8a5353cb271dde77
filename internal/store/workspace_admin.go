package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/roster-crm/roster/internal/crm"
)

// WorkspaceRenameParams are the inputs of WorkspaceRename.
type WorkspaceRenameParams struct {
	ID   string
	Name string
	Now  time.Time
}

// WorkspaceRename changes a workspace's name inside tx and returns the name
// it had; an unknown workspace is crm.ErrNotFound.
func (s *Store) WorkspaceRename(ctx context.Context, tx *sql.Tx, p *WorkspaceRenameParams) (oldName string, err error) {
	err = tx.QueryRowContext(ctx, `SELECT name FROM workspaces WHERE id = $1`, p.ID).Scan(&oldName)
	if errors.Is(err, sql.ErrNoRows) {
		return "", &crm.Error{Cause: crm.ErrNotFound, Code: crm.CodeNotFound, Message: "workspace not found"}
	}
	if err != nil {
		return "", fmt.Errorf("store: rename workspace: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE workspaces SET name = $1, updated_at = $2 WHERE id = $3`, p.Name, s.Dialect.Time(p.Now), p.ID); err != nil {
		return "", fmt.Errorf("store: rename workspace: %w", err)
	}
	return oldName, nil
}

// MemberCountAdmins counts a workspace's admins inside q; role changes read
// it in their transaction so a workspace never loses its last admin.
func (s *Store) MemberCountAdmins(ctx context.Context, q Querier, workspaceID string) (int, error) {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM workspace_members WHERE workspace_id = $1 AND role = 'admin'`, workspaceID).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count admins: %w", err)
	}
	return n, nil
}

// MemberSetRoleParams are the inputs of MemberSetRole.
type MemberSetRoleParams struct {
	WorkspaceID string
	UserID      string
	Role        string
}

// MemberSetRole changes a member's role inside tx; a user who is not a
// member is crm.ErrNotFound. Sessions read the role on every request, so
// the change applies at once.
func (s *Store) MemberSetRole(ctx context.Context, tx *sql.Tx, p *MemberSetRoleParams) error {
	res, err := tx.ExecContext(ctx, `UPDATE workspace_members SET role = $1 WHERE workspace_id = $2 AND user_id = $3`, p.Role, p.WorkspaceID, p.UserID)
	if err != nil {
		return fmt.Errorf("store: set member role: %w", err)
	}
	return updatedOne(res, "member")
}

// MemberDelete removes a user from a workspace inside tx (the account stays;
// its sessions in this workspace stop working because sessions join the
// membership). A user who is not a member is crm.ErrNotFound.
func (s *Store) MemberDelete(ctx context.Context, tx *sql.Tx, workspaceID, userID string) error {
	res, err := tx.ExecContext(ctx, `DELETE FROM workspace_members WHERE workspace_id = $1 AND user_id = $2`, workspaceID, userID)
	if err != nil {
		return fmt.Errorf("store: delete member: %w", err)
	}
	if err := updatedOne(res, "member"); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE workspace_id = $1 AND user_id = $2`, workspaceID, userID); err != nil {
		return fmt.Errorf("store: delete member sessions: %w", err)
	}
	return nil
}

func updatedOne(res sql.Result, what string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	if n == 0 {
		return &crm.Error{Cause: crm.ErrNotFound, Code: crm.CodeNotFound, Message: what + " not found"}
	}
	return nil
}
