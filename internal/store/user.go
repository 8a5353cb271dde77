package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/roster-crm/roster/internal/crm"
)

// User is a person who can sign in. Users are global: one account can be a
// member of several workspaces (see Member). PasswordHash is an encoded
// argon2id hash owned by package auth; the store never sees a password.
type User struct {
	ID           string
	Email        string
	Name         string
	PasswordHash string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// UserCreateParams are the inputs of UserCreate. Email must already be
// normalised (trimmed, lower-cased) by the caller.
type UserCreateParams struct {
	Email        string
	Name         string
	PasswordHash string
	Now          time.Time
}

const userColumns = `id, email, name, password_hash, created_at, updated_at`

// UserCreate inserts a user inside tx. A taken email is a crm.ErrConflict on
// field "email".
func (s *Store) UserCreate(ctx context.Context, tx *sql.Tx, p *UserCreateParams) (*User, error) {
	id := crm.NewID()
	u := &User{ID: id, Email: p.Email, Name: p.Name, PasswordHash: p.PasswordHash, CreatedAt: p.Now.UTC(), UpdatedAt: p.Now.UTC()}
	_, err := tx.ExecContext(ctx, `INSERT INTO users (`+userColumns+`) VALUES ($1, $2, $3, $4, $5, $6)`,
		u.ID, u.Email, u.Name, u.PasswordHash, s.Dialect.Time(u.CreatedAt), s.Dialect.Time(u.UpdatedAt))
	if _, dup := IsUniqueViolation(err); dup {
		return nil, crm.Conflict("email", "a user with this email already exists")
	}
	if err != nil {
		return nil, fmt.Errorf("store: create user: %w", err)
	}
	return u, nil
}

// UserGet returns a user by ID, or crm.ErrNotFound. q is s.Read outside a
// transaction, or the transaction that must see its own writes.
func (s *Store) UserGet(ctx context.Context, q Querier, id string) (*User, error) {
	return s.userGetBy(ctx, q, "id", id)
}

// UserGetByEmail returns a user by normalised email, or crm.ErrNotFound.
func (s *Store) UserGetByEmail(ctx context.Context, q Querier, email string) (*User, error) {
	return s.userGetBy(ctx, q, "email", email)
}

// userGetBy reads one user by a unique column; column is always a constant.
func (s *Store) userGetBy(ctx context.Context, q Querier, column, value string) (*User, error) {
	u := &User{}
	err := q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE `+column+` = $1`, value).
		Scan(&u.ID, &u.Email, &u.Name, &u.PasswordHash, TimeScanner{&u.CreatedAt}, TimeScanner{&u.UpdatedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &crm.Error{Cause: crm.ErrNotFound, Code: crm.CodeNotFound, Message: "user not found"}
	}
	if err != nil {
		return nil, fmt.Errorf("store: get user by %s: %w", column, err)
	}
	return u, nil
}
