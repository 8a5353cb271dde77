package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/roster-crm/roster/internal/audit"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
)

// User is an account as the service shows it: never with its password hash.
type User struct {
	ID        string
	Email     string
	Name      string
	CreatedAt time.Time
}

// Member is a user's membership of a workspace, with the user's email and
// name.
type Member = store.Member

// Workspace is a tenant: its ID and name.
type Workspace = store.Workspace

// maxNameLength bounds workspace, user and key names.
const maxNameLength = 200

// CreateWorkspaceParams are the inputs of CreateWorkspace.
type CreateWorkspaceParams struct {
	Name          string
	AdminEmail    string
	AdminPassword string
	AdminName     string
}

// CreateWorkspace creates a workspace and its first admin in one
// transaction. When a user with AdminEmail exists, they become the admin only
// if AdminPassword is their password (so nobody can attach someone else's
// account); otherwise it is a crm.ErrConflict on "adminEmail".
func (s *Service) CreateWorkspace(ctx context.Context, p CreateWorkspaceParams) (*Workspace, *User, error) {
	name, nameErr := checkName("name", p.Name, true)
	email, emailErr := normalizeEmail("adminEmail", p.AdminEmail)
	adminName, adminNameErr := checkName("adminName", p.AdminName, false)
	if err := errors.Join(nameErr, emailErr, checkPassword("adminPassword", p.AdminPassword), adminNameErr); err != nil {
		return nil, nil, firstError(err)
	}
	who, err := s.resolveUser(ctx, "adminEmail", email, p.AdminPassword)
	if err != nil {
		return nil, nil, err
	}
	now := s.clock()
	var (
		ws   *store.Workspace
		user *User
	)
	err = s.store.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		if ws, err = s.store.WorkspaceCreate(ctx, tx, &store.WorkspaceCreateParams{Name: name, Now: now}); err != nil {
			return err
		}
		if user, err = s.ensureUser(ctx, tx, who, email, adminName, "adminEmail", now); err != nil {
			return err
		}
		m, err := s.store.MemberCreate(ctx, tx, &store.MemberCreateParams{WorkspaceID: ws.ID, UserID: user.ID, Role: string(RoleAdmin), Now: now})
		if err != nil {
			return err
		}
		return s.record(ctx, tx, ws.ID, audit.Entry{Action: audit.WorkspaceCreated, Actor: memberActor(m),
			Target: audit.Target{Type: audit.TargetWorkspace, ID: ws.ID, Label: ws.Name}})
	})
	if err != nil {
		return nil, nil, fmt.Errorf("auth: create workspace: %w", err)
	}
	return ws, user, nil
}

// AddMemberParams are the inputs of AddMember.
type AddMemberParams struct {
	WorkspaceID string
	Email       string
	Name        string
	Password    string
	Role        Role
	// By is who the audit log names as adding the member; the zero Actor
	// means Roster itself (a command run on the server).
	By audit.Actor
}

// AddMember adds a user to a workspace, creating the account when the email
// is new. As with CreateWorkspace, an existing account is added only when
// Password is its password. Callers check RequireAdmin first.
func (s *Service) AddMember(ctx context.Context, p AddMemberParams) (*Member, error) {
	email, emailErr := normalizeEmail("email", p.Email)
	name, nameErr := checkName("name", p.Name, false)
	var roleErr error
	if p.Role != RoleAdmin && p.Role != RoleMember {
		roleErr = crm.Invalid("role", crm.CodeInvalidEnum, "must be %q or %q", RoleAdmin, RoleMember)
	}
	if err := errors.Join(emailErr, nameErr, checkPassword("password", p.Password), roleErr); err != nil {
		return nil, firstError(err)
	}
	if _, err := s.store.WorkspaceGet(ctx, p.WorkspaceID); err != nil {
		return nil, fmt.Errorf("auth: add member: %w", err)
	}
	who, err := s.resolveUser(ctx, "email", email, p.Password)
	if err != nil {
		return nil, err
	}
	now := s.clock()
	var m *Member
	err = s.store.InTx(ctx, func(tx *sql.Tx) error {
		user, err := s.ensureUser(ctx, tx, who, email, name, "email", now)
		if err != nil {
			return err
		}
		m, err = s.store.MemberCreate(ctx, tx, &store.MemberCreateParams{WorkspaceID: p.WorkspaceID, UserID: user.ID, Role: string(p.Role), Now: now})
		if err != nil {
			return err
		}
		by := p.By
		if by.Kind == "" {
			by = audit.System("Roster")
		}
		return s.record(ctx, tx, p.WorkspaceID, audit.Entry{Action: audit.MemberAdded, Actor: by, Target: memberTarget(m),
			Details: map[string]any{"role": m.Role}})
	})
	if err != nil {
		return nil, fmt.Errorf("auth: add member: %w", err)
	}
	return m, nil
}

