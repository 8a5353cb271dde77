package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/roster-crm/roster/internal/crm"
)

// Session is a signed-in browser session. ID is the SHA-256 (hex) of the
// session token: the token lives only in the user's cookie, so a copy of the
// database cannot be replayed as a login. Role, Email and Name come from the
// current membership and user rows, so a demoted member is demoted at once
// and a removed member's sessions stop working.
type Session struct {
	ID          string
	UserID      string
	WorkspaceID string
	CreatedAt   time.Time
	LastSeenAt  time.Time
	ExpiresAt   time.Time

	MemberID string
	Role     string
	Email    string
	Name     string
}

// SessionCreateParams are the inputs of SessionCreate. ID is the token hash.
type SessionCreateParams struct {
	ID          string
	UserID      string
	WorkspaceID string
	Now         time.Time
	ExpiresAt   time.Time
}

// SessionCreate inserts a session inside tx.
func (s *Store) SessionCreate(ctx context.Context, tx *sql.Tx, p *SessionCreateParams) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO sessions (id, user_id, workspace_id, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $4, $4, $5)`,
		p.ID, p.UserID, p.WorkspaceID, s.Dialect.Time(p.Now), s.Dialect.Time(p.ExpiresAt))
	if err != nil {
		return fmt.Errorf("store: create session: %w", err)
	}
	return nil
}

// SessionGet returns a session by token hash, expired or not (the caller
// decides), or crm.ErrNotFound when there is no such session or its user is
// no longer a member of its workspace. Sessions are looked up before the
// workspace is known, so this is one of the few reads without a workspace ID.
func (s *Store) SessionGet(ctx context.Context, id string) (*Session, error) {
	ss := &Session{}
	err := s.Read.QueryRowContext(ctx, `SELECT s.id, s.user_id, s.workspace_id, s.created_at, s.last_seen_at, s.expires_at, m.id, m.role, u.email, u.name
FROM sessions s
JOIN workspace_members m ON m.workspace_id = s.workspace_id AND m.user_id = s.user_id
JOIN users u ON u.id = s.user_id
WHERE s.id = $1`, id).Scan(&ss.ID, &ss.UserID, &ss.WorkspaceID, TimeScanner{&ss.CreatedAt}, TimeScanner{&ss.LastSeenAt},
		TimeScanner{&ss.ExpiresAt}, &ss.MemberID, &ss.Role, &ss.Email, &ss.Name)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &crm.Error{Cause: crm.ErrNotFound, Code: crm.CodeNotFound, Message: "session not found"}
	}
	if err != nil {
		return nil, fmt.Errorf("store: get session: %w", err)
	}
	return ss, nil
}

// SessionTouchParams are the inputs of SessionTouch.
type SessionTouchParams struct {
	ID        string
	Now       time.Time
	ExpiresAt time.Time
	// SeenBefore skips the write unless the session was last seen before
	// it, so concurrent requests on one session write at most once.
	SeenBefore time.Time
}

// SessionTouch records activity on a session and slides its expiry. It
// reports whether a row was updated.
func (s *Store) SessionTouch(ctx context.Context, p *SessionTouchParams) (bool, error) {
	res, err := s.Write.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE id = $3 AND last_seen_at < $4`,
		s.Dialect.Time(p.Now), s.Dialect.Time(p.ExpiresAt), p.ID, s.Dialect.Time(p.SeenBefore))
	if err != nil {
		return false, fmt.Errorf("store: touch session: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: touch session: %w", err)
	}
	return n > 0, nil
}

// SessionDelete removes a session by token hash. Deleting a missing session
// is not an error, so logging out twice is harmless.
func (s *Store) SessionDelete(ctx context.Context, id string) error {
	if _, err := s.Write.ExecContext(ctx, `DELETE FROM sessions WHERE id = $1`, id); err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// SessionDeleteExpired removes every session that expired at or before now
// and returns how many; a periodic job calls it.
func (s *Store) SessionDeleteExpired(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.Write.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= $1`, s.Dialect.Time(now))
	if err != nil {
		return 0, fmt.Errorf("store: delete expired sessions: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("store: delete expired sessions: %w", err)
	}
	return n, nil
}
