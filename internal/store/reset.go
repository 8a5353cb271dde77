package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/roster-crm/roster/internal/crm"
)

// PasswordReset is a password reset link as stored: the token itself is
// never kept, only its SHA-256.
type PasswordReset struct {
	SingleUse // SpentAt is when the password was reset
	UserID    string
}

// PasswordResetCreateParams are the inputs of PasswordResetCreate.
type PasswordResetCreateParams struct {
	UserID    string
	TokenHash string
	Now       time.Time
	ExpiresAt time.Time
}

// PasswordResetCreate stores a reset link inside tx.
func (s *Store) PasswordResetCreate(ctx context.Context, tx *sql.Tx, p *PasswordResetCreateParams) (*PasswordReset, error) {
	id := crm.NewID()
	pr := &PasswordReset{SingleUse: SingleUse{ID: id, CreatedAt: p.Now.UTC(), ExpiresAt: p.ExpiresAt.UTC()}, UserID: p.UserID}
	_, err := tx.ExecContext(ctx, `INSERT INTO password_resets (id, user_id, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
		pr.ID, pr.UserID, p.TokenHash, s.Dialect.Time(pr.CreatedAt), s.Dialect.Time(pr.ExpiresAt))
	if err != nil {
		return nil, fmt.Errorf("store: create password reset: %w", err)
	}
	return pr, nil
}

// PasswordResetGetByHash returns the reset whose token hashes to tokenHash,
// used or expired ones included, or crm.ErrNotFound.
func (s *Store) PasswordResetGetByHash(ctx context.Context, q Querier, tokenHash string) (*PasswordReset, error) {
	pr := &PasswordReset{}
	err := q.QueryRowContext(ctx, `SELECT id, user_id, created_at, expires_at, used_at FROM password_resets WHERE token_hash = $1`, tokenHash).
		Scan(&pr.ID, &pr.UserID, TimeScanner{&pr.CreatedAt}, TimeScanner{&pr.ExpiresAt}, NullTimeScanner{&pr.SpentAt})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &crm.Error{Cause: crm.ErrNotFound, Code: crm.CodeNotFound, Message: "password reset not found"}
	}
	if err != nil {
		return nil, fmt.Errorf("store: get password reset: %w", err)
	}
	return pr, nil
}

// UserSetPasswordParams are the inputs of UserSetPassword. Hash is an
// encoded argon2id hash made by package auth.
type UserSetPasswordParams struct {
	UserID string
	Hash   string
	Now    time.Time
}

// UserSetPassword replaces a user's password hash inside tx; an unknown user
// is crm.ErrNotFound.
func (s *Store) UserSetPassword(ctx context.Context, tx *sql.Tx, p *UserSetPasswordParams) error {
	res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3`, p.Hash, s.Dialect.Time(p.Now), p.UserID)
	if err != nil {
		return fmt.Errorf("store: set password: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("store: set password: %w", err)
	} else if n == 0 {
		return &crm.Error{Cause: crm.ErrNotFound, Code: crm.CodeNotFound, Message: "user not found"}
	}
	return nil
}

// SessionDeleteByUserParams are the inputs of SessionDeleteByUser.
type SessionDeleteByUserParams struct {
	UserID string
	// KeepID, when set, is a session (token hash) to keep: "sign out my
	// other sessions".
	KeepID string
}

// SessionDeleteByUser ends a user's sessions in every workspace inside tx
// and returns how many; a password change uses it so a stolen session dies
// with the old password.
func (s *Store) SessionDeleteByUser(ctx context.Context, tx *sql.Tx, p *SessionDeleteByUserParams) (int64, error) {
	res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND id <> $2`, p.UserID, p.KeepID)
	if err != nil {
		return 0, fmt.Errorf("store: delete user sessions: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("store: delete user sessions: %w", err)
	}
	return n, nil
}
