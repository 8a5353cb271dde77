package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// SignInPlaceParams name one place a user signed in from. Place is an
// opaque fingerprint (package audit makes it); the store never sees an
// address or a user-agent.
type SignInPlaceParams struct {
	UserID string
	Place  string
	Now    time.Time
}

// SignInPlaceSeen records, inside tx, that the user signed in from the
// place. isNew reports that the place was not known for the user; known
// reports that the user had signed in from some other place before (a
// first sign-in ever is new but has nothing to be compared with). Two
// sign-ins racing from the same new place see isNew once: the insert is
// keyed on (user, place).
func (s *Store) SignInPlaceSeen(ctx context.Context, tx *sql.Tx, p *SignInPlaceParams) (isNew, known bool, err error) {
	now := s.Dialect.Time(p.Now)
	res, err := tx.ExecContext(ctx, `INSERT INTO sign_in_places (user_id, place, first_seen_at, last_seen_at) VALUES ($1, $2, $3, $3)
		ON CONFLICT (user_id, place) DO NOTHING`, p.UserID, p.Place, now)
	if err != nil {
		return false, false, fmt.Errorf("store: record sign-in place: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, false, fmt.Errorf("store: record sign-in place: %w", err)
	}
	if n == 0 {
		if _, err := tx.ExecContext(ctx, "UPDATE sign_in_places SET last_seen_at = $3 WHERE user_id = $1 AND place = $2", p.UserID, p.Place, now); err != nil {
			return false, false, fmt.Errorf("store: touch sign-in place: %w", err)
		}
		return false, true, nil
	}
	err = tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM sign_in_places WHERE user_id = $1 AND place <> $2)", p.UserID, p.Place).Scan(&known)
	if err != nil {
		return false, false, fmt.Errorf("store: read sign-in places: %w", err)
	}
	return true, known, nil
}

// SignInPlacePrune forgets places no sign-in came from since before, so a
// place unused for longer than the audit log is kept counts as new again,
// and returns how many it forgot.
func (s *Store) SignInPlacePrune(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.Write.ExecContext(ctx, "DELETE FROM sign_in_places WHERE last_seen_at < $1", s.Dialect.Time(before))
	if err != nil {
		return 0, fmt.Errorf("store: prune sign-in places: %w", err)
	}
	return res.RowsAffected()
}
