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

// ResetTTL is how long a password reset link works.
const ResetTTL = time.Hour

// RequestPasswordReset issues a single-use reset token for the account with
// email and returns it with the account. For an unknown or malformed email
// it returns an empty token and no error: callers answer the same way
// either way, so the form does not reveal who has an account.
func (s *Service) RequestPasswordReset(ctx context.Context, email string) (string, *User, error) {
	addr, err := normalizeEmail("email", email)
	if err != nil {
		return "", nil, nil
	}
	u, err := s.store.UserGetByEmail(ctx, s.store.Read, addr)
	if errors.Is(err, crm.ErrNotFound) {
		return "", nil, nil
	}
	if err != nil {
		return "", nil, fmt.Errorf("auth: request password reset: %w", err)
	}
	token, hash := newLinkToken()
	now := s.clock()
	err = s.store.InTx(ctx, func(tx *sql.Tx) error {
		_, err := s.store.PasswordResetCreate(ctx, tx, &store.PasswordResetCreateParams{UserID: u.ID, TokenHash: hash, Now: now, ExpiresAt: now.Add(ResetTTL)})
		return err
	})
	if err != nil {
		return "", nil, fmt.Errorf("auth: request password reset: %w", err)
	}
	return token, &User{ID: u.ID, Email: u.Email, Name: u.Name, CreatedAt: u.CreatedAt}, nil
}

// CheckPasswordReset reports whether a reset token is usable (known, unused,
// unexpired), as a crm.ErrNotFound error when it is not.
func (s *Service) CheckPasswordReset(ctx context.Context, token string) error {
	_, err := s.passwordReset(ctx, token)
	return err
}

func (s *Service) passwordReset(ctx context.Context, token string) (*store.PasswordReset, error) {
	return findLink(ctx, s, resetLink, token, s.store.PasswordResetGetByHash)
}

// ResetPassword sets a new password with a reset token, ends every session
// of the account (whoever held one no longer does) and signs the user in
// with a new session. The token is spent in the same transaction as the
// password change.
func (s *Service) ResetPassword(ctx context.Context, token, password string) (*Session, error) {
	pr, err := s.passwordReset(ctx, token)
	if err != nil {
		return nil, err
	}
	if err := checkPassword("password", password); err != nil {
		return nil, err
	}
	hash, err := hashPassword(s.argon2, password)
	if err != nil {
		return nil, err
	}
	now := s.clock()
	var email string
	err = s.store.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.spendLink(ctx, tx, resetLink, pr.ID); err != nil {
			return err
		}
		u, err := s.store.UserGet(ctx, tx, pr.UserID)
		if err != nil {
			return err
		}
		email = u.Email
		if err := s.setPassword(ctx, tx, pr.UserID, hash, "", now); err != nil {
			return err
		}
		return s.recordAccount(ctx, tx, pr.UserID, audit.PasswordReset)
	})
	if err != nil {
		if _, ok := crm.AsError(err); ok {
			return nil, err
		}
		return nil, fmt.Errorf("auth: reset password: %w", err)
	}
	return s.Login(ctx, email, password, "")
}

// ChangePasswordParams are the inputs of ChangePassword.
type ChangePasswordParams struct {
	UserID   string
	Password string
	// KeepSession is the session token to keep signed in (the one making
	// the change); every other session of the user ends.
	KeepSession string
}

// ChangePassword re-hashes a user's password with argon2id at the current
// costs and ends the user's other sessions.
func (s *Service) ChangePassword(ctx context.Context, p ChangePasswordParams) error {
	if err := checkPassword("password", p.Password); err != nil {
		return err
	}
	hash, err := hashPassword(s.argon2, p.Password)
	if err != nil {
		return err
	}
	keep := ""
	if p.KeepSession != "" {
		keep = tokenHash(p.KeepSession)
	}
	err = s.store.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.setPassword(ctx, tx, p.UserID, hash, keep, s.clock()); err != nil {
			return err
		}
		return s.recordAccount(ctx, tx, p.UserID, audit.PasswordChanged)
	})
	if err != nil {
		return fmt.Errorf("auth: change password: %w", err)
	}
	return nil
}

// setPassword stores a new hash and ends the user's sessions but keepID.
func (s *Service) setPassword(ctx context.Context, tx *sql.Tx, userID, hash, keepID string, now time.Time) error {
	if err := s.store.UserSetPassword(ctx, tx, &store.UserSetPasswordParams{UserID: userID, Hash: hash, Now: now}); err != nil {
		return err
	}
	_, err := s.store.SessionDeleteByUser(ctx, tx, &store.SessionDeleteByUserParams{UserID: userID, KeepID: keepID})
	return err
}

// recordAccount audits a change to an account (a password) in every
// workspace the user belongs to: each workspace's admins answer for who can
// reach their data, and an account is shared by its workspaces.
func (s *Service) recordAccount(ctx context.Context, tx *sql.Tx, userID string, action audit.Action) error {
	ms, err := s.store.MemberListByUser(ctx, userID)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if err := s.record(ctx, tx, m.WorkspaceID, audit.Entry{Action: action, Actor: memberActor(m), Target: memberTarget(m)}); err != nil {
			return err
		}
	}
	return nil
}