// ListMembers returns a workspace's members, oldest first.
func (s *Service) ListMembers(ctx context.Context, workspaceID string) ([]*Member, error) {
	ms, err := s.store.MemberList(ctx, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("auth: list members: %w", err)
	}
	return ms, nil
}

// existingUser is the outcome of resolveUser: either an account to reuse
// (user set) or the hash for a new one.
type existingUser struct {
	user *store.User
	hash string
}

// resolveUser finds the account for email and checks password against it,
// or hashes password for a new account. It runs before the write
// transaction so the slow hash does not hold SQLite's single writer.
func (s *Service) resolveUser(ctx context.Context, field, email, password string) (existingUser, error) {
	u, err := s.store.UserGetByEmail(ctx, s.store.Read, email)
	switch {
	case err == nil:
		ok, err := verifyPassword(u.PasswordHash, password)
		if err != nil {
			return existingUser{}, fmt.Errorf("auth: user %s: %w", u.ID, err)
		}
		if !ok {
			return existingUser{}, crm.Conflict(field, "an account with this email already exists; give its current password to use it")
		}
		return existingUser{user: u}, nil
	case errors.Is(err, crm.ErrNotFound):
		h, err := hashPassword(s.argon2, password)
		if err != nil {
			return existingUser{}, err
		}
		return existingUser{hash: h}, nil
	default:
		return existingUser{}, fmt.Errorf("auth: find user: %w", err)
	}
}

// ensureUser creates the account resolveUser decided on, inside tx. If
// another request created the same email in between, that is a conflict.
func (s *Service) ensureUser(ctx context.Context, tx *sql.Tx, who existingUser, email, name, field string, now time.Time) (*User, error) {
	u := who.user
	if u == nil {
		var err error
		u, err = s.store.UserCreate(ctx, tx, &store.UserCreateParams{Email: email, Name: name, PasswordHash: who.hash, Now: now})
		if errors.Is(err, crm.ErrConflict) {
			return nil, crm.Conflict(field, "an account with this email already exists")
		}
		if err != nil {
			return nil, err
		}
	}
	return &User{ID: u.ID, Email: u.Email, Name: u.Name, CreatedAt: u.CreatedAt}, nil
}

// normalizeEmail trims and lower-cases an email and checks it is a bare
// address (no display name).
func normalizeEmail(field, email string) (string, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if email == "" {
		return "", crm.Invalid(field, crm.CodeRequired, "is required")
	}
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || a.Name != "" || len(email) > 254 {
		return "", crm.Invalid(field, crm.CodeInvalidValue, "is not a valid email address")
	}
	return email, nil
}

// checkName trims a display name and bounds its length.
func checkName(field, name string, required bool) (string, error) {
	name = strings.TrimSpace(name)
	if required && name == "" {
		return "", crm.Invalid(field, crm.CodeRequired, "is required")
	}
	if utf8.RuneCountInString(name) > maxNameLength {
		return "", crm.Invalid(field, crm.CodeInvalidValue, "must be at most %d characters", maxNameLength)
	}
	return name, nil
}

// firstError returns the first *crm.Error joined in err: clients get one
// field error at a time, in the order the fields appear in the form.
func firstError(err error) error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		if errs := j.Unwrap(); len(errs) > 0 {
			return errs[0]
		}
	}
	return err
}
