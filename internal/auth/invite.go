package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/roster-crm/roster/internal/audit"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
)

// InviteTTL is how long an invite link works.
const InviteTTL = 7 * 24 * time.Hour

// Invite is an invitation as listed: never with its token.
type Invite = store.Invite

// CreateInviteParams are the inputs of CreateInvite.
type CreateInviteParams struct {
	WorkspaceID string
	Email       string
	Role        Role
	// CreatedBy is the inviting user, if a person.
	CreatedBy *string
	// By is who the audit log names as sending the invite.
	By audit.Actor
}

// CreateInvite issues a single-use invite link token for email to join the
// workspace with role. The token is returned once (the caller shows or sends
// the link) and only its hash is stored. Inviting someone who is already a
// member is a crm.ErrConflict on "email". Callers check RequireAdmin first.
func (s *Service) CreateInvite(ctx context.Context, p CreateInviteParams) (*Invite, string, error) {
	email, err := normalizeEmail("email", p.Email)
	if err != nil {
		return nil, "", err
	}
	if p.Role != RoleAdmin && p.Role != RoleMember {
		return nil, "", crm.Invalid("role", crm.CodeInvalidEnum, "must be %q or %q", RoleAdmin, RoleMember)
	}
	if u, err := s.store.UserGetByEmail(ctx, s.store.Read, email); err == nil {
		if _, err := s.store.MemberGet(ctx, s.store.Read, p.WorkspaceID, u.ID); err == nil {
			return nil, "", crm.Conflict("email", "%s is already a member of this workspace", email)
		}
	} else if !errors.Is(err, crm.ErrNotFound) {
		return nil, "", fmt.Errorf("auth: create invite: %w", err)
	}
	token, hash := newLinkToken()
	now := s.clock()
	var in *Invite
	err = s.store.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		in, err = s.store.InviteCreate(ctx, tx, &store.InviteCreateParams{WorkspaceID: p.WorkspaceID, Email: email, Role: string(p.Role),
			TokenHash: hash, CreatedByUserID: p.CreatedBy, Now: now, ExpiresAt: now.Add(InviteTTL)})
		if err != nil {
			return err
		}
		return s.record(ctx, tx, p.WorkspaceID, audit.Entry{Action: audit.InviteSent, Actor: p.By, Target: inviteTarget(in),
			Details: map[string]any{"role": in.Role, "expiresAt": in.ExpiresAt}})
	})
	if err != nil {
		return nil, "", fmt.Errorf("auth: create invite: %w", err)
	}
	return in, token, nil
}

// ListInvites returns the workspace's open invites, newest first.
func (s *Service) ListInvites(ctx context.Context, workspaceID string) ([]*Invite, error) {
	ins, err := s.store.InviteListOpen(ctx, workspaceID, s.clock())
	if err != nil {
		return nil, fmt.Errorf("auth: list invites: %w", err)
	}
	return ins, nil
}

// RevokeInvite withdraws an open invite of the workspace, audited as by's.
// Callers check RequireAdmin first.
func (s *Service) RevokeInvite(ctx context.Context, workspaceID, id string, by audit.Actor) error {
	err := s.store.InTx(ctx, func(tx *sql.Tx) error {
		in, err := s.store.InviteDelete(ctx, tx, workspaceID, id)
		if err != nil {
			return err
		}
		return s.record(ctx, tx, workspaceID, audit.Entry{Action: audit.InviteRevoked, Actor: by, Target: inviteTarget(in),
			Details: map[string]any{"role": in.Role}})
	})
	if err != nil {
		return fmt.Errorf("auth: revoke invite: %w", err)
	}
	return nil
}

// inviteTarget names an invite as an entry's target, by the invited email.
func inviteTarget(in *Invite) audit.Target {
	return audit.Target{Type: audit.TargetInvite, ID: in.ID, Label: in.Email}
}

// InviteByToken returns the open invite of a link, or a crm.ErrNotFound
// error for a link that is unknown, used or expired.
func (s *Service) InviteByToken(ctx context.Context, token string) (*Invite, error) {
	return findLink(ctx, s, inviteLink, token, s.store.InviteGetByHash)
}

// AcceptInviteParams are the inputs of AcceptInvite.
type AcceptInviteParams struct {
	Token    string
	Name     string
	Password string
}

// AcceptInvite turns an invite into a membership and signs the invitee in
// to the invite's workspace. As with AddMember, a new email gets an account
// with Password, and an existing account joins only when Password is its
// password. Marking the invite accepted and creating the membership commit
// together, so a link works once.
func (s *Service) AcceptInvite(ctx context.Context, p AcceptInviteParams) (*Session, error) {
	in, err := s.InviteByToken(ctx, p.Token)
	if err != nil {
		return nil, err
	}
	name, nameErr := checkName("name", p.Name, false)
	if err := errors.Join(nameErr, checkPassword("password", p.Password)); err != nil {
		return nil, firstError(err)
	}
	who, err := s.resolveUser(ctx, "password", in.Email, p.Password)
	if err != nil {
		return nil, err
	}
	now := s.clock()
	err = s.store.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.spendLink(ctx, tx, inviteLink, in.ID); err != nil {
			return err
		}
		user, err := s.ensureUser(ctx, tx, who, in.Email, name, "email", now)
		if err != nil {
			return err
		}
		m, err := s.store.MemberCreate(ctx, tx, &store.MemberCreateParams{WorkspaceID: in.WorkspaceID, UserID: user.ID, Role: in.Role, Now: now})
		if err != nil {
			return err
		}
		return s.record(ctx, tx, in.WorkspaceID, audit.Entry{Action: audit.InviteAccepted, Actor: memberActor(m), Target: memberTarget(m),
			Details: map[string]any{"role": m.Role, "inviteId": in.ID}})
	})
	if err != nil {
		if _, ok := crm.AsError(err); ok {
			return nil, err
		}
		return nil, fmt.Errorf("auth: accept invite: %w", err)
	}
	return s.Login(ctx, in.Email, p.Password, in.WorkspaceID)
}
