package auth

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/roster-crm/roster/internal/audit"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
)

// errLastAdmin refuses to leave a workspace without anyone who can manage it.
func errLastAdmin() *crm.Error {
	return crm.Invalid("role", crm.CodeInvalidValue, "a workspace needs at least one admin: make someone else an admin first")
}

// SetMemberRole changes a member's role, audited as by's. Demoting the
// last admin is refused; setting the role a member already has changes
// nothing and records nothing. Callers check RequireAdmin first.
func (s *Service) SetMemberRole(ctx context.Context, workspaceID, userID string, role Role, by audit.Actor) error {
	if role != RoleAdmin && role != RoleMember {
		return crm.Invalid("role", crm.CodeInvalidEnum, "must be %q or %q", RoleAdmin, RoleMember)
	}
	err := s.store.InTx(ctx, func(tx *sql.Tx) error {
		m, err := s.store.MemberGet(ctx, tx, workspaceID, userID)
		if err != nil {
			return err
		}
		if m.Role == string(RoleAdmin) && role != RoleAdmin {
			if n, err := s.store.MemberCountAdmins(ctx, tx, workspaceID); err != nil {
				return err
			} else if n <= 1 {
				return errLastAdmin()
			}
		}
		if m.Role == string(role) {
			return nil
		}
		if err := s.store.MemberSetRole(ctx, tx, &store.MemberSetRoleParams{WorkspaceID: workspaceID, UserID: userID, Role: string(role)}); err != nil {
			return err
		}
		return s.record(ctx, tx, workspaceID, audit.Entry{Action: audit.MemberRoleChanged, Actor: by, Target: memberTarget(m),
			Details: map[string]any{"from": m.Role, "to": string(role)}})
	})
	if err != nil {
		if _, ok := crm.AsError(err); ok {
			return err
		}
		return fmt.Errorf("auth: set member role: %w", err)
	}
	return nil
}

// RemoveMember takes a user out of a workspace and ends their sessions
// there, audited as by's; the account itself stays. Removing the last
// admin is refused. Callers check RequireAdmin first.
func (s *Service) RemoveMember(ctx context.Context, workspaceID, userID string, by audit.Actor) error {
	err := s.store.InTx(ctx, func(tx *sql.Tx) error {
		m, err := s.store.MemberGet(ctx, tx, workspaceID, userID)
		if err != nil {
			return err
		}
		if m.Role == string(RoleAdmin) {
			if n, err := s.store.MemberCountAdmins(ctx, tx, workspaceID); err != nil {
				return err
			} else if n <= 1 {
				return errLastAdmin()
			}
		}
		if err := s.store.MemberDelete(ctx, tx, workspaceID, userID); err != nil {
			return err
		}
		return s.record(ctx, tx, workspaceID, audit.Entry{Action: audit.MemberRemoved, Actor: by, Target: memberTarget(m),
			Details: map[string]any{"role": m.Role}})
	})
	if err != nil {
		if _, ok := crm.AsError(err); ok {
			return err
		}
		return fmt.Errorf("auth: remove member: %w", err)
	}
	return nil
}

// RenameWorkspace changes the workspace's name, audited as by's. Callers
// check RequireAdmin first.
func (s *Service) RenameWorkspace(ctx context.Context, workspaceID, name string, by audit.Actor) (*Workspace, error) {
	name, err := checkName("name", name, true)
	if err != nil {
		return nil, err
	}
	err = s.store.InTx(ctx, func(tx *sql.Tx) error {
		old, err := s.store.WorkspaceRename(ctx, tx, &store.WorkspaceRenameParams{ID: workspaceID, Name: name, Now: s.clock()})
		if err != nil || old == name {
			return err
		}
		return s.record(ctx, tx, workspaceID, audit.Entry{Action: audit.WorkspaceSettingsChanged, Actor: by,
			Target:  audit.Target{Type: audit.TargetWorkspace, ID: workspaceID, Label: name},
			Details: map[string]any{"setting": "name", "from": old, "to": name}})
	})
	if err != nil {
		return nil, fmt.Errorf("auth: rename workspace: %w", err)
	}
	return s.Workspace(ctx, workspaceID)
}

// Workspace returns one workspace.
func (s *Service) Workspace(ctx context.Context, workspaceID string) (*Workspace, error) {
	ws, err := s.store.WorkspaceGet(ctx, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("auth: workspace: %w", err)
	}
	return ws, nil
}

// SetUp reports whether any workspace exists. Until one does, the web UI
// offers first-run setup instead of the sign-in form; afterwards setup is
// closed (new workspaces come from the CLI).
func (s *Service) SetUp(ctx context.Context) (bool, error) {
	exists, err := s.store.WorkspaceAny(ctx)
	if err != nil {
		return false, fmt.Errorf("auth: set up: %w", err)
	}
	return exists, nil
}
