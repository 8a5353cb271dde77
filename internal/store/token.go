package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// SingleUse is the lifecycle every link token shares (invites, password
// resets): only the token's SHA-256 is stored, and the token works until it
// expires or is spent, whichever comes first.
type SingleUse struct {
	ID        string
	CreatedAt time.Time
	ExpiresAt time.Time
	// SpentAt is when the link was used (an invite accepted, a password
	// reset); nil while it is open.
	SpentAt *time.Time
}

// Lifecycle returns the token's lifecycle; the link types embed SingleUse,
// so this is how code common to them reads it.
func (t *SingleUse) Lifecycle() *SingleUse { return t }

// Usable reports whether the token is neither spent nor expired at now.
func (t *SingleUse) Usable(now time.Time) bool { return t.SpentAt == nil && now.Before(t.ExpiresAt) }

// TokenKind names a table of single-use tokens and its spent column.
type TokenKind struct {
	table, spent, noun string
}

// The single-use token tables.
var (
	InviteTokens = TokenKind{table: "invites", spent: "accepted_at", noun: "invite"}
	ResetTokens  = TokenKind{table: "password_resets", spent: "used_at", noun: "password reset"}
)

// Noun names the kind in messages ("invite", "password reset").
func (k TokenKind) Noun() string { return k.noun }

// TokenSpend marks an open, unexpired token spent inside tx and reports
// whether this call did it: of two concurrent uses only one wins, which is
// what makes a link single use.
func (s *Store) TokenSpend(ctx context.Context, tx *sql.Tx, k TokenKind, id string, now time.Time) (bool, error) {
	res, err := tx.ExecContext(ctx, `UPDATE `+k.table+` SET `+k.spent+` = $1 WHERE id = $2 AND `+k.spent+` IS NULL AND expires_at > $1`,
		s.Dialect.Time(now), id)
	if err != nil {
		return false, fmt.Errorf("store: spend %s: %w", k.noun, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: spend %s: %w", k.noun, err)
	}
	return n == 1, nil
}
